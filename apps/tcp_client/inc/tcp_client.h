/* tcp_client.h: shared declarations of the tcp_client sample (GPRS bearer, then a TCP echo
 * check). Defaults are compile-time and can be changed with -D or with AT+TCPC. */
#ifndef TCP_CLIENT_H
#define TCP_CLIENT_H

#include "adl_global.h"
#include "wip.h"

#ifndef TCPC_HOST
#define TCPC_HOST        "echo.example.com"
#endif
#ifndef TCPC_PORT
#define TCPC_PORT        7
#endif
#ifndef TCPC_SIZE
#define TCPC_SIZE        100000     /* bytes streamed to the echo server */
#endif
#ifndef TCPC_APN
#define TCPC_APN         "internet"
#endif
#ifndef TCPC_LOGIN
#define TCPC_LOGIN       ""
#endif
#ifndef TCPC_PASSWORD
#define TCPC_PASSWORD    ""
#endif

#define TCPC_HOST_MAX          64
#define TCPC_SIZE_MAX          10000000
#define TCPC_CREG_RETRY_100MS  20   /* AT+CREG? polling period: 2 s */

/* Where the sample stands; AT+TCPC? shows it. */
typedef enum {
    TCPC_WAIT_NETWORK = 0,  /* SIM or registration not ready yet */
    TCPC_BEARER,            /* GPRS bearer starting */
    TCPC_TRANSFER,          /* TCP channel open or opening */
    TCPC_IDLE               /* transfer over, bearer stopped: AT+TCPC=... runs another */
} tcpc_state_e;

extern ascii tcpc_Host[TCPC_HOST_MAX];
extern u16 tcpc_Port;
extern u32 tcpc_Size;
extern tcpc_state_e tcpc_State;

void tcpc_Task(void);
void tcpc_CmdSubscribe(void);
void tcpc_NetworkStart(void);
void tcpc_BearerStart(void);
void tcpc_BearerStop(void);
void tcpc_TransferStart(void);

#endif
