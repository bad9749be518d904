/* wip_bearer.h: bearers (GPRS, GSM, UART1/UART2 PPP, ETHER): open, options, start/stop,
 * the PPP/GSM server mode and their events. WIP_BEV_* values 1..8 are the module's; the
 * other numbers are oatemu's choice (docs/decisions.md). */
#ifndef WIP_BEARER_H
#define WIP_BEARER_H

#include "wm_types.h"
#include "wip_eth.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An IPv4 address, in network byte order in memory (as in struct in_addr). */
typedef u32 wip_in_addr_t;

typedef struct wip_bearer_ *wip_bearer_t;

/* Bearer events (handler's event argument). */
#define WIP_BEV_CONN_FAILED      1   /* start failed: WIP_BOPT_ERROR gives the cause */
#define WIP_BEV_IP_CONNECTED     2
#define WIP_BEV_IP_DISCONNECTED  3
#define WIP_BEV_STOPPED          4
#define WIP_BEV_LINK_STATUS      5
#define WIP_BEV_DRIVER           6
#define WIP_BEV_ME_UNREG         7
#define WIP_BEV_CTX_DEACT        8
/* Server-mode event kinds (wip_bearerServerEvent_t.kind). */
#define WIP_BEV_DIAL_CALL       16
#define WIP_BEV_PPP_AUTH_PEER   17

/* Return codes of the bearer API; WIP_BERR_OK_INPROGRESS is a success. */
#define WIP_BERR_OK_INPROGRESS   (-1)
#define WIP_BERR_NO_DEV          (-2)
#define WIP_BERR_ALREADY         (-3)
#define WIP_BERR_NO_IF           (-4)
#define WIP_BERR_NO_HDL          (-5)
#define WIP_BERR_BAD_HDL         (-6)
#define WIP_BERR_OPTION          (-7)
#define WIP_BERR_PARAM           (-8)
#define WIP_BERR_BAD_STATE       (-9)
#define WIP_BERR_DEV             (-10)
/* Connection failure causes (WIP_BOPT_ERROR after WIP_BEV_CONN_FAILED). */
#define WIP_BERR_LINE_BUSY       (-20)
#define WIP_BERR_NO_ANSWER       (-21)
#define WIP_BERR_NO_CARRIER      (-22)
#define WIP_BERR_NO_SIM          (-23)
#define WIP_BERR_PIN_NOT_READY   (-24)
#define WIP_BERR_GPRS_FAILED     (-25)
#define WIP_BERR_PPP_LCP_FAILED  (-26)
#define WIP_BERR_PPP_AUTH_FAILED (-27)
#define WIP_BERR_PPP_IPCP_FAILED (-28)
#define WIP_BERR_PPP_LINK_FAILED (-29)
#define WIP_BERR_PPP_TERM_REQ    (-30)
#define WIP_BERR_CALL_REFUSED    (-31)

/* Options of wip_bearerSetOpts (values) and wip_bearerGetOpts (pointers), ended by
 * WIP_BOPT_END. */
typedef enum {
    WIP_BOPT_END = 0,
    WIP_BOPT_LOGIN,             /* const ascii* / ascii** */
    WIP_BOPT_PASSWORD,          /* const ascii* / ascii** */
    WIP_BOPT_DIAL_PHONENB,      /* const ascii* / ascii** */
    WIP_BOPT_DIAL_RINGCOUNT,    /* int / u8* */
    WIP_BOPT_DIAL_MSNULLMODEM,  /* bool / bool* */
    WIP_BOPT_GPRS_APN,          /* const ascii* / ascii** */
    WIP_BOPT_GPRS_CID,          /* int 1..4 / u8* */
    WIP_BOPT_GPRS_HEADERCOMP,   /* bool / bool* */
    WIP_BOPT_GPRS_DATACOMP,     /* bool / bool* */
    WIP_BOPT_IP_ADDR,           /* wip_in_addr_t / wip_in_addr_t* */
    WIP_BOPT_IP_DST_ADDR,
    WIP_BOPT_IP_NETMASK,
    WIP_BOPT_IP_GW,
    WIP_BOPT_IP_DNS1,
    WIP_BOPT_IP_DNS2,
    WIP_BOPT_IP_SETDNS,         /* bool / bool* */
    WIP_BOPT_IP_SETGW,          /* bool / bool* */
    WIP_BOPT_IP_DHCP,           /* bool / bool* */
    WIP_BOPT_RESTART,           /* bool / bool* */
    WIP_BOPT_ETH_ADDR,          /* wip_ethAddr_t* on both */
    WIP_BOPT_ERROR,             /* get only: s8* (a WIP_BERR_* cause, 0 if none) */
    WIP_BOPT_LAST
} wip_bearerOption_e;

typedef void (*wip_bearerHandler_f)(wip_bearer_t br, s8 event, void *ctx);

/* Server mode (incoming GSM call or PPP client on a UART). */
typedef struct {
    s8 kind;                              /* WIP_BEV_DIAL_CALL or WIP_BEV_PPP_AUTH_PEER */
    union {
        struct {
            ascii *phonenb;               /* caller; the handler may set the only one accepted */
        } dial_call;
        struct {
            const ascii *user;
            u16 userlen;
            ascii *secret;                /* filled by the handler */
            u16 secretlen;
        } ppp_auth;
    } content;
} wip_bearerServerEvent_t;

typedef s8 (*wip_bearerServerHandler_f)(wip_bearer_t br, wip_bearerServerEvent_t *ev, void *ctx);

s8 wip_bearerOpen(wip_bearer_t *br, const ascii *name, wip_bearerHandler_f h, void *ctx);
s8 wip_bearerSetOpts(wip_bearer_t br, int opt, ...);
s8 wip_bearerGetOpts(wip_bearer_t br, int opt, ...);
s8 wip_bearerStart(wip_bearer_t br);
s8 wip_bearerStartServer(wip_bearer_t br, wip_bearerServerHandler_f h, void *ctx);
s8 wip_bearerAnswer(wip_bearer_t br);
s8 wip_bearerStop(wip_bearer_t br);
s8 wip_bearerClose(wip_bearer_t br);

#ifdef __cplusplus
}
#endif

#endif
