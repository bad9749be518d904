/* loopback.c: the module's own network (behaviour §3). WIP TCP servers listen on module
 * ports; a client connecting to 127.0.0.1:<port> is paired in memory with a channel the
 * server spawns. Bytes move from one side's send ring straight into the other side's
 * receive ring, so both sides' buffers count exactly as on the module: a server that does
 * not read stops the client after send + receive buffer bytes. */
#include "wip/wip_internal.h"
#include "core/log.h"

#include <stdlib.h>

typedef struct {
    oat_chan *peer;          /* NULL once the other side is gone */
    bool fin_wanted;         /* closed or shut for writing: FIN once the ring is empty */
    bool fin_sent;
} pair_tp;

typedef struct port_entry {
    uint16_t port;
    oat_chan *server;
    struct port_entry *next;
} port_entry;

static port_entry *ports;

int oat_mport_listen(oat_chan *server, uint16_t port)
{
    for (port_entry *e = ports; e; e = e->next)
        if (e->port == port)
            return WIP_CERR_PORT_IN_USE;
    port_entry *e = malloc(sizeof *e);
    if (!e)
        return WIP_CERR_MEMORY;
    *e = (port_entry){ port, server, ports };
    ports = e;
    return 0;
}

void oat_mport_unlisten(oat_chan *server)
{
    for (port_entry **p = &ports; *p; p = &(*p)->next) {
        if ((*p)->server == server) {
            port_entry *e = *p;
            *p = e->next;
            free(e);
            return;
        }
    }
}

void oat_mport_reset(void)
{
    while (ports) {
        port_entry *e = ports;
        ports = e->next;
        free(e);
    }
}

static pair_tp *pair_of(oat_chan *c)
{
    return c->tp;
}

/* Move from's pending bytes to its peer; then its FIN once everything went. */
static void transfer(oat_chan *from)
{
    pair_tp *t = pair_of(from);
    oat_chan *to = t->peer;
    if (from->snd.count > 0) {
        uint32_t moved;
        if (!to || to->app_closed || to->rd_shut) {
            moved = from->snd.count;            /* nobody reads any more: dropped */
            oat_ring_consume(&from->snd, moved);
        } else {
            moved = oat_ring_move(&to->rcv, &from->snd, from->snd.count);
            if (moved)
                oat_stream_received(to);
        }
        if (moved)
            oat_stream_sent(from);
    }
    if (t->fin_wanted && !t->fin_sent && from->snd.count == 0) {
        t->fin_sent = true;
        if (to)
            oat_chan_peer_closed(to);
    }
    if (from->app_closed && t->fin_sent)
        oat_chan_release(from);
}

static void pair_kick(oat_chan *c)
{
    pair_tp *t = pair_of(c);
    oat_chan *peer = t ? t->peer : NULL;
    if (!t || c->released)
        return;
    transfer(c);
    if (peer && !peer->released)
        transfer(peer);
}

static void pair_close(oat_chan *c)
{
    pair_tp *t = pair_of(c);
    if (!t || c->last_error != 0) {
        oat_chan_release(c);
        return;
    }
    t->fin_wanted = true;
    pair_kick(c);
}

static int pair_abort(oat_chan *c)
{
    pair_tp *t = pair_of(c);
    oat_ring_consume(&c->snd, c->snd.count);
    if (t && t->peer && !t->fin_sent)
        oat_chan_fail(t->peer, WIP_CERR_PIPE_BROKEN);
    if (t)
        t->fin_sent = t->fin_wanted = true;
    oat_chan_release(c);
    return 0;
}

static int pair_shutdown(oat_chan *c, bool rd, bool wr)
{
    pair_tp *t = pair_of(c);
    if (rd && !c->rd_shut) {
        c->rd_shut = true;
        oat_ring_consume(&c->rcv, c->rcv.count);
    }
    if (wr && !c->wr_shut) {
        c->wr_shut = true;
        t->fin_wanted = true;
    }
    pair_kick(c);
    return 0;
}

static int pair_get_opt(oat_chan *c, int opt, const oat_optval *v)
{
    if (!oat_addr_opt(opt))
        return oat_tcp_opt_get(c, opt, v);
    if (!pair_of(c))
        return WIP_CERR_CSTATE;
    struct sockaddr_in local = { .sin_family = AF_INET, .sin_port = htons(c->local_port),
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct sockaddr_in peer = local;
    peer.sin_port = htons(c->peer_port);
    return oat_addr_get_opt(opt, (struct sockaddr *)&local, (struct sockaddr *)&peer, v);
}

static void pair_destroy(oat_chan *c)
{
    pair_tp *t = pair_of(c);
    if (!t)
        return;
    if (t->peer) {
        pair_tp *pt = pair_of(t->peer);
        pt->peer = NULL;
        if (!t->fin_sent)
            oat_chan_peer_closed(t->peer);
    }
    free(t);
    c->tp = NULL;
}

const oat_chan_ops oat_tcp_loop_ops = {
    .type = "TCP loopback",
    .set_opt = oat_tcp_opt_set,
    .get_opt = pair_get_opt,
    .kick = pair_kick,
    .close = pair_close,
    .shutdown = pair_shutdown,
    .abort = pair_abort,
    .destroy = pair_destroy,
};

/* ---- connecting, after the creating handler returned ---- */

static uint16_t next_ephemeral = 49152;

static void connect_event(void *arg)
{
    oat_chan *c = arg;
    oat_wip_lock();
    uint16_t port = c->peer_port;
    oat_chan *server = NULL;
    for (port_entry *e = ports; e; e = e->next)
        if (e->port == port)
            server = e->server;
    if (c->app_closed || c->released) {
        /* closed before it connected: nothing to do */
    } else if (!server) {
        oat_info("TCP loopback: nothing listens on module port %u: WIP_CERR_REFUSED", port);
        oat_chan_fail(c, WIP_CERR_REFUSED);
    } else {
        oat_chan *s = oat_tcp_spawn(server, &oat_tcp_loop_ops);
        pair_tp *ct = calloc(1, sizeof *ct), *st = calloc(1, sizeof *st);
        if (!s || !ct || !st) {
            free(ct);
            free(st);
            if (s)
                oat_chan_discard(s);
            oat_chan_fail(c, s ? WIP_CERR_MEMORY : WIP_CERR_REFUSED);
        } else {
            ct->peer = s;
            st->peer = c;
            c->tp = ct;
            s->tp = st;
            if (c->local_port == 0) {
                c->local_port = next_ephemeral++;
                if (next_ephemeral == 0)
                    next_ephemeral = 49152;
            }
            s->local_port = port;
            c->peer_port = port;
            s->peer_port = c->local_port;
            oat_chan_opened(c);
            oat_chan_opened(s);
        }
    }
    oat_chan_unref(c);
    oat_wip_unlock();
}

static void connect_drop(void *arg)
{
    oat_wip_lock();
    oat_chan_unref(arg);
    oat_wip_unlock();
}

void oat_mport_connect(oat_chan *client, uint16_t port)
{
    client->peer_port = port;
    oat_chan_ref(client);
    oat_post(client->owner, connect_event, client, connect_drop);
}
