/* ssl_verify.c: the certificate side of the Security library: loading trusted CAs (PEM
 * text, DER buffer, file) and saying in plain words why a peer's certificate did not
 * verify: which certificate, which check, and what to do about it. */
#include "wip/ssl_internal.h"
#include "core/log.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int add_ca(X509_STORE *store, STACK_OF(X509) *list, X509 *x)
{
    if (!X509_STORE_add_cert(store, x)) {
        unsigned long e = ERR_peek_last_error();
        ERR_clear_error();
        if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE)
            return -1;
    }
    X509_up_ref(x);
    sk_X509_push(list, x);
    return 0;
}

static int load_pem(X509_STORE *store, STACK_OF(X509) *list, BIO *in)
{
    int n = 0;
    X509 *x;
    while ((x = PEM_read_bio_X509(in, NULL, NULL, NULL)) != NULL) {
        int rc = add_ca(store, list, x);
        X509_free(x);
        if (rc != 0)
            return -1;
        n++;
    }
    ERR_clear_error();   /* the end of the text reads as an error */
    return n;
}

static int load_der(X509_STORE *store, STACK_OF(X509) *list, const unsigned char *der, long len)
{
    X509 *x = d2i_X509(NULL, &der, len);
    if (!x) {
        ERR_clear_error();
        return 0;
    }
    int rc = add_ca(store, list, x);
    X509_free(x);
    return rc == 0 ? 1 : -1;
}

int oat_ssl_load_ca(X509_STORE *store, STACK_OF(X509) *list, int opt, const oat_optval *v,
                    const char *fn)
{
    int n = -1;
    const char *what = "PEM text";
    if (opt == WIP_COPT_CERT_AUTHORITY && v->str) {
        BIO *in = BIO_new_mem_buf(v->str, -1);
        n = in ? load_pem(store, list, in) : -1;
        BIO_free(in);
    } else if (opt == WIP_COPT_CERT_AUTHORITY_DER && v->ptr && v->len > 0) {
        what = "DER buffer";
        n = load_der(store, list, v->ptr, (long)v->len);
    } else if (opt == WIP_COPT_CERT_AUTHORITY_FILE && v->str) {
        what = v->str;
        BIO *in = BIO_new_file(v->str, "rb");
        if (in) {
            n = load_pem(store, list, in);
            if (n == 0) {            /* not PEM: one DER certificate */
                unsigned char buf[65536];
                BIO_reset(in);
                int len = BIO_read(in, buf, sizeof buf);
                n = len > 0 ? load_der(store, list, buf, len) : 0;
            }
            BIO_free(in);
        } else {
            ERR_clear_error();
            oat_warn("%s: %s: cannot open the CA file", fn, v->str);
            return -1;
        }
    }
    if (n <= 0)
        oat_warn("%s: %s: no certificate could be read from the %s", fn, oat_opt_name(opt), what);
    return n > 0 ? n : -1;
}

static void name_of(const X509_NAME *name, char *buf, size_t len)
{
    BIO *b = BIO_new(BIO_s_mem());
    buf[0] = '\0';
    if (!b)
        return;
    X509_NAME_print_ex(b, name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    int n = BIO_read(b, buf, (int)len - 1);
    buf[n > 0 ? n : 0] = '\0';
    BIO_free(b);
}

static void time_of(const ASN1_TIME *t, char *buf, size_t len)
{
    struct tm tm;
    if (t && ASN1_TIME_to_tm(t, &tm))
        strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
    else
        snprintf(buf, len, "(unknown)");
}

static bool among(STACK_OF(X509) *cas, X509 *x)
{
    for (int i = 0; cas && i < sk_X509_num(cas); i++)
        if (X509_cmp(sk_X509_value(cas, i), x) == 0)
            return true;
    return false;
}

bool oat_ssl_issuer_sent(X509_STORE_CTX *x, X509 *cert)
{
    STACK_OF(X509) *sent = X509_STORE_CTX_get0_untrusted(x);
    for (int i = 0; cert && sent && i < sk_X509_num(sent); i++) {
        X509 *c = sk_X509_value(sent, i);
        if (X509_cmp(c, cert) != 0 &&
            X509_NAME_cmp(X509_get_subject_name(c), X509_get_issuer_name(cert)) == 0)
            return true;
    }
    return false;
}

/* The certificate's DNS names (or its CN when it has none), comma separated. */
static void names_of(X509 *x, char *buf, size_t len)
{
    buf[0] = '\0';
    GENERAL_NAMES *sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
        if (g->type != GEN_DNS)
            continue;
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                 (const char *)ASN1_STRING_get0_data(g->d.dNSName));
    }
    GENERAL_NAMES_free(sans);
    if (!buf[0])
        name_of(X509_get_subject_name(x), buf, len);
}

void oat_ssl_explain(const char *chan, const oat_ssl_failure *f, STACK_OF(X509) *cas,
                     const char *host, long long rtc)
{
    char subject[256], issuer[256], when[64], now[64];
    X509 *x = f->cert;
    name_of(x ? X509_get_subject_name(x) : NULL, subject, sizeof subject);
    name_of(x ? X509_get_issuer_name(x) : NULL, issuer, sizeof issuer);
    time_t t = (time_t)rtc;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%d %H:%M:%S UTC", &tm);
    switch (f->error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        time_of(x ? X509_get0_notAfter(x) : NULL, when, sizeof when);
        oat_warn("%s: certificate \"%s\" expired on %s; the module's RTC says %s "
                 "(set the RTC with adl_rtcSetTime, AT+CCLK or --rtc if it is wrong)",
                 chan, subject, when, now);
        break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        time_of(x ? X509_get0_notBefore(x) : NULL, when, sizeof when);
        oat_warn("%s: certificate \"%s\" is not valid before %s; the module's RTC says %s "
                 "(an RTC left at its reset value fails every check: set it)",
                 chan, subject, when, now);
        break;
    case X509_V_ERR_HOSTNAME_MISMATCH: {
        char names[512];
        names_of(x, names, sizeof names);
        oat_warn("%s: certificate \"%s\" is for %s, not for the host name \"%s\" "
                 "(connect by a name it carries, or set WIP_COPT_SSL_HOSTNAME)",
                 chan, subject, names, host);
        break;
    }
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        if (x && among(cas, x))
            oat_warn("%s: the CA you loaded, \"%s\", is an intermediate; load its root "
                     "\"%s\" (the module, like oatemu, only trusts a chain that ends at a "
                     "root)", chan, subject, issuer);
        else if (cas && sk_X509_num(cas) == 0)
            oat_warn("%s: no CA is loaded, so \"%s\" (issued by \"%s\") cannot be trusted: "
                     "load its root with WIP_COPT_CERT_AUTHORITY, or use WIP_COPT_VERIFY "
                     "WIP_SSL_NEVER", chan, subject, issuer);
        else if (f->issuer_sent)    /* one with that name came, with another key */
            oat_warn("%s: wrong issuer: the server sent a certificate named \"%s\", but its "
                     "key does not match the signature of \"%s\"; the server must send the "
                     "certificate that issued its own (an old or wrong intermediate?)",
                     chan, issuer, subject);
        else if (f->depth == 0)     /* the leaf's issuer: a root, or an intermediate not sent */
            oat_warn("%s: unknown issuer: \"%s\" was issued by \"%s\", which is neither among "
                     "the loaded CAs nor sent by the server; if it is an intermediate, the "
                     "server's chain is incomplete (the server must send it, or load it too), "
                     "else load that root", chan, subject, issuer);
        else
            oat_warn("%s: unknown issuer: \"%s\" was issued by \"%s\", which is not among "
                     "the loaded CAs; load the root of that chain", chan, subject, issuer);
        break;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        oat_warn("%s: the signature of \"%s\" does not verify with the key of %s\"%s\"%s",
                 chan, subject, f->issuer_sent ? "the certificate the server sent as " : "",
                 issuer, f->issuer_sent ? ": the server must send the certificate that "
                 "issued its own (an old or wrong intermediate?)" : "");
        break;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        oat_warn("%s: \"%s\" is self-signed and not among the loaded CAs; load it with "
                 "WIP_COPT_CERT_AUTHORITY to trust it", chan, subject);
        break;
    default:
        oat_warn("%s: certificate \"%s\" (depth %d) did not verify: %s", chan, subject,
                 f->depth, X509_verify_cert_error_string(f->error));
        break;
    }
}
