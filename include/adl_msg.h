/* adl_msg.h: the ADL message service: tasks send each other identified messages, and
 * filtered subscriptions receive them in the subscriber's task. Declarations only. */
#ifndef ADL_MSG_H
#define ADL_MSG_H

#include "wm_types.h"
#include "adl_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How (MsgID & MsgIdentifierMask) is compared with MsgIdentifierValue (values: oatemu's). */
typedef enum {
    ADL_MSG_ID_COMP_EQUAL = 0,
    ADL_MSG_ID_COMP_DIFFERENT = 1,
    ADL_MSG_ID_COMP_GREATER = 2,
    ADL_MSG_ID_COMP_GREATER_OR_EQUAL = 3,
    ADL_MSG_ID_COMP_LOWER = 4,
    ADL_MSG_ID_COMP_LOWER_OR_EQUAL = 5
} adl_msgIdComparator_e;

typedef struct {
    u32 MsgIdentifierMask;
    u32 MsgIdentifierValue;
    adl_msgIdComparator_e Comparator;
    adl_ctxID_e Source;        /* the sending context, or ADL_CTX_ALL */
} adl_msgFilter_t;

/* Runs in the subscriber's task. Data points to a copy of what was sent (NULL when Length
 * is 0), valid until the handler returns. */
typedef void (*adl_msgHandler_f)(u32 MsgIdentifier, adl_ctxID_e Source, u32 Length, void *Data);

/* Subscribe the calling task (the filter is copied). Returns a handle (>= 0),
 * ADL_RET_ERR_PARAM for a NULL filter or handler or an unknown comparator or source, or
 * ADL_RET_ERR_NO_MORE_HANDLES (64 subscriptions in the module). */
s32 adl_msgSubscribe(adl_msgFilter_t *Filter, adl_msgHandler_f Handler);
/* OK, or ADL_RET_ERR_UNKNOWN_HDL for a handle that is not (or no longer) a subscription. */
s32 adl_msgUnsubscribe(s32 Handle);
/* Copy Data and queue it to the task of DestinationContext; every subscription of that task
 * whose filter matches when the message is handled receives it. Returns OK, or
 * ADL_RET_ERR_PARAM (destination not a task, Data NULL with a Length). */
s32 adl_msgSend(adl_ctxID_e DestinationContext, u32 MsgIdentifier, u32 Length, void *Data);

#ifdef __cplusplus
}
#endif

#endif
