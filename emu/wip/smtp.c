/* smtp.c: the Internet library's SMTP client. A session channel owns a WIP TCP client and
 * runs the protocol in the owner task: greeting, EHLO (HELO if refused), AUTH, then OPEN.
 * Each mail is a data channel from wip_putFile: MAIL, RCPT for every recipient, DATA, then
 * the data channel's OPEN and WRITE events; what the application writes goes through the
 * stream rules (short writes, WRITE after a short write), is dot-stuffed and sent; its
 * wip_close ends DATA and the session gets DONE or ERROR with the server's code. Every
 * reply has a timeout; a reply in the middle of the body ends the mail. */
#include "wip/smtp_internal.h"
#include "adl/rtc_internal.h"
#include "core/calls.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/timer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SMTP_DEFAULT_PORT 25
#define SMTP_DEFAULT_TIMEOUT_MS 60000u

typedef enum {
    ST_GREETING, ST_EHLO, ST_HELO, ST_AUTH, ST_AUTH_USER, ST_AUTH_PASS, ST_READY,
    ST_MAIL, ST_RCPT, ST_DATA, ST_BODY, ST_END, ST_QUIT, ST_DEAD
} smtp_state;

typedef struct {
    oat_chan *inner;                /* the TCP channel to the server */
    smtp_state st;
    bool opened;                    /* OPEN told */
    char *user, *password;
    int auth;
    char ehlo[128];
    uint32_t timeout_ms;
    bool offers_plain, offers_login;
    oat_smtp_reader rd;
    int code;                       /* last reply */
    char text[4096];
    char out[2048];                 /* a command the TCP channel has not taken yet */
    size_t out_len;
    oat_chan *data;                 /* the mail in progress */
    char **rcpt;
    int nrcpt, rcpt_i;
    oat_smtp_body body;
    char *header;                   /* still to send before the body */
    size_t header_off;
    bool pump_posted;               /* a pump after the current handler is queued */
    oat_alarm *timer;
    struct timeout_ev *timer_ev;
    unsigned timer_gen;
    int wait_token;
} smtp_tp;

typedef struct {
    oat_chan *session;
    char *sender, *sender_name, *to, *cc, *bcc, *subject;
    bool format_header;
    bool ended;                     /* wip_close: end DATA once the body is out */
} data_tp;

static const oat_chan_ops session_ops, data_ops;

static void send_cmd(oat_chan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pump(oat_chan *s);

/* ---- timeouts: an emulated alarm; in virtual time the clock also waits for the reply up
 * to the same host time ---- */

typedef struct timeout_ev {
    oat_chan *s;
    unsigned gen;
} timeout_ev;

static void timed_out(void *arg);

static void timeout_drop(void *arg)
{
    timeout_ev *e = arg;
    oat_wip_lock();
    oat_chan_unref(e->s);
    oat_wip_unlock();
    free(e);
}

static void timer_fire(void *arg)
{
    timeout_ev *e = arg;
    oat_post(e->s->owner, timed_out, e, timeout_drop);
}

static void stop_timer(smtp_tp *t)
{
    t->timer_gen++;
    if (t->timer && oat_alarm_cancel(t->timer)) {
        oat_chan_unref(t->timer_ev->s);     /* it never fired: nothing was posted */
        free(t->timer_ev);
    }
    t->timer = NULL;
    t->timer_ev = NULL;
    oat_io_wait_end(t->wait_token);
    t->wait_token = -1;
}

static void start_timer(oat_chan *s, smtp_tp *t)
{
    stop_timer(t);
    timeout_ev *e = malloc(sizeof *e);
    if (!e)
        return;
    *e = (timeout_ev){ s, t->timer_gen };
    oat_chan_ref(s);
    t->timer = oat_alarm_start(oat_now_us() + (int64_t)t->timeout_ms * 1000, timer_fire, e);
    if (!t->timer) {
        oat_chan_unref(s);
        free(e);
        return;
    }
    t->timer_ev = e;
    if (s->host)
        t->wait_token = oat_io_wait_begin((int64_t)t->timeout_ms * 1000);
}

/* ---- failing and finishing ---- */

static const char *name_of(oat_chan *c, char *buf, size_t len)
{
    return oat_chan_name(c, buf, len);
}

static void end_mail(smtp_tp *t)
{
    oat_smtp_addresses_free(t->rcpt);
    t->rcpt = NULL;
    free(t->header);
    t->header = NULL;
    oat_chan *d = t->data;
    t->data = NULL;
    if (d) {
        data_tp *dt = d->tp;
        dt->session = NULL;
        oat_chan_release(d);
    }
}

/* The session is over: ERROR to the session and to a mail in progress. errnum: a reply
 * code (> 0) or a WIP_CERR_* (< 0). */
static void session_fail(oat_chan *s, smtp_tp *t, int errnum, const char *why)
{
    char name[48];
    oat_warn("%s: %s (errnum %d)", name_of(s, name, sizeof name), why, errnum);
    stop_timer(t);
    t->st = ST_DEAD;
    if (t->data)
        oat_chan_fail(t->data, errnum);
    end_mail(t);
    oat_chan_fail(s, errnum);
}

static void refused(oat_chan *s, smtp_tp *t, const char *what)
{
    char why[256];
    snprintf(why, sizeof why, "the server refused %s: %d %.180s", what, t->code, t->text);
    session_fail(s, t, t->code > 0 ? t->code : WIP_SMTP_ERR_PROTOCOL, why);
}

/* ---- commands ---- */

static void flush_out(smtp_tp *t)
{
    if (!t->inner || t->out_len == 0 || t->inner->state != WIP_CSTATE_READY)
        return;
    int n = oat_stream_write(t->inner, t->out, (uint32_t)t->out_len);
    if (n > 0) {
        memmove(t->out, t->out + n, t->out_len - (size_t)n);
        t->out_len -= (size_t)n;
    }
}

static void send_cmd(oat_chan *s, const char *fmt, ...)
{
    smtp_tp *t = s->tp;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->out + t->out_len, sizeof t->out - t->out_len - 2, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof t->out - t->out_len - 2) {
        session_fail(s, t, WIP_CERR_INTERNAL, "a command did not fit");
        return;
    }
    t->out_len += (size_t)n;
    t->out[t->out_len++] = '\r';
    t->out[t->out_len++] = '\n';
    flush_out(t);
    start_timer(s, t);
}

static void ready(oat_chan *s, smtp_tp *t)
{
    stop_timer(t);
    t->st = ST_READY;
    if (!t->opened) {
        t->opened = true;
        s->state = WIP_CSTATE_READY;
        oat_chan_event(s, WIP_CEV_OPEN, 0);
    }
}

static void start_auth(oat_chan *s, smtp_tp *t)
{
    if (t->auth == WIP_SMTP_AUTH_NONE || !t->user) {
        ready(s, t);
        return;
    }
    if (t->auth == WIP_SMTP_AUTH_CLEAR) {
        size_t ul = strlen(t->user), pl = t->password ? strlen(t->password) : 0;
        uint8_t raw[520];
        char b64[700];
        if (ul + pl + 2 > sizeof raw) {
            session_fail(s, t, WIP_SMTP_ERR_AUTH, "user name and password are too long");
            return;
        }
        raw[0] = '\0';
        memcpy(raw + 1, t->user, ul);
        raw[1 + ul] = '\0';
        memcpy(raw + 2 + ul, t->password ? t->password : "", pl);
        oat_base64(raw, ul + pl + 2, b64);
        t->st = ST_AUTH;
        send_cmd(s, "AUTH PLAIN %s", b64);
    } else {
        t->st = ST_AUTH_USER;
        send_cmd(s, "AUTH LOGIN");
    }
}

static void send_b64(oat_chan *s, const char *text)
{
    char b64[700];
    size_t n = strlen(text ? text : "");
    if (n > 500)
        n = 500;
    oat_base64((const uint8_t *)(text ? text : ""), n, b64);
    send_cmd(s, "%s", b64);
}

static void next_rcpt(oat_chan *s, smtp_tp *t)
{
    if (t->rcpt_i < t->nrcpt) {
        t->st = ST_RCPT;
        send_cmd(s, "RCPT TO:<%s>", t->rcpt[t->rcpt_i++]);
    } else {
        t->st = ST_DATA;
        send_cmd(s, "DATA");
    }
}

static void start_body(oat_chan *s, smtp_tp *t)
{
    data_tp *dt = t->data->tp;
    t->st = ST_BODY;
    stop_timer(t);
    t->body = (oat_smtp_body){ .line_start = true };
    if (dt->format_header) {
        oat_smtp_header_fields f = { dt->sender, dt->sender_name, dt->to, dt->cc, dt->subject,
                                     t->ehlo, oat_rtc_seconds(), t->data->serial };
        t->header = oat_smtp_header(&f);
        t->header_off = 0;
    }
    oat_chan_opened(t->data);
    pump(s);
}

static void capabilities(smtp_tp *t)
{
    t->offers_plain = t->offers_login = false;
    for (const char *l = t->text; l && *l;) {
        if (strncasecmp(l, "AUTH", 4) == 0 && (l[4] == ' ' || l[4] == '=')) {
            size_t len = strcspn(l, "\n");
            char caps[512];
            snprintf(caps, sizeof caps, "%.*s", (int)(len < 511 ? len : 511), l);
            for (char *w = strtok(caps + 5, " "); w; w = strtok(NULL, " ")) {
                t->offers_plain |= strcasecmp(w, "PLAIN") == 0;
                t->offers_login |= strcasecmp(w, "LOGIN") == 0;
            }
        }
        l = strchr(l, '\n');
        l = l ? l + 1 : NULL;
    }
}

/* ---- the protocol engine ---- */

static void on_reply(oat_chan *s, smtp_tp *t)
{
    int c = t->code;
    if (c < 0) {
        session_fail(s, t, WIP_SMTP_ERR_PROTOCOL, "the server's reply is not SMTP");
        return;
    }
    switch (t->st) {
    case ST_GREETING:
        if (c != 220)
            return refused(s, t, "the session (greeting)");
        t->st = ST_EHLO;
        send_cmd(s, "EHLO %s", t->ehlo);
        break;
    case ST_EHLO:
        if (c == 250) {
            capabilities(t);
            start_auth(s, t);
        } else {
            t->st = ST_HELO;
            send_cmd(s, "HELO %s", t->ehlo);
        }
        break;
    case ST_HELO:
        if (c != 250)
            return refused(s, t, "HELO");
        start_auth(s, t);
        break;
    case ST_AUTH_USER:                  /* 334: the user name, please */
        if (c != 334)
            return refused(s, t, "AUTH LOGIN");
        t->st = ST_AUTH_PASS;
        send_b64(s, t->user);
        break;
    case ST_AUTH_PASS:                  /* 334: the password, please */
        if (c != 334)
            return refused(s, t, "the user name");
        t->st = ST_AUTH;
        send_b64(s, t->password);
        break;
    case ST_AUTH:
        if (c != 235)
            return refused(s, t, "the credentials");
        ready(s, t);
        break;
    case ST_MAIL:
        if (c != 250)
            return refused(s, t, "the sender (MAIL FROM)");
        next_rcpt(s, t);
        break;
    case ST_RCPT:
        if (c != 250 && c != 251)
            return refused(s, t, "a recipient (RCPT TO)");
        next_rcpt(s, t);
        break;
    case ST_DATA:
        if (c != 354)
            return refused(s, t, "DATA");
        start_body(s, t);
        break;
    case ST_BODY:
        return refused(s, t, "the mail while it was being sent");
    case ST_END:
        if (c != 250)
            return refused(s, t, "the mail");
        ready(s, t);
        end_mail(t);
        oat_chan_event(s, WIP_CEV_DONE, 0);
        break;
    case ST_QUIT:
        stop_timer(t);
        if (t->inner && !t->inner->app_closed)
            oat_chan_close(t->inner);
        break;
    default:
        break;
    }
}

/* The body: what the application wrote, dot-stuffed into the TCP channel as room allows. */
static void pump(oat_chan *s)
{
    smtp_tp *t = s->tp;
    flush_out(t);
    if (t->st != ST_BODY || !t->data || !t->inner || t->inner->state != WIP_CSTATE_READY)
        return;
    oat_chan *in = t->inner, *d = t->data;
    while (t->header && t->header[t->header_off]) {
        size_t left = strlen(t->header + t->header_off);
        int n = oat_stream_write(in, t->header + t->header_off, (uint32_t)left);
        if (n <= 0)
            return;
        t->header_off += (size_t)n;
    }
    uint32_t before = d->snd.count;
    for (;;) {
        uint32_t room = oat_ring_room(&in->snd);
        if (d->snd.count == 0 || room < 2) {
            if (d->snd.count > 0)
                in->write_wanted = true;
            break;
        }
        uint8_t raw[4096], wire[8192];
        uint32_t take = room / 2 < sizeof raw ? room / 2 : sizeof raw;
        uint32_t n = oat_ring_get(&d->snd, raw, take);
        size_t w = oat_smtp_body_encode(&t->body, raw, n, wire);
        oat_stream_write(in, wire, (uint32_t)w);
    }
    if (d->snd.count < before)
        oat_stream_sent(d);
    data_tp *dt = d->tp;
    if (dt->ended && d->snd.count == 0 && oat_ring_room(&in->snd) >= 5) {
        uint8_t end[5];
        size_t n = oat_smtp_body_end(&t->body, end);
        oat_stream_write(in, end, (uint32_t)n);
        t->st = ST_END;
        start_timer(s, t);
    } else if (dt->ended && d->snd.count == 0) {
        in->write_wanted = true;
    }
}

static void read_replies(oat_chan *s, smtp_tp *t)
{
    char buf[2048];
    int n;
    while (t->inner && !t->inner->app_closed &&
           (n = oat_stream_read(t->inner, buf, sizeof buf)) > 0) {
        size_t off = 0;
        while (off < (size_t)n) {
            bool complete;
            off += oat_smtp_read(&t->rd, buf + off, (size_t)n - off, &complete);
            if (!complete)
                continue;
            t->code = t->rd.code;
            snprintf(t->text, sizeof t->text, "%s", t->rd.text);
            t->rd.code = 0;
            t->rd.text_len = 0;
            t->rd.text[0] = '\0';
            on_reply(s, t);
            if (t->st == ST_DEAD)
                return;
        }
    }
}

static void inner_event(wip_event_t *ev, void *ctx)
{
    oat_chan *s = ctx;
    oat_wip_lock();
    smtp_tp *t = s ? s->tp : NULL;
    if (t && t->inner == ev->channel && t->st != ST_DEAD) {
        switch (ev->kind) {
        case WIP_CEV_OPEN:
            start_timer(s, t);          /* for the greeting */
            break;
        case WIP_CEV_READ:
            read_replies(s, t);
            break;
        case WIP_CEV_WRITE:
            pump(s);
            break;
        case WIP_CEV_PEER_CLOSE:
            read_replies(s, t);
            if (t->st == ST_QUIT || t->st == ST_DEAD)
                break;
            if (t->st == ST_READY && !t->data) {
                stop_timer(t);
                t->st = ST_DEAD;
                oat_chan_peer_closed(s);
            } else {
                session_fail(s, t, WIP_CERR_PIPE_BROKEN, "the server closed the connection");
            }
            break;
        case WIP_CEV_ERROR:
            session_fail(s, t, ev->content.error.errnum, "the connection to the server failed");
            break;
        default:
            break;
        }
    }
    oat_wip_unlock();
}

static void timed_out(void *arg)
{
    timeout_ev *e = arg;
    oat_wip_lock();
    smtp_tp *t = e->s->tp;
    if (t && e->gen == t->timer_gen && t->st != ST_DEAD) {
        t->timer = NULL;
        t->timer_ev = NULL;
        if (t->st == ST_QUIT) {
            stop_timer(t);
            if (t->inner && !t->inner->app_closed)
                oat_chan_close(t->inner);
        } else {
            session_fail(e->s, t, WIP_CERR_TIMEOUT, "no reply from the server in time");
        }
    }
    oat_chan_unref(e->s);
    oat_wip_unlock();
    free(e);
}

static void inner_released(void *ctx)
{
    oat_chan *s = ctx;
    oat_wip_lock();
    smtp_tp *t = s->tp;
    if (t)
        t->inner = NULL;
    oat_chan_release(s);
    oat_wip_unlock();
}

/* ---- the session channel ---- */

static int no_data(oat_chan *c, void *buf, uint32_t len, const oat_peer_opts *peer)
{
    (void)c; (void)buf; (void)len; (void)peer;
    return WIP_CERR_NOT_SUPPORTED;
}

static int no_write(oat_chan *c, const void *buf, uint32_t len, const oat_peer_opts *peer)
{
    (void)c; (void)buf; (void)len; (void)peer;
    return WIP_CERR_NOT_SUPPORTED;
}

static int set_string(char **field, const char *v)
{
    if (!v)
        return WIP_CERR_INVALID;
    char *copy = strdup(v);
    if (!copy)
        return WIP_CERR_MEMORY;
    free(*field);
    *field = copy;
    return 0;
}

static int session_set_opt(oat_chan *s, int opt, const oat_optval *v)
{
    smtp_tp *t = s->tp;
    if (t->inner && opt != WIP_COPT_TIMEOUT)
        return WIP_CERR_CSTATE;         /* connection options come with the create call */
    switch (opt) {
    case WIP_COPT_PEER_PORT:
        if (v->num == 0 || v->num > 65535)
            return WIP_CERR_OUT_OF_RANGE;
        s->peer_port = (uint16_t)v->num;
        return 0;
    case WIP_COPT_USER: return set_string(&t->user, v->str);
    case WIP_COPT_PASSWORD: return set_string(&t->password, v->str);
    case WIP_COPT_SMTP_AUTH_TYPE:
        if (v->num > WIP_SMTP_AUTH_MIME64)
            return WIP_CERR_OUT_OF_RANGE;
        t->auth = (int)v->num;
        return 0;
    case WIP_COPT_SMTP_EHLO:
        if (!v->str || !*v->str || strlen(v->str) >= sizeof t->ehlo || strpbrk(v->str, " \r\n"))
            return WIP_CERR_INVALID;
        snprintf(t->ehlo, sizeof t->ehlo, "%s", v->str);
        return 0;
    case WIP_COPT_TIMEOUT:
        if (v->num < 1 || v->num > 3600000)
            return WIP_CERR_OUT_OF_RANGE;
        t->timeout_ms = v->num;
        return 0;
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}

static int status_code(smtp_tp *t, const oat_optval *v)
{
    *(u32 *)v->ptr = t->code > 0 ? (u32)t->code : 0;
    *(ascii **)v->ptr2 = t->text;
    return 0;
}

static int session_get_opt(oat_chan *s, int opt, const oat_optval *v)
{
    smtp_tp *t = s->tp;
    switch (opt) {
    case WIP_COPT_SMTP_STATUS_CODE: return status_code(t, v);
    case WIP_COPT_PEER_PORT: *(u16 *)v->ptr = s->peer_port; return 0;
    case WIP_COPT_SMTP_AUTH_TYPE: *(u32 *)v->ptr = (u32)t->auth; return 0;
    case WIP_COPT_TIMEOUT: *(u32 *)v->ptr = t->timeout_ms; return 0;
    default: return WIP_CERR_NOT_SUPPORTED;
    }
}

static void session_close(oat_chan *s)
{
    smtp_tp *t = s->tp;
    end_mail(t);                        /* a mail in progress is dropped with the session */
    if (!t->inner) {
        stop_timer(t);
        oat_chan_release(s);
    } else if (t->inner->state == WIP_CSTATE_READY && t->st != ST_DEAD && t->st != ST_GREETING) {
        t->st = ST_QUIT;
        send_cmd(s, "QUIT");
    } else {
        stop_timer(t);
        t->st = ST_DEAD;
        if (!t->inner->app_closed)
            oat_chan_close(t->inner);
    }
}

static int session_abort(oat_chan *s)
{
    smtp_tp *t = s->tp;
    end_mail(t);
    stop_timer(t);
    t->st = ST_DEAD;
    oat_chan *in = t->inner;
    if (in && !in->app_closed) {
        if (!in->released && in->ops->abort)
            in->ops->abort(in);
        oat_chan_close(in);
    }
    return 0;
}

static void session_destroy(oat_chan *s)
{
    smtp_tp *t = s->tp;
    if (!t)
        return;
    end_mail(t);
    free(t->user);
    free(t->password);
    free(t);
    s->tp = NULL;
}

static oat_chan *session_put_file(oat_chan *s, wip_eventHandler_f evh, void *ctx, int opt,
                                  va_list *ap, const char *fn);

static const oat_chan_ops session_ops = {
    .type = "SMTP client",
    .read = no_data,
    .write = no_write,
    .set_opt = session_set_opt,
    .get_opt = session_get_opt,
    .close = session_close,
    .abort = session_abort,
    .destroy = session_destroy,
    .put_file = session_put_file,
};

/* ---- the data channel (one mail) ---- */

/* The client moves the body after the writing handler returns, as the module's stack
 * runs between handlers: a handler that writes in a loop fills the 5840-byte buffer and
 * then gets 0, whatever it ignores. */
static void pump_event(void *arg)
{
    oat_chan *s = arg;
    oat_wip_lock();
    smtp_tp *t = s->tp;
    if (t) {
        t->pump_posted = false;
        pump(s);
    }
    oat_chan_unref(s);
    oat_wip_unlock();
}

static void pump_drop(void *arg)
{
    oat_wip_lock();
    oat_chan_unref(arg);
    oat_wip_unlock();
}

static void data_kick(oat_chan *d)
{
    data_tp *dt = d->tp;
    smtp_tp *t = dt && dt->session ? dt->session->tp : NULL;
    if (!t || t->pump_posted)
        return;
    t->pump_posted = true;
    oat_chan_ref(dt->session);
    oat_post(dt->session->owner, pump_event, dt->session, pump_drop);
}

static void data_close(oat_chan *d)
{
    data_tp *dt = d->tp;
    dt->ended = true;
    if (dt->session)
        pump(dt->session);
    else
        oat_chan_release(d);
}

static int data_set_opt(oat_chan *d, int opt, const oat_optval *v)
{
    data_tp *dt = d->tp;
    switch (opt) {
    case WIP_COPT_SMTP_SENDER: return set_string(&dt->sender, v->str);
    case WIP_COPT_SMTP_SENDERNAME: return set_string(&dt->sender_name, v->str);
    case WIP_COPT_SMTP_REC: return set_string(&dt->to, v->str);
    case WIP_COPT_SMTP_CC_REC: return set_string(&dt->cc, v->str);
    case WIP_COPT_SMTP_BCC_REC: return set_string(&dt->bcc, v->str);
    case WIP_COPT_SMTP_SUBJ: return set_string(&dt->subject, v->str);
    case WIP_COPT_SMTP_FORMAT_HEADER: dt->format_header = v->num != 0; return 0;
    default: return WIP_CERR_NOT_SUPPORTED;
    }
}

static int data_get_opt(oat_chan *d, int opt, const oat_optval *v)
{
    data_tp *dt = d->tp;
    if (opt == WIP_COPT_SMTP_STATUS_CODE && dt->session)
        return status_code(dt->session->tp, v);
    if (opt == WIP_COPT_SMTP_FORMAT_HEADER) {
        *(bool *)v->ptr = dt->format_header;
        return 0;
    }
    return WIP_CERR_NOT_SUPPORTED;
}

static void data_destroy(oat_chan *d)
{
    data_tp *dt = d->tp;
    if (!dt)
        return;
    if (dt->session) {
        smtp_tp *t = dt->session->tp;
        if (t && t->data == d)
            t->data = NULL;
    }
    free(dt->sender);
    free(dt->sender_name);
    free(dt->to);
    free(dt->cc);
    free(dt->bcc);
    free(dt->subject);
    free(dt);
    d->tp = NULL;
}

static const oat_chan_ops data_ops = {
    .type = "SMTP data",
    .set_opt = data_set_opt,
    .get_opt = data_get_opt,
    .kick = data_kick,
    .close = data_close,
    .destroy = data_destroy,
};

/* MAIL FROM the sender, RCPT TO every To, Cc and Bcc address. */
static char **recipients(const data_tp *dt, int *count)
{
    char list[4096];
    snprintf(list, sizeof list, "%s%s%s%s%s", dt->to, dt->cc ? "," : "", dt->cc ? dt->cc : "",
             dt->bcc ? "," : "", dt->bcc ? dt->bcc : "");
    return oat_smtp_addresses(list, count);
}

static oat_chan *session_put_file(oat_chan *s, wip_eventHandler_f evh, void *ctx, int opt,
                                  va_list *ap, const char *fn)
{
    smtp_tp *t = s->tp;
    char name[48];
    if (t->st != ST_READY || t->data) {
        oat_warn("%s: %s is %s (WIP_CERR_CSTATE): no data channel", fn,
                 name_of(s, name, sizeof name),
                 t->data ? "sending a mail already" : "not open");
        return NULL;
    }
    oat_chan *d = oat_chan_new_tp(&data_ops, evh, ctx, true, sizeof(data_tp), fn);
    if (!d)
        return NULL;
    data_tp *dt = d->tp;
    dt->format_header = true;
    if (ap && oat_chan_set_list(d, fn, opt, ap) != 0) {
        oat_chan_discard(d);
        return NULL;
    }
    int n = 0;
    char **rcpt = dt->sender && dt->to ? recipients(dt, &n) : NULL;
    if (!rcpt || n == 0) {
        oat_warn("%s: %s (WIP_CERR_INVALID): no data channel", fn,
                 !dt->sender ? "WIP_COPT_SMTP_SENDER is required"
                 : !dt->to ? "WIP_COPT_SMTP_REC is required"
                           : "a recipient list has an empty or too long address");
        oat_smtp_addresses_free(rcpt);
        oat_chan_discard(d);
        return NULL;
    }
    dt->session = s;
    t->data = d;
    t->rcpt = rcpt;
    t->nrcpt = n;
    t->rcpt_i = 0;
    char from[300];
    snprintf(from, sizeof from, "%s", dt->sender);
    char **one = oat_smtp_addresses(from, &n);
    t->st = ST_MAIL;
    send_cmd(s, "MAIL FROM:<%s>", one && n == 1 ? one[0] : "");
    oat_smtp_addresses_free(one);
    return d;
}

/* ---- creating a session ---- */

static wip_channel_t client_create(const char *fn, const ascii *server, wip_eventHandler_f evh,
                                   void *ctx, int opt, va_list *ap)
{
    if (!oat_net_ready(fn))
        return NULL;
    if (!server || !*server) {
        oat_warn("%s: no server name (WIP_CERR_INVALID): no channel", fn);
        return NULL;
    }
    oat_wip_lock();
    oat_chan *s = oat_chan_new_tp(&session_ops, evh, ctx, false, sizeof(smtp_tp), fn);
    if (!s) {
        oat_wip_unlock();
        return NULL;
    }
    smtp_tp *t = s->tp;
    t->timeout_ms = SMTP_DEFAULT_TIMEOUT_MS;
    t->wait_token = -1;
    snprintf(t->ehlo, sizeof t->ehlo, "openat-module");
    s->peer_port = SMTP_DEFAULT_PORT;
    if (ap && oat_chan_set_list(s, fn, opt, ap) != 0) {
        oat_chan_discard(s);
        oat_wip_unlock();
        return NULL;
    }
    if (t->auth != WIP_SMTP_AUTH_NONE && !t->user)
        oat_warn("%s: an AUTH type without WIP_COPT_USER: no authentication is done", fn);
    oat_chan *in = oat_tcp_client_create(fn, server, s->peer_port, inner_event, s, WIP_COPT_END,
                                         NULL);
    if (!in) {
        oat_chan_discard(s);
        oat_wip_unlock();
        return NULL;
    }
    in->finalizer = inner_released;
    s->host = in->host;
    t->inner = in;
    t->st = ST_GREETING;
    oat_wip_unlock();
    return s;
}

wip_channel_t wip_SMTPClientCreate(const ascii *server, wip_eventHandler_f evh, void *ctx)
{
    wip_channel_t c = client_create("wip_SMTPClientCreate", server, evh, ctx, WIP_COPT_END, NULL);
    OAT_CALL_PTR("wip_SMTPClientCreate", c, "\"%s\", %p, %p", server ? server : "(null)",
                 (void *)evh, ctx);
    return c;
}

wip_channel_t wip_SMTPClientCreateOpts(const ascii *server, wip_eventHandler_f evh, void *ctx, ...)
{
    va_list ap;
    va_start(ap, ctx);
    wip_channel_t c = client_create("wip_SMTPClientCreateOpts", server, evh, ctx,
                                    va_arg(ap, int), &ap);
    va_end(ap);
    OAT_CALL_PTR("wip_SMTPClientCreateOpts", c, "\"%s\", %p, %p, ...", server ? server : "(null)",
                 (void *)evh, ctx);
    return c;
}
