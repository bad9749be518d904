/* task_alarm.h: an emulated-time alarm whose expiry runs a callback on a task, cancel-safe
 * against an expiry already queued (the one mechanism behind WIP's alarms). */
#ifndef OAT_TASK_ALARM_H
#define OAT_TASK_ALARM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/sched.h"

typedef struct oat_task_alarm oat_task_alarm;

/* Once oat_now_us() >= due_us, run fn(arg) on task (its thread, holding the CPU). When the
 * event cannot run (post refused, the module stops first) drop(arg) runs instead (drop may
 * be NULL). NULL when out of memory (nothing runs then). */
oat_task_alarm *oat_task_alarm_start(oat_task *task, int64_t due_us, void (*fn)(void *arg),
                                     void (*drop)(void *arg), void *arg);
/* True when neither fn nor drop has started and never will: arg is the caller's again (an
 * expiry already queued is discarded, not run). False when one of them started. The handle
 * is invalid afterwards; handles are never-reused ids, so cancelling a stale one (its fn has
 * run) is harmless and returns false. Takes no lock a fire() or an event holds: callable
 * with wip_mu or a service lock held. */
bool oat_task_alarm_cancel(oat_task_alarm *a);

#endif
