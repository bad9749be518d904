/* adl_fcm.h: the Flow Control Manager (data flows of serial ports, GSM and GPRS) as declared
 * by the SDK. oatemu does not provide the flows: every call fails loudly. No host headers. */
#ifndef ADL_FCM_H
#define ADL_FCM_H

#include "wm_types.h"
#include "adl_port.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ADL_FCM_FLOW_V24_UART1 = ADL_PORT_UART1,
    ADL_FCM_FLOW_V24_UART2 = ADL_PORT_UART2,
    ADL_FCM_FLOW_V24_USB = ADL_PORT_USB,
    ADL_FCM_FLOW_V24_UART3 = ADL_PORT_UART3,
    ADL_FCM_FLOW_GSM_DATA = 0x50,
    ADL_FCM_FLOW_GPRS = 0x60
} adl_fcmFlow_e;

/* OR with a flow to subscribe as a slave of the flow's master. */
#define ADL_FCM_FLOW_SLAVE 0x8000

typedef enum {
    ADL_FCM_EVENT_FLOW_OPENNED = 0,
    ADL_FCM_EVENT_FLOW_CLOSED,
    ADL_FCM_EVENT_V24_DATA_MODE,
    ADL_FCM_EVENT_V24_DATA_MODE_EXT,
    ADL_FCM_EVENT_V24_AT_MODE,
    ADL_FCM_EVENT_V24_AT_MODE_EXT,
    ADL_FCM_EVENT_RESUME,
    ADL_FCM_EVENT_MEM_RELEASE,
    ADL_FCM_EVENT_V24_DATA_MODE_FROM_CALL,
    ADL_FCM_EVENT_V24_AT_MODE_FROM_CALL,
    ADL_FCM_EVENT_V24_TX_DATA_FLUSHED
} adl_fcmEvent_e;

#define ADL_FCM_V24_STATE_AT      0
#define ADL_FCM_V24_STATE_DATA    1
#define ADL_FCM_V24_STATE_OFFLINE 2

#define ADL_FCM_RET_ERROR_GSM_GPRS_ALREADY_OPENNED (-20)
#define ADL_FCM_RET_ERR_WAIT_RESUME                (-21)
#define ADL_FCM_RET_OK_WAIT_RESUME                 (OK + 1)
#define ADL_FCM_RET_BUFFER_EMPTY                   (OK + 2)
#define ADL_FCM_RET_BUFFER_NOT_EMPTY               (OK + 3)

/* adl_fcmReleaseCredits: release every credit held. */
#define ADL_FCM_RELEASE_ALL_CREDITS 0xFF

/* Direction asked by adl_fcmGetStatus. */
typedef enum {
    ADL_FCM_WAY_FROM_EMBEDDED = 0,
    ADL_FCM_WAY_TO_EMBEDDED = 1
} adl_fcmWay_e;

/* A data block for adl_fcmSendDataExt. */
typedef struct {
    u16 DataLength;
    u8 Data[1];
} adl_fcmDataBlock_t;

typedef bool (*adl_fcmCtrlHdlr_f)(adl_fcmEvent_e Event);
/* Return TRUE to release the credit at once. */
typedef bool (*adl_fcmDataHdlr_f)(u16 DataLen, u8 *Data);

bool adl_fcmIsAvailable(adl_fcmFlow_e Flow);
s8 adl_fcmSubscribe(adl_fcmFlow_e Flow, adl_fcmCtrlHdlr_f CtrlHandler, adl_fcmDataHdlr_f DataHandler);
s8 adl_fcmUnsubscribe(u8 Handle);
s8 adl_fcmReleaseCredits(u8 Handle, u8 NbCredits);
s8 adl_fcmSwitchV24State(u8 Handle, u8 V24State);
s8 adl_fcmSendData(u8 Handle, u8 *Data, u16 DataLen);
s8 adl_fcmSendDataExt(u8 Handle, adl_fcmDataBlock_t *DataBlock);
s8 adl_fcmGetStatus(u8 Handle, adl_fcmWay_e Way);

#ifdef __cplusplus
}
#endif

#endif
