/* adl_error.h: the generic ADL return codes, the internal error identifiers and the error
 * service (adl_errHalt, error handler, backtraces). Declarations only; no host headers. */
#ifndef ADL_ERROR_H
#define ADL_ERROR_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Generic return codes shared by every ADL service. */
#define ADL_RET_ERR_PARAM              (-2)
#define ADL_RET_ERR_UNKNOWN_HDL        (-3)
#define ADL_RET_ERR_ALREADY_SUBSCRIBED (-4)
#define ADL_RET_ERR_NOT_SUBSCRIBED     (-5)
#define ADL_RET_ERR_FATAL              (-6)
#define ADL_RET_ERR_BAD_HDL            (-7)
#define ADL_RET_ERR_BAD_STATE          (-8)
#define ADL_RET_ERR_PIN_KO             (-9)
#define ADL_RET_ERR_NO_MORE_HANDLES    (-10)
#define ADL_RET_ERR_DONE               (-11)
#define ADL_RET_ERR_OVERFLOW           (-12)
#define ADL_RET_ERR_NOT_SUPPORTED      (-13)   /* an option the call needs is not on the module */
#define ADL_RET_ERR_NO_MORE_TIMERS     (-14)
#define ADL_RET_ERR_NO_MORE_SEMAPHORES (-15)
#define ADL_RET_ERR_SERVICE_LOCKED     (-16)
#define ADL_RET_ERR_SPECIFIC_BASE      (-20)

/* Error identifiers given to adl_errHalt and to the error handler. IDs below
 * ADL_ERR_LEVEL_APP belong to the system; applications use ADL_ERR_LEVEL_APP and above. */
#define ADL_ERR_LEVEL_MEM        0x0010
#define ADL_ERR_MEM_GET          (ADL_ERR_LEVEL_MEM + 0)
#define ADL_ERR_MEM_RELEASE      (ADL_ERR_LEVEL_MEM + 1)
#define ADL_ERR_MEM_INVALID_CALL (ADL_ERR_LEVEL_MEM + 2)
#define ADL_ERR_LEVEL_FLH        0x0020
#define ADL_ERR_FLH_READ         (ADL_ERR_LEVEL_FLH + 0)
#define ADL_ERR_FLH_DELETE       (ADL_ERR_LEVEL_FLH + 1)
#define ADL_ERR_LEVEL_APP        0x0100

/* Called on a fatal error before the module resets: TRUE lets the reset happen, FALSE
 * prevents it (the call that raised the error then returns). */
typedef bool (*adl_errHdlr_f)(u16 ErrorID, ascii *ErrorString);

s8 adl_errSubscribe(adl_errHdlr_f ErrHandler);
s8 adl_errUnsubscribe(adl_errHdlr_f ErrHandler);
/* Raise an application error (ErrorID >= ADL_ERR_LEVEL_APP). Unless the subscribed
 * handler returns FALSE, the module resets and this call never returns. */
void adl_errHalt(u16 ErrorID, const ascii *ErrorStr);

/* Backtraces stored by the resets that adl_errHalt caused. */
typedef enum {
    ADL_ERR_ANALYSIS_STATE_IDLE = 0,     /* no analysis started, or every backtrace read */
    ADL_ERR_ANALYSIS_STATE_RUNNING = 1   /* started: adl_errRetrieveNextBacktrace may be called */
} adl_errAnalysisState_e;

s8 adl_errEraseAllBacktraces(void);
/* Returns the analysis handle (>= 0), or ADL_RET_ERR_BAD_STATE if one is running. */
s8 adl_errStartBacktraceAnalysis(void);
adl_errAnalysisState_e adl_errGetAnalysisState(void);
/* Copies the next backtrace into BacktraceBuffer and returns its length; with a NULL
 * buffer returns the length needed. ADL_RET_ERR_DONE once every backtrace was read. */
s32 adl_errRetrieveNextBacktrace(u8 Handle, u8 *BacktraceBuffer, u16 Size);

#ifdef __cplusplus
}
#endif

#endif
