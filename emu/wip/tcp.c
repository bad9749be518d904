/* tcp.c: the public TCP calls. A client goes to the module itself (127.0.0.1: loopback.c)
 * or to the host network (tcp_host.c) after the host map; a server listens on a module port
 * (and on a host port when exposed) and spawns one channel per connection, which reports to
 * the server's handler with the server's ctx, OPEN first, with the server's options. */
#include "wip/wip_internal.h"
#include "wip/fault.h"
#include "core/calls.h"
#include "core/config.h"
#include "core/log.h"
#include "core/repeat.h"

#include <stdio.h>
#include <string.h>

wip_channel_t oat_tcp_client_create(const char *fn, const ascii *host, u16 port,
                                    wip_eventHandler_f evh, void *ctx, int opt, va_list *ap)
{
    if (!oat_net_ready(fn))
        return NULL;
    if (!host || !*host || port == 0 || !evh) {
        oat_warn("%s: %s (WIP_CERR_INVALID): no channel", fn,
                 !host || !*host ? "no peer name" : port == 0 ? "peer port 0" : "NULL event handler");
        return NULL;
    }
    char peer[96];
    snprintf(peer, sizeof peer, "%s:%u", host, (unsigned)port);
    oat_repeat_note("connect to", peer);
    oat_dest d;
    oat_dest_resolve(host, port, &d);
    oat_wip_lock();
    oat_chan *c = oat_chan_new(d.module ? &oat_tcp_loop_ops : &oat_tcp_host_ops, evh, ctx, true);
    if (!c) {
        oat_wip_unlock();
        oat_warn("%s: out of memory (WIP_CERR_MEMORY): no channel", fn);
        return NULL;
    }
    if (ap && oat_chan_set_list(c, fn, opt, ap) != 0) {
        oat_chan_discard(c);
        oat_wip_unlock();
        return NULL;
    }
    if (d.module) {
        oat_mport_connect(c, d.port);
    } else {
        oat_fault_attach(c, host, port, d.host, d.port);
        oat_tcp_host_connect(fn, c, d.host, d.port);
    }
    oat_wip_unlock();
    return c;
}

wip_channel_t wip_TCPClientCreate(const ascii *host, u16 port, wip_eventHandler_f evh, void *ctx)
{
    wip_channel_t c = oat_tcp_client_create("wip_TCPClientCreate", host, port, evh, ctx, WIP_COPT_END, NULL);
    OAT_CALL_PTR("wip_TCPClientCreate", c, "\"%s\", %u, %p, %p", host ? host : "(null)",
                 (unsigned)port, (void *)evh, ctx);
    return c;
}

wip_channel_t wip_TCPClientCreateOpts(const ascii *host, u16 port, wip_eventHandler_f evh,
                                      void *ctx, ...)
{
    va_list ap;
    va_start(ap, ctx);
    wip_channel_t c = oat_tcp_client_create("wip_TCPClientCreateOpts", host, port, evh, ctx,
                                    va_arg(ap, int), &ap);
    va_end(ap);
    OAT_CALL_PTR("wip_TCPClientCreateOpts", c, "\"%s\", %u, %p, %p, ...", host ? host : "(null)",
                 (unsigned)port, (void *)evh, ctx);
    return c;
}

/* ---- servers ---- */

int oat_tcp_opt_set(oat_chan *c, int opt, const oat_optval *v)
{
    switch (opt) {
    case WIP_COPT_PORT:                  /* a client's local port, before it connects */
        if (c->state != WIP_CSTATE_BUSY || c->tp)
            return WIP_CERR_CSTATE;
        if (v->num > OAT_PORT_MAX)
            return WIP_CERR_OUT_OF_RANGE;
        c->local_port = (uint16_t)v->num;
        return 0;
    case WIP_COPT_NODELAY: c->nodelay = v->num != 0; return 0;
    case WIP_COPT_KEEPALIVE: c->keepalive = v->num; return 0;
    case WIP_COPT_TTL:
        if (v->num < 1 || v->num > 255)
            return WIP_CERR_OUT_OF_RANGE;
        c->ttl = (uint8_t)v->num;
        return 0;
    case WIP_COPT_TOS:
        if (v->num > 255)
            return WIP_CERR_OUT_OF_RANGE;
        c->tos = (uint8_t)v->num;
        return 0;
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}

void oat_tcp_opts_inherit(oat_chan *to, const oat_chan *from)
{
    to->local_port = from->local_port;
    to->nodelay = from->nodelay;
    to->keepalive = from->keepalive;
    to->ttl = from->ttl;
    to->tos = from->tos;
}

int oat_tcp_opt_get(oat_chan *c, int opt, const oat_optval *v)
{
    switch (opt) {
    case WIP_COPT_NODELAY: *(bool *)v->ptr = c->nodelay; return 0;
    case WIP_COPT_KEEPALIVE: *(u32 *)v->ptr = c->keepalive; return 0;
    case WIP_COPT_TTL: *(u8 *)v->ptr = c->ttl; return 0;
    case WIP_COPT_TOS: *(u8 *)v->ptr = c->tos; return 0;
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}

/* A server only listens: it carries no data. */
static int server_read(oat_chan *c, void *buf, uint32_t len, const oat_peer_opts *peer)
{
    (void)c; (void)buf; (void)len; (void)peer;
    return WIP_CERR_NOT_SUPPORTED;
}

static int server_write(oat_chan *c, const void *buf, uint32_t len, const oat_peer_opts *peer)
{
    (void)c; (void)buf; (void)len; (void)peer;
    return WIP_CERR_NOT_SUPPORTED;
}

static unsigned live_spawns(const oat_chan *server)
{
    unsigned n = 0;
    for (const oat_chan *c = oat_chan_first(); c; c = c->next_all)
        if (c->spawned_from == server && !c->released)
            n++;
    return n;
}

static int server_set_opt(oat_chan *c, int opt, const oat_optval *v)
{
    if (opt == WIP_COPT_PORT)
        return WIP_CERR_NOT_SUPPORTED;   /* the port is the one it listens on */
    if (opt != WIP_COPT_PEND_SRV_MAX)
        return oat_tcp_opt_set(c, opt, v);
    if (v->num < 1 || v->num > 64)
        return WIP_CERR_OUT_OF_RANGE;
    c->pend_max = v->num;
    return 0;
}

static int server_get_opt(oat_chan *c, int opt, const oat_optval *v)
{
    switch (opt) {
    case WIP_COPT_PORT: *(u16 *)v->ptr = c->local_port; return 0;
    case WIP_COPT_PEND_SRV_MAX: *(u32 *)v->ptr = c->pend_max; return 0;
    case WIP_COPT_NREAD:
    case WIP_COPT_NWRITE:
        return WIP_CERR_NOT_SUPPORTED;   /* not stream options here: nothing flows */
    default:
        return oat_tcp_opt_get(c, opt, v);
    }
}

static void server_close(oat_chan *c)
{
    oat_mport_unlisten(c);
    oat_tcp_host_unlisten(c);
    for (oat_chan *s = oat_chan_first(); s; s = s->next_all)
        if (s->spawned_from == c)
            s->spawned_from = NULL;
    oat_chan_release(c);
}

static const oat_chan_ops server_ops = {
    .type = "TCP server",
    .read = server_read,
    .write = server_write,
    .set_opt = server_set_opt,
    .get_opt = server_get_opt,
    .close = server_close,
    .destroy = oat_tcp_host_unlisten,
};

oat_chan *oat_tcp_spawn(oat_chan *server, const oat_chan_ops *ops)
{
    if (server->pend_max && live_spawns(server) >= server->pend_max) {
        oat_info("TCP server on module port %u: %u connections already (WIP_COPT_PEND_SRV_MAX): "
                 "refused", server->local_port, server->pend_max);
        return NULL;
    }
    oat_chan *c = oat_chan_new(ops, server->evh, server->ctx, true);
    if (!c)
        return NULL;
    c->owner = server->owner;
    c->spawned_from = server;
    oat_tcp_opts_inherit(c, server);
    c->snd_lowat = server->snd_lowat;
    c->rcv_lowat = server->rcv_lowat;
    if (oat_ring_resize(&c->snd, server->snd.size) != 0 ||
        oat_ring_resize(&c->rcv, server->rcv.size) != 0) {
        oat_chan_discard(c);
        return NULL;
    }
    return c;
}

oat_chan *oat_tcp_host_server(const char *fn, struct in_addr addr, wip_eventHandler_f evh,
                              void *ctx, uint16_t *host_port)
{
    oat_chan *c = oat_chan_new(&server_ops, evh, ctx, true);
    *host_port = 0;
    int rc = c ? oat_tcp_host_listen_at(c, addr, host_port) : WIP_CERR_MEMORY;
    if (rc != 0) {
        oat_warn("%s: no host listening socket (%s)", fn, oat_cerr_name(rc));
        if (c)
            oat_chan_discard(c);
        return NULL;
    }
    c->state = WIP_CSTATE_READY;
    return c;
}

static wip_channel_t server_create(const char *fn, u16 port, wip_eventHandler_f evh, void *ctx,
                                   int opt, va_list *ap)
{
    if (!oat_net_ready(fn))
        return NULL;
    if (port == 0 || !evh) {
        oat_warn("%s: %s (WIP_CERR_INVALID): no channel", fn,
                 port == 0 ? "port 0" : "NULL spawn event handler");
        return NULL;
    }
    oat_wip_lock();
    oat_chan *c = oat_chan_new(&server_ops, evh, ctx, true);
    if (!c) {
        oat_wip_unlock();
        oat_warn("%s: out of memory (WIP_CERR_MEMORY): no channel", fn);
        return NULL;
    }
    c->local_port = port;
    int rc = ap ? oat_chan_set_list(c, fn, opt, ap) : 0;
    if (rc == 0) {
        rc = oat_mport_listen(c, port);
        if (rc != 0)
            oat_warn("%s: module port %u is already used by another TCP server (%s): no channel",
                     fn, port, oat_cerr_name(rc));
    }
    int host_port = rc == 0 ? oat_expose_host_port(port) : -1;
    if (host_port >= 0) {
        rc = oat_tcp_host_listen(c, (uint16_t)host_port);
        if (rc != 0) {
            oat_warn("%s: module port %u cannot be exposed on host port %u (%s): no channel",
                     fn, port, host_port, oat_cerr_name(rc));
            oat_mport_unlisten(c);
        }
    }
    if (rc != 0) {
        oat_chan_discard(c);
        oat_wip_unlock();
        return NULL;
    }
    c->state = WIP_CSTATE_READY;
    oat_wip_unlock();
    return c;
}

wip_channel_t wip_TCPServerCreate(u16 port, wip_eventHandler_f spawnEvh, void *ctx)
{
    wip_channel_t c = server_create("wip_TCPServerCreate", port, spawnEvh, ctx, WIP_COPT_END, NULL);
    OAT_CALL_PTR("wip_TCPServerCreate", c, "%u, %p, %p", (unsigned)port, (void *)spawnEvh, ctx);
    return c;
}

wip_channel_t wip_TCPServerCreateOpts(u16 port, wip_eventHandler_f spawnEvh, void *ctx, ...)
{
    va_list ap;
    va_start(ap, ctx);
    wip_channel_t c = server_create("wip_TCPServerCreateOpts", port, spawnEvh, ctx,
                                    va_arg(ap, int), &ap);
    va_end(ap);
    OAT_CALL_PTR("wip_TCPServerCreateOpts", c, "%u, %p, %p, ...", (unsigned)port,
                 (void *)spawnEvh, ctx);
    return c;
}
