/* layer.c: layered channels, the idea of lwIP's altcp: a channel that runs over another one
 * (SSL over TCP, SMTP over SSL or TCP) adopts it as its inner channel, and the core carries
 * the inner channel's events, options, close, abort and end to the outer. The inner channel
 * is never seen by the application: its handler is the core's, and only its outer closes it.
 * Lock held in every call but the handler. */
#include "wip/wip_internal.h"
#include "core/log.h"

void oat_chan_inner_handler(wip_event_t *ev, void *ctx)
{
    oat_chan *outer = ctx;
    oat_wip_lock();
    /* Only the outer's inner of now: a channel it let go of says nothing to it. */
    if (outer->inner == ev->channel) {
        oat_chan_ref(outer);
        if (outer->ops->inner_event)
            outer->ops->inner_event(outer, ev);
        /* An outer the application closed waits for nothing more from an inner in error (a
         * QUIT's reply, records to send): the inner goes, and its end releases the outer. */
        if (ev->kind == WIP_CEV_ERROR && outer->app_closed && outer->inner == ev->channel)
            oat_chan_close_inner(outer);
        oat_chan_unref(outer);
    }
    oat_wip_unlock();
}

void oat_chan_adopt(oat_chan *outer, oat_chan *inner, const char *fn)
{
    OAT_ASSERT_HELD(WIP);
    if (inner->outer)
        inner->outer->inner = NULL;         /* outer now runs between them */
    inner->outer = outer;
    inner->evh = oat_chan_inner_handler;
    inner->ctx = outer;
    outer->inner = inner;
    outer->host = inner->host;
    if (outer->stream && inner->stream &&
        (oat_ring_resize(&inner->snd, outer->snd.size) != 0 ||
         oat_ring_resize(&inner->rcv, outer->rcv.size) != 0))
        oat_warn("%s: out of memory for the buffers; the defaults stay", fn);
}

void oat_chan_inner_snd_extra(oat_chan *outer, uint32_t extra, const char *fn)
{
    oat_chan *in = outer->inner;
    if (in && in->stream && oat_ring_resize(&in->snd, outer->snd.size + extra) != 0)
        oat_warn("%s: out of memory for the send buffer; the default stays", fn);
}

oat_chan *oat_chan_inner(const oat_chan *outer)
{
    return outer->inner;
}

/* The inner channel while its outer may still use it. */
static oat_chan *open_inner(const oat_chan *outer)
{
    OAT_ASSERT_HELD(WIP);
    oat_chan *in = outer->inner;
    return in && !in->app_closed ? in : NULL;
}

wip_cstate_t oat_chan_inner_state(const oat_chan *outer)
{
    oat_chan *in = open_inner(outer);
    return in ? in->state : WIP_CSTATE_BUSY;
}

int oat_chan_inner_read(oat_chan *outer, void *buf, uint32_t len)
{
    oat_chan *in = open_inner(outer);
    if (!in)
        return 0;
    return in->ops->read ? in->ops->read(in, buf, len, NULL) : oat_stream_read(in, buf, len);
}

int oat_chan_inner_write(oat_chan *outer, const void *buf, uint32_t len)
{
    oat_chan *in = open_inner(outer);
    if (!in)
        return 0;
    return in->ops->write ? in->ops->write(in, buf, len, NULL) : oat_stream_write(in, buf, len);
}

int oat_chan_inner_set_opt(oat_chan *outer, int opt, const oat_optval *v)
{
    oat_chan *in = open_inner(outer);
    return in && in->ops->set_opt ? in->ops->set_opt(in, opt, v) : WIP_CERR_NOT_SUPPORTED;
}

int oat_chan_inner_get_opt(oat_chan *outer, int opt, const oat_optval *v)
{
    oat_chan *in = open_inner(outer);
    return in && in->ops->get_opt ? in->ops->get_opt(in, opt, v) : WIP_CERR_NOT_SUPPORTED;
}

void oat_chan_close_inner(oat_chan *outer)
{
    OAT_ASSERT_HELD(WIP);
    oat_chan *in = open_inner(outer);
    if (in)
        oat_chan_close(in);
}

void oat_chan_abort_inner(oat_chan *outer)
{
    OAT_ASSERT_HELD(WIP);
    oat_chan *in = open_inner(outer);
    if (!in)
        return;
    if (!in->released && in->ops->abort)
        in->ops->abort(in);
    oat_chan_close(in);
}

void oat_chan_let_go_inner(oat_chan *outer)
{
    oat_chan *in = outer->inner;
    if (!in)
        return;
    outer->inner = NULL;
    in->outer = NULL;           /* its end no longer releases the outer */
    if (!in->app_closed)
        oat_chan_close(in);
}

void oat_chan_inner_gone(oat_chan *outer)
{
    OAT_ASSERT_HELD(WIP);
    outer->inner = NULL;
    oat_chan_release(outer);
}
