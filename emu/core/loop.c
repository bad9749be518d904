/* loop.c: the emulator's I/O thread. Each turn it runs queued calls, polls host
 * descriptors, fires due alarms and, in virtual time, moves the clock to the next alarm once
 * the module is idle. It never runs application code: it only posts events to tasks. */
#include "core/loop.h"
#include "core/clock.h"
#include "core/core_options.h"
#include "core/sched.h"
#include "core/lock_check.h"
#include "core/timer.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd;
    short events;
    oat_io_fn fn;
    void *arg;
} watcher;

typedef struct loop_call {
    void (*fn)(void *arg);
    void *arg;
    struct loop_call *next;
} loop_call;

static pthread_mutex_t loop_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t loop_cv = PTHREAD_COND_INITIALIZER;   /* stop, settled, io_del done */
static pthread_t loop_thread;
static bool loop_running;
static _Thread_local bool on_loop_thread;
/* One eventfd for the whole process, never closed: a task or host thread may still wake the
 * loop while the module stops (the loop is joined before the tasks end), and a closed number
 * could by then belong to another descriptor. Written once by the first oat_loop_start. */
static _Atomic int wake_fd = -1;
/* The time lock: one thread at a time fires alarms and moves virtual time (the loop each
 * turn, or an idle task in oat_loop_advance_idle). Taken with no other lock held. */
static pthread_mutex_t time_mu = PTHREAD_MUTEX_INITIALIZER;
/* --slow-time (OATEMU_SLOW_TIME=1): every virtual-time step goes through the loop thread (the hand-off
 * path, kept to compare with it); read at each loop start. */
static bool slow_time;
/* The thread is firing alarms in oat_loop_advance_idle: it wakes no loop, since it looks at
 * the queues itself before it lets the CPU go (and the loop is woken then). */
static _Thread_local bool advancing;
static watcher *watchers;
static size_t watcher_len, watcher_cap;
static bool dispatching;            /* the loop is inside watcher callbacks */
static loop_call *calls_head, *calls_tail;
static int pending_io;
static int64_t clock_limit = INT64_MAX;
static int64_t end_us = INT64_MAX;   /* --run-for: stop once everything due by then ran */
static bool stop_requested;
static int stop_code;
static uint64_t settle_asked, settle_done;

void oat_loop_wakeup(void)
{
    int fd = atomic_load_explicit(&wake_fd, memory_order_relaxed);
    if (fd >= 0 && !advancing) {
        uint64_t one = 1;
        ssize_t n = write(fd, &one, sizeof one);
        (void)n;
    }
}

bool oat_loop_is_current(void)
{
    return on_loop_thread;
}

int oat_io_add(int fd, short events, oat_io_fn fn, void *arg)
{
    OAT_LOCK(&loop_mu, LOOP);
    for (size_t i = 0; i < watcher_len; i++) {
        if (watchers[i].fd == fd) {
            OAT_UNLOCK(&loop_mu, LOOP);
            return -1;
        }
    }
    if (watcher_len == watcher_cap) {
        size_t cap = watcher_cap ? watcher_cap * 2 : 16;
        watcher *grown = realloc(watchers, cap * sizeof *watchers);
        if (!grown) {
            OAT_UNLOCK(&loop_mu, LOOP);
            return -1;
        }
        watchers = grown;
        watcher_cap = cap;
    }
    watchers[watcher_len++] = (watcher){ fd, events, fn, arg };
    OAT_UNLOCK(&loop_mu, LOOP);
    oat_loop_wakeup();
    return 0;
}

void oat_io_set_events(int fd, short events)
{
    OAT_LOCK(&loop_mu, LOOP);
    for (size_t i = 0; i < watcher_len; i++)
        if (watchers[i].fd == fd)
            watchers[i].events = events;
    OAT_UNLOCK(&loop_mu, LOOP);
    oat_loop_wakeup();
}

void oat_io_del(int fd)
{
    OAT_LOCK(&loop_mu, LOOP);
    for (size_t i = 0; i < watcher_len; i++) {
        if (watchers[i].fd == fd) {
            watchers[i] = watchers[--watcher_len];
            break;
        }
    }
    /* A callback may be running for fd right now: wait for the dispatch round to end. */
    while (dispatching && loop_running && !oat_loop_is_current())
        pthread_cond_wait(&loop_cv, &loop_mu);
    OAT_UNLOCK(&loop_mu, LOOP);
}

void oat_io_pending_add(int delta)
{
    OAT_LOCK(&loop_mu, LOOP);
    pending_io += delta;
    OAT_UNLOCK(&loop_mu, LOOP);
    oat_loop_wakeup();
}

void oat_loop_call(void (*fn)(void *arg), void *arg)
{
    loop_call *c = malloc(sizeof *c);
    if (!c)
        return;
    *c = (loop_call){ fn, arg, NULL };
    OAT_LOCK(&loop_mu, LOOP);
    if (calls_tail)
        calls_tail->next = c;
    else
        calls_head = c;
    calls_tail = c;
    OAT_UNLOCK(&loop_mu, LOOP);
    oat_loop_wakeup();
}

void oat_loop_set_limit(int64_t limit_us)
{
    OAT_LOCK(&loop_mu, LOOP);
    clock_limit = limit_us < end_us ? limit_us : end_us;
    OAT_UNLOCK(&loop_mu, LOOP);
    oat_loop_wakeup();
}

void oat_loop_end_at(int64_t at_us)
{
    OAT_LOCK(&loop_mu, LOOP);
    end_us = at_us;
    if (oat_clock_is_virtual() && at_us < clock_limit)
        clock_limit = at_us;
    OAT_UNLOCK(&loop_mu, LOOP);
    oat_loop_wakeup();
}

bool oat_loop_wait_settled(void)
{
    OAT_LOCK(&loop_mu, LOOP);
    uint64_t ticket = ++settle_asked;
    OAT_UNLOCK(&loop_mu, LOOP);
    oat_loop_wakeup();
    OAT_LOCK(&loop_mu, LOOP);
    while (!stop_requested && settle_done < ticket)
        pthread_cond_wait(&loop_cv, &loop_mu);
    bool ok = !stop_requested;
    OAT_UNLOCK(&loop_mu, LOOP);
    return ok;
}

void oat_loop_request_stop(int exit_code)
{
    OAT_LOCK(&loop_mu, LOOP);
    if (!stop_requested) {
        stop_requested = true;
        stop_code = exit_code;
    }
    pthread_cond_broadcast(&loop_cv);
    OAT_UNLOCK(&loop_mu, LOOP);
    oat_loop_wakeup();
}

bool oat_loop_stop_requested(void)
{
    OAT_LOCK(&loop_mu, LOOP);
    bool s = stop_requested;
    OAT_UNLOCK(&loop_mu, LOOP);
    return s;
}

int oat_loop_wait_stop(void)
{
    OAT_LOCK(&loop_mu, LOOP);
    while (!stop_requested)
        pthread_cond_wait(&loop_cv, &loop_mu);
    int code = stop_code;
    OAT_UNLOCK(&loop_mu, LOOP);
    return code;
}

static void run_calls(void)
{
    OAT_LOCK(&loop_mu, LOOP);
    loop_call *c = calls_head;
    calls_head = calls_tail = NULL;
    OAT_UNLOCK(&loop_mu, LOOP);
    while (c) {
        loop_call *next = c->next;
        OAT_ASSERT_NO_CORE_LOCK("a loop call");
        c->fn(c->arg);
        free(c);
        c = next;
    }
}

/* Until this host time (oat_clock_host_us), set by oat_io_hold after traffic on a host
 * connection, virtual time does not jump to the next alarm: a reply may be on its way, so the
 * clock follows host time instead (follow_host_time). 0 after oat_io_hold_end. */
static int64_t hold_until;
/* While the clock is held, it follows host time from this pair on (hold_host 0: not held),
 * so a held clock never falls behind host time and a trickling peer cannot freeze it. */
static int64_t hold_host, hold_virtual;

/* Replies awaited from host peers: each holds the virtual clock until it ends or until its
 * host-time deadline passes (0 = free slot). */
#define MAX_WAITS 256
static int64_t waits[MAX_WAITS];

int oat_io_wait_begin(int64_t real_us)
{
    int64_t until = oat_clock_host_us() + real_us;
    OAT_LOCK(&loop_mu, LOOP);
    int token = -1;
    for (int i = 0; i < MAX_WAITS && token < 0; i++)
        if (waits[i] == 0)
            token = i;
    if (token >= 0)
        waits[token] = until;
    OAT_UNLOCK(&loop_mu, LOOP);
    return token;
}

void oat_io_wait_end(int token)
{
    if (token < 0 || token >= MAX_WAITS)
        return;
    OAT_LOCK(&loop_mu, LOOP);
    waits[token] = 0;
    OAT_UNLOCK(&loop_mu, LOOP);
    oat_loop_wakeup();
}

/* With loop_mu held: host time left before the last awaited reply may be given up (0: none). */
static int64_t waits_left(int64_t now)
{
    int64_t left = 0;
    for (int i = 0; i < MAX_WAITS; i++)
        if (waits[i] > now && waits[i] - now > left)
            left = waits[i] - now;
    return left;
}

void oat_io_hold_end(void)
{
    OAT_LOCK(&loop_mu, LOOP);
    hold_until = 0;
    OAT_UNLOCK(&loop_mu, LOOP);
    oat_loop_wakeup();
}

void oat_io_hold(int64_t real_us)
{
    int64_t until = oat_clock_host_us() + real_us;
    OAT_LOCK(&loop_mu, LOOP);
    if (until > hold_until)
        hold_until = until;
    OAT_UNLOCK(&loop_mu, LOOP);
}

/* Nothing can happen before an alarm or host I/O: wake who waits for a settle asked by then. */
static void mark_settled(uint64_t asked)
{
    OAT_LOCK(&loop_mu, LOOP);
    if (settle_done < asked) {
        settle_done = asked;
        pthread_cond_broadcast(&loop_cv);
    }
    OAT_UNLOCK(&loop_mu, LOOP);
}

/* The clock is held for host traffic: instead of jumping to next (the next alarm, or the
 * limit), it moves with host time since the hold began. Returns the poll timeout. */
static int follow_host_time(int64_t now, int64_t next, int64_t host_now, int64_t hold_left)
{
    if (hold_host == 0) {
        hold_host = host_now;
        hold_virtual = now;
    }
    int64_t floor = hold_virtual + (host_now - hold_host);
    if (floor >= next) {
        oat_clock_set_virtual(next);
        return 0;
    }
    if (floor > now)
        oat_clock_set_virtual(floor);
    int64_t wait = next - floor;
    if (wait > hold_left)
        wait = hold_left;
    return (int)((wait + 999) / 1000);
}

/* Virtual time: when nothing can happen at the current instant, move to the next alarm (up
 * to the limit). Returns the poll timeout: 0 to turn again at once, -1 to wait for I/O. */
static int virtual_step(void)
{
    OAT_LOCK(&loop_mu, LOOP);
    bool host_busy = pending_io > 0 || calls_head != NULL;
    int64_t limit = clock_limit;
    uint64_t asked = settle_asked;   /* read with the limit: a settle asked later waits */
    int64_t host_now = oat_clock_host_us();
    int64_t hold_left = hold_until - host_now;
    int64_t wait_left = waits_left(host_now);
    if (wait_left > hold_left)
        hold_left = wait_left;
    OAT_UNLOCK(&loop_mu, LOOP);
    if (host_busy || !oat_sched_idle())
        return -1;
    int64_t now = oat_now_us();
    int64_t next = oat_alarm_next_due();
    if (next <= now)
        return 0;
    bool jump = (next != INT64_MAX && next <= limit) || (limit != INT64_MAX && now < limit);
    if (jump && hold_left > 0)
        return follow_host_time(now, next < limit ? next : limit, host_now, hold_left);
    hold_host = 0;
    if (next != INT64_MAX && next <= limit) {
        oat_clock_set_virtual(next);
        return 0;
    }
    if (limit != INT64_MAX && now < limit)
        oat_clock_set_virtual(limit);
    if (oat_now_us() >= end_us) {
        oat_loop_request_stop(0);
        return 0;
    }
    mark_settled(asked);
    return -1;
}

/* With loop_mu held: a host descriptor is watched for events. */
static bool watching_host(void)
{
    for (size_t i = 0; i < watcher_len; i++)
        if (watchers[i].events)
            return true;
    return false;
}

bool oat_loop_advance_idle(void)
{
    if (!oat_clock_is_virtual() || OAT_TRYLOCK(&time_mu, TIME) != 0)
        return false;
    OAT_LOCK(&loop_mu, LOOP);
    int64_t host_now = oat_clock_host_us();
    bool may = loop_running && !slow_time && !stop_requested && pending_io == 0 &&
               calls_head == NULL && hold_until <= host_now && waits_left(host_now) == 0 &&
               !watching_host();
    int64_t limit = clock_limit;
    OAT_UNLOCK(&loop_mu, LOOP);
    int64_t next = may ? oat_alarm_next_due() : INT64_MAX;
    bool moved = next != INT64_MAX && next <= limit;
    if (moved) {
        oat_clock_set_virtual(next);
        advancing = true;
        oat_alarm_fire_due(next);
        advancing = false;
    }
    OAT_UNLOCK(&time_mu, TIME);
    return moved;
}

/* Real time: the poll timeout until the next alarm. The module is settled while it waits
 * with every task idle and no host I/O pending (a settle never moves real time). */
static int real_timeout(void)
{
    OAT_LOCK(&loop_mu, LOOP);
    bool host_busy = pending_io > 0 || calls_head != NULL;
    uint64_t asked = settle_asked;
    OAT_UNLOCK(&loop_mu, LOOP);
    int64_t next = oat_alarm_next_due();
    if (oat_now_us() > end_us) {
        oat_loop_request_stop(0);
        return 0;
    }
    if (end_us < next)
        next = end_us + 1;
    int64_t wait_us = next == INT64_MAX ? -1 : next - oat_now_us();
    if (wait_us == 0 || (wait_us < 0 && next != INT64_MAX))
        return 0;
    if (!host_busy && oat_sched_idle())
        mark_settled(asked);
    return wait_us < 0 ? -1 : (int)((wait_us + 999) / 1000);
}

static void dispatch(struct pollfd *pfds, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (!pfds[i].revents)
            continue;
        OAT_LOCK(&loop_mu, LOOP);
        watcher w = { -1, 0, NULL, NULL };
        for (size_t j = 0; j < watcher_len; j++)
            if (watchers[j].fd == pfds[i].fd)
                w = watchers[j];
        OAT_UNLOCK(&loop_mu, LOOP);
        OAT_ASSERT_NO_CORE_LOCK("an I/O callback");
        if (w.fn)
            w.fn(w.fd, pfds[i].revents, w.arg);
    }
}

static void drain_wakeups(void)
{
    uint64_t v;
    ssize_t got = read(wake_fd, &v, sizeof v);
    (void)got;
}

static void *loop_main(void *arg)
{
    (void)arg;
    on_loop_thread = true;
    pthread_setname_np(pthread_self(), "oatemu-io");
    struct pollfd *pfds = NULL;
    size_t pfd_cap = 0;
    for (;;) {
        run_calls();
        if (oat_loop_stop_requested())
            break;
        OAT_LOCK(&time_mu, TIME);
        oat_alarm_fire_due(oat_now_us());
        int timeout = oat_clock_is_virtual() ? virtual_step() : real_timeout();
        OAT_UNLOCK(&time_mu, TIME);
        OAT_LOCK(&loop_mu, LOOP);
        size_t n = watcher_len + 1;
        if (n > pfd_cap) {
            struct pollfd *grown = realloc(pfds, n * sizeof *pfds);
            if (grown) {
                pfds = grown;
                pfd_cap = n;
            } else {
                n = pfd_cap;
            }
        }
        pfds[0] = (struct pollfd){ wake_fd, POLLIN, 0 };
        /* A watcher asking for nothing is left out (poll skips negative fds): a hung-up
         * socket would otherwise report POLLHUP on every turn. */
        for (size_t i = 1; i < n; i++)
            pfds[i] = (struct pollfd){ watchers[i - 1].events ? watchers[i - 1].fd : -1,
                                       watchers[i - 1].events, 0 };
        OAT_UNLOCK(&loop_mu, LOOP);
        int r = poll(pfds, n, timeout);
        if (r < 0 && errno != EINTR)
            break;
        if (r <= 0)
            continue;
        if (pfds[0].revents)
            drain_wakeups();
        OAT_LOCK(&loop_mu, LOOP);
        dispatching = true;
        OAT_UNLOCK(&loop_mu, LOOP);
        dispatch(pfds, n);
        OAT_LOCK(&loop_mu, LOOP);
        dispatching = false;
        pthread_cond_broadcast(&loop_cv);
        OAT_UNLOCK(&loop_mu, LOOP);
    }
    free(pfds);
    return NULL;
}

int oat_loop_start(void)
{
    if (wake_fd < 0)
        wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd < 0)
        return -1;
    drain_wakeups();   /* left by the threads of an earlier module */
    stop_requested = false;
    stop_code = 0;
    pending_io = 0;
    hold_until = 0;
    hold_host = 0;
    memset(waits, 0, sizeof waits);
    /* Virtual time stands still until the owner lets it run (main) or steps it (tests). */
    clock_limit = oat_clock_is_virtual() ? 0 : INT64_MAX;
    end_us = INT64_MAX;
    settle_asked = settle_done = 0;
    slow_time = oat_core_cfg()->slow_time;
    if (pthread_create(&loop_thread, NULL, loop_main, NULL) != 0)
        return -1;
    OAT_LOCK(&loop_mu, LOOP);
    loop_running = true;
    OAT_UNLOCK(&loop_mu, LOOP);
    return 0;
}

bool oat_loop_running(void)
{
    OAT_LOCK(&loop_mu, LOOP);
    bool running = loop_running;
    OAT_UNLOCK(&loop_mu, LOOP);
    return running;
}

void oat_loop_join(void)
{
    if (!loop_running)
        return;
    oat_loop_request_stop(0);
    pthread_join(loop_thread, NULL);
    OAT_LOCK(&loop_mu, LOOP);
    loop_running = false;
    OAT_UNLOCK(&loop_mu, LOOP);
    run_calls();
    free(watchers);
    watchers = NULL;
    watcher_len = watcher_cap = 0;
}
