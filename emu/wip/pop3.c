/* pop3.c: oatemu's POP3 client (RFC 1939), in the Internet library's pattern: a session
 * channel over a WIP TCP client (greeting; CAPA and STLS (RFC 2595), or TLS from the start,
 * when asked; APOP or USER and PASS; STAT, LIST and UIDL (the per-message sizes and ids
 * kept for wip_getOpts), then OPEN) and one message at a time as a
 * wip_getFile data channel: RETR N, the message's lines into the data channel's receive ring
 * as they fit (dot-stuffing undone, CRLF kept), PEER_CLOSE at the final ".", DELE when
 * asked, then DONE on the session. -ERR gives ERROR (WIP_POP3_ERR_REFUSED). */
#include "wip/wip_internal.h"
#include "wip/wip_errors.h"
#include "wip_pop3.h"
#include "wip_ssl.h"
#include "core/calls.h"
#include "core/log.h"

#include <openssl/evp.h>

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define POP3_DEFAULT_PORT 110
#define POP3S_DEFAULT_PORT 995
#define POP3_DEFAULT_TIMEOUT_MS 60000u
#define POP3_LISTED_MAX 4096u           /* messages whose LIST size and UIDL id are kept */
#define POP3_UID_MAX 70                 /* RFC 1939 section 7: a unique id's length at most */

typedef enum { PS_GREETING, PS_CAPA, PS_CAPA_LIST, PS_STLS, PS_TLS_WAIT, PS_APOP, PS_USER,
               PS_PASS, PS_STAT, PS_LIST, PS_LIST_LINES, PS_UIDL, PS_UIDL_LINES, PS_READY,
               PS_RETR, PS_BODY, PS_DELE, PS_QUIT, PS_DEAD } pop3_state;

typedef struct {
    pop3_state st;
    bool opened;
    char *user, *password;
    int auth;                       /* WIP_POP3_AUTH_* */
    int security;                   /* WIP_POP3_SEC_* */
    bool port_given;                /* WIP_COPT_PEER_PORT: no default of the security */
    bool tls;                       /* the connection is (or becomes) TLS */
    bool offers_stls;               /* CAPA listed STLS */
    char server[256];               /* the name TLS checks */
    char stamp[256];                /* the greeting's <timestamp> (APOP), or "" */
    uint32_t timeout_ms;
    oat_chan_timer timer;
    u32 count, size;                /* STAT */
    u32 listed;                     /* messages 1..listed have an entry in sizes and ids */
    u32 *sizes;                     /* LIST: message i+1's octets */
    char **ids;                     /* UIDL: message i+1's unique id, NULL when none */
    char text[512];                 /* the last reply's text */
    char in[4096];                  /* bytes read from the connection, not used yet */
    size_t in_len;
    bool line_start;                /* message: the next byte begins a line */
    oat_chan *data;                 /* the message being read */
    unsigned msg;
    char out[600];
    size_t out_len;
} pop3_tp;

typedef struct {
    oat_chan *session;
    bool delete_after;
} pop3_data_tp;

static const oat_chan_ops session_ops, data_ops;

static void timed_out(oat_chan *s);

/* Into the connection once it is open (TCP takes what fits, SSL all or nothing). */
static void flush_out(oat_chan *s, pop3_tp *t)
{
    if (t->out_len == 0 || oat_chan_inner_state(s) != WIP_CSTATE_READY)
        return;
    int w = oat_chan_inner_write(s, t->out, (uint32_t)t->out_len);
    if (w > 0) {
        memmove(t->out, t->out + w, t->out_len - (size_t)w);
        t->out_len -= (size_t)w;
    }
}

/* A command (its argument at most 255 bytes, the options' limit) and its reply timeout. */
static void send_cmd(oat_chan *s, pop3_tp *t, const char *cmd, const char *arg)
{
    int n = snprintf(t->out + t->out_len, sizeof t->out - t->out_len, "%s%s%s\r\n", cmd,
                     arg ? " " : "", arg ? arg : "");
    if (n > 0 && (size_t)n < sizeof t->out - t->out_len)
        t->out_len += (size_t)n;
    flush_out(s, t);
    oat_chan_timer_start(&t->timer, s, t->timeout_ms, timed_out);
}

/* The message is over for the session: ERROR (err) or PEER_CLOSE on its data channel. */
static void let_go_of_data(pop3_tp *t, int err)
{
    oat_chan *d = t->data;
    t->data = NULL;
    if (!d)
        return;
    ((pop3_data_tp *)d->tp)->session = NULL;
    if (err)
        oat_chan_fail(d, err);
    else
        oat_chan_peer_closed(d);
    oat_chan_release(d);
}

static void session_fail(oat_chan *s, pop3_tp *t, int err, const char *why)
{
    char name[48];
    bool ssl_err = t->tls && err > 0 && err < WIP_POP3_ERR_REFUSED;
    const char *code = oat_err_name(ssl_err ? &oat_wip_ssl_errors : &oat_wip_pop3_errors, err);
    oat_warn("%s: %s (errnum %d%s%s): %.200s", oat_chan_name(s, name, sizeof name), why, err,
             code ? ", " : "", code ? code : "", t->text);
    oat_chan_timer_stop(&t->timer);
    let_go_of_data(t, err);
    t->st = PS_DEAD;
    oat_chan_fail(s, err);
}

static void message_end(oat_chan *s, pop3_tp *t, int err)
{
    oat_chan_timer_stop(&t->timer);
    t->st = PS_READY;
    let_go_of_data(t, err);
    oat_chan_event(s, err ? WIP_CEV_ERROR : WIP_CEV_DONE, err);
}

/* The greeting's <timestamp> (RFC 1939 section 7), brackets included; "" when it has none. */
static void take_stamp(pop3_tp *t)
{
    const char *open = strchr(t->text, '<');
    const char *close = open ? strchr(open, '>') : NULL;
    size_t n = close ? (size_t)(close - open) + 1 : 0;
    t->stamp[0] = '\0';
    if (n > 2 && n < sizeof t->stamp && memchr(open, '@', n))
        snprintf(t->stamp, sizeof t->stamp, "%.*s", (int)n, open);
}

/* APOP user md5hex(timestamp password) when asked for and offered, else USER. */
static void log_in(oat_chan *s, pop3_tp *t)
{
    bool apop = t->auth == WIP_POP3_AUTH_APOP || (t->auth == WIP_POP3_AUTH_BEST && t->stamp[0]);
    if (!apop) {
        t->st = PS_USER;
        send_cmd(s, t, "USER", t->user ? t->user : "");
        return;
    }
    if (!t->stamp[0])
        return session_fail(s, t, WIP_POP3_ERR_APOP, "APOP is required and the greeting has no "
                            "<timestamp>: nothing more is sent");
    const char *pass = t->password ? t->password : "";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    char both[sizeof t->stamp + 256], arg[256 + 1 + 2 * EVP_MAX_MD_SIZE + 1];
    int n = snprintf(both, sizeof both, "%s%s", t->stamp, pass);
    if (!EVP_Digest(both, (size_t)n, md, &mdlen, EVP_md5(), NULL))
        return session_fail(s, t, WIP_CERR_INTERNAL, "no MD5 for APOP");
    size_t r = (size_t)snprintf(arg, sizeof arg, "%s ", t->user ? t->user : "");
    for (unsigned i = 0; i < mdlen; i++, r += 2)
        snprintf(arg + r, sizeof arg - r, "%02x", md[i]);
    t->st = PS_APOP;
    send_cmd(s, t, "APOP", arg);
}

/* TLS over the connection (after STLS, or from the start): the SSL channel wraps the TCP
 * one and becomes the session's inner channel; its OPEN ends the handshake. */
static void start_tls(oat_chan *s, pop3_tp *t)
{
    char name[48];
    oat_chan_name(s, name, sizeof name);
    oat_chan *ssl = oat_ssl_wrap(name, oat_chan_inner(s), t->server, oat_chan_inner_handler, s);
    if (!ssl)
        return session_fail(s, t, WIP_POP3_ERR_TLS, "TLS cannot start (wip_SSLInit first)");
    oat_chan_adopt(s, ssl, name);
    t->tls = true;
    oat_chan_timer_start(&t->timer, s, t->timeout_ms, timed_out);
}

/* After CAPA (RFC 2595): STLS when wanted and offered, else the login or an error. */
static void after_capa(oat_chan *s, pop3_tp *t)
{
    if (t->offers_stls) {
        t->st = PS_STLS;
        send_cmd(s, t, "STLS", NULL);
    } else if (t->security == WIP_POP3_SEC_STLS) {
        session_fail(s, t, WIP_POP3_ERR_TLS, "STLS is required and the server does not offer "
                     "it: nothing more is sent");
    } else {
        log_in(s, t);
    }
}

/* One line of the CAPA list: STLS is the capability looked for; "." ends it. */
static void on_capa_line(oat_chan *s, pop3_tp *t, const char *line)
{
    if (strcmp(line, ".") == 0)
        return after_capa(s, t);
    line += line[0] == '.';             /* dot-stuffed */
    if (strncasecmp(line, "STLS", 4) == 0 && (line[4] == '\0' || line[4] == ' '))
        t->offers_stls = true;
}

/* The greeting is in: CAPA when STLS is asked for, else the login. */
static void after_greeting(oat_chan *s, pop3_tp *t)
{
    take_stamp(t);
    if (!t->tls && t->security != WIP_POP3_SEC_NONE) {
        t->st = PS_CAPA;
        send_cmd(s, t, "CAPA", NULL);
    } else {
        log_in(s, t);
    }
}

/* Logged in and the mailbox listed: OPEN. */
static void logged_in(oat_chan *s, pop3_tp *t)
{
    oat_chan_timer_stop(&t->timer);
    t->st = PS_READY;
    oat_session_opened(s, &t->opened);
}

/* After STAT: room for the first POP3_LISTED_MAX messages' sizes and ids, then LIST. */
static void start_listing(oat_chan *s, pop3_tp *t)
{
    if (t->count == 0)
        return logged_in(s, t);
    u32 n = t->count < POP3_LISTED_MAX ? t->count : POP3_LISTED_MAX;
    t->sizes = calloc(n, sizeof *t->sizes);
    t->ids = calloc(n, sizeof *t->ids);
    if (!t->sizes || !t->ids)
        return session_fail(s, t, WIP_CERR_MEMORY, "no memory for the message list");
    t->listed = n;
    t->st = PS_LIST;
    send_cmd(s, t, "LIST", NULL);
}

static void free_listing(pop3_tp *t)
{
    for (u32 i = 0; t->ids && i < t->listed; i++)
        free(t->ids[i]);
    free(t->ids);
    free(t->sizes);
}

/* A unique id (RFC 1939 section 7): 1 to 70 characters from 0x21 to 0x7E. */
static bool is_uid(const char *id)
{
    size_t n = 0;
    for (; id[n]; n++)
        if (id[n] < 0x21 || id[n] > 0x7e || n == POP3_UID_MAX)
            return false;
    return n > 0;
}

/* One line of the LIST or UIDL listing ("N size" or "N id"); "." ends it (after LIST,
 * UIDL). A message numbered above POP3_LISTED_MAX is skipped; a line of another shape, or
 * a number above STAT's count, is WIP_POP3_ERR_PROTOCOL. */
static void on_listing_line(oat_chan *s, pop3_tp *t, const char *line)
{
    bool uidl = t->st == PS_UIDL_LINES;
    if (strcmp(line, ".") == 0) {
        if (uidl)
            return logged_in(s, t);
        t->st = PS_UIDL;
        return send_cmd(s, t, "UIDL", NULL);
    }
    line += line[0] == '.';             /* dot-stuffed */
    char *end = NULL;
    unsigned long n = isdigit((unsigned char)line[0]) ? strtoul(line, &end, 10) : 0;
    const char *arg = end && *end == ' ' ? end + 1 : "";
    unsigned long size = isdigit((unsigned char)arg[0]) ? strtoul(arg, &end, 10) : ULONG_MAX;
    bool good = n > 0 && n <= t->count &&
                (uidl ? is_uid(arg) : size <= UINT32_MAX && (*end == '\0' || *end == ' '));
    if (!good) {
        snprintf(t->text, sizeof t->text, "%s", line);
        return session_fail(s, t, WIP_POP3_ERR_PROTOCOL, uidl ? "a UIDL line is not \"N id\""
                                                              : "a LIST line is not \"N size\"");
    }
    if (n > t->listed)
        return;
    if (!uidl) {
        t->sizes[n - 1] = (u32)size;
        return;
    }
    char *copy = strdup(arg);
    if (!copy)
        return session_fail(s, t, WIP_CERR_MEMORY, "no memory for a UIDL id");
    free(t->ids[n - 1]);
    t->ids[n - 1] = copy;
}

/* One status line ("+OK ..." or "-ERR ..."). */
static void on_status(oat_chan *s, pop3_tp *t, const char *line)
{
    bool ok = strncmp(line, "+OK", 3) == 0;
    if (!ok && strncmp(line, "-ERR", 4) != 0) {
        session_fail(s, t, WIP_POP3_ERR_PROTOCOL, "the server's reply is not POP3");
        return;
    }
    snprintf(t->text, sizeof t->text, "%s", line + (ok ? 3 : 4) + (line[ok ? 3 : 4] == ' '));
    switch (t->st) {
    case PS_GREETING:
    case PS_APOP:
    case PS_USER:
    case PS_PASS:
        if (!ok)
            return session_fail(s, t, WIP_POP3_ERR_REFUSED, "the server refused the login");
        if (t->st == PS_GREETING) {
            after_greeting(s, t);
        } else if (t->st == PS_USER) {
            t->st = PS_PASS;
            send_cmd(s, t, "PASS", t->password ? t->password : "");
        } else {
            t->st = PS_STAT;
            send_cmd(s, t, "STAT", NULL);
        }
        break;
    case PS_CAPA:
        if (ok)
            t->st = PS_CAPA_LIST;
        else
            after_capa(s, t);           /* no capabilities known: no STLS */
        break;
    case PS_STLS:
        if (!ok)
            return session_fail(s, t, WIP_POP3_ERR_TLS, "the server refused STLS");
        t->st = PS_TLS_WAIT;
        start_tls(s, t);
        break;
    case PS_STAT:
        if (!ok || sscanf(t->text, "%u %u", &t->count, &t->size) != 2)
            return session_fail(s, t, ok ? WIP_POP3_ERR_PROTOCOL : WIP_POP3_ERR_REFUSED,
                                "STAT failed");
        start_listing(s, t);
        break;
    case PS_LIST:
        if (!ok)
            return session_fail(s, t, WIP_POP3_ERR_REFUSED, "LIST failed");
        t->st = PS_LIST_LINES;
        break;
    case PS_UIDL:
        if (ok)
            t->st = PS_UIDL_LINES;
        else
            logged_in(s, t);            /* no UIDL (optional in RFC 1939): the ids stay NULL */
        break;
    case PS_RETR:
        if (!ok)
            return message_end(s, t, WIP_POP3_ERR_REFUSED);
        oat_chan_timer_stop(&t->timer);
        t->st = PS_BODY;
        t->line_start = true;
        if (t->data && !t->data->app_closed) {
            t->data->state = WIP_CSTATE_READY;
            oat_chan_event(t->data, WIP_CEV_OPEN, 0);
        }
        break;
    case PS_DELE:
        message_end(s, t, ok ? 0 : WIP_POP3_ERR_REFUSED);
        break;
    case PS_QUIT:
        oat_session_quit_over(s, &t->timer);
        break;
    default:
        break;
    }
}

/* The end of a message: DELE when asked, else done. */
static void body_end(oat_chan *s, pop3_tp *t)
{
    pop3_data_tp *dt = t->data ? t->data->tp : NULL;
    if (dt && dt->delete_after) {
        char n[16];
        snprintf(n, sizeof n, "%u", t->msg);
        t->st = PS_DELE;
        send_cmd(s, t, "DELE", n);
        return;
    }
    message_end(s, t, 0);
}

/* Message bytes from t->in into the data channel's ring while it has room; false when they
 * must wait (room, or more bytes to tell a line's leading dot). */
static bool take_body(oat_chan *s, pop3_tp *t, size_t *off)
{
    oat_chan *d = t->data;
    while (*off < t->in_len) {
        const char *p = t->in + *off;
        size_t left = t->in_len - *off;
        if (t->line_start && p[0] == '.') {
            if (left < 3 && !(left >= 2 && p[1] != '\r'))
                return false;
            if (p[1] == '\r' && p[2] == '\n') {
                *off += 3;
                if (d)
                    oat_stream_received(d);
                body_end(s, t);
                return true;
            }
            (*off)++;                   /* a stuffed dot */
            t->line_start = false;
            continue;
        }
        const char *nl = memchr(p, '\n', left);
        size_t n = nl ? (size_t)(nl - p) + 1 : left;
        if (d && !d->app_closed) {
            uint32_t room = oat_ring_room(&d->rcv);
            if (room == 0)
                return false;
            if (n > room)
                n = room;
            oat_ring_put(&d->rcv, p, (uint32_t)n);
        }
        *off += n;
        t->line_start = p[n - 1] == '\n';
    }
    if (d)
        oat_stream_received(d);
    return true;
}

static void take_input(oat_chan *s, pop3_tp *t)
{
    for (;;) {
        size_t off = 0;
        while (off < t->in_len && t->st != PS_DEAD && t->st != PS_TLS_WAIT) {
            if (t->st == PS_BODY) {
                if (!take_body(s, t, &off))
                    break;
                continue;
            }
            char *nl = memchr(t->in + off, '\n', t->in_len - off);
            if (!nl)
                break;
            *nl = '\0';
            if (nl > t->in + off && nl[-1] == '\r')
                nl[-1] = '\0';
            const char *line = t->in + off;
            off = (size_t)(nl - t->in) + 1;
            if (t->st == PS_CAPA_LIST)
                on_capa_line(s, t, line);
            else if (t->st == PS_LIST_LINES || t->st == PS_UIDL_LINES)
                on_listing_line(s, t, line);
            else
                on_status(s, t, line);
        }
        if (t->st == PS_DEAD)
            return;
        if (t->st == PS_TLS_WAIT) {     /* what came in clear before TLS is dropped */
            t->in_len = 0;
            return;
        }
        memmove(t->in, t->in + off, t->in_len - off);
        t->in_len -= off;
        if (t->in_len == sizeof t->in && t->st != PS_BODY) {
            session_fail(s, t, WIP_POP3_ERR_PROTOCOL, "a reply line over 4096 bytes");
            return;
        }
        if (t->in_len == sizeof t->in)
            return;                     /* the application reads first */
        int n = oat_chan_inner_read(s, t->in + t->in_len, (uint32_t)(sizeof t->in - t->in_len));
        if (n <= 0)
            return;
        t->in_len += (size_t)n;
    }
}

static void session_inner_event(oat_chan *s, const wip_event_t *ev)
{
    pop3_tp *t = s->tp;
    if (t->st == PS_DEAD)
        return;
    int err = ev->kind == WIP_CEV_ERROR ? ev->content.error.errnum : 0;
    switch (ev->kind) {
    case WIP_CEV_OPEN:
        if (t->st == PS_TLS_WAIT)       /* STLS done: the login, over TLS */
            log_in(s, t);
        else
            flush_out(s, t);            /* a QUIT asked for during the handshake */
        break;
    case WIP_CEV_READ:
        take_input(s, t);
        break;
    case WIP_CEV_WRITE:
        flush_out(s, t);
        break;
    case WIP_CEV_PEER_CLOSE:
    case WIP_CEV_INVALID:               /* the TLS session ended */
        take_input(s, t);
        if (t->st == PS_QUIT)
            oat_session_quit_over(s, &t->timer);    /* ended before or instead of its +OK */
        else if (t->st != PS_DEAD)
            session_fail(s, t, WIP_CERR_PIPE_BROKEN, "the server closed the connection");
        break;
    case WIP_CEV_ERROR:                 /* positive: the Security library's WIP_SSL_ERR_* */
        session_fail(s, t, err, !t->tls || err <= 0 ? "the connection to the server failed"
                                : err == WIP_SSL_ERR_CERTIFICATE
                                    ? "TLS failed: the server's certificate did not verify"
                                    : "TLS failed: no common version or suite, or a broken record");
        break;
    default:
        break;
    }
}

static void timed_out(oat_chan *s)
{
    pop3_tp *t = s->tp;
    if (!t || t->st == PS_DEAD)
        return;
    if (t->st == PS_QUIT)
        oat_session_quit_over(s, &t->timer);
    else
        session_fail(s, t, WIP_CERR_TIMEOUT, "no reply from the server in time");
}

/* ---- the data channel ---- */

static void data_kick(oat_chan *d)
{
    pop3_data_tp *dt = d->tp;
    if (dt && dt->session)
        take_input(dt->session, dt->session->tp);
}

/* wip_close before the end: the rest of the message is read and dropped. */
static void data_close(oat_chan *d)
{
    pop3_data_tp *dt = d->tp;
    if (!dt->session)
        oat_chan_release(d);
    else
        take_input(dt->session, dt->session->tp);
}

static int data_set_opt(oat_chan *d, int opt, const oat_optval *v)
{
    pop3_data_tp *dt = d->tp;
    if (opt != WIP_COPT_POP3_DELETE)
        return WIP_CERR_NOT_SUPPORTED;
    dt->delete_after = v->num != 0;
    return 0;
}

static void data_destroy(oat_chan *d)
{
    pop3_data_tp *dt = d->tp;
    if (dt && dt->session && ((pop3_tp *)dt->session->tp)->data == d)
        ((pop3_tp *)dt->session->tp)->data = NULL;
    free(dt);
    d->tp = NULL;
}

static const oat_chan_ops data_ops = {
    .type = "POP3 message",
    .set_opt = data_set_opt,
    .kick = data_kick,
    .close = data_close,
    .destroy = data_destroy,
};

/* ---- the session channel ---- */

static oat_chan *session_get_file(oat_chan *s, const char *name, wip_eventHandler_f evh,
                                  void *ctx, int opt, va_list *ap, const char *fn)
{
    pop3_tp *t = s->tp;
    char *end = NULL;
    unsigned long n = name ? strtoul(name, &end, 10) : 0;
    if (t->st != PS_READY || t->data) {
        oat_warn("%s: the POP3 session is %s (WIP_CERR_CSTATE): no data channel", fn,
                 t->data ? "reading a message already" : "not ready");
        return NULL;
    }
    if (!name || end == name || *end || n == 0 || n > 999999) {
        oat_warn("%s: \"%s\" is no message number (WIP_CERR_INVALID): no data channel", fn,
                 name ? name : "(null)");
        return NULL;
    }
    oat_chan *d = oat_chan_new_tp(&data_ops, evh, ctx, true, sizeof(pop3_data_tp), fn);
    if (!d)
        return NULL;
    if (ap && oat_chan_set_list(d, fn, opt, ap) != 0) {
        oat_chan_discard(d);
        return NULL;
    }
    ((pop3_data_tp *)d->tp)->session = s;
    t->data = d;
    t->msg = (unsigned)n;
    t->st = PS_RETR;
    send_cmd(s, t, "RETR", name);
    return d;
}

static int session_set_opt(oat_chan *s, int opt, const oat_optval *v)
{
    pop3_tp *t = s->tp;
    if (opt == WIP_COPT_TIMEOUT) {
        if (v->num < 1 || v->num > 3600000)
            return WIP_CERR_OUT_OF_RANGE;
        t->timeout_ms = v->num;
        return 0;
    }
    char **field = opt == WIP_COPT_USER ? &t->user : opt == WIP_COPT_PASSWORD ? &t->password : NULL;
    if (opt != WIP_COPT_PEER_PORT && opt != WIP_COPT_POP3_AUTH && opt != WIP_COPT_POP3_SECURITY &&
        !field)
        return WIP_CERR_NOT_SUPPORTED;
    if (oat_chan_inner(s))
        return WIP_CERR_CSTATE;         /* with the create call */
    if (opt == WIP_COPT_PEER_PORT) {
        if (v->num == 0 || v->num > 65535)
            return WIP_CERR_OUT_OF_RANGE;
        s->peer_port = (uint16_t)v->num;
        t->port_given = true;
        return 0;
    }
    if (opt == WIP_COPT_POP3_SECURITY) {
        if (v->num > WIP_POP3_SEC_TLS)
            return WIP_CERR_OUT_OF_RANGE;
        t->security = (int)v->num;
        if (!t->port_given)
            s->peer_port = t->security == WIP_POP3_SEC_TLS ? POP3S_DEFAULT_PORT : POP3_DEFAULT_PORT;
        return 0;
    }
    if (opt == WIP_COPT_POP3_AUTH) {
        if (v->num > WIP_POP3_AUTH_APOP)
            return WIP_CERR_OUT_OF_RANGE;
        t->auth = (int)v->num;
        return 0;
    }
    if (!v->str || strpbrk(v->str, "\r\n") || strlen(v->str) > 255)
        return WIP_CERR_INVALID;
    char *copy = strdup(v->str);
    if (!copy)
        return WIP_CERR_MEMORY;
    free(*field);
    *field = copy;
    return 0;
}

static int session_get_opt(oat_chan *s, int opt, const oat_optval *v)
{
    pop3_tp *t = s->tp;
    switch (opt) {
    case WIP_COPT_POP3_COUNT: *(u32 *)v->ptr = t->count; return 0;
    case WIP_COPT_POP3_MAILBOX_SIZE: *(u32 *)v->ptr = t->size; return 0;
    case WIP_COPT_POP3_STATUS: *(ascii **)v->ptr = t->text; return 0;
    case WIP_COPT_POP3_LIST:
        *(const u32 **)v->ptr = t->opened ? t->sizes : NULL;
        *(u32 *)v->ptr2 = t->opened ? t->listed : 0;
        return 0;
    case WIP_COPT_POP3_UIDL:
        *(const ascii *const **)v->ptr = t->opened ? (const ascii *const *)t->ids : NULL;
        *(u32 *)v->ptr2 = t->opened ? t->listed : 0;
        return 0;
    case WIP_COPT_POP3_AUTH: *(u32 *)v->ptr = (u32)t->auth; return 0;
    case WIP_COPT_POP3_SECURITY: *(u32 *)v->ptr = (u32)t->security; return 0;
    case WIP_COPT_PEER_PORT: *(u16 *)v->ptr = s->peer_port; return 0;
    case WIP_COPT_TIMEOUT: *(u32 *)v->ptr = t->timeout_ms; return 0;
    default: return WIP_CERR_NOT_SUPPORTED;
    }
}

/* wip_close: QUIT (the server then deletes what DELE marked). */
static void session_close(oat_chan *s)
{
    pop3_tp *t = s->tp;
    let_go_of_data(t, WIP_CERR_ABORTED);
    if (oat_session_may_quit(s, t->st != PS_DEAD && t->st != PS_GREETING)) {
        t->st = PS_QUIT;
        send_cmd(s, t, "QUIT", NULL);
        return;
    }
    oat_chan_timer_stop(&t->timer);
    t->st = PS_DEAD;
    oat_session_let_go(s);
}

static int session_abort(oat_chan *s)
{
    pop3_tp *t = s->tp;
    let_go_of_data(t, WIP_CERR_ABORTED);
    oat_chan_timer_stop(&t->timer);
    t->st = PS_DEAD;
    oat_chan_abort_inner(s);
    return 0;
}

static void session_destroy(oat_chan *s)
{
    pop3_tp *t = s->tp;
    if (!t)
        return;
    if (t->data)                        /* module stop: every channel is being freed */
        ((pop3_data_tp *)t->data->tp)->session = NULL;
    oat_chan_timer_stop(&t->timer);
    free_listing(t);
    free(t->user);
    free(t->password);
    free(t);
    s->tp = NULL;
}

static const oat_chan_ops session_ops = {
    .type = "POP3 client",
    .read = oat_session_no_read,
    .write = oat_session_no_write,
    .set_opt = session_set_opt,
    .get_opt = session_get_opt,
    .close = session_close,
    .abort = session_abort,
    .destroy = session_destroy,
    .get_file = session_get_file,
    .inner_event = session_inner_event,
};

static void session_init(oat_chan *s)
{
    pop3_tp *t = s->tp;
    t->timeout_ms = POP3_DEFAULT_TIMEOUT_MS;
    oat_chan_timer_init(&t->timer);
}

static const oat_session_kind pop3_kind = { &session_ops, sizeof(pop3_tp), POP3_DEFAULT_PORT,
                                            session_init };

static wip_channel_t pop3_create(const char *fn, const ascii *server, wip_eventHandler_f evh,
                                 void *ctx, int opt, va_list *ap)
{
    oat_wip_lock();
    oat_chan *s = oat_session_create(&pop3_kind, fn, server, evh, ctx, opt, ap);
    if (s) {
        pop3_tp *t = s->tp;
        t->st = PS_GREETING;
        snprintf(t->server, sizeof t->server, "%s", server);
        if (t->security == WIP_POP3_SEC_TLS)
            start_tls(s, t);            /* the handshake as the TCP connection opens */
        else
            oat_chan_timer_start(&t->timer, s, t->timeout_ms, timed_out);
    }
    oat_wip_unlock();
    return s;
}

wip_channel_t wip_POP3ClientCreateOpts(const ascii *server, wip_eventHandler_f evh, void *ctx,
                                       ...)
{
    va_list ap;
    va_start(ap, ctx);
    wip_channel_t c = pop3_create("wip_POP3ClientCreateOpts", server, evh, ctx, va_arg(ap, int),
                                  &ap);
    va_end(ap);
    OAT_CALL_PTR("wip_POP3ClientCreateOpts", c, "\"%s\", %p, %p, ...",
                 server ? server : "(null)", (void *)evh, ctx);
    return c;
}
