/* http_internal.h: the pieces of the HTTP client: URLs (http_url.c), the request writer
 * (http_request.c: request line and headers, chunk framing of the body), the response
 * parser (http_response.c: status line, headers, chunked / length / close-delimited
 * bodies), and the session and data channels that run them (http.c, http_data.c). */
#ifndef OAT_HTTP_INTERNAL_H
#define OAT_HTTP_INTERNAL_H

#include "wip/wip_internal.h"
#include "wip_http.h"

#include <stddef.h>
#include <stdint.h>

/* ---- URLs: http[s]://[user[:password]@]host[:port][/path][?query] ---- */
typedef struct {
    bool tls;
    char host[256];
    uint16_t port;
    char target[2048];              /* path and query, "/" at least */
    char user[128], password[128];  /* from the URL, "" when none */
} oat_http_url;
/* 0, or -1 with *why set (a scheme other than http/https, no host, a bad port, too long). */
int oat_http_url_parse(const char *url, oat_http_url *u, const char **why);
/* A Location against the URL it came from (absolute URL, or a path on the same server). */
int oat_http_url_resolve(const oat_http_url *base, const char *location, oat_http_url *out,
                         const char **why);

/* ---- header lists: "Name: value\r\n" lines in one growing buffer ---- */
typedef struct {
    char *text;
    size_t len, cap;
} oat_http_headers;
/* Add (or, replace true, replace a same-named) header: 0, WIP_CERR_INVALID (CR, LF or ':'
 * in the name, CR or LF in the value, an empty name) or WIP_CERR_MEMORY. */
int oat_http_headers_set(oat_http_headers *h, const char *name, const char *value, bool replace);
/* The value of a header (names compared without case) into buf: its length, -1 when absent,
 * -2 when it does not fit. */
int oat_http_headers_get(const oat_http_headers *h, const char *name, char *buf, size_t len);
bool oat_http_headers_has(const oat_http_headers *h, const char *name);
void oat_http_headers_free(oat_http_headers *h);

/* ---- the request ---- */
typedef struct {
    int method;                     /* WIP_HTTP_METHOD_* */
    int version;                    /* WIP_HTTP_VERSION_* */
    const oat_http_url *url;
    bool absolute_target;           /* through a proxy: the whole URL on the request line */
    const char *user_agent;         /* NULL: none */
    const char *user, *password;    /* Basic authentication when user is set */
    bool chunked;                   /* Transfer-Encoding: chunked */
    const oat_http_headers *session, *request;  /* the request's win over the session's */
} oat_http_request;
/* The request line and header block, ending with the blank line, malloc'd (*len set); NULL
 * without memory. */
char *oat_http_request_head(const oat_http_request *r, size_t *len);
/* A chunk's frame: "<hex>\r\n" before len body bytes (out: 12 bytes); the length written. */
size_t oat_http_chunk_head(size_t len, char *out);
#define OAT_HTTP_CHUNK_TAIL "\r\n"
#define OAT_HTTP_LAST_CHUNK "0\r\n\r\n"
const char *oat_http_method_name(int method);

/* ---- the response ---- */
#define OAT_HTTP_LINE_MAX 8192
typedef enum {
    RSP_STATUS, RSP_HEADERS, RSP_BODY_LENGTH, RSP_CHUNK_SIZE, RSP_CHUNK_DATA, RSP_CHUNK_END,
    RSP_TRAILERS, RSP_BODY_CLOSE, RSP_DONE, RSP_ERROR
} oat_http_rsp_state;
typedef struct {
    oat_http_rsp_state st;
    bool head_request;              /* HEAD: no body whatever the headers say */
    int version_minor;              /* HTTP/1.x */
    int code;
    char reason[256];
    oat_http_headers headers;
    bool headers_done;              /* set once the final (non-1xx) headers are in */
    bool keep_alive;                /* the connection can carry the next request */
    uint64_t left;                  /* of the body or the chunk */
    char line[OAT_HTTP_LINE_MAX];
    size_t line_len;
    const char *error;              /* RSP_ERROR: what was wrong */
} oat_http_rsp;
void oat_http_rsp_init(oat_http_rsp *r, bool head_request);
void oat_http_rsp_free(oat_http_rsp *r);
/* Feed bytes; body bytes are copied to body (room for len bytes) and counted in *nbody.
 * Returns the input bytes used: the parser stops after the headers (headers_done newly set)
 * so the caller can look at them, and at RSP_DONE or RSP_ERROR. */
size_t oat_http_rsp_feed(oat_http_rsp *r, const uint8_t *in, size_t len, uint8_t *body,
                         size_t *nbody);
/* The server closed the connection: a close-delimited body ends (RSP_DONE); anything else
 * unfinished is an error. */
void oat_http_rsp_eof(oat_http_rsp *r);

/* ---- the session and its requests (http.c, http_data.c) ---- */
#define OAT_HTTP_DEFAULT_TIMEOUT_MS 60000u
#define OAT_HTTP_DEFAULT_PROXY_PORT 8080
#define OAT_HTTP_TX 4096             /* body bytes framed at once (plus the chunk frame) */

/* The connection (TCP, or SSL for https://) is the session's inner channel (layer.c); it
 * stays after a response that allows it, for the next request to the same server. */
typedef struct {
    int version;                    /* WIP_HTTP_VERSION_* */
    char *user_agent, *user, *password, *proxy_host;
    uint16_t proxy_port;
    uint32_t timeout_ms;
    bool follow;
    oat_http_headers headers;       /* sent with every request */
    char conn_host[256];            /* where the connection goes */
    uint16_t conn_port;
    bool conn_tls, conn_eof;        /* eof: the server closed it (bytes may be left) */
    oat_chan *data;                 /* the request in progress */
    s32 last_code;                  /* of the last response, for the session's wip_getOpts */
    char last_reason[256];
    oat_chan_timer timer;
    bool pump_posted;
} http_tp;

typedef enum { REQ_CONNECTING, REQ_SENDING, REQ_RESPONSE, REQ_DONE } http_phase;

typedef struct {
    oat_chan *session;              /* NULL once the request is over */
    http_phase phase;
    int method;
    bool body;                      /* POST, PUT: the application writes a body */
    bool chunked, follow;
    bool has_length;
    uint64_t length, sent;          /* Content-Length declared, body bytes sent */
    oat_http_headers headers;
    oat_http_url url;
    int redirects;
    bool reused;                    /* sent on a kept-alive connection: retried once if the
                                       server had closed it */
    char *head;                     /* request line and headers still to send */
    size_t head_len, head_off;
    uint8_t tx[OAT_HTTP_TX + 16];   /* framed body bytes the connection did not take yet */
    size_t tx_len;
    bool body_ended;                /* wip_shutdown(write) or wip_close */
    bool last_sent;                 /* the whole request is out */
    bool discarding;                /* a redirect being followed: its body is dropped */
    oat_http_rsp rsp;
} http_data_tp;

/* http.c for http_data.c: start (or restart, after a redirect) the request on a connection
 * to its server; move what can move now; write to the connection; the request is over
 * (its connection kept or dropped). */
/* oat_http_start: 0, or a WIP_CERR_* with the session's request as it was before the call. */
int oat_http_start(oat_chan *s, oat_chan *d, const char *fn);
void oat_http_pump(oat_chan *s);
void oat_http_post_pump(oat_chan *s);
int oat_http_conn_write(oat_chan *s, const void *buf, size_t len);
void oat_http_abandon(oat_chan *s, http_tp *t);
/* http_data.c: a request's data channel for the session, and its body into the connection. */
oat_chan *oat_http_data_open(oat_chan *s, bool put, const char *url, wip_eventHandler_f evh,
                             void *ctx, int opt, va_list *ap, const char *fn);
void oat_http_send_request(oat_chan *s, oat_chan *d);

#endif
