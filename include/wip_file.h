/* wip_file.h: data channels of session channels (SMTP, FTP, HTTP): wip_putFile opens a
 * channel the application writes (a mail body, an upload), wip_getFile one it reads. */
#ifndef WIP_FILE_H
#define WIP_FILE_H

#include "wip_channel.h"

#ifdef __cplusplus
extern "C" {
#endif

wip_channel_t wip_putFile(wip_channel_t session, const ascii *name, wip_eventHandler_f evh,
                          void *ctx);
wip_channel_t wip_putFileOpts(wip_channel_t session, const ascii *name, wip_eventHandler_f evh,
                              void *ctx, ...);
wip_channel_t wip_getFile(wip_channel_t session, const ascii *name, wip_eventHandler_f evh,
                          void *ctx);
wip_channel_t wip_getFileOpts(wip_channel_t session, const ascii *name, wip_eventHandler_f evh,
                              void *ctx, ...);

#ifdef __cplusplus
}
#endif

#endif
