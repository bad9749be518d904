/* wip_smtp.h: the Internet library's SMTP client. The session channel connects, greets,
 * authenticates (WIP_CEV_OPEN), then each mail is a wip_putFile data channel: OPEN, WRITE
 * events for the body, wip_close(data) ends it, the session gets WIP_CEV_DONE or
 * WIP_CEV_ERROR; WIP_COPT_SMTP_STATUS_CODE gives the last reply (code and text). */
#ifndef WIP_SMTP_H
#define WIP_SMTP_H

#include "wip_file.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    WIP_SMTP_AUTH_NONE = 0,
    WIP_SMTP_AUTH_CLEAR = 1,     /* AUTH PLAIN */
    WIP_SMTP_AUTH_MIME64 = 2     /* AUTH LOGIN (base64 user and password) */
} wip_smtpClientAuthTypes_e;

/* Positive content.error.errnum of an SMTP session (negative ones are WIP_CERR_*): the
 * server's reply code (4xx / 5xx) when it refused, or one of these. */
#define WIP_SMTP_ERR_PROTOCOL 1      /* a reply that is not SMTP */
#define WIP_SMTP_ERR_AUTH     2      /* the server offers no AUTH method asked for */

wip_channel_t wip_SMTPClientCreate(const ascii *server, wip_eventHandler_f evh, void *ctx);
wip_channel_t wip_SMTPClientCreateOpts(const ascii *server, wip_eventHandler_f evh, void *ctx, ...);

#ifdef __cplusplus
}
#endif

#endif
