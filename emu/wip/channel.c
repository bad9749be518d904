/* channel.c: the life of every WIP channel: creation, handle checks, event posting and
 * delivery in the owner task, close / abort / shutdown, references and the finalizer, and
 * the public calls common to all channel types (wip_read, wip_write, wip_close, ...). */
#include "wip/wip_internal.h"
#include "wip/pcap.h"
#include "core/calls.h"
#include "core/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define CHAN_MAGIC 0x43484e4cu   /* "CHNL" */

/* Recursive: an event refused by a stopping task is dropped (and unreferenced) inside the
 * oat_post call that holds the lock. */
static pthread_mutex_t wip_mu = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static oat_chan *all_chans;
static unsigned next_serial;

void oat_wip_lock(void)
{
    OAT_LOCK(&wip_mu, WIP);
}

void oat_wip_unlock(void)
{
    OAT_UNLOCK(&wip_mu, WIP);
}

oat_chan *oat_chan_first(void)
{
    return all_chans;
}

const char *oat_chan_name(const oat_chan *c, char *buf, size_t len)
{
    snprintf(buf, len, "%s #%u", c->ops->type, c->serial);
    return buf;
}

oat_chan *oat_chan_new(const oat_chan_ops *ops, wip_eventHandler_f evh, void *ctx, bool stream)
{
    oat_chan *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->magic = CHAN_MAGIC;
    c->ops = ops;
    c->owner = oat_task_owner();
    c->evh = evh;
    c->ctx = ctx;
    c->state = WIP_CSTATE_BUSY;
    c->refs = 2;
    c->ttl = 64;
    c->serial = ++next_serial;
    c->stream = stream;
    if (stream) {
        if (oat_ring_init(&c->snd, OAT_WIP_BUF_DEFAULT) != 0 ||
            oat_ring_init(&c->rcv, OAT_WIP_BUF_DEFAULT) != 0) {
            oat_ring_free(&c->snd);
            free(c);
            return NULL;
        }
        c->snd_lowat = OAT_WIP_SND_LOWAT_DEFAULT;
        c->rcv_lowat = 1;
        c->read_armed = true;
    }
    c->next_all = all_chans;
    all_chans = c;
    return c;
}

oat_chan *oat_chan_new_tp(const oat_chan_ops *ops, wip_eventHandler_f evh, void *ctx,
                          bool stream, size_t tp_size, const char *fn)
{
    oat_chan *c = oat_chan_new(ops, evh, ctx, stream);
    void *tp = c ? calloc(1, tp_size) : NULL;
    if (!tp) {
        if (c)
            oat_chan_discard(c);
        oat_warn("%s: out of memory (WIP_CERR_MEMORY): no channel", fn);
        return NULL;
    }
    c->tp = tp;
    return c;
}

static bool chan_listed(const oat_chan *c)
{
    for (const oat_chan *it = all_chans; it; it = it->next_all)
        if (it == c)
            return true;
    return false;
}

oat_chan *oat_chan_check(wip_channel_t c, const char *fn, int *err)
{
    if (!c) {
        oat_warn("%s: NULL channel (WIP_CERR_INVALID)", fn);
        *err = WIP_CERR_INVALID;
        return NULL;
    }
    if (!chan_listed(c) || c->magic != CHAN_MAGIC) {
        oat_warn("%s: %p is not a channel (closed and released, or never created): WIP_CERR_INVALID",
                 fn, (void *)c);
        *err = WIP_CERR_INVALID;
        return NULL;
    }
    if (c->app_closed) {
        char name[48];
        oat_warn("%s: %s was closed by the application (WIP_CERR_INVALID)", fn,
                 oat_chan_name(c, name, sizeof name));
        *err = WIP_CERR_INVALID;
        return NULL;
    }
    return c;
}

/* ---- references and the finalizer ---- */

static void chan_free(oat_chan *c)
{
    oat_pcap_chan_gone(c);
    if (c->ops->destroy)
        c->ops->destroy(c);
    oat_ring_free(&c->snd);
    oat_ring_free(&c->rcv);
    c->magic = 0;
    free(c);
}

static void chan_unlink(oat_chan *c)
{
    for (oat_chan **p = &all_chans; *p; p = &(*p)->next_all) {
        if (*p == c) {
            *p = c->next_all;
            return;
        }
    }
}

static void finalize_event(void *arg)
{
    oat_chan *c = arg;
    char name[48];
    oat_chan_name(c, name, sizeof name);
    OAT_EVENT("finalizer of %s, ctx %p", name, c->ctx);
    c->finalizer(c->ctx);
    oat_wip_lock();
    chan_free(c);
    oat_wip_unlock();
}

static void finalize_drop(void *arg)
{
    oat_wip_lock();
    chan_free(arg);
    oat_wip_unlock();
}

static void chan_unref(oat_chan *c)
{
    OAT_ASSERT_HELD(WIP);
    if (--c->refs > 0)
        return;
    chan_unlink(c);
    oat_chan *outer = c->outer;
    if (c->finalizer)
        oat_task_defer_close(c->owner, finalize_event, c, finalize_drop);
    else
        chan_free(c);
    if (outer)
        oat_chan_inner_gone(outer);
}

void oat_chan_ref(oat_chan *c)
{
    OAT_ASSERT_HELD(WIP);
    c->refs++;
}

void oat_chan_unref(oat_chan *c)
{
    chan_unref(c);
}

void oat_chan_release(oat_chan *c)
{
    if (c->released)
        return;
    c->released = true;
    chan_unref(c);
}

void oat_chan_discard(oat_chan *c)
{
    chan_unlink(c);
    chan_free(c);
}

/* ---- events ---- */

typedef struct {
    oat_chan *c;
    wip_event_kind_t kind;
    s32 errnum;
    bool ping_timeout;
    u16 ping_idx;
    u32 ping_time;
} chan_event;

static void event_drop(void *arg)
{
    chan_event *e = arg;
    oat_wip_lock();
    chan_unref(e->c);
    oat_wip_unlock();
    free(e);
}

/* Fill the event as the application sees it; false when it has become pointless (the
 * channel was closed, a READ finds nothing left to read, a WRITE finds the space taken
 * again by writes made since it was posted: it is then armed again). */
static bool event_prepare(const chan_event *e, wip_event_t *ev)
{
    oat_chan *c = e->c;
    if (c->app_closed || c->aborted)
        return false;
    ev->kind = e->kind;
    ev->channel = c;
    switch (e->kind) {
    case WIP_CEV_READ: {
        uint32_t n = c->ops->readable ? c->ops->readable(c) : c->rcv.count;
        if (n == 0) {
            c->read_armed = true;
            return false;
        }
        ev->content.read.readable = n;
        break;
    }
    case WIP_CEV_WRITE:
        if (c->stream && oat_ring_room(&c->snd) < c->snd_lowat) {
            c->write_wanted = true;          /* the space went again: wait for it */
            return false;
        }
        ev->content.write.writable = c->stream ? oat_ring_room(&c->snd) : 0;
        break;
    case WIP_CEV_ERROR:
        ev->content.error.errnum = e->errnum;
        break;
    case WIP_CEV_PING:
        ev->content.ping.timeout = e->ping_timeout;
        ev->content.ping.packet_idx = e->ping_idx;
        ev->content.ping.time = e->ping_time;
        break;
    default:
        break;
    }
    return true;
}

static void event_deliver(void *arg)
{
    chan_event *e = arg;
    wip_event_t ev = { 0 };
    oat_wip_lock();
    bool go = event_prepare(e, &ev);
    wip_eventHandler_f evh = e->c->evh;
    void *ctx = e->c->ctx;
    char name[48] = "";
    if (oat_calls_enabled)
        oat_chan_name(e->c, name, sizeof name);
    oat_wip_unlock();
    if (go && evh) {
        if (ev.kind == WIP_CEV_PING)
            OAT_EVENT("WIP_CEV_PING on %s (timeout %d, packet_idx %u, time %u ms), ctx %p", name,
                      (int)ev.content.ping.timeout, (unsigned)ev.content.ping.packet_idx,
                      (unsigned)ev.content.ping.time, ctx);
        else
            OAT_EVENT("%s on %s (readable %u, writable %u, errnum %d), ctx %p",
                      oat_cev_name(ev.kind), name,
                      ev.kind == WIP_CEV_READ ? (unsigned)ev.content.read.readable : 0u,
                      ev.kind == WIP_CEV_WRITE ? (unsigned)ev.content.write.writable : 0u,
                      ev.kind == WIP_CEV_ERROR ? (int)ev.content.error.errnum : 0, ctx);
        evh(&ev, ctx);
    }
    oat_wip_lock();
    chan_unref(e->c);
    oat_wip_unlock();
    free(e);
}

static void post_event(oat_chan *c, const chan_event *proto)
{
    OAT_ASSERT_HELD(WIP);
    if (c->app_closed || c->aborted)
        return;
    chan_event *e = malloc(sizeof *e);
    if (!e) {
        oat_warn("WIP: out of host memory, a %s is lost", oat_cev_name(proto->kind));
        return;
    }
    *e = *proto;
    c->refs++;
    oat_post(c->owner, event_deliver, e, event_drop);
}

void oat_chan_event(oat_chan *c, wip_event_kind_t kind, s32 errnum)
{
    post_event(c, &(chan_event){ .c = c, .kind = kind, .errnum = errnum });
}

void oat_chan_ping(oat_chan *c, bool timeout, u16 idx, u32 time_ms)
{
    post_event(c, &(chan_event){ .c = c, .kind = WIP_CEV_PING, .ping_timeout = timeout,
                                 .ping_idx = idx, .ping_time = time_ms });
}

void oat_chan_opened(oat_chan *c)
{
    if (c->state != WIP_CSTATE_BUSY || c->app_closed)
        return;
    c->state = WIP_CSTATE_READY;
    oat_chan_event(c, WIP_CEV_OPEN, 0);
    oat_chan_event(c, WIP_CEV_WRITE, 0);
}

void oat_chan_fail(oat_chan *c, s32 errnum)
{
    if (c->last_error != 0 || c->app_closed)
        return;
    c->last_error = errnum;
    c->state = WIP_CSTATE_TO_CLOSE;
    oat_chan_event(c, WIP_CEV_ERROR, errnum);
}

void oat_chan_peer_ended(oat_chan *c, wip_event_kind_t kind)
{
    if (c->peer_closed)
        return;
    c->peer_closed = true;
    if (c->last_error != 0 || c->app_closed)
        return;
    c->state = WIP_CSTATE_TO_CLOSE;
    oat_chan_event(c, kind, 0);
}

void oat_chan_peer_closed(oat_chan *c)
{
    oat_chan_peer_ended(c, WIP_CEV_PEER_CLOSE);
}

void oat_chan_network_lost(void)
{
    for (oat_chan *c = all_chans; c; c = c->next_all)
        if (c->host && !c->released && c->state != WIP_CSTATE_TO_CLOSE)
            oat_chan_fail(c, WIP_CERR_NETWORK_UNREACHABLE);
}

/* ---- public calls ---- */

/* wip_read / wip_write and their Opts forms: checks shared, then the channel type (or the
 * stream rules). rbuf for a read, wbuf for a write. */
static int chan_io(wip_channel_t ch, bool write, void *rbuf, const void *wbuf, u32 len,
                   const oat_peer_opts *peer, const char *fn)
{
    int rc;
    oat_wip_lock();
    oat_chan *c = oat_chan_check(ch, fn, &rc);
    if (c && !(write ? wbuf : rbuf) && len > 0) {
        oat_warn("%s: NULL buffer for %u bytes (WIP_CERR_INVALID)", fn, (unsigned)len);
        rc = WIP_CERR_INVALID;
    } else if (c && c->aborted) {
        oat_warn("%s: the channel was aborted (WIP_CERR_ABORTED); close it", fn);
        rc = WIP_CERR_ABORTED;
    } else if (c) {
        if (write)
            rc = c->ops->write ? c->ops->write(c, wbuf, len, peer)
                 : peer && peer->n ? WIP_CERR_NOT_SUPPORTED : oat_stream_write(c, wbuf, len);
        else
            rc = c->ops->read ? c->ops->read(c, rbuf, len, peer)
                 : peer && peer->n ? WIP_CERR_NOT_SUPPORTED : oat_stream_read(c, rbuf, len);
        if (rc == WIP_CERR_NOT_SUPPORTED)
            oat_warn("%s: %s cannot be %s (WIP_CERR_NOT_SUPPORTED)", fn, c->ops->type,
                     write ? "written" : "read");
    }
    oat_wip_unlock();
    return rc;
}

int wip_read(wip_channel_t c, void *buf, u32 len)
{
    int rc = chan_io(c, false, buf, NULL, len, NULL, "wip_read");
    OAT_CALL_RET("wip_read", rc, rc < 0 ? oat_cerr_name(rc) : NULL, "%p, %p, %u", (void *)c, buf,
                 (unsigned)len);
    return rc;
}

int wip_write(wip_channel_t c, const void *buf, u32 len)
{
    int rc = chan_io(c, true, NULL, buf, len, NULL, "wip_write");
    OAT_CALL_RET("wip_write", rc, rc < 0 ? oat_cerr_name(rc) : NULL, "%p, %p, %u", (void *)c, buf,
                 (unsigned)len);
    return rc;
}

int wip_readOpts(wip_channel_t c, void *buf, u32 len, ...)
{
    va_list ap;
    va_start(ap, len);
    oat_peer_opts peer;
    int rc = oat_peer_opts_fetch(&peer, true, "wip_readOpts", &ap);
    va_end(ap);
    if (rc == 0)
        rc = chan_io(c, false, buf, NULL, len, &peer, "wip_readOpts");
    OAT_CALL_RET("wip_readOpts", rc, rc < 0 ? oat_cerr_name(rc) : NULL, "%p, %p, %u, ...",
                 (void *)c, buf, (unsigned)len);
    return rc;
}

int wip_writeOpts(wip_channel_t c, const void *buf, u32 len, ...)
{
    va_list ap;
    va_start(ap, len);
    oat_peer_opts peer;
    int rc = oat_peer_opts_fetch(&peer, false, "wip_writeOpts", &ap);
    va_end(ap);
    if (rc == 0)
        rc = chan_io(c, true, NULL, buf, len, &peer, "wip_writeOpts");
    OAT_CALL_RET("wip_writeOpts", rc, rc < 0 ? oat_cerr_name(rc) : NULL, "%p, %p, %u, ...",
                 (void *)c, buf, (unsigned)len);
    return rc;
}

void oat_chan_close(oat_chan *c)
{
    OAT_ASSERT_HELD(WIP);
    c->app_closed = true;
    c->state = WIP_CSTATE_BUSY;
    if (!c->released)
        c->ops->close(c);
    chan_unref(c);
}

/* The handle dies now, the transport finishes later. */
static int chan_close(wip_channel_t ch)
{
    int rc = 0;
    oat_wip_lock();
    oat_chan *c = oat_chan_check(ch, "wip_close", &rc);
    if (c)
        oat_chan_close(c);
    oat_wip_unlock();
    return rc;
}

/* The connection is reset now; the handle stays until wip_close, silent, and reads and
 * writes answer WIP_CERR_ABORTED. */
static int chan_abort(wip_channel_t ch)
{
    int rc = 0;
    oat_wip_lock();
    oat_chan *c = oat_chan_check(ch, "wip_abort", &rc);
    if (c && !c->ops->abort) {
        oat_warn("wip_abort: %s cannot be aborted (WIP_CERR_NOT_SUPPORTED)", c->ops->type);
        rc = WIP_CERR_NOT_SUPPORTED;
    } else if (c && !c->aborted) {
        c->aborted = true;
        c->state = WIP_CSTATE_TO_CLOSE;
        if (!c->released)
            c->ops->abort(c);
    }
    oat_wip_unlock();
    return rc;
}

int wip_close(wip_channel_t c)
{
    int rc = chan_close(c);
    OAT_CALL_RET("wip_close", rc, rc < 0 ? oat_cerr_name(rc) : NULL, "%p", (void *)c);
    return rc;
}

int wip_abort(wip_channel_t c)
{
    int rc = chan_abort(c);
    OAT_CALL_RET("wip_abort", rc, rc < 0 ? oat_cerr_name(rc) : NULL, "%p", (void *)c);
    return rc;
}

int wip_shutdown(wip_channel_t ch, bool read, bool write)
{
    int rc;
    oat_wip_lock();
    oat_chan *c = oat_chan_check(ch, "wip_shutdown", &rc);
    if (c && !c->ops->shutdown) {
        oat_warn("wip_shutdown: %s has no half-close (WIP_CERR_NOT_SUPPORTED)", c->ops->type);
        rc = WIP_CERR_NOT_SUPPORTED;
    } else if (c && c->state != WIP_CSTATE_READY && c->state != WIP_CSTATE_TO_CLOSE) {
        oat_warn("wip_shutdown: the channel is not open (WIP_CERR_CSTATE)");
        rc = WIP_CERR_CSTATE;
    } else if (c) {
        rc = c->ops->shutdown(c, read, write);
    }
    oat_wip_unlock();
    OAT_CALL_RET("wip_shutdown", rc, rc < 0 ? oat_cerr_name(rc) : NULL, "%p, %d, %d", (void *)ch,
                 (int)read, (int)write);
    return rc;
}

int wip_setOpts(wip_channel_t ch, ...)
{
    int rc;
    va_list ap;
    va_start(ap, ch);
    oat_wip_lock();
    oat_chan *c = oat_chan_check(ch, "wip_setOpts", &rc);
    if (c)
        rc = oat_chan_set_list(c, "wip_setOpts", va_arg(ap, int), &ap);
    oat_wip_unlock();
    va_end(ap);
    OAT_CALL_RET("wip_setOpts", rc, rc < 0 ? oat_cerr_name(rc) : NULL, "%p, ...", (void *)ch);
    return rc;
}

int wip_getOpts(wip_channel_t ch, ...)
{
    int rc;
    va_list ap;
    va_start(ap, ch);
    oat_wip_lock();
    oat_chan *c = oat_chan_check(ch, "wip_getOpts", &rc);
    if (c)
        rc = oat_chan_get_list(c, "wip_getOpts", va_arg(ap, int), &ap);
    oat_wip_unlock();
    va_end(ap);
    OAT_CALL_RET("wip_getOpts", rc, rc < 0 ? oat_cerr_name(rc) : NULL, "%p, ...", (void *)ch);
    return rc;
}

wip_cstate_t wip_getState(wip_channel_t ch)
{
    int rc;
    oat_wip_lock();
    oat_chan *c = oat_chan_check(ch, "wip_getState", &rc);
    wip_cstate_t st = c ? c->state : WIP_CSTATE_BUSY;
    oat_wip_unlock();
    OAT_CALL_RET("wip_getState", st, NULL, "%p", (void *)ch);
    return st;
}

void wip_setCtx(wip_channel_t ch, void *ctx)
{
    int rc;
    oat_wip_lock();
    oat_chan *c = oat_chan_check(ch, "wip_setCtx", &rc);
    if (c)
        c->ctx = ctx;
    oat_wip_unlock();
    OAT_CALL_VOID("wip_setCtx", "%p, %p", (void *)ch, ctx);
}

void oat_chan_reset(bool module_stop)
{
    if (module_stop) {
        for (oat_chan *c = all_chans; c; c = c->next_all)
            c->app_closed = true;           /* the tasks are gone: post nothing */
        while (all_chans) {
            oat_chan *c = all_chans;
            all_chans = c->next_all;
            chan_free(c);
        }
        return;
    }
    /* From the head each time: ending one channel may free another (an SSL channel and
     * the TCP channel under it). An inner channel goes with its outer, unless that one is
     * finishing already. */
    for (;;) {
        oat_chan *c = all_chans;
        while (c && (c->app_closed || (c->outer && !c->outer->app_closed)))
            c = c->next_all;
        if (!c)
            break;
        c->app_closed = true;
        c->finalizer = NULL;
        if (!c->released && c->ops->abort && !c->aborted)
            c->ops->abort(c);
        else if (!c->released)
            c->ops->close(c);
        chan_unref(c);
    }
}
