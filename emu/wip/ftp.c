/* ftp.c: the Internet library's FTP client, its session and protocol engine (the data
 * channel of a transfer is in ftp_data.c). A session channel owns a WIP TCP client, the
 * control connection, and runs in the owner task: greeting, USER, PASS (ACCT when asked),
 * TYPE, then OPEN. Each file is a data channel from wip_getFile / wip_putFile (or wip_dir):
 * TYPE when it differs, PASV and a connection to the port given (or PORT and a host
 * listening socket the server connects to), RETR / STOR / LIST, then the data channel's
 * OPEN; the transfer ends with the server's final reply and the data connection's end:
 * DONE on the session (ERROR with the reply code, the session staying open). The file
 * commands (wip_cwd...) give DONE or ERROR the same way. Every reply has a timeout. */
#include "wip/ftp_internal.h"
#include "wip_ftp.h"
#include "core/calls.h"
#include "core/log.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FTP_DEFAULT_PORT 21
#define FTP_DEFAULT_TIMEOUT_MS 60000u

static const oat_chan_ops session_ops;

static void timed_out(oat_chan *s);

static void start_timer(oat_chan *s, ftp_tp *t)
{
    oat_chan_timer_start(&t->timer, s, t->timeout_ms, timed_out);
}

/* ---- ending ---- */

/* The transfer in progress (if any) is over for the session: its data channel gets ERROR
 * (err != 0) or, a download, PEER_CLOSE, and lets go of its connections. */
static void let_go_of_data(ftp_tp *t, int err)
{
    oat_chan *d = t->data;
    t->data = NULL;
    if (!d)
        return;
    ftp_data_tp *dt = d->tp;
    dt->session = NULL;
    if (err != 0)
        oat_chan_fail(d, err);
    else if (!dt->put)
        oat_chan_peer_closed(d);        /* the bytes stay readable */
    oat_ftp_data_detach(d);
}

void oat_ftp_transfer_end(oat_chan *s, int err, const char *why)
{
    ftp_tp *t = s->tp;
    char name[48];
    const char *code = oat_err_name(&oat_wip_ftp_errors, err);   /* NULL: a reply code */
    if (err != 0)
        oat_warn("%s: the transfer failed: %s (errnum %d%s%s)",
                 oat_chan_name(s, name, sizeof name), why, err, code ? ", " : "", code ? code : "");
    oat_chan_timer_stop(&t->timer);
    t->st = FS_READY;
    let_go_of_data(t, err);
    oat_chan_event(s, err == 0 ? WIP_CEV_DONE : WIP_CEV_ERROR, err);
}

/* The session is over: ERROR to a transfer in progress and to the session. errnum: a reply
 * code (> 0) or a WIP_CERR_* (< 0). */
static void session_fail(oat_chan *s, ftp_tp *t, int errnum, const char *why)
{
    char name[48];
    const char *code = oat_err_name(&oat_wip_ftp_errors, errnum);   /* NULL: a reply code */
    oat_warn("%s: %s (errnum %d%s%s)", oat_chan_name(s, name, sizeof name), why, errnum,
             code ? ", " : "", code ? code : "");
    oat_chan_timer_stop(&t->timer);
    let_go_of_data(t, errnum);
    t->st = FS_DEAD;
    oat_chan_fail(s, errnum);
}

static void refused(oat_chan *s, ftp_tp *t, const char *what)
{
    char why[300];
    snprintf(why, sizeof why, "the server refused %s: %d %.200s", what, t->code, t->text);
    session_fail(s, t, t->code, why);
}

/* ---- commands ---- */

static void flush_out(oat_chan *s, ftp_tp *t)
{
    if (t->out_len == 0 || oat_chan_inner_state(s) != WIP_CSTATE_READY)
        return;
    int n = oat_chan_inner_write(s, t->out, (uint32_t)t->out_len);
    if (n > 0) {
        memmove(t->out, t->out + n, t->out_len - (size_t)n);
        t->out_len -= (size_t)n;
    }
}

void oat_ftp_send(oat_chan *s, const char *fmt, ...)
{
    ftp_tp *t = s->tp;
    va_list ap;
    va_start(ap, fmt);
    size_t room = sizeof t->out - t->out_len - 2;
    int n = vsnprintf(t->out + t->out_len, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room) {
        session_fail(s, t, WIP_CERR_INTERNAL, "a command did not fit");
        return;
    }
    t->out_len += (size_t)n;
    t->out[t->out_len++] = '\r';
    t->out[t->out_len++] = '\n';
    flush_out(s, t);
    start_timer(s, t);
}

static void ready(oat_chan *s, ftp_tp *t)
{
    oat_chan_timer_stop(&t->timer);
    t->st = FS_READY;
    oat_session_opened(s, &t->opened);
}

static void after_login(oat_chan *s, ftp_tp *t)
{
    t->st = FS_TYPE;
    oat_ftp_send(s, "TYPE %c", t->type);
}

/* ---- transfers ---- */

static void data_step(oat_chan *s, ftp_tp *t)
{
    oat_chan *d = t->data;
    if (t->passive) {
        t->st = FS_PASV;
        oat_ftp_send(s, "PASV");
        return;
    }
    struct in_addr a;
    uint16_t port;
    if (!oat_ftp_data_listen(d, &a, &port, "wip_getFile")) {
        oat_ftp_transfer_end(s, WIP_CERR_RESOURCES, "no listening socket for the data connection");
        return;
    }
    uint32_t h = ntohl(a.s_addr);
    t->st = FS_PORT;
    oat_ftp_send(s, "PORT %u,%u,%u,%u,%u,%u", h >> 24, (h >> 16) & 255, (h >> 8) & 255,
                 h & 255, port >> 8, port & 255);
}

static void start_transfer(oat_chan *s, ftp_tp *t)
{
    ftp_data_tp *dt = t->data->tp;
    t->final_code = 0;
    t->wire_err = 0;
    t->data_done = false;
    t->preliminary = false;
    if (dt->type != t->server_type) {
        t->st = FS_XFER_TYPE;
        oat_ftp_send(s, "TYPE %c", dt->type);
    } else {
        data_step(s, t);
    }
}

static void send_transfer_cmd(oat_chan *s, ftp_tp *t)
{
    ftp_data_tp *dt = t->data->tp;
    t->st = FS_XFER_CMD;
    if (dt->path)
        oat_ftp_send(s, "%s %s", dt->verb, dt->path);
    else
        oat_ftp_send(s, "%s", dt->verb);
}

void oat_ftp_data_connected(oat_chan *s)
{
    ftp_tp *t = s->tp;
    if (t->st == FS_CONNECT) {
        send_transfer_cmd(s, t);
    } else if (t->preliminary && t->data) {
        oat_chan_timer_stop(&t->timer);
        oat_ftp_data_open(t->data);
    }
}

void oat_ftp_data_finished(oat_chan *s)
{
    ftp_tp *t = s->tp;
    t->data_done = true;
    if (t->st == FS_CONNECT)            /* the passive connection failed */
        oat_ftp_transfer_end(s, t->wire_err ? t->wire_err : WIP_CERR_PIPE_BROKEN,
                             "no data connection");
    else if (t->final_code)
        oat_ftp_transfer_end(s, t->wire_err, "the data connection broke");
    else
        start_timer(s, t);              /* the final reply is awaited */
}

/* "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)": the port (the address is the control
 * connection's peer, as curl does: a server behind NAT gives its inside address). */
static int pasv_port(const char *text)
{
    const char *p = strchr(text, '(');
    unsigned h[6];
    if (!p || sscanf(p + 1, "%u,%u,%u,%u,%u,%u", &h[0], &h[1], &h[2], &h[3], &h[4], &h[5]) != 6 ||
        h[4] > 255 || h[5] > 255 || h[4] * 256 + h[5] == 0)
        return -1;
    return (int)(h[4] * 256 + h[5]);
}

static void passive_connect(oat_chan *s, ftp_tp *t)
{
    int port = pasv_port(t->text);
    char host[64];
    if (port < 0) {
        oat_ftp_transfer_end(s, WIP_FTP_ERR_PROTOCOL, "the PASV reply gives no port");
        return;
    }
    if (oat_chan_inner_get_opt(s, WIP_COPT_PEER_STRADDR,
                               &(oat_optval){ .buf = host, .len = sizeof host }) != 0 ||
        !oat_ftp_data_connect(t->data, host, (uint16_t)port, "wip_getFile")) {
        oat_ftp_transfer_end(s, WIP_CERR_RESOURCES, "no data connection");
        return;
    }
    t->st = FS_CONNECT;
}

/* A reply to RETR / STOR / LIST, or after the data. */
static void transfer_reply(oat_chan *s, ftp_tp *t, int c)
{
    ftp_data_tp *dt = t->data ? t->data->tp : NULL;
    if (c < 200) {
        if (t->st != FS_XFER_CMD)
            return;
        t->st = FS_XFER;
        t->preliminary = true;
        if (dt && dt->connected) {
            oat_chan_timer_stop(&t->timer);
            oat_ftp_data_open(t->data);
        }
        return;
    }
    char why[300];
    snprintf(why, sizeof why, "%d %.200s", c, t->text);
    if (c >= 300) {
        oat_ftp_transfer_end(s, c, why);
        return;
    }
    t->final_code = c;
    if (t->data_done || !t->data)
        oat_ftp_transfer_end(s, t->wire_err, "the data connection broke");
}

/* ---- file commands: DONE or ERROR with the reply ---- */

static void command_reply(oat_chan *s, ftp_tp *t, int c)
{
    if (c < 200)
        return;
    if (t->st == FS_RNFR && c == 350) {
        t->st = FS_COMMAND;
        oat_ftp_send(s, "RNTO %s", t->rename_to);
        return;
    }
    free(t->rename_to);
    t->rename_to = NULL;
    ready(s, t);
    if (c == 213)
        t->size = (u32)strtoul(t->text, NULL, 10);
    if (c < 300)
        oat_chan_event(s, WIP_CEV_DONE, 0);
    else
        oat_chan_event(s, WIP_CEV_ERROR, c);
}

/* ---- the protocol engine ---- */

static void on_reply(oat_chan *s, ftp_tp *t)
{
    int c = t->code;
    if (c < 0) {
        session_fail(s, t, WIP_FTP_ERR_PROTOCOL, "the server's reply is not FTP");
        return;
    }
    if (c == 421) {
        refused(s, t, "the session (421: service closing)");
        return;
    }
    switch (t->st) {
    case FS_GREETING:
        if (c < 200)
            return;
        if (c != 220)
            return refused(s, t, "the session (greeting)");
        t->st = FS_USER;
        oat_ftp_send(s, "USER %s", t->user ? t->user : "anonymous");
        break;
    case FS_USER:
    case FS_PASS:
        if (c == 230 || (t->st == FS_PASS && c == 202))
            after_login(s, t);
        else if (c == 331 && t->st == FS_USER) {
            t->st = FS_PASS;
            oat_ftp_send(s, "PASS %s", t->password ? t->password : "");
        } else if (c == 332 && t->account) {
            t->st = FS_ACCT;
            oat_ftp_send(s, "ACCT %s", t->account);
        } else {
            refused(s, t, "the login");
        }
        break;
    case FS_ACCT:
        if (c != 230 && c != 202)
            return refused(s, t, "the account");
        after_login(s, t);
        break;
    case FS_TYPE:
        if (c != 200)
            return refused(s, t, "the transfer type");
        t->server_type = t->type;
        ready(s, t);
        break;
    case FS_XFER_TYPE:
        if (c != 200)
            return oat_ftp_transfer_end(s, c, "the server refused the transfer type");
        t->server_type = ((ftp_data_tp *)t->data->tp)->type;
        data_step(s, t);
        break;
    case FS_PASV:
        if (c != 227)
            return oat_ftp_transfer_end(s, c, "the server refused PASV");
        passive_connect(s, t);
        break;
    case FS_PORT:
        if (c != 200)
            return oat_ftp_transfer_end(s, c, "the server refused PORT");
        send_transfer_cmd(s, t);
        break;
    case FS_XFER_CMD:
    case FS_XFER:
        transfer_reply(s, t, c);
        break;
    case FS_COMMAND:
    case FS_RNFR:
        command_reply(s, t, c);
        break;
    case FS_QUIT:
        oat_session_quit_over(s, &t->timer);
        break;
    default:
        break;
    }
}

static void read_replies(oat_chan *s, ftp_tp *t)
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
            oat_smtp_reader_reset(&t->rd);
            t->rd.ftp = true;
            on_reply(s, t);
            if (t->st == FS_DEAD)
                return;
        }
    }
}

/* Events of the control connection, in the owner task, lock held. */
static void session_inner_event(oat_chan *s, const wip_event_t *ev)
{
    ftp_tp *t = s->tp;
    if (t->st == FS_DEAD)
        return;
    switch (ev->kind) {
    case WIP_CEV_OPEN:
        start_timer(s, t);              /* the greeting has a timeout of its own */
        break;
    case WIP_CEV_READ:
        read_replies(s, t);
        break;
    case WIP_CEV_WRITE:
        flush_out(s, t);
        break;
    case WIP_CEV_PEER_CLOSE:
        read_replies(s, t);
        if (t->st == FS_QUIT)
            oat_session_quit_over(s, &t->timer);    /* ended before or instead of its 221 */
        else if (t->st != FS_DEAD)
            session_fail(s, t, WIP_CERR_PIPE_BROKEN, "the server closed the control connection");
        break;
    case WIP_CEV_ERROR:
        session_fail(s, t, ev->content.error.errnum, "the connection to the server failed");
        break;
    default:
        break;
    }
}

static void timed_out(oat_chan *s)
{
    ftp_tp *t = s->tp;
    if (!t || t->st == FS_DEAD)
        return;
    if (t->st == FS_QUIT)
        oat_session_quit_over(s, &t->timer);
    else
        session_fail(s, t, WIP_CERR_TIMEOUT, "no reply from the server in time");
}

/* ---- the session channel ---- */

/* A string option without line ends (they would end the command). */
static int set_line(char **field, const char *v)
{
    if (!v || strpbrk(v, "\r\n"))
        return WIP_CERR_INVALID;
    return oat_smtp_set_string(field, v);
}

int oat_ftp_type_opt(unsigned v, char *type)
{
    if (v != 'A' && v != 'I' && v != 'a' && v != 'i')
        return WIP_CERR_OUT_OF_RANGE;
    *type = (char)(v == 'a' ? 'A' : v == 'i' ? 'I' : v);
    return 0;
}

static int session_set_opt(oat_chan *s, int opt, const oat_optval *v)
{
    ftp_tp *t = s->tp;
    switch (opt) {
    case WIP_COPT_TYPE: return oat_ftp_type_opt(v->num, &t->type);
    case WIP_COPT_PASSIVE: t->passive = v->num != 0; return 0;
    case WIP_COPT_TIMEOUT:
        if (v->num < 1 || v->num > 3600000)
            return WIP_CERR_OUT_OF_RANGE;
        t->timeout_ms = v->num;
        return 0;
    default:
        break;
    }
    if (oat_chan_inner(s))
        return opt == WIP_COPT_USER || opt == WIP_COPT_PASSWORD || opt == WIP_COPT_ACCOUNT ||
                       opt == WIP_COPT_PEER_PORT
                   ? WIP_CERR_CSTATE         /* they come with the create call */
                   : WIP_CERR_NOT_SUPPORTED;
    switch (opt) {
    case WIP_COPT_PEER_PORT:
        if (v->num == 0 || v->num > 65535)
            return WIP_CERR_OUT_OF_RANGE;
        s->peer_port = (uint16_t)v->num;
        return 0;
    case WIP_COPT_USER: return set_line(&t->user, v->str);
    case WIP_COPT_PASSWORD: return set_line(&t->password, v->str);
    case WIP_COPT_ACCOUNT: return set_line(&t->account, v->str);
    default: return WIP_CERR_NOT_SUPPORTED;
    }
}

int oat_ftp_status_code(oat_chan *s, const oat_optval *v)
{
    ftp_tp *t = s->tp;
    *(u32 *)v->ptr = t->code > 0 ? (u32)t->code : 0;
    *(ascii **)v->ptr2 = t->text;
    return 0;
}

static int session_get_opt(oat_chan *s, int opt, const oat_optval *v)
{
    ftp_tp *t = s->tp;
    switch (opt) {
    case WIP_COPT_FTP_STATUS_CODE: return oat_ftp_status_code(s, v);
    case WIP_COPT_FTP_SIZE: *(u32 *)v->ptr = t->size; return 0;
    case WIP_COPT_TYPE: *(u32 *)v->ptr = (u32)t->type; return 0;
    case WIP_COPT_PASSIVE: *(bool *)v->ptr = t->passive; return 0;
    case WIP_COPT_PEER_PORT: *(u16 *)v->ptr = s->peer_port; return 0;
    case WIP_COPT_TIMEOUT: *(u32 *)v->ptr = t->timeout_ms; return 0;
    default: return WIP_CERR_NOT_SUPPORTED;
    }
}

static void session_close(oat_chan *s)
{
    ftp_tp *t = s->tp;
    let_go_of_data(t, WIP_CERR_ABORTED);   /* a transfer in progress goes with the session */
    if (oat_session_may_quit(s, t->st != FS_DEAD && t->st != FS_GREETING)) {
        t->st = FS_QUIT;
        oat_ftp_send(s, "QUIT");
        return;
    }
    oat_chan_timer_stop(&t->timer);
    t->st = FS_DEAD;
    oat_session_let_go(s);
}

static int session_abort(oat_chan *s)
{
    ftp_tp *t = s->tp;
    let_go_of_data(t, WIP_CERR_ABORTED);
    oat_chan_timer_stop(&t->timer);
    t->st = FS_DEAD;
    oat_chan_abort_inner(s);
    return 0;
}

static void session_destroy(oat_chan *s)
{
    ftp_tp *t = s->tp;
    if (!t)
        return;
    if (t->data)                        /* module stop: every channel is being freed */
        ((ftp_data_tp *)t->data->tp)->session = NULL;
    oat_chan_timer_stop(&t->timer);
    free(t->user);
    free(t->password);
    free(t->account);
    free(t->rename_to);
    free(t);
    s->tp = NULL;
}

/* A transfer's data channel (wip_getFile, wip_putFile, wip_dir); NULL with a trace. */
static oat_chan *open_transfer(oat_chan *s, bool put, const char *verb, const char *path,
                               wip_eventHandler_f evh, void *ctx, int opt, va_list *ap,
                               const char *fn)
{
    ftp_tp *t = s->tp;
    char name[48];
    if (t->st != FS_READY || t->data) {
        oat_warn("%s: %s is %s (WIP_CERR_CSTATE): no data channel", fn,
                 oat_chan_name(s, name, sizeof name),
                 t->data ? "transferring a file already" : "not ready");
        return NULL;
    }
    bool need_path = strcmp(verb, "LIST") != 0;
    if ((need_path && !path) || (path && (!*path || strpbrk(path, "\r\n")))) {
        oat_warn("%s: no file name, or a line end in it (WIP_CERR_INVALID): no data channel", fn);
        return NULL;
    }
    oat_chan *d = oat_chan_new_tp(&oat_ftp_data_ops, evh, ctx, true, sizeof(ftp_data_tp), fn);
    if (!d)
        return NULL;
    ftp_data_tp *dt = d->tp;
    dt->type = t->type;
    dt->put = put;
    dt->verb = verb;
    if ((path && !(dt->path = strdup(path))) || (ap && oat_chan_set_list(d, fn, opt, ap) != 0)) {
        oat_chan_discard(d);
        return NULL;
    }
    dt->session = s;
    t->data = d;
    start_transfer(s, t);
    return d;
}

static oat_chan *session_get_file(oat_chan *s, const char *file, wip_eventHandler_f evh,
                                  void *ctx, int opt, va_list *ap, const char *fn)
{
    return open_transfer(s, false, "RETR", file, evh, ctx, opt, ap, fn);
}

static oat_chan *session_put_file(oat_chan *s, const char *file, wip_eventHandler_f evh,
                                  void *ctx, int opt, va_list *ap, const char *fn)
{
    return open_transfer(s, true, "STOR", file, evh, ctx, opt, ap, fn);
}

static const oat_chan_ops session_ops = {
    .type = "FTP client",
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

/* ---- the public calls ---- */

static void session_init(oat_chan *s)
{
    ftp_tp *t = s->tp;
    t->timeout_ms = FTP_DEFAULT_TIMEOUT_MS;
    t->type = 'I';
    t->passive = true;
    t->rd.ftp = true;
    oat_chan_timer_init(&t->timer);
}

static const oat_session_kind ftp_kind = { &session_ops, sizeof(ftp_tp), FTP_DEFAULT_PORT,
                                           session_init };

static wip_channel_t ftp_create(const char *fn, const ascii *server, wip_eventHandler_f evh,
                                void *ctx, int opt, va_list *ap)
{
    oat_wip_lock();
    oat_chan *s = oat_session_create(&ftp_kind, fn, server, evh, ctx, opt, ap);
    if (s) {
        ftp_tp *t = s->tp;
        t->st = FS_GREETING;
        start_timer(s, t);              /* the connect is awaited too */
    }
    oat_wip_unlock();
    return s;
}

wip_channel_t wip_FTPCreate(const ascii *server, wip_eventHandler_f evh, void *ctx)
{
    wip_channel_t c = ftp_create("wip_FTPCreate", server, evh, ctx, WIP_COPT_END, NULL);
    OAT_CALL_PTR("wip_FTPCreate", c, "\"%s\", %p, %p", server ? server : "(null)", (void *)evh,
                 ctx);
    return c;
}

wip_channel_t wip_FTPCreateOpts(const ascii *server, wip_eventHandler_f evh, void *ctx, ...)
{
    va_list ap;
    va_start(ap, ctx);
    wip_channel_t c = ftp_create("wip_FTPCreateOpts", server, evh, ctx, va_arg(ap, int), &ap);
    va_end(ap);
    OAT_CALL_PTR("wip_FTPCreateOpts", c, "\"%s\", %p, %p, ...", server ? server : "(null)",
                 (void *)evh, ctx);
    return c;
}

/* A file command on a ready session: 0, or a WIP_CERR_* with a trace. */
static int run_command(wip_channel_t session, const char *fn, ftp_state st, const char *verb,
                       const char *arg, const char *arg2)
{
    int rc;
    oat_wip_lock();
    oat_chan *s = oat_chan_check(session, fn, &rc);
    if (s && s->ops != &session_ops) {
        oat_warn("%s: a %s is not an FTP session (WIP_CERR_NOT_SUPPORTED)", fn, s->ops->type);
        rc = WIP_CERR_NOT_SUPPORTED;
    } else if (s && (((ftp_tp *)s->tp)->st != FS_READY || ((ftp_tp *)s->tp)->data)) {
        oat_warn("%s: the session is not ready or busy with a transfer (WIP_CERR_CSTATE)", fn);
        rc = WIP_CERR_CSTATE;
    } else if (s && (!arg || !*arg || strpbrk(arg, "\r\n") ||
                     (st == FS_RNFR && (!arg2 || !*arg2 || strpbrk(arg2, "\r\n"))))) {
        oat_warn("%s: no path, or a line end in it (WIP_CERR_INVALID)", fn);
        rc = WIP_CERR_INVALID;
    } else if (s) {
        ftp_tp *t = s->tp;
        if (st == FS_RNFR && !(t->rename_to = strdup(arg2))) {
            rc = WIP_CERR_MEMORY;
        } else {
            t->st = st;
            oat_ftp_send(s, "%s %s", verb, arg);
            rc = 0;
        }
    }
    oat_wip_unlock();
    OAT_CALL_RET(fn, rc, rc < 0 ? oat_cerr_name(rc) : NULL, "%p, \"%s\"", (void *)session,
                 arg ? arg : "(null)");
    return rc;
}

int wip_cwd(wip_channel_t session, const ascii *path)
{
    return run_command(session, "wip_cwd", FS_COMMAND, "CWD", path, NULL);
}

int wip_mkdir(wip_channel_t session, const ascii *path)
{
    return run_command(session, "wip_mkdir", FS_COMMAND, "MKD", path, NULL);
}

int wip_deleteFile(wip_channel_t session, const ascii *path)
{
    return run_command(session, "wip_deleteFile", FS_COMMAND, "DELE", path, NULL);
}

int wip_deleteDir(wip_channel_t session, const ascii *path)
{
    return run_command(session, "wip_deleteDir", FS_COMMAND, "RMD", path, NULL);
}

int wip_renameFile(wip_channel_t session, const ascii *from, const ascii *to)
{
    return run_command(session, "wip_renameFile", FS_RNFR, "RNFR", from, to);
}

int wip_fileInfo(wip_channel_t session, const ascii *path)
{
    return run_command(session, "wip_fileInfo", FS_COMMAND, "SIZE", path, NULL);
}

wip_channel_t wip_dir(wip_channel_t session, const ascii *path, wip_eventHandler_f evh,
                      void *ctx)
{
    int err;
    oat_wip_lock();
    oat_chan *s = oat_chan_check(session, "wip_dir", &err);
    oat_chan *d = NULL;
    if (s && s->ops != &session_ops)
        oat_warn("wip_dir: a %s is not an FTP session (WIP_CERR_NOT_SUPPORTED)", s->ops->type);
    else if (s)
        d = open_transfer(s, false, "LIST", path, evh, ctx, WIP_COPT_END, NULL, "wip_dir");
    oat_wip_unlock();
    OAT_CALL_PTR("wip_dir", d, "%p, \"%s\", %p, %p", (void *)session, path ? path : "(null)",
                 (void *)evh, ctx);
    return d;
}
