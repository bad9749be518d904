/* smtp.c: the Internet library's SMTP client, its session and protocol engine (the mail's
 * data channel and message are in smtp_data.c). A session channel owns a WIP TCP client (or
 * an SSL client) and runs the protocol in the owner task: greeting, EHLO (HELO if refused),
 * STARTTLS when asked, AUTH, then OPEN.
 * Each mail is a data channel from wip_putFile: MAIL, RCPT for every recipient, DATA, then
 * the data channel's OPEN and WRITE events; what the application writes goes through the
 * stream rules (short writes, WRITE after a short write), is dot-stuffed and sent; its
 * wip_close ends DATA and the session gets DONE or ERROR with the server's code. Every
 * reply has a timeout; a reply in the middle of the body ends the mail. */
#include "wip/smtp_internal.h"
#include "adl/rtc_internal.h"
#include "core/calls.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/task_alarm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SMTP_DEFAULT_PORT 25
#define SMTP_DEFAULT_TIMEOUT_MS 60000u

static const oat_chan_ops session_ops;

static void send_cmd(oat_chan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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

static void stop_timer(smtp_tp *t)
{
    t->timer_gen++;
    if (t->timer && oat_task_alarm_cancel(t->timer)) {
        oat_chan_unref(t->timer_ev->s);     /* it never fired: nothing was posted */
        free(t->timer_ev);
    }
    t->timer = NULL;
    t->timer_ev = NULL;
    oat_io_wait_end(t->wait_token);
    t->wait_token = -1;
}

void oat_smtp_start_timer(oat_chan *s, smtp_tp *t)
{
    stop_timer(t);
    timeout_ev *e = malloc(sizeof *e);
    if (!e)
        return;
    *e = (timeout_ev){ s, t->timer_gen };
    oat_chan_ref(s);
    t->timer = oat_task_alarm_start(s->owner, oat_now_us() + (int64_t)t->timeout_ms * 1000,
                                    timed_out, timeout_drop, e);
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
    free(t->trailer);
    t->trailer = NULL;
    oat_chan *d = t->data;
    t->data = NULL;
    if (d) {
        data_tp *dt = d->tp;
        dt->session = NULL;
        oat_chan_release(d);
    }
}

/* The session is over: ERROR to the session and to a mail in progress. errnum: a reply
 * code or a WIP_SMTP_ERR_* (> 0), or a WIP_CERR_* (< 0). */
static void session_fail(oat_chan *s, smtp_tp *t, int errnum, const char *why)
{
    char name[48];
    const char *code = oat_err_name(&oat_wip_smtp_errors, errnum);   /* NULL: a reply code */
    oat_warn("%s: %s (errnum %d%s%s)", name_of(s, name, sizeof name), why, errnum,
             code ? ", " : "", code ? code : "");
    stop_timer(t);
    t->st = ST_DEAD;
    if (t->data)
        oat_chan_fail(t->data, errnum);
    end_mail(t);
    oat_chan_fail(s, errnum);
}

/* The application closed the session: QUIT was answered, or the server or the timer ended
 * it; the connection goes, and its end releases the session. */
static void quit_over(oat_chan *s, smtp_tp *t)
{
    stop_timer(t);
    t->st = ST_DEAD;
    oat_chan_close_inner(s);
}

static void refused(oat_chan *s, smtp_tp *t, const char *what)
{
    char why[256];
    snprintf(why, sizeof why, "the server refused %s: %d %.180s", what, t->code, t->text);
    /* Reply codes are 2xx..5xx (RFC 5321 §4.2): anything below would read as our own codes. */
    session_fail(s, t, t->code >= 200 ? t->code : WIP_SMTP_ERR_PROTOCOL, why);
}

/* ---- commands ---- */

/* Into the connection: a TCP channel takes what fits, an SSL channel all or -1 and at most
 * WIP_SSL_WRITE_MAX per write. */
int oat_smtp_conn_write(oat_chan *s, const void *buf, size_t len)
{
    if (oat_chan_inner_state(s) != WIP_CSTATE_READY || len == 0)
        return 0;
    if (len > WIP_SSL_WRITE_MAX)
        len = WIP_SSL_WRITE_MAX;
    return oat_chan_inner_write(s, buf, (uint32_t)len);
}

static void flush_out(oat_chan *s, smtp_tp *t)
{
    if (t->out_len == 0)
        return;
    int n = oat_smtp_conn_write(s, t->out, t->out_len);
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
    if (!t->grouping || sizeof t->out - t->out_len < 600)
        flush_out(s, t);
    oat_smtp_start_timer(s, t);
}

static void ready(oat_chan *s, smtp_tp *t)
{
    stop_timer(t);
    t->st = ST_READY;
    oat_session_opened(s, &t->opened);
}

static void start_auth(oat_chan *s, smtp_tp *t)
{
    if (t->auth == WIP_SMTP_AUTH_NONE || (!t->user && t->auth != WIP_SMTP_AUTH_ANONYMOUS)) {
        ready(s, t);
        return;
    }
    t->method = oat_smtp_auth_method(t->auth, t->caps.auth);
    if (t->method < 0) {
        session_fail(s, t, WIP_SMTP_ERR_AUTH, "the server offers no AUTH method that fits the "
                     "one asked (WIP_COPT_SMTP_AUTH_TYPE)");
        return;
    }
    if (!t->tls && t->security != WIP_SMTP_SEC_NONE && !t->clear_auth &&
        t->method != WIP_SMTP_AUTH_ANONYMOUS) {
        session_fail(s, t, WIP_SMTP_ERR_CLEAR, "the session is not encrypted: the credentials "
                     "are not sent (WIP_COPT_SMTP_CLEAR_AUTH allows it)");
        return;
    }
    char cmd[900];
    if (oat_smtp_auth_first(t->method, t->user, t->password, cmd, sizeof cmd) != 0) {
        session_fail(s, t, WIP_SMTP_ERR_AUTH, "the user name or password is too long");
        return;
    }
    t->st = ST_AUTH;
    t->auth_step = 0;
    send_cmd(s, "%s", cmd);
}

/* 334: the method's next answer. */
static void auth_challenge(oat_chan *s, smtp_tp *t)
{
    char answer[900];
    int rc = oat_smtp_auth_answer(t->method, t->auth_step++, t->text, t->user, t->password,
                                  answer, sizeof answer);
    if (rc == OAT_AUTH_BAD_CHALLENGE)
        session_fail(s, t, WIP_SMTP_ERR_PROTOCOL, "the server's AUTH challenge is not base64 or "
                     "decodes to more than 512 bytes");
    else if (rc == OAT_AUTH_TOO_LONG)
        session_fail(s, t, WIP_SMTP_ERR_AUTH, "the user name or password is too long");
    else if (rc != 0)
        refused(s, t, "the authentication exchange");
    else
        send_cmd(s, "%s", answer);
}

static bool needs_utf8(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++)
        if (*p >= 0x80)
            return true;
    return false;
}

/* An address of the mail is UTF-8 (SMTPUTF8 needed). */
static bool mail_needs_utf8(const data_tp *dt)
{
    return needs_utf8(dt->sender) || needs_utf8(dt->to) || needs_utf8(dt->cc) ||
           needs_utf8(dt->bcc);
}

static void send_rcpt(oat_chan *s, smtp_tp *t, const char *addr)
{
    data_tp *dt = t->data->tp;
    if (t->caps.dsn && dt->notify)
        send_cmd(s, "RCPT TO:<%s> NOTIFY=%s ORCPT=rfc822;%s", addr, dt->notify, addr);
    else
        send_cmd(s, "RCPT TO:<%s>", addr);
}

static void start_body(oat_chan *s, smtp_tp *t);

/* After the recipients: DATA, or straight to the body with BDAT. */
static void after_rcpts(oat_chan *s, smtp_tp *t)
{
    if (t->bdat) {
        start_body(s, t);
    } else {
        t->st = ST_DATA;
        if (!t->pipelined)
            send_cmd(s, "DATA");
    }
}

static void next_rcpt(oat_chan *s, smtp_tp *t)
{
    if (t->pipelined) {                 /* all were sent already: count the replies */
        t->st = ST_RCPT;
        if (--t->replies_due <= (t->bdat ? 0 : 1))
            after_rcpts(s, t);
        return;
    }
    if (t->rcpt_i < t->nrcpt) {
        t->st = ST_RCPT;
        send_rcpt(s, t, t->rcpt[t->rcpt_i++]);
    } else {
        after_rcpts(s, t);
    }
}

/* MAIL FROM with the parameters the server offers, then the recipients (at once with
 * PIPELINING, and DATA with them). */
static void start_mail(oat_chan *s, smtp_tp *t, const char *from)
{
    data_tp *dt = t->data->tp;
    char params[600] = "";
    size_t n = 0;
    if (t->caps.size && dt->size)
        n += (size_t)snprintf(params + n, sizeof params - n, " SIZE=%u", (unsigned)dt->size);
    if (t->caps.eightbit)
        n += (size_t)snprintf(params + n, sizeof params - n, " BODY=8BITMIME");
    if (t->caps.utf8 && mail_needs_utf8(dt))
        n += (size_t)snprintf(params + n, sizeof params - n, " SMTPUTF8");
    if (t->caps.dsn && dt->ret)
        n += (size_t)snprintf(params + n, sizeof params - n, " RET=%s", dt->ret);
    if (t->caps.dsn && dt->envid)
        snprintf(params + n, sizeof params - n, " ENVID=%s", dt->envid);
    t->bdat = t->use_chunking && t->caps.chunking;
    t->pipelined = t->use_pipelining && t->caps.pipelining;
    t->st = ST_MAIL;
    t->grouping = t->pipelined;
    send_cmd(s, "MAIL FROM:<%s>%s", from, params);
    if (t->pipelined) {
        for (int i = 0; i < t->nrcpt && t->st != ST_DEAD; i++)
            send_rcpt(s, t, t->rcpt[i]);
        if (t->st == ST_DEAD)
            return;                     /* a command did not fit: the session failed */
        t->rcpt_i = t->nrcpt;
        t->replies_due = t->nrcpt + (t->bdat ? 0 : 1);   /* RCPTs (and DATA) */
        if (!t->bdat)
            send_cmd(s, "DATA");
        t->grouping = false;
        flush_out(s, t);
    }
}

static void start_body(oat_chan *s, smtp_tp *t)
{
    data_tp *dt = t->data->tp;
    t->st = ST_BODY;
    stop_timer(t);
    t->body = (oat_smtp_body){ .line_start = true, .no_stuffing = t->bdat };
    t->tx_len = 0;
    t->mime_rtc = oat_rtc_seconds();
    t->consumed = 0;
    t->part_i = -1;
    if (dt->format_header) {
        oat_smtp_header_fields f = { dt->sender, dt->sender_name, dt->to, dt->cc, dt->subject,
                                     dt->reply_to, t->ehlo, t->mime_rtc, t->data->serial,
                                     dt->attachments != NULL || dt->multipart };
        t->header = oat_smtp_header(&f);
        t->header_off = 0;
    }
    oat_chan_opened(t->data);
    oat_smtp_pump(s);
}

/* 220 to STARTTLS: TLS over the same connection, then EHLO again. */
static void start_tls(oat_chan *s, smtp_tp *t)
{
    char name[48];
    name_of(s, name, sizeof name);
    oat_chan *ssl = oat_ssl_wrap(name, oat_chan_inner(s), t->server, oat_chan_inner_handler, s);
    if (!ssl) {
        session_fail(s, t, WIP_SMTP_ERR_TLS, "TLS cannot start (wip_SSLInit first)");
        return;
    }
    oat_chan_adopt(s, ssl, name);
    t->tls = true;
    t->st = ST_TLS_WAIT;
    oat_smtp_reader_reset(&t->rd);
    oat_smtp_start_timer(s, t);
}

/* After EHLO: STARTTLS when wanted, else AUTH. */
static void after_ehlo(oat_chan *s, smtp_tp *t)
{
    bool want_tls = !t->tls && (t->security == WIP_SMTP_SEC_STARTTLS ||
                                t->security == WIP_SMTP_SEC_STARTTLS_IF_OFFERED);
    if (want_tls && t->caps.starttls) {
        t->st = ST_STARTTLS;
        send_cmd(s, "STARTTLS");
    } else if (want_tls && t->security == WIP_SMTP_SEC_STARTTLS) {
        session_fail(s, t, WIP_SMTP_ERR_TLS, "STARTTLS is required and the server does not "
                     "offer it: nothing more is sent");
    } else {
        start_auth(s, t);
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
            oat_smtp_capabilities(t->text, &t->caps);
            after_ehlo(s, t);
        } else if (t->tls || t->security == WIP_SMTP_SEC_STARTTLS) {
            refused(s, t, "EHLO");
        } else {
            t->st = ST_HELO;
            send_cmd(s, "HELO %s", t->ehlo);
        }
        break;
    case ST_HELO:
        if (c != 250)
            return refused(s, t, "HELO");
        memset(&t->caps, 0, sizeof t->caps);
        after_ehlo(s, t);
        break;
    case ST_STARTTLS:
        if (c != 220)
            return refused(s, t, "STARTTLS");
        start_tls(s, t);
        break;
    case ST_AUTH:
        if (c == 334)
            return auth_challenge(s, t);
        if (c != 235)
            return refused(s, t, "the credentials");
        ready(s, t);
        break;
    case ST_OPERATION:                  /* VRFY, ETRN: the code is the result */
        ready(s, t);
        oat_chan_event(s, WIP_CEV_DONE, 0);
        break;
    case ST_MAIL:
        if (c != 250)
            return refused(s, t, "the sender (MAIL FROM)");
        if (t->pipelined)
            t->st = ST_RCPT;            /* the recipients' replies follow */
        else
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
    case ST_BDAT:
        if (c != 250)
            return refused(s, t, "a BDAT chunk");
        t->st = ST_BODY;
        stop_timer(t);
        oat_smtp_pump(s);
        break;
    case ST_END:
        if (c != 250)
            return refused(s, t, "the mail");
        ready(s, t);
        end_mail(t);
        oat_chan_event(s, WIP_CEV_DONE, 0);
        break;
    case ST_QUIT:
        quit_over(s, t);
        break;
    default:
        break;
    }
}

void oat_smtp_pump(oat_chan *s)
{
    smtp_tp *t = s->tp;
    flush_out(s, t);
    if ((t->st != ST_BODY && t->st != ST_BDAT && t->st != ST_END) || !t->data ||
        oat_chan_inner_state(s) != WIP_CSTATE_READY)
        return;
    if (t->bdat)
        oat_smtp_pump_bdat(s, t, t->data);
    else
        oat_smtp_pump_data(s, t, t->data);
}

static void read_replies(oat_chan *s, smtp_tp *t)
{
    char buf[2048];
    int n;
    while ((n = oat_chan_inner_read(s, buf, sizeof buf)) > 0) {
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

/* Events of the connection (TCP or SSL), in the owner task, lock held. */
static void session_inner_event(oat_chan *s, const wip_event_t *ev)
{
    smtp_tp *t = s->tp;
    if (t->st != ST_DEAD) {
        switch (ev->kind) {
        case WIP_CEV_OPEN:
            if (t->st == ST_TLS_WAIT) { /* STARTTLS done: EHLO again, over TLS */
                t->st = ST_EHLO;
                send_cmd(s, "EHLO %s", t->ehlo);
            } else {
                oat_smtp_start_timer(s, t);      /* the greeting has a timeout of its own */
            }
            break;
        case WIP_CEV_READ:
            read_replies(s, t);
            break;
        case WIP_CEV_WRITE:
            oat_smtp_pump(s);
            break;
        case WIP_CEV_PEER_CLOSE:
        case WIP_CEV_INVALID:           /* the TLS session ended */
            read_replies(s, t);
            if (t->st == ST_QUIT)
                quit_over(s, t);        /* ended before or instead of its 221 */
            if (t->st == ST_DEAD)
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
            if (t->tls && ev->content.error.errnum > 0)  /* the Security library's own code */
                session_fail(s, t, WIP_SMTP_ERR_TLS,
                             ev->content.error.errnum == WIP_SSL_ERR_CERTIFICATE
                                 ? "TLS failed: the server's certificate did not verify"
                                 : "TLS failed: no common version or suite, or a broken record");
            else
                session_fail(s, t, ev->content.error.errnum, "the connection to the server failed");
            break;
        default:
            break;
        }
    }
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
            quit_over(e->s, t);
        } else {
            session_fail(e->s, t, WIP_CERR_TIMEOUT, "no reply from the server in time");
        }
    }
    oat_chan_unref(e->s);
    oat_wip_unlock();
    free(e);
}

/* ---- the session channel ---- */

int oat_smtp_set_string(char **field, const char *v)
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
    if (opt == WIP_COPT_SMTP_VRFY || opt == WIP_COPT_SMTP_ETRN) {
        if (t->st != ST_READY || t->data || !v->str || !*v->str || strpbrk(v->str, "\r\n"))
            return t->st != ST_READY || t->data ? WIP_CERR_CSTATE : WIP_CERR_INVALID;
        t->st = ST_OPERATION;
        send_cmd(s, "%s %s", opt == WIP_COPT_SMTP_VRFY ? "VRFY" : "ETRN", v->str);
        return 0;
    }
    if (oat_chan_inner(s) && opt != WIP_COPT_TIMEOUT)
        return WIP_CERR_CSTATE;         /* connection options come with the create call */
    switch (opt) {
    case WIP_COPT_SMTP_SECURITY:
        if (v->num > WIP_SMTP_SEC_TLS)
            return WIP_CERR_OUT_OF_RANGE;
        t->security = (int)v->num;
        return 0;
    case WIP_COPT_SMTP_CLEAR_AUTH: t->clear_auth = v->num != 0; return 0;
    case WIP_COPT_SMTP_PIPELINING: t->use_pipelining = v->num != 0; return 0;
    case WIP_COPT_SMTP_CHUNKING: t->use_chunking = v->num != 0; return 0;
    case WIP_COPT_PEER_PORT:
        if (v->num == 0 || v->num > OAT_PORT_MAX)
            return WIP_CERR_OUT_OF_RANGE;
        s->peer_port = (uint16_t)v->num;
        return 0;
    case WIP_COPT_USER: return oat_smtp_set_string(&t->user, v->str);
    case WIP_COPT_PASSWORD: return oat_smtp_set_string(&t->password, v->str);
    case WIP_COPT_SMTP_AUTH_TYPE:
        if (v->num > WIP_SMTP_AUTH_BEST)
            return WIP_CERR_OUT_OF_RANGE;
        t->auth = (int)v->num;
        return 0;
    case WIP_COPT_SMTP_EHLO:
        if (!v->str || !*v->str || strlen(v->str) >= sizeof t->ehlo || strpbrk(v->str, " \r\n"))
            return WIP_CERR_INVALID;
        snprintf(t->ehlo, sizeof t->ehlo, "%s", v->str);
        return 0;
    case WIP_COPT_TIMEOUT:
        if (v->num < 1 || v->num > OAT_MS_PER_HOUR)
            return WIP_CERR_OUT_OF_RANGE;
        t->timeout_ms = v->num;
        return 0;
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}

int oat_smtp_status_code(smtp_tp *t, const oat_optval *v)
{
    *(u32 *)v->ptr = t->code > 0 ? (u32)t->code : 0;
    *(ascii **)v->ptr2 = t->text;
    return 0;
}

static int session_get_opt(oat_chan *s, int opt, const oat_optval *v)
{
    smtp_tp *t = s->tp;
    switch (opt) {
    case WIP_COPT_SMTP_STATUS_CODE: return oat_smtp_status_code(t, v);
    case WIP_COPT_PEER_PORT: *(u16 *)v->ptr = s->peer_port; return 0;
    case WIP_COPT_SMTP_AUTH_TYPE: *(u32 *)v->ptr = (u32)t->auth; return 0;
    case WIP_COPT_TIMEOUT: *(u32 *)v->ptr = t->timeout_ms; return 0;
    case WIP_COPT_SMTP_SECURITY: *(u32 *)v->ptr = (u32)t->security; return 0;
    case WIP_COPT_SMTP_CLEAR_AUTH: *(bool *)v->ptr = t->clear_auth; return 0;
    case WIP_COPT_SMTP_PIPELINING: *(bool *)v->ptr = t->use_pipelining; return 0;
    case WIP_COPT_SMTP_CHUNKING: *(bool *)v->ptr = t->use_chunking; return 0;
    default: return WIP_CERR_NOT_SUPPORTED;
    }
}

static void session_close(oat_chan *s)
{
    smtp_tp *t = s->tp;
    end_mail(t);                        /* a mail in progress is dropped with the session */
    if (!oat_chan_inner(s)) {
        stop_timer(t);
        oat_chan_release(s);
    } else if (oat_chan_inner_state(s) == WIP_CSTATE_READY && t->st != ST_DEAD &&
               t->st != ST_GREETING) {
        t->st = ST_QUIT;
        send_cmd(s, "QUIT");
    } else {
        stop_timer(t);
        t->st = ST_DEAD;
        oat_chan_close_inner(s);
    }
}

static int session_abort(oat_chan *s)
{
    smtp_tp *t = s->tp;
    end_mail(t);
    stop_timer(t);
    t->st = ST_DEAD;
    oat_chan_abort_inner(s);
    return 0;
}

static void session_destroy(oat_chan *s)
{
    smtp_tp *t = s->tp;
    if (!t)
        return;
    end_mail(t);
    /* Armed, the alarm holds a reference, so only the module's stop destroys a session with
     * a reply awaited: its event goes with the session (the channel itself is being freed). */
    if (t->timer && oat_task_alarm_cancel(t->timer))
        free(t->timer_ev);
    oat_io_wait_end(t->wait_token);
    free(t->user);
    free(t->password);
    free(t);
    s->tp = NULL;
}

static oat_chan *session_put_file(oat_chan *s, const char *file, wip_eventHandler_f evh,
                                  void *ctx, int opt, va_list *ap, const char *fn);

static const oat_chan_ops session_ops = {
    .type = "SMTP client",
    .read = oat_session_no_read,
    .write = oat_session_no_write,
    .set_opt = session_set_opt,
    .get_opt = session_get_opt,
    .close = session_close,
    .abort = session_abort,
    .destroy = session_destroy,
    .put_file = session_put_file,
    .inner_event = session_inner_event,
};

/* MAIL FROM the sender, RCPT TO every To, Cc and Bcc address. */
static char **recipients(const data_tp *dt, int *count)
{
    char list[4096];
    snprintf(list, sizeof list, "%s%s%s%s%s", dt->to, dt->cc ? "," : "", dt->cc ? dt->cc : "",
             dt->bcc ? "," : "", dt->bcc ? dt->bcc : "");
    return oat_smtp_addresses(list, count);
}

/* SMTP ignores the file name: the mail's envelope comes from the options. */
static oat_chan *session_put_file(oat_chan *s, const char *file, wip_eventHandler_f evh,
                                  void *ctx, int opt, va_list *ap, const char *fn)
{
    (void)file;
    smtp_tp *t = s->tp;
    char name[48];
    if (t->st != ST_READY || t->data) {
        oat_warn("%s: %s is %s (WIP_CERR_CSTATE): no data channel", fn,
                 name_of(s, name, sizeof name),
                 t->data ? "sending a mail already" : "not open");
        return NULL;
    }
    oat_chan *d = oat_chan_new_tp(&oat_smtp_data_ops, evh, ctx, true, sizeof(data_tp), fn);
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
    const char *why = NULL;
    if (dt->size && t->caps.size && t->caps.size != UINT32_MAX && dt->size > t->caps.size)
        why = "the declared size is over the server's SIZE limit (WIP_SMTP_ERR_SIZE)";
    else if (!t->caps.utf8 && mail_needs_utf8(dt))
        why = "UTF-8 addresses and the server does not offer SMTPUTF8 (WIP_SMTP_ERR_UTF8)";
    if (why) {
        oat_warn("%s: %s: no data channel", fn, why);
        oat_smtp_addresses_free(rcpt);
        oat_chan_discard(d);
        return NULL;
    }
    dt->session = s;
    t->data = d;
    t->rcpt = rcpt;
    t->nrcpt = n;
    t->rcpt_i = 0;
    char **one = oat_smtp_addresses(dt->sender, &n);
    start_mail(s, t, one && n == 1 ? one[0] : "");
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
    t->use_pipelining = t->use_chunking = true;
    snprintf(t->server, sizeof t->server, "%s", server);
    snprintf(t->ehlo, sizeof t->ehlo, "openat-module");
    s->peer_port = SMTP_DEFAULT_PORT;
    if (ap && oat_chan_set_list(s, fn, opt, ap) != 0) {
        oat_chan_discard(s);
        oat_wip_unlock();
        return NULL;
    }
    if (t->auth != WIP_SMTP_AUTH_NONE && !t->user)
        oat_warn("%s: an AUTH type without WIP_COPT_USER: no authentication is done", fn);
    t->tls = t->security == WIP_SMTP_SEC_TLS;
    oat_chan *in = t->tls ? oat_ssl_client(fn, server, s->peer_port, oat_chan_inner_handler, s)
                          : oat_tcp_client_create(fn, server, s->peer_port,
                                                  oat_chan_inner_handler, s, WIP_COPT_END, NULL);
    if (!in) {
        oat_chan_discard(s);
        oat_wip_unlock();
        return NULL;
    }
    oat_chan_adopt(s, in, fn);
    /* A chunk goes in pieces as the TCP channel takes them, then waits for its reply: no
     * Nagle delay behind the last piece (40 ms per chunk against a delayed ACK). */
    oat_chan_inner_set_opt(s, WIP_COPT_NODELAY, &(oat_optval){ .num = 1 });
    t->st = ST_GREETING;
    oat_smtp_start_timer(s, t);     /* the connect and the TLS handshake are awaited too */
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
