/* wip_net.h: WIP stack initialisation and shutdown, stack-wide options, wip_debug.
 * Option numbers are oatemu's choice (the spec leaves them UNKNOWN; docs/decisions.md). */
#ifndef WIP_NET_H
#define WIP_NET_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Options of wip_netInitOpts, each followed by one int-sized value; WIP_NET_OPT_END ends
 * the list. */
typedef enum {
    WIP_NET_OPT_END = 0,
    WIP_NET_OPT_DEBUG_PORT,            /* WIP_NET_DEBUG_PORT_* */
    WIP_NET_OPT_IP_TTL,                /* 1..255, default 64 */
    WIP_NET_OPT_IP_TOS,                /* 0..255, default 0 */
    WIP_NET_OPT_IP_FRAG_TIMEO,         /* seconds, 1..65535 */
    WIP_NET_OPT_TCP_MAXINITWIN,        /* segments, 0..65535 */
    WIP_NET_OPT_TCP_MIN_MSS,           /* 536..1460 */
    WIP_NET_OPT_SOCK_MAX,              /* 1..1024, default 64: channels open at once */
    WIP_NET_OPT_BUF_MAX,               /* 1..65535 */
    WIP_NET_OPT_RSLV_QUERY_TIMEOUT,    /* seconds, 1..255 */
    WIP_NET_OPT_RSLV_QUERY_RETRIES,    /* 0..255 */
    WIP_NET_OPT_IP_ROUTE,              /* 0 or 1 */
    WIP_NET_OPT_LAST
} wip_netOption_e;

/* Where wip_debug output goes. */
typedef enum {
    WIP_NET_DEBUG_PORT_NONE = 0,
    WIP_NET_DEBUG_PORT_UART1,
    WIP_NET_DEBUG_PORT_UART2,
    WIP_NET_DEBUG_PORT_TRACE
} wip_netDebugPort_e;

s8 wip_netInit(void);
s8 wip_netInitOpts(int opt, ...);
s8 wip_netExit(void);

/* The stack's printf-like trace (to the port chosen by WIP_NET_OPT_DEBUG_PORT). */
s32 wip_debug(const ascii *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Move wip_debug output to another WIP_NET_DEBUG_PORT_* (wip_netInit sets it again). */
s8 wip_debugSetPort(u8 port);
/* 0 silences wip_debug; any other level shows it (the default is WIP_DEBUG_LEVEL_DEFAULT). */
#define WIP_DEBUG_LEVEL_DEFAULT 1
s8 wip_debugSetTraceLevel(u8 level);

#ifdef __cplusplus
}
#endif

#endif
