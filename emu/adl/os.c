/* os.c: ADL contexts, messages, semaphores and event flags on top of the task scheduler.
 * Blocking calls release the CPU through oat_task_block; no handler ever runs re-entrantly. */
#include "adl_ctx.h"
#include "adl_error.h"
#include "adl_msg.h"

#include "adl/services.h"
#include "core/calls.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/sched.h"

#include <stdlib.h>
#include <string.h>

#define TICK_US 18500
#define MSG_SUBS 64
#define SEMS 64
#define EVENT_GROUPS 32
#define SEM_MAX 65535u

/* Handles carry the slot and a generation, so a handle kept after its object was deleted is
 * recognised as unknown instead of reaching whatever reuses the slot. */
#define HANDLE_SLOT_BITS 8
#define HANDLE_GEN_MASK 0x7FFFFFu

/* Every table row starts with this; all rows are guarded by oat_sched_lock(), which the
 * blocking conditions (evaluated by the scheduler under that lock) rely on. */
typedef struct {
    bool used;
    uint32_t gen;
} slot_hdr;

typedef struct {
    slot_hdr hdr;
    oat_task *task;
    adl_msgFilter_t filter;
    adl_msgHandler_f handler;
} msg_sub;

typedef struct {
    slot_hdr hdr;
    u32 count;
    int waiters;
} sem_rec;

typedef struct {
    slot_hdr hdr;
    u32 flags;
    int waiters;
} event_rec;

/* A message in flight: the copy of the data travels with it and is freed after delivery. */
typedef struct {
    u32 id;
    adl_ctxID_e source;
    u32 length;
    _Alignas(max_align_t) unsigned char data[];
} queued_msg;

static msg_sub subs[MSG_SUBS];
static sem_rec sems[SEMS];
static event_rec events[EVENT_GROUPS];

static s32 make_handle(int slot, uint32_t gen)
{
    return (s32)(((gen & HANDLE_GEN_MASK) << HANDLE_SLOT_BITS) | (uint32_t)slot);
}

/* With the scheduler lock held: the row a handle names, or NULL. */
static void *lookup(void *table, size_t row_size, int rows, s32 handle)
{
    int slot = (int)(handle & ((1 << HANDLE_SLOT_BITS) - 1));
    if (handle < 0 || slot >= rows)
        return NULL;
    slot_hdr *hdr = (slot_hdr *)((char *)table + (size_t)slot * row_size);
    return hdr->used && make_handle(slot, hdr->gen) == handle ? hdr : NULL;
}

/* With the scheduler lock held: take a free row; returns its handle, or -1 when full. */
static s32 take_row(void *table, size_t row_size, int rows, void **row)
{
    for (int slot = 0; slot < rows; slot++) {
        slot_hdr *hdr = (slot_hdr *)((char *)table + (size_t)slot * row_size);
        if (!hdr->used) {
            hdr->used = true;
            *row = hdr;
            return make_handle(slot, hdr->gen);
        }
    }
    return -1;
}

static void free_row(slot_hdr *hdr)
{
    hdr->used = false;
    hdr->gen++;
}

static int64_t deadline_after(u32 ticks)
{
    return ticks ? oat_now_us() + (int64_t)ticks * TICK_US : -1;
}

static adl_ctxID_e current_ctx(void)
{
    return (adl_ctxID_e)oat_task_index(oat_task_owner());
}

/* ---- contexts ---------------------------------------------------------------------- */

adl_ctxID_e adl_ctxGetID(void)
{
    adl_ctxID_e id = current_ctx();
    OAT_CALL_RET("adl_ctxGetID", id, NULL, "%s", "");
    return id;
}

s8 adl_ctxGetTaskID(void)
{
    oat_task *t = oat_task_current();
    s8 ret = t ? (s8)oat_task_index(t) : ADL_RET_ERR_BAD_STATE;
    if (!t)
        oat_warn("adl_ctxGetTaskID: called outside a task");
    OAT_CALL_RET("adl_ctxGetTaskID", ret, ret < 0 ? oat_adl_ret_name(ret) : NULL, "%s", "");
    return ret;
}

u8 adl_ctxGetTasksCount(void)
{
    u8 n = (u8)oat_task_count();
    OAT_CALL_RET("adl_ctxGetTasksCount", n, NULL, "%s", "");
    return n;
}

static bool never_ready(void *arg)
{
    (void)arg;
    return false;
}

s32 adl_ctxSleep(u32 Ticks)
{
    s32 ret = OK;
    if (!oat_task_current()) {
        ret = ADL_RET_ERR_SERVICE_LOCKED;
        oat_warn("adl_ctxSleep: called outside a task: there is no task to put to sleep");
    } else if (Ticks) {
        oat_task_block(never_ready, NULL, deadline_after(Ticks));
    }
    OAT_CALL_RET("adl_ctxSleep", ret, ret < 0 ? oat_adl_ret_name(ret) : NULL, "%lu",
                 (unsigned long)Ticks);
    return ret;
}

/* ---- messages ---------------------------------------------------------------------- */

static bool filter_matches(const adl_msgFilter_t *f, u32 id, adl_ctxID_e source)
{
    if (f->Source != ADL_CTX_ALL && f->Source != source)
        return false;
    u32 v = id & f->MsgIdentifierMask;
    switch (f->Comparator) {
    case ADL_MSG_ID_COMP_EQUAL:
        return v == f->MsgIdentifierValue;
    case ADL_MSG_ID_COMP_DIFFERENT:
        return v != f->MsgIdentifierValue;
    case ADL_MSG_ID_COMP_GREATER:
        return v > f->MsgIdentifierValue;
    case ADL_MSG_ID_COMP_GREATER_OR_EQUAL:
        return v >= f->MsgIdentifierValue;
    case ADL_MSG_ID_COMP_LOWER:
        return v < f->MsgIdentifierValue;
    case ADL_MSG_ID_COMP_LOWER_OR_EQUAL:
        return v <= f->MsgIdentifierValue;
    }
    return false;
}

static bool valid_source(adl_ctxID_e source)
{
    return source == ADL_CTX_ALL || source == ADL_CTX_LOW_LEVEL_IRQ_HANDLER ||
           source == ADL_CTX_HIGH_LEVEL_IRQ_HANDLER ||
           ((int)source >= 0 && (int)source < oat_task_count());
}

static s32 msg_subscribe(adl_msgFilter_t *filter, adl_msgHandler_f handler)
{
    oat_task *task = oat_task_owner();
    if (!filter) {
        oat_warn("adl_msgSubscribe: Filter is NULL");
        return ADL_RET_ERR_PARAM;
    }
    if (!handler) {
        oat_warn("adl_msgSubscribe: Handler is NULL");
        return ADL_RET_ERR_PARAM;
    }
    if ((unsigned)filter->Comparator > ADL_MSG_ID_COMP_LOWER_OR_EQUAL) {
        oat_warn("adl_msgSubscribe: Filter->Comparator %d is not an ADL_MSG_ID_COMP_* value",
                 (int)filter->Comparator);
        return ADL_RET_ERR_PARAM;
    }
    if (!valid_source(filter->Source)) {
        oat_warn("adl_msgSubscribe: Filter->Source %d is neither a task context nor ADL_CTX_ALL",
                 (int)filter->Source);
        return ADL_RET_ERR_PARAM;
    }
    if (!task) {
        oat_warn("adl_msgSubscribe: no task to receive messages (module not booted)");
        return ADL_RET_ERR_BAD_STATE;
    }
    msg_sub *sub = NULL;
    oat_sched_lock();
    s32 h = take_row(subs, sizeof subs[0], MSG_SUBS, (void **)&sub);
    if (sub) {
        sub->task = task;
        sub->filter = *filter;
        sub->handler = handler;
    }
    oat_sched_unlock();
    if (h < 0) {
        oat_warn("adl_msgSubscribe: all %d message subscriptions are in use", MSG_SUBS);
        return ADL_RET_ERR_NO_MORE_HANDLES;
    }
    return h;
}

s32 adl_msgSubscribe(adl_msgFilter_t *Filter, adl_msgHandler_f Handler)
{
    s32 ret = msg_subscribe(Filter, Handler);
    if (Filter)
        OAT_CALL_RET("adl_msgSubscribe", ret, ret < 0 ? oat_adl_ret_name(ret) : NULL,
                     "{0x%lx, 0x%lx, %d, %d}, %p", (unsigned long)Filter->MsgIdentifierMask,
                     (unsigned long)Filter->MsgIdentifierValue, (int)Filter->Comparator,
                     (int)Filter->Source, (void *)Handler);
    else
        OAT_CALL_RET("adl_msgSubscribe", ret, oat_adl_ret_name(ret), "NULL, %p", (void *)Handler);
    return ret;
}

s32 adl_msgUnsubscribe(s32 Handle)
{
    s32 ret = OK;
    oat_sched_lock();
    msg_sub *sub = lookup(subs, sizeof subs[0], MSG_SUBS, Handle);
    if (sub)
        free_row(&sub->hdr);
    oat_sched_unlock();
    if (!sub) {
        ret = ADL_RET_ERR_UNKNOWN_HDL;
        oat_warn("adl_msgUnsubscribe: Handle %ld is not a message subscription",
                 (long)Handle);
    }
    OAT_CALL_RET("adl_msgUnsubscribe", ret, oat_adl_ret_name(ret), "%ld", (long)Handle);
    return ret;
}

/* In the destination task. Subscriptions are taken as they stand when the message is
 * handled; one removed by an earlier handler of the same message is skipped. */
static void msg_deliver(void *arg)
{
    queued_msg *m = arg;
    oat_task *self = oat_task_current();
    s32 matched[MSG_SUBS];
    int n = 0;
    oat_sched_lock();
    for (int slot = 0; slot < MSG_SUBS; slot++) {
        const msg_sub *sub = &subs[slot];
        if (sub->hdr.used && sub->task == self && filter_matches(&sub->filter, m->id, m->source))
            matched[n++] = make_handle(slot, sub->hdr.gen);
    }
    oat_sched_unlock();
    if (!n)
        OAT_EVENT("message 0x%lx from context %d: no matching subscription in task %s",
                  (unsigned long)m->id, (int)m->source, oat_task_name(self));
    for (int i = 0; i < n; i++) {
        oat_sched_lock();
        const msg_sub *sub = lookup(subs, sizeof subs[0], MSG_SUBS, matched[i]);
        adl_msgHandler_f handler = sub ? sub->handler : NULL;
        oat_sched_unlock();
        if (!handler)
            continue;
        OAT_EVENT("message 0x%lx from context %d, %lu bytes, subscription %ld",
                  (unsigned long)m->id, (int)m->source, (unsigned long)m->length,
                  (long)matched[i]);
        handler(m->id, m->source, m->length, m->length ? m->data : NULL);
    }
    free(m);
}

s32 adl_msgSend(adl_ctxID_e DestinationContext, u32 MsgIdentifier, u32 Length, void *Data)
{
    s32 ret = OK;
    oat_task *dest = oat_task_by_index((int)DestinationContext);
    queued_msg *m = NULL;
    if (!dest) {
        ret = ADL_RET_ERR_PARAM;
        oat_warn("adl_msgSend: DestinationContext %d is not a task context",
                 (int)DestinationContext);
    } else if (Length && !Data) {
        ret = ADL_RET_ERR_PARAM;
        oat_warn("adl_msgSend: Data is NULL with Length %lu", (unsigned long)Length);
    } else if (!(m = malloc(sizeof *m + Length))) {
        ret = ADL_RET_ERR_OVERFLOW;
        oat_warn("adl_msgSend: Length %lu: no memory for the copy", (unsigned long)Length);
    } else {
        m->id = MsgIdentifier;
        m->source = current_ctx();
        m->length = Length;
        if (Length)
            memcpy(m->data, Data, Length);
        if (oat_post(dest, msg_deliver, m, free) < 0) {
            ret = ADL_RET_ERR_BAD_STATE;
            oat_warn("adl_msgSend: task %s no longer takes events (module stopping)",
                     oat_task_name(dest));
        }
    }
    OAT_CALL_RET("adl_msgSend", ret, oat_adl_ret_name(ret), "%d, 0x%lx, %lu, %p",
                 (int)DestinationContext, (unsigned long)MsgIdentifier, (unsigned long)Length,
                 Data);
    return ret;
}

/* ---- semaphores -------------------------------------------------------------------- */

static bool sem_ready(void *arg)
{
    return ((const sem_rec *)arg)->count > 0;
}

s32 adl_semSubscribe(u16 SemCounter)
{
    sem_rec *s = NULL;
    oat_sched_lock();
    s32 ret = take_row(sems, sizeof sems[0], SEMS, (void **)&s);
    if (s) {
        s->count = SemCounter;
        s->waiters = 0;
    }
    oat_sched_unlock();
    if (ret < 0) {
        ret = ADL_RET_ERR_NO_MORE_SEMAPHORES;
        oat_warn("adl_semSubscribe: all %d semaphores are in use", SEMS);
    }
    OAT_CALL_RET("adl_semSubscribe", ret, ret < 0 ? oat_adl_ret_name(ret) : NULL, "%u",
                 (unsigned)SemCounter);
    return ret;
}

/* A unit appearing while the waiter waits for the CPU may be taken by another task first:
 * the wait then goes on until its deadline. */
static s32 sem_consume(const char *fn, s32 handle, int64_t deadline_us)
{
    oat_sched_lock();
    sem_rec *s = lookup(sems, sizeof sems[0], SEMS, handle);
    if (!s) {
        oat_sched_unlock();
        oat_warn("%s: SemHandle %ld is not a semaphore", fn, (long)handle);
        return ADL_RET_ERR_UNKNOWN_HDL;
    }
    if (s->count) {
        s->count--;
        oat_sched_unlock();
        return OK;
    }
    if (!oat_task_current()) {
        oat_sched_unlock();
        oat_warn("%s: semaphore %ld has no unit left and the caller is not a task, so it "
                 "cannot wait", fn, (long)handle);
        return ADL_RET_ERR_SERVICE_LOCKED;
    }
    s32 ret = OK;
    s->waiters++;
    for (;;) {
        oat_sched_unlock();
        int r = oat_task_block(sem_ready, s, deadline_us);
        oat_sched_lock();
        if (s->count) {
            s->count--;
            break;
        }
        if (r < 0) {
            ret = ADL_RET_ERR_BAD_STATE;
            break;
        }
    }
    s->waiters--;
    oat_sched_unlock();
    return ret;
}

s32 adl_semConsume(s32 SemHandle)
{
    s32 ret = sem_consume("adl_semConsume", SemHandle, -1);
    OAT_CALL_RET("adl_semConsume", ret, oat_adl_ret_name(ret), "%ld", (long)SemHandle);
    return ret;
}

s32 adl_semConsumeDelay(s32 SemHandle, u32 Timeout)
{
    s32 ret = sem_consume("adl_semConsumeDelay", SemHandle, deadline_after(Timeout));
    OAT_CALL_RET("adl_semConsumeDelay", ret, oat_adl_ret_name(ret), "%ld, %lu", (long)SemHandle,
                 (unsigned long)Timeout);
    return ret;
}

s32 adl_semProduce(s32 SemHandle)
{
    s32 ret = OK;
    oat_sched_lock();
    sem_rec *s = lookup(sems, sizeof sems[0], SEMS, SemHandle);
    if (!s) {
        ret = ADL_RET_ERR_UNKNOWN_HDL;
    } else if (s->count == SEM_MAX) {
        ret = ADL_RET_ERR_OVERFLOW;
    } else {
        s->count++;
        oat_sched_wake_blocked();
    }
    oat_sched_unlock();
    if (ret == ADL_RET_ERR_UNKNOWN_HDL)
        oat_warn("adl_semProduce: SemHandle %ld is not a semaphore", (long)SemHandle);
    else if (ret == ADL_RET_ERR_OVERFLOW)
        oat_warn("adl_semProduce: semaphore %ld already holds %u units", (long)SemHandle, SEM_MAX);
    OAT_CALL_RET("adl_semProduce", ret, oat_adl_ret_name(ret), "%ld", (long)SemHandle);
    return ret;
}

s32 adl_semUnsubscribe(s32 SemHandle)
{
    s32 ret = OK;
    int waiters = 0;
    oat_sched_lock();
    sem_rec *s = lookup(sems, sizeof sems[0], SEMS, SemHandle);
    if (s && !(waiters = s->waiters))
        free_row(&s->hdr);
    oat_sched_unlock();
    if (!s) {
        ret = ADL_RET_ERR_UNKNOWN_HDL;
        oat_warn("adl_semUnsubscribe: SemHandle %ld is not a semaphore", (long)SemHandle);
    } else if (waiters) {
        ret = ADL_RET_ERR_BAD_STATE;
        oat_warn("adl_semUnsubscribe: %d task(s) wait on semaphore %ld", waiters, (long)SemHandle);
    }
    OAT_CALL_RET("adl_semUnsubscribe", ret, oat_adl_ret_name(ret), "%ld", (long)SemHandle);
    return ret;
}

s32 adl_semIsConsumed(s32 SemHandle)
{
    oat_sched_lock();
    sem_rec *s = lookup(sems, sizeof sems[0], SEMS, SemHandle);
    s32 ret = !s ? ADL_RET_ERR_UNKNOWN_HDL : s->count == 0 ? TRUE : FALSE;
    oat_sched_unlock();
    if (!s)
        oat_warn("adl_semIsConsumed: SemHandle %ld is not a semaphore", (long)SemHandle);
    OAT_CALL_RET("adl_semIsConsumed", ret, ret < 0 ? oat_adl_ret_name(ret) : NULL, "%ld",
                 (long)SemHandle);
    return ret;
}

/* ---- event flags ------------------------------------------------------------------- */

typedef struct {
    const event_rec *group;
    u32 mask;
    adl_eventWaitOperation_e op;
} event_wait;

static bool event_satisfied(void *arg)
{
    const event_wait *w = arg;
    u32 set = w->group->flags & w->mask;
    return w->op == ADL_EVENT_WAIT_ALL ? set == w->mask : set != 0;
}

s32 adl_eventCreate(u32 InitialValue)
{
    event_rec *e = NULL;
    oat_sched_lock();
    s32 ret = take_row(events, sizeof events[0], EVENT_GROUPS, (void **)&e);
    if (e) {
        e->flags = InitialValue;
        e->waiters = 0;
    }
    oat_sched_unlock();
    if (ret < 0) {
        ret = ADL_RET_ERR_NO_MORE_HANDLES;
        oat_warn("adl_eventCreate: all %d event groups are in use", EVENT_GROUPS);
    }
    OAT_CALL_RET("adl_eventCreate", ret, ret < 0 ? oat_adl_ret_name(ret) : NULL, "0x%lx",
                 (unsigned long)InitialValue);
    return ret;
}

/* Set or clear flags; setting wakes the waiters so they re-check their condition. */
static s32 event_change(const char *fn, s32 handle, u32 mask, bool set)
{
    oat_sched_lock();
    event_rec *e = lookup(events, sizeof events[0], EVENT_GROUPS, handle);
    if (e && set) {
        e->flags |= mask;
        oat_sched_wake_blocked();
    } else if (e) {
        e->flags &= ~mask;
    }
    oat_sched_unlock();
    if (!e) {
        oat_warn("%s: EventHandle %ld is not an event group", fn, (long)handle);
        return ADL_RET_ERR_UNKNOWN_HDL;
    }
    return OK;
}

s32 adl_eventSet(s32 EventHandle, u32 Mask)
{
    s32 ret = event_change("adl_eventSet", EventHandle, Mask, true);
    OAT_CALL_RET("adl_eventSet", ret, oat_adl_ret_name(ret), "%ld, 0x%lx", (long)EventHandle,
                 (unsigned long)Mask);
    return ret;
}

s32 adl_eventClear(s32 EventHandle, u32 Mask)
{
    s32 ret = event_change("adl_eventClear", EventHandle, Mask, false);
    OAT_CALL_RET("adl_eventClear", ret, oat_adl_ret_name(ret), "%ld, 0x%lx", (long)EventHandle,
                 (unsigned long)Mask);
    return ret;
}

static s32 event_wait_for(s32 handle, u32 mask, u32 *prev, adl_eventWaitOperation_e op,
                          u32 timeout)
{
    if (!mask) {
        oat_warn("adl_eventWait: Mask is 0: nothing to wait for");
        return ADL_RET_ERR_PARAM;
    }
    if (op != ADL_EVENT_WAIT_ANY && op != ADL_EVENT_WAIT_ALL) {
        oat_warn("adl_eventWait: Operation %d is neither ADL_EVENT_WAIT_ANY nor "
                 "ADL_EVENT_WAIT_ALL", (int)op);
        return ADL_RET_ERR_PARAM;
    }
    int64_t deadline_us = timeout == ADL_EVENT_NO_TIMEOUT ? -1 : deadline_after(timeout);
    oat_sched_lock();
    event_rec *e = lookup(events, sizeof events[0], EVENT_GROUPS, handle);
    if (!e) {
        oat_sched_unlock();
        oat_warn("adl_eventWait: EventHandle %ld is not an event group", (long)handle);
        return ADL_RET_ERR_UNKNOWN_HDL;
    }
    event_wait w = { e, mask, op };
    s32 ret = OK;
    if (!event_satisfied(&w)) {
        if (!oat_task_current()) {
            oat_sched_unlock();
            oat_warn("adl_eventWait: the flags 0x%lx are not set and the caller is not a task, "
                     "so it cannot wait", (unsigned long)mask);
            return ADL_RET_ERR_SERVICE_LOCKED;
        }
        e->waiters++;
        for (;;) {
            oat_sched_unlock();
            int r = oat_task_block(event_satisfied, &w, deadline_us);
            oat_sched_lock();
            if (event_satisfied(&w))
                break;
            if (r < 0) {
                ret = ADL_RET_ERR_BAD_STATE;
                break;
            }
        }
        e->waiters--;
    }
    if (prev)
        *prev = e->flags;
    oat_sched_unlock();
    return ret;
}

s32 adl_eventWait(s32 EventHandle, u32 Mask, u32 *PreviousValue,
                  adl_eventWaitOperation_e Operation, u32 Timeout)
{
    s32 ret = event_wait_for(EventHandle, Mask, PreviousValue, Operation, Timeout);
    OAT_CALL_RET("adl_eventWait", ret, oat_adl_ret_name(ret), "%ld, 0x%lx, %p, %d, %lu",
                 (long)EventHandle, (unsigned long)Mask, (void *)PreviousValue, (int)Operation,
                 (unsigned long)Timeout);
    return ret;
}

s32 adl_eventDelete(s32 EventHandle)
{
    s32 ret = OK;
    int waiters = 0;
    oat_sched_lock();
    event_rec *e = lookup(events, sizeof events[0], EVENT_GROUPS, EventHandle);
    if (e && !(waiters = e->waiters))
        free_row(&e->hdr);
    oat_sched_unlock();
    if (!e) {
        ret = ADL_RET_ERR_UNKNOWN_HDL;
        oat_warn("adl_eventDelete: EventHandle %ld is not an event group", (long)EventHandle);
    } else if (waiters) {
        ret = ADL_RET_ERR_BAD_STATE;
        oat_warn("adl_eventDelete: %d task(s) wait on event group %ld", waiters,
                 (long)EventHandle);
    }
    OAT_CALL_RET("adl_eventDelete", ret, oat_adl_ret_name(ret), "%ld", (long)EventHandle);
    return ret;
}

/* Tasks are gone when the module stops: every row is released (generations move on, so
 * handles from this run stay unknown in the next). Queued messages are freed by the
 * scheduler's drop. */
void oat_os_stop(void)
{
    oat_sched_lock();
    for (int i = 0; i < MSG_SUBS; i++)
        if (subs[i].hdr.used)
            free_row(&subs[i].hdr);
    for (int i = 0; i < SEMS; i++) {
        if (sems[i].hdr.used)
            free_row(&sems[i].hdr);
        sems[i].waiters = 0;
    }
    for (int i = 0; i < EVENT_GROUPS; i++) {
        if (events[i].hdr.used)
            free_row(&events[i].hdr);
        events[i].waiters = 0;
    }
    oat_sched_unlock();
}
