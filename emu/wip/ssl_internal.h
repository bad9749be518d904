/* ssl_internal.h: what the SSL channel (ssl.c) and its certificate helpers (ssl_verify.c)
 * share: loading trusted CAs and explaining a verification failure. */
#ifndef OAT_SSL_INTERNAL_H
#define OAT_SSL_INTERNAL_H

#include "wip/wip_internal.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

/* The first failure the verification met: which check, which certificate. */
typedef struct {
    int error;          /* X509_V_ERR_*, 0 if none */
    int depth;
    X509 *cert;         /* a reference, freed by the owner */
    bool issuer_sent;   /* the peer sent a certificate named as cert's issuer */
} oat_ssl_failure;

/* A certificate the peer sent (not cert itself) whose subject is cert's issuer name. */
bool oat_ssl_issuer_sent(X509_STORE_CTX *x, X509 *cert);

/* Load CA certificates from a WIP_COPT_CERT_AUTHORITY[_DER|_FILE] value into store and
 * list; returns how many, or -1 with a trace naming fn. */
int oat_ssl_load_ca(X509_STORE *store, STACK_OF(X509) *list, int opt, const oat_optval *v,
                    const char *fn);
/* One trace line saying why the peer's certificate failed, in plain words. */
void oat_ssl_explain(const char *chan, const oat_ssl_failure *f, STACK_OF(X509) *cas,
                     const char *host, long long rtc);

#endif
