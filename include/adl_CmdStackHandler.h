/* adl_CmdStackHandler.h: AT commands sent by the application (queued per port, run in
 * order) and the response block its handler receives. No host headers. */
#ifndef ADL_CMDSTACKHANDLER_H
#define ADL_CMDSTACKHANDLER_H

#include "wm_types.h"
#include "adl_at.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One response line of a command sent by the application; valid while the handler runs. */
typedef struct {
    adl_strID_e RspID;    /* the standard string it starts with, ADL_STR_NO_STRING if none */
    adl_atPort_e Dest;    /* where the text goes when the handler returns TRUE */
    u16 StrLength;        /* length of StrData */
    void *Contxt;         /* the context given to adl_atCmdSendExt */
    bool IsTerminal;      /* TRUE on the last response of the command */
    u8 NI;                /* notification identifier of the command */
    u8 Type;              /* ADL_AT_RSP for the terminal response, ADL_AT_INT otherwise */
    u8 Pad[1];
    ascii StrData[1];     /* the response text with its CR/LF */
} adl_atResponse_t;

/* Return TRUE to forward the text to Dest, FALSE to swallow it. */
typedef bool (*adl_atRspHandler_t)(adl_atResponse_t *Params);

/* rspflag: TRUE/FALSE (run on the Open AT virtual port, forward to UART1) or
 * ADL_AT_PORT_TYPE(port, TRUE/FALSE). TRUE forwards the responses nobody caught. The list
 * names the responses the handler gets: prefixes ("+CREG: "), adl_strID_e values
 * (ADL_STR_CREG) or "*" for all; it ends with NULL. The terminal response always comes. */
s8 adl_atCmdCreate(const ascii *atstr, u16 rspflag, adl_atRspHandler_t rsphdl, ...);
/* adl_atCmdCreate on the default port without forwarding. */
s8 adl_atCmdSend(const ascii *atstr, adl_atRspHandler_t rsphdl, ...);
/* NI 0: the modem runs it; ADL_NI_LAUNCH: the subscribed handler, if any; the NI a handler
 * received: the handler subscribed before it (or the modem). */
s8 adl_atCmdSendExt(const ascii *atstr, adl_atPort_e port, u16 NI, void *Contxt,
                    adl_atRspHandler_t rsphdl, ...);
/* Text for a command waiting for text input (Ctrl-Z appended when missing). */
s8 adl_atCmdSendText(adl_port_e port, const ascii *text);

#ifdef __cplusplus
}
#endif

#endif
