/* adl_UnSoHandler.h: application handlers for unsolicited lines of the modem (+CREG: ...).
 * No host headers. */
#ifndef ADL_UNSOHANDLER_H
#define ADL_UNSOHANDLER_H

#include "wm_types.h"
#include "adl_at.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One unsolicited line; valid while the handler runs. */
typedef struct {
    adl_strID_e RspID;    /* the standard string it starts with, ADL_STR_NO_STRING if none */
    adl_atPort_e Dest;    /* where the text goes when the handler returns TRUE */
    u16 StrLength;        /* length of StrData */
    bool RiPulse;         /* TRUE if the line comes with a RI pulse */
    u8 Pad[3];
    ascii StrData[1];     /* the line with its CR/LF */
} adl_atUnsolicited_t;

/* Return TRUE to forward the line to Dest, FALSE to swallow it. */
typedef bool (*adl_atUnSoHandler_t)(adl_atUnsolicited_t *Params);

/* Prefix such as "+CREG: " (case ignored); "*" catches every unsolicited line. */
s16 adl_atUnSoSubscribe(const ascii *UnSostr, adl_atUnSoHandler_t UnSohdl);
s16 adl_atUnSoUnSubscribe(const ascii *UnSostr, adl_atUnSoHandler_t UnSohdl);

#ifdef __cplusplus
}
#endif

#endif
