/* sched.h: tasks as named POSIX threads under one CPU lock, each with its own event
 * queue (behaviour §1). Handlers run to completion; nothing here runs application code
 * re-entrantly. Uses only standard C types so host and SDK headers never meet. */
#ifndef OAT_SCHED_H
#define OAT_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct oat_task oat_task;
typedef void (*oat_event_fn)(void *arg);

/* Create a task; it starts idle and runs nothing until an event is posted.
 * priority: higher number = higher priority (as in adl_InitTasks[]). */
oat_task *oat_task_create(const char *name, int priority, size_t stack_bytes);

/* Queue fn(arg) on the task. Runs on its thread holding the CPU, after every event queued
 * before it. Callable from any thread (tasks, the I/O loop). Whenever fn will not run (no
 * task, no memory, the module stops first) drop(arg) runs instead (drop may be NULL).
 * Returns 0, or -1 when the event was refused (drop has then run). */
int oat_post(oat_task *t, oat_event_fn fn, void *arg, oat_event_fn drop);

/* Defer fn(arg) to the task's closing pass: it runs on the task's thread holding the CPU and
 * no lock, after the handler running now returns (or, when the task is idle, as its next
 * step), before the task's next event; callbacks deferred to one task run in the order they
 * were deferred. Callable from any thread, with any lock. At module stop drop(arg) runs
 * instead, on the stopping thread with no lock, after every task thread ended (drop may be
 * NULL). No task or no memory: drop(arg) runs now and -1 is returned. Channel finalizers
 * run here (libuv's closing-handles pass is the model). */
int oat_task_defer_close(oat_task *t, oat_event_fn fn, void *arg, oat_event_fn drop);

/* The task running the caller, or NULL on a non-task thread (the I/O loop, a test). */
oat_task *oat_task_current(void);
/* The task owning ADL processing: the first row of adl_InitTasks[] (or adl_main's task). */
oat_task *oat_task_main(void);
/* The task for the caller: the current task, else the main task. */
oat_task *oat_task_owner(void);
const char *oat_task_name(const oat_task *t);
int oat_task_index(const oat_task *t);          /* 0-based row in the task table */
oat_task *oat_task_by_index(int index);         /* NULL when out of range */
int oat_task_count(void);

/* Release the CPU and wait until ready(arg) is true or the emulated time deadline_us passes
 * (deadline_us < 0: no deadline), then take the CPU back. ready() is evaluated with the
 * scheduler lock held: state it reads must be changed under oat_sched_lock(), followed by
 * oat_sched_wake_blocked(). Returns 0 when ready, -1 on timeout. If the module stops while
 * waiting, the task thread ends here. */
int oat_task_block(bool (*ready)(void *arg), void *arg, int64_t deadline_us);
void oat_sched_lock(void);
void oat_sched_unlock(void);
/* Ask blocked tasks to re-evaluate their condition; call with the scheduler lock held. */
void oat_sched_wake_blocked(void);

/* True when no task holds the CPU or has work queued (blocked tasks count as idle). */
bool oat_sched_idle(void);

/* Handlers run so far, and a wait (not from a task) until that count passes seen or the
 * CLOCK_REALTIME deadline; true if handlers ran. Tests wait on host I/O with these. */
struct timespec;
uint64_t oat_sched_events_run(void);
bool oat_sched_wait_events(uint64_t seen, const struct timespec *real_deadline);
/* Lifecycle, used by the module (emu/host): start threads of all created tasks; stop ends
 * every task thread (queued events are dropped) and frees the tasks. */
void oat_sched_start(void);
void oat_sched_stop(void);

#endif
