/* task_alarm.c: task alarms as a list of live entries keyed by id: the core alarm's fire()
 * only marks the entry queued and posts it to its task; the event runs fn unless the entry
 * was cancelled meanwhile. ta_mu sits below the time lock and above sched_mu and alarm_mu,
 * and is never held while waiting for a fire() (oat_alarm_cancel). */
#include "core/task_alarm.h"
#include "core/timer.h"

#include <pthread.h>
#include <stdlib.h>

typedef enum { TA_ARMED, TA_QUEUED, TA_CANCELLED } ta_state;

typedef struct ta_entry {
    uint64_t id;
    ta_state state;
    oat_task *task;
    oat_event_fn fn, drop;
    void *arg;
    oat_alarm *alarm;
    struct ta_entry *next;
} ta_entry;

static pthread_mutex_t ta_mu = PTHREAD_MUTEX_INITIALIZER;
static ta_entry *live;
static uint64_t next_id = 1;

/* With ta_mu held. */
static ta_entry *find(uint64_t id)
{
    ta_entry *e = live;
    while (e && e->id != id)
        e = e->next;
    return e;
}

/* With ta_mu held. */
static void unlink_entry(ta_entry *e)
{
    ta_entry **p = &live;
    while (*p != e)
        p = &(*p)->next;
    *p = e->next;
}

/* The event's end, run or dropped: the entry leaves the list and is freed. Returns what to
 * call with *arg (fn, or drop when dropped), or NULL when the entry was cancelled. */
static oat_event_fn take(ta_entry *e, bool run, void **arg)
{
    pthread_mutex_lock(&ta_mu);
    bool wanted = e->state == TA_QUEUED;
    unlink_entry(e);
    pthread_mutex_unlock(&ta_mu);
    oat_event_fn call = !wanted ? NULL : run ? e->fn : e->drop;
    *arg = e->arg;
    free(e);
    return call;
}

static void expiry_run(void *entry)
{
    void *arg;
    oat_event_fn fn = take(entry, true, &arg);
    if (fn)
        fn(arg);
}

static void expiry_drop(void *entry)
{
    void *arg;
    oat_event_fn drop = take(entry, false, &arg);
    if (drop)
        drop(arg);
}

/* Under the time lock: hand over to the task, nothing else. */
static void expiry_fire(void *arg)
{
    ta_entry *e = arg;
    pthread_mutex_lock(&ta_mu);
    e->state = TA_QUEUED;
    oat_task *task = e->task;
    pthread_mutex_unlock(&ta_mu);
    oat_post(task, expiry_run, e, expiry_drop);
}

oat_task_alarm *oat_task_alarm_start(oat_task *task, int64_t due_us, void (*fn)(void *arg),
                                     void (*drop)(void *arg), void *arg)
{
    ta_entry *e = malloc(sizeof *e);
    if (!e)
        return NULL;
    pthread_mutex_lock(&ta_mu);
    *e = (ta_entry){ next_id++, TA_ARMED, task, fn, drop, arg, NULL, live };
    live = e;
    uint64_t id = e->id;
    e->alarm = oat_alarm_start(due_us, expiry_fire, e);
    bool armed = e->alarm != NULL;
    if (!armed)
        unlink_entry(e);
    pthread_mutex_unlock(&ta_mu);
    if (!armed) {
        free(e);
        return NULL;
    }
    return (oat_task_alarm *)(uintptr_t)id;
}

bool oat_task_alarm_cancel(oat_task_alarm *a)
{
    uint64_t id = (uint64_t)(uintptr_t)a;
    pthread_mutex_lock(&ta_mu);
    ta_entry *e = find(id);
    oat_alarm *alarm = e && e->state == TA_ARMED ? e->alarm : NULL;
    pthread_mutex_unlock(&ta_mu);
    if (alarm && oat_alarm_cancel(alarm)) {
        pthread_mutex_lock(&ta_mu);
        unlink_entry(e);
        pthread_mutex_unlock(&ta_mu);
        free(e);
        return true;
    }
    /* Queued (perhaps just now, by a fire() the cancel above waited for): the event discards
     * it. Gone from the list: it ran, started, or was dropped. */
    pthread_mutex_lock(&ta_mu);
    e = find(id);
    bool cancelled = e && e->state == TA_QUEUED;
    if (cancelled)
        e->state = TA_CANCELLED;
    pthread_mutex_unlock(&ta_mu);
    return cancelled;
}
