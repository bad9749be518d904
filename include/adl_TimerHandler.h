/* adl_TimerHandler.h: the ADL timer service (one-shot and cyclic timers counted in 100 ms
 * steps or 18.5 ms ticks, and the unit conversion macros). Declarations only; no host headers. */
#ifndef ADL_TIMERHANDLER_H
#define ADL_TIMERHANDLER_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A timer handle. Applications only hold pointers to it; the record lives in the emulator's
 * timer table, so a stale pointer is detected rather than dereferenced. */
typedef struct adl_tmr_s adl_tmr_t;

/* Units of TimerValue. The numeric values are oatemu's choice (the SDK's are not known). */
typedef enum {
    ADL_TMR_TYPE_100MS = 0,   /* 100 ms steps */
    ADL_TMR_TYPE_TICK = 1     /* 18.5 ms ticks */
} adl_tmrType_e;

/* Cyclic option of adl_tmrSubscribeExt (values are oatemu's choice). */
typedef enum {
    ADL_TMR_CYCLIC_OPT_NONE = 0,          /* one-shot: released after it fires once */
    ADL_TMR_CYCLIC_OPT_ON_EXPIRATION = 1  /* cyclic: the next period starts at each expiry */
} adl_tmrCyclicMode_e;

/* Called in the subscribing task. ID: the timer's number, 1..32, unique among the timers of
 * that task at a time. Context: the one given to adl_tmrSubscribeExt (NULL otherwise). */
typedef void (*adl_tmrHandler_t)(u8 ID, void *Context);

/* Start a timer: first expiry TimerValue units from now; a cyclic one then expires every
 * TimerValue units counted from the previous due time (no drift). Returns NULL when
 * TimerValue is 0, the handler NULL, the type unknown, or the task has no timer left
 * (32 per task). */
adl_tmr_t *adl_tmrSubscribe(bool bCyclic, u32 TimerValue, adl_tmrType_e TimerType,
                            adl_tmrHandler_t Handler);

/* As adl_tmrSubscribe, with a context passed to the handler. Complete is accepted for
 * compatibility: emulated timers always run complete periods, so TRUE and FALSE behave alike. */
adl_tmr_t *adl_tmrSubscribeExt(adl_tmrCyclicMode_e CyclicOption, u32 TimerValue,
                               adl_tmrType_e TimerType, adl_tmrHandler_t Handler,
                               void *Context, bool Complete);

/* Stop a timer. Returns the time left before its next expiry in TimerType units (rounded
 * up, >= 0); ADL_RET_ERR_BAD_HDL for a pointer that is not a timer or a handler that is not
 * the timer's; ADL_RET_ERR_BAD_STATE when the timer is already gone (a one-shot that fired,
 * a second unsubscribe); ADL_RET_ERR_PARAM for an unknown TimerType. */
s32 adl_tmrUnSubscribe(adl_tmr_t *Timer, adl_tmrHandler_t Handler, adl_tmrType_e TimerType);

/* Conversions to ticks (18.5 ms = 37/2 ms), rounded down so a tick count never exceeds the
 * time asked for: ADL_TMR_MS_TO_TICK(1000) = 54 ticks = 999 ms. */
#define ADL_TMR_MS_TO_TICK(ms) ((u32)(((u64)(ms) * 2u) / 37u))
#define ADL_TMR_S_TO_TICK(s)   ((u32)(((u64)(s) * 2000u) / 37u))
#define ADL_TMR_MN_TO_TICK(mn) ((u32)(((u64)(mn) * 120000u) / 37u))

/* Conversions to 100 ms steps (milliseconds rounded down). */
#define ADL_TMR_MS_TO_100MS(ms) ((u32)((ms) / 100u))
#define ADL_TMR_S_TO_100MS(s)   ((u32)((s) * 10u))
#define ADL_TMR_MN_TO_100MS(mn) ((u32)((mn) * 600u))

#ifdef __cplusplus
}
#endif

#endif
