/* stream.c: the byte-stream rules of behaviour §4, shared by TCP (host and module
 * loopback), spawned and SSL channels: wip_write takes what fits in the send buffer, WRITE
 * fires only after a short write once SND_LOWAT bytes are free, READ is edge-triggered and
 * re-armed when the application empties the receive buffer, buffered bytes stay readable
 * after the peer closed. The transport moves bytes between the rings and the wire. */
#include "wip/wip_internal.h"
#include "core/log.h"

int oat_stream_write(oat_chan *c, const void *buf, uint32_t len)
{
    if (c->state != WIP_CSTATE_READY || c->wr_shut) {
        oat_warn("wip_write: the channel is %s (WIP_CERR_CSTATE)",
                 c->state == WIP_CSTATE_BUSY ? "not open yet"
                 : c->wr_shut ? "shut for writing" : "closed by the peer or failed");
        return WIP_CERR_CSTATE;
    }
    if (c->ops->write_check && c->ops->write_check(c) < 0)
        return WIP_CERR_CSTATE;            /* the ERROR event tells why */
    /* Never more than the send buffer's room, however fast the wire takes it. */
    uint32_t room = oat_ring_room(&c->snd);
    uint32_t n = oat_ring_put(&c->snd, buf, len < room ? len : room);
    if (n < len)
        c->write_wanted = true;
    if (c->snd.count > 0 && c->ops->kick)
        c->ops->kick(c);
    else
        oat_stream_sent(c);
    return (int)n;
}

int oat_stream_read(oat_chan *c, void *buf, uint32_t len)
{
    bool readable_state = c->state == WIP_CSTATE_READY ||
                          (c->state == WIP_CSTATE_TO_CLOSE && c->last_error == 0);
    if (!readable_state || c->rd_shut) {
        oat_warn("wip_read: the channel is %s (WIP_CERR_CSTATE)",
                 c->state == WIP_CSTATE_BUSY ? "not open yet"
                 : c->rd_shut ? "shut for reading" : "in error");
        return WIP_CERR_CSTATE;
    }
    uint32_t n = oat_ring_get(&c->rcv, buf, len);
    bool drained = c->rcv.count == 0;
    if (n < len && drained && c->ops->recv_now) {
        uint32_t more = len - n < c->rcv.size ? len - n : c->rcv.size;
        int got = c->ops->recv_now(c, (uint8_t *)buf + n, more);
        if (got < 0)
            return n > 0 ? (int)n : WIP_CERR_CSTATE;
        n += (uint32_t)got;
        drained = (uint32_t)got < more;          /* the wire had no more */
    }
    bool rearm = drained && !c->read_armed;
    if (rearm)
        c->read_armed = true;
    if ((n > 0 || rearm) && c->ops->kick)
        c->ops->kick(c);               /* room again, or a READ to wait for: watch the wire */
    return (int)n;
}

void oat_stream_received(oat_chan *c)
{
    uint32_t avail = c->ops->readable ? c->ops->readable(c) : c->rcv.count;
    if (c->read_armed && avail >= c->rcv_lowat && avail > 0) {
        c->read_armed = false;
        oat_chan_event(c, WIP_CEV_READ, 0);
    }
}

void oat_stream_sent(oat_chan *c)
{
    if (c->write_wanted && c->state == WIP_CSTATE_READY &&
        oat_ring_room(&c->snd) >= c->snd_lowat) {
        c->write_wanted = false;
        oat_chan_event(c, WIP_CEV_WRITE, 0);
    }
}

static int resize(oat_chan *c, oat_ring *r, uint32_t size, uint32_t *lowat)
{
    if (size < OAT_WIP_BUF_MIN || size > OAT_WIP_BUF_MAX)
        return WIP_CERR_OUT_OF_RANGE;
    if (oat_ring_resize(r, size) != 0)
        return size < r->count ? WIP_CERR_CSTATE : WIP_CERR_MEMORY;
    if (*lowat > size)
        *lowat = size;
    if (c->ops->kick)
        c->ops->kick(c);
    return 0;
}

int oat_stream_set_opt(oat_chan *c, int opt, const oat_optval *v)
{
    switch (opt) {
    case WIP_COPT_SND_BUFSIZE:
        return resize(c, &c->snd, v->num, &c->snd_lowat);
    case WIP_COPT_RCV_BUFSIZE:
        return resize(c, &c->rcv, v->num, &c->rcv_lowat);
    case WIP_COPT_SND_LOWAT:
        if (v->num < 1 || v->num > c->snd.size)
            return WIP_CERR_OUT_OF_RANGE;
        c->snd_lowat = v->num;
        oat_stream_sent(c);
        return 0;
    case WIP_COPT_RCV_LOWAT:
        if (v->num < 1 || v->num > c->rcv.size)
            return WIP_CERR_OUT_OF_RANGE;
        c->rcv_lowat = v->num;
        if (c->ops->kick)
            c->ops->kick(c);
        oat_stream_received(c);
        return 0;
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}

int oat_stream_get_opt(oat_chan *c, int opt, const oat_optval *v)
{
    switch (opt) {
    case WIP_COPT_SND_BUFSIZE: *(u32 *)v->ptr = c->snd.size; return 0;
    case WIP_COPT_RCV_BUFSIZE: *(u32 *)v->ptr = c->rcv.size; return 0;
    case WIP_COPT_SND_LOWAT: *(u32 *)v->ptr = c->snd_lowat; return 0;
    case WIP_COPT_RCV_LOWAT: *(u32 *)v->ptr = c->rcv_lowat; return 0;
    case WIP_COPT_NREAD:
        *(u32 *)v->ptr = c->ops->readable ? c->ops->readable(c) : c->rcv.count;
        return 0;
    case WIP_COPT_NWRITE: *(u32 *)v->ptr = oat_ring_room(&c->snd); return 0;
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}
