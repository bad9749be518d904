/* smtp_auth.c: the SMTP client's AUTH methods: which one to use (what the application asked
 * and what the server offers), the first command, and the answers to the server's 334
 * challenges: PLAIN, LOGIN, CRAM-MD5, XOAUTH2, ANONYMOUS. */
#include "wip/base64.h"
#include "wip/smtp_internal.h"
#include "wip_smtp.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

unsigned oat_smtp_auth_offered(const char *methods)
{
    static const struct { const char *name; unsigned bit; } known[] = {
        { "PLAIN", OAT_AUTH_PLAIN }, { "LOGIN", OAT_AUTH_LOGIN }, { "CRAM-MD5", OAT_AUTH_CRAM },
        { "XOAUTH2", OAT_AUTH_XOAUTH2 }, { "ANONYMOUS", OAT_AUTH_ANONYMOUS },
    };
    unsigned bits = 0;
    char copy[512];
    snprintf(copy, sizeof copy, "%s", methods);
    char *save = NULL;
    for (char *w = strtok_r(copy, " =", &save); w; w = strtok_r(NULL, " =", &save))
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            if (strcasecmp(w, known[i].name) == 0)
                bits |= known[i].bit;
    return bits;
}

static unsigned bit_of(int method)
{
    switch (method) {
    case WIP_SMTP_AUTH_PLAIN: case WIP_SMTP_AUTH_CLEAR: return OAT_AUTH_PLAIN;
    case WIP_SMTP_AUTH_LOGIN: case WIP_SMTP_AUTH_MIME64: return OAT_AUTH_LOGIN;
    case WIP_SMTP_AUTH_CRAM_MD5: return OAT_AUTH_CRAM;
    case WIP_SMTP_AUTH_XOAUTH2: return OAT_AUTH_XOAUTH2;
    case WIP_SMTP_AUTH_ANONYMOUS: return OAT_AUTH_ANONYMOUS;
    default: return 0;
    }
}

int oat_smtp_auth_method(int asked, unsigned offered)
{
    if (asked == WIP_SMTP_AUTH_CLEAR)            /* the module's types: sent as they are */
        return WIP_SMTP_AUTH_PLAIN;
    if (asked == WIP_SMTP_AUTH_MIME64)
        return WIP_SMTP_AUTH_LOGIN;
    if (asked == WIP_SMTP_AUTH_BEST) {
        static const int order[] = { WIP_SMTP_AUTH_CRAM_MD5, WIP_SMTP_AUTH_PLAIN,
                                     WIP_SMTP_AUTH_LOGIN };
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
            if (offered & bit_of(order[i]))
                return order[i];
        return -1;
    }
    return offered & bit_of(asked) ? asked : -1;
}

/* 0, or OAT_AUTH_TOO_LONG: never a cut credential. */
static int b64_of(const char *text, size_t len, char *out, size_t outlen)
{
    return oat_base64_encode(text, len, out, outlen) < 0 ? OAT_AUTH_TOO_LONG : 0;
}

int oat_smtp_auth_first(int method, const char *user, const char *pass, char *cmd, size_t len)
{
    char raw[600], b64[820];
    user = user ? user : "";
    pass = pass ? pass : "";
    switch (method) {
    case WIP_SMTP_AUTH_PLAIN: {
        int n = snprintf(raw, sizeof raw, "%c%s%c%s", 0, user, 0, pass);
        if (n < 0 || (size_t)n >= sizeof raw)
            return -1;
        if (b64_of(raw, (size_t)n, b64, sizeof b64) != 0)
            return -1;
        return snprintf(cmd, len, "AUTH PLAIN %s", b64) < (int)len ? 0 : -1;
    }
    case WIP_SMTP_AUTH_LOGIN:
        return snprintf(cmd, len, "AUTH LOGIN") < (int)len ? 0 : -1;
    case WIP_SMTP_AUTH_CRAM_MD5:
        return snprintf(cmd, len, "AUTH CRAM-MD5") < (int)len ? 0 : -1;
    case WIP_SMTP_AUTH_XOAUTH2: {
        int n = snprintf(raw, sizeof raw, "user=%s\001auth=Bearer %s\001\001", user, pass);
        if (n < 0 || (size_t)n >= sizeof raw)
            return -1;
        if (b64_of(raw, (size_t)n, b64, sizeof b64) != 0)
            return -1;
        return snprintf(cmd, len, "AUTH XOAUTH2 %s", b64) < (int)len ? 0 : -1;
    }
    case WIP_SMTP_AUTH_ANONYMOUS: {
        const char *trace = *user ? user : "anonymous";
        if (b64_of(trace, strlen(trace), b64, sizeof b64) != 0)
            return -1;
        return snprintf(cmd, len, "AUTH ANONYMOUS %s", b64) < (int)len ? 0 : -1;
    }
    default:
        return -1;
    }
}

/* CRAM-MD5: "user hex(HMAC-MD5(password, challenge))", base64. A challenge that is not
 * base64 or decodes to more than 512 bytes (RFC 2195's are a message id) is the server's
 * fault; a user name whose answer does not fit is the application's. */
static int cram(const char *challenge_b64, const char *user, const char *pass, char *out,
                size_t len)
{
    uint8_t chal[512];
    unsigned char mac[EVP_MAX_MD_SIZE];
    long n = oat_base64_decode(challenge_b64, strlen(challenge_b64), chal, sizeof chal);
    if (n < 0)
        return OAT_AUTH_BAD_CHALLENGE;
    size_t maclen = 0;
    if (!EVP_Q_mac(NULL, "HMAC", NULL, "MD5", NULL, pass, strlen(pass), chal, (size_t)n, mac,
                   sizeof mac, &maclen))
        return OAT_AUTH_NO_STEP;
    char raw[600];
    size_t ul = strlen(user);
    if (ul + 1 + 2 * maclen >= sizeof raw)
        return OAT_AUTH_TOO_LONG;
    memcpy(raw, user, ul);
    raw[ul] = ' ';
    size_t r = ul + 1;
    for (size_t i = 0; i < maclen; i++, r += 2)
        snprintf(raw + r, sizeof raw - r, "%02x", mac[i]);
    return b64_of(raw, r, out, len);
}

int oat_smtp_auth_answer(int method, int step, const char *challenge, const char *user,
                         const char *pass, char *out, size_t len)
{
    user = user ? user : "";
    pass = pass ? pass : "";
    switch (method) {
    case WIP_SMTP_AUTH_LOGIN:
        if (step > 1)
            return OAT_AUTH_NO_STEP;
        return b64_of(step == 0 ? user : pass, strlen(step == 0 ? user : pass), out, len);
    case WIP_SMTP_AUTH_CRAM_MD5:
        return step == 0 ? cram(challenge, user, pass, out, len) : OAT_AUTH_NO_STEP;
    case WIP_SMTP_AUTH_XOAUTH2:            /* a 334 here carries the error: answer empty */
        if (step > 0 || len < 1)
            return OAT_AUTH_NO_STEP;
        out[0] = '\0';
        return 0;
    default:
        return OAT_AUTH_NO_STEP;
    }
}
