/* base64.c: base64 through OpenSSL's EVP_EncodeBlock and EVP_DecodeBlock, every call
 * checked against the output's size first; the only place in emu/ that calls them. */
#include "wip/base64.h"

#include <limits.h>
#include <string.h>
#include <openssl/evp.h>

size_t oat_base64_size(size_t len)
{
    return 4 * ((len + 2) / 3) + 1;
}

long oat_base64_encode(const void *in, size_t len, char *out, size_t cap)
{
    if (len > (size_t)INT_MAX / 4 * 3 || oat_base64_size(len) > cap)
        return -1;
    return EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

long oat_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
    /* EVP_DecodeBlock writes 3 bytes per 4 characters, padding included (as zero bytes):
     * the bound is taken before it runs, on a copy when the padding makes it overshoot. */
    if (len % 4 != 0 || len > (size_t)INT_MAX)
        return -1;
    size_t pad = len >= 4 ? (in[len - 1] == '=') + (in[len - 1] == '=' && in[len - 2] == '=') : 0;
    size_t bytes = len / 4 * 3;
    if (bytes - pad > cap)
        return -1;
    uint8_t last[3];
    size_t whole = bytes > cap ? len - 4 : len;     /* the padded group into last[] */
    int n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)whole);
    if (n < 0)
        return -1;
    if (whole < len) {
        if (EVP_DecodeBlock(last, (const unsigned char *)in + whole, 4) < 0)
            return -1;
        memcpy(out + n, last, 3 - pad);
        n += 3;
    }
    return n - (int)pad;
}
