/* module_cpu.c: the --module-cpu profiles and the public-key work of a finished TLS client
 * handshake priced with them: the peer's chain (one verify per certificate below the trust
 * anchor, with the issuer's key), the handshake signature (ServerKeyExchange or
 * CertificateVerify, the leaf's key) or the RSA key transport, the (EC)DHE key generation and
 * agreement, and the client's own CertificateVerify (seen by a message callback). The figures
 * are estimates (docs/decisions.md, "Module CPU"). */
#include "wip/module_cpu.h"

#include <openssl/ec.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>


/* µs for one operation at the reference sizes (RSA 2048 bits, elliptic curves 256 bits). */
typedef struct {
    const char *name;
    int64_t rsa_public_us, rsa_private_us, ec_mult_us, ec_verify_us, ec_sign_us;
} profile;

static const profile profiles[] = {
    /* An ARM9 (ARM946E-S class, ~1.1 DMIPS/MHz) at 104 MHz running a portable C bignum
     * library: RSA grows with bits^2 (public, e = 65537) and bits^3 (private), EC with bits^3. */
    { "arm9-104mhz", 120000, 4000000, 1500000, 3000000, 1500000 },
};

static const profile *active;      /* NULL: off */

void oat_module_cpu_option_reset(void)
{
    active = NULL;
}

int oat_module_cpu_option_set(const char *value, char *err, size_t errlen)
{
    if (value && !strcmp(value, "off")) {
        active = NULL;
        return 0;
    }
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
        if (!strcmp(value, profiles[i].name)) {
            active = &profiles[i];
            return 0;
        }
    }
    if (err && errlen)
        snprintf(err, errlen, "--module-cpu: '%s' is not a profile (off, arm9-104mhz)",
                 value ? value : "");
    return -1;
}

static int64_t scaled(int64_t ref_us, int bits, int ref_bits, int power)
{
    double f = (double)bits / ref_bits, s = f;
    for (int i = 1; i < power; i++)
        s *= f;
    return (int64_t)((double)ref_us * s);
}

int64_t oat_module_cpu_op_us(oat_cpu_op op, int bits)
{
    if (!active || bits <= 0)
        return 0;
    switch (op) {
    case OAT_CPU_RSA_PUBLIC: return scaled(active->rsa_public_us, bits, 2048, 2);
    case OAT_CPU_RSA_PRIVATE: return scaled(active->rsa_private_us, bits, 2048, 3);
    case OAT_CPU_EC_MULT: return scaled(active->ec_mult_us, bits, 256, 3);
    case OAT_CPU_EC_VERIFY: return scaled(active->ec_verify_us, bits, 256, 3);
    case OAT_CPU_EC_SIGN: return scaled(active->ec_sign_us, bits, 256, 3);
    }
    return 0;
}

/* ---- counting the client's own signatures ---- */

static int sign_index = -1;
static pthread_once_t sign_once = PTHREAD_ONCE_INIT;

static void make_index(void)
{
    sign_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

static void on_message(int write_p, int version, int content_type, const void *buf, size_t len,
                       SSL *ssl, void *arg)
{
    (void)version;
    (void)arg;
    const unsigned char *m = buf;
    if (write_p && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
        m[0] == SSL3_MT_CERTIFICATE_VERIFY) {
        intptr_t n = (intptr_t)SSL_get_ex_data(ssl, sign_index);
        SSL_set_ex_data(ssl, sign_index, (void *)(n + 1));
    }
}

void oat_module_cpu_watch(SSL *ssl)
{
    if (!active)
        return;
    pthread_once(&sign_once, make_index);
    if (sign_index >= 0)
        SSL_set_msg_callback(ssl, on_message);
}

/* ---- pricing the handshake ---- */

static int key_bits(EVP_PKEY *k)
{
    int id = EVP_PKEY_get_base_id(k);
    return id == EVP_PKEY_ED25519 || id == EVP_PKEY_X25519 ? 256 : EVP_PKEY_get_bits(k);
}

static bool is_rsa(EVP_PKEY *k)
{
    int id = EVP_PKEY_get_base_id(k);
    return id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS;
}

static int64_t verify_us(EVP_PKEY *k)
{
    if (!k)
        return 0;
    return is_rsa(k) ? oat_module_cpu_op_us(OAT_CPU_RSA_PUBLIC, key_bits(k))
                     : oat_module_cpu_op_us(OAT_CPU_EC_VERIFY, key_bits(k));
}

static int64_t sign_us(EVP_PKEY *k)
{
    if (!k)
        return 0;
    return is_rsa(k) ? oat_module_cpu_op_us(OAT_CPU_RSA_PRIVATE, key_bits(k))
                     : oat_module_cpu_op_us(OAT_CPU_EC_SIGN, key_bits(k));
}

/* Each certificate below the anchor, checked with its issuer's key. */
static int64_t chain_us(SSL *ssl)
{
    STACK_OF(X509) *chain = SSL_get0_verified_chain(ssl);
    if (!chain)
        chain = SSL_get_peer_cert_chain(ssl);
    int64_t us = 0;
    for (int i = 0; chain && i + 1 < sk_X509_num(chain); i++)
        us += verify_us(X509_get0_pubkey(sk_X509_value(chain, i + 1)));
    return us;
}

/* (EC)DHE: a key pair and an agreement on the negotiated group. */
static int64_t ephemeral_us(SSL *ssl)
{
    int nid = SSL_get_negotiated_group(ssl);
    if (nid <= 0)
        return 0;
    if (nid == NID_X25519 || nid == NID_X448)
        return 2 * oat_module_cpu_op_us(OAT_CPU_EC_MULT, nid == NID_X25519 ? 256 : 448);
    EC_GROUP *g = EC_GROUP_new_by_curve_name(nid);
    if (g) {
        int bits = EC_GROUP_get_degree(g);
        EC_GROUP_free(g);
        return 2 * oat_module_cpu_op_us(OAT_CPU_EC_MULT, bits);
    }
    return 2 * oat_module_cpu_op_us(OAT_CPU_RSA_PRIVATE, 2048);   /* ffdhe: a modexp each */
}

int64_t oat_module_cpu_handshake_us(SSL *ssl)
{
    if (!active)
        return 0;
    const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
    EVP_PKEY *leaf = SSL_get0_peer_certificate(ssl) ?
                     X509_get0_pubkey(SSL_get0_peer_certificate(ssl)) : NULL;
    int kx = cipher ? SSL_CIPHER_get_kx_nid(cipher) : NID_undef;
    int64_t us = 0;
    if (!SSL_session_reused(ssl))   /* the chain, then one operation with the leaf's key: */
        us += chain_us(ssl) + verify_us(leaf);   /* RSA key transport or handshake signature */
    if (kx != NID_kx_rsa)
        us += ephemeral_us(ssl);
    if (sign_index >= 0)
        us += (intptr_t)SSL_get_ex_data(ssl, sign_index) * sign_us(SSL_get_privatekey(ssl));
    return us;
}
