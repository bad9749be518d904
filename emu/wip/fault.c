/* fault.c: the scripted faults of one host connection (spec: fault_option.c): byte counts
 * against the reset / close / TLS alert limits, the stall, and the timed faults as task
 * alarms on the channel's owner task (emulated time; they never hold the virtual clock for
 * host time, unlike a channel timer). The transport asks and acts (tcp_host.c, ssl.c). */
#include "wip/fault.h"
#include "wip/wip_internal.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/task_alarm.h"

#include <stdio.h>
#include <stdlib.h>

typedef enum { SHOT_CONNECT, SHOT_STALL_END, SHOT_DROP_BEARER } shot_kind;

struct oat_fault_conn {
    oat_chan *c;            /* NULL once the channel went: queued shots do nothing */
    int refs;               /* the channel + each shot queued */
    oat_fault_spec spec;
    char peer[280];         /* "name:port" for traces */
    void (*connect)(oat_chan *c);
    uint64_t sent, recvd, tls_sent;
    bool stalled, reset_done, close_done, tls_done;
    uint32_t close_readable;    /* after the close: what is left to read */
};

typedef struct {
    oat_fault_conn *fc;
    shot_kind kind;
} shot;

static void conn_unref(oat_fault_conn *fc)
{
    if (--fc->refs == 0)
        free(fc);
}

void oat_fault_attach(oat_chan *c, const char *app_name, uint16_t app_port, const char *addr,
                      uint16_t port)
{
    oat_fault_spec spec;
    if (!oat_fault_spec_find(app_name, app_port, addr, port, &spec))
        return;
    oat_fault_conn *fc = calloc(1, sizeof *fc);
    if (!fc) {
        oat_warn("fault: out of host memory: %s:%u connects without its faults", app_name,
                 app_port);
        return;
    }
    *fc = (oat_fault_conn){ .c = c, .refs = 1, .spec = spec };
    snprintf(fc->peer, sizeof fc->peer, "%s:%u", app_name, app_port);
    c->fault = fc;
}

void oat_fault_detach(oat_chan *c)
{
    oat_fault_conn *fc = c->fault;
    if (!fc)
        return;
    fc->c = NULL;
    c->fault = NULL;
    conn_unref(fc);
}

/* ---- timed faults ---- */

static bool usable(const oat_chan *c)
{
    return c && !c->released && !c->app_closed && c->last_error == 0;
}

static void shot_run(void *arg)
{
    shot *s = arg;
    bool drop = false;
    oat_wip_lock();
    oat_fault_conn *fc = s->fc;
    oat_chan *c = fc->c;
    if (usable(c)) {
        switch (s->kind) {
        case SHOT_CONNECT:
            if (fc->spec.refuse) {
                oat_info("fault: %s: the connect is refused (%s)", fc->peer,
                         oat_cerr_name(WIP_CERR_REFUSED));
                oat_chan_fail(c, WIP_CERR_REFUSED);
            } else {
                fc->connect(c);
            }
            break;
        case SHOT_STALL_END:
            oat_info("fault: %s: the peer reads again", fc->peer);
            fc->stalled = false;
            c->ops->kick(c);
            break;
        case SHOT_DROP_BEARER:
            oat_info("fault: %s: the bearer goes down", fc->peer);
            drop = true;
            break;
        }
    }
    conn_unref(fc);
    oat_wip_unlock();
    free(s);
    if (drop)
        oat_bearer_drop_connected();    /* takes the WIP lock itself */
}

static void shot_drop(void *arg)
{
    shot *s = arg;
    oat_wip_lock();
    conn_unref(s->fc);
    oat_wip_unlock();
    free(s);
}

static bool shoot(oat_fault_conn *fc, shot_kind kind, int64_t after_us)
{
    shot *s = malloc(sizeof *s);
    if (!s)
        return false;
    *s = (shot){ fc, kind };
    fc->refs++;
    if (!oat_task_alarm_start(fc->c->owner, oat_now_us() + after_us, shot_run, shot_drop, s)) {
        fc->refs--;
        free(s);
        return false;
    }
    return true;
}

int oat_fault_connect(oat_chan *c, void (*connect)(oat_chan *c))
{
    oat_fault_conn *fc = c->fault;
    if (!fc)
        return 0;
    if (fc->spec.lookup_fail) {
        oat_info("fault: %s: the name lookup fails (%s)", fc->peer,
                 oat_cerr_name(WIP_CERR_DNS_FAILURE));
        return WIP_CERR_DNS_FAILURE;
    }
    if (fc->spec.connect_delay_us > 0) {
        fc->connect = connect;
        if (shoot(fc, SHOT_CONNECT, fc->spec.connect_delay_us)) {
            oat_info("fault: %s: the connect waits %lld ms", fc->peer,
                     (long long)(fc->spec.connect_delay_us / 1000));
            return 1;
        }
        oat_warn("fault: %s: out of host memory: the connect is not delayed", fc->peer);
    }
    if (fc->spec.refuse) {
        oat_info("fault: %s: the connect is refused (%s)", fc->peer,
                 oat_cerr_name(WIP_CERR_REFUSED));
        return WIP_CERR_REFUSED;
    }
    return 0;
}

void oat_fault_opened(oat_chan *c)
{
    oat_fault_conn *fc = c->fault;
    if (!fc)
        return;
    if (fc->spec.stall_us > 0 && shoot(fc, SHOT_STALL_END, fc->spec.stall_us)) {
        oat_info("fault: %s: the peer stops reading for %lld ms", fc->peer,
                 (long long)(fc->spec.stall_us / 1000));
        fc->stalled = true;
    }
    if (fc->spec.drop_bearer_us >= 0 && !shoot(fc, SHOT_DROP_BEARER, fc->spec.drop_bearer_us))
        oat_warn("fault: %s: out of host memory: the bearer does not drop", fc->peer);
}

/* ---- byte counts ---- */

static uint64_t counted(const oat_fault_conn *fc, unsigned dirs)
{
    return (dirs & OAT_FAULT_SENT ? fc->sent : 0) + (dirs & OAT_FAULT_RECV ? fc->recvd : 0);
}

/* What a limit still lets through in direction dir (UINT32_MAX: no limit). */
static uint32_t limit_room(const oat_fault_conn *fc, const oat_fault_limit *l, unsigned dir)
{
    if (l->n < 0 || !(l->dirs & dir))
        return UINT32_MAX;
    uint64_t used = counted(fc, l->dirs);
    uint64_t left = used >= (uint64_t)l->n ? 0 : (uint64_t)l->n - used;
    return left < UINT32_MAX ? (uint32_t)left : UINT32_MAX - 1;
}

static uint32_t min_room(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

uint32_t oat_fault_send_room(oat_chan *c)
{
    oat_fault_conn *fc = c->fault;
    if (!fc)
        return UINT32_MAX;
    if (fc->stalled)
        return 0;
    uint32_t room = fc->reset_done ? UINT32_MAX : limit_room(fc, &fc->spec.reset, OAT_FAULT_SENT);
    return fc->close_done ? room : min_room(room, limit_room(fc, &fc->spec.close, OAT_FAULT_SENT));
}

uint32_t oat_fault_recv_room(oat_chan *c)
{
    oat_fault_conn *fc = c->fault;
    if (!fc)
        return UINT32_MAX;
    if (fc->close_done)
        return fc->close_readable;
    return min_room(limit_room(fc, &fc->spec.reset, OAT_FAULT_RECV),
                    limit_room(fc, &fc->spec.close, OAT_FAULT_RECV));
}

static bool reached(const oat_fault_conn *fc, const oat_fault_limit *l)
{
    return l->n >= 0 && counted(fc, l->dirs) >= (uint64_t)l->n;
}

static const char *dirs_name(unsigned dirs)
{
    return dirs == OAT_FAULT_SENT ? "sent" : dirs == OAT_FAULT_RECV ? "received"
                                                                    : "sent and received";
}

static oat_fault_act after_bytes(oat_fault_conn *fc)
{
    if (!fc->reset_done && reached(fc, &fc->spec.reset)) {
        fc->reset_done = true;
        oat_info("fault: %s: the peer resets the connection after %lld bytes %s (%s)",
                 fc->peer, (long long)fc->spec.reset.n, dirs_name(fc->spec.reset.dirs),
                 oat_cerr_name(WIP_CERR_PIPE_BROKEN));
        return OAT_FAULT_RESET;
    }
    if (!fc->close_done && reached(fc, &fc->spec.close)) {
        fc->close_done = true;
        oat_info("fault: %s: the peer closes the connection after %lld bytes %s", fc->peer,
                 (long long)fc->spec.close.n, dirs_name(fc->spec.close.dirs));
        return OAT_FAULT_CLOSE;
    }
    return OAT_FAULT_GO_ON;
}

oat_fault_act oat_fault_sent(oat_chan *c, uint32_t n)
{
    oat_fault_conn *fc = c->fault;
    if (!fc)
        return OAT_FAULT_GO_ON;
    fc->sent += n;
    return after_bytes(fc);
}

oat_fault_act oat_fault_received(oat_chan *c, uint32_t n)
{
    oat_fault_conn *fc = c->fault;
    if (!fc)
        return OAT_FAULT_GO_ON;
    fc->recvd += n;
    if (fc->close_done)
        fc->close_readable -= n < fc->close_readable ? n : fc->close_readable;
    return after_bytes(fc);
}

void oat_fault_closed(oat_chan *c, uint32_t readable)
{
    oat_fault_conn *fc = c->fault;
    if (fc)
        fc->close_readable = min_room(readable, min_room(
            limit_room(fc, &fc->spec.reset, OAT_FAULT_RECV),
            limit_room(fc, &fc->spec.close, OAT_FAULT_RECV)));
}

bool oat_fault_tls_written(oat_chan *c, uint32_t n)
{
    oat_fault_conn *fc = c ? c->fault : NULL;
    if (!fc || fc->tls_done || fc->spec.tls_alert_after < 0)
        return false;
    fc->tls_sent += n;
    if (fc->tls_sent < (uint64_t)fc->spec.tls_alert_after)
        return false;
    fc->tls_done = true;
    oat_info("fault: %s: the peer aborts the TLS session with an alert after %lld bytes "
             "written", fc->peer, (long long)fc->spec.tls_alert_after);
    return true;
}
