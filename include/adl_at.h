/* adl_at.h: what every part of the AT service shares: the AT port type, the response kinds
 * (RSP/UNS/INT) and how a port is encoded with them. No host headers. */
#ifndef ADL_AT_H
#define ADL_AT_H

#include "wm_types.h"
#include "adl_port.h"
#include "adl_str.h"

#ifdef __cplusplus
extern "C" {
#endif

/* AT commands run on a port; the same values as adl_port_e. */
typedef adl_port_e adl_atPort_e;

/* Kinds of response text. */
#define ADL_AT_RSP 0x01   /* terminal: ends the running command, flushes held unsolicited text */
#define ADL_AT_UNS 0x02   /* unsolicited: held while a command runs on the port */
#define ADL_AT_INT 0x04   /* intermediate: written at once */

/* A kind (or a TRUE/FALSE response flag) together with the port it is meant for. */
#define ADL_AT_PORT_TYPE(_port, _type) ((u16)(((u16)(_port) << 8) | (u16)(_type)))

/* adl_atCmdSendExt: hand the command to the application handler subscribed to it, if any. */
#define ADL_NI_LAUNCH 0xFE

/* Which ports a subscription made with adl_atCmdSubscribeExt listens to. */
typedef enum {
    ADL_CMD_SUBSCRIPTION_ALL_PORTS = 0,
    ADL_CMD_SUBSCRIPTION_ONLY_EXTERNAL_PORTS = 1,   /* UART, USB and their virtual ports */
    ADL_CMD_SUBSCRIPTION_ONLY_OPENAT_PORTS = 2      /* commands sent by the application */
} adl_atCmdSubscriptionPort_e;

#ifdef __cplusplus
}
#endif

#endif
