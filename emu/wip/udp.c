/* udp.c: UDP channels (spec §3.4 item 9): one datagram per wip_write / wip_read, a bounded
 * receive queue that drops what does not fit as UDP does, 127.0.0.1 = the module (datagrams
 * move in memory between module ports), other peers through a host socket that needs a
 * bearer. Host fds are only torn down on the I/O thread; nothing here ever blocks. */
#include "wip/wip_internal.h"
#include "wip/pcap.h"
#include "core/calls.h"
#include "core/config.h"
#include "core/log.h"
#include "core/loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define UDP_MAX_DATAGRAM 65507u      /* 65535 - IP header - UDP header */
#define UDP_EPHEMERAL_FIRST 49152u

typedef struct dgram {
    struct dgram *next;
    struct sockaddr_in from;
    uint32_t len;
    uint8_t data[];
} dgram;

typedef struct udp_tp {
    oat_tp_ref life;         /* held by the channel + a name lookup in flight */
    oat_chan *chan;          /* NULL once the channel let go */
    int fd;                  /* host socket, created on the first host peer */
    bool watched;
    bool started;            /* creation options applied: port and peer are fixed */
    bool in_table;           /* holds its module port */
    uint16_t port_asked;     /* WIP_COPT_PORT, 0 = any */
    /* the bound peer (WIP_COPT_PEER_* at creation) */
    bool bound, peer_known, peer_module;
    char peer_name[256];
    uint16_t peer_port;      /* as the application gave it */
    struct sockaddr_in peer; /* where datagrams go (module: 127.0.0.1 and the module port) */
    /* receive queue: at most rcv_size bytes of datagrams */
    dgram *head, *tail;
    uint32_t queued, rcv_size;
    unsigned dropped;
    struct udp_tp *next_port;
} udp_tp;

static udp_tp *module_ports;     /* channels bound to a module UDP port */
static uint16_t next_ephemeral = UDP_EPHEMERAL_FIRST;

static void udp_io(int fd, short revents, void *arg);

static const char *chan_name(const oat_chan *c)
{
    static _Thread_local char name[48];
    return oat_chan_name(c, name, sizeof name);
}

/* ---- transport state life ---- */

static void queue_free(udp_tp *t)
{
    while (t->head) {
        dgram *d = t->head;
        t->head = d->next;
        free(d);
    }
    t->tail = NULL;
    t->queued = 0;
}

/* The channel let go: the socket goes (on the I/O thread). */
static void close_socket(oat_tp_ref *r)
{
    udp_tp *t = (udp_tp *)r;
    oat_host_fd_close(&t->fd, t->watched);
    t->watched = false;
}

/* ---- module ports ---- */

static udp_tp *port_owner(uint16_t port)
{
    for (udp_tp *t = module_ports; t; t = t->next_port)
        if (t->chan && t->chan->local_port == port)
            return t;
    return NULL;
}

static int port_take(oat_chan *c, udp_tp *t)
{
    uint16_t port = t->port_asked;
    if (port && port_owner(port))
        return WIP_CERR_PORT_IN_USE;
    for (unsigned tries = 0; !port && tries < 65536u - UDP_EPHEMERAL_FIRST; tries++) {
        uint16_t p = next_ephemeral++;
        if (next_ephemeral == 0)
            next_ephemeral = UDP_EPHEMERAL_FIRST;
        if (!port_owner(p))
            port = p;
    }
    if (!port)
        return WIP_CERR_RESOURCES;
    c->local_port = port;
    t->next_port = module_ports;
    module_ports = t;
    t->in_table = true;
    return 0;
}

static void port_give_back(udp_tp *t)
{
    if (!t->in_table)
        return;
    for (udp_tp **p = &module_ports; *p; p = &(*p)->next_port)
        if (*p == t) {
            *p = t->next_port;
            break;
        }
    t->in_table = false;
}

/* ---- receiving ---- */

static uint32_t udp_readable(oat_chan *c)
{
    udp_tp *t = c->tp;
    return t && t->head ? t->head->len : 0;
}

/* READ is edge-triggered: once per arrival into an emptied queue, and only once open. */
static void notify_read(oat_chan *c)
{
    if (c->read_armed && c->state == WIP_CSTATE_READY && udp_readable(c) > 0) {
        c->read_armed = false;
        oat_chan_event(c, WIP_CEV_READ, 0);
    }
}

static void enqueue(udp_tp *t, const struct sockaddr_in *from, const void *data, uint32_t len)
{
    oat_chan *c = t->chan;
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &from->sin_addr, addr, sizeof addr);
    if (len == 0) {
        oat_info("%s: empty datagram from %s:%u dropped (nothing to read)", chan_name(c), addr,
                 ntohs(from->sin_port));
        return;
    }
    if (t->queued + len > t->rcv_size) {
        t->dropped++;
        oat_info("%s: receive queue full (%u of %u bytes, WIP_COPT_RCV_BUFSIZE): datagram of %u "
                 "bytes from %s:%u dropped (%u dropped so far)", chan_name(c),
                 (unsigned)t->queued, (unsigned)t->rcv_size, (unsigned)len, addr,
                 ntohs(from->sin_port), t->dropped);
        return;
    }
    dgram *d = malloc(sizeof *d + len);
    if (!d) {
        t->dropped++;
        oat_warn("%s: out of host memory: datagram of %u bytes dropped", chan_name(c),
                 (unsigned)len);
        return;
    }
    d->next = NULL;
    d->from = *from;
    d->len = len;
    memcpy(d->data, data, len);
    if (t->tail)
        t->tail->next = d;
    else
        t->head = d;
    t->tail = d;
    t->queued += len;
    notify_read(c);
}

static bool accepts(const oat_chan *c)
{
    return c && !c->released && !c->app_closed && c->last_error == 0;
}

/* A datagram to 127.0.0.1:port, in memory. */
static void deliver_module(uint16_t from_port, uint16_t port, const void *data, uint32_t len)
{
    udp_tp *to = port_owner(port);
    if (!to || !accepts(to->chan)) {
        oat_info("UDP loopback: nothing is bound to module port %u: datagram of %u bytes "
                 "dropped", port, (unsigned)len);
        return;
    }
    struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(from_port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    enqueue(to, &from, data, len);
}

static void udp_io(int fd, short revents, void *arg)
{
    (void)revents;
    static uint8_t buf[65536];       /* the I/O thread is the only reader */
    udp_tp *t = arg;
    oat_wip_lock();
    for (;;) {
        struct sockaddr_in from;
        socklen_t flen = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        oat_io_hold(OAT_WIP_HOST_QUIET_US);
        oat_pcap_udp(fd, &from, false, buf, (size_t)n);
        if (accepts(t->chan))
            enqueue(t, &from, buf, (uint32_t)n);
    }
    oat_wip_unlock();
}

/* ---- the host socket ---- */

static int host_socket(oat_chan *c, udp_tp *t)
{
    if (t->fd >= 0)
        return 0;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return oat_errno_to_cerr(errno);
    struct sockaddr_in any = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (bind(fd, (struct sockaddr *)&any, sizeof any) != 0) {
        int e = errno;
        close(fd);
        return oat_errno_to_cerr(e);
    }
    int ttl = c->ttl, tos = c->tos;
    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
    t->fd = fd;
    t->watched = oat_io_add(fd, POLLIN, udp_io, t) == 0;
    c->host = true;
    return 0;
}

/* ---- opening ---- */

/* OPEN, WRITE, then READ if module datagrams arrived while the peer was looked up. */
static void opened(oat_chan *c)
{
    oat_chan_opened(c);
    notify_read(c);
}

static void resolved(void *arg, int err, const struct sockaddr *sa, socklen_t sa_len)
{
    (void)sa_len;
    const struct sockaddr_in *addr = (const struct sockaddr_in *)sa;   /* AF_INET asked */
    udp_tp *t = arg;
    oat_wip_lock();
    oat_chan *c = t->chan;
    if (c && !c->released) {
        int rc = err;
        if (rc == 0) {
            t->peer = *addr;
            t->peer_known = true;
            rc = host_socket(c, t);
        }
        if (rc != 0) {
            oat_info("%s: peer %s:%u: %s", chan_name(c), t->peer_name, t->peer_port,
                     oat_cerr_name(rc));
            oat_chan_fail(c, rc);
        } else {
            opened(c);
        }
    }
    oat_tp_let_go(&t->life);
    oat_wip_unlock();
}

/* The bound peer: the module, a literal host address, or a name to look up. */
static void bind_peer(oat_chan *c, udp_tp *t, const char *fn)
{
    oat_dest d;
    oat_dest_resolve(t->peer_name, t->peer_port, &d);
    t->peer = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(d.port) };
    if (d.module) {
        t->peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        t->peer_module = t->peer_known = true;
        opened(c);
        return;
    }
    c->host = true;
    if (!oat_bearer_ip_up()) {
        oat_warn("%s: %s:%u is on the host network and no bearer is up "
                 "(WIP_CERR_NETWORK_UNREACHABLE); only 127.0.0.1 works without one", fn,
                 t->peer_name, t->peer_port);
        oat_chan_fail(c, WIP_CERR_NETWORK_UNREACHABLE);
        return;
    }
    if (inet_pton(AF_INET, d.host, &t->peer.sin_addr) == 1) {
        t->peer_known = true;
        int rc = host_socket(c, t);
        if (rc != 0) {
            oat_warn("%s: no host socket (%s)", fn, oat_cerr_name(rc));
            oat_chan_fail(c, rc);
        } else {
            opened(c);
        }
        return;
    }
    oat_tp_hold(&t->life);
    oat_resolve(d.host, d.port, AF_INET, resolved, t);
}

/* ---- channel operations ---- */

/* Fill the sender options of wip_readOpts; checked before the datagram is consumed. */
static int sender_opts(const oat_peer_opts *peer, const struct sockaddr_in *from, bool fill)
{
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &from->sin_addr, addr, sizeof addr);
    for (int i = 0; peer && i < peer->n; i++) {
        const oat_optval *v = &peer->v[i];
        switch (peer->opt[i]) {
        case WIP_COPT_PEER_STRADDR:
            if (v->len < strlen(addr) + 1) {
                oat_warn("wip_readOpts: WIP_COPT_PEER_STRADDR buffer of %u bytes cannot hold "
                         "\"%s\" (WIP_CERR_OUT_OF_RANGE); the datagram stays queued",
                         v->len, addr);
                return WIP_CERR_OUT_OF_RANGE;
            }
            if (fill)
                memcpy(v->buf, addr, strlen(addr) + 1);
            break;
        case WIP_COPT_PEER_ADDR:
            if (fill)
                *(wip_in_addr_t *)v->ptr = from->sin_addr.s_addr;
            break;
        case WIP_COPT_PEER_PORT:
            if (fill)
                *(u16 *)v->ptr = ntohs(from->sin_port);
            break;
        default:
            break;
        }
    }
    return 0;
}

static int udp_read(oat_chan *c, void *buf, uint32_t len, const oat_peer_opts *peer)
{
    const char *fn = peer ? "wip_readOpts" : "wip_read";
    udp_tp *t = c->tp;
    if (c->state != WIP_CSTATE_READY) {
        oat_warn("%s: %s is %s (WIP_CERR_CSTATE)", fn, chan_name(c),
                 c->state == WIP_CSTATE_BUSY ? "not open yet" : "in error");
        return WIP_CERR_CSTATE;
    }
    dgram *d = t->head;
    if (!d) {
        c->read_armed = true;
        return 0;
    }
    int rc = sender_opts(peer, &d->from, false);
    if (rc != 0)
        return rc;
    sender_opts(peer, &d->from, true);
    uint32_t n = d->len < len ? d->len : len;
    memcpy(buf, d->data, n);
    if (n < d->len)
        oat_warn("%s: %s: datagram of %u bytes truncated to the %u-byte buffer; the other %u "
                 "bytes are dropped", fn, chan_name(c), (unsigned)d->len, (unsigned)len,
                 (unsigned)(d->len - n));
    t->head = d->next;
    if (!t->head)
        t->tail = NULL;
    t->queued -= d->len;
    free(d);
    if (!t->head)
        c->read_armed = true;
    return (int)n;
}

/* The destination of wip_writeOpts: a dotted quad (or a host-map name mapping to one) and a
 * port; names needing DNS are refused, the call must not block. */
static int explicit_peer(const oat_peer_opts *peer, struct sockaddr_in *to, bool *module)
{
    const char *str = NULL;
    char numeric[INET_ADDRSTRLEN];
    unsigned port = 0;
    bool have_port = false;
    for (int i = 0; i < peer->n; i++) {
        switch (peer->opt[i]) {
        case WIP_COPT_PEER_STRADDR:
            str = peer->v[i].str;
            break;
        case WIP_COPT_PEER_ADDR: {
            struct in_addr a = { .s_addr = (in_addr_t)peer->v[i].num };
            str = inet_ntop(AF_INET, &a, numeric, sizeof numeric);
            break;
        }
        case WIP_COPT_PEER_PORT:
            port = peer->v[i].num;
            have_port = true;
            break;
        default:
            break;
        }
    }
    if (!str || !*str || !have_port) {
        oat_warn("wip_writeOpts: %s (WIP_CERR_INVALID); give WIP_COPT_PEER_STRADDR (or "
                 "WIP_COPT_PEER_ADDR) and WIP_COPT_PEER_PORT",
                 !str || !*str ? "no peer address" : "no peer port");
        return WIP_CERR_INVALID;
    }
    if (port == 0 || port > OAT_PORT_MAX) {
        oat_warn("wip_writeOpts: peer port %u (WIP_CERR_OUT_OF_RANGE)", port);
        return WIP_CERR_OUT_OF_RANGE;
    }
    oat_dest d;
    oat_dest_resolve(str, (uint16_t)port, &d);
    *to = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(d.port) };
    *module = d.module;
    if (d.module) {
        to->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return 0;
    }
    if (inet_pton(AF_INET, d.host, &to->sin_addr) != 1) {
        oat_warn("wip_writeOpts: peer \"%s\" is not a dotted-quad address and a name lookup "
                 "would block (WIP_CERR_INVALID); bind the name at creation instead", d.host);
        return WIP_CERR_INVALID;
    }
    return 0;
}

static int udp_write(oat_chan *c, const void *buf, uint32_t len, const oat_peer_opts *peer)
{
    const char *fn = peer ? "wip_writeOpts" : "wip_write";
    udp_tp *t = c->tp;
    if (c->state != WIP_CSTATE_READY) {
        oat_warn("%s: %s is %s (WIP_CERR_CSTATE)", fn, chan_name(c),
                 c->state == WIP_CSTATE_BUSY ? "not open yet" : "in error");
        return WIP_CERR_CSTATE;
    }
    if (len > UDP_MAX_DATAGRAM) {
        oat_warn("%s: %u bytes do not fit in one datagram (at most %u): WIP_CERR_OUT_OF_RANGE",
                 fn, (unsigned)len, UDP_MAX_DATAGRAM);
        return WIP_CERR_OUT_OF_RANGE;
    }
    struct sockaddr_in to;
    bool module;
    if (peer && peer->n > 0) {
        int rc = explicit_peer(peer, &to, &module);
        if (rc != 0)
            return rc;
    } else if (t->bound && t->peer_known) {
        to = t->peer;
        module = t->peer_module;
    } else {
        oat_warn("%s: %s has no peer (WIP_CERR_INVALID): bind one at creation "
                 "(WIP_COPT_PEER_STRADDR, WIP_COPT_PEER_PORT) or use wip_writeOpts", fn,
                 chan_name(c));
        return WIP_CERR_INVALID;
    }
    if (len == 0) {
        oat_warn("%s: empty datagram not sent (0 bytes)", fn);
        return 0;
    }
    if (module) {
        deliver_module(c->local_port, ntohs(to.sin_port), buf, len);
        return (int)len;
    }
    if (!oat_bearer_ip_up()) {
        char addr[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &to.sin_addr, addr, sizeof addr);
        oat_warn("%s: %s:%u is on the host network and no bearer is up "
                 "(WIP_CERR_NETWORK_UNREACHABLE); only 127.0.0.1 works without one", fn, addr,
                 ntohs(to.sin_port));
        return WIP_CERR_NETWORK_UNREACHABLE;
    }
    int rc = host_socket(c, t);
    if (rc == 0 && sendto(t->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof to) < 0)
        rc = oat_errno_to_cerr(errno);
    if (rc != 0) {
        oat_warn("%s: %s: datagram of %u bytes not sent (%s)", fn, chan_name(c), (unsigned)len,
                 oat_cerr_name(rc));
        return rc;
    }
    oat_pcap_udp(t->fd, &to, true, buf, len);
    oat_io_hold(OAT_WIP_HOST_QUIET_US);      /* an answer may be on its way */
    return (int)len;
}

static int udp_set_opt(oat_chan *c, int opt, const oat_optval *v)
{
    udp_tp *t = c->tp;
    bool fixed = opt == WIP_COPT_PORT || opt == WIP_COPT_PEER_STRADDR ||
                 opt == WIP_COPT_PEER_ADDR || opt == WIP_COPT_PEER_PORT;
    if (fixed && t->started)
        return WIP_CERR_CSTATE;      /* the port and the peer are given at creation */
    switch (opt) {
    case WIP_COPT_PORT:
        if (v->num > OAT_PORT_MAX)
            return WIP_CERR_OUT_OF_RANGE;
        t->port_asked = (uint16_t)v->num;
        return 0;
    case WIP_COPT_PEER_STRADDR:
        if (!v->str || !*v->str)
            return WIP_CERR_INVALID;
        if (strlen(v->str) >= sizeof t->peer_name)
            return WIP_CERR_OUT_OF_RANGE;
        snprintf(t->peer_name, sizeof t->peer_name, "%s", v->str);
        t->bound = true;
        return 0;
    case WIP_COPT_PEER_ADDR: {
        struct in_addr a = { .s_addr = (in_addr_t)v->num };
        inet_ntop(AF_INET, &a, t->peer_name, sizeof t->peer_name);
        t->bound = true;
        return 0;
    }
    case WIP_COPT_PEER_PORT:
        if (v->num == 0 || v->num > OAT_PORT_MAX)
            return WIP_CERR_OUT_OF_RANGE;
        t->peer_port = (uint16_t)v->num;
        return 0;
    case WIP_COPT_RCV_BUFSIZE:
        if (v->num < OAT_WIP_BUF_MIN || v->num > OAT_WIP_BUF_MAX)
            return WIP_CERR_OUT_OF_RANGE;
        t->rcv_size = v->num;
        return 0;
    case WIP_COPT_TTL:
    case WIP_COPT_TOS:
        if ((opt == WIP_COPT_TTL && v->num < 1) || v->num > 255)
            return WIP_CERR_OUT_OF_RANGE;
        if (opt == WIP_COPT_TTL)
            c->ttl = (uint8_t)v->num;
        else
            c->tos = (uint8_t)v->num;
        if (t->fd >= 0) {
            int val = (int)v->num;
            setsockopt(t->fd, IPPROTO_IP, opt == WIP_COPT_TTL ? IP_TTL : IP_TOS, &val, sizeof val);
        }
        return 0;
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}

static int udp_get_opt(oat_chan *c, int opt, const oat_optval *v)
{
    udp_tp *t = c->tp;
    switch (opt) {
    case WIP_COPT_PORT: *(u16 *)v->ptr = c->local_port; return 0;
    case WIP_COPT_BOUND: *(bool *)v->ptr = t->bound; return 0;
    case WIP_COPT_PEER_PORT:
    case WIP_COPT_PEER_ADDR:
    case WIP_COPT_PEER_STRADDR:
        if (!t->bound || !t->peer_known)
            return WIP_CERR_CSTATE;   /* no peer bound, or its name is still being looked up */
        if (opt == WIP_COPT_PEER_PORT)
            *(u16 *)v->ptr = t->peer_port;
        else if (opt == WIP_COPT_PEER_ADDR)
            *(wip_in_addr_t *)v->ptr = t->peer.sin_addr.s_addr;
        else
            return wip_inet_ntoa(t->peer.sin_addr.s_addr, v->buf, (u16)v->len)
                   ? 0 : WIP_CERR_OUT_OF_RANGE;
        return 0;
    case WIP_COPT_RCV_BUFSIZE: *(u32 *)v->ptr = t->rcv_size; return 0;
    case WIP_COPT_NREAD: *(u32 *)v->ptr = udp_readable(c); return 0;
    case WIP_COPT_TTL: *(u8 *)v->ptr = c->ttl; return 0;
    case WIP_COPT_TOS: *(u8 *)v->ptr = c->tos; return 0;
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}

/* Nothing to flush: a datagram is sent (or dropped) when written. */
static void udp_close(oat_chan *c)
{
    udp_tp *t = c->tp;
    port_give_back(t);
    queue_free(t);
    oat_chan_release(c);
}

static int udp_abort(oat_chan *c)
{
    udp_close(c);
    return 0;
}

static void udp_destroy(oat_chan *c)
{
    udp_tp *t = c->tp;
    if (!t)
        return;
    port_give_back(t);
    queue_free(t);
    t->chan = NULL;
    c->tp = NULL;
    oat_tp_end(&t->life);
}

static const oat_chan_ops udp_ops = {
    .type = "UDP",
    .read = udp_read,
    .write = udp_write,
    .readable = udp_readable,
    .set_opt = udp_set_opt,
    .get_opt = udp_get_opt,
    .close = udp_close,
    .abort = udp_abort,
    .destroy = udp_destroy,
};

/* ---- public calls ---- */

static wip_channel_t udp_create(const char *fn, wip_eventHandler_f evh, void *ctx, int opt,
                                va_list *ap)
{
    if (!oat_net_ready(fn))
        return NULL;
    if (!evh) {
        oat_warn("%s: NULL event handler (WIP_CERR_INVALID): no channel", fn);
        return NULL;
    }
    oat_wip_lock();
    oat_chan *c = oat_chan_new_tp(&udp_ops, evh, ctx, false, sizeof(udp_tp), fn);
    if (!c) {
        oat_wip_unlock();
        return NULL;
    }
    udp_tp *t = c->tp;
    oat_tp_ref_init(&t->life, close_socket);
    t->chan = c;
    t->fd = -1;
    t->rcv_size = OAT_WIP_BUF_DEFAULT;
    c->read_armed = true;
    int rc = ap ? oat_chan_set_list(c, fn, opt, ap) : 0;
    if (rc == 0 && (t->bound || t->peer_port) && (!t->bound || !t->peer_port)) {
        oat_warn("%s: %s without %s (WIP_CERR_INVALID): no channel", fn,
                 t->bound ? "a peer address" : "WIP_COPT_PEER_PORT",
                 t->bound ? "WIP_COPT_PEER_PORT" : "WIP_COPT_PEER_STRADDR or WIP_COPT_PEER_ADDR");
        rc = WIP_CERR_INVALID;
    }
    if (rc == 0) {
        rc = port_take(c, t);
        if (rc != 0)
            oat_warn("%s: module UDP port %u: %s (%s): no channel", fn, t->port_asked,
                     rc == WIP_CERR_PORT_IN_USE ? "already bound by another UDP channel"
                                                : "no free port",
                     oat_cerr_name(rc));
    }
    if (rc != 0) {
        oat_chan_discard(c);
        oat_wip_unlock();
        return NULL;
    }
    t->started = true;
    if (t->bound)
        bind_peer(c, t, fn);
    else
        oat_chan_opened(c);
    oat_wip_unlock();
    return c;
}

wip_channel_t wip_UDPCreate(wip_eventHandler_f evh, void *ctx)
{
    wip_channel_t c = udp_create("wip_UDPCreate", evh, ctx, WIP_COPT_END, NULL);
    OAT_CALL_PTR("wip_UDPCreate", c, "%p, %p", (void *)evh, ctx);
    return c;
}

wip_channel_t wip_UDPCreateOpts(wip_eventHandler_f evh, void *ctx, ...)
{
    va_list ap;
    va_start(ap, ctx);
    wip_channel_t c = udp_create("wip_UDPCreateOpts", evh, ctx, va_arg(ap, int), &ap);
    va_end(ap);
    OAT_CALL_PTR("wip_UDPCreateOpts", c, "%p, %p, ...", (void *)evh, ctx);
    return c;
}
