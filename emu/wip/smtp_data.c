/* smtp_data.c: one mail of the SMTP client: the data channel the application writes (stream
 * rules, moved between handlers as the module's stack does), its options (header fields,
 * DSN, size, attachments), and the message on the wire: header, body with CRLF line ends
 * and dot-stuffing after DATA or in BDAT chunks, attachments, the end of data. */
#include "wip/smtp_internal.h"
#include "wip_smtp.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes waiting in tx into the connection, as long as it takes them (a write that takes
 * nothing brings a WRITE event later); true when all are gone. */
static bool tx_flush(oat_chan *s, smtp_tp *t)
{
    int n;
    while (t->tx_len > 0 && (n = oat_smtp_conn_write(s, t->tx, t->tx_len)) > 0) {
        memmove(t->tx, t->tx + n, t->tx_len - (size_t)n);
        t->tx_len -= (size_t)n;
    }
    return t->tx_len == 0;
}

static bool header_left(const smtp_tp *t)
{
    return t->header && t->header[t->header_off];
}

/* Once the body is over, the attachments' parts; true while some of them are left. */
static bool trailer_left(smtp_tp *t, oat_chan *d)
{
    data_tp *dt = d->tp;
    if (!t->trailer && (dt->attachments || dt->multipart) && dt->format_header && dt->ended &&
        d->snd.count == 0 && !header_left(t)) {
        uint8_t fin[8];
        bool after_text = !t->body.base64;  /* the delimiter's own CRLF: the text keeps its */
        size_t nf = after_text ? 0 : oat_smtp_base64_finish(&t->body, fin);
        size_t len = 0;
        char *parts = oat_smtp_trailer(dt->attachments, d->serial, t->mime_rtc, after_text, &len);
        t->trailer = parts ? malloc(nf + len) : NULL;
        if (t->trailer) {
            memcpy(t->trailer, fin, nf);
            memcpy(t->trailer + nf, parts, len);
            t->trailer_len = nf + len;
        }
        free(parts);
        t->trailer_off = 0;
        t->body.line_start = true;
    }
    return t->trailer && t->trailer_off < t->trailer_len;
}

/* The next piece of the message after tx: header first, then the body the application
 * wrote, CRLF-normalised (and dot-stuffed for DATA), then the attachments. Returns the body
 * bytes taken. */
static uint32_t fill_tx(smtp_tp *t, oat_chan *d, size_t room)
{
    if (!header_left(t) && d->snd.count == 0 && trailer_left(t, d)) {
        size_t n = t->trailer_len - t->trailer_off;
        n = n < room ? n : room;
        memcpy(t->tx + t->tx_len, t->trailer + t->trailer_off, n);
        t->tx_len += n;
        t->trailer_off += n;
        return 0;
    }
    if (header_left(t)) {
        size_t n = strlen(t->header + t->header_off);
        n = n < room ? n : room;
        memcpy(t->tx + t->tx_len, t->header + t->header_off, n);
        t->tx_len += n;
        t->header_off += n;
        return 0;
    }
    data_tp *dt = d->tp;
    char boundary[64];
    oat_smtp_boundary(d->serial, t->mime_rtc, boundary, sizeof boundary);
    if (t->part_i + 1 < dt->nparts && t->consumed == dt->parts[t->part_i + 1].start) {
        const char *name = dt->parts[t->part_i + 1].name, *type = dt->parts[t->part_i + 1].type;
        if (room < oat_smtp_part_header_size(boundary, name, type) + 8)
            return 0;                   /* a streamed attachment begins: in the next room */
        size_t n = 0;
        if (t->body.base64)
            n = oat_smtp_base64_finish(&t->body, t->tx + t->tx_len);
        else                            /* the delimiter's CRLF: the text keeps its own */
            n = (size_t)snprintf((char *)t->tx + t->tx_len, 3, "\r\n");
        t->part_i++;
        n += oat_smtp_part_header(boundary, name, type, (char *)t->tx + t->tx_len + n, room - n);
        t->tx_len += n;
        t->body.base64 = true;
        t->body.col = t->body.ncarry = 0;
        return 0;
    }
    uint8_t raw[OAT_SMTP_CHUNK];
    size_t fit = room > 16 ? (room - 16) / 2 : 0;
    uint64_t next = t->part_i + 1 < dt->nparts ? dt->parts[t->part_i + 1].start : UINT64_MAX;
    if (next - t->consumed < fit)
        fit = (size_t)(next - t->consumed);
    uint32_t take = (uint32_t)(fit < sizeof raw ? fit : sizeof raw);
    uint32_t n = oat_ring_get(&d->snd, raw, take);
    t->consumed += n;
    t->tx_len += oat_smtp_body_encode(&t->body, raw, n, t->tx + t->tx_len);
    return n;
}

/* DATA: the message streams out as the connection takes it; then the end of data. */
void oat_smtp_pump_data(oat_chan *s, smtp_tp *t, oat_chan *d)
{
    data_tp *dt = d->tp;
    uint32_t taken = 0;
    while (tx_flush(s, t) && (header_left(t) || d->snd.count > 0 || trailer_left(t, d)))
        taken += fill_tx(t, d, sizeof t->tx - t->tx_len);
    if (taken)
        oat_stream_sent(d);
    if (t->st == ST_BODY && dt->ended && d->snd.count == 0 && t->tx_len == 0 &&
        !header_left(t) && !trailer_left(t, d)) {
        t->tx_len = oat_smtp_body_end(&t->body, t->tx);
        t->st = ST_END;
        tx_flush(s, t);
        oat_smtp_start_timer(s, t);
    }
}

/* BDAT: one chunk at a time, each answered before the next; "BDAT 0 LAST" ends it. */
void oat_smtp_pump_bdat(oat_chan *s, smtp_tp *t, oat_chan *d)
{
    data_tp *dt = d->tp;
    if (!tx_flush(s, t) || t->st != ST_BODY)
        return;                          /* a chunk still going, or waiting for its reply */
    enum { HEAD = 32 };
    t->tx_len = HEAD;                    /* room for "BDAT <n>" in front */
    uint32_t taken = 0;
    while (t->tx_len < OAT_SMTP_CHUNK + HEAD && (header_left(t) || d->snd.count > 0 || trailer_left(t, d))) {
        size_t before = t->tx_len;
        uint32_t n = fill_tx(t, d, OAT_SMTP_CHUNK + HEAD - t->tx_len);
        taken += n;
        if (n == 0 && t->tx_len == before)
            break;                       /* what comes next needs more room: the next chunk */
    }
    if (taken)
        oat_stream_sent(d);
    size_t len = t->tx_len - HEAD;
    if (len == 0 && !dt->ended) {
        t->tx_len = 0;
        return;
    }
    if (len == 0 && !t->body.line_start) {  /* the message ends its last line */
        memcpy(t->tx + HEAD, "\r\n", 2);
        len = 2;
        t->body.line_start = true;
        t->tx_len = HEAD + 2;
    }
    bool last = dt->ended && d->snd.count == 0 && !header_left(t) && !trailer_left(t, d) &&
                t->body.line_start;
    char head[HEAD];
    int h = last ? snprintf(head, sizeof head, "BDAT %zu LAST\r\n", len)
                 : snprintf(head, sizeof head, "BDAT %zu\r\n", len);
    memmove(t->tx + h, t->tx + HEAD, len);
    memcpy(t->tx, head, (size_t)h);
    t->tx_len = (size_t)h + len;
    t->st = last ? ST_END : ST_BDAT;
    tx_flush(s, t);
    oat_smtp_start_timer(s, t);
}

/* ---- the data channel ---- */

/* The client moves the body after the writing handler returns, as the module's stack
 * runs between handlers: a handler that writes in a loop fills the 5840-byte buffer and
 * then gets 0, whatever it ignores. */
static void data_kick(oat_chan *d)
{
    data_tp *dt = d->tp;
    smtp_tp *t = dt && dt->session ? dt->session->tp : NULL;
    if (t)
        oat_session_run_later(dt->session, &t->pump_posted, oat_smtp_pump);
}

static void data_close(oat_chan *d)
{
    data_tp *dt = d->tp;
    dt->ended = true;
    if (dt->session)
        oat_smtp_pump(dt->session);
    else
        oat_chan_release(d);
}

/* An attachment's name and type: WIP_CERR_INVALID (empty, or a character that would end
 * the header line or the parameter), WIP_CERR_OUT_OF_RANGE (too long), said in a trace. */
static int part_names(const char *name, const char *type)
{
    if (!name || !*name || !type || !*type || strpbrk(name, "\"\r\n") || strpbrk(type, "\r\n;"))
        return WIP_CERR_INVALID;
    if (strlen(name) > OAT_SMTP_ATTACH_NAME_MAX || strlen(type) > OAT_SMTP_ATTACH_TYPE_MAX) {
        oat_warn("SMTP data: an attachment name is at most %d bytes and a type %d (this one: "
                 "%zu and %zu)", OAT_SMTP_ATTACH_NAME_MAX, OAT_SMTP_ATTACH_TYPE_MAX,
                 strlen(name), strlen(type));
        return WIP_CERR_OUT_OF_RANGE;
    }
    return 0;
}

static int add_attachment(data_tp *dt, const oat_optval *v)
{
    if (!v->ptr && v->len)
        return WIP_CERR_INVALID;
    int rc = part_names(v->str, v->str2);
    if (rc != 0)
        return rc;
    oat_smtp_attachment *a = calloc(1, sizeof *a);
    if (a) {
        a->name = strdup(v->str);
        a->type = strdup(v->str2);
        a->bytes = malloc(v->len ? v->len : 1);
        a->len = v->len;
    }
    if (!a || !a->name || !a->type || !a->bytes) {
        if (a) {
            free(a->name);
            free(a->type);
            free(a->bytes);
        }
        free(a);
        return WIP_CERR_MEMORY;
    }
    if (v->len)
        memcpy(a->bytes, v->ptr, v->len);
    oat_smtp_attachment **tail = &dt->attachments;
    while (*tail)
        tail = &(*tail)->next;
    *tail = a;
    return 0;
}

/* What the application writes from now on is a new attachment part. */
static int begin_part(oat_chan *d, data_tp *dt, const oat_optval *v)
{
    smtp_tp *t = dt->session ? dt->session->tp : NULL;
    if (!t || !dt->multipart || !dt->format_header || dt->ended ||
        dt->nparts == (int)(sizeof dt->parts / sizeof dt->parts[0]))
        return WIP_CERR_CSTATE;
    int rc = part_names(v->str, v->str2);
    if (rc != 0)
        return rc;
    char *name = strdup(v->str), *type = strdup(v->str2);
    if (!name || !type) {
        free(name);
        free(type);
        return WIP_CERR_MEMORY;
    }
    int i = dt->nparts++;
    dt->parts[i].start = t->consumed + d->snd.count;
    dt->parts[i].name = name;
    dt->parts[i].type = type;
    return 0;
}

/* A header field or envelope value: one line. A CR or LF in it would start a header line
 * of the application's choosing, or end the mail ("CRLF . CRLF") and add commands: refused. */
static int one_line(char **field, int opt, const oat_optval *v)
{
    if (v->str && strpbrk(v->str, "\r\n")) {
        oat_warn("SMTP data: %s has a CR or LF: refused (a header or envelope value is one "
                 "line)", oat_opt_name(opt));
        return WIP_CERR_INVALID;
    }
    return oat_smtp_set_string(field, v->str);
}

static int data_set_opt(oat_chan *d, int opt, const oat_optval *v)
{
    data_tp *dt = d->tp;
    switch (opt) {
    case WIP_COPT_SMTP_SENDER: return one_line(&dt->sender, opt, v);
    case WIP_COPT_SMTP_SENDERNAME: return one_line(&dt->sender_name, opt, v);
    case WIP_COPT_SMTP_REC: return one_line(&dt->to, opt, v);
    case WIP_COPT_SMTP_CC_REC: return one_line(&dt->cc, opt, v);
    case WIP_COPT_SMTP_BCC_REC: return one_line(&dt->bcc, opt, v);
    case WIP_COPT_SMTP_SUBJ: return one_line(&dt->subject, opt, v);
    case WIP_COPT_SMTP_FORMAT_HEADER: dt->format_header = v->num != 0; return 0;
    case WIP_COPT_SMTP_REPLY_TO: return one_line(&dt->reply_to, opt, v);
    case WIP_COPT_SMTP_SIZE: dt->size = v->num; return 0;
    case WIP_COPT_SMTP_DSN_NOTIFY: return one_line(&dt->notify, opt, v);
    case WIP_COPT_SMTP_DSN_RET: return one_line(&dt->ret, opt, v);
    case WIP_COPT_SMTP_DSN_ENVID: return one_line(&dt->envid, opt, v);
    case WIP_COPT_SMTP_ATTACH: return add_attachment(dt, v);
    case WIP_COPT_SMTP_MULTIPART:
        if (d->state != WIP_CSTATE_BUSY || dt->session)
            return WIP_CERR_CSTATE;      /* with wip_putFileOpts only */
        dt->multipart = v->num != 0;
        return 0;
    case WIP_COPT_SMTP_ATTACH_BEGIN: return begin_part(d, dt, v);
    default: return WIP_CERR_NOT_SUPPORTED;
    }
}

static int data_get_opt(oat_chan *d, int opt, const oat_optval *v)
{
    data_tp *dt = d->tp;
    if (opt == WIP_COPT_SMTP_STATUS_CODE && dt->session)
        return oat_smtp_status_code(dt->session->tp, v);
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
    free(dt->reply_to);
    free(dt->notify);
    free(dt->ret);
    free(dt->envid);
    for (int i = 0; i < dt->nparts; i++) {
        free(dt->parts[i].name);
        free(dt->parts[i].type);
    }
    while (dt->attachments) {
        oat_smtp_attachment *a = dt->attachments;
        dt->attachments = a->next;
        free(a->name);
        free(a->type);
        free(a->bytes);
        free(a);
    }
    free(dt);
    d->tp = NULL;
}

const oat_chan_ops oat_smtp_data_ops = {
    .type = "SMTP data",
    .set_opt = data_set_opt,
    .get_opt = data_get_opt,
    .kick = data_kick,
    .close = data_close,
    .destroy = data_destroy,
};
