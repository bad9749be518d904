/* base64.h: base64 for the WIP plug-in (SMTP AUTH, MIME parts) through OpenSSL's block
 * coder, with the output size checked before OpenSSL writes (its writes are invisible to ASan). */
#ifndef OAT_BASE64_H
#define OAT_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* The bytes base64 of len bytes takes, with its NUL. */
size_t oat_base64_size(size_t len);
/* Base64 of len bytes into out (cap bytes, NUL-terminated): the length without the NUL, or
 * -1 when it does not fit (out is then left alone). */
long oat_base64_encode(const void *in, size_t len, char *out, size_t cap);
/* The bytes of len base64 characters (padding counted, no line breaks) into out (cap bytes):
 * how many, or -1 when the text is not base64 or its bytes do not fit (out may be written
 * up to cap, never past it). */
long oat_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap);

#endif
