/* chan_timer.c: a transport's one-shot emulated-time timer (handshake, reply and idle
 * timeouts), a task alarm (core/task_alarm.c) on the channel's owner task; there, with the
 * WIP lock held, the callback runs unless the timer was stopped or restarted first. A
 * running timer holds a reference to the channel. On a host channel it also holds the virtual clock for the
 * same span of host time: the timer waits for a host peer, whose answer must not be
 * overtaken by a clock jump. */
#include "wip/wip_internal.h"
#include "core/clock.h"
#include "core/loop.h"
#include "core/task_alarm.h"

#include <stdlib.h>

struct oat_chan_shot {
    oat_chan *c;
    oat_chan_timer *tm;         /* NULL once stopped: the callback must not run */
    void (*fn)(oat_chan *c);
};

void oat_chan_timer_init(oat_chan_timer *tm)
{
    *tm = (oat_chan_timer){ NULL, NULL, -1 };
}

static void forget(oat_chan_timer *tm)
{
    tm->alarm = NULL;
    tm->shot = NULL;
    oat_io_wait_end(tm->wait_token);
    tm->wait_token = -1;
}

static void shot_free(oat_chan_shot *s)
{
    if (s->tm)
        forget(s->tm);
    oat_chan_unref(s->c);
    free(s);
}

static void shot_run(void *arg)
{
    oat_chan_shot *s = arg;
    oat_wip_lock();
    oat_chan_timer *tm = s->tm;
    if (tm) {
        forget(tm);
        s->fn(s->c);
    }
    oat_chan_unref(s->c);
    oat_wip_unlock();
    free(s);
}

static void shot_drop(void *arg)
{
    oat_wip_lock();
    shot_free(arg);
    oat_wip_unlock();
}

void oat_chan_timer_stop(oat_chan_timer *tm)
{
    oat_chan_shot *s = tm->shot;
    if (!s)
        return;
    if (tm->alarm && oat_task_alarm_cancel(tm->alarm)) {
        shot_free(s);                   /* never ran, never will */
        return;
    }
    s->tm = NULL;                       /* started: it runs (or is dropped) without effect */
    forget(tm);
}

static bool start(oat_chan_timer *tm, oat_chan *c, uint32_t ms, void (*fn)(oat_chan *c),
                  bool await_host)
{
    oat_chan_timer_stop(tm);
    oat_chan_shot *s = malloc(sizeof *s);
    if (!s)
        return false;
    *s = (oat_chan_shot){ c, tm, fn };
    oat_chan_ref(c);
    tm->shot = s;
    tm->alarm = oat_task_alarm_start(c->owner, oat_now_us() + (int64_t)ms * 1000, shot_run,
                                     shot_drop, s);
    if (!tm->alarm) {
        shot_free(s);
        return false;
    }
    if (await_host && c->host)
        tm->wait_token = oat_io_wait_begin((int64_t)ms * 1000);
    return true;
}

bool oat_chan_timer_start(oat_chan_timer *tm, oat_chan *c, uint32_t ms, void (*fn)(oat_chan *c))
{
    return start(tm, c, ms, fn, true);
}

bool oat_chan_timer_start_busy(oat_chan_timer *tm, oat_chan *c, uint32_t ms,
                               void (*fn)(oat_chan *c))
{
    return start(tm, c, ms, fn, false);
}
