/* timer.h: one-shot emulated-time alarms kept by the I/O loop. fire() runs on the loop
 * thread, or in virtual time on the task thread that moves the clock (oat_loop_advance_idle),
 * never inside application code and with no core lock held: it posts an event to a task
 * when a task must react. */
#ifndef OAT_TIMER_H
#define OAT_TIMER_H

#include <stdbool.h>
#include <stdint.h>

typedef struct oat_alarm oat_alarm;

/* Call fire(arg) once oat_now_us() >= due_us (on the loop thread, or on the task thread that
 * moved virtual time there). */
oat_alarm *oat_alarm_start(int64_t due_us, void (*fire)(void *arg), void *arg);
/* Cancel; true if it had not fired. The handle is invalid afterwards either way, and
 * fire() is guaranteed not to be running or to run after this returns. */
bool oat_alarm_cancel(oat_alarm *a);

/* Loop side: the earliest due time (INT64_MAX if none), and fire all alarms due <= now (one
 * firing thread at a time: the loop's time lock, emu/core/loop.c). */
int64_t oat_alarm_next_due(void);
void oat_alarm_fire_due(int64_t now_us);
void oat_alarm_clear_all(void);

#endif
