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
    WIP_SMTP_AUTH_MIME64 = 2,    /* AUTH LOGIN (base64 user and password) */
    /* oatemu's: the method named, only if the server offers it */
    WIP_SMTP_AUTH_PLAIN = 3,
    WIP_SMTP_AUTH_LOGIN = 4,
    WIP_SMTP_AUTH_CRAM_MD5 = 5,
    WIP_SMTP_AUTH_XOAUTH2 = 6,   /* WIP_COPT_PASSWORD is the OAuth 2 access token */
    WIP_SMTP_AUTH_ANONYMOUS = 7,
    WIP_SMTP_AUTH_BEST = 8       /* the strongest the server offers */
} wip_smtpClientAuthTypes_e;

/* WIP_COPT_SMTP_SECURITY values (oatemu's); TLS uses the Security library's CA and verify
 * mode (wip_SSLInitOpts) and checks the server name. */
#define WIP_SMTP_SEC_NONE               0
#define WIP_SMTP_SEC_STARTTLS           1   /* required: no STARTTLS offered is an error */
#define WIP_SMTP_SEC_STARTTLS_IF_OFFERED 2
#define WIP_SMTP_SEC_TLS                3   /* implicit TLS from the first byte (port 465) */

/* Positive content.error.errnum of an SMTP session (negative ones are WIP_CERR_*): the
 * server's reply code (400..599) when it refused, or one of these (101..199, apart from the
 * Security library's 1..99, so that a bridge reporting both never mixes them up). */
#define WIP_SMTP_ERR_PROTOCOL 101    /* a reply that is not SMTP */
#define WIP_SMTP_ERR_AUTH     102    /* the server offers no AUTH method asked for */
#define WIP_SMTP_ERR_TLS      103    /* STARTTLS required and not offered, or TLS failed
                                        (certificate, version, suite: the trace says which) */
#define WIP_SMTP_ERR_CLEAR    104    /* credentials would go without TLS: not sent */
#define WIP_SMTP_ERR_SIZE     105    /* the declared size is over the server's SIZE limit */
#define WIP_SMTP_ERR_UTF8     106    /* UTF-8 addresses and the server has no SMTPUTF8 */

wip_channel_t wip_SMTPClientCreate(const ascii *server, wip_eventHandler_f evh, void *ctx);
wip_channel_t wip_SMTPClientCreateOpts(const ascii *server, wip_eventHandler_f evh, void *ctx, ...);

#ifdef __cplusplus
}
#endif

#endif
