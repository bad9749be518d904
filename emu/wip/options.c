/* options.c: WIP_COPT_* lists. One table says what each option takes on set and on get, so
 * every varargs list is read the same way for every channel type; then the channel type,
 * the stream core or the common options apply the value. Also the names used in traces. */
#include "wip/wip_internal.h"
#include "core/log.h"

#include <stdio.h>

typedef enum {
    ARG_NONE, ARG_NUM, ARG_STR, ARG_STR2, ARG_FN, ARG_PTR, ARG_PTR2, ARG_BUF, ARG_NAMEBUF,
    ARG_PTRLEN,    /* a pointer and a u32 length */
    ARG_ATTACH     /* two strings, a pointer and a u32 length */
} arg_kind;

typedef struct {
    const char *name;
    arg_kind set, get;
} opt_info;

static const opt_info opts[WIP_COPT_LAST] = {
    [WIP_COPT_END] = { "WIP_COPT_END", ARG_NONE, ARG_NONE },
    [WIP_COPT_PORT] = { "WIP_COPT_PORT", ARG_NUM, ARG_PTR },
    [WIP_COPT_STRADDR] = { "WIP_COPT_STRADDR", ARG_STR, ARG_BUF },
    [WIP_COPT_ADDR] = { "WIP_COPT_ADDR", ARG_NUM, ARG_PTR },
    [WIP_COPT_PEER_PORT] = { "WIP_COPT_PEER_PORT", ARG_NUM, ARG_PTR },
    [WIP_COPT_PEER_STRADDR] = { "WIP_COPT_PEER_STRADDR", ARG_STR, ARG_BUF },
    [WIP_COPT_PEER_ADDR] = { "WIP_COPT_PEER_ADDR", ARG_NUM, ARG_PTR },
    [WIP_COPT_BOUND] = { "WIP_COPT_BOUND", ARG_NONE, ARG_PTR },
    [WIP_COPT_SND_BUFSIZE] = { "WIP_COPT_SND_BUFSIZE", ARG_NUM, ARG_PTR },
    [WIP_COPT_RCV_BUFSIZE] = { "WIP_COPT_RCV_BUFSIZE", ARG_NUM, ARG_PTR },
    [WIP_COPT_SND_LOWAT] = { "WIP_COPT_SND_LOWAT", ARG_NUM, ARG_PTR },
    [WIP_COPT_RCV_LOWAT] = { "WIP_COPT_RCV_LOWAT", ARG_NUM, ARG_PTR },
    [WIP_COPT_NREAD] = { "WIP_COPT_NREAD", ARG_NONE, ARG_PTR },
    [WIP_COPT_NWRITE] = { "WIP_COPT_NWRITE", ARG_NUM, ARG_PTR },
    [WIP_COPT_NODELAY] = { "WIP_COPT_NODELAY", ARG_NUM, ARG_PTR },
    [WIP_COPT_KEEPALIVE] = { "WIP_COPT_KEEPALIVE", ARG_NUM, ARG_PTR },
    [WIP_COPT_TTL] = { "WIP_COPT_TTL", ARG_NUM, ARG_PTR },
    [WIP_COPT_TOS] = { "WIP_COPT_TOS", ARG_NUM, ARG_PTR },
    [WIP_COPT_PEND_SRV_MAX] = { "WIP_COPT_PEND_SRV_MAX", ARG_NUM, ARG_PTR },
    [WIP_COPT_ERROR] = { "WIP_COPT_ERROR", ARG_NONE, ARG_PTR },
    [WIP_COPT_FINALIZER] = { "WIP_COPT_FINALIZER", ARG_FN, ARG_NONE },
    [WIP_COPT_REPEAT] = { "WIP_COPT_REPEAT", ARG_NUM, ARG_PTR },
    [WIP_COPT_INTERVAL] = { "WIP_COPT_INTERVAL", ARG_NUM, ARG_PTR },
    [WIP_COPT_TIMEOUT] = { "WIP_COPT_TIMEOUT", ARG_NUM, ARG_PTR },
    [WIP_COPT_USER] = { "WIP_COPT_USER", ARG_STR, ARG_NONE },
    [WIP_COPT_PASSWORD] = { "WIP_COPT_PASSWORD", ARG_STR, ARG_NONE },
    [WIP_COPT_TYPE] = { "WIP_COPT_TYPE", ARG_NUM, ARG_PTR },
    [WIP_COPT_PASSIVE] = { "WIP_COPT_PASSIVE", ARG_NUM, ARG_PTR },
    [WIP_COPT_ACCOUNT] = { "WIP_COPT_ACCOUNT", ARG_STR, ARG_NONE },
    [WIP_COPT_CERT_AUTHORITY] = { "WIP_COPT_CERT_AUTHORITY", ARG_STR, ARG_NONE },
    [WIP_COPT_VERIFY] = { "WIP_COPT_VERIFY", ARG_NUM, ARG_PTR },
    [WIP_COPT_SMTP_AUTH_TYPE] = { "WIP_COPT_SMTP_AUTH_TYPE", ARG_NUM, ARG_PTR },
    [WIP_COPT_SMTP_SENDER] = { "WIP_COPT_SMTP_SENDER", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_SENDERNAME] = { "WIP_COPT_SMTP_SENDERNAME", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_REC] = { "WIP_COPT_SMTP_REC", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_CC_REC] = { "WIP_COPT_SMTP_CC_REC", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_BCC_REC] = { "WIP_COPT_SMTP_BCC_REC", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_SUBJ] = { "WIP_COPT_SMTP_SUBJ", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_FORMAT_HEADER] = { "WIP_COPT_SMTP_FORMAT_HEADER", ARG_NUM, ARG_PTR },
    [WIP_COPT_SMTP_STATUS_CODE] = { "WIP_COPT_SMTP_STATUS_CODE", ARG_NONE, ARG_PTR2 },
    [WIP_COPT_HTTP_HEADER] = { "WIP_COPT_HTTP_HEADER", ARG_STR2, ARG_NAMEBUF },
    [WIP_COPT_HTTP_VERSION] = { "WIP_COPT_HTTP_VERSION", ARG_NUM, ARG_PTR },
    [WIP_COPT_HTTP_METHOD] = { "WIP_COPT_HTTP_METHOD", ARG_NUM, ARG_PTR },
    [WIP_COPT_HTTP_DATA_ENCOD] = { "WIP_COPT_HTTP_DATA_ENCOD", ARG_NUM, ARG_PTR },
    [WIP_COPT_HTTP_STATUS_CODE] = { "WIP_COPT_HTTP_STATUS_CODE", ARG_NONE, ARG_PTR },
    [WIP_COPT_HTTP_STATUS_REASON] = { "WIP_COPT_HTTP_STATUS_REASON", ARG_NONE, ARG_BUF },
    [WIP_COPT_CERT_AUTHORITY_DER] = { "WIP_COPT_CERT_AUTHORITY_DER", ARG_PTRLEN, ARG_NONE },
    [WIP_COPT_CERT_AUTHORITY_FILE] = { "WIP_COPT_CERT_AUTHORITY_FILE", ARG_STR, ARG_NONE },
    [WIP_COPT_SSL_HOSTNAME] = { "WIP_COPT_SSL_HOSTNAME", ARG_STR, ARG_NONE },
    [WIP_COPT_SSL_CLIENT_CERT] = { "WIP_COPT_SSL_CLIENT_CERT", ARG_STR, ARG_NONE },
    [WIP_COPT_SSL_CLIENT_KEY] = { "WIP_COPT_SSL_CLIENT_KEY", ARG_STR, ARG_NONE },
    [WIP_COPT_SSL_MIN_VERSION] = { "WIP_COPT_SSL_MIN_VERSION", ARG_NUM, ARG_PTR },
    [WIP_COPT_SSL_CIPHERS] = { "WIP_COPT_SSL_CIPHERS", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_EHLO] = { "WIP_COPT_SMTP_EHLO", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_SECURITY] = { "WIP_COPT_SMTP_SECURITY", ARG_NUM, ARG_PTR },
    [WIP_COPT_SMTP_CLEAR_AUTH] = { "WIP_COPT_SMTP_CLEAR_AUTH", ARG_NUM, ARG_PTR },
    [WIP_COPT_SMTP_PIPELINING] = { "WIP_COPT_SMTP_PIPELINING", ARG_NUM, ARG_PTR },
    [WIP_COPT_SMTP_CHUNKING] = { "WIP_COPT_SMTP_CHUNKING", ARG_NUM, ARG_PTR },
    [WIP_COPT_SMTP_VRFY] = { "WIP_COPT_SMTP_VRFY", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_ETRN] = { "WIP_COPT_SMTP_ETRN", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_REPLY_TO] = { "WIP_COPT_SMTP_REPLY_TO", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_SIZE] = { "WIP_COPT_SMTP_SIZE", ARG_NUM, ARG_PTR },
    [WIP_COPT_SMTP_DSN_NOTIFY] = { "WIP_COPT_SMTP_DSN_NOTIFY", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_DSN_RET] = { "WIP_COPT_SMTP_DSN_RET", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_DSN_ENVID] = { "WIP_COPT_SMTP_DSN_ENVID", ARG_STR, ARG_NONE },
    [WIP_COPT_SMTP_ATTACH] = { "WIP_COPT_SMTP_ATTACH", ARG_ATTACH, ARG_NONE },
    [WIP_COPT_SMTP_MULTIPART] = { "WIP_COPT_SMTP_MULTIPART", ARG_NUM, ARG_PTR },
    [WIP_COPT_SMTP_ATTACH_BEGIN] = { "WIP_COPT_SMTP_ATTACH_BEGIN", ARG_STR2, ARG_NONE },
    [WIP_COPT_FTP_STATUS_CODE] = { "WIP_COPT_FTP_STATUS_CODE", ARG_NONE, ARG_PTR2 },
    [WIP_COPT_FTP_SIZE] = { "WIP_COPT_FTP_SIZE", ARG_NONE, ARG_PTR },
    [WIP_COPT_POP3_COUNT] = { "WIP_COPT_POP3_COUNT", ARG_NONE, ARG_PTR },
    [WIP_COPT_POP3_MAILBOX_SIZE] = { "WIP_COPT_POP3_MAILBOX_SIZE", ARG_NONE, ARG_PTR },
    [WIP_COPT_POP3_DELETE] = { "WIP_COPT_POP3_DELETE", ARG_NUM, ARG_PTR },
    [WIP_COPT_POP3_STATUS] = { "WIP_COPT_POP3_STATUS", ARG_NONE, ARG_PTR },
    [WIP_COPT_POP3_AUTH] = { "WIP_COPT_POP3_AUTH", ARG_NUM, ARG_PTR },
    [WIP_COPT_POP3_SECURITY] = { "WIP_COPT_POP3_SECURITY", ARG_NUM, ARG_PTR },
    [WIP_COPT_POP3_LIST] = { "WIP_COPT_POP3_LIST", ARG_NONE, ARG_PTR2 },
    [WIP_COPT_POP3_UIDL] = { "WIP_COPT_POP3_UIDL", ARG_NONE, ARG_PTR2 },
    [WIP_COPT_HTTP_USER_AGENT] = { "WIP_COPT_HTTP_USER_AGENT", ARG_STR, ARG_NONE },
    [WIP_COPT_HTTP_PROXY_HOST] = { "WIP_COPT_HTTP_PROXY_HOST", ARG_STR, ARG_NONE },
    [WIP_COPT_HTTP_PROXY_PORT] = { "WIP_COPT_HTTP_PROXY_PORT", ARG_NUM, ARG_PTR },
    [WIP_COPT_HTTP_FOLLOW_REDIRECT] = { "WIP_COPT_HTTP_FOLLOW_REDIRECT", ARG_NUM, ARG_PTR },
};

const char *oat_opt_name(int opt)
{
    static _Thread_local char unknown[32];
    if (opt >= 0 && opt < WIP_COPT_LAST && opts[opt].name)
        return opts[opt].name;
    snprintf(unknown, sizeof unknown, "option %d", opt);
    return unknown;
}

int oat_opt_fetch(int opt, bool get, va_list *ap, oat_optval *v)
{
    *v = (oat_optval){ 0 };
    if (opt <= WIP_COPT_END || opt >= WIP_COPT_LAST)
        return WIP_CERR_INVALID;
    switch (get ? opts[opt].get : opts[opt].set) {
    case ARG_NONE:
        return WIP_CERR_NOT_SUPPORTED;
    case ARG_NUM:
        v->num = va_arg(*ap, unsigned);
        break;
    case ARG_STR:
        v->str = va_arg(*ap, const char *);
        break;
    case ARG_STR2:
        v->str = va_arg(*ap, const char *);
        v->str2 = va_arg(*ap, const char *);
        break;
    case ARG_FN:
        v->fn = va_arg(*ap, wip_finalizer_f);
        break;
    case ARG_PTR:
        v->ptr = va_arg(*ap, void *);
        break;
    case ARG_PTR2:
        v->ptr = va_arg(*ap, void *);
        v->ptr2 = va_arg(*ap, void *);
        break;
    case ARG_BUF:
        v->buf = va_arg(*ap, char *);
        v->len = va_arg(*ap, unsigned);
        break;
    case ARG_NAMEBUF:
        v->str = va_arg(*ap, const char *);
        v->buf = va_arg(*ap, char *);
        v->len = va_arg(*ap, unsigned);
        break;
    case ARG_PTRLEN:
        v->ptr = va_arg(*ap, void *);
        v->len = va_arg(*ap, unsigned);
        break;
    case ARG_ATTACH:
        v->str = va_arg(*ap, const char *);
        v->str2 = va_arg(*ap, const char *);
        v->ptr = va_arg(*ap, void *);
        v->len = va_arg(*ap, unsigned);
        break;
    }
    return 0;
}

static const char *why(int rc)
{
    switch (rc) {
    case WIP_CERR_INVALID: return "unknown option or bad value";
    case WIP_CERR_NOT_SUPPORTED: return "not an option of this channel";
    case WIP_CERR_OUT_OF_RANGE: return "value out of range";
    case WIP_CERR_CSTATE: return "not allowed in this channel state";
    default: return "refused";
    }
}

/* Options every channel has. */
static int common_set(oat_chan *c, int opt, const oat_optval *v)
{
    if (opt == WIP_COPT_FINALIZER) {
        c->finalizer = v->fn;
        return 0;
    }
    return WIP_CERR_NOT_SUPPORTED;
}

static int common_get(oat_chan *c, int opt, const oat_optval *v)
{
    if (opt == WIP_COPT_ERROR) {
        *(s32 *)v->ptr = c->last_error;
        return 0;
    }
    return WIP_CERR_NOT_SUPPORTED;
}

/* The channel type first, then the stream core, then the common options. */
static int apply(oat_chan *c, int opt, const oat_optval *v, bool get)
{
    int rc = WIP_CERR_NOT_SUPPORTED;
    int (*own)(oat_chan *, int, const oat_optval *) = get ? c->ops->get_opt : c->ops->set_opt;
    if (own)
        rc = own(c, opt, v);
    if (rc == WIP_CERR_NOT_SUPPORTED && c->stream)
        rc = get ? oat_stream_get_opt(c, opt, v) : oat_stream_set_opt(c, opt, v);
    if (rc == WIP_CERR_NOT_SUPPORTED)
        rc = get ? common_get(c, opt, v) : common_set(c, opt, v);
    return rc;
}

static bool pointers_given(int opt, const oat_optval *v)
{
    switch (opts[opt].get) {
    case ARG_PTR: return v->ptr != NULL;
    case ARG_PTR2: return v->ptr != NULL && v->ptr2 != NULL;
    case ARG_BUF: return v->buf != NULL && v->len > 0;
    case ARG_NAMEBUF: return v->str != NULL && v->buf != NULL && v->len > 0;
    default: return true;
    }
}

static int walk(oat_chan *c, const char *fn, int opt, va_list *ap, bool get)
{
    char name[48];
    for (; opt != WIP_COPT_END; opt = va_arg(*ap, int)) {
        oat_optval v;
        int rc = oat_opt_fetch(opt, get, ap, &v);
        if (rc == 0 && get && !pointers_given(opt, &v))
            rc = WIP_CERR_INVALID;
        if (rc == 0)
            rc = apply(c, opt, &v, get);
        if (rc < 0) {
            oat_warn("%s(%s): %s %s: %s (%s); the rest of the list is ignored", fn,
                     oat_chan_name(c, name, sizeof name), get ? "get" : "set", oat_opt_name(opt),
                     why(rc), oat_cerr_name(rc));
            return rc;
        }
    }
    return 0;
}

int oat_chan_set_list(oat_chan *c, const char *fn, int opt, va_list *ap)
{
    return walk(c, fn, opt, ap, false);
}

int oat_chan_get_list(oat_chan *c, const char *fn, int opt, va_list *ap)
{
    return walk(c, fn, opt, ap, true);
}

int oat_peer_opts_fetch(oat_peer_opts *p, bool get, const char *fn, va_list *ap)
{
    p->n = 0;
    for (int opt = va_arg(*ap, int); opt != WIP_COPT_END; opt = va_arg(*ap, int)) {
        bool peer = opt == WIP_COPT_PEER_ADDR || opt == WIP_COPT_PEER_STRADDR ||
                    opt == WIP_COPT_PEER_PORT;
        oat_optval v;
        int rc = peer ? oat_opt_fetch(opt, get, ap, &v) : WIP_CERR_NOT_SUPPORTED;
        if (rc == 0 && get && !pointers_given(opt, &v))
            rc = WIP_CERR_INVALID;
        if (rc == 0 && p->n == (int)(sizeof p->opt / sizeof p->opt[0]))
            rc = WIP_CERR_INVALID;
        if (rc < 0) {
            oat_warn("%s: %s: only WIP_COPT_PEER_ADDR, WIP_COPT_PEER_STRADDR and "
                     "WIP_COPT_PEER_PORT are taken here, each once (%s)", fn, oat_opt_name(opt),
                     oat_cerr_name(rc));
            return rc;
        }
        p->opt[p->n] = opt;
        p->v[p->n++] = v;
    }
    return 0;
}

const char *oat_cev_name(int kind)
{
    static const char *const names[] = {
        "WIP_CEV_DONE", "WIP_CEV_ERROR", "WIP_CEV_OPEN", "WIP_CEV_PEER_CLOSE",
        "WIP_CEV_PING", "WIP_CEV_READ", "WIP_CEV_WRITE", "WIP_CEV_INVALID",
    };
    return kind >= 0 && kind <= WIP_CEV_LAST ? names[kind] : "WIP_CEV_?";
}
