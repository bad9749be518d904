/* wm_str.c: the wm_* string conversions and checks of wm_stdio.h. Pure functions on the
 * caller's buffers: no allocation, no state, and never a read past a NUL or a length. */
#include "wm_stdio.h"

#include <stdint.h>
#include <string.h>

#include "core/calls.h"
#include "core/log.h"

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static const char hex_digits[] = "0123456789ABCDEF";

/* Case-blind comparison of at most n characters, both strings non-NULL. */
static s32 compare_nocase(const ascii *s1, const ascii *s2, u32 n)
{
    for (u32 i = 0; i < n; i++) {
        int a = lower((unsigned char)s1[i]);
        int b = lower((unsigned char)s2[i]);
        if (a != b || a == 0)
            return a - b;
    }
    return 0;
}

/* wm_stricmp / wm_strnicmp and the module C library's stricmp / strnicmp; fn names the call
 * in traces, n is UINT32_MAX for the unbounded forms. */
static s32 compare_nocase_call(const char *fn, const ascii *s1, const ascii *s2, u32 n)
{
    if (s1 == NULL || s2 == NULL) {
        oat_warn("%s(%p, %p): a string is NULL; they compare as different", fn,
                 (const void *)s1, (const void *)s2);
        OAT_CALL_RET(fn, -1, NULL, "%p, %p", (const void *)s1, (const void *)s2);
        return -1;
    }
    s32 r = compare_nocase(s1, s2, n);
    if (n == UINT32_MAX)
        OAT_CALL_RET(fn, r, NULL, "\"%s\", \"%s\"", s1, s2);
    else
        OAT_CALL_RET(fn, r, NULL, "\"%.*s\", \"%.*s\", %lu", (int)strnlen(s1, n), s1,
                     (int)strnlen(s2, n), s2, (unsigned long)n);
    return r;
}

s32 wm_stricmp(const ascii *s1, const ascii *s2)
{
    return compare_nocase_call("wm_stricmp", s1, s2, UINT32_MAX);
}

s32 wm_strnicmp(const ascii *s1, const ascii *s2, u32 n)
{
    return compare_nocase_call("wm_strnicmp", s1, s2, n);
}

int stricmp(const char *s1, const char *s2)
{
    return compare_nocase_call("stricmp", s1, s2, UINT32_MAX);
}

int strnicmp(const char *s1, const char *s2, size_t n)
{
    return compare_nocase_call("strnicmp", s1, s2, n > UINT32_MAX ? UINT32_MAX : (u32)n);
}

ascii *wm_itoa(s32 n, ascii *buf)
{
    if (buf == NULL) {
        oat_warn("wm_itoa(%ld, NULL): the buffer is NULL", (long)n);
        OAT_CALL_PTR("wm_itoa", NULL, "%ld, NULL", (long)n);
        return NULL;
    }
    /* Work on the magnitude as unsigned so that INT32_MIN converts too. */
    u32 mag = n < 0 ? (u32)0 - (u32)n : (u32)n;
    char rev[10];
    int len = 0;
    do {
        rev[len++] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag != 0);
    ascii *out = buf;
    if (n < 0)
        *out++ = '-';
    while (len > 0)
        *out++ = rev[--len];
    *out = '\0';
    OAT_CALL_PTR("wm_itoa", buf, "%ld, %p", (long)n, (void *)buf);
    return buf;
}

ascii wm_isascii(ascii c)
{
    ascii r = ((unsigned char)c <= 0x7F) ? c : 0;
    OAT_CALL_RET("wm_isascii", (unsigned char)r, NULL, "0x%02x", (unsigned char)c);
    return r;
}

ascii wm_ishexa(ascii c)
{
    ascii r = hex_value((unsigned char)c) >= 0 ? c : 0;
    OAT_CALL_RET("wm_ishexa", (unsigned char)r, NULL, "0x%02x", (unsigned char)c);
    return r;
}

/* Shared shape of the wm_is*string checks: non-empty, every character accepted. */
static bool all_chars(const char *fn, const ascii *s, bool (*accept)(const ascii *s, size_t i))
{
    if (s == NULL) {
        oat_warn("%s(NULL): the string is NULL", fn);
        OAT_CALL_RET(fn, FALSE, "FALSE", "NULL");
        return FALSE;
    }
    bool ok = s[0] != '\0';
    for (size_t i = 0; ok && s[i] != '\0'; i++)
        ok = accept(s, i);
    OAT_CALL_RET(fn, ok, ok ? "TRUE" : "FALSE", "\"%s\"", s);
    return ok;
}

static bool is_digit_at(const ascii *s, size_t i)
{
    return s[i] >= '0' && s[i] <= '9';
}

static bool is_hex_at(const ascii *s, size_t i)
{
    return hex_value((unsigned char)s[i]) >= 0;
}

/* Dialling characters: digits, '*', '#', and '+' as the international prefix only. */
static bool is_phone_at(const ascii *s, size_t i)
{
    return is_digit_at(s, i) || s[i] == '*' || s[i] == '#' || (s[i] == '+' && i == 0);
}

bool wm_isnumstring(ascii *string)
{
    return all_chars("wm_isnumstring", string, is_digit_at);
}

bool wm_ishexastring(ascii *string)
{
    return all_chars("wm_ishexastring", string, is_hex_at);
}

bool wm_isphonestring(ascii *string)
{
    return all_chars("wm_isphonestring", string, is_phone_at);
}

u32 wm_hexatoi(ascii *src, u16 len)
{
    if (src == NULL || len == 0 || len > 8) {
        oat_warn("wm_hexatoi(%p, %u): %s", (void *)src, (unsigned)len,
                 src == NULL ? "the string is NULL" : "len must be 1..8 digits");
        OAT_CALL_RET("wm_hexatoi", 0, NULL, "%p, %u", (void *)src, (unsigned)len);
        return 0;
    }
    u32 value = 0;
    for (u16 i = 0; i < len; i++) {
        int d = hex_value((unsigned char)src[i]);
        if (d < 0) {
            oat_warn("wm_hexatoi(\"%.*s\", %u): character %u is not a hex digit",
                     (int)strnlen(src, len), src, (unsigned)len, (unsigned)i + 1);
            OAT_CALL_RET("wm_hexatoi", 0, NULL, "\"%.*s\", %u", (int)strnlen(src, len), src,
                         (unsigned)len);
            return 0;
        }
        value = value << 4 | (u32)d;
    }
    OAT_CALL_RET("wm_hexatoi", value, NULL, "\"%.*s\", %u", (int)len, src, (unsigned)len);
    return value;
}

u8 *wm_hexatoibuf(u8 *dst, ascii *src)
{
    if (dst == NULL || src == NULL) {
        oat_warn("wm_hexatoibuf(%p, %p): %s is NULL", (void *)dst, (void *)src,
                 dst == NULL ? "the destination" : "the string");
        OAT_CALL_PTR("wm_hexatoibuf", NULL, "%p, %p", (void *)dst, (void *)src);
        return NULL;
    }
    size_t len = strlen(src);
    bool ok = len % 2 == 0;
    for (size_t i = 0; ok && i < len; i++)
        ok = hex_value((unsigned char)src[i]) >= 0;
    if (!ok) {
        oat_warn("wm_hexatoibuf(%p, \"%s\"): the string is not an even number of hex digits",
                 (void *)dst, src);
        OAT_CALL_PTR("wm_hexatoibuf", NULL, "%p, \"%s\"", (void *)dst, src);
        return NULL;
    }
    for (size_t i = 0; i < len / 2; i++)
        dst[i] = (u8)(hex_value((unsigned char)src[2 * i]) << 4 |
                      hex_value((unsigned char)src[2 * i + 1]));
    OAT_CALL_PTR("wm_hexatoibuf", dst, "%p, \"%s\"", (void *)dst, src);
    return dst;
}

ascii *wm_itohexa(ascii *dst, u32 n, u8 len)
{
    if (dst == NULL) {
        oat_warn("wm_itohexa(NULL, %lu, %u): the destination is NULL", (unsigned long)n,
                 (unsigned)len);
        OAT_CALL_PTR("wm_itohexa", NULL, "NULL, %lu, %u", (unsigned long)n, (unsigned)len);
        return NULL;
    }
    /* Digits beyond the eighth are leading zeros of a 32-bit value. */
    for (unsigned i = 0; i < len; i++) {
        unsigned shift = 4 * (len - 1 - i);
        dst[i] = shift < 32 ? hex_digits[(n >> shift) & 0xF] : '0';
    }
    dst[len] = '\0';
    OAT_CALL_PTR("wm_itohexa", dst, "%p, %lu, %u", (void *)dst, (unsigned long)n, (unsigned)len);
    return dst;
}

ascii *wm_ibuftohexa(ascii *dst, u8 *src, u16 len)
{
    if (dst == NULL || (src == NULL && len > 0)) {
        oat_warn("wm_ibuftohexa(%p, %p, %u): %s is NULL", (void *)dst, (void *)src,
                 (unsigned)len, dst == NULL ? "the destination" : "the source");
        OAT_CALL_PTR("wm_ibuftohexa", NULL, "%p, %p, %u", (void *)dst, (void *)src,
                     (unsigned)len);
        return NULL;
    }
    /* Back to front, so that dst may overlap the start of src. */
    dst[2 * (size_t)len] = '\0';
    for (size_t i = len; i-- > 0;) {
        u8 b = src[i];
        dst[2 * i] = hex_digits[b >> 4];
        dst[2 * i + 1] = hex_digits[b & 0xF];
    }
    OAT_CALL_PTR("wm_ibuftohexa", dst, "%p, %p, %u", (void *)dst, (void *)src, (unsigned)len);
    return dst;
}

u16 wm_strSwitch(const ascii *s, ...)
{
    if (s == NULL) {
        oat_warn("wm_strSwitch(NULL, ...): the string is NULL");
        OAT_CALL_RET("wm_strSwitch", 0, NULL, "NULL, ...");
        return 0;
    }
    va_list ap;
    va_start(ap, s);
    u16 found = 0;
    u16 pos = 0;
    for (const ascii *candidate = va_arg(ap, const ascii *); candidate != NULL;
         candidate = va_arg(ap, const ascii *)) {
        pos++;
        if (found == 0 && strcmp(s, candidate) == 0)
            found = pos;
    }
    va_end(ap);
    OAT_CALL_RET("wm_strSwitch", found, NULL, "\"%s\", ...", s);
    return found;
}

ascii *wm_strRemoveCRLF(ascii *dst, ascii *src, u16 size)
{
    if (dst == NULL || src == NULL) {
        oat_warn("wm_strRemoveCRLF(%p, %p, %u): %s is NULL", (void *)dst, (void *)src,
                 (unsigned)size, dst == NULL ? "the destination" : "the source");
        OAT_CALL_PTR("wm_strRemoveCRLF", NULL, "%p, %p, %u", (void *)dst, (void *)src,
                     (unsigned)size);
        return NULL;
    }
    /* Copying forward only ever drops characters, so dst == src works in place. */
    size_t out = 0;
    for (size_t i = 0; i < size && src[i] != '\0'; i++) {
        if (src[i] != '\r' && src[i] != '\n')
            dst[out++] = src[i];
    }
    dst[out] = '\0';
    OAT_CALL_PTR("wm_strRemoveCRLF", dst, "%p, %p, %u", (void *)dst, (void *)src, (unsigned)size);
    return dst;
}

/* Where the parameters of a response start: after "+XXX:" and the spaces that follow,
 * when the text (leading CR/LF and spaces aside) has such a prefix; else at the start. */
static const ascii *params_start(const ascii *src)
{
    const ascii *p = src;
    while (*p == '\r' || *p == '\n' || *p == ' ')
        p++;
    const ascii *colon = strchr(p, ':');
    if (colon == NULL || strcspn(p, ",\"") < (size_t)(colon - p))
        return p;
    p = colon + 1;
    while (*p == ' ')
        p++;
    return p;
}

ascii *wm_strGetParameterString(ascii *dst, const ascii *src, u8 Position)
{
    if (dst == NULL || src == NULL || Position == 0) {
        oat_warn("wm_strGetParameterString(%p, %p, %u): %s", (void *)dst, (void *)src,
                 (unsigned)Position,
                 dst == NULL ? "the destination is NULL"
                 : src == NULL ? "the source is NULL" : "Position starts at 1");
        OAT_CALL_PTR("wm_strGetParameterString", NULL, "%p, %p, %u", (void *)dst, (void *)src,
                     (unsigned)Position);
        return NULL;
    }
    const ascii *p = params_start(src);
    /* Skip Position-1 commas that are outside quotes. */
    bool quoted = false;
    for (unsigned skipped = 0; skipped + 1 < Position; p++) {
        if (*p == '\0' || *p == '\r' || *p == '\n') {
            OAT_CALL_PTR("wm_strGetParameterString", NULL, "%p, \"%s\", %u", (void *)dst, src,
                         (unsigned)Position);
            return NULL;
        }
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ',' && !quoted)
            skipped++;
    }
    /* Copy up to the next unquoted comma or the end of the line, dropping the quotes. */
    size_t out = 0;
    quoted = false;
    for (; *p != '\0' && *p != '\r' && *p != '\n' && (quoted || *p != ','); p++) {
        if (*p == '"')
            quoted = !quoted;
        else
            dst[out++] = *p;
    }
    dst[out] = '\0';
    OAT_CALL_PTR("wm_strGetParameterString", dst, "%p, \"%s\", %u", (void *)dst, src,
                 (unsigned)Position);
    return dst;
}
