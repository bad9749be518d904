/* ssl_client.h: shared declarations of the ssl_client sample: GPRS bearer, then a TLS echo
 * exchange through the Security library, torn down completely and done again N times.
 *
 * The trusted CA is read by the Security library itself (WIP_COPT_CERT_AUTHORITY_FILE) from
 * SSLC_CA_FILE: by default "ssl_client_ca.pem" in the working directory of the process, or
 * another path given at compile time (-DSSLC_CA_FILE=\"/path/ca.pem\") or by AT+SSLC.
 * Server name and port: -DSSLC_HOST / -DSSLC_PORT, or AT+SSLC="host",port[,"ca path"]. */
#ifndef SSL_CLIENT_H
#define SSL_CLIENT_H

#include "adl_global.h"
#include "wip.h"

#ifndef SSLC_HOST
#define SSLC_HOST        "secure.example.com"
#endif
#ifndef SSLC_PORT
#define SSLC_PORT        4433
#endif
#ifndef SSLC_CA_FILE
#define SSLC_CA_FILE     "ssl_client_ca.pem"
#endif
#ifndef SSLC_ROUNDS
#define SSLC_ROUNDS      3
#endif
#ifndef SSLC_APN
#define SSLC_APN         "internet"
#endif
#ifndef SSLC_LOGIN
#define SSLC_LOGIN       ""
#endif
#ifndef SSLC_PASSWORD
#define SSLC_PASSWORD    ""
#endif

#define SSLC_HOST_MAX          64
#define SSLC_PATH_MAX          128
#define SSLC_REPLY_MAX         64
#define SSLC_CREG_RETRY_100MS  20   /* AT+CREG? polling period: 2 s */

/* Where the sample stands; AT+SSLC? shows it. */
typedef enum {
    SSLC_WAIT_NETWORK = 0,  /* SIM or registration not ready yet */
    SSLC_BEARER,            /* wip_netInit done, GPRS bearer starting */
    SSLC_SESSION,           /* SSL channel open or opening */
    SSLC_TEARDOWN,          /* channel released: library, bearer and stack going down */
    SSLC_IDLE               /* every round done (or a step failed): AT+SSLC=... runs again */
} sslc_state_e;

extern ascii sslc_Host[SSLC_HOST_MAX];
extern u16 sslc_Port;
extern ascii sslc_CaFile[SSLC_PATH_MAX];
extern sslc_state_e sslc_State;
extern u32 sslc_Round;      /* 1-based round running, or the last one run */

void sslc_Task(void);
void sslc_CmdSubscribe(void);
void sslc_NetworkStart(void);
void sslc_RoundsStart(void);
void sslc_RoundStart(void);
void sslc_Teardown(bool SslReady);
void sslc_SessionStart(void);

#endif
