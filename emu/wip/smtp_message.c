/* smtp_message.c: what the SMTP client puts on the wire for a mail: the header it builds
 * (Date from the module's RTC, From, To, Cc, Subject, Message-ID), the body with CRLF line
 * ends and dot-stuffing (lines starting with "." and blank lines survive), the end of data,
 * recipient lists, and base64 for AUTH. */
#include "wip/base64.h"
#include "wip/smtp_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char b64_table[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_group(oat_smtp_body *b, const uint8_t g[3], int n, uint8_t *out)
{
    uint32_t v = (uint32_t)g[0] << 16 | (uint32_t)(n > 1 ? g[1] : 0) << 8 | (n > 2 ? g[2] : 0);
    size_t o = 0;
    out[o++] = (uint8_t)b64_table[(v >> 18) & 63];
    out[o++] = (uint8_t)b64_table[(v >> 12) & 63];
    out[o++] = n > 1 ? (uint8_t)b64_table[(v >> 6) & 63] : '=';
    out[o++] = n > 2 ? (uint8_t)b64_table[v & 63] : '=';
    b->col += 4;
    if (b->col >= 76) {
        out[o++] = '\r';
        out[o++] = '\n';
        b->col = 0;
    }
    return o;
}

static size_t base64_encode(oat_smtp_body *b, const uint8_t *in, size_t len, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        b->carry[b->ncarry++] = in[i];
        if (b->ncarry == 3) {
            o += b64_group(b, b->carry, 3, out + o);
            b->ncarry = 0;
        }
    }
    return o;
}

size_t oat_smtp_base64_finish(oat_smtp_body *b, uint8_t *out)
{
    size_t o = b->ncarry ? b64_group(b, b->carry, b->ncarry, out) : 0;
    b->ncarry = 0;
    if (b->col > 0) {
        out[o++] = '\r';
        out[o++] = '\n';
        b->col = 0;
    }
    b->base64 = false;
    b->line_start = true;
    return o;
}

void oat_smtp_boundary(unsigned serial, long long rtc, char *out, size_t len)
{
    snprintf(out, len, "oatemu-%u-%lld", serial, rtc);
}

static int part_header(const char *boundary, const char *name, const char *type, char *out,
                       size_t len)
{
    return snprintf(out, len, "--%s\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: "
                    "attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                    boundary, type, name, name);
}

size_t oat_smtp_part_header(const char *boundary, const char *name, const char *type,
                            char *out, size_t len)
{
    int n = part_header(boundary, name, type, out, len);
    return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

size_t oat_smtp_part_header_size(const char *boundary, const char *name, const char *type)
{
    int n = part_header(boundary, name, type, NULL, 0);
    return n > 0 ? (size_t)n + 1 : 0;
}

size_t oat_smtp_body_encode(oat_smtp_body *b, const uint8_t *in, size_t len, uint8_t *out)
{
    if (b->base64)
        return base64_encode(b, in, len, out);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        if (b->skip_lf) {
            b->skip_lf = false;
            if (c == '\n')
                continue;
        }
        if (c == '\r' || c == '\n') {
            out[o++] = '\r';
            out[o++] = '\n';
            b->skip_lf = c == '\r';
            b->line_start = true;
            continue;
        }
        if (b->line_start && c == '.' && !b->no_stuffing)
            out[o++] = '.';
        out[o++] = c;
        b->line_start = false;
    }
    return o;
}

size_t oat_smtp_body_end(const oat_smtp_body *b, uint8_t *out)
{
    size_t o = 0;
    if (!b->line_start) {
        out[o++] = '\r';
        out[o++] = '\n';
    }
    memcpy(out + o, ".\r\n", 3);
    return o + 3;
}

static void append(char **buf, size_t *len, size_t *cap, const char *fmt, const char *a,
                   const char *b)
{
    int need = snprintf(NULL, 0, fmt, a, b);
    if (!*buf || need < 0)
        return;
    if (*len + (size_t)need + 1 > *cap) {
        size_t cap2 = (*cap + (size_t)need + 1) * 2;
        char *grown = realloc(*buf, cap2);
        if (!grown) {
            free(*buf);
            *buf = NULL;
            return;
        }
        *buf = grown;
        *cap = cap2;
    }
    snprintf(*buf + *len, *cap - *len, fmt, a, b);
    *len += (size_t)need;
}

/* "<a@b>" for an address given with or without brackets. */
static void bracketed(const char *addr, char *out, size_t len)
{
    while (*addr == ' ')
        addr++;
    snprintf(out, len, addr[0] == '<' ? "%s" : "<%s>", addr);
}

char *oat_smtp_header(const oat_smtp_header_fields *f)
{
    size_t len = 0, cap = 512;
    char *h = malloc(cap);
    char date[64], from[300], id[160];
    time_t t = (time_t)f->rtc;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    bracketed(f->sender ? f->sender : "", from, sizeof from);
    snprintf(id, sizeof id, "<%lld.%u@%s>", f->rtc, f->serial, f->ehlo);
    append(&h, &len, &cap, "Date: %s%s\r\n", date, "");
    if (f->sender_name && *f->sender_name)
        append(&h, &len, &cap, "From: \"%s\" %s\r\n", f->sender_name, from);
    else
        append(&h, &len, &cap, "From: %s%s\r\n", from, "");
    if (f->to && *f->to)
        append(&h, &len, &cap, "To: %s%s\r\n", f->to, "");
    if (f->cc && *f->cc)
        append(&h, &len, &cap, "Cc: %s%s\r\n", f->cc, "");
    if (f->reply_to && *f->reply_to)
        append(&h, &len, &cap, "Reply-To: %s%s\r\n", f->reply_to, "");
    if (f->subject)
        append(&h, &len, &cap, "Subject: %s%s\r\n", f->subject, "");
    append(&h, &len, &cap, "Message-ID: %s%s\r\n", id, "");
    if (f->multipart) {
        char boundary[64];
        oat_smtp_boundary(f->serial, f->rtc, boundary, sizeof boundary);
        append(&h, &len, &cap, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
               "boundary=\"%s\"%s\r\n\r\n", boundary, "");
        append(&h, &len, &cap, "--%s\r\nContent-Type: text/plain; charset=utf-8%s\r\n\r\n",
               boundary, "");
        return h;
    }
    append(&h, &len, &cap, "%s%s\r\n", "", "");
    return h;
}

char *oat_smtp_trailer(const oat_smtp_attachment *a, unsigned serial, long long rtc,
                       bool crlf_first, size_t *len)
{
    char boundary[64];
    oat_smtp_boundary(serial, rtc, boundary, sizeof boundary);
    size_t cap = 2 + strlen(boundary) + 7 + 1;       /* CRLF, "--boundary--" CRLF, NUL */
    for (const oat_smtp_attachment *it = a; it; it = it->next)
        cap += oat_smtp_part_header_size(boundary, it->name, it->type) +
               (it->len + 2) / 3 * 4 + (it->len / 57 + 1) * 2;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t n = 0;
    if (crlf_first)
        n += (size_t)snprintf(out + n, cap - n, "\r\n");
    for (const oat_smtp_attachment *it = a; it; it = it->next) {
        n += oat_smtp_part_header(boundary, it->name, it->type, out + n, cap - n);
        for (size_t off = 0; off < it->len; off += 57) {      /* 57 bytes = 76 characters */
            size_t take = it->len - off < 57 ? it->len - off : 57;
            n += (size_t)oat_base64_encode(it->bytes + off, take, out + n, cap - n);
            out[n++] = '\r';
            out[n++] = '\n';
        }
    }
    n += (size_t)snprintf(out + n, cap - n, "--%s--\r\n", boundary);
    *len = n;
    return out;
}

char **oat_smtp_addresses(const char *list, int *count)
{
    *count = 0;
    size_t n = 1;
    for (const char *p = list; p && *p; p++)
        n += *p == ',';
    char **a = calloc(n + 1, sizeof *a);
    if (!a || !list)
        return a;
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *s = p, *e = p + len;
        while (s < e && (*s == ' ' || *s == '<'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '>'))
            e--;
        if (e == s || e - s > 254) {
            oat_smtp_addresses_free(a);
            return NULL;
        }
        a[*count] = strndup(s, (size_t)(e - s));
        if (!a[*count]) {
            oat_smtp_addresses_free(a);
            return NULL;
        }
        (*count)++;
        p += len + (p[len] == ',');
    }
    return a;
}

void oat_smtp_addresses_free(char **a)
{
    for (int i = 0; a && a[i]; i++)
        free(a[i]);
    free(a);
}
