/* session.c: what the Internet library's session channels share. FTP and POP3: the session
 * channel created over a TCP client to its server and adopted as its inner channel (layer.c),
 * and its end (QUIT, or the connection closed). All: the refusal of bytes on the session
 * itself (they go through data channels), OPEN once logged in (SMTP, FTP, POP3) and the
 * engine run after handlers (SMTP, HTTP). */
#include "wip/wip_internal.h"
#include "core/log.h"
#include "core/sched.h"

#include <stdlib.h>

oat_chan *oat_session_create(const oat_session_kind *k, const char *fn, const ascii *server,
                             wip_eventHandler_f evh, void *ctx, int opt, va_list *ap)
{
    if (!oat_net_ready(fn))
        return NULL;
    if (!server || !*server) {
        oat_warn("%s: no server name (WIP_CERR_INVALID): no channel", fn);
        return NULL;
    }
    oat_chan *s = oat_chan_new_tp(k->ops, evh, ctx, false, k->tp_size, fn);
    if (!s)
        return NULL;
    s->peer_port = k->port;
    k->init(s);
    oat_chan *in = NULL;
    if (!ap || oat_chan_set_list(s, fn, opt, ap) == 0)
        in = oat_tcp_client_create(fn, server, s->peer_port, oat_chan_inner_handler, s,
                                   WIP_COPT_END, NULL);
    if (!in) {
        oat_chan_discard(s);
        return NULL;
    }
    oat_chan_adopt(s, in, fn);
    /* commands wait for their reply: no Nagle delay behind them */
    oat_chan_inner_set_opt(s, WIP_COPT_NODELAY, &(oat_optval){ .num = 1 });
    return s;
}

bool oat_session_may_quit(oat_chan *s, bool alive)
{
    return alive && oat_chan_inner(s) && oat_chan_inner_state(s) == WIP_CSTATE_READY;
}

void oat_session_let_go(oat_chan *s)
{
    if (oat_chan_inner(s))
        oat_chan_close_inner(s);        /* its end releases the session */
    else
        oat_chan_release(s);
}

void oat_session_quit_over(oat_chan *s, oat_chan_timer *timer)
{
    oat_chan_timer_stop(timer);
    oat_chan_close_inner(s);
}

void oat_session_opened(oat_chan *s, bool *opened)
{
    if (*opened)
        return;
    *opened = true;
    s->state = WIP_CSTATE_READY;
    oat_chan_event(s, WIP_CEV_OPEN, 0);
}

int oat_session_no_read(oat_chan *c, void *buf, uint32_t len, const oat_peer_opts *peer)
{
    (void)c; (void)buf; (void)len; (void)peer;
    return WIP_CERR_NOT_SUPPORTED;
}

int oat_session_no_write(oat_chan *c, const void *buf, uint32_t len, const oat_peer_opts *peer)
{
    (void)c; (void)buf; (void)len; (void)peer;
    return WIP_CERR_NOT_SUPPORTED;
}

typedef struct {
    oat_chan *s;
    bool *posted;
    void (*fn)(oat_chan *s);
} session_run;

static void run_event(void *arg)
{
    session_run *r = arg;
    oat_wip_lock();
    if (r->s->tp) {                     /* the reference held keeps the tp block */
        *r->posted = false;
        r->fn(r->s);
    }
    oat_chan_unref(r->s);
    oat_wip_unlock();
    free(r);
}

static void run_drop(void *arg)
{
    session_run *r = arg;
    oat_wip_lock();
    oat_chan_unref(r->s);
    oat_wip_unlock();
    free(r);
}

void oat_session_run_later(oat_chan *s, bool *posted, void (*fn)(oat_chan *s))
{
    if (*posted)
        return;
    session_run *r = malloc(sizeof *r);
    if (!r) {
        oat_warn("session: out of memory to run its engine after the handler (WIP_CERR_MEMORY)");
        return;
    }
    *r = (session_run){ s, posted, fn };
    *posted = true;
    oat_chan_ref(s);
    if (oat_post(s->owner, run_event, r, run_drop) != 0)
        *posted = false;                /* the drop let go of s and r */
}
