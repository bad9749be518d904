/* adl_RspHandler.h: how an application writes responses to AT ports: text, standard
 * strings, unsolicited lines. No host headers. */
#ifndef ADL_RSPHANDLER_H
#define ADL_RSPHANDLER_H

#include "wm_types.h"
#include "adl_at.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Type = ADL_AT_RSP/UNS/INT, optionally with a port through ADL_AT_PORT_TYPE. Without a
 * port, RSP and INT go to UART1 and UNS to every open port. Text is sent as given. */
s32 adl_atSendResponse(u16 Type, const ascii *Text);
s32 adl_atSendStdResponse(u16 Type, adl_strID_e RspID);
s32 adl_atSendStdResponseExt(u16 Type, adl_strID_e RspID, u32 arg);
s32 adl_atSendStdResponseExtStr(u16 Type, adl_strID_e RspID, const ascii *arg);

/* The same, for the command whose handler received NI (adl_atCmdPreParser_t.NI). */
s32 adl_atSendResponseSpe(u16 Type, const ascii *Text, u16 NI);
s32 adl_atSendStdResponseSpe(u16 Type, adl_strID_e RspID, u16 NI);
s32 adl_atSendStdResponseExtSpe(u16 Type, adl_strID_e RspID, u32 arg, u16 NI);
s32 adl_atSendStdResponseExtStrSpe(u16 Type, adl_strID_e RspID, const ascii *arg, u16 NI);

/* An unsolicited line to one port (ADL_PORT_NONE: every open port). RIpulse is accepted;
 * the emulated ports have no RI line. */
s32 adl_atSendUnsoResponse(adl_port_e Port, const ascii *Text, bool RIpulse);

#define adl_atSendResponsePort(_t, _p, _r) adl_atSendResponse(ADL_AT_PORT_TYPE((_p), (_t)), (_r))
#define adl_atSendStdResponsePort(_t, _p, _r) adl_atSendStdResponse(ADL_AT_PORT_TYPE((_p), (_t)), (_r))
#define adl_atSendStdResponseExtPort(_t, _p, _r, _a) \
    adl_atSendStdResponseExt(ADL_AT_PORT_TYPE((_p), (_t)), (_r), (_a))
#define adl_atSendStdResponseExtStrPort(_t, _p, _r, _a) \
    adl_atSendStdResponseExtStr(ADL_AT_PORT_TYPE((_p), (_t)), (_r), (_a))

#ifdef __cplusplus
}
#endif

#endif
