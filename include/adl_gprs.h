/* adl_gprs.h: the ADL GPRS service (PDP contexts driven by ADL, without WIP): events,
 * set-up parameters, context information. oatemu fails every call loudly for now. */
#ifndef ADL_GPRS_H
#define ADL_GPRS_H

#include "wm_types.h"
#include "adl_error.h"
#include "adl_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Events given to the GPRS handler, in the order the SDK lists them (values: docs/decisions.md). */
typedef enum {
    ADL_GPRS_EVENT_RING_GPRS = 0,
    ADL_GPRS_EVENT_NW_CONTEXT_DEACT,
    ADL_GPRS_EVENT_ME_CONTEXT_DEACT,
    ADL_GPRS_EVENT_NW_DETACH,
    ADL_GPRS_EVENT_ME_DETACH,
    ADL_GPRS_EVENT_NW_CLASS_B,
    ADL_GPRS_EVENT_NW_CLASS_CG,
    ADL_GPRS_EVENT_NW_CLASS_CC,
    ADL_GPRS_EVENT_ME_CLASS_B,
    ADL_GPRS_EVENT_ME_CLASS_CG,
    ADL_GPRS_EVENT_ME_CLASS_CC,
    ADL_GPRS_EVENT_NO_CARRIER,
    ADL_GPRS_EVENT_DEACTIVATE_OK,
    ADL_GPRS_EVENT_DEACTIVATE_OK_FROM_EXT,
    ADL_GPRS_EVENT_ANSWER_OK,
    ADL_GPRS_EVENT_ANSWER_OK_FROM_EXT,
    ADL_GPRS_EVENT_ACTIVATE_OK,
    ADL_GPRS_EVENT_GPRS_DIAL_OK_FROM_EXT,
    ADL_GPRS_EVENT_ACTIVATE_OK_FROM_EXT,
    ADL_GPRS_EVENT_HANGUP_OK_FROM_EXT,
    ADL_GPRS_EVENT_DEACTIVATE_KO,
    ADL_GPRS_EVENT_DEACTIVATE_KO_FROM_EXT,
    ADL_GPRS_EVENT_ACTIVATE_KO_FROM_EXT,
    ADL_GPRS_EVENT_ACTIVATE_KO,
    ADL_GPRS_EVENT_ANSWER_OK_AUTO,
    ADL_GPRS_EVENT_SETUP_OK,
    ADL_GPRS_EVENT_SETUP_KO,
    ADL_GPRS_EVENT_ME_ATTACH,
    ADL_GPRS_EVENT_ME_UNREG,
    ADL_GPRS_EVENT_ME_UNREG_SEARCHING
} adl_gprsEvent_e;

/* What the handler returns: also report the event to the external application, or not. */
#define ADL_GPRS_FORWARD    0
#define ADL_GPRS_NO_FORWARD 1

/* Service-specific results of Setup/Act/Deact. */
#define ADL_GPRS_CID_NOT_DEFINED (ADL_RET_ERR_SPECIFIC_BASE)
#define ADL_NO_GPRS_SUPPORTED    (ADL_RET_ERR_SPECIFIC_BASE - 1)

/* Passed by value to adl_gprsSetup; a NULL string is "not set". */
typedef struct {
    ascii *APN;
    ascii *Login;
    ascii *Password;
    ascii *FixedIP;            /* dotted IPv4, or NULL: address given by the network */
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

/* Event is an adl_gprsEvent_e value, Cid the PDP context it concerns (1..4). */
typedef s8 (*adl_gprsHdlr_f)(u16 Event, u8 Cid);

s8 adl_gprsSubscribe(adl_gprsHdlr_f GprsHandler);
s8 adl_gprsUnsubscribe(adl_gprsHdlr_f GprsHandler);
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
