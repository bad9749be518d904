/* http_url.c: the HTTP client's URLs: http[s]://[user[:password]@]host[:port][/path][?query]
 * split into what the connection and the request line need, and a Location header resolved
 * against the URL of the request it answered. */
#include "wip/http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int copy_part(char *dst, size_t cap, const char *src, size_t len)
{
    if (len >= cap)
        return -1;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return 0;
}

int oat_http_url_parse(const char *url, oat_http_url *u, const char **why)
{
    memset(u, 0, sizeof *u);
    if (!url) {
        *why = "no URL";
        return -1;
    }
    const char *p;
    if (strncasecmp(url, "http://", 7) == 0) {
        p = url + 7;
        u->port = 80;
    } else if (strncasecmp(url, "https://", 8) == 0) {
        p = url + 8;
        u->port = 443;
        u->tls = true;
    } else {
        *why = "not an http:// or https:// URL";
        return -1;
    }
    if (strpbrk(url, " \t\r\n")) {
        *why = "a space or line end in the URL";
        return -1;
    }
    size_t auth_len = strcspn(p, "/?#");
    const char *at = memchr(p, '@', auth_len);
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        size_t ulen = colon ? (size_t)(colon - p) : (size_t)(at - p);
        if (copy_part(u->user, sizeof u->user, p, ulen) != 0 ||
            (colon && copy_part(u->password, sizeof u->password, colon + 1,
                                (size_t)(at - colon - 1)) != 0)) {
            *why = "the user or password in the URL is too long";
            return -1;
        }
        auth_len -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    const char *colon = memchr(p, ':', auth_len);
    size_t hlen = colon ? (size_t)(colon - p) : auth_len;
    if (hlen == 0 || copy_part(u->host, sizeof u->host, p, hlen) != 0) {
        *why = hlen == 0 ? "no host in the URL" : "the host name is too long";
        return -1;
    }
    if (colon) {
        char *end;
        long port = strtol(colon + 1, &end, 10);
        if (end == colon + 1 || end != p + auth_len || port < 1 || port > 65535) {
            *why = "a bad port in the URL";
            return -1;
        }
        u->port = (uint16_t)port;
    }
    const char *rest = p + auth_len;
    size_t tlen = strcspn(rest, "#");           /* the fragment stays with the client */
    if (tlen == 0 || rest[0] != '/') {
        if (tlen + 2 > sizeof u->target) {
            *why = "the path is too long";
            return -1;
        }
        snprintf(u->target, sizeof u->target, "/%.*s", (int)tlen, rest);
    } else if (copy_part(u->target, sizeof u->target, rest, tlen) != 0) {
        *why = "the path is too long";
        return -1;
    }
    return 0;
}

int oat_http_url_resolve(const oat_http_url *base, const char *location, oat_http_url *out,
                         const char **why)
{
    if (strncasecmp(location, "http://", 7) == 0 || strncasecmp(location, "https://", 8) == 0)
        return oat_http_url_parse(location, out, why);
    if (location[0] != '/' || strpbrk(location, " \t\r\n")) {
        *why = "a Location that is neither a URL nor an absolute path";
        return -1;
    }
    *out = *base;
    if (location[1] == '/') {                   /* "//host/path": the same scheme */
        char url[2400];
        snprintf(url, sizeof url, "%s:%s", base->tls ? "https" : "http", location);
        return oat_http_url_parse(url, out, why);
    }
    if (copy_part(out->target, sizeof out->target, location, strcspn(location, "#")) != 0) {
        *why = "the Location path is too long";
        return -1;
    }
    return 0;
}
