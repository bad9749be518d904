/* adl_call.h: the call service (voice and data calls: set up, answer, hang up, events).
 * oatemu has no calls yet: every call fails loudly. */
#ifndef ADL_CALL_H
#define ADL_CALL_H

#include "wm_types.h"
#include "adl_port.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ADL_CALL_MODE_VOICE 0
#define ADL_CALL_MODE_DATA  1

typedef enum {
    ADL_CALL_EVENT_RING_VOICE = 0,
    ADL_CALL_EVENT_RING_DATA,
    ADL_CALL_EVENT_NEW_ID,
    ADL_CALL_EVENT_RELEASE_ID,
    ADL_CALL_EVENT_ALERTING,
    ADL_CALL_EVENT_NO_CARRIER,
    ADL_CALL_EVENT_BUSY,
    ADL_CALL_EVENT_NO_ANSWER,
    ADL_CALL_EVENT_SETUP_OK,
    ADL_CALL_EVENT_ANSWER_OK,
    ADL_CALL_EVENT_HANGUP_OK,
    ADL_CALL_EVENT_SETUP_OK_FROM_EXT,
    ADL_CALL_EVENT_ANSWER_OK_FROM_EXT,
    ADL_CALL_EVENT_HANGUP_OK_FROM_EXT
} adl_callEvent_e;

/* What the handler returns. */
#define ADL_CALL_FORWARD        0
#define ADL_CALL_NO_FORWARD     1
#define ADL_CALL_NO_FORWARD_ATH 2
#define ADL_CALL_NO_FORWARD_ATA 3

typedef s8 (*adl_callHdlr_f)(u16 Event, u32 CallId);

s8 adl_callSubscribe(adl_callHdlr_f CallHandler);
s8 adl_callUnsubscribe(adl_callHdlr_f CallHandler);
s8 adl_callSetup(ascii *PhoneNb, u8 Mode);
s8 adl_callSetupExt(ascii *PhoneNb, u8 Mode, adl_port_e Port);
s8 adl_callAnswer(void);
s8 adl_callAnswerExt(adl_port_e Port);
/* Both spellings were in use. */
s8 adl_callHangup(void);
s8 adl_callHangUp(void);
s8 adl_callHangupExt(adl_port_e Port);

#ifdef __cplusplus
}
#endif

#endif
