/* wip_tcp.h: TCP client and server channels. A server spawns one channel per accepted
 * connection; the spawned channel reports to the server's handler, OPEN first. */
#ifndef WIP_TCP_H
#define WIP_TCP_H

#include "wip_channel.h"

#ifdef __cplusplus
extern "C" {
#endif

wip_channel_t wip_TCPClientCreate(const ascii *host, u16 port, wip_eventHandler_f evh, void *ctx);
wip_channel_t wip_TCPClientCreateOpts(const ascii *host, u16 port, wip_eventHandler_f evh,
                                      void *ctx, ...);
wip_channel_t wip_TCPServerCreate(u16 port, wip_eventHandler_f spawnEvh, void *ctx);
wip_channel_t wip_TCPServerCreateOpts(u16 port, wip_eventHandler_f spawnEvh, void *ctx, ...);

#ifdef __cplusplus
}
#endif

#endif
