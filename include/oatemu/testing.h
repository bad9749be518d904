/* oatemu/testing.h: the public test kit in C (library oatemu::testing). It boots the Open AT
 * application linked into the test program in-process, with the AT port in memory, traces
 * captured and the clock virtual, and lets any C or C++ test framework type AT commands, move
 * the emulated clock, run code in the application's tasks and change the emulated world.
 * One module at a time; call everything from one thread (the test's). */
#ifndef OATEMU_TESTING_H
#define OATEMU_TESTING_H

#include "adl_AppliInit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the module's life ---- */

/* Boot the application linked into the program (its adl_InitTasks[] table, or adl_main with
 * wm_apmCustomStackSize, found as the module's main() finds them) with command-line flags
 * (the application's flags: "--sim-pin=1234", "--bearer=delay=2s", ...; NULL-terminated, or
 * NULL). Virtual clock, AT port in memory, a fresh flash directory unless --flash-dir is
 * given. A module still running is stopped first. The entry points have run on return.
 * Returns 0, or -1 (the reason on stderr) when the flags are refused or the launch fails. */
int oatemu_boot(const char *const *flags);
/* The same with an explicit task table or adl_main-style entry instead of the linked one. */
int oatemu_boot_tasks(const adl_InitTasks_t *tasks, const char *const *flags);
int oatemu_boot_main(void (*main_fn)(adl_InitType_e), const char *const *flags);
/* True while the module runs (false after adl_errHalt, the --run-for end, or oatemu_stop). */
bool oatemu_running(void);
/* Stop the module and release it; returns its exit code (0 when none was running). */
int oatemu_stop(void);

/* ---- AT port and traces ---- */

/* Type one line on UART1 (CR appended), let the module settle, return the AT output since
 * the last read. The returned strings are malloc'd: free them with oatemu_free. */
char *oatemu_at(const char *line);
/* AT output / trace lines since the last read. Traces stay readable after oatemu_stop()
 * until the next boot. */
char *oatemu_output(void);
char *oatemu_traces(void);
void oatemu_free(void *p);

/* ---- time ---- */

/* Move the emulated clock by ms; every timer and event due on the way runs; returns once
 * the module is settled. With --clock=real the clock is not the test's: it only settles. */
void oatemu_advance_ms(long long ms);
/* Run what is due now, without moving the clock (oatemu_advance_ms(0)). */
void oatemu_settle(void);
/* The emulated clock: ms since the boot. */
long long oatemu_now_ms(void);
/* Wait, in host time and at most host_timeout_ms, until cond(arg) holds while the module
 * handles host I/O (sockets, a real server); the emulated clock does not move. cond runs on
 * the test thread after handlers ran, and at least every 10 ms. Returns the last cond(arg). */
bool oatemu_wait_for(bool (*cond)(void *arg), void *arg, long long host_timeout_ms);

/* ---- inside the application ---- */

/* Run fn(arg) in task row `task` (0 = the first task, or adl_main's) as an application
 * handler, then settle. Returns 0, or -1 when no module runs or there is no such task. */
int oatemu_in_task(int task, void (*fn)(void *arg), void *arg);

/* ---- the emulated world ---- */

/* The bearer: spec as the --bearer flag takes it ("" = the defaults: every start succeeds
 * after 1 s; "fail=WIP_BERR_NO_SIM", "delay=5s", "drop=30s", "apn=internet"...). Applies to
 * the bearer starts that come after it. Returns 0, or -1 (reason traced) for a bad spec. */
int oatemu_set_bearer(const char *spec);
/* Scripted faults on host connections, as the --fault flag takes them
 * ("peer.test:7:reset-after=1000", "mail.test:25:stall=5s;10.0.0.1:refuse"; "" = none):
 * they apply to the connections that start after it. Returns 0, or -1 (reason traced) for
 * a bad spec. */
int oatemu_set_fault(const char *spec);
/* The module's radio link: spec as the --link flag takes it ("lan", "gprs", "edge", "3g",
 * "rate=40k/80k,rtt=600ms,jitter=50ms", "gprs,rtt=1s"). Applies to the host channels opened
 * after it. Returns 0, or -1 (reason traced) for a bad spec or when no module runs. */
int oatemu_set_link(const char *spec);
/* Every connected bearer goes down now, as a lost network does (WIP_BEV_IP_DISCONNECTED to
 * its handler, host channels fail). Returns how many went down, or -1 when no module runs. */
int oatemu_bearer_drop(void);
/* The RTC: set it (seconds since 1970-01-01 00:00:00 UTC, as AT+CCLK does), read it.
 * oatemu_set_rtc returns 0, or -1 when no module runs. */
int oatemu_set_rtc(long long seconds);
long long oatemu_rtc(void);
/* The SIM as AT+CPIN? shows it: "READY", "SIM PIN" or "SIM PUK" (its PIN comes from the
 * --sim-pin flag; tests enter it with AT+CPIN); ready once the PIN is accepted (or none). */
const char *oatemu_sim_cpin(void);
bool oatemu_sim_ready(void);

#ifdef __cplusplus
}
#endif

#endif
