/* adl_gprs.h: the ADL GPRS service (PDP contexts without WIP): names and types as the API
 * facts give them (§2.15.1); numeric values the facts leave open are oatemu's. No host headers. */
#ifndef ADL_GPRS_H
#define ADL_GPRS_H

#include "adl_port.h"
#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Events, numbered 0.. in the order the facts list them. */
#define ADL_GPRS_EVENT_RING_GPRS              0
#define ADL_GPRS_EVENT_NW_CONTEXT_DEACT       1
#define ADL_GPRS_EVENT_ME_CONTEXT_DEACT       2
#define ADL_GPRS_EVENT_NW_DETACH              3
#define ADL_GPRS_EVENT_ME_DETACH              4
#define ADL_GPRS_EVENT_NW_CLASS_B             5
#define ADL_GPRS_EVENT_NW_CLASS_CG            6
#define ADL_GPRS_EVENT_NW_CLASS_CC            7
#define ADL_GPRS_EVENT_ME_CLASS_B             8
#define ADL_GPRS_EVENT_ME_CLASS_CG            9
#define ADL_GPRS_EVENT_ME_CLASS_CC            10
#define ADL_GPRS_EVENT_NO_CARRIER             11
#define ADL_GPRS_EVENT_DEACTIVATE_OK          12
#define ADL_GPRS_EVENT_DEACTIVATE_OK_FROM_EXT 13
#define ADL_GPRS_EVENT_ANSWER_OK              14
#define ADL_GPRS_EVENT_ANSWER_OK_FROM_EXT     15
#define ADL_GPRS_EVENT_ACTIVATE_OK            16
#define ADL_GPRS_EVENT_GPRS_DIAL_OK_FROM_EXT  17
#define ADL_GPRS_EVENT_ACTIVATE_OK_FROM_EXT   18
#define ADL_GPRS_EVENT_HANGUP_OK_FROM_EXT     19
#define ADL_GPRS_EVENT_DEACTIVATE_KO          20
#define ADL_GPRS_EVENT_DEACTIVATE_KO_FROM_EXT 21
#define ADL_GPRS_EVENT_ACTIVATE_KO_FROM_EXT   22
#define ADL_GPRS_EVENT_ACTIVATE_KO            23
#define ADL_GPRS_EVENT_ANSWER_OK_AUTO         24
#define ADL_GPRS_EVENT_SETUP_OK               25
#define ADL_GPRS_EVENT_SETUP_KO               26
#define ADL_GPRS_EVENT_ME_ATTACH              27
#define ADL_GPRS_EVENT_ME_UNREG               28
#define ADL_GPRS_EVENT_ME_UNREG_SEARCHING     29

/* What a handler returns: also report the event to the external application, or keep it. */
#define ADL_GPRS_FORWARD    0
#define ADL_GPRS_NO_FORWARD (-1)

/* Failures of Setup/Act/Deact besides ERROR, ADL_RET_ERR_PIN_KO and ADL_RET_ERR_BAD_STATE. */
#define ADL_GPRS_CID_NOT_DEFINED (-3)
#define ADL_NO_GPRS_SUPPORTED    (-4)

typedef struct {
    ascii *APN;                /* NULL: not set */
    ascii *Login;
    ascii *Password;
    ascii *FixedIP;            /* dotted IPv4, or NULL for an address given by the network */
    bool HeaderCompression;
    bool DataCompression;
} adl_gprsSetupParams_t;

/* Addresses of an active context; the first octet is the most significant byte. */
typedef struct {
    u32 LocalIP;
    u32 DNS1;
    u32 DNS2;
    u32 Gateway;
} adl_gprsInfosCid_t;

/* Event is an ADL_GPRS_EVENT_* value, Cid the context (1..4) it concerns (0: none). */
typedef s8 (*adl_gprsHdlr_f)(u16 Event, u8 Cid);

s8 adl_gprsSubscribe(adl_gprsHdlr_f GprsHandler);
s8 adl_gprsUnsubscribe(adl_gprsHdlr_f GprsHandler);
/* Results come as events: SETUP_OK/KO, ACTIVATE_OK/KO, DEACTIVATE_OK/KO. */
s8 adl_gprsSetup(u8 Cid, adl_gprsSetupParams_t Params);
s8 adl_gprsSetupExt(u8 Cid, adl_gprsSetupParams_t Params, adl_port_e Port);
s8 adl_gprsAct(u8 Cid);
s8 adl_gprsActExt(u8 Cid, adl_port_e Port);
s8 adl_gprsDeact(u8 Cid);
s8 adl_gprsDeactExt(u8 Cid, adl_port_e Port);
s8 adl_gprsGetCidInformations(u8 Cid, adl_gprsInfosCid_t *Info);
/* TRUE when AddressStr is a dotted IPv4 address ("a.b.c.d", each 0..255). */
bool adl_gprsIsAnIPAddress(const ascii *AddressStr);

#ifdef __cplusplus
}
#endif

#endif
