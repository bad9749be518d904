/* loop.h: the emulator's I/O thread. It polls host descriptors, fires alarms, advances the
 * virtual clock when the module is idle, and posts events to tasks. It never runs
 * application code. */
#ifndef OAT_LOOP_H
#define OAT_LOOP_H

#include <stdbool.h>
#include <stdint.h>

/* Called on the loop thread with the poll revents of fd. */
typedef void (*oat_io_fn)(int fd, short revents, void *arg);

/* Watch fd for events (POLLIN/POLLOUT); thread-safe. One watcher per fd. */
int oat_io_add(int fd, short events, oat_io_fn fn, void *arg);
void oat_io_set_events(int fd, short events);   /* 0: not polled until set again */
/* Stop watching; after it returns, fn is not running and will not run for fd. */
void oat_io_del(int fd);
void oat_loop_wakeup(void);
bool oat_loop_is_current(void);   /* true on the loop thread */

/* Host work in flight (connects, name lookups...) whose completion is expected: while the
 * count is above zero the virtual clock does not jump, it waits for the host. */
void oat_io_pending_add(int delta);
/* Traffic on a host connection: in virtual time the clock does not jump for real_us of host
 * time after it (a reply may be on its way); the module still settles at the current
 * instant. */
void oat_io_hold(int64_t real_us);
/* No host connection is left: nothing can be on its way any more. */
void oat_io_hold_end(void);
/* A reply awaited from a host peer: the virtual clock does not jump until oat_io_wait_end
 * or until real_us of host time passed (then the emulated timeout may come). Returns a
 * token (-1 when too many waits: the clock is then simply not held). */
int oat_io_wait_begin(int64_t real_us);
void oat_io_wait_end(int token);

/* Virtual clock limit: the clock never moves past it (INT64_MAX = free running). Tests set
 * it to step time; --run-for sets the end. */
void oat_loop_set_limit(int64_t limit_us);
/* --run-for: stop the module (exit code 0) once everything due up to at_us has run. */
void oat_loop_end_at(int64_t at_us);
/* Block the caller (not a task) until the module is idle with the virtual clock at the
 * limit and no alarm due before it, or until the module stops. Returns false if stopped. */
bool oat_loop_wait_settled(void);

/* Virtual time without hand-offs: a task thread holding the CPU, with no task left to run,
 * moves the clock to the next due alarm and fires what is due there itself, when nothing
 * else could happen first (no host work pending, no host descriptor watched, no loop call
 * queued, no stop, the alarm within the limit; not with --slow-time). Returns true
 * if it did; false leaves time to the loop thread. Called with no core lock held. */
bool oat_loop_advance_idle(void);

/* Lifecycle: start the loop thread; request a stop (any thread, exit code kept); wait for
 * the stop request; join. */
int oat_loop_start(void);
void oat_loop_request_stop(int exit_code);
bool oat_loop_stop_requested(void);
int oat_loop_wait_stop(void);     /* returns the exit code */
void oat_loop_join(void);
bool oat_loop_running(void);      /* false before start and once joined */
/* Ask the loop to call fn(arg) on its thread soon (thread-safe). */
void oat_loop_call(void (*fn)(void *arg), void *arg);

#endif
