/* wip_ssl.h: the Security library: TLS client channels over WIP. wip_SSLInit[Opts] sets
 * the trusted CAs and the verify mode for every later client; wip_SSLClose tears it down.
 * A client behaves like a TCP client except that WIP_CEV_OPEN comes after the handshake,
 * wip_write takes the whole buffer (up to 16384 bytes) or returns -1 while it cannot,
 * and the peer ending the session gives WIP_CEV_INVALID. */
#ifndef WIP_SSL_H
#define WIP_SSL_H

#include "wip_channel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* WIP_COPT_VERIFY values. */
#define WIP_SSL_NEVER     0   /* no certificate check */
#define WIP_SSL_OPTIONAL  1   /* checked; a failure is traced and the session goes on */
#define WIP_SSL_ALWAYS    2   /* checked; a failure ends the handshake (errnum 1) */

/* WIP_COPT_SSL_MIN_VERSION values. */
#define WIP_SSL_TLS_1_0   10
#define WIP_SSL_TLS_1_1   11
#define WIP_SSL_TLS_1_2   12
#define WIP_SSL_TLS_1_3   13

/* Positive content.error.errnum of an SSL channel (negative ones are WIP_CERR_*): 1..99,
 * 1 as on the module, the others oatemu's; SMTP's own codes are 101..199. */
#define WIP_SSL_ERR_CERTIFICATE 1   /* the peer's certificate did not verify */
#define WIP_SSL_ERR_HANDSHAKE   2   /* no common version or suite, or the peer refused */
#define WIP_SSL_ERR_PROTOCOL    3   /* a broken record or alert on an open session */

/* The largest wip_write on an SSL channel. */
#define WIP_SSL_WRITE_MAX 16384

s8 wip_SSLInit(void);
s8 wip_SSLInitOpts(int opt, ...);
s8 wip_SSLClose(void);

wip_channel_t wip_SSLClientCreate(const ascii *host, u16 port, wip_eventHandler_f evh, void *ctx);
wip_channel_t wip_SSLClientCreateOpts(const ascii *host, u16 port, wip_eventHandler_f evh,
                                      void *ctx, ...);

#ifdef __cplusplus
}
#endif

#endif
