/* wip_pop3.h: oatemu's POP3 client in the Internet library's pattern (the module's has no
 * known signature; docs/decisions.md "POP3 client"): a session channel that logs in with
 * USER / PASS (WIP_CEV_OPEN once in, the mailbox's message count and size through
 * wip_getOpts), and one message at a time as a wip_getFile data channel named by its number
 * ("1", "2"...): OPEN, READ..., PEER_CLOSE at the end of the message (its bytes as stored,
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

wip_channel_t wip_POP3ClientCreateOpts(const ascii *server, wip_eventHandler_f evh, void *ctx,
                                       ...);

#ifdef __cplusplus
}
#endif

#endif
