/* adl_sim.h: the SIM service: PIN/PUK entry, SIM state and the events of the SIM start-up
 * (PIN_OK, FULL_INIT...). No host headers. */
#ifndef ADL_SIM_H
#define ADL_SIM_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ADL_SIM_EVENT_REMOVED = 1,
    ADL_SIM_EVENT_INSERTED = 2,
    ADL_SIM_EVENT_FULL_INIT = 3,
    ADL_SIM_EVENT_PIN_ERROR = 4,
    ADL_SIM_EVENT_PIN_OK = 5,
    ADL_SIM_EVENT_PIN_WAIT = 6,
    ADL_SIM_EVENT_PUK_WAIT = 7,
    ADL_SIM_EVENT_PUK_ERROR = 8,
    ADL_SIM_EVENT_FAILURE = 9,
    ADL_SIM_EVENT_NET_LOCK = 10,
    ADL_SIM_EVENT_LAST = 11
} adl_simEvent_e;

typedef enum {
    ADL_SIM_STATE_INIT = 0,
    ADL_SIM_STATE_REMOVED = 1,
    ADL_SIM_STATE_INSERTED = 2,
    ADL_SIM_STATE_FULL_INIT = 3,
    ADL_SIM_STATE_PIN_ERROR = 4,
    ADL_SIM_STATE_PIN_OK = 5,
    ADL_SIM_STATE_PIN_WAIT = 6,
    ADL_SIM_STATE_PUK_WAIT = 7,
    ADL_SIM_STATE_PUK_ERROR = 8,
    ADL_SIM_STATE_FAILURE = 9,
    ADL_SIM_STATE_NET_LOCK = 10,
    ADL_SIM_STATE_LAST = 11
} adl_simState_e;

/* Event is an adl_simEvent_e value. */
typedef void (*adl_simHdlr_f)(u8 Event);

/* PinCode (may be NULL) is entered automatically when the SIM asks for it. */
s32 adl_simSubscribe(adl_simHdlr_f SimHandler, const ascii *PinCode);
s32 adl_simUnsubscribe(adl_simHdlr_f SimHandler);
adl_simState_e adl_simGetState(void);
/* Enter the PIN the SIM waits for; the verdict arrives as PIN_OK or PIN_ERROR. */
s32 adl_simEnterPIN(const ascii *PinCode);
/* Enter the PUK and a new PIN once the PIN is blocked; PIN_OK or PUK_ERROR follows. */
s32 adl_simEnterPUK(const ascii *PukCode, const ascii *NewPinCode);
/* Attempts left for the code the SIM waits for (PIN, else PUK). */
s32 adl_simRemAttempt(void);

#ifdef __cplusplus
}
#endif

#endif
