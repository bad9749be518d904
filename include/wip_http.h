/* wip_http.h: the Internet library's HTTP client (session channel; requests through
 * wip_getFile and wip_putFile). Declared so applications compile; oatemu does not provide
 * it yet: the calls trace and return NULL (docs/api-coverage.md). */
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

wip_channel_t wip_HTTPClientCreate(wip_eventHandler_f evh, void *ctx);
wip_channel_t wip_HTTPClientCreateOpts(wip_eventHandler_f evh, void *ctx, ...);

#ifdef __cplusplus
}
#endif

#endif
