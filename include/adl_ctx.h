/* adl_ctx.h: execution contexts (tasks), adl_ctxSleep, semaphores and event flag groups:
 * the ADL calls that identify or block the calling task. Declarations only; no host headers. */
#ifndef ADL_CTX_H
#define ADL_CTX_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A context: a task is numbered by its row in adl_InitTasks[] (0 = the first row, the task
 * that runs ADL processing; the adl_main task is 0). The other values are oatemu's choice;
 * the emulator has no interrupt handlers, so the IRQ contexts never run code. */
typedef enum {
    ADL_CTX_LOW_LEVEL_IRQ_HANDLER = 0x80,
    ADL_CTX_HIGH_LEVEL_IRQ_HANDLER = 0x81,
    ADL_CTX_ALL = 0xFF      /* in a message filter: any source */
} adl_ctxID_e;

/* The caller's context (a thread outside the tasks counts as task 0). */
adl_ctxID_e adl_ctxGetID(void);
/* The caller's task row (>= 0), or ADL_RET_ERR_BAD_STATE outside a task. */
s8 adl_ctxGetTaskID(void);
/* The number of rows in the task table. */
u8 adl_ctxGetTasksCount(void);

/* Block the calling task for Ticks × 18.5 ms of emulated time; other tasks run meanwhile.
 * Returns OK, or ADL_RET_ERR_SERVICE_LOCKED when called outside a task. */
s32 adl_ctxSleep(u32 Ticks);

/* Counting semaphores (64 in the module). Subscribe returns a handle (>= 0) or
 * ADL_RET_ERR_NO_MORE_SEMAPHORES. The other calls return OK or ADL_RET_ERR_UNKNOWN_HDL for a
 * handle that is not (or no longer) a semaphore. */
s32 adl_semSubscribe(u16 SemCounter);
/* Take one unit, blocking the calling task (the CPU goes to other tasks) until there is
 * one; ADL_RET_ERR_SERVICE_LOCKED if it would block outside a task. */
s32 adl_semConsume(s32 SemHandle);
/* As adl_semConsume, giving up after Timeout ticks (0: no timeout) with
 * ADL_RET_ERR_BAD_STATE. */
s32 adl_semConsumeDelay(s32 SemHandle, u32 Timeout);
/* Give one unit back (wakes a waiting task); ADL_RET_ERR_OVERFLOW above 65535 units. */
s32 adl_semProduce(s32 SemHandle);
/* Delete; ADL_RET_ERR_BAD_STATE while a task waits on it. */
s32 adl_semUnsubscribe(s32 SemHandle);
/* TRUE when no unit is left (the next consume would block), FALSE otherwise, or an error. */
s32 adl_semIsConsumed(s32 SemHandle);

/* Event flag groups: 32 flags each, 32 groups in the module (oatemu's shape; the SDK's is
 * not known). Handles are >= 0; a handle that is not (or no longer) a group gives
 * ADL_RET_ERR_UNKNOWN_HDL. */
typedef enum {
    ADL_EVENT_WAIT_ANY = 0,   /* satisfied when any flag of the mask is set */
    ADL_EVENT_WAIT_ALL = 1    /* satisfied when every flag of the mask is set */
} adl_eventWaitOperation_e;

#define ADL_EVENT_NO_TIMEOUT 0u

/* Returns a handle, or ADL_RET_ERR_NO_MORE_HANDLES. */
s32 adl_eventCreate(u32 InitialValue);
/* Set / clear the flags of Mask; setting wakes the tasks whose wait is then satisfied. */
s32 adl_eventSet(s32 EventHandle, u32 Mask);
s32 adl_eventClear(s32 EventHandle, u32 Mask);
/* Block the calling task until the flags of Mask are set (any or all of them), or Timeout
 * ticks passed (ADL_EVENT_NO_TIMEOUT: wait for ever). Flags are not cleared by the wait.
 * PreviousValue (may be NULL) receives the flags seen when the wait ended. Returns OK,
 * ADL_RET_ERR_BAD_STATE on timeout, ADL_RET_ERR_PARAM for Mask 0 or an unknown operation,
 * ADL_RET_ERR_SERVICE_LOCKED if it would block outside a task. */
s32 adl_eventWait(s32 EventHandle, u32 Mask, u32 *PreviousValue,
                  adl_eventWaitOperation_e Operation, u32 Timeout);
/* Delete; ADL_RET_ERR_BAD_STATE while a task waits on it. */
s32 adl_eventDelete(s32 EventHandle);

#ifdef __cplusplus
}
#endif

#endif
