/* sched.c: tasks as named threads sharing one CPU lock. The CPU goes to the highest-priority
 * task with work; a task keeps it until its handler returns or it blocks. Events are run
 * in the order they were posted. Never calls application code except queued event fns. */
#include "core/sched.h"
#include "core/loop.h"
#include "core/lock_check.h"
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
    oat_event *closing, *closing_tail;   /* the closing list: run at the closing pass */
    oat_event *running;   /* the event or closing callback running (freed if the task ends in it) */
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
        bool runnable = t->resume || ((t->head || t->closing) && !t->blocked);
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
    OAT_LOCK(&sched_mu, SCHED);
    if (task_count == MAX_TASKS) {
        OAT_UNLOCK(&sched_mu, SCHED);
        return NULL;
    }
    oat_task *t = calloc(1, sizeof *t);
    if (!t) {
        OAT_UNLOCK(&sched_mu, SCHED);
        return NULL;
    }
    snprintf(t->name, sizeof t->name, "%s", name && *name ? name : "task");
    t->priority = priority;
    t->index = task_count;
    t->stack_bytes = stack_bytes < MIN_STACK_BYTES ? MIN_STACK_BYTES : stack_bytes;
    pthread_cond_init(&t->cv, NULL);
    tasks[task_count++] = t;
    OAT_UNLOCK(&sched_mu, SCHED);
    return t;
}

/* With sched_mu held: append ev to the list head..tail. */
static void list_append(oat_event **head, oat_event **tail, oat_event *ev)
{
    if (*tail)
        (*tail)->next = ev;
    else
        *head = ev;
    *tail = ev;
}

/* A queued event for task t, or NULL after drop(arg) (no task, or out of memory). */
static oat_event *event_new(oat_task *t, oat_event_fn fn, void *arg, oat_event_fn drop)
{
    oat_event *ev = t ? malloc(sizeof *ev) : NULL;
    if (ev)
        *ev = (oat_event){ fn, drop, arg, NULL };
    else if (drop)
        drop(arg);
    return ev;
}

int oat_task_defer_close(oat_task *t, oat_event_fn fn, void *arg, oat_event_fn drop)
{
    oat_event *ev = event_new(t, fn, arg, drop);
    if (!ev)
        return -1;
    OAT_LOCK(&sched_mu, SCHED);
    list_append(&t->closing, &t->closing_tail, ev);   /* accepted while stopping: the
                                                        * stop pass drops it */
    sched_pick();
    OAT_UNLOCK(&sched_mu, SCHED);
    return 0;
}

int oat_post(oat_task *t, oat_event_fn fn, void *arg, oat_event_fn drop)
{
    oat_event *ev = event_new(t, fn, arg, drop);
    if (!ev)
        return -1;
    OAT_LOCK(&sched_mu, SCHED);
    if (stopping) {
        OAT_UNLOCK(&sched_mu, SCHED);
        if (drop)
            drop(arg);
        free(ev);
        return -1;
    }
    list_append(&t->head, &t->tail, ev);
    sched_pick();
    OAT_UNLOCK(&sched_mu, SCHED);
    return 0;
}

/* With sched_mu held: a task has work, or a blocked task's wait is over (it is about to
 * run, even before it has the CPU). */
static bool work_waiting(void)
{
    for (int i = 0; i < task_count; i++) {
        oat_task *t = tasks[i];
        bool waking = t->blocked && (t->timed_out || t->ready(t->ready_arg));
        if (t->resume || waking || ((t->head || t->closing) && !t->blocked))
            return true;
    }
    return false;
}

/* With sched_mu held and the CPU: the closing pass, the one point of the task's cycle where
 * closing callbacks (channel finalizers) run: after the handler of the cycle returned, on the
 * task's thread, with no lock held, in the order they were deferred. A callback deferring
 * another (an outer channel's end after its inner's) has it run in the same pass. */
static void closing_pass(oat_task *t)
{
    while (t->closing) {
        oat_event *ev = t->closing;
        t->closing = ev->next;
        if (!t->closing)
            t->closing_tail = NULL;
        t->running = ev;   /* freed by oat_task_block if the module stops inside it */
        OAT_UNLOCK(&sched_mu, SCHED);
        OAT_ASSERT_NO_CORE_LOCK("a closing callback");
        ev->fn(ev->arg);
        t->running = NULL;
        free(ev);
        OAT_LOCK(&sched_mu, SCHED);
        events_run++;
    }
}

static void *task_main(void *arg)
{
    oat_task *t = arg;
    self = t;
    char thread_name[16];   /* the kernel keeps 15 characters of a thread name */
    memcpy(thread_name, t->name, sizeof thread_name - 1);
    thread_name[sizeof thread_name - 1] = '\0';
    pthread_setname_np(pthread_self(), thread_name);
    OAT_LOCK(&sched_mu, SCHED);
    for (;;) {
        while (!stopping && cpu_owner != t)
            pthread_cond_wait(&t->cv, &sched_mu);
        if (stopping)
            break;
        oat_event *ev = t->head;
        if (ev) {
            t->head = ev->next;
            if (!t->head)
                t->tail = NULL;
            t->running = ev;
            OAT_UNLOCK(&sched_mu, SCHED);
            OAT_ASSERT_NO_CORE_LOCK("an event handler");
            ev->fn(ev->arg);
            t->running = NULL;
            free(ev);
            OAT_LOCK(&sched_mu, SCHED);
            events_run++;
        }
        closing_pass(t);
        cpu_owner = NULL;
        pthread_cond_broadcast(&activity_cv);
        /* Nothing left to run anywhere: keep the CPU and move virtual time here, so the
         * events it brings (often for this task) run without waking another thread. */
        while (!stopping && !work_waiting()) {
            cpu_owner = t;
            OAT_UNLOCK(&sched_mu, SCHED);
            bool moved = oat_loop_advance_idle();
            OAT_LOCK(&sched_mu, SCHED);
            cpu_owner = NULL;
            if (!moved)
                break;
        }
        sched_pick();
    }
    OAT_UNLOCK(&sched_mu, SCHED);
    return NULL;
}

static void block_timeout(void *arg)
{
    oat_task *t = arg;
    OAT_LOCK(&sched_mu, SCHED);
    t->timed_out = true;
    pthread_cond_signal(&t->cv);
    OAT_UNLOCK(&sched_mu, SCHED);
}

int oat_task_block(bool (*ready)(void *arg), void *arg, int64_t deadline_us)
{
    oat_task *t = self;
    if (!t)
        return -1;
    OAT_LOCK(&sched_mu, SCHED);
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
    OAT_UNLOCK(&sched_mu, SCHED);
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
    OAT_LOCK(&sched_mu, SCHED);
}

void oat_sched_unlock(void)
{
    OAT_UNLOCK(&sched_mu, SCHED);
}

void oat_sched_wake_blocked(void)
{
    for (int i = 0; i < task_count; i++)
        if (tasks[i]->blocked)
            pthread_cond_signal(&tasks[i]->cv);
}

bool oat_sched_idle(void)
{
    OAT_LOCK(&sched_mu, SCHED);
    bool idle = cpu_owner == NULL && !work_waiting();
    OAT_UNLOCK(&sched_mu, SCHED);
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
    OAT_LOCK(&sched_mu, SCHED);
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
    OAT_UNLOCK(&sched_mu, SCHED);
}

/* With sched_mu held: move every task's queued events, then its closing list, to *left. */
static void take_left(oat_event **left)
{
    oat_event **end = left;
    for (int i = 0; i < task_count; i++) {
        oat_task *t = tasks[i];
        *end = t->head;
        if (t->head)
            end = &t->tail->next;
        *end = t->closing;
        if (t->closing)
            end = &t->closing_tail->next;
        t->head = t->tail = t->closing = t->closing_tail = NULL;
    }
}

/* The stop pass, after every task thread ended: the drop of every event still queued and of
 * every closing callback, with no lock held, each once. A drop may defer a closing callback
 * (the last reference of a channel with a finalizer): its drop runs in a further round. */
static void stop_pass(void)
{
    for (;;) {
        oat_event *left = NULL;
        OAT_LOCK(&sched_mu, SCHED);
        take_left(&left);
        OAT_UNLOCK(&sched_mu, SCHED);
        if (!left)
            return;
        while (left) {
            oat_event *ev = left;
            left = ev->next;
            OAT_ASSERT_NO_CORE_LOCK("a drop at module stop");
            if (ev->drop)
                ev->drop(ev->arg);
            free(ev);
        }
    }
}

void oat_sched_stop(void)
{
    OAT_LOCK(&sched_mu, SCHED);
    stopping = true;
    for (int i = 0; i < task_count; i++)
        pthread_cond_broadcast(&tasks[i]->cv);
    OAT_UNLOCK(&sched_mu, SCHED);
    for (int i = 0; i < task_count; i++)
        if (tasks[i]->started)
            pthread_join(tasks[i]->thread, NULL);
    stop_pass();
    OAT_LOCK(&sched_mu, SCHED);
    for (int i = 0; i < task_count; i++) {
        pthread_cond_destroy(&tasks[i]->cv);
        free(tasks[i]);
        tasks[i] = NULL;
    }
    task_count = 0;
    cpu_owner = NULL;
    stopping = false;
    OAT_UNLOCK(&sched_mu, SCHED);
}

uint64_t oat_sched_events_run(void)
{
    OAT_LOCK(&sched_mu, SCHED);
    uint64_t n = events_run;
    OAT_UNLOCK(&sched_mu, SCHED);
    return n;
}

bool oat_sched_wait_events(uint64_t seen, const struct timespec *real_deadline)
{
    OAT_LOCK(&sched_mu, SCHED);
    int rc = 0;
    while (events_run == seen && rc == 0)
        rc = pthread_cond_timedwait(&activity_cv, &sched_mu, real_deadline);
    bool more = events_run != seen;
    OAT_UNLOCK(&sched_mu, SCHED);
    return more;
}
