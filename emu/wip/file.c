/* file.c: wip_putFile / wip_getFile, the data channels of session channels (SMTP, FTP,
 * HTTP, POP3): the session's type opens the channel for the name given, others refuse loudly;
 * and what every session type shares: no bytes of its own, its engine run after handlers. */
#include "wip/wip_internal.h"
#include "core/calls.h"
#include "core/log.h"

#include <stdlib.h>

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
    if (!r)
        return;
    *r = (session_run){ s, posted, fn };
    *posted = true;
    oat_chan_ref(s);
    if (oat_post(s->owner, run_event, r, run_drop) != 0)
        *posted = false;                /* the drop let go of s and r */
}

static wip_channel_t open_file(bool put, wip_channel_t session, const ascii *name,
                               wip_eventHandler_f evh, void *ctx, int opt, va_list *ap,
                               const char *fn)
{
    int err;
    oat_wip_lock();
    oat_chan *s = oat_chan_check(session, fn, &err);
    oat_chan *d = NULL;
    if (s) {
        oat_chan *(*open)(oat_chan *, const char *, wip_eventHandler_f, void *, int, va_list *,
                          const char *) = put ? s->ops->put_file : s->ops->get_file;
        if (open)
            d = open(s, name, evh, ctx, opt, ap, fn);
        else
            oat_warn("%s: a %s has no %s data channel (WIP_CERR_NOT_SUPPORTED)", fn, s->ops->type,
                     put ? "sending" : "receiving");
    }
    oat_wip_unlock();
    return d;
}

wip_channel_t wip_putFile(wip_channel_t session, const ascii *name, wip_eventHandler_f evh,
                          void *ctx)
{
    wip_channel_t d = open_file(true, session, name, evh, ctx, WIP_COPT_END, NULL, "wip_putFile");
    OAT_CALL_PTR("wip_putFile", d, "%p, \"%s\", %p, %p", (void *)session, name ? name : "(null)",
                 (void *)evh, ctx);
    return d;
}

wip_channel_t wip_putFileOpts(wip_channel_t session, const ascii *name, wip_eventHandler_f evh,
                              void *ctx, ...)
{
    va_list ap;
    va_start(ap, ctx);
    wip_channel_t d = open_file(true, session, name, evh, ctx, va_arg(ap, int), &ap,
                                "wip_putFileOpts");
    va_end(ap);
    OAT_CALL_PTR("wip_putFileOpts", d, "%p, \"%s\", %p, %p, ...", (void *)session,
                 name ? name : "(null)", (void *)evh, ctx);
    return d;
}

wip_channel_t wip_getFile(wip_channel_t session, const ascii *name, wip_eventHandler_f evh,
                          void *ctx)
{
    wip_channel_t d = open_file(false, session, name, evh, ctx, WIP_COPT_END, NULL, "wip_getFile");
    OAT_CALL_PTR("wip_getFile", d, "%p, \"%s\", %p, %p", (void *)session, name ? name : "(null)",
                 (void *)evh, ctx);
    return d;
}

wip_channel_t wip_getFileOpts(wip_channel_t session, const ascii *name, wip_eventHandler_f evh,
                              void *ctx, ...)
{
    va_list ap;
    va_start(ap, ctx);
    wip_channel_t d = open_file(false, session, name, evh, ctx, va_arg(ap, int), &ap,
                                "wip_getFileOpts");
    va_end(ap);
    OAT_CALL_PTR("wip_getFileOpts", d, "%p, \"%s\", %p, %p, ...", (void *)session,
                 name ? name : "(null)", (void *)evh, ctx);
    return d;
}
