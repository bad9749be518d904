/* services.h: how the module (emu/host/module.c) starts and stops the ADL services, and the
 * few internal entry points shared between ADL files. Each service reads its options (adl_options.h) itself.
 * Stop hooks release everything the service holds so a module can boot again in-process. */
#ifndef OAT_ADL_SERVICES_H
#define OAT_ADL_SERVICES_H

#include "core/errors.h"

#include <stdbool.h>
#include <stddef.h>

/* Memory (mem.c): stop reports every block never released (size, file:line) to the log and
 * returns how many there were. */
void oat_mem_start(void);
int oat_mem_stop(void);

/* Traces (trace.c): levels and per-call-site warnings state. */
void oat_trace_start(void);
void oat_trace_stop(void);

/* Error service (error.c). oat_err_raise reports an internal error (ADL_ERR_MEM_RELEASE...)
 * as the module does: the subscribed handler is asked; unless it returns FALSE the module
 * halts (trace, stop with OAT_EXIT_HALT; a task thread that raised it never resumes).
 * Returns only when the handler prevented the reset. */
#define OAT_EXIT_HALT 3
void oat_err_raise(unsigned id, const char *text);
void oat_err_stop(void);

/* Flash objects (flash.c): directory from --flash-dir, created if missing. Returns
 * 0, or -1 with the reason in err when the directory cannot be created or written. */
int oat_flash_start(char *err, size_t errlen);
void oat_flash_stop(void);

/* RTC (rtc.c): module time base from --rtc or the host clock. */
void oat_rtc_start(void);

/* AT service (at.c and friends) and modem/SIM model: port from --at. */
int oat_at_start(void);
void oat_at_stop(void);
void oat_sim_stop(void);
/* Bytes typed on UART1 as if from the terminal (tests and the "none" port use this). */
void oat_at_input(const char *bytes, size_t len);
/* Output written to UART1 since the last call when the port is "none" (malloc'd, caller
 * frees; "" if nothing). */
char *oat_at_take_output(void);
/* True when no command is running or waiting on any port and every response is written. */
bool oat_at_idle(void);
/* The terminal input ended (stdio EOF): the module stops once oat_at_idle(). */
void oat_at_input_ended(void);

/* Timers, contexts, messages, semaphores, events (timer_adl.c, os.c). */
void oat_adl_timers_stop(void);
void oat_os_stop(void);

/* The ADL error families (errnames.c); oat_adl_err_tables lists them all, NULL-terminated. */
extern const oat_err_table oat_adl_ret_errors, oat_adl_flh_errors, oat_adl_gprs_errors;
extern const oat_err_table *const oat_adl_err_tables[];
/* Name an ADL return code ("ADL_RET_ERR_PARAM"), or NULL if it has no name. */
const char *oat_adl_ret_name(long long code);

#endif
