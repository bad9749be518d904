/* shim.h: the small C API the GoogleTest suites drive the emulator with. It boots an
 * application in-process in virtual time with the AT port captured in memory, steps the
 * clock, types AT commands and reads responses and traces. */
#ifndef OAT_SHIM_H
#define OAT_SHIM_H

#include "adl_global.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Boot with a task table or an adl_main-style entry. flags: extra command-line flags
 * ("--sim-pin=1234"), NULL-terminated, or NULL. The entry points have run on return.
 * Returns 0, or -1 if the configuration was refused. */
int oat_shim_boot_tasks(const adl_InitTasks_t *tasks, const char *const *flags);
int oat_shim_boot_main(void (*main_fn)(adl_InitType_e), const char *const *flags);

/* Advance emulated time by ms; everything due on the way runs; returns once settled. With
 * --clock=real the clock is not the shim's to move: it only settles. */
void oat_shim_advance_ms(long long ms);
void oat_shim_settle(void);
long long oat_shim_now_ms(void);

/* Type one line on UART1 (CR appended), settle, return the AT output since the last read. */
char *oat_shim_at(const char *line);
/* AT output / trace lines since the last read (malloc'd; free with oat_shim_free). Traces
 * stay readable after oat_shim_stop() until the next boot. */
char *oat_shim_output(void);
char *oat_shim_traces(void);
void oat_shim_free(void *p);

/* Run fn(arg) on task row `task` as an application handler, then settle. Returns 0 or -1. */
int oat_shim_in_task(int task, void (*fn)(void *arg), void *arg);
/* Wait (in host time, at most timeout_ms) until cond(arg) holds, while the module handles
 * host I/O; the emulated clock does not move. cond runs on the test thread after handlers
 * ran, and at least every 10 ms (it may turn true off the module, in a peer of the test).
 * Returns the final cond(arg). */
bool oat_shim_wait_for(bool (*cond)(void *arg), void *arg, long long timeout_ms);

/* True while the module runs (false after adl_errHalt or --run-for end). */
bool oat_shim_running(void);
/* Stop the module and release it; returns its exit code. */
int oat_shim_stop(void);

#ifdef __cplusplus
}
#endif

#endif
