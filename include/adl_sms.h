/* adl_sms.h: the SMS service: subscribe receive and control handlers, send in text or PDU
 * mode. oatemu has no SMS network yet: every call fails loudly. */
#ifndef ADL_SMS_H
#define ADL_SMS_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ADL_SMS_MODE_PDU  0x00
#define ADL_SMS_MODE_TEXT 0x01

/* Control events: Nb is the +CMS ERROR code (SENDING_ERROR) or the message reference (MR). */
#define ADL_SMS_EVENT_SENDING_OK    0
#define ADL_SMS_EVENT_SENDING_ERROR 1
#define ADL_SMS_EVENT_SENDING_MR    2

/* Results of the extended receive handler. */
#define ADL_SMS_FORWARD_INDICATION_AND_STORE 1
#define ADL_SMS_FILTER_INDICATION_AND_DELETE 0
#define ADL_SMS_FILTER_INDICATION_AND_STORE  (-1)

/* Text mode: number, time stamp, text. PDU mode: NULL, PDU length, PDU in hex.
 * TRUE passes the SMS on to the external application. */
typedef bool (*adl_smsHdlr_f)(ascii *SmsTel, ascii *SmsTimeOrLength, ascii *SmsText);
typedef s32 (*adl_smsHdlrExt_f)(ascii *SmsTel, ascii *SmsTimeOrLength, ascii *SmsText);
typedef void (*adl_smsCtrlHdlr_f)(u8 Event, u16 Nb);

s8 adl_smsSubscribe(adl_smsHdlr_f SmsHandler, adl_smsCtrlHdlr_f SmsCtrlHandler, u8 Mode);
s8 adl_smsSubscribeExt(adl_smsHdlrExt_f SmsHandler, adl_smsCtrlHdlr_f SmsCtrlHandler, u8 Mode);
s8 adl_smsSend(u8 Handle, ascii *SmsTel, ascii *SmsText, u8 Mode);
s8 adl_smsUnsubscribe(u8 Handle);

#ifdef __cplusplus
}
#endif

#endif
