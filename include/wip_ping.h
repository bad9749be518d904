/* wip_ping.h: ICMP echo ("ping") channels: one WIP_CEV_PING per reply or timeout, then
 * WIP_CEV_DONE after the last request. */
#ifndef WIP_PING_H
#define WIP_PING_H

#include "wip_channel.h"

#ifdef __cplusplus
extern "C" {
#endif

wip_channel_t wip_pingCreate(const ascii *host, wip_eventHandler_f evh, void *ctx);
wip_channel_t wip_pingCreateOpts(const ascii *host, wip_eventHandler_f evh, void *ctx, ...);

#ifdef __cplusplus
}
#endif

#endif
