/* wip_pop3.h: oatemu's POP3 client in the Internet library's pattern (the module's has no
 * known signature; docs/decisions.md "POP3 client"): a session channel that logs in with
 * APOP or USER / PASS, over TLS when asked (STLS or implicit TLS; WIP_CEV_OPEN once in, the
 * mailbox's message count and size, each message's size and unique id through wip_getOpts),
 * and one message at a time as a wip_getFile data channel named by its number ("1", "2"...):
 * OPEN, READ..., PEER_CLOSE at the end of the message (its bytes as stored,
 * CRLF line ends, dot-stuffing undone); the session then gets WIP_CEV_DONE. */
#ifndef WIP_POP3_H
#define WIP_POP3_H

#include "wip_file.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Positive content.error.errnum of a POP3 session or data channel (negative: WIP_CERR_*). */
#define WIP_POP3_ERR_REFUSED  701   /* the server answered -ERR (the text: WIP_COPT_POP3_STATUS) */
#define WIP_POP3_ERR_PROTOCOL 702   /* a reply that is neither +OK nor -ERR */
#define WIP_POP3_ERR_TLS      703   /* STLS required and not offered, refused, or TLS not set up
                                       (a failed handshake gives the WIP_SSL_ERR_* errnum) */
#define WIP_POP3_ERR_APOP     704   /* APOP required and the greeting has no <timestamp> */

/* WIP_COPT_POP3_AUTH values (oatemu's; the default BEST). */
#define WIP_POP3_AUTH_BEST 0        /* APOP when the greeting offers it, else USER / PASS */
#define WIP_POP3_AUTH_USER 1        /* USER / PASS */
#define WIP_POP3_AUTH_APOP 2        /* APOP only (RFC 1939 section 7) */

/* WIP_COPT_POP3_SECURITY values (oatemu's; the default NONE). TLS uses the Security library's
 * CA and verify rules (wip_SSLInitOpts) and checks the server name given to the create call. */
#define WIP_POP3_SEC_NONE            0
#define WIP_POP3_SEC_STLS            1   /* required: no STLS in CAPA is an error */
#define WIP_POP3_SEC_STLS_IF_OFFERED 2
#define WIP_POP3_SEC_TLS             3   /* implicit TLS from the first byte (port 995) */

/* The mailbox as listed at login (LIST, then UIDL when the server has it), once OPEN:
 *   const u32 *sizes; u32 n;
 *   wip_getOpts(session, WIP_COPT_POP3_LIST, &sizes, &n, WIP_COPT_END);
 * sizes[i] is message i+1's octets; WIP_COPT_POP3_UIDL gives const ascii *const *ids the
 * same way (ids[i] NULL when the server has no UIDL). n is STAT's count, at most 4096 (the
 * messages above are not listed; WIP_COPT_POP3_COUNT still counts them); an empty mailbox
 * gives NULL and 0. The arrays stay valid until the session's next event or its close. */

wip_channel_t wip_POP3ClientCreateOpts(const ascii *server, wip_eventHandler_f evh, void *ctx,
                                       ...);

#ifdef __cplusplus
}
#endif

#endif
