/* wip_http.h: the Internet library's HTTP client. The session (wip_HTTPClientCreateOpts,
 * handler optional) holds the options every request shares and a kept-alive connection; each
 * request is a data channel: wip_getFile[Opts] (GET, HEAD, DELETE: OPEN once the response
 * headers arrived, body on READ, WIP_CEV_PEER_CLOSE at its end) or wip_putFile[Opts] (POST,
 * PUT: OPEN and WRITE for the body, wip_shutdown(data, FALSE, TRUE) ends it, then the
 * response as for a GET). Status and headers: wip_getOpts(data, WIP_COPT_HTTP_STATUS_CODE,
 * &s32, WIP_COPT_HTTP_STATUS_REASON, buf, len, WIP_COPT_HTTP_HEADER, "name", buf, len). */
#ifndef WIP_HTTP_H
#define WIP_HTTP_H

#include "wip_file.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { WIP_HTTP_VERSION_1_0, WIP_HTTP_VERSION_1_1 } wip_httpVersion_e;
typedef enum {
    WIP_HTTP_METHOD_GET, WIP_HTTP_METHOD_HEAD, WIP_HTTP_METHOD_POST, WIP_HTTP_METHOD_PUT,
    WIP_HTTP_METHOD_DELETE
} wip_httpMethod_e;

/* Positive content.error.errnum of an HTTP data channel (negative ones are WIP_CERR_*; the
 * Security library's 1..99 pass through for https://): 201..299, apart from SMTP's 101..199. */
#define WIP_HTTP_ERR_PROTOCOL  201   /* a response that is not HTTP (status line, header, chunk) */
#define WIP_HTTP_ERR_REDIRECTS 202   /* WIP_COPT_HTTP_FOLLOW_REDIRECT: more than 5 redirects */
#define WIP_HTTP_ERR_LENGTH    203   /* a Content-Length body got more or fewer bytes written */

/* Redirects followed at most (WIP_COPT_HTTP_FOLLOW_REDIRECT). */
#define WIP_HTTP_REDIRECTS_MAX 5

wip_channel_t wip_HTTPClientCreate(wip_eventHandler_f evh, void *ctx);
wip_channel_t wip_HTTPClientCreateOpts(wip_eventHandler_f evh, void *ctx, ...);

#ifdef __cplusplus
}
#endif

#endif
