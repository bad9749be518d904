/* adl_str.h: the standard AT response strings (OK, ERROR, +CME ERROR:, +CREG: ...) known to
 * ADL by identifier, and how to turn identifiers into text and back. No host headers. */
#ifndef ADL_STR_H
#define ADL_STR_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Identifiers up to ADL_STR_LAST_TERMINAL (excluded) are terminal responses. */
typedef enum {
    ADL_STR_NO_STRING = 0,
    ADL_STR_OK = 1,
    ADL_STR_BUSY = 2,
    ADL_STR_NO_ANSWER = 3,
    ADL_STR_NO_CARRIER = 4,
    ADL_STR_CONNECT = 5,
    ADL_STR_ERROR = 6,
    ADL_STR_CME_ERROR = 7,
    ADL_STR_CMS_ERROR = 8,
    ADL_STR_CPIN = 9,
    ADL_STR_CPIN2 = 10,
    ADL_STR_LAST_TERMINAL = 11,
    ADL_STR_RING = ADL_STR_LAST_TERMINAL,
    ADL_STR_WIND = 12,
    ADL_STR_CRING = 13,
    ADL_STR_CPINC = 14,
    ADL_STR_WSTR = 15,
    ADL_STR_CMEE = 16,
    ADL_STR_CREG = 17,
    ADL_STR_CGREG = 18,
    ADL_STR_CRC = 19,
    ADL_STR_CGEV = 20,
    ADL_STR_CGEREP = 21,
    ADL_STR_LAST = 22
} adl_strID_e;

/* How the argument of a standard response with an argument (+CME ERROR: <n>) is given. */
typedef enum {
    ADL_STR_ARG_TYPE_ASCII = 0,
    ADL_STR_ARG_TYPE_U32 = 1
} adl_strArgType_e;

/* The text of a standard response, framed as the module sends it ("\r\nOK\r\n"). The block
 * comes from adl_memGet: release it with adl_memRelease. NULL for an unknown identifier. */
ascii *adl_strGetResponse(adl_strID_e RspID);
/* The identifier of a response text (leading CR/LF ignored), ADL_STR_NO_STRING if none. */
adl_strID_e adl_strGetID(ascii *rsp);
/* TRUE for OK, ERROR, +CME ERROR:, CONNECT... (identifiers below ADL_STR_LAST_TERMINAL). */
bool adl_strIsTerminalResponse(adl_strID_e RspID);

#ifdef __cplusplus
}
#endif

#endif
