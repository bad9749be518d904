/* ftp_data.c: one transfer of the FTP client: the data channel the application reads or
 * writes (stream rules), over the data connection it adopts (layer.c): a host TCP client to
 * the server's passive port, or in active mode the first connection a host listening socket
 * accepts. Type 'A' converts line ends as the module's WIP does for an application: CRLF on
 * the wire, LF for the application (a download's CRLF becomes LF; an upload's lone LF
 * becomes CRLF, a CRLF stays). Type 'I' moves the bytes as they are. */
#include "wip/ftp_internal.h"
#include "wip_ftp.h"
#include "core/log.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static bool ascii_mode(const ftp_data_tp *dt)
{
    return dt->type == 'A';
}

/* A download piece, CRLF made LF (a CR at the end waits for the next piece); returns the
 * bytes written to out (at most len + 1). */
static size_t from_wire(ftp_data_tp *dt, const uint8_t *in, size_t len, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = in[i];
        if (dt->cr_pending) {
            dt->cr_pending = false;
            if (b == '\n') {
                out[o++] = '\n';
                continue;
            }
            out[o++] = '\r';
        }
        if (b == '\r')
            dt->cr_pending = true;
        else
            out[o++] = b;
    }
    return o;
}

/* An upload piece, a lone LF made CRLF; out holds 2 * len. */
static size_t to_wire(ftp_data_tp *dt, const uint8_t *in, size_t len, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (in[i] == '\n' && !dt->prev_cr)
            out[o++] = '\r';
        out[o++] = in[i];
        dt->prev_cr = in[i] == '\r';
    }
    return o;
}

static void wire_finished(ftp_data_tp *dt)
{
    if (dt->wire_done)
        return;
    dt->wire_done = true;
    if (dt->session)
        oat_ftp_data_finished(dt->session);
}

/* Download: bytes from the data connection into the receive ring while it has room. */
static void pull(oat_chan *d, ftp_data_tp *dt)
{
    uint8_t in[4096], out[4096 + 1];
    while (!dt->wire_done) {
        uint32_t room = oat_ring_room(&d->rcv);
        if (room < 2)
            break;
        uint32_t want = room - 1 < sizeof in ? room - 1 : (uint32_t)sizeof in;
        int n = oat_chan_inner_read(d, in, want);
        if (n <= 0) {
            if (n == 0 && oat_chan_inner_state(d) == WIP_CSTATE_TO_CLOSE) {
                if (dt->cr_pending)
                    oat_ring_put(&d->rcv, "\r", 1);
                dt->cr_pending = false;
                oat_stream_received(d);
                wire_finished(dt);
                return;
            }
            break;
        }
        if (ascii_mode(dt))
            oat_ring_put(&d->rcv, out, (uint32_t)from_wire(dt, in, (size_t)n, out));
        else
            oat_ring_put(&d->rcv, in, (uint32_t)n);
    }
    oat_stream_received(d);
}

/* Upload: the send ring into the data connection as it takes it; after wip_close and the
 * last byte, the data connection closes (the end of the file for the server). */
static void push(oat_chan *d, ftp_data_tp *dt)
{
    for (;;) {
        while (dt->tx_len > 0) {
            int n = oat_chan_inner_write(d, dt->tx, (uint32_t)dt->tx_len);
            if (n <= 0)
                break;
            memmove(dt->tx, dt->tx + n, dt->tx_len - (size_t)n);
            dt->tx_len -= (size_t)n;
        }
        if (dt->tx_len > 0 || d->snd.count == 0)
            break;
        uint8_t in[sizeof dt->tx / 2];
        uint32_t k = oat_ring_get(&d->snd, in, sizeof in);
        if (ascii_mode(dt)) {
            dt->tx_len = to_wire(dt, in, k, dt->tx);
        } else {
            memcpy(dt->tx, in, k);
            dt->tx_len = k;
        }
    }
    oat_stream_sent(d);
    if (dt->ended && d->snd.count == 0 && dt->tx_len == 0 && !dt->wire_done) {
        oat_chan_close_inner(d);        /* the FIN ends the file */
        wire_finished(dt);
    }
}

static void pump(oat_chan *d)
{
    ftp_data_tp *dt = d->tp;
    if (!dt || !dt->connected || !dt->opened || !dt->session)
        return;
    if (dt->put)
        push(d, dt);
    else
        pull(d, dt);
}

void oat_ftp_data_open(oat_chan *d)
{
    ftp_data_tp *dt = d->tp;
    dt->opened = true;
    if (!d->app_closed && dt->put) {
        oat_chan_opened(d);             /* OPEN, then WRITE */
    } else if (!d->app_closed) {
        d->state = WIP_CSTATE_READY;
        oat_chan_event(d, WIP_CEV_OPEN, 0);
    }
    pump(d);                            /* after an early wip_close: the end of the upload */
}

static void connected(ftp_data_tp *dt)
{
    dt->connected = true;
    if (dt->session)
        oat_ftp_data_connected(dt->session);
}

static void data_inner_event(oat_chan *d, const wip_event_t *ev)
{
    ftp_data_tp *dt = d->tp;
    if (!dt || !dt->session)
        return;
    oat_chan_ref(d);                    /* the end of the transfer may let go of it */
    switch (ev->kind) {
    case WIP_CEV_OPEN:
        connected(dt);
        break;
    case WIP_CEV_READ:
    case WIP_CEV_WRITE:
        pump(d);
        break;
    case WIP_CEV_PEER_CLOSE:
        if (dt->put) {                  /* the server stopped taking the file */
            ((ftp_tp *)dt->session->tp)->wire_err = WIP_CERR_PIPE_BROKEN;
            wire_finished(dt);
        } else {
            pump(d);
        }
        break;
    case WIP_CEV_ERROR:
        ((ftp_tp *)dt->session->tp)->wire_err = ev->content.error.errnum < 0
                                                    ? ev->content.error.errnum
                                                    : WIP_CERR_PIPE_BROKEN;
        wire_finished(dt);
        break;
    default:
        break;
    }
    oat_chan_unref(d);
}

bool oat_ftp_data_connect(oat_chan *d, const char *host, uint16_t port, const char *fn)
{
    oat_chan *in = oat_chan_new(&oat_tcp_host_ops, oat_chan_inner_handler, d, true);
    if (!in) {
        oat_warn("%s: out of memory for the data connection", fn);
        return false;
    }
    oat_tcp_host_connect(fn, in, host, port);
    oat_chan_adopt(d, in, fn);
    return true;
}

/* The data channel a listener's ctx names, if it is still there and waits for it. */
static oat_chan *waiting_for(void *ctx, const oat_chan *listener)
{
    for (oat_chan *c = oat_chan_first(); c; c = c->next_all)
        if (c == ctx && c->ops == &oat_ftp_data_ops && c->tp &&
            ((ftp_data_tp *)c->tp)->listener == listener && listener)
            return c;
    return NULL;
}

/* Events of the connections the listening socket accepted (owner task, no lock): the
 * first one becomes the data connection, any other is closed. */
static void accepted(wip_event_t *ev, void *ctx)
{
    if (ev->kind != WIP_CEV_OPEN)
        return;                         /* the listener's own, or after the first one */
    oat_wip_lock();
    oat_chan *spawn = ev->channel;
    oat_chan *d = waiting_for(ctx, spawn->spawned_from);
    if (d) {
        ftp_data_tp *dt = d->tp;
        oat_chan *listener = dt->listener;
        dt->listener = NULL;
        oat_chan_adopt(d, spawn, "FTP active data connection");
        oat_chan_close(listener);
        connected(dt);
    } else if (!spawn->app_closed) {
        oat_chan_close(spawn);
    }
    oat_wip_unlock();
}

bool oat_ftp_data_listen(oat_chan *d, struct in_addr *addr, uint16_t *port, const char *fn)
{
    ftp_data_tp *dt = d->tp;
    char local[64];
    if (oat_chan_inner_get_opt(dt->session, WIP_COPT_STRADDR,
                               &(oat_optval){ .buf = local, .len = sizeof local }) != 0 ||
        inet_pton(AF_INET, local, addr) != 1) {
        oat_warn("%s: active mode needs an IPv4 control connection on the host network", fn);
        return false;
    }
    dt->listener = oat_tcp_host_server(fn, *addr, accepted, d, port);
    return dt->listener != NULL;
}

/* The listener closes unless it is gone already (wip_netExit closes every channel, a
 * module stop frees them in any order). */
static void close_listener(ftp_data_tp *dt)
{
    oat_chan *l = dt->listener;
    dt->listener = NULL;
    for (oat_chan *c = oat_chan_first(); l && c; c = c->next_all)
        if (c == l && !c->app_closed) {
            oat_chan_close(l);
            return;
        }
}

void oat_ftp_data_detach(oat_chan *d)
{
    ftp_data_tp *dt = d->tp;
    close_listener(dt);
    if (!oat_chan_inner(d))
        oat_chan_release(d);
    else if (d->last_error != 0)
        oat_chan_abort_inner(d);
    else
        oat_chan_close_inner(d);     /* its end releases the data channel */
}

/* ---- the data channel ---- */

static void data_kick(oat_chan *d)
{
    pump(d);
}

/* wip_close: an upload ends once its bytes are sent; a download still running stops (the
 * data connection closes; the server's reply ends the transfer). */
static void data_close(oat_chan *d)
{
    ftp_data_tp *dt = d->tp;
    if (!dt->session) {
        oat_ftp_data_detach(d);
        return;
    }
    if (dt->put) {
        dt->ended = true;
        pump(d);
    } else if (!dt->wire_done) {
        oat_chan_close_inner(d);
        wire_finished(dt);
    }
}

static int data_set_opt(oat_chan *d, int opt, const oat_optval *v)
{
    ftp_data_tp *dt = d->tp;
    if (opt != WIP_COPT_TYPE)
        return WIP_CERR_NOT_SUPPORTED;
    if (dt->session)
        return WIP_CERR_CSTATE;         /* with wip_getFileOpts / wip_putFileOpts only */
    return oat_ftp_type_opt(v->num, &dt->type);
}

static int data_get_opt(oat_chan *d, int opt, const oat_optval *v)
{
    ftp_data_tp *dt = d->tp;
    if (opt == WIP_COPT_TYPE) {
        *(u32 *)v->ptr = (u32)dt->type;
        return 0;
    }
    if (opt == WIP_COPT_FTP_STATUS_CODE && dt->session)
        return oat_ftp_status_code(dt->session, v);
    return WIP_CERR_NOT_SUPPORTED;
}

static void data_destroy(oat_chan *d)
{
    ftp_data_tp *dt = d->tp;
    if (!dt)
        return;
    if (dt->session) {
        ftp_tp *t = dt->session->tp;
        if (t && t->data == d)
            t->data = NULL;
    }
    close_listener(dt);
    free(dt->path);
    free(dt);
    d->tp = NULL;
}

const oat_chan_ops oat_ftp_data_ops = {
    .type = "FTP data",
    .set_opt = data_set_opt,
    .get_opt = data_get_opt,
    .kick = data_kick,
    .close = data_close,
    .destroy = data_destroy,
    .inner_event = data_inner_event,
};
