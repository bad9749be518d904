/* errnames.c: the ADL error families (generic ADL_RET_*, flash ADL_FLH_RET_*, GPRS), one
 * X-macro list each giving name and message to the call log and traces. Values stay in the
 * SDK headers; a service's own list falls back to the generic one. */
#include "adl_error.h"
#include "adl_flash.h"
#include "adl_gprs.h"

#include "adl/services.h"

#define OAT_ADL_RET_ERRORS(X)                                                                  \
    X(OK, "success")                                                                           \
    X(ERROR, "failed")                                                                         \
    X(ADL_RET_ERR_PARAM, "a parameter is wrong")                                               \
    X(ADL_RET_ERR_UNKNOWN_HDL, "unknown handler, handle or resource")                          \
    X(ADL_RET_ERR_ALREADY_SUBSCRIBED, "already subscribed")                                    \
    X(ADL_RET_ERR_NOT_SUBSCRIBED, "not subscribed")                                            \
    X(ADL_RET_ERR_FATAL, "fatal error")                                                        \
    X(ADL_RET_ERR_BAD_HDL, "bad handle")                                                       \
    X(ADL_RET_ERR_BAD_STATE, "not allowed in the current state")                               \
    X(ADL_RET_ERR_PIN_KO, "wrong PIN")                                                         \
    X(ADL_RET_ERR_NO_MORE_HANDLES, "no more handles")                                          \
    X(ADL_RET_ERR_DONE, "nothing more to do")                                                  \
    X(ADL_RET_ERR_OVERFLOW, "overflow")                                                        \
    X(ADL_RET_ERR_NOT_SUPPORTED, "an option the call needs is not on the module")              \
    X(ADL_RET_ERR_NO_MORE_TIMERS, "no more timers")                                            \
    X(ADL_RET_ERR_NO_MORE_SEMAPHORES, "no more semaphores")                                    \
    X(ADL_RET_ERR_SERVICE_LOCKED, "called from a low-level interrupt handler")                 \
    X(ADL_RET_ERR_SPECIFIC_BASE, "first service-specific code")

#define OAT_ADL_FLH_ERRORS(X)                                                                  \
    X(ADL_FLH_RET_ERR_OBJ_NOT_EXIST, "no object under that ID")                                \
    X(ADL_FLH_RET_ERR_MEM_FULL, "the flash space is used up")                                  \
    X(ADL_FLH_RET_ERR_NO_ENOUGH_IDS, "not that many IDs left to reserve")                      \
    X(ADL_FLH_RET_ERR_ID_OUT_OF_RANGE, "ID beyond the count reserved by the handle")

#define OAT_ADL_GPRS_ERRORS(X)                                                                 \
    X(ADL_GPRS_CID_NOT_DEFINED, "the PDP context is not defined")                              \
    X(ADL_NO_GPRS_SUPPORTED, "the module has no GPRS")

OAT_ERR_TABLE(oat_adl_ret_errors, "ADL_RET", OAT_ADL_RET_ERRORS, NULL);
OAT_ERR_TABLE(oat_adl_flh_errors, "ADL_FLH_RET", OAT_ADL_FLH_ERRORS, &oat_adl_ret_errors);
OAT_ERR_TABLE(oat_adl_gprs_errors, "ADL_GPRS", OAT_ADL_GPRS_ERRORS, &oat_adl_ret_errors);

const oat_err_table *const oat_adl_err_tables[] = {
    &oat_adl_ret_errors, &oat_adl_flh_errors, &oat_adl_gprs_errors, NULL,
};

const char *oat_adl_ret_name(long long code)
{
    return oat_err_name(&oat_adl_ret_errors, code);
}
