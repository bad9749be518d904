/* http_headers.c: header lists of the HTTP client ("Name: value\r\n" lines in one buffer):
 * the session's default headers, a request's own, and a response's as received. */
#include "wip/http_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The line of a header, or NULL; *line_len set to its length with the CRLF. */
static char *find(const oat_http_headers *h, const char *name, size_t *line_len)
{
    size_t nlen = strlen(name);
    for (size_t off = 0; off < h->len;) {
        char *line = h->text + off;
        char *end = memchr(line, '\n', h->len - off);
        size_t l = end ? (size_t)(end - line) + 1 : h->len - off;
        if (l > nlen && line[nlen] == ':' && strncasecmp(line, name, nlen) == 0) {
            *line_len = l;
            return line;
        }
        off += l;
    }
    return NULL;
}

bool oat_http_headers_has(const oat_http_headers *h, const char *name)
{
    size_t l;
    return find(h, name, &l) != NULL;
}

int oat_http_headers_set(oat_http_headers *h, const char *name, const char *value, bool replace)
{
    if (!name || !*name || !value || strpbrk(name, ":\r\n \t") || strpbrk(value, "\r\n"))
        return WIP_CERR_INVALID;
    size_t l;
    char *old = replace ? find(h, name, &l) : NULL;
    if (old) {
        memmove(old, old + l, h->len - (size_t)(old - h->text) - l);
        h->len -= l;
    }
    size_t need = strlen(name) + strlen(value) + 4;
    if (h->len + need + 1 > h->cap) {
        size_t cap = (h->len + need + 1) * 2;
        char *t = realloc(h->text, cap);
        if (!t)
            return WIP_CERR_MEMORY;
        h->text = t;
        h->cap = cap;
    }
    char *p = h->text + h->len;
    size_t n = strlen(name), v = strlen(value);
    memcpy(p, name, n);
    memcpy(p + n, ": ", 2);
    memcpy(p + n + 2, value, v);
    memcpy(p + n + 2 + v, "\r\n", 2);
    h->len += need;
    h->text[h->len] = '\0';
    return 0;
}

int oat_http_headers_get(const oat_http_headers *h, const char *name, char *buf, size_t len)
{
    size_t l;
    const char *line = find(h, name, &l);
    if (!line)
        return -1;
    const char *v = line + strlen(name) + 1;
    const char *end = line + l;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t n = (size_t)(end - v);
    if (n >= len)
        return -2;
    memcpy(buf, v, n);
    buf[n] = '\0';
    return (int)n;
}

void oat_http_headers_free(oat_http_headers *h)
{
    free(h->text);
    *h = (oat_http_headers){ 0 };
}
