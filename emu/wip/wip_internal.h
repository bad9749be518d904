/* wip_internal.h: the channel core shared by every WIP channel type. A channel is one
 * struct with a state, options, an owner task, reference counts and, for byte streams, a
 * send and a receive ring; a transport (ops table) moves the bytes (host socket, module
 * loopback, UDP, ping, SSL...). All channel state is guarded by one lock (oat_wip_lock);
 * events are posted to the owner task and delivered after the current handler returns. */
#ifndef OAT_WIP_INTERNAL_H
#define OAT_WIP_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <netinet/in.h>
#include "wip.h"
#include "../core/lock_check.h"
#include "../core/sched.h"
#include "wip/wip_errors.h"

#define OAT_WIP_BUF_DEFAULT 5840u   /* behaviour §4: 4 x 1460 */
#define OAT_WIP_BUF_MIN 536u
#define OAT_WIP_BUF_MAX 65535u
#define OAT_WIP_SND_LOWAT_DEFAULT 1460u
/* Virtual time: after traffic on a host socket the clock waits this long (host time) before
 * jumping, so a reply on its way arrives at the emulated instant it was awaited. */
#define OAT_WIP_HOST_QUIET_US 200000
/* ... and after bytes went to a host peer, it follows host time (no jump) until the peer
 * answers, for at most this long after the last send. */
#define OAT_WIP_HOST_REPLY_US 5000000

void oat_wip_lock(void);
void oat_wip_unlock(void);

/* ---- byte rings (ring.c) ---- */
typedef struct {
    uint8_t *data;
    uint32_t size, head, count;     /* head = index of the oldest byte */
} oat_ring;

int oat_ring_init(oat_ring *r, uint32_t size);          /* 0 or -1 (no memory) */
int oat_ring_resize(oat_ring *r, uint32_t size);        /* keeps content; size >= count */
void oat_ring_free(oat_ring *r);
static inline uint32_t oat_ring_room(const oat_ring *r) { return r->size - r->count; }
uint32_t oat_ring_put(oat_ring *r, const void *src, uint32_t len);   /* returns bytes taken */
uint32_t oat_ring_get(oat_ring *r, void *dst, uint32_t len);         /* returns bytes given */
/* The contiguous readable (or writable) span at the head (or tail). */
uint32_t oat_ring_peek_span(const oat_ring *r, const uint8_t **p);
uint32_t oat_ring_tail_span(oat_ring *r, uint8_t **p);
void oat_ring_consume(oat_ring *r, uint32_t n);
void oat_ring_commit(oat_ring *r, uint32_t n);
/* Move up to len bytes from one ring to another; returns bytes moved. */
uint32_t oat_ring_move(oat_ring *to, oat_ring *from, uint32_t len);

/* ---- option values (options.c) ---- */
typedef struct {
    unsigned num;
    const char *str, *str2;
    void *ptr, *ptr2;
    char *buf;
    unsigned len;
    wip_finalizer_f fn;
} oat_optval;

/* Peer options of wip_readOpts / wip_writeOpts (UDP): at most a few per call. */
typedef struct {
    int n;
    int opt[4];
    oat_optval v[4];
} oat_peer_opts;
int oat_peer_opts_fetch(oat_peer_opts *p, bool get, const char *fn, va_list *ap);

/* ---- channels (channel.c) ---- */
typedef struct wip_channel_ oat_chan;

typedef struct {
    const char *type;   /* "TCP client", for traces and the call log */
    /* NULL read/write: the stream implementation (rings, READ/WRITE arming). */
    int (*read)(oat_chan *c, void *buf, uint32_t len, const oat_peer_opts *peer);
    int (*write)(oat_chan *c, const void *buf, uint32_t len, const oat_peer_opts *peer);
    /* content.read.readable of a READ event; NULL: the receive ring's count. */
    uint32_t (*readable)(oat_chan *c);
    /* Channel-specific options; return WIP_CERR_NOT_SUPPORTED when not theirs. */
    int (*set_opt)(oat_chan *c, int opt, const oat_optval *v);
    int (*get_opt)(oat_chan *c, int opt, const oat_optval *v);
    /* Stream: the send ring got bytes, or the receive ring got room. */
    void (*kick)(oat_chan *c);
    /* Stream, optional: before a write takes bytes, 0; or -1 when the connection is known
     * broken (the channel fails now, its ERROR tells why, the write gets WIP_CERR_CSTATE). */
    int (*write_check)(oat_chan *c);
    /* Stream, optional: move bytes from the wire to the application's buffer at once while
     * the receive ring is empty (one copy less). Return the bytes moved, 0, or -1 after the
     * channel failed. */
    int (*recv_now)(oat_chan *c, void *buf, uint32_t len);
    /* The application closed the channel: finish (send what was accepted), then call
     * oat_chan_release(c). */
    void (*close)(oat_chan *c);
    int (*shutdown)(oat_chan *c, bool rd, bool wr);
    int (*abort)(oat_chan *c);
    /* Free transport state; the channel is gone right after. */
    void (*destroy)(oat_chan *c);
    /* Session channels: open a data channel (wip_putFile / wip_getFile) for the file name or
     * URL the application gave (may be NULL); NULL with a trace naming fn when it cannot.
     * Lock held. */
    oat_chan *(*put_file)(oat_chan *session, const char *name, wip_eventHandler_f evh,
                          void *ctx, int opt, va_list *ap, const char *fn);
    oat_chan *(*get_file)(oat_chan *session, const char *name, wip_eventHandler_f evh,
                          void *ctx, int opt, va_list *ap, const char *fn);
    /* Layered channels (layer.c): an event of the adopted inner channel, in the owner task,
     * lock held. */
    void (*inner_event)(oat_chan *c, const wip_event_t *ev);
} oat_chan_ops;

struct wip_channel_ {
    uint32_t magic;
    const oat_chan_ops *ops;
    oat_task *owner;
    wip_eventHandler_f evh;
    void *ctx;
    wip_cstate_t state;
    bool app_closed;          /* wip_close called: no event reaches the handler any more */
    bool aborted;
    bool released;            /* transport finished */
    bool host;                /* on the host network (needs a bearer), not module loopback */
    int refs;                 /* application handle + transport + events in flight */
    s32 last_error;
    wip_finalizer_f finalizer;
    unsigned serial;          /* for traces: "TCP client #3" */
    oat_chan *spawned_from;   /* the TCP server that accepted it (compared, never followed) */
    uint16_t local_port;      /* module side port (loopback pairs, servers) */
    uint16_t peer_port;       /* loopback: the port connected to */
    unsigned pend_max;        /* TCP server: connections at once, 0 = no limit */
    oat_chan *next_all;
    /* layered channels (layer.c): the channel this one runs over (SSL: its TCP channel), and
     * the one running over this one; only layer.c and channel.c write them */
    oat_chan *inner, *outer;
    /* stream */
    bool stream;
    oat_ring snd, rcv;
    uint32_t snd_lowat, rcv_lowat;
    bool read_armed;          /* next arrival reaching RCV_LOWAT fires READ */
    bool write_wanted;        /* a write came up short: WRITE once room >= SND_LOWAT */
    bool peer_closed;         /* no more bytes will arrive */
    bool rd_shut, wr_shut;
    /* options common to TCP-like channels */
    bool nodelay;
    uint32_t keepalive;
    uint8_t ttl, tos;
    /* transport state */
    void *tp;
    struct oat_link *link;        /* the module's radio link under a host channel (link.c) */
    struct oat_pcap_flow *pcap;   /* --pcap: this channel's flow (pcap.c), NULL if none */
    struct oat_fault_conn *fault;   /* host TCP client: its scripted faults (fault.c), or NULL */
};

/* Create a channel owned by the calling task, state BUSY, one reference held by the
 * application handle and one by the transport. stream: with rings of the default sizes. */
oat_chan *oat_chan_new(const oat_chan_ops *ops, wip_eventHandler_f evh, void *ctx, bool stream);
/* The same with a zeroed transport block of tp_size in c->tp; NULL (and a trace naming
 * fn) when memory runs out. Lock held. */
oat_chan *oat_chan_new_tp(const oat_chan_ops *ops, wip_eventHandler_f evh, void *ctx,
                          bool stream, size_t tp_size, const char *fn);
/* NULL, freed or closed handles are refused with a trace; returns the channel or NULL and
 * sets *err (WIP_CERR_INVALID or WIP_CERR_CSTATE). Lock held. */
oat_chan *oat_chan_check(wip_channel_t c, const char *fn, int *err);
/* Post an event to the owner task (lock held). READ/WRITE contents are computed when it is
 * delivered. Nothing is posted once the application closed the channel. */
void oat_chan_event(oat_chan *c, wip_event_kind_t kind, s32 errnum);
/* A WIP_CEV_PING with its contents (lock held). */
void oat_chan_ping(oat_chan *c, bool timeout, u16 idx, u32 time_ms);
/* The transport failed or the peer closed (lock held): state TO_CLOSE and the event. */
void oat_chan_fail(oat_chan *c, s32 errnum);
void oat_chan_peer_closed(oat_chan *c);
/* The same with another event (SSL: WIP_CEV_INVALID, the peer ended the TLS session). */
void oat_chan_peer_ended(oat_chan *c, wip_event_kind_t kind);
/* The connection is up (lock held): state READY, OPEN then WRITE. */
void oat_chan_opened(oat_chan *c);
/* Extra references for internal work in flight (lock held). */
void oat_chan_ref(oat_chan *c);
void oat_chan_unref(oat_chan *c);
/* A channel the application never saw (a spawn that failed): freed now (lock held). */
void oat_chan_discard(oat_chan *c);
/* wip_close without the call log, for channels the emulator owns (lock held). */
void oat_chan_close(oat_chan *c);
/* The transport let go (lock held); the finalizer runs once nothing else holds it. */
void oat_chan_release(oat_chan *c);
const char *oat_chan_name(const oat_chan *c, char *buf, size_t len);
/* Apply a WIP_COPT_* list to a channel (lock held); for the *CreateOpts calls too.
 * Returns 0 or the first WIP_CERR_*; fn names the API call in traces. */
int oat_chan_set_list(oat_chan *c, const char *fn, int opt, va_list *ap);
int oat_chan_get_list(oat_chan *c, const char *fn, int opt, va_list *ap);
/* Read the value(s) of one option from a va_list (options.c). Returns 0 or WIP_CERR_INVALID
 * for an unknown option; get selects the pointer form. */
int oat_opt_fetch(int opt, bool get, va_list *ap, oat_optval *v);
const char *oat_opt_name(int opt);
const char *oat_cev_name(int kind);
/* Every live channel (lock held). */
oat_chan *oat_chan_first(void);
/* wip_netExit (module_stop false): every open channel is aborted silently, no event and no
 * finalizer; module stop (true, no task or loop running): everything is freed now. */
void oat_chan_reset(bool module_stop);

/* ---- layered channels (layer.c), lock held ----
 * A channel may run over another one it owns (SSL over TCP, SMTP over SSL or TCP): it adopts
 * it as its inner channel. The core then hands the inner channel's events to the outer's
 * ops->inner_event, closes and aborts the inner with the outer, forwards the options the outer
 * does not keep, and releases the outer only once the inner is gone, so the outer's finalizer
 * always comes after the inner's end. Transports reach their inner channel only through these
 * calls. */
/* The event handler to create an inner channel with (adopting sets it anyway). */
void oat_chan_inner_handler(wip_event_t *ev, void *outer);
/* outer owns inner from now on (taking it from a previous outer, which no longer has one:
 * STARTTLS slides SSL between SMTP and its TCP channel). The outer's host flag follows the
 * inner's; a stream outer's buffer sizes apply to the inner too (fn names the call in the
 * trace when memory runs out for them). */
void oat_chan_adopt(oat_chan *outer, oat_chan *inner, const char *fn);
/* The inner channel's send buffer: the outer's size and extra bytes (the outer adds its own
 * framing to what the application wrote). */
void oat_chan_inner_snd_extra(oat_chan *outer, uint32_t extra, const char *fn);
/* NULL once the inner channel is gone (or none was adopted). */
oat_chan *oat_chan_inner(const oat_chan *outer);
/* The inner channel's state; WIP_CSTATE_BUSY while there is none or it was closed. */
wip_cstate_t oat_chan_inner_state(const oat_chan *outer);
/* Bytes to and from the inner channel by its own rules (its type's read and write, or the
 * stream rules); 0 with no open inner channel. */
int oat_chan_inner_read(oat_chan *outer, void *buf, uint32_t len);
int oat_chan_inner_write(oat_chan *outer, const void *buf, uint32_t len);
/* An option given to the inner channel's type; WIP_CERR_NOT_SUPPORTED with no inner channel
 * or when not its type's. */
int oat_chan_inner_set_opt(oat_chan *outer, int opt, const oat_optval *v);
int oat_chan_inner_get_opt(oat_chan *outer, int opt, const oat_optval *v);
/* Close the inner channel (it finishes, then its end releases the outer); no-op when closed
 * already. Abort: reset it now, then close it. */
void oat_chan_close_inner(oat_chan *outer);
void oat_chan_abort_inner(oat_chan *outer);
/* Close the inner channel and let go of it: the outer goes on without one (an HTTP session
 * between connections) and is not released when that one ends. */
void oat_chan_let_go_inner(oat_chan *outer);
/* channel.c, when an adopted channel's last reference went and it was freed: its outer lets
 * go of it and is released. */
void oat_chan_inner_gone(oat_chan *outer);

/* ---- transport blocks that outlive their channel (tp_ref.c) ----
 * The transport state of a host channel stays while work in flight still refers to it (a
 * name lookup, an armed alarm, its descriptors' callbacks on the I/O thread). It counts its
 * holders, atomically (an alarm's drop lets go without the WIP lock), and the last one frees
 * it. The struct is the first member of the malloc'd block. */
typedef struct oat_tp_ref oat_tp_ref;
struct oat_tp_ref {
    int holders;                        /* atomic builtins only (tp_ref.c) */
    void (*close_fds)(oat_tp_ref *r);   /* closes the block's host descriptors */
};
/* One holder, the channel; close_fds NULL: the block has no descriptors. */
void oat_tp_ref_init(oat_tp_ref *r, void (*close_fds)(oat_tp_ref *r));
void oat_tp_hold(oat_tp_ref *r);
void oat_tp_let_go(oat_tp_ref *r);
/* The channel let go (its destroy, lock held): the block's descriptors are closed on the I/O
 * thread, where their callbacks run (at once when this is that thread or no loop runs),
 * then the channel's hold goes. */
void oat_tp_end(oat_tp_ref *r);
/* Close a host descriptor the I/O thread may watch (on that thread, or with none running);
 * *fd becomes -1. Safe on -1. */
void oat_host_fd_close(int *fd, bool watched);

/* ---- transport timers (chan_timer.c), lock held ---- */
typedef struct oat_task_alarm oat_task_alarm;
typedef struct oat_chan_shot oat_chan_shot;
typedef struct {
    oat_task_alarm *alarm;
    oat_chan_shot *shot;        /* the armed or posted firing; NULL: stopped */
    int wait_token;             /* the virtual-clock hold of a host channel, or -1 */
} oat_chan_timer;
void oat_chan_timer_init(oat_chan_timer *tm);
/* fn(c) in c's owner task, lock held, ms of emulated time from now unless stopped or
 * restarted before. false (and nothing armed) when host memory runs out. */
bool oat_chan_timer_start(oat_chan_timer *tm, oat_chan *c, uint32_t ms, void (*fn)(oat_chan *c));
/* The same for a span the module spends itself (its CPU): no host peer is awaited, so the
 * virtual clock is not held for host time even on a host channel. */
bool oat_chan_timer_start_busy(oat_chan_timer *tm, oat_chan *c, uint32_t ms,
                               void (*fn)(oat_chan *c));
/* Stop it; safe when stopped. A transport stops its timers before its tp block goes. */
void oat_chan_timer_stop(oat_chan_timer *tm);

/* Stream side of the core (stream.c), lock held. */
int oat_stream_read(oat_chan *c, void *buf, uint32_t len);
int oat_stream_write(oat_chan *c, const void *buf, uint32_t len);
/* The transport added bytes to c->rcv, or freed room in c->snd: arm and post READ/WRITE. */
void oat_stream_received(oat_chan *c);
void oat_stream_sent(oat_chan *c);
/* Common stream options (buffer sizes, low-water marks, NREAD/NWRITE). */
int oat_stream_set_opt(oat_chan *c, int opt, const oat_optval *v);
int oat_stream_get_opt(oat_chan *c, int opt, const oat_optval *v);

/* ---- stack and bearers (net.c, bearer.c) ---- */
bool oat_net_ready(const char *fn);          /* wip_netInit done; else a trace (no lock) */
/* A bearer is IP-connected, so host networks are reachable (lock held). */
bool oat_bearer_ip_up(void);
/* The module's own IP address (network order) on the first connected bearer, 0 if none. */
wip_in_addr_t oat_bearer_own_addr(void);
/* wip_netExit and module stop: close every bearer silently, free them (lock held). */
void oat_bearer_reset(void);
/* Every connected bearer drops now, as with --bearer=drop= (the test kit's world control;
 * no lock held). Returns how many. */
int oat_bearer_drop_connected(void);
/* The last bearer went down (lock held): every channel on the host network gets
 * WIP_CEV_ERROR / WIP_CERR_NETWORK_UNREACHABLE (channel.c). */
void oat_chan_network_lost(void);

/* ---- addresses (address.c) ---- */
/* Where a name:port goes: the module itself (127.0.0.1, "localhost"), or the host network
 * after the host map. numeric: the literal IPv4 if the name is one. */
typedef struct {
    bool module;             /* 127.0.0.1 inside the application */
    char host[256];          /* name or address to reach on the host */
    uint16_t port;
} oat_dest;
void oat_dest_resolve(const char *name, uint16_t port, oat_dest *d);
/* WIP_COPT_PORT/ADDR/STRADDR and their PEER_ forms (get) from two socket addresses. */
bool oat_addr_opt(int opt);
int oat_addr_get_opt(int opt, const struct sockaddr *local, const struct sockaddr *peer,
                     const oat_optval *v);
/* Host port a module port is exposed on (--expose; 0 = any free port), -1 if not. */
int oat_expose_host_port(uint16_t module_port);

/* ---- name resolution (resolve.c): getaddrinfo on a helper thread, counted as pending
 * host work; done(arg, err, addr) runs on the I/O thread. err: 0 or WIP_CERR_DNS_FAILURE. */
typedef void (*oat_resolve_done)(void *arg, int err, const struct sockaddr *addr,
                                 socklen_t len);
/* family: AF_INET, or AF_UNSPEC for IPv4 or IPv6 (TCP). */
void oat_resolve(const char *host, uint16_t port, int family, oat_resolve_done done, void *arg);
/* Module stop, before the I/O thread is joined: wait for lookups still running. */
void oat_resolve_stop(void);

/* ---- TCP transports ---- */
/* Module loopback (loopback.c): module ports listened on by WIP TCP servers. */
int oat_mport_listen(oat_chan *server, uint16_t port);      /* 0 or WIP_CERR_PORT_IN_USE */
void oat_mport_unlisten(oat_chan *server);
void oat_mport_connect(oat_chan *client, uint16_t port);    /* OPEN or REFUSED later */
void oat_mport_reset(void);
/* A TCP client as wip_TCPClientCreateOpts makes it (ap NULL: no options); also the
 * transport under an SSL channel (tcp.c). */
wip_channel_t oat_tcp_client_create(const char *fn, const ascii *host, u16 port,
                                    wip_eventHandler_f evh, void *ctx, int opt, va_list *ap);
/* Spawned channel of a server (tcp.c): inherits handler, ctx, owner and options; NULL when
 * the server is at WIP_COPT_PEND_SRV_MAX or memory ran out. */
oat_chan *oat_tcp_spawn(oat_chan *server, const oat_chan_ops *ops);
/* NODELAY, KEEPALIVE, TTL, TOS of every TCP channel (tcp.c). */
int oat_tcp_opt_set(oat_chan *c, int opt, const oat_optval *v);
int oat_tcp_opt_get(oat_chan *c, int opt, const oat_optval *v);
/* Those options and WIP_COPT_PORT, from the channel they were set on (a server, an SSL
 * channel) to the TCP channel that carries its connection. */
void oat_tcp_opts_inherit(oat_chan *to, const oat_chan *from);
/* Host sockets (tcp_host.c). */
extern const oat_chan_ops oat_tcp_host_ops;
/* fn: the create call, for the trace of a refusal. */
void oat_tcp_host_connect(const char *fn, oat_chan *c, const char *host, uint16_t port);
int oat_tcp_host_listen(oat_chan *server, uint16_t host_port);
/* The same at a host address; *host_port 0 picks a free port, set to the one bound. */
int oat_tcp_host_listen_at(oat_chan *server, struct in_addr addr, uint16_t *host_port);
/* A TCP server on the host network only (no module port; the FTP client's active data
 * connections, tcp.c): listening at addr on a free port (*host_port), its connections spawn
 * channels that report to evh with ctx, OPEN first. NULL with a trace naming fn. */
oat_chan *oat_tcp_host_server(const char *fn, struct in_addr addr, wip_eventHandler_f evh,
                              void *ctx, uint16_t *host_port);
void oat_tcp_host_unlisten(oat_chan *server);
extern const oat_chan_ops oat_tcp_loop_ops;

/* SSL channels for other channel types (ssl.c), lock held: a client as
 * wip_SSLClientCreate makes it, or TLS over an open TCP channel (STARTTLS), which is
 * adopted (its events and release then go to the SSL channel). NULL with a trace. */
oat_chan *oat_ssl_client(const char *fn, const ascii *host, u16 port, wip_eventHandler_f evh,
                         void *ctx);
oat_chan *oat_ssl_wrap(const char *fn, oat_chan *tcp, const char *host, wip_eventHandler_f evh,
                       void *ctx);
/* The Security library's state goes (module stop; ssl.c). */
void oat_ssl_reset(void);

/* ---- session channels (session.c), lock held ----
 * A session type: its ops, transport block size, default server port, and the defaults it
 * sets in a new session before the create call's options apply. */
typedef struct {
    const oat_chan_ops *ops;
    size_t tp_size;
    uint16_t port;
    void (*init)(oat_chan *s);
} oat_session_kind;
/* The session for the *CreateOpts call fn (ap NULL: no options): a TCP client to server
 * adopted as its inner channel, NODELAY on; NULL after a trace. */
oat_chan *oat_session_create(const oat_session_kind *k, const char *fn, const ascii *server,
                             wip_eventHandler_f evh, void *ctx, int opt, va_list *ap);
/* wip_close of a session: true when its QUIT may go (alive: the protocol is past its
 * greeting and not failed; the connection is up); else, its timers stopped, the session
 * lets go of its connection (or is released without one). */
bool oat_session_may_quit(oat_chan *s, bool alive);
void oat_session_let_go(oat_chan *s);
/* The QUIT of a closed session was answered, or the server ended the connection before it
 * was, or its timer ran out: the timer stops and the connection goes (its end releases s). */
void oat_session_quit_over(oat_chan *s, oat_chan_timer *timer);
/* The session is logged in: READY and OPEN, the first time only (*opened, in its tp block). */
void oat_session_opened(oat_chan *s, bool *opened);
/* wip_read / wip_write on a session: WIP_CERR_NOT_SUPPORTED. */
int oat_session_no_read(oat_chan *c, void *buf, uint32_t len, const oat_peer_opts *peer);
int oat_session_no_write(oat_chan *c, const void *buf, uint32_t len, const oat_peer_opts *peer);
/* fn(s) in s's owner task after the current handler returns, lock held, as the module's
 * stack runs between handlers; asked again before it ran, it runs once (*posted, a flag in
 * s's tp block, says it is queued). */
void oat_session_run_later(oat_chan *s, bool *posted, void (*fn)(oat_chan *s));

/* Service lifecycle (module start/stop). */
void oat_wip_stop(void);

#endif
