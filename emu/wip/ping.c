/* ping.c: ICMP echo channels (spec §3.4 item 11): one WIP_CEV_PING per reply or timeout, then
 * WIP_CEV_DONE. 127.0.0.1 is the module and answers at once in memory; host destinations need
 * a bearer and an ICMP socket the host allows (datagram, else raw). Intervals and timeouts
 * are task alarms (core/task_alarm.c) on the owner task: their fire() never takes the WIP
 * lock, so alarms may be cancelled with the lock held. */
#include "wip/wip_internal.h"
#include "core/calls.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/task_alarm.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define PING_DEFAULT_REPEAT 1u
#define PING_DEFAULT_INTERVAL_MS 2000u
#define PING_DEFAULT_TIMEOUT_MS 2000u
#define PING_DEFAULT_SIZE 64u
#define PING_MAX_MS OAT_MS_PER_HOUR  /* beyond that a setting is a mistake */
#define PING_MAX_SIZE 65499u         /* ICMP data that fits one IPv4 datagram */

typedef enum { TICK_SEND, TICK_TIMEOUT } tick_kind;

typedef struct ping_tp ping_tp;

/* An armed alarm; it owns one reference to the transport until it is cancelled or run. */
typedef struct {
    ping_tp *t;
    unsigned gen;
    tick_kind kind;
} ticket;

struct ping_tp {
    oat_tp_ref life;         /* held by the channel + armed alarms + lookups */
    oat_chan *chan;          /* NULL once the channel let go (WIP lock) */
    oat_task *owner;         /* fixed at creation: alarms post here without the WIP lock */
    uint32_t repeat, interval_ms, timeout_ms, size;
    bool module;             /* 127.0.0.1: the module answers itself */
    struct sockaddr_in addr;
    char host[256];
    int fd, tfd;             /* ICMP socket; timerfd bounding the pending count in real time */
    bool raw;
    uint16_t ident;
    uint32_t idx;            /* current request, 1-based */
    bool waiting;            /* a reply is awaited */
    bool counted;            /* counted as pending host work */
    int64_t sent_us;
    oat_task_alarm *alarm;
    ticket *armed;
    unsigned gen;
};

static void send_next(ping_tp *t);

static const char *chan_name(const oat_chan *c)
{
    static _Thread_local char name[48];
    return oat_chan_name(c, name, sizeof name);
}

/* ---- alarms ---- */

static void tick_event(void *arg);

static void tick_drop(void *arg)
{
    ticket *k = arg;
    oat_tp_let_go(&k->t->life);
    free(k);
}

static void disarm(ping_tp *t)
{
    t->gen++;
    if (t->alarm && oat_task_alarm_cancel(t->alarm)) {
        free(t->armed);
        oat_tp_let_go(&t->life);
    }
    t->alarm = NULL;
    t->armed = NULL;
}

static void arm(ping_tp *t, int64_t due_us, tick_kind kind)
{
    disarm(t);
    ticket *k = malloc(sizeof *k);
    if (!k) {
        oat_chan_fail(t->chan, WIP_CERR_MEMORY);
        return;
    }
    *k = (ticket){ t, t->gen, kind };
    oat_tp_hold(&t->life);
    t->armed = k;
    t->alarm = oat_task_alarm_start(t->owner, due_us, tick_event, tick_drop, k);
    if (!t->alarm) {
        t->armed = NULL;
        free(k);
        oat_tp_let_go(&t->life);
        oat_chan_fail(t->chan, WIP_CERR_MEMORY);
    }
}

/* ---- pending host work, bounded in real time ---- */

static void uncount(ping_tp *t)
{
    if (!t->counted)
        return;
    t->counted = false;
    oat_io_pending_add(-1);
    if (t->tfd >= 0) {
        struct itimerspec off = { 0 };
        timerfd_settime(t->tfd, 0, &off, NULL);
    }
}

static void count(ping_tp *t)
{
    struct itimerspec when = { 0 };
    when.it_value.tv_sec = t->timeout_ms / 1000;
    when.it_value.tv_nsec = (long)(t->timeout_ms % 1000) * 1000000L;
    if (t->tfd < 0 || timerfd_settime(t->tfd, 0, &when, NULL) != 0)
        return;              /* no real-time bound: do not hold the virtual clock */
    t->counted = true;
    oat_io_pending_add(1);
}

/* I/O thread: the host had timeout_ms of real time to answer; let the virtual clock reach
 * the emulated timeout. */
static void bound_expired(int fd, short revents, void *arg)
{
    (void)revents;
    uint64_t n;
    ping_tp *t = arg;
    if (read(fd, &n, sizeof n) < 0 && errno != EAGAIN)
        return;
    oat_wip_lock();
    if (t->chan)
        uncount(t);
    oat_wip_unlock();
}

/* ---- the sequence of requests ---- */

static void finished_or_next(ping_tp *t)
{
    oat_chan *c = t->chan;
    if (t->idx >= t->repeat) {
        oat_chan_event(c, WIP_CEV_DONE, 0);
        return;
    }
    int64_t now = oat_now_us();
    int64_t due = t->sent_us + (int64_t)t->interval_ms * 1000;
    if (due <= now)
        send_next(t);
    else
        arm(t, due, TICK_SEND);
}

static uint16_t checksum(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint32_t sum = 0;
    for (; len > 1; len -= 2, p += 2)
        sum += (uint32_t)(p[0] << 8 | p[1]);
    if (len)
        sum += (uint32_t)p[0] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return htons((uint16_t)~sum);
}

static bool send_echo(ping_tp *t)
{
    size_t len = sizeof(struct icmphdr) + t->size;
    uint8_t *pkt = calloc(1, len);
    if (!pkt)
        return false;
    struct icmphdr *h = (struct icmphdr *)pkt;
    h->type = ICMP_ECHO;
    h->un.echo.id = htons(t->ident);
    h->un.echo.sequence = htons((uint16_t)t->idx);
    for (size_t i = sizeof *h; i < len; i++)
        pkt[i] = (uint8_t)i;
    h->checksum = checksum(pkt, len);
    ssize_t n = sendto(t->fd, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&t->addr, sizeof t->addr);
    int e = errno;
    free(pkt);
    if (n < 0)
        oat_info("%s: echo request %u to %s not sent (%s): it will time out", chan_name(t->chan),
                 (unsigned)t->idx, t->host, strerror(e));
    return n >= 0;
}

static void send_next(ping_tp *t)
{
    t->idx++;
    t->sent_us = oat_now_us();
    if (t->module) {
        oat_chan_ping(t->chan, false, (u16)t->idx, 0);
        finished_or_next(t);
        return;
    }
    t->waiting = true;
    if (send_echo(t))
        count(t);
    arm(t, t->sent_us + (int64_t)t->timeout_ms * 1000, TICK_TIMEOUT);
}

static void tick_event(void *arg)
{
    ticket *k = arg;
    ping_tp *t = k->t;
    oat_wip_lock();
    oat_chan *c = t->chan;
    if (c && !c->released && c->last_error == 0 && k->gen == t->gen) {
        t->alarm = NULL;
        t->armed = NULL;
        if (k->kind == TICK_TIMEOUT && t->waiting) {
            t->waiting = false;
            uncount(t);
            oat_chan_ping(c, true, (u16)t->idx, t->timeout_ms);
            finished_or_next(t);
        } else if (k->kind == TICK_SEND) {
            send_next(t);
        }
    }
    oat_wip_unlock();
    oat_tp_let_go(&t->life);
    free(k);
}

/* I/O thread: an ICMP message arrived. */
static void icmp_io(int fd, short revents, void *arg)
{
    (void)revents;
    ping_tp *t = arg;
    uint8_t buf[65536];
    oat_wip_lock();
    for (;;) {
        struct sockaddr_in from;
        socklen_t flen = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
        if (n < 0)
            break;
        size_t off = 0;
        if (t->raw) {
            off = (size_t)(buf[0] & 0x0f) * 4;
            if (from.sin_addr.s_addr != t->addr.sin_addr.s_addr)
                continue;
        }
        if ((size_t)n < off + sizeof(struct icmphdr))
            continue;
        const struct icmphdr *h = (const struct icmphdr *)(buf + off);
        if (h->type != ICMP_ECHOREPLY || (t->raw && ntohs(h->un.echo.id) != t->ident))
            continue;
        oat_chan *c = t->chan;
        if (!c || c->released || c->last_error != 0 || !t->waiting ||
            ntohs(h->un.echo.sequence) != (uint16_t)t->idx)
            continue;                /* late: its timeout was reported already */
        t->waiting = false;
        uncount(t);
        disarm(t);
        oat_chan_ping(c, false, (u16)t->idx, (uint32_t)((oat_now_us() - t->sent_us) / 1000));
        finished_or_next(t);
    }
    oat_wip_unlock();
}

/* ---- opening ---- */

static int icmp_open(ping_tp *t, oat_chan *c, char *why, size_t why_len)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (fd < 0) {
        int dgram_err = errno;
        fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
        if (fd < 0) {
            snprintf(why, why_len, "unprivileged ICMP is disabled: sysctl "
                     "net.ipv4.ping_group_range does not include this process's group (%s), "
                     "and raw sockets need root or CAP_NET_RAW (%s)",
                     strerror(dgram_err), strerror(errno));
            return WIP_CERR_NOT_SUPPORTED;
        }
        t->raw = true;
    }
    t->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    int ttl = c->ttl;
    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    t->fd = fd;
    t->ident = (uint16_t)(getpid() ^ (c->serial << 8));
    oat_io_add(fd, POLLIN, icmp_io, t);
    if (t->tfd >= 0)
        oat_io_add(t->tfd, POLLIN, bound_expired, t);
    return 0;
}

static void go(oat_chan *c, ping_tp *t)
{
    c->state = WIP_CSTATE_READY;
    send_next(t);
}

static void resolved(void *arg, int err, const struct sockaddr *sa, socklen_t sa_len)
{
    (void)sa_len;
    const struct sockaddr_in *addr = (const struct sockaddr_in *)sa;   /* AF_INET asked */
    ping_tp *t = arg;
    oat_wip_lock();
    oat_chan *c = t->chan;
    if (c && !c->released) {
        if (err) {
            oat_info("%s: name lookup for %s: %s", chan_name(c), t->host, oat_cerr_name(err));
            oat_chan_fail(c, err);
        } else {
            t->addr.sin_addr = addr->sin_addr;
            go(c, t);
        }
    }
    oat_wip_unlock();
    oat_tp_let_go(&t->life);
}

static void start(oat_chan *c, ping_tp *t, const char *host, const char *fn)
{
    oat_dest d;
    oat_dest_resolve(host, 0, &d);
    snprintf(t->host, sizeof t->host, "%s", d.host);
    t->addr = (struct sockaddr_in){ .sin_family = AF_INET };
    if (d.module) {
        t->module = true;
        go(c, t);
        return;
    }
    c->host = true;
    char why[320];
    int rc = 0;
    if (!oat_bearer_ip_up()) {
        oat_warn("%s: %s is on the host network and no bearer is up "
                 "(WIP_CERR_NETWORK_UNREACHABLE); only 127.0.0.1 works without one", fn, host);
        rc = WIP_CERR_NETWORK_UNREACHABLE;
    } else if ((rc = icmp_open(t, c, why, sizeof why)) != 0) {
        oat_warn("%s: cannot ping %s: %s (%s)", fn, host, why, oat_cerr_name(rc));
    }
    if (rc != 0) {
        oat_chan_fail(c, rc);
        return;
    }
    if (inet_pton(AF_INET, d.host, &t->addr.sin_addr) == 1) {
        go(c, t);
        return;
    }
    oat_tp_hold(&t->life);
    oat_resolve(d.host, 0, AF_INET, resolved, t);
}

/* ---- channel operations ---- */

static int ping_read(oat_chan *c, void *buf, uint32_t len, const oat_peer_opts *peer)
{
    (void)c; (void)buf; (void)len; (void)peer;
    return WIP_CERR_NOT_SUPPORTED;
}

static int ping_write(oat_chan *c, const void *buf, uint32_t len, const oat_peer_opts *peer)
{
    (void)c; (void)buf; (void)len; (void)peer;
    return WIP_CERR_NOT_SUPPORTED;
}

/* Options take effect from the next request on. */
static int ping_set_opt(oat_chan *c, int opt, const oat_optval *v)
{
    ping_tp *t = c->tp;
    switch (opt) {
    case WIP_COPT_REPEAT:
        if (v->num < 1 || v->num > UINT16_MAX)
            return WIP_CERR_OUT_OF_RANGE;
        t->repeat = v->num;
        return 0;
    case WIP_COPT_INTERVAL:
    case WIP_COPT_TIMEOUT:
        if (v->num < 1 || v->num > PING_MAX_MS)
            return WIP_CERR_OUT_OF_RANGE;
        *(opt == WIP_COPT_INTERVAL ? &t->interval_ms : &t->timeout_ms) = v->num;
        return 0;
    case WIP_COPT_NWRITE:
        if (v->num > PING_MAX_SIZE)
            return WIP_CERR_OUT_OF_RANGE;
        t->size = v->num;
        return 0;
    case WIP_COPT_TTL:
        if (v->num < 1 || v->num > 255)
            return WIP_CERR_OUT_OF_RANGE;
        c->ttl = (uint8_t)v->num;
        if (t->fd >= 0) {
            int ttl = c->ttl;
            setsockopt(t->fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
        }
        return 0;
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}

static int ping_get_opt(oat_chan *c, int opt, const oat_optval *v)
{
    ping_tp *t = c->tp;
    switch (opt) {
    case WIP_COPT_REPEAT: *(u32 *)v->ptr = t->repeat; return 0;
    case WIP_COPT_INTERVAL: *(u32 *)v->ptr = t->interval_ms; return 0;
    case WIP_COPT_TIMEOUT: *(u32 *)v->ptr = t->timeout_ms; return 0;
    case WIP_COPT_NWRITE: *(u32 *)v->ptr = t->size; return 0;
    case WIP_COPT_TTL: *(u8 *)v->ptr = c->ttl; return 0;
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}

static void stop_requests(ping_tp *t)
{
    t->waiting = false;
    uncount(t);
    disarm(t);
}

static void ping_close(oat_chan *c)
{
    stop_requests(c->tp);
    oat_chan_release(c);
}

static int ping_abort(oat_chan *c)
{
    ping_close(c);
    return 0;
}

/* The channel let go: the ICMP socket and the timerfd go (on the I/O thread). */
static void close_sockets(oat_tp_ref *r)
{
    ping_tp *t = (ping_tp *)r;
    oat_host_fd_close(&t->fd, true);
    oat_host_fd_close(&t->tfd, true);
}

static void ping_destroy(oat_chan *c)
{
    ping_tp *t = c->tp;
    if (!t)
        return;
    stop_requests(t);
    t->chan = NULL;
    c->tp = NULL;
    oat_tp_end(&t->life);
}

static const oat_chan_ops ping_ops = {
    .type = "ping",
    .read = ping_read,
    .write = ping_write,
    .set_opt = ping_set_opt,
    .get_opt = ping_get_opt,
    .close = ping_close,
    .abort = ping_abort,
    .destroy = ping_destroy,
};

/* ---- public calls ---- */

static wip_channel_t ping_create(const char *fn, const ascii *host, wip_eventHandler_f evh,
                                 void *ctx, int opt, va_list *ap)
{
    if (!oat_net_ready(fn))
        return NULL;
    if (!host || !*host || !evh) {
        oat_warn("%s: %s (WIP_CERR_INVALID): no channel", fn,
                 !host || !*host ? "no host to ping" : "NULL event handler");
        return NULL;
    }
    oat_wip_lock();
    oat_chan *c = oat_chan_new_tp(&ping_ops, evh, ctx, false, sizeof(ping_tp), fn);
    if (!c) {
        oat_wip_unlock();
        return NULL;
    }
    ping_tp *t = c->tp;
    oat_tp_ref_init(&t->life, close_sockets);
    t->chan = c;
    t->owner = c->owner;
    t->repeat = PING_DEFAULT_REPEAT;
    t->interval_ms = PING_DEFAULT_INTERVAL_MS;
    t->timeout_ms = PING_DEFAULT_TIMEOUT_MS;
    t->size = PING_DEFAULT_SIZE;
    t->fd = t->tfd = -1;
    if (ap && oat_chan_set_list(c, fn, opt, ap) != 0) {
        oat_chan_discard(c);
        oat_wip_unlock();
        return NULL;
    }
    start(c, t, host, fn);
    oat_wip_unlock();
    return c;
}

wip_channel_t wip_pingCreate(const ascii *host, wip_eventHandler_f evh, void *ctx)
{
    wip_channel_t c = ping_create("wip_pingCreate", host, evh, ctx, WIP_COPT_END, NULL);
    OAT_CALL_PTR("wip_pingCreate", c, "\"%s\", %p, %p", host ? host : "(null)", (void *)evh, ctx);
    return c;
}

wip_channel_t wip_pingCreateOpts(const ascii *host, wip_eventHandler_f evh, void *ctx, ...)
{
    va_list ap;
    va_start(ap, ctx);
    wip_channel_t c = ping_create("wip_pingCreateOpts", host, evh, ctx, va_arg(ap, int), &ap);
    va_end(ap);
    OAT_CALL_PTR("wip_pingCreateOpts", c, "\"%s\", %p, %p, ...", host ? host : "(null)",
                 (void *)evh, ctx);
    return c;
}
