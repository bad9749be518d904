/* wip_udp.h: UDP channels: one datagram per wip_write / wip_read; wip_writeOpts and
 * wip_readOpts name the peer. */
#ifndef WIP_UDP_H
#define WIP_UDP_H

#include "wip_channel.h"

#ifdef __cplusplus
extern "C" {
#endif

wip_channel_t wip_UDPCreate(wip_eventHandler_f evh, void *ctx);
wip_channel_t wip_UDPCreateOpts(wip_eventHandler_f evh, void *ctx, ...);

#ifdef __cplusplus
}
#endif

#endif
