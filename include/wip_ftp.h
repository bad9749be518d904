/* wip_ftp.h: the Internet library's FTP client: a session channel (WIP_CEV_OPEN once logged
 * in), files through wip_getFile / wip_putFile data channels (the session gets WIP_CEV_DONE
 * after each transfer, WIP_CEV_ERROR with the reply code when refused), and the file
 * commands below (oatemu's shapes, docs/decisions.md "FTP"): each returns 0 or a WIP_CERR_*
 * at once, and its result comes as WIP_CEV_DONE or WIP_CEV_ERROR (errnum: the reply code)
 * on the session; the reply through WIP_COPT_FTP_STATUS_CODE. */
#ifndef WIP_FTP_H
#define WIP_FTP_H

#include "wip_file.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Positive content.error.errnum of an FTP session or data channel: the server's reply code
 * (530, 550...), or this (negative ones are WIP_CERR_*). */
#define WIP_FTP_ERR_PROTOCOL 601    /* a reply that is not FTP, or a PASV reply without a port */

wip_channel_t wip_FTPCreate(const ascii *server, wip_eventHandler_f evh, void *ctx);
wip_channel_t wip_FTPCreateOpts(const ascii *server, wip_eventHandler_f evh, void *ctx, ...);

int wip_cwd(wip_channel_t session, const ascii *path);            /* CWD */
int wip_mkdir(wip_channel_t session, const ascii *path);          /* MKD */
int wip_deleteFile(wip_channel_t session, const ascii *path);     /* DELE */
int wip_deleteDir(wip_channel_t session, const ascii *path);      /* RMD */
int wip_renameFile(wip_channel_t session, const ascii *from, const ascii *to); /* RNFR, RNTO */
/* SIZE: the size then through WIP_COPT_FTP_SIZE. */
int wip_fileInfo(wip_channel_t session, const ascii *path);
/* LIST (path NULL: the current directory) as a data channel, like wip_getFile's. */
wip_channel_t wip_dir(wip_channel_t session, const ascii *path, wip_eventHandler_f evh,
                      void *ctx);

#ifdef __cplusplus
}
#endif

#endif
