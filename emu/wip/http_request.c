/* http_request.c: what the HTTP client writes: the request line and header block (Host,
 * User-Agent, Basic authentication, body framing, then the session's and the request's
 * headers) and the frame of each chunk of a chunked body. */
#include "wip/http_internal.h"
#include "wip/base64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *oat_http_method_name(int method)
{
    static const char *const names[] = { "GET", "HEAD", "POST", "PUT", "DELETE" };
    return method >= 0 && method <= WIP_HTTP_METHOD_DELETE ? names[method] : "GET";
}

/* The session's header lines that the request does not give itself. */
static int add_defaults(oat_http_headers *out, const oat_http_headers *session,
                        const oat_http_headers *request)
{
    for (size_t off = 0; session && off < session->len;) {
        const char *line = session->text + off;
        const char *end = memchr(line, '\n', session->len - off);
        size_t l = end ? (size_t)(end - line) + 1 : session->len - off;
        size_t nlen = strcspn(line, ":");
        char name[256], value[OAT_HTTP_LINE_MAX];
        if (nlen < sizeof name && l - nlen < sizeof value + 4) {
            memcpy(name, line, nlen);
            name[nlen] = '\0';
            if (!request || !oat_http_headers_has(request, name)) {
                if (oat_http_headers_get(session, name, value, sizeof value) >= 0 &&
                    oat_http_headers_set(out, name, value, true) != 0)
                    return -1;
            }
        }
        off += l;
    }
    return 0;
}

char *oat_http_request_head(const oat_http_request *r, size_t *len)
{
    oat_http_headers h = { 0 };
    const oat_http_url *u = r->url;
    char host[300];
    bool default_port = u->port == (u->tls ? 443 : 80);
    snprintf(host, sizeof host, default_port ? "%s" : "%s:%u", u->host, (unsigned)u->port);
    int rc = oat_http_headers_set(&h, "Host", host, false);
    if (rc == 0 && r->user_agent)
        rc = oat_http_headers_set(&h, "User-Agent", r->user_agent, false);
    if (rc == 0 && r->user) {
        char cred[300], b64[420], value[440];
        snprintf(cred, sizeof cred, "%s:%s", r->user, r->password ? r->password : "");
        if (oat_base64_encode(cred, strlen(cred), b64, sizeof b64) < 0)
            rc = -1;
        snprintf(value, sizeof value, "Basic %s", b64);
        if (rc == 0)
            rc = oat_http_headers_set(&h, "Authorization", value, false);
    }
    if (rc == 0 && r->chunked)
        rc = oat_http_headers_set(&h, "Transfer-Encoding", "chunked", false);
    if (rc == 0 && r->version == WIP_HTTP_VERSION_1_0)
        rc = oat_http_headers_set(&h, "Connection", "close", false);
    if (rc == 0)
        rc = add_defaults(&h, r->session, r->request);
    if (rc == 0)
        rc = add_defaults(&h, r->request, NULL);
    if (rc != 0) {
        oat_http_headers_free(&h);
        return NULL;
    }
    char line[2400 + 300];
    int n = r->absolute_target
                ? snprintf(line, sizeof line, "%s http://%s%s HTTP/1.%d\r\n",
                           oat_http_method_name(r->method), host, u->target,
                           r->version == WIP_HTTP_VERSION_1_0 ? 0 : 1)
                : snprintf(line, sizeof line, "%s %s HTTP/1.%d\r\n", oat_http_method_name(r->method),
                           u->target, r->version == WIP_HTTP_VERSION_1_0 ? 0 : 1);
    char *out = malloc((size_t)n + h.len + 3);
    if (out) {
        memcpy(out, line, (size_t)n);
        memcpy(out + n, h.text, h.len);
        memcpy(out + n + h.len, "\r\n", 3);
        *len = (size_t)n + h.len + 2;
    }
    oat_http_headers_free(&h);
    return out;
}

size_t oat_http_chunk_head(size_t len, char *out)
{
    return (size_t)snprintf(out, 12, "%zx\r\n", len);
}
