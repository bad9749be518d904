/* http.c: the Internet library's HTTP client, its session and connection. The session
 * (wip_HTTPClientCreate[Opts], handler optional) keeps the options every request shares and
 * one connection, its inner channel (TCP, or SSL for https://), kept alive between requests
 * to the same server. One request at a time runs on it (its data channel: http_data.c):
 * the request goes out as the connection takes it, the response is parsed as it arrives and
 * its body moves into the data channel's receive buffer as the application makes room. A
 * timeout covers every wait for the server. */
#include "wip/http_internal.h"
#include "core/calls.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const oat_chan_ops session_ops;

static int set_string(char **field, const char *v)
{
    if (!v || strpbrk(v, "\r\n"))
        return WIP_CERR_INVALID;
    char *copy = strdup(v);
    if (!copy)
        return WIP_CERR_MEMORY;
    free(*field);
    *field = copy;
    return 0;
}

/* ---- the connection ---- */

int oat_http_conn_write(oat_chan *s, const void *buf, size_t len)
{
    if (oat_chan_inner_state(s) != WIP_CSTATE_READY || len == 0)
        return 0;
    if (len > WIP_SSL_WRITE_MAX)
        len = WIP_SSL_WRITE_MAX;
    int n = oat_chan_inner_write(s, buf, (uint32_t)len);
    return n > 0 ? n : 0;
}

static void drop_connection(oat_chan *s, http_tp *t)
{
    oat_chan_let_go_inner(s);
    t->conn_host[0] = '\0';
    t->conn_eof = false;
}

static void timed_out(oat_chan *s);

static void arm_timer(oat_chan *s, http_tp *t)
{
    oat_chan_timer_start(&t->timer, s, t->timeout_ms, timed_out);
}

/* The request is over for the session (finished, failed or dropped). */
static void detach(http_tp *t)
{
    oat_chan *d = t->data;
    t->data = NULL;
    oat_chan_timer_stop(&t->timer);
    if (d) {
        http_data_tp *dt = d->tp;
        dt->session = NULL;
        dt->phase = REQ_DONE;
        if (d->app_closed)
            oat_chan_release(d);
    }
}

static void request_fail(oat_chan *s, http_tp *t, s32 errnum, const char *why)
{
    char name[48];
    const char *code = oat_err_name(&oat_wip_http_errors, errnum);
    oat_warn("%s: %s (errnum %d%s%s)", oat_chan_name(t->data ? t->data : s, name, sizeof name),
             why, (int)errnum, code ? ", " : "", code ? code : "");
    if (t->data)
        oat_chan_fail(t->data, errnum);     /* before detach: that may free a closed one */
    drop_connection(s, t);
    detach(t);
}

void oat_http_abandon(oat_chan *s, http_tp *t)
{
    drop_connection(s, t);
    detach(t);
}

static void timed_out(oat_chan *s)
{
    http_tp *t = s->tp;
    if (t && t->data)
        request_fail(s, t, WIP_CERR_TIMEOUT, "no answer from the server in time");
}

int oat_http_start(oat_chan *s, oat_chan *d, const char *fn)
{
    http_tp *t = s->tp;
    http_data_tp *dt = d->tp;
    bool proxy = t->proxy_host && !dt->url.tls;
    const char *host = proxy ? t->proxy_host : dt->url.host;
    uint16_t port = proxy ? t->proxy_port : dt->url.port;
    bool same = oat_chan_inner(s) && !t->conn_eof && t->conn_tls == dt->url.tls &&
                t->conn_port == port && strcmp(t->conn_host, host) == 0 &&
                oat_chan_inner_state(s) == WIP_CSTATE_READY;
    oat_http_rsp_init(&dt->rsp, dt->method == WIP_HTTP_METHOD_HEAD);
    oat_http_request rq = {
        .method = dt->method, .version = t->version, .url = &dt->url, .absolute_target = proxy,
        .user_agent = t->user_agent, .chunked = dt->body && dt->chunked,
        .user = dt->url.user[0] ? dt->url.user : t->user,
        .password = dt->url.user[0] ? dt->url.password : t->password,
        .session = &t->headers, .request = &dt->headers,
    };
    free(dt->head);
    dt->head = oat_http_request_head(&rq, &dt->head_len);
    dt->head_off = 0;
    if (!dt->head) {
        oat_warn("%s: out of memory for the request (WIP_CERR_MEMORY)", fn);
        return WIP_CERR_MEMORY;
    }
    if (!same) {                        /* the connection first: a failure leaves t as it was */
        drop_connection(s, t);
        oat_chan *in = dt->url.tls
                           ? oat_ssl_client(fn, host, port, oat_chan_inner_handler, s)
                           : oat_tcp_client_create(fn, host, port, oat_chan_inner_handler, s,
                                                   WIP_COPT_END, NULL);
        if (!in)
            return WIP_CERR_INVALID;
        oat_chan_adopt(s, in, fn);
        oat_chan_inner_set_opt(s, WIP_COPT_NODELAY, &(oat_optval){ .num = 1 });
        snprintf(t->conn_host, sizeof t->conn_host, "%s", host);
        t->conn_port = port;
        t->conn_tls = dt->url.tls;
    }
    t->data = d;
    dt->session = s;
    dt->reused = same;
    arm_timer(s, t);
    if (same) {
        dt->phase = REQ_SENDING;
        oat_http_post_pump(s);
        return 0;
    }
    dt->phase = REQ_CONNECTING;
    return 0;
}

/* ---- the response ---- */

static bool is_redirect(int code)
{
    return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
}

/* The final headers are in: a redirect to follow drops its body, any other opens the data
 * channel for reading. */
static void on_headers(oat_chan *s, http_tp *t, oat_chan *d)
{
    http_data_tp *dt = d->tp;
    char loc[2048];
    t->last_code = dt->rsp.code;
    snprintf(t->last_reason, sizeof t->last_reason, "%s", dt->rsp.reason);
    dt->discarding = dt->follow && !dt->body && is_redirect(dt->rsp.code) &&
                     oat_http_headers_get(&dt->rsp.headers, "Location", loc, sizeof loc) > 0;
    if (!dt->discarding && d->state == WIP_CSTATE_BUSY && !d->app_closed) {
        d->state = WIP_CSTATE_READY;
        oat_chan_event(d, WIP_CEV_OPEN, 0);
    }
    (void)s;
}

/* The response ended: the connection stays if both sides allow it; a redirect starts the
 * next request; the data channel gets PEER_CLOSE (the session DONE). */
static void on_done(oat_chan *s, http_tp *t, oat_chan *d)
{
    http_data_tp *dt = d->tp;
    if (!dt->rsp.keep_alive || !dt->last_sent || t->conn_eof || t->version == WIP_HTTP_VERSION_1_0)
        drop_connection(s, t);
    if (dt->discarding) {
        char loc[2048];
        const char *why = NULL;
        oat_http_url next;
        oat_http_headers_get(&dt->rsp.headers, "Location", loc, sizeof loc);
        if (++dt->redirects > WIP_HTTP_REDIRECTS_MAX)
            return request_fail(s, t, WIP_HTTP_ERR_REDIRECTS, "too many redirects");
        if (oat_http_url_resolve(&dt->url, loc, &next, &why) != 0)
            return request_fail(s, t, WIP_HTTP_ERR_PROTOCOL, why);
        dt->url = next;
        dt->discarding = false;
        int rc = oat_http_start(s, d, "HTTP redirect");   /* d stays the session's on failure */
        if (rc != 0)
            request_fail(s, t, rc, "the redirect could not be followed");
        return;
    }
    bool app_closed = d->app_closed;    /* detach releases a data channel closed already */
    detach(t);
    if (!app_closed)
        oat_chan_peer_closed(d);
    oat_chan_event(s, WIP_CEV_DONE, 0);
}

/* Response bytes from the connection, as far as the data channel has room for the body. */
static void read_response(oat_chan *s, http_tp *t)
{
    uint8_t in[4096], body[4096];
    for (;;) {
        oat_chan *d = t->data;
        if (!d)
            return;
        http_data_tp *dt = d->tp;
        bool dropping = dt->discarding || d->app_closed;
        uint32_t room = dropping ? sizeof in : oat_ring_room(&d->rcv);
        if (room > sizeof in)
            room = sizeof in;
        if (room == 0) {
            oat_chan_timer_stop(&t->timer);     /* the application's turn */
            return;
        }
        int n = oat_chan_inner_read(s, in, room);
        if (n <= 0)
            break;
        arm_timer(s, t);
        size_t off = 0;
        while (off < (size_t)n && t->data == d) {
            size_t nbody;
            bool had = dt->rsp.headers_done;
            off += oat_http_rsp_feed(&dt->rsp, in + off, (size_t)n - off, body, &nbody);
            if (nbody && !(dt->discarding || d->app_closed)) {
                oat_ring_put(&d->rcv, body, (uint32_t)nbody);
                oat_stream_received(d);
            }
            if (!had && dt->rsp.headers_done)
                on_headers(s, t, d);
            if (dt->rsp.st == RSP_ERROR)
                return request_fail(s, t, WIP_HTTP_ERR_PROTOCOL, dt->rsp.error);
            if (dt->rsp.st == RSP_DONE) {
                on_done(s, t, d);
                break;
            }
        }
    }
    oat_chan *d = t->data;
    if (d && !t->timer.shot)
        arm_timer(s, t);                /* room again: the server's turn, with its timeout */
    if (!d || !t->conn_eof)
        return;
    http_data_tp *dt = d->tp;
    if (dt->phase != REQ_RESPONSE && dt->phase != REQ_SENDING)
        return;
    if (dt->reused && !dt->body && dt->rsp.st == RSP_STATUS && dt->rsp.line_len == 0) {
        drop_connection(s, t);          /* the server had closed the idle connection: again */
        if (oat_http_start(s, d, "HTTP retry") != 0)
            request_fail(s, t, WIP_CERR_PIPE_BROKEN, "the retry could not start");
        return;
    }
    oat_http_rsp_eof(&dt->rsp);
    if (dt->rsp.st == RSP_DONE) {
        if (!dt->rsp.headers_done)
            on_headers(s, t, d);
        on_done(s, t, d);
    } else {
        request_fail(s, t, WIP_CERR_PIPE_BROKEN, dt->rsp.error);
    }
}

void oat_http_pump(oat_chan *s)
{
    http_tp *t = s->tp;
    if (t->data) {
        http_data_tp *dt = t->data->tp;
        if (dt->phase == REQ_SENDING)
            oat_http_send_request(s, t->data);
    }
    if (t->data)
        read_response(s, t);
    if (!t->data && t->conn_eof)
        drop_connection(s, t);          /* an idle connection the server closed */
}

/* After the current handler returns, as the module's stack runs between handlers. */
void oat_http_post_pump(oat_chan *s)
{
    http_tp *t = s->tp;
    if (t)
        oat_session_run_later(s, &t->pump_posted, oat_http_pump);
}

/* Events of the connection, in the owner task, lock held. */
static void session_inner_event(oat_chan *s, const wip_event_t *ev)
{
    http_tp *t = s->tp;
    switch (ev->kind) {
    case WIP_CEV_OPEN:
        if (t->data) {
            http_data_tp *dt = t->data->tp;
            if (dt->phase == REQ_CONNECTING)
                dt->phase = REQ_SENDING;
        }
        oat_http_pump(s);
        break;
    case WIP_CEV_READ:
    case WIP_CEV_WRITE:
        oat_http_pump(s);
        break;
    case WIP_CEV_PEER_CLOSE:
    case WIP_CEV_INVALID:
        t->conn_eof = true;
        oat_http_pump(s);
        break;
    case WIP_CEV_ERROR:
        if (t->data)
            request_fail(s, t, ev->content.error.errnum,
                         ev->content.error.errnum > 0 ? "TLS failed (the Security library's code)"
                                                      : "the connection to the server failed");
        else
            drop_connection(s, t);
        break;
    default:
        break;
    }
}

/* ---- the session channel ---- */

static int session_set_opt(oat_chan *s, int opt, const oat_optval *v)
{
    http_tp *t = s->tp;
    switch (opt) {
    case WIP_COPT_HTTP_HEADER: return oat_http_headers_set(&t->headers, v->str, v->str2, true);
    case WIP_COPT_HTTP_VERSION:
        if (v->num > WIP_HTTP_VERSION_1_1)
            return WIP_CERR_OUT_OF_RANGE;
        t->version = (int)v->num;
        return 0;
    case WIP_COPT_HTTP_USER_AGENT: return set_string(&t->user_agent, v->str);
    case WIP_COPT_USER: return set_string(&t->user, v->str);
    case WIP_COPT_PASSWORD: return set_string(&t->password, v->str);
    case WIP_COPT_HTTP_PROXY_HOST: return set_string(&t->proxy_host, v->str);
    case WIP_COPT_HTTP_PROXY_PORT:
        if (v->num == 0 || v->num > 65535)
            return WIP_CERR_OUT_OF_RANGE;
        t->proxy_port = (uint16_t)v->num;
        return 0;
    case WIP_COPT_HTTP_FOLLOW_REDIRECT: t->follow = v->num != 0; return 0;
    case WIP_COPT_TIMEOUT:
        if (v->num < 1 || v->num > 3600000)
            return WIP_CERR_OUT_OF_RANGE;
        t->timeout_ms = v->num;
        return 0;
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}

static int session_get_opt(oat_chan *s, int opt, const oat_optval *v)
{
    http_tp *t = s->tp;
    switch (opt) {
    case WIP_COPT_HTTP_VERSION: *(u32 *)v->ptr = (u32)t->version; return 0;
    case WIP_COPT_HTTP_PROXY_PORT: *(u16 *)v->ptr = t->proxy_port; return 0;
    case WIP_COPT_HTTP_FOLLOW_REDIRECT: *(bool *)v->ptr = t->follow; return 0;
    case WIP_COPT_TIMEOUT: *(u32 *)v->ptr = t->timeout_ms; return 0;
    case WIP_COPT_HTTP_STATUS_CODE: *(s32 *)v->ptr = t->last_code; return 0;
    case WIP_COPT_HTTP_STATUS_REASON:
        snprintf(v->buf, v->len, "%s", t->last_reason);
        return 0;
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}

static void session_close(oat_chan *s)
{
    http_tp *t = s->tp;
    if (t->data)                        /* a request in progress goes with the session */
        oat_chan_fail(t->data, WIP_CERR_ABORTED);
    detach(t);
    if (oat_chan_inner(s))
        oat_chan_close_inner(s);        /* its end releases the session */
    else
        oat_chan_release(s);
}

static int session_abort(oat_chan *s)
{
    http_tp *t = s->tp;
    if (t->data)
        oat_chan_fail(t->data, WIP_CERR_ABORTED);
    detach(t);
    oat_chan_abort_inner(s);
    if (!oat_chan_inner(s))
        oat_chan_release(s);
    return 0;
}

static void session_destroy(oat_chan *s)
{
    http_tp *t = s->tp;
    if (!t)
        return;
    /* Only the module's stop frees a session with a request: every channel goes at once, so
     * the data channel is only told it has no session any more. */
    if (t->data)
        ((http_data_tp *)t->data->tp)->session = NULL;
    oat_chan_timer_stop(&t->timer);
    free(t->user_agent);
    free(t->user);
    free(t->password);
    free(t->proxy_host);
    oat_http_headers_free(&t->headers);
    free(t);
    s->tp = NULL;
}

static oat_chan *session_get_file(oat_chan *s, const char *url, wip_eventHandler_f evh,
                                  void *ctx, int opt, va_list *ap, const char *fn)
{
    return oat_http_data_open(s, false, url, evh, ctx, opt, ap, fn);
}

static oat_chan *session_put_file(oat_chan *s, const char *url, wip_eventHandler_f evh,
                                  void *ctx, int opt, va_list *ap, const char *fn)
{
    return oat_http_data_open(s, true, url, evh, ctx, opt, ap, fn);
}

static const oat_chan_ops session_ops = {
    .type = "HTTP client",
    .read = oat_session_no_read,
    .write = oat_session_no_write,
    .set_opt = session_set_opt,
    .get_opt = session_get_opt,
    .close = session_close,
    .abort = session_abort,
    .destroy = session_destroy,
    .get_file = session_get_file,
    .put_file = session_put_file,
    .inner_event = session_inner_event,
};

static wip_channel_t client_create(const char *fn, wip_eventHandler_f evh, void *ctx, int opt,
                                   va_list *ap)
{
    if (!oat_net_ready(fn))
        return NULL;
    oat_wip_lock();
    oat_chan *s = oat_chan_new_tp(&session_ops, evh, ctx, false, sizeof(http_tp), fn);
    if (!s) {
        oat_wip_unlock();
        return NULL;
    }
    http_tp *t = s->tp;
    t->version = WIP_HTTP_VERSION_1_1;
    t->timeout_ms = OAT_HTTP_DEFAULT_TIMEOUT_MS;
    t->proxy_port = OAT_HTTP_DEFAULT_PROXY_PORT;
    oat_chan_timer_init(&t->timer);
    if (ap && oat_chan_set_list(s, fn, opt, ap) != 0) {
        oat_chan_discard(s);
        oat_wip_unlock();
        return NULL;
    }
    s->state = WIP_CSTATE_READY;        /* no connection until a request needs one */
    oat_wip_unlock();
    return s;
}

wip_channel_t wip_HTTPClientCreate(wip_eventHandler_f evh, void *ctx)
{
    wip_channel_t c = client_create("wip_HTTPClientCreate", evh, ctx, WIP_COPT_END, NULL);
    OAT_CALL_PTR("wip_HTTPClientCreate", c, "%p, %p", (void *)evh, ctx);
    return c;
}

wip_channel_t wip_HTTPClientCreateOpts(wip_eventHandler_f evh, void *ctx, ...)
{
    va_list ap;
    va_start(ap, ctx);
    wip_channel_t c = client_create("wip_HTTPClientCreateOpts", evh, ctx, va_arg(ap, int), &ap);
    va_end(ap);
    OAT_CALL_PTR("wip_HTTPClientCreateOpts", c, "%p, %p, ...", (void *)evh, ctx);
    return c;
}
