/* http_response.c: the HTTP client's response parser, fed as bytes arrive: the status line
 * (1xx interim responses skipped), the headers, then a body delimited by chunked encoding,
 * Content-Length or the end of the connection (none for HEAD, 204 and 304). */
#include "wip/http_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void oat_http_rsp_init(oat_http_rsp *r, bool head_request)
{
    oat_http_headers_free(&r->headers);
    memset(r, 0, sizeof *r);
    r->head_request = head_request;
}

void oat_http_rsp_free(oat_http_rsp *r)
{
    oat_http_headers_free(&r->headers);
}

static void fail(oat_http_rsp *r, const char *why)
{
    r->st = RSP_ERROR;
    r->error = why;
}

/* "HTTP/1.x NNN reason" */
static void status_line(oat_http_rsp *r, char *line)
{
    if (strncmp(line, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)line[7]) || line[8] != ' ' ||
        !isdigit((unsigned char)line[9]) || !isdigit((unsigned char)line[10]) ||
        !isdigit((unsigned char)line[11]) || (line[12] != ' ' && line[12] != '\0'))
        return fail(r, "a malformed status line");
    r->version_minor = line[7] - '0';
    r->code = atoi(line + 9);
    if (r->code < 100)
        return fail(r, "a status code below 100");
    const char *reason = line[12] ? line + 13 : "";
    size_t n = strlen(reason);
    if (n >= sizeof r->reason)
        n = sizeof r->reason - 1;
    memcpy(r->reason, reason, n);
    r->reason[n] = '\0';
    oat_http_headers_free(&r->headers);
    r->st = RSP_HEADERS;
}

static bool has_token(const char *value, const char *token)
{
    size_t n = strlen(token);
    for (const char *p = value; *p;) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        size_t l = strcspn(p, ",");
        size_t t = l;
        while (t > 0 && (p[t - 1] == ' ' || p[t - 1] == '\t'))
            t--;
        if (t == n && strncasecmp(p, token, n) == 0)
            return true;
        p += l;
    }
    return false;
}

/* The headers are in: how the body is delimited, whether the connection stays. */
static void headers_end(oat_http_rsp *r)
{
    if (r->code < 200) {                    /* 100 Continue and the like: the real one follows */
        r->st = RSP_STATUS;
        return;
    }
    char v[256];
    bool close = oat_http_headers_get(&r->headers, "Connection", v, sizeof v) >= 0 &&
                 has_token(v, "close");
    bool ka = oat_http_headers_get(&r->headers, "Connection", v, sizeof v) >= 0 &&
              has_token(v, "keep-alive");
    r->keep_alive = !close && (r->version_minor >= 1 || ka);
    r->headers_done = true;
    if (r->head_request || r->code == 204 || r->code == 304) {
        r->st = RSP_DONE;
        return;
    }
    int te = oat_http_headers_get(&r->headers, "Transfer-Encoding", v, sizeof v);
    if (te >= 0 && has_token(v, "chunked")) {
        r->st = RSP_CHUNK_SIZE;
        return;
    }
    if (oat_http_headers_get(&r->headers, "Content-Length", v, sizeof v) >= 0) {
        char *end;
        unsigned long long n = strtoull(v, &end, 10);
        if (end == v || *end || v[0] == '-')
            return fail(r, "a malformed Content-Length");
        r->left = n;
        r->st = n ? RSP_BODY_LENGTH : RSP_DONE;
        return;
    }
    r->keep_alive = false;                  /* the end of the connection ends the body */
    r->st = RSP_BODY_CLOSE;
}

static void header_line(oat_http_rsp *r, char *line)
{
    if (!*line)
        return headers_end(r);
    if (*line == ' ' || *line == '\t')
        return fail(r, "a folded header line");
    char *colon = strchr(line, ':');
    if (!colon || colon == line)
        return fail(r, "a header line without a name");
    *colon = '\0';
    const char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    if (oat_http_headers_set(&r->headers, line, v, false) != 0)
        fail(r, "a malformed header line, or no memory for it");
}

static void chunk_size(oat_http_rsp *r, char *line)
{
    char *end;
    if (!isxdigit((unsigned char)line[0]))
        return fail(r, "a malformed chunk size");
    unsigned long long n = strtoull(line, &end, 16);
    if (*end && *end != ';' && *end != ' ')
        return fail(r, "a malformed chunk size");
    r->left = n;
    r->st = n ? RSP_CHUNK_DATA : RSP_TRAILERS;
}

static void on_line(oat_http_rsp *r, char *line)
{
    switch (r->st) {
    case RSP_STATUS:
        if (*line)                          /* a stray blank line before it is tolerated */
            status_line(r, line);
        break;
    case RSP_HEADERS: header_line(r, line); break;
    case RSP_CHUNK_SIZE: chunk_size(r, line); break;
    case RSP_CHUNK_END:
        if (*line)
            fail(r, "a chunk longer than its size");
        else
            r->st = RSP_CHUNK_SIZE;
        break;
    case RSP_TRAILERS:
        if (!*line)
            r->st = RSP_DONE;
        break;
    default:
        break;
    }
}

static bool line_state(oat_http_rsp_state st)
{
    return st == RSP_STATUS || st == RSP_HEADERS || st == RSP_CHUNK_SIZE || st == RSP_CHUNK_END ||
           st == RSP_TRAILERS;
}

size_t oat_http_rsp_feed(oat_http_rsp *r, const uint8_t *in, size_t len, uint8_t *body,
                         size_t *nbody)
{
    size_t off = 0;
    *nbody = 0;
    while (off < len && r->st != RSP_DONE && r->st != RSP_ERROR) {
        if (line_state(r->st)) {
            uint8_t b = in[off++];
            if (b == '\n') {
                if (r->line_len > 0 && r->line[r->line_len - 1] == '\r')
                    r->line_len--;
                r->line[r->line_len] = '\0';
                r->line_len = 0;
                bool before = r->headers_done;
                on_line(r, r->line);
                if (!before && r->headers_done)
                    break;                  /* the caller looks at the headers first */
            } else if (r->line_len + 1 >= sizeof r->line) {
                fail(r, "a line over 8 KB");
            } else {
                r->line[r->line_len++] = (char)b;
            }
            continue;
        }
        size_t n = len - off;
        if (r->st != RSP_BODY_CLOSE && n > r->left)
            n = (size_t)r->left;
        memcpy(body + *nbody, in + off, n);
        *nbody += n;
        off += n;
        if (r->st == RSP_BODY_CLOSE)
            continue;
        r->left -= n;
        if (r->left == 0)
            r->st = r->st == RSP_CHUNK_DATA ? RSP_CHUNK_END : RSP_DONE;
    }
    return off;
}

void oat_http_rsp_eof(oat_http_rsp *r)
{
    if (r->st == RSP_BODY_CLOSE)
        r->st = RSP_DONE;
    else if (r->st != RSP_DONE && r->st != RSP_ERROR)
        fail(r, r->st == RSP_STATUS && r->line_len == 0 && !r->code
                    ? "the connection closed before a response"
                    : "the connection closed in the middle of the response");
}
