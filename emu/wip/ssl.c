/* ssl.c: the Security library (behaviour §5). An SSL client is a stream channel whose
 * transport is an ordinary WIP TCP client (host socket or module loopback) and whose TLS
 * engine is OpenSSL working on memory BIOs: ciphertext is read from and written to the TCP
 * channel with the core's own rules, plaintext lands in the SSL channel's receive ring.
 * OPEN after the handshake; wip_write takes the whole buffer or returns -1; the peer ending
 * the session gives WIP_CEV_INVALID; the finalizer runs after the TLS shutdown and the TCP
 * channel's release. */
#include "wip/ssl_internal.h"
#include "wip/pcap.h"
#include "wip/wip_options.h"
#include "wip/fault.h"
#include "wip/module_cpu.h"
#include "adl/rtc_internal.h"
#include "core/calls.h"
#include "core/clock.h"
#include "core/log.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The library as wip_SSLInitOpts set it up; ctx NULL = not initialised. */
static struct {
    SSL_CTX *ctx;
    STACK_OF(X509) *cas;
    int verify;
} lib;

/* The TCP channel carrying the records is the SSL channel's inner channel (layer.c). */
typedef struct {
    SSL *ssl;
    BIO *net_in, *net_out;      /* ciphertext from and to the peer */
    uint8_t wire[32768];        /* records taken from net_out, not yet taken by TCP */
    size_t wire_len;
    STACK_OF(X509) *cas;        /* the CAs trusted by this channel (for explanations) */
    X509_STORE *own_store;      /* the channel's own WIP_COPT_CERT_AUTHORITY, if given */
    int verify;
    char host[256];             /* the name checked and sent as SNI */
    bool handshaking;
    bool cpu_busy;              /* handshake done, the module's CPU still on it (--module-cpu) */
    uint32_t handshake_ms;      /* WIP_COPT_TIMEOUT: connect and handshake, emulated time */
    oat_chan_timer handshake_timer;
    bool refused;               /* a write returned -1: WRITE once records are out */
    bool closing;               /* wip_close: close_notify, then the TCP channel */
    bool inner_eof;             /* the TCP peer closed */
    oat_ssl_failure fail;
} ssl_tp;

/* The connect and handshake of a module took up to ~40 s on GPRS (the forum account): the
 * default leaves room for that; WIP_COPT_TIMEOUT changes it per client. */
#define OAT_SSL_HANDSHAKE_DEFAULT_MS 60000u
#define OAT_SSL_HANDSHAKE_MAX_MS OAT_MS_PER_HOUR

static const oat_chan_ops ssl_ops;

static ssl_tp *tp_of(oat_chan *c)
{
    return c->tp;
}

static const char *name_of(oat_chan *c, char *buf, size_t len)
{
    return oat_chan_name(c, buf, len);
}

/* ---- moving records ---- */

/* Ciphertext from the TCP channel into OpenSSL; bytes moved. Only while the plaintext side
 * can take more (or the handshake or close needs it): otherwise the peer waits. */
static size_t pull(oat_chan *c, ssl_tp *t)
{
    size_t moved = 0;
    bool wanted = t->handshaking || t->closing || oat_ring_room(&c->rcv) > 0;
    while (wanted && BIO_ctrl_pending(t->net_in) < 65536) {
        uint8_t buf[8192];
        int n = oat_chan_inner_read(c, buf, sizeof buf);
        if (n <= 0)
            break;
        BIO_write(t->net_in, buf, n);
        moved += (size_t)n;
    }
    return moved;
}

/* Records made by OpenSSL and not yet taken by the TCP channel. */
static size_t unsent(const ssl_tp *t)
{
    return t->wire_len + BIO_ctrl_pending(t->net_out);
}

static void ask_write_event(oat_chan *c, ssl_tp *t)
{
    if (t->refused && unsent(t) == 0 && c->state == WIP_CSTATE_READY) {
        t->refused = false;
        oat_chan_event(c, WIP_CEV_WRITE, 0);
    }
}

/* Records into the TCP channel: one write of what waits, as the TCP channel takes it (a
 * short write there brings its WRITE event, and the next piece goes then). Until all is
 * taken, SSL writes answer -1, as on the module. */
static void push(oat_chan *c, ssl_tp *t)
{
    while (t->wire_len < sizeof t->wire && BIO_ctrl_pending(t->net_out) > 0) {
        int n = BIO_read(t->net_out, t->wire + t->wire_len, (int)(sizeof t->wire - t->wire_len));
        if (n <= 0)
            break;
        t->wire_len += (size_t)n;
    }
    if (oat_chan_inner_state(c) == WIP_CSTATE_READY && t->wire_len > 0) {
        int n = oat_chan_inner_write(c, t->wire, (uint32_t)t->wire_len);
        if (n > 0) {
            memmove(t->wire, t->wire + n, t->wire_len - (size_t)n);
            t->wire_len -= (size_t)n;
        }
    }
    ask_write_event(c, t);
    /* Closing: the socket goes once close_notify is out, or at once when the TCP channel
     * can take no more (the connection broke or the peer ended it): what waits is lost. */
    if (t->closing && (unsent(t) == 0 || oat_chan_inner_state(c) != WIP_CSTATE_READY))
        oat_chan_close_inner(c);
}

/* ---- the handshake and the session ---- */

static void handshake_over(ssl_tp *t)
{
    t->handshaking = false;
    oat_chan_timer_stop(&t->handshake_timer);
}

static void handshake_failed(oat_chan *c, ssl_tp *t, int ssl_error)
{
    char name[48], why[256] = "";
    name_of(c, name, sizeof name);
    handshake_over(t);
    if (t->fail.error && t->verify == WIP_SSL_ALWAYS) {
        oat_ssl_explain(name, &t->fail, t->cas, t->host, oat_rtc_seconds());
        oat_chan_fail(c, WIP_SSL_ERR_CERTIFICATE);
        return;
    }
    unsigned long e = ERR_get_error();
    if (e)
        ERR_error_string_n(e, why, sizeof why);
    else
        snprintf(why, sizeof why, "%s", t->inner_eof ? "the peer closed the connection"
                                        : ssl_error == SSL_ERROR_SYSCALL ? "transport error"
                                                                          : "no reason given");
    ERR_clear_error();
    oat_warn("%s: TLS handshake with %s failed: %s (errnum %d)", name, t->host, why,
             WIP_SSL_ERR_HANDSHAKE);
    oat_chan_fail(c, WIP_SSL_ERR_HANDSHAKE);
}

static void drive(oat_chan *c);

static void session_open(oat_chan *c, ssl_tp *t)
{
    t->refused = false;             /* the WRITE after OPEN answers a refused write */
    oat_pcap_plain_open(c);
    oat_chan_opened(c);
}

/* The module's CPU finished its share of the handshake (--module-cpu). */
static void cpu_done(oat_chan *c)
{
    ssl_tp *t = tp_of(c);
    if (!t || !t->cpu_busy || c->last_error)
        return;
    t->cpu_busy = false;
    session_open(c, t);
    drive(c);
}

static void handshake(oat_chan *c, ssl_tp *t)
{
    int r = SSL_do_handshake(t->ssl);
    if (r == 1) {
        char name[48];
        name_of(c, name, sizeof name);
        handshake_over(t);
        if (t->fail.error)   /* WIP_SSL_OPTIONAL: said, then the session goes on */
            oat_ssl_explain(name, &t->fail, t->cas, t->host, oat_rtc_seconds());
        oat_info("%s: %s with %s, %s", name, SSL_get_version(t->ssl), t->host,
                 SSL_get_cipher_name(t->ssl));
        int64_t cpu_ms = oat_module_cpu_handshake_us(t->ssl) / 1000;
        if (cpu_ms > 0 && oat_chan_timer_start_busy(&t->handshake_timer, c, (uint32_t)cpu_ms,
                                                    cpu_done)) {
            oat_info("%s: the module's CPU spends %lld ms on the handshake's public-key "
                     "operations", name, (long long)cpu_ms);
            t->cpu_busy = true;
            return;
        }
        session_open(c, t);
        return;
    }
    int err = SSL_get_error(t->ssl, r);
    if (err == SSL_ERROR_WANT_READ && !t->inner_eof)
        return;
    if (err != SSL_ERROR_WANT_WRITE)
        handshake_failed(c, t, err);
}

/* Decrypt into the receive ring while it has room. */
static void decrypt(oat_chan *c, ssl_tp *t)
{
    uint32_t before = c->rcv.count;
    bool ended = false;
    while (!c->peer_closed && c->last_error == 0) {
        uint8_t *p;
        uint32_t span = oat_ring_tail_span(&c->rcv, &p);
        if (span == 0)
            break;
        int n = SSL_read(t->ssl, p, (int)span);
        if (n > 0) {
            oat_pcap_tcp_data(c, false, p, (size_t)n);
            oat_ring_commit(&c->rcv, (uint32_t)n);
            continue;
        }
        int err = SSL_get_error(t->ssl, n);
        if (err == SSL_ERROR_WANT_READ) {
            if (pull(c, t) > 0)
                continue;
            break;
        }
        if (err == SSL_ERROR_ZERO_RETURN) {
            ended = true;               /* close_notify: after the READ of what came before */
            break;
        }
        char name[48], why[256] = "record error";
        unsigned long e = ERR_get_error();
        if (e)
            ERR_error_string_n(e, why, sizeof why);
        ERR_clear_error();
        oat_warn("%s: TLS session broken: %s (errnum %d)", name_of(c, name, sizeof name), why,
                 WIP_SSL_ERR_PROTOCOL);
        oat_chan_fail(c, WIP_SSL_ERR_PROTOCOL);
        break;
    }
    if (c->rcv.count > before)
        oat_stream_received(c);
    if (ended)
        oat_chan_peer_ended(c, WIP_CEV_INVALID);
}

/* Move everything that can move. Lock held. */
static void drive(oat_chan *c)
{
    ssl_tp *t = tp_of(c);
    if (!t || c->released)
        return;
    pull(c, t);
    if (t->handshaking && oat_chan_inner_state(c) != WIP_CSTATE_BUSY)
        handshake(c, t);
    if (!t->handshaking && !t->cpu_busy && c->last_error == 0)
        decrypt(c, t);
    push(c, t);
    if (t->inner_eof && BIO_ctrl_pending(t->net_in) == 0 && !t->handshaking && !t->cpu_busy)
        oat_chan_peer_ended(c, WIP_CEV_INVALID);    /* FIN without close_notify */
}

/* The peer did not complete the connection and handshake in time. */
static void handshake_timed_out(oat_chan *c)
{
    ssl_tp *t = tp_of(c);
    if (!t || !t->handshaking || c->last_error)
        return;
    char name[48];
    oat_warn("%s: no TLS handshake with %s within %u ms (%s)", name_of(c, name, sizeof name),
             t->host, (unsigned)t->handshake_ms, oat_cerr_name(WIP_CERR_TIMEOUT));
    handshake_over(t);
    oat_chan_fail(c, WIP_CERR_TIMEOUT);
}

/* Events of the TCP channel underneath, in the owner task, lock held. */
static void ssl_inner_event(oat_chan *c, const wip_event_t *ev)
{
    ssl_tp *t = tp_of(c);
    switch (ev->kind) {
    case WIP_CEV_OPEN:
        X509_VERIFY_PARAM_set_time(SSL_get0_param(t->ssl), (time_t)oat_rtc_seconds());
        break;
    case WIP_CEV_PEER_CLOSE:
        t->inner_eof = true;
        break;
    case WIP_CEV_ERROR:
        if (t->handshaking) {
            char name[48];
            oat_warn("%s: the TCP connection to %s failed (%s)", name_of(c, name, sizeof name),
                     t->host, oat_cerr_name(ev->content.error.errnum));
            handshake_over(t);
        }
        oat_chan_fail(c, ev->content.error.errnum);
        break;
    default:
        break;
    }
    drive(c);
}

/* ---- channel operations ---- */

static int ssl_write(oat_chan *c, const void *buf, uint32_t len, const oat_peer_opts *peer)
{
    ssl_tp *t = tp_of(c);
    char name[48];
    if (peer && peer->n)
        return WIP_CERR_NOT_SUPPORTED;
    if (len > WIP_SSL_WRITE_MAX) {
        oat_warn("wip_write: %s takes at most %d bytes per write, not %u (WIP_CERR_OUT_OF_RANGE)",
                 name_of(c, name, sizeof name), WIP_SSL_WRITE_MAX, (unsigned)len);
        return WIP_CERR_OUT_OF_RANGE;
    }
    if ((t->handshaking || t->cpu_busy) && c->last_error == 0) {
        t->refused = true;              /* -1 until the handshake is over, then WRITE */
        return -1;
    }
    if (c->state != WIP_CSTATE_READY) {
        oat_warn("wip_write: %s is %s (WIP_CERR_CSTATE)", name_of(c, name, sizeof name),
                 c->last_error ? "in error" : "ended by the peer");
        return WIP_CERR_CSTATE;
    }
    if (unsent(t) > 0) {
        t->refused = true;              /* previous records not sent yet */
        return -1;
    }
    if (len == 0)
        return 0;
    int n = SSL_write(t->ssl, buf, (int)len);
    if (n != (int)len) {
        ERR_clear_error();
        oat_warn("wip_write: %s: the TLS engine refused the data (errnum %d)",
                 name_of(c, name, sizeof name), WIP_SSL_ERR_PROTOCOL);
        oat_chan_fail(c, WIP_SSL_ERR_PROTOCOL);
        return WIP_CERR_CSTATE;
    }
    oat_pcap_tcp_data(c, true, buf, len);
    push(c, t);
    if (oat_fault_tls_written(c->inner, len)) {       /* a scripted fatal alert from the peer */
        oat_warn("%s: TLS session broken: the peer sent a fatal alert (errnum %d)",
                 name_of(c, name, sizeof name), WIP_SSL_ERR_PROTOCOL);
        oat_chan_fail(c, WIP_SSL_ERR_PROTOCOL);
    }
    return (int)len;
}

static uint32_t ssl_readable(oat_chan *c)
{
    ssl_tp *t = tp_of(c);
    return c->rcv.count + (t && !t->handshaking ? (uint32_t)SSL_pending(t->ssl) : 0);
}

static void ssl_kick(oat_chan *c)
{
    drive(c);
}

static void ssl_close(oat_chan *c)
{
    ssl_tp *t = tp_of(c);
    t->closing = true;
    if (!oat_chan_inner(c)) {
        oat_chan_release(c);
        return;
    }
    if (!t->handshaking && c->last_error == 0 && oat_chan_inner_state(c) == WIP_CSTATE_READY) {
        SSL_shutdown(t->ssl);           /* close_notify, pushed before the socket closes */
        ERR_clear_error();
        push(c, t);
    } else {
        handshake_over(t);
        oat_chan_close_inner(c);
    }
}

/* The TCP connection is reset; the SSL channel is released once it is gone. */
static int ssl_abort(oat_chan *c)
{
    handshake_over(tp_of(c));
    oat_pcap_tcp_reset(c, true);
    oat_chan_abort_inner(c);
    return 0;
}

static int load_own_ca(oat_chan *c, ssl_tp *t, int opt, const oat_optval *v)
{
    if (!t->own_store) {
        t->own_store = X509_STORE_new();
        sk_X509_pop_free(t->cas, X509_free);
        t->cas = sk_X509_new_null();
        if (!t->own_store || !t->cas)
            return WIP_CERR_MEMORY;
        SSL_set1_verify_cert_store(t->ssl, t->own_store);
    }
    char name[48];
    return oat_ssl_load_ca(t->own_store, t->cas, opt, v, name_of(c, name, sizeof name)) > 0
           ? 0 : WIP_CERR_INVALID;
}

static int min_version(int v)
{
    switch (v) {
    case WIP_SSL_TLS_1_0: return TLS1_VERSION;
    case WIP_SSL_TLS_1_1: return TLS1_1_VERSION;
    case WIP_SSL_TLS_1_2: return TLS1_2_VERSION;
    case WIP_SSL_TLS_1_3: return TLS1_3_VERSION;
    default: return 0;
    }
}

static int use_pem(SSL *ssl, int opt, const char *pem)
{
    BIO *in = pem ? BIO_new_mem_buf(pem, -1) : NULL;
    int ok = 0;
    if (in && opt == WIP_COPT_SSL_CLIENT_CERT) {
        X509 *x = PEM_read_bio_X509(in, NULL, NULL, NULL);
        ok = x && SSL_use_certificate(ssl, x) == 1;
        X509_free(x);
    } else if (in) {
        EVP_PKEY *k = PEM_read_bio_PrivateKey(in, NULL, NULL, NULL);
        ok = k && SSL_use_PrivateKey(ssl, k) == 1;
        EVP_PKEY_free(k);
    }
    BIO_free(in);
    ERR_clear_error();
    return ok ? 0 : WIP_CERR_INVALID;
}

static int ssl_set_opt(oat_chan *c, int opt, const oat_optval *v)
{
    ssl_tp *t = tp_of(c);
    switch (opt) {
    case WIP_COPT_CERT_AUTHORITY:
    case WIP_COPT_CERT_AUTHORITY_DER:
    case WIP_COPT_CERT_AUTHORITY_FILE:
        return oat_chan_inner(c) ? WIP_CERR_CSTATE : load_own_ca(c, t, opt, v);
    case WIP_COPT_VERIFY:
        if (oat_chan_inner(c))
            return WIP_CERR_CSTATE;
        if (v->num > WIP_SSL_ALWAYS)
            return WIP_CERR_OUT_OF_RANGE;
        t->verify = (int)v->num;
        return 0;
    case WIP_COPT_SSL_HOSTNAME:
        if (oat_chan_inner(c))
            return WIP_CERR_CSTATE;
        if (!v->str || !*v->str || strlen(v->str) >= sizeof t->host)
            return WIP_CERR_INVALID;
        snprintf(t->host, sizeof t->host, "%s", v->str);
        return 0;
    case WIP_COPT_SSL_CLIENT_CERT:
    case WIP_COPT_SSL_CLIENT_KEY:
        return oat_chan_inner(c) ? WIP_CERR_CSTATE : use_pem(t->ssl, opt, v->str);
    case WIP_COPT_SSL_MIN_VERSION:
        if (!min_version((int)v->num))
            return WIP_CERR_OUT_OF_RANGE;
        return SSL_set_min_proto_version(t->ssl, min_version((int)v->num)) ? 0 : WIP_CERR_INVALID;
    case WIP_COPT_SSL_CIPHERS: {
        int ok = v->str && SSL_set_cipher_list(t->ssl, v->str) == 1;
        ERR_clear_error();
        return ok ? 0 : WIP_CERR_INVALID;
    }
    case WIP_COPT_TIMEOUT:
        if (oat_chan_inner(c))
            return WIP_CERR_CSTATE;
        if (v->num == 0 || v->num > OAT_SSL_HANDSHAKE_MAX_MS)
            return WIP_CERR_OUT_OF_RANGE;
        t->handshake_ms = v->num;
        return 0;
    default:
        /* TCP options: kept here before the TCP channel exists, given to it after. */
        return oat_chan_inner(c) ? oat_chan_inner_set_opt(c, opt, v) : oat_tcp_opt_set(c, opt, v);
    }
}

static int ssl_get_opt(oat_chan *c, int opt, const oat_optval *v)
{
    ssl_tp *t = tp_of(c);
    switch (opt) {
    case WIP_COPT_VERIFY: *(u32 *)v->ptr = (u32)t->verify; return 0;
    case WIP_COPT_TIMEOUT: *(u32 *)v->ptr = t->handshake_ms; return 0;
    case WIP_COPT_SSL_MIN_VERSION: {
        long ver = SSL_get_min_proto_version(t->ssl);
        *(u32 *)v->ptr = ver == TLS1_3_VERSION ? WIP_SSL_TLS_1_3 : ver == TLS1_2_VERSION
                         ? WIP_SSL_TLS_1_2 : ver == TLS1_1_VERSION ? WIP_SSL_TLS_1_1
                         : WIP_SSL_TLS_1_0;
        return 0;
    }
    default: {
        int rc = oat_chan_inner_get_opt(c, opt, v);
        return rc == WIP_CERR_NOT_SUPPORTED ? oat_tcp_opt_get(c, opt, v) : rc;
    }
    }
}

static void ssl_destroy(oat_chan *c)
{
    ssl_tp *t = tp_of(c);
    if (!t)
        return;
    oat_chan_timer_stop(&t->handshake_timer);
    SSL_free(t->ssl);                   /* and the BIOs it owns */
    X509_STORE_free(t->own_store);
    sk_X509_pop_free(t->cas, X509_free);
    X509_free(t->fail.cert);
    free(t);
    c->tp = NULL;
}

static const oat_chan_ops ssl_ops = {
    .type = "SSL client",
    .write = ssl_write,
    .readable = ssl_readable,
    .set_opt = ssl_set_opt,
    .get_opt = ssl_get_opt,
    .kick = ssl_kick,
    .close = ssl_close,
    .abort = ssl_abort,
    .destroy = ssl_destroy,
    .inner_event = ssl_inner_event,
};

/* ---- verification ---- */

static int verify_cb(int ok, X509_STORE_CTX *x)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
    oat_chan *c = SSL_get_app_data(ssl);
    ssl_tp *t = c ? tp_of(c) : NULL;
    if (!t || t->verify == WIP_SSL_NEVER)
        return 1;
    if (!ok && t->fail.error == 0) {
        t->fail.error = X509_STORE_CTX_get_error(x);
        t->fail.depth = X509_STORE_CTX_get_error_depth(x);
        t->fail.cert = X509_STORE_CTX_get_current_cert(x);
        if (t->fail.cert)
            X509_up_ref(t->fail.cert);
        t->fail.issuer_sent = oat_ssl_issuer_sent(x, t->fail.cert);
    }
    return t->verify == WIP_SSL_ALWAYS ? ok : 1;
}

static void apply_verify(ssl_tp *t)
{
    SSL_set_verify(t->ssl, t->verify == WIP_SSL_NEVER ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
                   verify_cb);
    struct in_addr ip;
    if (inet_pton(AF_INET, t->host, &ip) == 1) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), t->host);
    } else {
        SSL_set1_host(t->ssl, t->host);
        SSL_set_tlsext_host_name(t->ssl, t->host);
    }
}

/* ---- the library ---- */

static void keylog(const SSL *ssl, const char *line)
{
    (void)ssl;
    const char *path = oat_wip_cfg()->ssl_keylog;
    FILE *f = *path ? fopen(path, "a") : NULL;
    if (!f)
        return;
    fprintf(f, "%s\n", line);
    fclose(f);
}

static void lib_free(void)
{
    SSL_CTX_free(lib.ctx);
    sk_X509_pop_free(lib.cas, X509_free);
    lib.ctx = NULL;
    lib.cas = NULL;
}

static s8 init_opts(const char *fn, int opt, va_list *ap)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    STACK_OF(X509) *cas = sk_X509_new_null();
    int verify = WIP_SSL_ALWAYS;
    s8 rc = ctx && cas ? OK : ERROR;
    if (ctx)
        SSL_CTX_set_keylog_callback(ctx, keylog);
    for (; rc == OK && ap && opt != WIP_COPT_END; opt = va_arg(*ap, int)) {
        oat_optval v;
        if (oat_opt_fetch(opt, false, ap, &v) != 0) {
            oat_warn("%s: %s cannot be set here; the library is not initialised", fn,
                     oat_opt_name(opt));
            rc = ERROR;
        } else if (opt == WIP_COPT_CERT_AUTHORITY || opt == WIP_COPT_CERT_AUTHORITY_DER ||
                   opt == WIP_COPT_CERT_AUTHORITY_FILE) {
            rc = oat_ssl_load_ca(SSL_CTX_get_cert_store(ctx), cas, opt, &v, fn) > 0 ? OK : ERROR;
        } else if (opt == WIP_COPT_VERIFY && v.num <= WIP_SSL_ALWAYS) {
            verify = (int)v.num;
        } else if (opt == WIP_COPT_SSL_MIN_VERSION && min_version((int)v.num)) {
            SSL_CTX_set_min_proto_version(ctx, min_version((int)v.num));
        } else if (opt == WIP_COPT_SSL_CIPHERS && v.str && SSL_CTX_set_cipher_list(ctx, v.str)) {
            continue;
        } else {
            oat_warn("%s: %s: %s; the library is not initialised", fn, oat_opt_name(opt),
                     opt == WIP_COPT_VERIFY || opt == WIP_COPT_SSL_MIN_VERSION ||
                     opt == WIP_COPT_SSL_CIPHERS ? "bad value" : "not an option of wip_SSLInitOpts");
            rc = ERROR;
        }
    }
    ERR_clear_error();
    if (rc != OK) {
        SSL_CTX_free(ctx);
        sk_X509_pop_free(cas, X509_free);
        return rc;
    }
    oat_wip_lock();
    lib_free();
    lib.ctx = ctx;
    lib.cas = cas;
    lib.verify = verify;
    oat_wip_unlock();
    return OK;
}

s8 wip_SSLInit(void)
{
    s8 rc = init_opts("wip_SSLInit", WIP_COPT_END, NULL);
    OAT_CALL_RET("wip_SSLInit", rc, NULL, "%s", "");
    return rc;
}

s8 wip_SSLInitOpts(int opt, ...)
{
    va_list ap;
    va_start(ap, opt);
    s8 rc = init_opts("wip_SSLInitOpts", opt, &ap);
    va_end(ap);
    OAT_CALL_RET("wip_SSLInitOpts", rc, NULL, "%d, ...", opt);
    return rc;
}

s8 wip_SSLClose(void)
{
    oat_wip_lock();
    s8 rc = lib.ctx ? OK : ERROR;
    if (!lib.ctx)
        oat_warn("wip_SSLClose: the Security library is not initialised");
    lib_free();
    oat_wip_unlock();
    OAT_CALL_RET("wip_SSLClose", rc, NULL, "%s", "");
    return rc;
}

void oat_ssl_reset(void)
{
    lib_free();
}

/* ---- clients ---- */

/* An SSL channel with its TLS engine, options applied, no transport yet. Lock held. */
static oat_chan *ssl_new(const char *fn, const ascii *host, wip_eventHandler_f evh, void *ctx,
                         int opt, va_list *ap)
{
    if (!lib.ctx) {
        oat_warn("%s: the Security library is not initialised (wip_SSLInit, or again after "
                 "wip_SSLClose): no channel", fn);
        return NULL;
    }
    oat_chan *c = oat_chan_new_tp(&ssl_ops, evh, ctx, true, sizeof(ssl_tp), fn);
    ssl_tp *t = c ? tp_of(c) : NULL;
    if (!t)
        return NULL;
    t->ssl = SSL_new(lib.ctx);
    t->net_in = BIO_new(BIO_s_mem());
    t->net_out = BIO_new(BIO_s_mem());
    t->cas = X509_chain_up_ref(lib.cas);
    if (!t->ssl || !t->net_in || !t->net_out || !t->cas) {
        BIO_free(t->net_in);            /* not the SSL's yet: SSL_set_bio comes later */
        BIO_free(t->net_out);
        t->net_in = t->net_out = NULL;
        oat_chan_discard(c);
        oat_warn("%s: out of memory (WIP_CERR_MEMORY): no channel", fn);
        return NULL;
    }
    SSL_set_bio(t->ssl, t->net_in, t->net_out);
    SSL_set_connect_state(t->ssl);
    SSL_set_app_data(t->ssl, c);
    oat_module_cpu_watch(t->ssl);
    t->verify = lib.verify;
    t->handshake_ms = OAT_SSL_HANDSHAKE_DEFAULT_MS;
    oat_chan_timer_init(&t->handshake_timer);
    snprintf(t->host, sizeof t->host, "%s", host);
    if (ap && oat_chan_set_list(c, fn, opt, ap) != 0) {
        oat_chan_discard(c);
        return NULL;
    }
    apply_verify(t);
    return c;
}

/* The TCP channel under c from now on; the handshake starts when it is open. */
static void attach(oat_chan *c, oat_chan *in, const char *fn)
{
    ssl_tp *t = tp_of(c);
    oat_chan_adopt(c, in, fn);
    /* The room the application sees is SND_BUFSIZE of plaintext: the TCP channel under it
     * holds that and an eighth more for the records' headers and tags. */
    oat_chan_inner_snd_extra(c, c->snd.size / 8, fn);
    t->handshaking = true;
    if (!oat_chan_timer_start(&t->handshake_timer, c, t->handshake_ms, handshake_timed_out))
        oat_warn("%s: out of host memory for the handshake timer: it has no timeout", fn);
    if (oat_chan_inner_state(c) == WIP_CSTATE_READY) {
        X509_VERIFY_PARAM_set_time(SSL_get0_param(t->ssl), (time_t)oat_rtc_seconds());
        drive(c);
    }
}

oat_chan *oat_ssl_wrap(const char *fn, oat_chan *tcp, const char *host, wip_eventHandler_f evh,
                       void *ctx)
{
    oat_chan *c = ssl_new(fn, host, evh, ctx, WIP_COPT_END, NULL);
    if (c)
        attach(c, tcp, fn);
    return c;
}

static wip_channel_t client_create(const char *fn, const ascii *host, u16 port,
                                   wip_eventHandler_f evh, void *ctx, int opt, va_list *ap)
{
    if (!oat_net_ready(fn))
        return NULL;
    if (!host || !*host || port == 0 || !evh) {
        oat_warn("%s: %s (WIP_CERR_INVALID): no channel", fn,
                 !host || !*host ? "no peer name" : port == 0 ? "peer port 0" : "NULL event handler");
        return NULL;
    }
    oat_wip_lock();
    oat_chan *c = ssl_new(fn, host, evh, ctx, opt, ap);
    oat_chan *in = c ? oat_tcp_client_create(fn, host, port, oat_chan_inner_handler, c,
                                             WIP_COPT_END, NULL)
                     : NULL;
    if (c && !in)
        oat_chan_discard(c);
    if (in) {
        oat_tcp_opts_inherit(in, c);
        attach(c, in, fn);
    }
    oat_wip_unlock();
    return in ? c : NULL;
}

oat_chan *oat_ssl_client(const char *fn, const ascii *host, u16 port, wip_eventHandler_f evh,
                         void *ctx)
{
    return client_create(fn, host, port, evh, ctx, WIP_COPT_END, NULL);
}

wip_channel_t wip_SSLClientCreate(const ascii *host, u16 port, wip_eventHandler_f evh, void *ctx)
{
    wip_channel_t c = client_create("wip_SSLClientCreate", host, port, evh, ctx, WIP_COPT_END, NULL);
    OAT_CALL_PTR("wip_SSLClientCreate", c, "\"%s\", %u, %p, %p", host ? host : "(null)",
                 (unsigned)port, (void *)evh, ctx);
    return c;
}

wip_channel_t wip_SSLClientCreateOpts(const ascii *host, u16 port, wip_eventHandler_f evh,
                                      void *ctx, ...)
{
    va_list ap;
    va_start(ap, ctx);
    wip_channel_t c = client_create("wip_SSLClientCreateOpts", host, port, evh, ctx,
                                    va_arg(ap, int), &ap);
    va_end(ap);
    OAT_CALL_PTR("wip_SSLClientCreateOpts", c, "\"%s\", %u, %p, %p, ...", host ? host : "(null)",
                 (unsigned)port, (void *)evh, ctx);
    return c;
}
