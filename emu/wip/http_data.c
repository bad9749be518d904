/* http_data.c: one request of the HTTP client, its data channel: the options of the request
 * (method, headers, body encoding, redirects), the body the application writes (stream
 * rules: short writes, WRITE after a short write) framed as chunks or counted against its
 * Content-Length, the end of the body (wip_shutdown(write) or wip_close), and the response's
 * status and headers for wip_getOpts. */
#include "wip/http_internal.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool flush(oat_chan *s, uint8_t *buf, size_t *len)
{
    int n;
    while (*len > 0 && (n = oat_http_conn_write(s, buf, *len)) > 0) {
        memmove(buf, buf + n, *len - (size_t)n);
        *len -= (size_t)n;
    }
    return *len == 0;
}

/* The next body bytes from the send ring, framed, into tx. */
static void fill_tx(oat_chan *d, http_data_tp *dt)
{
    uint8_t raw[OAT_HTTP_TX];
    uint32_t want = sizeof raw;
    if (dt->has_length && dt->length - dt->sent < want)
        want = (uint32_t)(dt->length - dt->sent);
    uint32_t n = oat_ring_get(&d->snd, raw, want);
    if (n == 0)
        return;
    dt->sent += n;
    if (dt->chunked) {
        dt->tx_len = oat_http_chunk_head(n, (char *)dt->tx);
        memcpy(dt->tx + dt->tx_len, raw, n);
        memcpy(dt->tx + dt->tx_len + n, OAT_HTTP_CHUNK_TAIL, 2);
        dt->tx_len += n + 2;
    } else {
        memcpy(dt->tx, raw, n);
        dt->tx_len = n;
    }
    oat_stream_sent(d);
}

void oat_http_send_request(oat_chan *s, oat_chan *d)
{
    http_data_tp *dt = d->tp;
    while (dt->head_off < dt->head_len) {
        int n = oat_http_conn_write(s, dt->head + dt->head_off, dt->head_len - dt->head_off);
        if (n <= 0)
            return;
        dt->head_off += (size_t)n;
    }
    if (!dt->body) {
        dt->last_sent = true;
        dt->phase = REQ_RESPONSE;
        return;
    }
    if (d->state == WIP_CSTATE_BUSY && !d->app_closed)
        oat_chan_opened(d);             /* OPEN, WRITE: the body is the application's */
    while (flush(s, dt->tx, &dt->tx_len) && d->snd.count > 0 &&
           (!dt->has_length || dt->sent < dt->length))
        fill_tx(d, dt);
    if (!dt->body_ended || dt->tx_len > 0 || (d->snd.count > 0 && !dt->has_length))
        return;
    if (dt->has_length && (dt->sent != dt->length || d->snd.count > 0)) {
        oat_warn("HTTP data: %llu body bytes for a Content-Length of %llu: the request is "
                 "dropped (WIP_HTTP_ERR_LENGTH)",
                 (unsigned long long)(dt->sent + d->snd.count), (unsigned long long)dt->length);
        oat_http_abandon(s, s->tp);
        oat_chan_fail(d, WIP_HTTP_ERR_LENGTH);
        return;
    }
    if (dt->chunked) {
        memcpy(dt->tx, OAT_HTTP_LAST_CHUNK, sizeof OAT_HTTP_LAST_CHUNK - 1);
        dt->tx_len = sizeof OAT_HTTP_LAST_CHUNK - 1;
        flush(s, dt->tx, &dt->tx_len);
    }
    dt->last_sent = true;
    dt->phase = REQ_RESPONSE;
}

/* ---- the data channel ---- */

static void data_kick(oat_chan *d)
{
    http_data_tp *dt = d->tp;
    if (dt && dt->session)
        oat_http_post_pump(dt->session);
}

/* wip_close: a body still open ends there and the response is read and dropped (the
 * session gets DONE, its WIP_COPT_HTTP_STATUS_CODE the code); any other request in
 * progress is abandoned with its connection. */
static void data_close(oat_chan *d)
{
    http_data_tp *dt = d->tp;
    oat_chan *s = dt->session;
    if (!s) {
        oat_chan_release(d);
        return;
    }
    if (dt->body && !dt->body_ended && dt->phase != REQ_RESPONSE) {
        dt->body_ended = true;
        oat_http_post_pump(s);
        return;
    }
    oat_http_abandon(s, s->tp);
}

static int data_shutdown(oat_chan *d, bool rd, bool wr)
{
    http_data_tp *dt = d->tp;
    if (rd)
        d->rd_shut = true;
    if (wr && !d->wr_shut) {
        d->wr_shut = true;
        dt->body_ended = true;
        if (dt->session)
            oat_http_post_pump(dt->session);
    }
    return 0;
}

static int data_abort(oat_chan *d)
{
    http_data_tp *dt = d->tp;
    if (dt->session)
        oat_http_abandon(dt->session, dt->session->tp);
    return 0;
}

static int data_set_opt(oat_chan *d, int opt, const oat_optval *v)
{
    http_data_tp *dt = d->tp;
    if (dt->session)
        return WIP_CERR_CSTATE;         /* a request's options come with wip_*FileOpts */
    switch (opt) {
    case WIP_COPT_HTTP_METHOD:
        if (v->num > WIP_HTTP_METHOD_DELETE)
            return WIP_CERR_OUT_OF_RANGE;
        dt->method = (int)v->num;
        return 0;
    case WIP_COPT_HTTP_HEADER: return oat_http_headers_set(&dt->headers, v->str, v->str2, true);
    case WIP_COPT_HTTP_DATA_ENCOD: dt->chunked = v->num != 0; return 0;
    case WIP_COPT_HTTP_FOLLOW_REDIRECT: dt->follow = v->num != 0; return 0;
    default: return WIP_CERR_NOT_SUPPORTED;
    }
}

static int data_get_opt(oat_chan *d, int opt, const oat_optval *v)
{
    http_data_tp *dt = d->tp;
    switch (opt) {
    case WIP_COPT_HTTP_METHOD: *(u32 *)v->ptr = (u32)dt->method; return 0;
    case WIP_COPT_HTTP_DATA_ENCOD: *(bool *)v->ptr = dt->chunked; return 0;
    case WIP_COPT_HTTP_FOLLOW_REDIRECT: *(bool *)v->ptr = dt->follow; return 0;
    default: break;
    }
    if (!dt->rsp.headers_done)
        return WIP_CERR_CSTATE;         /* no response yet */
    switch (opt) {
    case WIP_COPT_HTTP_STATUS_CODE: *(s32 *)v->ptr = dt->rsp.code; return 0;
    case WIP_COPT_HTTP_STATUS_REASON:
        if (strlen(dt->rsp.reason) >= v->len)
            return WIP_CERR_OUT_OF_RANGE;
        snprintf(v->buf, v->len, "%s", dt->rsp.reason);
        return 0;
    case WIP_COPT_HTTP_HEADER: {
        int n = oat_http_headers_get(&dt->rsp.headers, v->str, v->buf, v->len);
        if (n < 0)
            v->buf[0] = '\0';
        return n == -1 ? WIP_CERR_INVALID : n == -2 ? WIP_CERR_OUT_OF_RANGE : 0;
    }
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}

static void data_destroy(oat_chan *d)
{
    http_data_tp *dt = d->tp;
    if (!dt)
        return;
    if (dt->session) {                  /* the module's stop: everything goes at once */
        http_tp *t = dt->session->tp;
        if (t && t->data == d)
            t->data = NULL;
    }
    free(dt->head);
    oat_http_headers_free(&dt->headers);
    oat_http_rsp_free(&dt->rsp);
    free(dt);
    d->tp = NULL;
}

static const oat_chan_ops data_ops = {
    .type = "HTTP data",
    .set_opt = data_set_opt,
    .get_opt = data_get_opt,
    .kick = data_kick,
    .close = data_close,
    .shutdown = data_shutdown,
    .abort = data_abort,
    .destroy = data_destroy,
};

/* A refusal before the request starts: the trace, and no channel. */
static oat_chan *refuse(oat_chan *d, const char *fn, const char *why, const char *code)
{
    oat_warn("%s: %s (%s): no data channel", fn, why, code);
    oat_chan_discard(d);
    return NULL;
}

oat_chan *oat_http_data_open(oat_chan *s, bool put, const char *url, wip_eventHandler_f evh,
                             void *ctx, int opt, va_list *ap, const char *fn)
{
    http_tp *t = s->tp;
    char name[48];
    if (t->data) {
        oat_warn("%s: %s has a request in progress (WIP_CERR_CSTATE): no data channel", fn,
                 oat_chan_name(s, name, sizeof name));
        return NULL;
    }
    oat_chan *d = oat_chan_new_tp(&data_ops, evh, ctx, true, sizeof(http_data_tp), fn);
    if (!d)
        return NULL;
    http_data_tp *dt = d->tp;
    dt->method = put ? WIP_HTTP_METHOD_POST : WIP_HTTP_METHOD_GET;
    dt->chunked = true;
    dt->follow = t->follow;
    if (ap && oat_chan_set_list(d, fn, opt, ap) != 0)
        return refuse(d, fn, "an option was refused", "see above");
    const char *why = NULL;
    if (oat_http_url_parse(url, &dt->url, &why) != 0)
        return refuse(d, fn, why, "WIP_CERR_INVALID");
    dt->body = dt->method == WIP_HTTP_METHOD_POST || dt->method == WIP_HTTP_METHOD_PUT;
    if (put != dt->body && dt->method != WIP_HTTP_METHOD_DELETE)
        return refuse(d, fn, put ? "wip_putFile is for POST, PUT and DELETE"
                                 : "wip_getFile is for GET, HEAD and DELETE", "WIP_CERR_INVALID");
    if (dt->url.tls && t->proxy_host)
        return refuse(d, fn, "https:// through a proxy (CONNECT) is not provided",
                      "WIP_CERR_NOT_SUPPORTED");
    if (dt->body && dt->chunked && t->version == WIP_HTTP_VERSION_1_0)
        return refuse(d, fn, "HTTP/1.0 has no chunked body: give WIP_COPT_HTTP_DATA_ENCOD FALSE "
                             "and a Content-Length header", "WIP_CERR_INVALID");
    if (dt->body && !dt->chunked) {
        char v[32], *end;
        if (oat_http_headers_get(&dt->headers, "Content-Length", v, sizeof v) < 0 &&
            oat_http_headers_get(&t->headers, "Content-Length", v, sizeof v) < 0)
            return refuse(d, fn, "WIP_COPT_HTTP_DATA_ENCOD FALSE needs a Content-Length header",
                          "WIP_CERR_INVALID");
        dt->length = strtoull(v, &end, 10);
        if (end == v || *end)
            return refuse(d, fn, "a Content-Length that is not a number", "WIP_CERR_INVALID");
        dt->has_length = true;
    }
    if (dt->body)
        dt->chunked = dt->chunked && !dt->has_length;
    if (oat_http_start(s, d, fn) != 0) {
        oat_chan_discard(d);
        return NULL;
    }
    return d;
}
