/* sched.c: tasks as named threads sharing one CPU lock. The CPU goes to the highest-priority
 * task with work; a task keeps it until its handler returns or it blocks. Events are run
 * in the order they were posted. Never calls application code except queued event fns. */
#include "core/sched.h"
#include "core/loop.h"
#include "core/timer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TASKS 32
#define MIN_STACK_BYTES (512u * 1024u)

typedef struct oat_event {
    oat_event_fn fn, drop;
    void *arg;
    struct oat_event *next;
} oat_event;

struct oat_task {
    char name[32];
    int priority;
    int index;
    size_t stack_bytes;
    pthread_t thread;
    bool started;
    pthread_cond_t cv;
    oat_event *head, *tail;
    oat_event *running;   /* the event whose handler runs now (freed if the task ends in it) */
    bool blocked;      /* inside oat_task_block, waiting for its condition */
    bool (*ready)(void *arg);
    void *ready_arg;
    bool resume;       /* condition met, waiting to get the CPU back */
    bool timed_out;
};

static pthread_mutex_t sched_mu = PTHREAD_MUTEX_INITIALIZER;
static oat_task *tasks[MAX_TASKS];
static int task_count;
static oat_task *cpu_owner;
static bool stopping;
static _Thread_local oat_task *self;
static uint64_t events_run;                 /* handlers completed, for waiters on activity */
static pthread_cond_t activity_cv = PTHREAD_COND_INITIALIZER;

/* With sched_mu held: give a free CPU to the highest-priority task that has work. */
static void sched_pick(void)
{
    if (cpu_owner)
        return;
    oat_task *best = NULL;
    for (int i = 0; i < task_count; i++) {
        oat_task *t = tasks[i];
        bool runnable = t->resume || (t->head && !t->blocked);
        if (runnable && (!best || t->priority > best->priority))
            best = t;
    }
    if (best) {
        cpu_owner = best;
        pthread_cond_signal(&best->cv);
    } else {
        oat_loop_wakeup();
    }
}

oat_task *oat_task_create(const char *name, int priority, size_t stack_bytes)
{
    pthread_mutex_lock(&sched_mu);
    if (task_count == MAX_TASKS) {
        pthread_mutex_unlock(&sched_mu);
        return NULL;
    }
    oat_task *t = calloc(1, sizeof *t);
    if (!t) {
        pthread_mutex_unlock(&sched_mu);
        return NULL;
    }
    snprintf(t->name, sizeof t->name, "%s", name && *name ? name : "task");
    t->priority = priority;
    t->index = task_count;
    t->stack_bytes = stack_bytes < MIN_STACK_BYTES ? MIN_STACK_BYTES : stack_bytes;
    pthread_cond_init(&t->cv, NULL);
    tasks[task_count++] = t;
    pthread_mutex_unlock(&sched_mu);
    return t;
}

int oat_post(oat_task *t, oat_event_fn fn, void *arg, oat_event_fn drop)
{
    oat_event *ev = t ? malloc(sizeof *ev) : NULL;
    if (!ev) {
        if (drop)
            drop(arg);
        return -1;
    }
    *ev = (oat_event){ fn, drop, arg, NULL };
    pthread_mutex_lock(&sched_mu);
    if (stopping) {
        pthread_mutex_unlock(&sched_mu);
        if (drop)
            drop(arg);
        free(ev);
        return -1;
    }
    if (t->tail)
        t->tail->next = ev;
    else
        t->head = ev;
    t->tail = ev;
    sched_pick();
    pthread_mutex_unlock(&sched_mu);
    return 0;
}

/* With sched_mu held: a task has work, or a blocked task's wait is over (it is about to
 * run, even before it has the CPU). */
static bool work_waiting(void)
{
    for (int i = 0; i < task_count; i++) {
        oat_task *t = tasks[i];
        bool waking = t->blocked && (t->timed_out || t->ready(t->ready_arg));
        if (t->resume || waking || (t->head && !t->blocked))
            return true;
    }
    return false;
}

static void *task_main(void *arg)
{
    oat_task *t = arg;
    self = t;
    char thread_name[16];   /* the kernel keeps 15 characters of a thread name */
    memcpy(thread_name, t->name, sizeof thread_name - 1);
    thread_name[sizeof thread_name - 1] = '\0';
    pthread_setname_np(pthread_self(), thread_name);
    pthread_mutex_lock(&sched_mu);
    for (;;) {
        while (!stopping && cpu_owner != t)
            pthread_cond_wait(&t->cv, &sched_mu);
        if (stopping)
            break;
        oat_event *ev = t->head;
        t->head = ev->next;
        if (!t->head)
            t->tail = NULL;
        t->running = ev;
        pthread_mutex_unlock(&sched_mu);
        ev->fn(ev->arg);
        t->running = NULL;
        free(ev);
        pthread_mutex_lock(&sched_mu);
        cpu_owner = NULL;
        events_run++;
        pthread_cond_broadcast(&activity_cv);
        /* Nothing left to run anywhere: keep the CPU and move virtual time here, so the
         * events it brings (often for this task) run without waking another thread. */
        while (!stopping && !work_waiting()) {
            cpu_owner = t;
            pthread_mutex_unlock(&sched_mu);
            bool moved = oat_loop_advance_idle();
            pthread_mutex_lock(&sched_mu);
            cpu_owner = NULL;
            if (!moved)
                break;
        }
        sched_pick();
    }
    pthread_mutex_unlock(&sched_mu);
    return NULL;
}

static void block_timeout(void *arg)
{
    oat_task *t = arg;
    pthread_mutex_lock(&sched_mu);
    t->timed_out = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&sched_mu);
}

int oat_task_block(bool (*ready)(void *arg), void *arg, int64_t deadline_us)
{
    oat_task *t = self;
    if (!t)
        return -1;
    pthread_mutex_lock(&sched_mu);
    t->blocked = true;
    t->timed_out = false;
    t->ready = ready;
    t->ready_arg = arg;
    oat_alarm *alarm = deadline_us >= 0 ? oat_alarm_start(deadline_us, block_timeout, t) : NULL;
    cpu_owner = NULL;
    sched_pick();
    while (!stopping && !t->timed_out && !ready(arg))
        pthread_cond_wait(&t->cv, &sched_mu);
    bool met = !stopping && ready(arg);
    t->blocked = false;
    t->resume = true;
    sched_pick();
    while (!stopping && cpu_owner != t)
        pthread_cond_wait(&t->cv, &sched_mu);
    t->resume = false;
    bool end = stopping;
    pthread_mutex_unlock(&sched_mu);
    if (alarm)
        oat_alarm_cancel(alarm);
    if (end) {                  /* the module stops: the handler never returns */
        free(t->running);
        t->running = NULL;
        pthread_exit(NULL);
    }
    return met ? 0 : -1;
}

void oat_sched_lock(void)
{
    pthread_mutex_lock(&sched_mu);
}

void oat_sched_unlock(void)
{
    pthread_mutex_unlock(&sched_mu);
}

void oat_sched_wake_blocked(void)
{
    for (int i = 0; i < task_count; i++)
        if (tasks[i]->blocked)
            pthread_cond_signal(&tasks[i]->cv);
}

bool oat_sched_idle(void)
{
    pthread_mutex_lock(&sched_mu);
    bool idle = cpu_owner == NULL && !work_waiting();
    pthread_mutex_unlock(&sched_mu);
    return idle;
}

oat_task *oat_task_current(void)
{
    return self;
}

oat_task *oat_task_main(void)
{
    return task_count ? tasks[0] : NULL;
}

oat_task *oat_task_owner(void)
{
    return self ? self : oat_task_main();
}

const char *oat_task_name(const oat_task *t)
{
    return t ? t->name : "-";
}

int oat_task_index(const oat_task *t)
{
    return t ? t->index : -1;
}

oat_task *oat_task_by_index(int index)
{
    return index >= 0 && index < task_count ? tasks[index] : NULL;
}

int oat_task_count(void)
{
    return task_count;
}

void oat_sched_start(void)
{
    pthread_mutex_lock(&sched_mu);
    stopping = false;
    for (int i = 0; i < task_count; i++) {
        oat_task *t = tasks[i];
        if (t->started)
            continue;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, t->stack_bytes);
        t->started = pthread_create(&t->thread, &attr, task_main, t) == 0;
        pthread_attr_destroy(&attr);
    }
    pthread_mutex_unlock(&sched_mu);
}

void oat_sched_stop(void)
{
    pthread_mutex_lock(&sched_mu);
    stopping = true;
    for (int i = 0; i < task_count; i++)
        pthread_cond_broadcast(&tasks[i]->cv);
    pthread_mutex_unlock(&sched_mu);
    for (int i = 0; i < task_count; i++)
        if (tasks[i]->started)
            pthread_join(tasks[i]->thread, NULL);
    /* The events still queued are dropped with sched_mu released: a drop may release the
     * last reference of a channel, whose finalizer posts (and is refused: stopping). */
    pthread_mutex_lock(&sched_mu);
    oat_event *left = NULL, **end = &left;
    for (int i = 0; i < task_count; i++) {
        oat_task *t = tasks[i];
        *end = t->head;
        if (t->head)
            end = &t->tail->next;
        t->head = t->tail = NULL;
    }
    pthread_mutex_unlock(&sched_mu);
    while (left) {
        oat_event *ev = left;
        left = ev->next;
        if (ev->drop)
            ev->drop(ev->arg);
        free(ev);
    }
    pthread_mutex_lock(&sched_mu);
    for (int i = 0; i < task_count; i++) {
        pthread_cond_destroy(&tasks[i]->cv);
        free(tasks[i]);
        tasks[i] = NULL;
    }
    task_count = 0;
    cpu_owner = NULL;
    stopping = false;
    pthread_mutex_unlock(&sched_mu);
}

uint64_t oat_sched_events_run(void)
{
    pthread_mutex_lock(&sched_mu);
    uint64_t n = events_run;
    pthread_mutex_unlock(&sched_mu);
    return n;
}

bool oat_sched_wait_events(uint64_t seen, const struct timespec *real_deadline)
{
    pthread_mutex_lock(&sched_mu);
    int rc = 0;
    while (events_run == seen && rc == 0)
        rc = pthread_cond_timedwait(&activity_cv, &sched_mu, real_deadline);
    bool more = events_run != seen;
    pthread_mutex_unlock(&sched_mu);
    return more;
}
