/* ring.c: fixed-size byte rings, the send and receive buffers of stream channels. A ring
 * never grows by itself: what does not fit is refused, which is the module's rule. */
#include "wip/wip_internal.h"

#include <stdlib.h>
#include <string.h>

int oat_ring_init(oat_ring *r, uint32_t size)
{
    r->data = malloc(size);
    r->size = r->data ? size : 0;
    r->head = r->count = 0;
    return r->data ? 0 : -1;
}

int oat_ring_resize(oat_ring *r, uint32_t size)
{
    if (size < r->count)
        return -1;
    uint8_t *data = malloc(size);
    if (!data)
        return -1;
    uint32_t n = r->count;
    oat_ring_get(r, data, n);
    free(r->data);
    r->data = data;
    r->size = size;
    r->head = 0;
    r->count = n;
    return 0;
}

void oat_ring_free(oat_ring *r)
{
    free(r->data);
    r->data = NULL;
    r->size = r->head = r->count = 0;
}

uint32_t oat_ring_peek_span(const oat_ring *r, const uint8_t **p)
{
    *p = r->data + r->head;
    uint32_t to_end = r->size - r->head;
    return r->count < to_end ? r->count : to_end;
}

uint32_t oat_ring_tail_span(oat_ring *r, uint8_t **p)
{
    if (r->size == 0) {
        *p = r->data;
        return 0;
    }
    uint32_t tail = (r->head + r->count) % r->size;
    *p = r->data + tail;
    uint32_t to_end = r->size - tail;
    uint32_t room = oat_ring_room(r);
    return room < to_end ? room : to_end;
}

void oat_ring_consume(oat_ring *r, uint32_t n)
{
    r->head = r->size ? (r->head + n) % r->size : 0;
    r->count -= n;
    if (r->count == 0)
        r->head = 0;
}

void oat_ring_commit(oat_ring *r, uint32_t n)
{
    r->count += n;
}

uint32_t oat_ring_put(oat_ring *r, const void *src, uint32_t len)
{
    const uint8_t *s = src;
    uint32_t done = 0;
    while (done < len) {
        uint8_t *p;
        uint32_t span = oat_ring_tail_span(r, &p);
        if (span == 0)
            break;
        if (span > len - done)
            span = len - done;
        memcpy(p, s + done, span);
        oat_ring_commit(r, span);
        done += span;
    }
    return done;
}

uint32_t oat_ring_get(oat_ring *r, void *dst, uint32_t len)
{
    uint8_t *d = dst;
    uint32_t done = 0;
    while (done < len) {
        const uint8_t *p;
        uint32_t span = oat_ring_peek_span(r, &p);
        if (span == 0)
            break;
        if (span > len - done)
            span = len - done;
        memcpy(d + done, p, span);
        oat_ring_consume(r, span);
        done += span;
    }
    return done;
}

uint32_t oat_ring_move(oat_ring *to, oat_ring *from, uint32_t len)
{
    uint32_t done = 0;
    while (done < len) {
        const uint8_t *p;
        uint32_t span = oat_ring_peek_span(from, &p);
        if (span > len - done)
            span = len - done;
        uint32_t put = oat_ring_put(to, p, span);
        oat_ring_consume(from, put);
        done += put;
        if (put == 0 || put < span)
            break;
    }
    return done;
}
