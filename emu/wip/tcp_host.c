/* tcp_host.c: TCP channels over host sockets. Connects and accepts run on the I/O thread;
 * bytes move between the module's link (link.c: what left the send buffer, what is on its way
 * in) and the socket from whichever thread holds the WIP lock. The socket is read only while
 * the receive side has room, so a peer that sends more than the application reads is
 * throttled by TCP itself. Scripted faults (fault.c) count the bytes the peer got and the
 * bytes that reached the module; the capture (pcap.c) sees them where the module does. */
#include "wip/link.h"
#include "wip/pcap.h"
#include "wip/wip_options.h"
#include "wip/fault.h"
#include "core/log.h"
#include "core/loop.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    oat_tp_ref life;         /* held by the channel + a lookup in flight */
    oat_chan *chan;          /* NULL once the channel let go */
    int fd;
    bool watched;
    short events;
    bool connecting;         /* counted as pending host work */
    bool closing;            /* the application closed: flush, then finish */
    bool wr_pending;         /* wip_shutdown(write) waits for the ring to empty */
    bool eof;                /* the peer's FIN was read */
    bool fin;                /* the peer's FIN is behind unread bytes (PEER_CLOSE told) */
    int broken_err;          /* the connection broke behind unread bytes: ERROR once read */
    uint32_t lowat;          /* SO_RCVLOWAT last given to the socket */
    bool listener;
    int reply_wait;          /* virtual clock held for the peer's answer to our bytes, or -1 */
    char peer[256];
    uint16_t peer_port;
    oat_link link;           /* the module's radio link under the connection */
} host_tp;

static void host_io(int fd, short revents, void *arg);

static host_tp *tp_of(oat_chan *c)
{
    return c->tp;
}

/* Virtual time: bytes went to the peer, so an answer may come; the clock follows host time
 * (no jump) until bytes arrive or OAT_WIP_HOST_REPLY_US of host time passed since the last
 * send. A loaded host peer may take far longer than the quiet span to answer. */
static void await_reply(host_tp *t)
{
    oat_io_wait_end(t->reply_wait);
    t->reply_wait = oat_io_wait_begin(OAT_WIP_HOST_REPLY_US);
    oat_io_hold(OAT_WIP_HOST_QUIET_US);
}

/* Bytes, the end or an error came from the peer: what was awaited is there. */
static void reply_came(host_tp *t)
{
    oat_io_wait_end(t->reply_wait);
    t->reply_wait = -1;
    oat_io_hold(OAT_WIP_HOST_QUIET_US);
}

/* The channel let go: the socket goes (on the I/O thread). */
static void close_socket(oat_tp_ref *r)
{
    host_tp *t = (host_tp *)r;
    oat_host_fd_close(&t->fd, t->watched);
    t->watched = false;
}

static void set_events(host_tp *t, short events)
{
    if (t->fd < 0 || (t->watched && events == t->events))
        return;
    t->events = events;
    if (!t->watched) {
        t->watched = oat_io_add(t->fd, events, host_io, t) == 0;
    } else {
        oat_io_set_events(t->fd, events);
    }
}

static void connect_done(host_tp *t)
{
    if (t->connecting) {
        t->connecting = false;
        oat_io_pending_add(-1);
    }
}

static void fail(oat_chan *c, int err, const char *what)
{
    char name[48];
    host_tp *t = tp_of(c);
    oat_pcap_tcp_reset(c, false);
    connect_done(t);
    reply_came(t);                  /* nothing more will come */
    set_events(t, 0);
    if (c->app_closed) {            /* closing: what was accepted cannot be sent any more */
        oat_chan_release(c);
        return;
    }
    oat_info("%s: %s %s:%u: %s", oat_chan_name(c, name, sizeof name), what, t->peer,
             t->peer_port, oat_cerr_name(err));
    oat_chan_fail(c, err);
}

static uint32_t host_readable(oat_chan *c);
static void saw_eof(oat_chan *c, host_tp *t);
static void broken(oat_chan *c, host_tp *t, int err, const char *what);

/* A scripted fault after a byte count (fault.c) hits the real socket; true when the
 * connection goes on. A reset: RST to the peer (a disconnect with SO_LINGER 0; the fd stays
 * valid for the I/O thread until the channel goes); what is on the air towards the module is
 * lost, what reached its receive buffer stays readable. A close: FIN to the peer, PEER_CLOSE
 * behind what is still readable. */
static bool fault_act(oat_chan *c, host_tp *t, oat_fault_act act)
{
    if (act == OAT_FAULT_RESET) {
        struct linger lg = { 1, 0 };
        struct sockaddr unspec = { .sa_family = AF_UNSPEC };
        setsockopt(t->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        (void)connect(t->fd, &unspec, sizeof unspec);
        if (oat_link_shapes_down(&t->link)) {
            oat_link_down_cut(&t->link, 0);
            broken(c, t, WIP_CERR_PIPE_BROKEN, "fault: connection reset with");
        } else {
            fail(c, WIP_CERR_PIPE_BROKEN, "fault: connection reset with");
        }
        return false;
    }
    if (act == OAT_FAULT_CLOSE && oat_link_shapes_down(&t->link)) {
        shutdown(t->fd, SHUT_WR);
        oat_fault_closed(c, oat_link_down_pending(&t->link));
        oat_link_down_cut(&t->link, oat_fault_recv_room(c));
        t->eof = true;
        oat_link_down_end(&t->link, c);
    } else if (act == OAT_FAULT_CLOSE) {
        int avail = 0;
        shutdown(t->fd, SHUT_WR);
        ioctl(t->fd, FIONREAD, &avail);
        oat_fault_closed(c, (uint32_t)avail);
        if (host_readable(c) > 0) {
            t->fin = true;
            oat_chan_peer_closed(c);
        } else {
            saw_eof(c, t);
        }
    }
    return true;
}

/* The connection broke (a reset, a send refused): the bytes that arrived before it stay
 * readable (a server's last reply before it resets), and the error comes once the
 * application has read them, like a FIN behind data. */
static void broken(oat_chan *c, host_tp *t, int err, const char *what)
{
    if (!c->app_closed && !t->closing && host_readable(c) > 0) {
        t->broken_err = err;
        set_events(t, 0);
        oat_stream_received(c);
        return;
    }
    fail(c, err, what);
}

static bool would_block(void)
{
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/* Send the bytes the link says are at the peer by now; true unless the connection broke. */
static bool flush(oat_chan *c, host_tp *t)
{
    bool sent = false;
    const uint8_t *p;
    uint32_t due;
    while ((due = oat_link_up_due(&t->link, &p)) > 0 && oat_fault_send_room(c) > 0) {
        if (due > oat_fault_send_room(c))
            due = oat_fault_send_room(c);
        ssize_t n = send(t->fd, p, due, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            oat_link_up_sent(&t->link, c, (uint32_t)n);
            sent = true;
            if (!fault_act(c, t, oat_fault_sent(c, (uint32_t)n)))
                return false;
            continue;
        }
        if (n < 0 && would_block())
            break;
        broken(c, t, oat_errno_to_cerr(errno), "send failed");
        return false;
    }
    if (sent)
        await_reply(t);
    return true;
}

/* Receiving: the host socket's own buffer holds what arrived (readable is capped at
 * RCV_BUFSIZE) and the application reads it straight from there (host_recv_now). The I/O
 * thread only tells an armed READ that bytes are there (SO_RCVLOWAT = RCV_LOWAT), notices
 * the peer's FIN, or discards what arrives after wip_close / a read shutdown. */
static uint32_t host_readable(oat_chan *c)
{
    host_tp *t = tp_of(c);
    int avail = 0;
    if (t && oat_link_shapes_down(&t->link))
        return c->rd_shut ? 0 : c->rcv.count;    /* the link hands bytes to the ring */
    if (!t || t->fd < 0 || t->connecting || c->rd_shut || ioctl(t->fd, FIONREAD, &avail) != 0)
        return 0;
    uint32_t cap = oat_fault_recv_room(c) < c->rcv.size ? oat_fault_recv_room(c) : c->rcv.size;
    return (uint32_t)avail < cap ? (uint32_t)avail : cap;
}

static void saw_eof(oat_chan *c, host_tp *t)
{
    t->eof = true;
    reply_came(t);
    oat_pcap_tcp_fin(c, false);
    oat_chan_peer_closed(c);
}

/* A shaped link: what the socket got goes on the air (the link's down queue) while it has
 * room; the end follows the bytes. True unless broken. */
static bool arrived_on_air(oat_chan *c, host_tp *t)
{
    uint8_t *p;
    uint32_t span;
    while ((span = oat_link_down_span(&t->link, &p)) > 0) {
        ssize_t n = recv(t->fd, p, span, MSG_DONTWAIT);
        if (n > 0) {
            reply_came(t);
            oat_link_down_arrived(&t->link, c, (uint32_t)n);
            continue;
        }
        if (n == 0) {
            t->eof = true;
            reply_came(t);
            oat_link_down_end(&t->link, c);
        } else if (!would_block()) {
            broken(c, t, oat_errno_to_cerr(errno), "receive failed");
            return false;
        }
        break;
    }
    return true;
}

/* The socket is readable, fin: the poller saw the peer's FIN; true unless broken. */
static bool arrived(oat_chan *c, host_tp *t, bool fin)
{
    if (t->eof || t->fin)
        return true;
    if (t->closing || c->rd_shut) {
        uint8_t scratch[4096];
        ssize_t n;
        while ((n = recv(t->fd, scratch, sizeof scratch, MSG_DONTWAIT)) > 0)
            oat_pcap_tcp_data(c, false, scratch, (size_t)n);
        if (n == 0)
            t->eof = true;
        else if (!would_block())
            return fail(c, oat_errno_to_cerr(errno), "receive failed"), false;
        return true;
    }
    if (oat_link_shapes_down(&t->link))
        return arrived_on_air(c, t);
    if (host_readable(c) > 0) {
        reply_came(t);
        oat_stream_received(c);
        if (fin) {                  /* FIN behind the data: PEER_CLOSE, bytes stay readable */
            t->fin = true;
            oat_chan_peer_closed(c);
        }
        return true;
    }
    char probe;
    ssize_t n = recv(t->fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0)
        saw_eof(c, t);
    else if (n < 0 && !would_block())
        return fail(c, oat_errno_to_cerr(errno), "receive failed"), false;
    return true;
}

static void finish_close(oat_chan *c, host_tp *t)
{
    shutdown(t->fd, SHUT_WR);
    oat_pcap_tcp_fin(c, true);
    set_events(t, 0);
    oat_chan_release(c);
}

/* Move bytes (look at arrivals too when asked; fin: the poller saw the peer's FIN) and
 * watch for what is still wanted. Lock held. */
static void pump(oat_chan *c, bool read_too, bool fin)
{
    host_tp *t = tp_of(c);
    if (!t || t->fd < 0 || t->connecting || c->last_error != 0 || c->released || t->broken_err)
        return;
    if (!flush(c, t) || (read_too && !arrived(c, t, fin)))
        return;
    uint32_t unsent = oat_link_up_pending(&t->link, c);
    if (unsent == 0 && t->wr_pending) {
        t->wr_pending = false;
        shutdown(t->fd, SHUT_WR);
        oat_pcap_tcp_fin(c, true);
    }
    if (t->closing && unsent == 0) {
        finish_close(c, t);
        return;
    }
    oat_link_up_kick(&t->link, c);
    /* Bytes are announced to an application waiting on READ; otherwise only the FIN. A
     * shaped link reads while its down queue has room. */
    short ev = 0;
    bool discard = t->closing || c->rd_shut;
    if (oat_link_shapes_down(&t->link) && !discard) {
        uint8_t *p;
        if (!t->eof && oat_link_down_span(&t->link, &p) > 0)
            ev |= POLLIN;
    } else if (!t->eof && !(t->fin && !discard)) {
        ev |= discard || c->read_armed ? POLLIN : POLLRDHUP;
    }
    const uint8_t *due;
    if (oat_link_up_due(&t->link, &due) > 0 && oat_fault_send_room(c) > 0)
        ev |= POLLOUT;
    set_events(t, ev);
}

static void connected(oat_chan *c, host_tp *t)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (err == EINPROGRESS || err == EALREADY)
        return;
    if (err == ECONNRESET) {           /* accepted, answered and reset before this ran */
        connect_done(t);
        if (host_readable(c) > 0) {
            oat_chan_opened(c);
            broken(c, t, oat_errno_to_cerr(err), "connection reset by");
            return;
        }
    }
    if (err) {
        fail(c, oat_errno_to_cerr(err), "connect to");
        return;
    }
    connect_done(t);
    oat_io_hold(OAT_WIP_HOST_QUIET_US);
    unsigned no_limit = 0;      /* the connect timeout must not cut a throttled connection */
    setsockopt(t->fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &no_limit, sizeof no_limit);
    oat_pcap_tcp_open(c, t->fd, true);
    oat_chan_opened(c);
    oat_fault_opened(c);
    pump(c, true, false);
}

static void host_io(int fd, short revents, void *arg)
{
    (void)fd;
    host_tp *t = arg;
    oat_wip_lock();
    oat_chan *c = t->chan;
    if (c && !c->released && !t->listener) {
        if (t->connecting)
            connected(c, t);
        else if ((revents & (POLLERR | POLLNVAL)) && !(revents & POLLIN))
            broken(c, t, WIP_CERR_PIPE_BROKEN, "connection lost with");
        else
            pump(c, true, (revents & (POLLRDHUP | POLLHUP)) != 0);
    }
    oat_wip_unlock();
}

static void apply_socket_options(oat_chan *c, int fd)
{
    int on = c->nodelay ? 1 : 0;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    int ka = c->keepalive > 0;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &ka, sizeof ka);
    if (ka) {
        int idle = (int)c->keepalive;
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    }
    int ttl = c->ttl, tos = c->tos;
    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);               /* IPv4 */
    setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);  /* IPv6 */
    setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos);
}

/* WIP_COPT_PORT on a client: the host socket's local port (a failure is traced and the
 * kernel's choice kept). */
static void bind_local_port(oat_chan *c, int fd, int family)
{
    if (c->local_port == 0)
        return;
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(c->local_port) };
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(c->local_port) };
    int rc = family == AF_INET6 ? bind(fd, (struct sockaddr *)&a6, sizeof a6)
                                : bind(fd, (struct sockaddr *)&a, sizeof a);
    if (rc != 0)
        oat_warn("TCP client: local port %u is not free on the host (%s); another one is used",
                 c->local_port, strerror(errno));
}

/* The name is known (IPv4 or IPv6): connect. */
static void resolved(void *arg, int err, const struct sockaddr *addr, socklen_t addr_len)
{
    host_tp *t = arg;
    oat_wip_lock();
    oat_chan *c = t->chan;
    if (c && !c->released) {
        if (err) {
            fail(c, err, "name lookup for");
        } else {
            t->fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (t->fd < 0) {
                fail(c, oat_errno_to_cerr(errno), "no socket for");
            } else {
                apply_socket_options(c, t->fd);
                bind_local_port(c, t->fd, addr->sa_family);
                unsigned timeout_ms = (unsigned)(oat_wip_cfg()->connect_timeout_us / 1000);
                setsockopt(t->fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout_ms, sizeof timeout_ms);
                if (connect(t->fd, addr, addr_len) == 0 ||
                    errno == EINPROGRESS)
                    set_events(t, POLLOUT);
                else
                    fail(c, oat_errno_to_cerr(errno), "connect to");
            }
        }
    }
    oat_tp_let_go(&t->life);
    oat_wip_unlock();
}

/* The link's calls back (owner task, lock held). */
static uint32_t link_up_window(oat_chan *c)
{
    return oat_fault_send_room(c);
}

static void link_up_leaving(oat_chan *c, uint32_t n)
{
    oat_pcap_tcp_ring_sent(c, &c->snd, n);
}

static void link_send_due(oat_chan *c)
{
    pump(c, false, false);
}

/* Due bytes reach the receive buffer while it has room; the faults count them there (what
 * a byte limit forbids never comes). */
static void link_deliver_due(oat_chan *c)
{
    host_tp *t = tp_of(c);
    if (c->last_error != 0 || c->released || t->closing || c->rd_shut) {
        oat_link_down_cut(&t->link, 0);           /* nobody reads them any more */
        return;
    }
    uint32_t moved = 0;
    const uint8_t *p;
    uint32_t due;
    while ((due = oat_link_down_due(&t->link, &p)) > 0) {
        uint32_t room = oat_ring_room(&c->rcv), limit = oat_fault_recv_room(c);
        if (limit == 0)
            oat_link_down_cut(&t->link, 0);
        uint32_t k = due < room ? due : room;
        k = k < limit ? k : limit;
        if (k == 0)
            break;
        oat_ring_put(&c->rcv, p, k);
        oat_pcap_tcp_data(c, false, p, k);
        oat_link_down_taken(&t->link, k);
        moved += k;
        oat_fault_act act = oat_fault_received(c, k);
        if (act != OAT_FAULT_GO_ON) {
            oat_stream_received(c);
            fault_act(c, t, act);
            return;
        }
    }
    if (moved == 0)
        return;
    oat_stream_received(c);
    if (c->link)
        pump(c, true, false);
}

static void link_down_end(oat_chan *c)
{
    oat_pcap_tcp_fin(c, false);
    oat_chan_peer_closed(c);
}

static const oat_link_hooks link_hooks = { link_up_window, link_up_leaving, link_send_due,
                                           link_deliver_due, link_down_end };

/* Host connections alive; when the last goes, the virtual clock need not wait for
 * replies any more (lock held). */
static int connections;

static host_tp *tp_new(oat_chan *c, int fd)
{
    host_tp *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    if (oat_link_init(&t->link, c, &link_hooks) != 0) {
        free(t);
        return NULL;
    }
    connections++;
    oat_tp_ref_init(&t->life, close_socket);
    t->chan = c;
    t->fd = fd;
    t->reply_wait = -1;
    c->tp = t;
    c->host = true;
    return t;
}

/* The name lookup, then the connect (now, or after a scripted connect-delay). */
static void start_connect(oat_chan *c)
{
    host_tp *t = tp_of(c);
    t->connecting = true;
    oat_io_pending_add(1);
    oat_tp_hold(&t->life);
    oat_resolve(t->peer, t->peer_port, AF_UNSPEC, resolved, t);
}

void oat_tcp_host_connect(const char *fn, oat_chan *c, const char *host, uint16_t port)
{
    host_tp *t = tp_new(c, -1);
    if (!t) {
        oat_chan_fail(c, WIP_CERR_MEMORY);
        return;
    }
    snprintf(t->peer, sizeof t->peer, "%s", host);
    t->peer_port = port;
    if (!oat_bearer_ip_up()) {
        oat_warn("%s: %s:%u is on the host network and no bearer is up "
                 "(WIP_CERR_NETWORK_UNREACHABLE); only 127.0.0.1 works without one", fn, host,
                 port);
        oat_chan_fail(c, WIP_CERR_NETWORK_UNREACHABLE);
        return;
    }
    int rc = oat_fault_connect(c, start_connect);
    if (rc < 0)
        oat_chan_fail(c, rc);
    else if (rc == 0)
        start_connect(c);
}

/* ---- channel operations ---- */

/* From the application's calls: send what waits; reading is left to the I/O thread (the
 * receive ring got room: the socket is watched again) or to a direct read. */
static void host_kick(oat_chan *c)
{
    host_tp *t = tp_of(c);
    if (t && t->fd >= 0 && t->lowat != c->rcv_lowat) {
        int lowat = (int)c->rcv_lowat;
        setsockopt(t->fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat);
        t->lowat = c->rcv_lowat;
    }
    if (t)
        oat_link_down_kick(&t->link, c);
    pump(c, t && oat_link_shapes_down(&t->link), false);
}

/* A write once the connection broke (the peer reset it behind bytes still unread): the
 * channel fails now, as a module loopback channel whose peer aborted (docs/decisions.md). */
static int host_write_check(oat_chan *c)
{
    host_tp *t = tp_of(c);
    if (!t || !t->broken_err)
        return 0;
    fail(c, t->broken_err, "write after the connection broke with");
    return -1;
}

/* The application reads straight from the socket. */
static int host_recv_now(oat_chan *c, void *buf, uint32_t len)
{
    host_tp *t = tp_of(c);
    if (t && oat_link_shapes_down(&t->link)) {
        if (t->broken_err && oat_link_down_pending(&t->link) == 0) {
            fail(c, t->broken_err, "connection broken with");
            return -1;
        }
        return 0;                       /* the bytes come through the ring */
    }
    if (!t || t->fd < 0 || t->connecting || t->eof || oat_fault_recv_room(c) == 0)
        return 0;
    if (len > oat_fault_recv_room(c))
        len = oat_fault_recv_room(c);
    ssize_t n = recv(t->fd, buf, len, MSG_DONTWAIT);
    if (n > 0) {
        oat_pcap_tcp_data(c, false, buf, (size_t)n);
        reply_came(t);
        if (t->broken_err && host_readable(c) == 0)
            fail(c, t->broken_err, "connection broken with");   /* ERROR after these bytes */
        else
            fault_act(c, t, oat_fault_received(c, (uint32_t)n));
        return (int)n;
    }
    if (t->broken_err) {
        fail(c, t->broken_err, "connection broken with");
        return -1;
    }
    if (n == 0)
        saw_eof(c, t);
    else if (!would_block()) {
        fail(c, oat_errno_to_cerr(errno), "receive failed");
        return -1;
    }
    return 0;
}

static void host_close(oat_chan *c)
{
    host_tp *t = tp_of(c);
    if (t->fd < 0 || t->connecting || c->last_error != 0) {
        connect_done(t);
        set_events(t, 0);
        oat_chan_release(c);
        return;
    }
    t->closing = true;
    pump(c, true, false);
}

static int host_abort(oat_chan *c)
{
    host_tp *t = tp_of(c);
    if (t->fd >= 0) {
        struct linger lg = { 1, 0 };
        setsockopt(t->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    oat_pcap_tcp_reset(c, true);
    connect_done(t);
    oat_chan_release(c);
    return 0;
}

static int host_shutdown(oat_chan *c, bool rd, bool wr)
{
    host_tp *t = tp_of(c);
    if (rd && !c->rd_shut) {
        c->rd_shut = true;
        oat_ring_consume(&c->rcv, c->rcv.count);   /* what arrived is dropped */
    }
    if (wr && !c->wr_shut) {
        c->wr_shut = true;
        t->wr_pending = true;
    }
    pump(c, true, false);
    return 0;
}

static int host_set_opt(oat_chan *c, int opt, const oat_optval *v)
{
    host_tp *t = tp_of(c);
    int rc = oat_tcp_opt_set(c, opt, v);
    if (rc == 0 && t && t->fd >= 0)
        apply_socket_options(c, t->fd);
    return rc;
}

static int host_get_opt(oat_chan *c, int opt, const oat_optval *v)
{
    host_tp *t = tp_of(c);
    if (!oat_addr_opt(opt))
        return oat_tcp_opt_get(c, opt, v);
    struct sockaddr_storage local = { 0 }, peer = { 0 };
    socklen_t ll = sizeof local, pl = sizeof peer;
    if (!t || t->fd < 0 || c->state == WIP_CSTATE_BUSY)
        return WIP_CERR_CSTATE;
    if (getsockname(t->fd, (struct sockaddr *)&local, &ll) != 0 ||
        getpeername(t->fd, (struct sockaddr *)&peer, &pl) != 0)
        return WIP_CERR_CSTATE;
    return oat_addr_get_opt(opt, (struct sockaddr *)&local, (struct sockaddr *)&peer, v);
}

static void host_destroy(oat_chan *c)
{
    host_tp *t = tp_of(c);
    if (!t)
        return;
    if (--connections == 0)
        oat_io_hold_end();
    connect_done(t);
    oat_fault_detach(c);
    oat_io_wait_end(t->reply_wait);
    t->reply_wait = -1;
    oat_link_free(&t->link, c);
    t->chan = NULL;
    c->tp = NULL;
    oat_tp_end(&t->life);
}

const oat_chan_ops oat_tcp_host_ops = {
    .type = "TCP client",
    .set_opt = host_set_opt,
    .get_opt = host_get_opt,
    .kick = host_kick,
    .write_check = host_write_check,
    .recv_now = host_recv_now,
    .readable = host_readable,
    .close = host_close,
    .shutdown = host_shutdown,
    .abort = host_abort,
    .destroy = host_destroy,
};

/* ---- exposed servers: a host listening socket whose connections spawn channels ---- */

static void accept_ready(int fd, short revents, void *arg);

int oat_tcp_host_listen_at(oat_chan *server, struct in_addr addr, uint16_t *host_port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return WIP_CERR_RESOURCES;
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(*host_port),
                             .sin_addr = addr };
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0) {
        int e = errno;
        close(fd);
        return e == EADDRINUSE ? WIP_CERR_PORT_IN_USE : oat_errno_to_cerr(e);
    }
    host_tp *t = calloc(1, sizeof *t);
    if (!t) {
        close(fd);
        return WIP_CERR_MEMORY;
    }
    oat_tp_ref_init(&t->life, close_socket);
    t->chan = server;
    t->fd = fd;
    t->reply_wait = -1;
    t->listener = true;
    server->tp = t;
    t->watched = oat_io_add(fd, POLLIN, accept_ready, t) == 0;
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *host_port = ntohs(a.sin_port);
    return 0;
}

int oat_tcp_host_listen(oat_chan *server, uint16_t host_port)
{
    int rc = oat_tcp_host_listen_at(server, (struct in_addr){ htonl(INADDR_LOOPBACK) },
                                    &host_port);
    if (rc == 0)
        oat_info("TCP server: module port %u exposed on host 127.0.0.1:%u", server->local_port,
                 host_port);
    return rc;
}

static void accept_ready(int fd, short revents, void *arg)
{
    (void)revents;
    host_tp *lt = arg;
    oat_wip_lock();
    oat_chan *server = lt->chan;
    for (;;) {
        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0)
            break;
        oat_chan *c = server ? oat_tcp_spawn(server, &oat_tcp_host_ops) : NULL;
        host_tp *t = c ? tp_new(c, cfd) : NULL;
        if (!t) {
            close(cfd);
            if (c)
                oat_chan_discard(c);
            continue;
        }
        snprintf(t->peer, sizeof t->peer, "host peer");
        apply_socket_options(c, cfd);
        oat_pcap_tcp_open(c, cfd, false);
        oat_chan_opened(c);
        pump(c, true, false);
    }
    oat_wip_unlock();
}

void oat_tcp_host_unlisten(oat_chan *server)
{
    host_tp *t = server->tp;
    if (!t)
        return;
    t->chan = NULL;
    server->tp = NULL;
    oat_tp_end(&t->life);
}
