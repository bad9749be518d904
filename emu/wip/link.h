/* link.h: the module's radio link under a host channel (link.c, link_config.c). Bytes a
 * wip_write accepted stay in the module's send buffer until the link takes them, which happens
 * only between handler runs (a task alarm of the owner task), at the profile's up rate; they
 * reach the host socket RTT/2 (+ jitter) later. Received bytes reach the receive buffer at the
 * down rate, RTT/2 after the host socket got them. Lock held in every call. */
#ifndef OAT_WIP_LINK_H
#define OAT_WIP_LINK_H

#include "wip/wip_internal.h"

/* A link's figures; 0 rates = no limit (and no shaping of that direction). */
typedef struct {
    uint64_t up_bps, down_bps;
    int64_t rtt_us, jitter_us;
} oat_link_profile;

/* The --link option (registered by wip_options.c, link_config.c): parse, check and store;
 * -1 and one line in err. Reset: lan. */
int oat_link_option_set(const char *value, char *err, size_t errlen);
void oat_link_option_reset(void);
/* The profile a host channel opened now runs over. */
oat_link_profile oat_link_profile_now(void);

/* What the link needs from its transport (owner task, lock held). */
typedef struct oat_link oat_link;
typedef struct {
    /* The bytes the peer lets be on the air (its window; a scripted stall or byte limit),
     * UINT32_MAX for no limit. */
    uint32_t (*up_window)(oat_chan *c);
    void (*up_leaving)(oat_chan *c, uint32_t n);   /* the n bytes at the head of c->snd go */
    void (*send_due)(oat_chan *c);         /* hand the due up bytes to the host socket */
    void (*deliver_due)(oat_chan *c);      /* hand the due down bytes to the receive buffer */
    void (*down_end)(oat_chan *c);         /* the peer's end came through, behind its bytes */
} oat_link_hooks;

#define OAT_LINK_SEGS 64
typedef struct {
    uint32_t len;
    int64_t due_us;
} oat_link_seg;

/* Bytes on the air in one direction, in order, each run of them due at a time. */
typedef struct {
    oat_ring ring;
    oat_link_seg seg[OAT_LINK_SEGS];
    unsigned head, n;
    int64_t busy_until_us;      /* the direction serialises until then */
    int64_t armed_us;           /* its timer's due time, or -1 */
    oat_chan_timer timer;
} oat_link_dir;

struct oat_link {
    oat_link_profile prof;
    const oat_link_hooks *hooks;
    uint64_t jitter_state;
    oat_link_dir up, down;
    bool end_down;              /* the peer's end is queued behind the down bytes */
};

/* c->link = l with the profile of now; 0, or -1 when memory runs out. */
int oat_link_init(oat_link *l, oat_chan *c, const oat_link_hooks *hooks);
/* The transport lets go: timers stop, c->link = NULL, the queues go. */
void oat_link_free(oat_link *l, oat_chan *c);
/* Received bytes are shaped (else the transport hands them to the application directly). */
static inline bool oat_link_shapes_down(const oat_link *l) { return l->prof.down_bps > 0; }

/* Up: the application put bytes in c->snd (or the socket took due bytes): the link takes
 * more after the current handler. */
void oat_link_up_kick(oat_link *l, oat_chan *c);
/* The contiguous span of up bytes due at the peer now, and the bytes the socket took. */
uint32_t oat_link_up_due(oat_link *l, const uint8_t **p);
void oat_link_up_sent(oat_link *l, oat_chan *c, uint32_t n);
/* Up bytes accepted and not yet at the host socket (send buffer included). */
uint32_t oat_link_up_pending(const oat_link *l, const oat_chan *c);

/* Down (shaped links only): room for bytes read from the socket, their arrival, the peer's
 * end behind them; the application read (room in c->rcv). */
uint32_t oat_link_down_span(oat_link *l, uint8_t **p);
void oat_link_down_arrived(oat_link *l, oat_chan *c, uint32_t n);
void oat_link_down_end(oat_link *l, oat_chan *c);
void oat_link_down_kick(oat_link *l, oat_chan *c);
/* The contiguous span of down bytes due at the module now, and the bytes it took. */
uint32_t oat_link_down_due(oat_link *l, const uint8_t **p);
void oat_link_down_taken(oat_link *l, uint32_t n);
/* Only the first keep bytes on the air still come (a scripted reset or close cut them). */
void oat_link_down_cut(oat_link *l, uint32_t keep);
/* Down bytes still on the air (not yet in c->rcv). */
static inline uint32_t oat_link_down_pending(const oat_link *l) { return l->down.ring.count; }

#endif
