/* wip_ftp.h: the Internet library's FTP client (session channel; files through wip_getFile
 * and wip_putFile). Declared so applications compile; oatemu does not provide it yet: the
 * calls trace and return NULL (docs/api-coverage.md). */
#ifndef WIP_FTP_H
#define WIP_FTP_H

#include "wip_file.h"

#ifdef __cplusplus
extern "C" {
#endif

wip_channel_t wip_FTPCreate(const ascii *server, wip_eventHandler_f evh, void *ctx);
wip_channel_t wip_FTPCreateOpts(const ascii *server, wip_eventHandler_f evh, void *ctx, ...);

#ifdef __cplusplus
}
#endif

#endif
