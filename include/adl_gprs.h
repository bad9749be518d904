/* adl_gprs.h: the ADL GPRS service (PDP contexts without WIP). Not in the specification:
 * a small plausible set is declared, and oatemu fails every call loudly. No host headers. */
#ifndef ADL_GPRS_H
#define ADL_GPRS_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ADL_GPRS_EVENT_RING_GPRS = 0,
    ADL_GPRS_EVENT_NW_CONTEXT_DEACT,
    ADL_GPRS_EVENT_ME_CONTEXT_DEACT,
    ADL_GPRS_EVENT_NW_DETACH,
    ADL_GPRS_EVENT_ME_DETACH,
    ADL_GPRS_EVENT_NW_CONTEXT_REJECT,
    ADL_GPRS_EVENT_ME_ATTACH,
    ADL_GPRS_EVENT_SETUP_OK,
    ADL_GPRS_EVENT_SETUP_KO,
    ADL_GPRS_EVENT_ACTIVATE_OK,
    ADL_GPRS_EVENT_ACTIVATE_KO,
    ADL_GPRS_EVENT_DEACTIVATE_OK,
    ADL_GPRS_EVENT_DEACTIVATE_KO,
    ADL_GPRS_EVENT_ANSWER_OK,
    ADL_GPRS_EVENT_ANSWER_KO,
    ADL_GPRS_EVENT_LAST
} adl_gprsEvent_e;

typedef struct {
    ascii *APN;
    ascii *Login;
    ascii *Password;
    ascii *FixedIP;            /* NULL: address given by the network */
    bool HeaderCompression;
    bool DataCompression;
} adl_gprsSetupParams_t;

/* Event is an adl_gprsEvent_e value, Cid the PDP context it concerns. */
typedef s8 (*adl_gprsHdlr_f)(u16 Event, u8 Cid);

s8 adl_gprsSubscribe(adl_gprsHdlr_f GprsHandler);
s8 adl_gprsUnsubscribe(adl_gprsHdlr_f GprsHandler);
s8 adl_gprsSetup(u8 Cid, adl_gprsSetupParams_t Params);
s8 adl_gprsAct(u8 Cid);
s8 adl_gprsDeact(u8 Cid);
/* TRUE when AddressStr is a dotted IPv4 address ("a.b.c.d", each 0..255). */
bool adl_gprsIsAnIPAddress(const ascii *AddressStr);

#ifdef __cplusplus
}
#endif

#endif
