/* errnames.c: names of the generic ADL return codes, for the call log and traces. Only
 * the codes of adl_error.h; per-service codes are named by their own service. */
#include "adl_error.h"

#include "adl/services.h"

const char *oat_adl_ret_name(long long code)
{
    switch (code) {
    case OK: return "OK";
    case ERROR: return "ERROR";
    case ADL_RET_ERR_PARAM: return "ADL_RET_ERR_PARAM";
    case ADL_RET_ERR_UNKNOWN_HDL: return "ADL_RET_ERR_UNKNOWN_HDL";
    case ADL_RET_ERR_ALREADY_SUBSCRIBED: return "ADL_RET_ERR_ALREADY_SUBSCRIBED";
    case ADL_RET_ERR_NOT_SUBSCRIBED: return "ADL_RET_ERR_NOT_SUBSCRIBED";
    case ADL_RET_ERR_FATAL: return "ADL_RET_ERR_FATAL";
    case ADL_RET_ERR_BAD_HDL: return "ADL_RET_ERR_BAD_HDL";
    case ADL_RET_ERR_BAD_STATE: return "ADL_RET_ERR_BAD_STATE";
    case ADL_RET_ERR_PIN_KO: return "ADL_RET_ERR_PIN_KO";
    case ADL_RET_ERR_NO_MORE_HANDLES: return "ADL_RET_ERR_NO_MORE_HANDLES";
    case ADL_RET_ERR_DONE: return "ADL_RET_ERR_DONE";
    case ADL_RET_ERR_OVERFLOW: return "ADL_RET_ERR_OVERFLOW";
    case ADL_RET_ERR_NOT_SUPPORTED: return "ADL_RET_ERR_NOT_SUPPORTED";
    case ADL_RET_ERR_NO_MORE_TIMERS: return "ADL_RET_ERR_NO_MORE_TIMERS";
    case ADL_RET_ERR_NO_MORE_SEMAPHORES: return "ADL_RET_ERR_NO_MORE_SEMAPHORES";
    case ADL_RET_ERR_SERVICE_LOCKED: return "ADL_RET_ERR_SERVICE_LOCKED";
    case ADL_RET_ERR_SPECIFIC_BASE: return "ADL_RET_ERR_SPECIFIC_BASE";
    default: return NULL;
    }
}
