/* link.c: the module's radio link under a host channel (see link.h): its up and down queues
 * of bytes on the air and the owner-task alarms that move them in emulated time. It never
 * touches a socket: the transport sends the due up bytes and reads what the down queue takes. */
#include "wip/link.h"
#include "core/clock.h"

#include <stdint.h>

#define LINK_RING_SIZE 65536u     /* bytes on the air per direction */
#define LINK_CHUNK 1460u          /* what a shaped link takes from the send buffer at once */

static void up_run(oat_chan *c);
static void down_run(oat_chan *c);

static void dir_init(oat_link_dir *d)
{
    d->head = d->n = 0;
    d->busy_until_us = 0;
    d->armed_us = -1;
    oat_chan_timer_init(&d->timer);
}

int oat_link_init(oat_link *l, oat_chan *c, const oat_link_hooks *hooks)
{
    l->prof = oat_link_profile_now();
    l->hooks = hooks;
    l->jitter_state = 0x9e3779b97f4a7c15ull ^ c->serial;   /* seeded: the same run each time */
    l->end_down = false;
    dir_init(&l->up);
    dir_init(&l->down);
    if (oat_ring_init(&l->up.ring, LINK_RING_SIZE) != 0)
        return -1;
    if (oat_ring_init(&l->down.ring, oat_link_shapes_down(l) ? LINK_RING_SIZE : 1) != 0) {
        oat_ring_free(&l->up.ring);
        return -1;
    }
    c->link = l;
    return 0;
}

void oat_link_free(oat_link *l, oat_chan *c)
{
    oat_chan_timer_stop(&l->up.timer);
    oat_chan_timer_stop(&l->down.timer);
    oat_ring_free(&l->up.ring);
    oat_ring_free(&l->down.ring);
    c->link = NULL;
}

/* The delay one way: RTT/2 plus a deterministic jitter in [0, jitter]. */
static int64_t one_way_us(oat_link *l)
{
    int64_t d = l->prof.rtt_us / 2;
    if (l->prof.jitter_us > 0) {
        l->jitter_state ^= l->jitter_state << 13;
        l->jitter_state ^= l->jitter_state >> 7;
        l->jitter_state ^= l->jitter_state << 17;
        d += (int64_t)(l->jitter_state % (uint64_t)(l->prof.jitter_us + 1));
    }
    return d;
}

static int64_t air_time_us(uint64_t bps, uint32_t bytes)
{
    return bps ? (int64_t)((uint64_t)bytes * 8000000u / bps) : 0;
}

/* Queue n bytes (already in d->ring) due at due_us; never before the bytes ahead of them. */
static void seg_push(oat_link_dir *d, uint32_t n, int64_t due_us)
{
    if (d->n > 0) {
        oat_link_seg *last = &d->seg[(d->head + d->n - 1) % OAT_LINK_SEGS];
        if (due_us <= last->due_us || d->n == OAT_LINK_SEGS) {
            last->len += n;
            if (due_us > last->due_us)
                last->due_us = due_us;
            return;
        }
    }
    d->seg[(d->head + d->n) % OAT_LINK_SEGS] = (oat_link_seg){ n, due_us };
    d->n++;
}

/* Bytes at the head of the queue that are due now. */
static uint32_t seg_due(const oat_link_dir *d, int64_t now)
{
    uint32_t due = 0;
    for (unsigned i = 0; i < d->n; i++) {
        const oat_link_seg *s = &d->seg[(d->head + i) % OAT_LINK_SEGS];
        if (s->due_us > now)
            break;
        due += s->len;
    }
    return due;
}

static void seg_consume(oat_link_dir *d, uint32_t n)
{
    oat_ring_consume(&d->ring, n);
    while (n > 0 && d->n > 0) {
        oat_link_seg *s = &d->seg[d->head];
        uint32_t k = n < s->len ? n : s->len;
        s->len -= k;
        n -= k;
        if (s->len == 0) {
            d->head = (d->head + 1) % OAT_LINK_SEGS;
            d->n--;
        }
    }
}

/* Run fn at at_us unless the direction's timer is due sooner already. */
static void arm(oat_link_dir *d, oat_chan *c, int64_t at_us, void (*fn)(oat_chan *c))
{
    int64_t now = oat_now_us();
    if (at_us < now)
        at_us = now;
    if (d->armed_us >= 0 && d->armed_us <= at_us)
        return;
    uint32_t ms = (uint32_t)((at_us - now + 999) / 1000);
    d->armed_us = oat_chan_timer_start_busy(&d->timer, c, ms, fn) ? at_us : -1;
}

/* ---- up: send buffer -> air -> host socket ---- */

/* The bytes the link may take from the send buffer now: ring room and the peer's window. */
static uint32_t up_intake(oat_link *l, oat_chan *c)
{
    uint32_t window = l->hooks->up_window(c);
    uint32_t room = oat_ring_room(&l->up.ring);
    if (window <= l->up.ring.count)
        return 0;
    window -= l->up.ring.count;
    room = room < window ? room : window;
    return room < c->snd.count ? room : c->snd.count;
}

static void up_arm_next(oat_link *l, oat_chan *c)
{
    int64_t next = INT64_MAX;
    if (up_intake(l, c) > 0)
        next = l->prof.up_bps ? l->up.busy_until_us : 0;
    if (l->up.n > 0 && l->up.seg[l->up.head].due_us > oat_now_us() &&
        l->up.seg[l->up.head].due_us < next)
        next = l->up.seg[l->up.head].due_us;
    if (next != INT64_MAX)
        arm(&l->up, c, next, up_run);
}

/* Between handler runs: the link takes from the send buffer what its rate and the peer's
 * window allow, and the bytes due at the peer go to the socket. */
static void up_run(oat_chan *c)
{
    oat_link *l = c->link;
    if (!l)
        return;
    l->up.armed_us = -1;
    int64_t now = oat_now_us();
    if (!l->prof.up_bps || l->up.busy_until_us <= now) {
        uint32_t want = up_intake(l, c);
        if (l->prof.up_bps && want > LINK_CHUNK)
            want = LINK_CHUNK;
        if (want > 0) {
            l->hooks->up_leaving(c, want);
            uint32_t moved = oat_ring_move(&l->up.ring, &c->snd, want);
            int64_t start = l->up.busy_until_us > now ? l->up.busy_until_us : now;
            l->up.busy_until_us = start + air_time_us(l->prof.up_bps, moved);
            seg_push(&l->up, moved, l->up.busy_until_us + one_way_us(l));
            oat_stream_sent(c);
        }
    }
    l->hooks->send_due(c);
    if (c->link)
        up_arm_next(l, c);
}

void oat_link_up_kick(oat_link *l, oat_chan *c)
{
    up_arm_next(l, c);
}

uint32_t oat_link_up_due(oat_link *l, const uint8_t **p)
{
    uint32_t due = seg_due(&l->up, oat_now_us());
    uint32_t span = oat_ring_peek_span(&l->up.ring, p);
    return due < span ? due : span;
}

void oat_link_up_sent(oat_link *l, oat_chan *c, uint32_t n)
{
    seg_consume(&l->up, n);
    up_arm_next(l, c);
}

uint32_t oat_link_up_pending(const oat_link *l, const oat_chan *c)
{
    return c->snd.count + l->up.ring.count;
}

/* ---- down (shaped): host socket -> air -> receive buffer ---- */

static void down_arm_next(oat_link *l, oat_chan *c)
{
    if (l->down.n > 0 && (oat_ring_room(&c->rcv) > 0 ||
                          l->down.seg[l->down.head].due_us > oat_now_us()))
        arm(&l->down, c, l->down.seg[l->down.head].due_us, down_run);
    else if (l->down.n == 0 && l->end_down)
        arm(&l->down, c, 0, down_run);
}

static void down_run(oat_chan *c)
{
    oat_link *l = c->link;
    if (!l)
        return;
    l->down.armed_us = -1;
    l->hooks->deliver_due(c);
    if (!c->link)
        return;
    if (l->down.ring.count == 0 && l->end_down) {
        l->end_down = false;
        l->hooks->down_end(c);
        return;
    }
    down_arm_next(l, c);
}

uint32_t oat_link_down_due(oat_link *l, const uint8_t **p)
{
    uint32_t due = seg_due(&l->down, oat_now_us());
    uint32_t span = oat_ring_peek_span(&l->down.ring, p);
    return due < span ? due : span;
}

void oat_link_down_taken(oat_link *l, uint32_t n)
{
    seg_consume(&l->down, n);
}

void oat_link_down_cut(oat_link *l, uint32_t keep)
{
    oat_link_dir *d = &l->down;
    if (keep >= d->ring.count)
        return;
    d->ring.count = keep;
    if (keep == 0)
        d->ring.head = 0;
    uint32_t left = keep;
    unsigned n = 0;
    while (n < d->n && left > 0) {
        oat_link_seg *s = &d->seg[(d->head + n) % OAT_LINK_SEGS];
        if (s->len > left)
            s->len = left;
        left -= s->len;
        n++;
    }
    d->n = n;
}

uint32_t oat_link_down_span(oat_link *l, uint8_t **p)
{
    return oat_ring_tail_span(&l->down.ring, p);
}

void oat_link_down_arrived(oat_link *l, oat_chan *c, uint32_t n)
{
    oat_ring_commit(&l->down.ring, n);
    int64_t start = oat_now_us() + one_way_us(l);
    if (start < l->down.busy_until_us)
        start = l->down.busy_until_us;
    l->down.busy_until_us = start + air_time_us(l->prof.down_bps, n);
    seg_push(&l->down, n, l->down.busy_until_us);
    down_arm_next(l, c);
}

void oat_link_down_end(oat_link *l, oat_chan *c)
{
    l->end_down = true;
    down_arm_next(l, c);
}

void oat_link_down_kick(oat_link *l, oat_chan *c)
{
    down_arm_next(l, c);
}
