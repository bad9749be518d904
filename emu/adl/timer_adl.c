/* timer_adl.c: ADL timers on top of the core alarms: expiry on the I/O thread, handler in the
 * subscribing task. Must never call a handler of a timer unsubscribed before delivery. */
#include "adl_TimerHandler.h"
#include "adl_error.h"

#include "adl/services.h"
#include "core/calls.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/sched.h"
#include "core/timer.h"

#include <pthread.h>

#define TMR_PER_TASK 32
#define TMR_TASKS 32
#define TMR_SLOTS (TMR_PER_TASK * TMR_TASKS)

#define TMR_100MS_US 100000
#define TMR_TICK_US 18500

/* Slot and generation travel together in the alarm and event argument, so an expiry or a
 * delivery that outlived its timer is recognised and ignored. */
#define TOKEN_SLOT_BITS 16
#define TOKEN_GEN_MASK (UINTPTR_MAX >> TOKEN_SLOT_BITS)

typedef enum {
    TMR_FREE,
    TMR_ARMED,   /* alarm pending (cyclic timers stay here between deliveries) */
    TMR_FIRED    /* one-shot expired, delivery queued to its task */
} tmr_state;

struct adl_tmr_s {
    tmr_state state;
    uintptr_t gen;
    oat_task *task;
    adl_tmrHandler_t handler;
    void *context;
    bool cyclic;
    int64_t period_us;
    int64_t due_us;
    oat_alarm *alarm;
};

/* Records are never freed: handles stay checkable against the table. tmr_mu guards them
 * (task threads subscribe, the I/O thread fires). It is never held while cancelling an
 * alarm, because cancel waits for a running fire() that may itself wait for tmr_mu. */
static pthread_mutex_t tmr_mu = PTHREAD_MUTEX_INITIALIZER;
static struct adl_tmr_s table[TMR_SLOTS];
/* Per task, where the search for a free slot starts: records are reused round-robin so a
 * stale pointer rarely meets a new timer. */
static int next_slot[TMR_TASKS];

static int64_t unit_us(adl_tmrType_e type)
{
    switch (type) {
    case ADL_TMR_TYPE_100MS:
        return TMR_100MS_US;
    case ADL_TMR_TYPE_TICK:
        return TMR_TICK_US;
    }
    return 0;
}

static int slot_of(const adl_tmr_t *t)
{
    uintptr_t p = (uintptr_t)t, base = (uintptr_t)table;
    if (p < base || p >= base + sizeof table || (p - base) % sizeof table[0] != 0)
        return -1;
    return (int)((p - base) / sizeof table[0]);
}

static u8 timer_id(int slot)
{
    return (u8)(slot % TMR_PER_TASK + 1);
}

static void *token_of(int slot)
{
    return (void *)(((table[slot].gen & TOKEN_GEN_MASK) << TOKEN_SLOT_BITS) | (uintptr_t)slot);
}

/* With tmr_mu held: the record a token names, or NULL when the timer it named is gone. */
static struct adl_tmr_s *token_record(void *token)
{
    uintptr_t v = (uintptr_t)token;
    int slot = (int)(v & ((1u << TOKEN_SLOT_BITS) - 1));
    struct adl_tmr_s *rec = &table[slot];
    if (rec->state == TMR_FREE || (rec->gen & TOKEN_GEN_MASK) != v >> TOKEN_SLOT_BITS)
        return NULL;
    return rec;
}

/* With tmr_mu held: the slot returns to the pool; the caller cancels the returned alarm. */
static oat_alarm *release(struct adl_tmr_s *rec)
{
    oat_alarm *a = rec->alarm;
    rec->state = TMR_FREE;
    rec->gen++;
    rec->alarm = NULL;
    return a;
}

/* In the subscriber's task. */
static void tmr_deliver(void *token)
{
    pthread_mutex_lock(&tmr_mu);
    struct adl_tmr_s *rec = token_record(token);
    if (!rec) {
        pthread_mutex_unlock(&tmr_mu);
        return;
    }
    int slot = (int)(rec - table);
    adl_tmrHandler_t handler = rec->handler;
    void *context = rec->context;
    bool cyclic = rec->cyclic;
    if (rec->state == TMR_FIRED)
        release(rec);
    pthread_mutex_unlock(&tmr_mu);
    OAT_EVENT("timer %u fired (%s, slot %d)", timer_id(slot), cyclic ? "cyclic" : "one-shot", slot);
    handler(timer_id(slot), context);
}

/* On the I/O thread: a cyclic timer re-arms from its due time, so late wake-ups never drift. */
static void tmr_fire(void *token)
{
    oat_task *task = NULL;
    pthread_mutex_lock(&tmr_mu);
    struct adl_tmr_s *rec = token_record(token);
    if (rec && rec->state == TMR_ARMED) {
        rec->alarm = NULL;
        rec->state = TMR_FIRED;
        if (rec->cyclic) {
            rec->due_us += rec->period_us;
            rec->alarm = oat_alarm_start(rec->due_us, tmr_fire, token);
            if (rec->alarm)
                rec->state = TMR_ARMED;
            else
                oat_warn("timer %u: cannot re-arm the cyclic timer (out of memory); it stops "
                         "after this expiry", timer_id((int)(rec - table)));
        }
        task = rec->task;
    }
    pthread_mutex_unlock(&tmr_mu);
    if (task)
        oat_post(task, tmr_deliver, token, NULL);
}

static adl_tmr_t *subscribe(const char *fn, bool cyclic, u32 value, adl_tmrType_e type,
                            adl_tmrHandler_t handler, void *context)
{
    int64_t unit = unit_us(type);
    oat_task *task = oat_task_owner();
    int index = oat_task_index(task);
    if (value == 0) {
        oat_warn("%s: TimerValue 0 rejected: a timer needs at least one unit", fn);
        return NULL;
    }
    if (!handler) {
        oat_warn("%s: Handler is NULL", fn);
        return NULL;
    }
    if (!unit) {
        oat_warn("%s: TimerType %d is neither ADL_TMR_TYPE_100MS nor ADL_TMR_TYPE_TICK", fn,
                 (int)type);
        return NULL;
    }
    if (index < 0 || index >= TMR_TASKS) {
        oat_warn("%s: no task to run the handler in (module not booted)", fn);
        return NULL;
    }
    pthread_mutex_lock(&tmr_mu);
    struct adl_tmr_s *rec = NULL;
    for (int i = 0; i < TMR_PER_TASK && !rec; i++) {
        int slot = index * TMR_PER_TASK + (next_slot[index] + i) % TMR_PER_TASK;
        if (table[slot].state == TMR_FREE) {
            rec = &table[slot];
            next_slot[index] = (slot + 1) % TMR_PER_TASK;
        }
    }
    if (!rec) {
        pthread_mutex_unlock(&tmr_mu);
        oat_warn("%s: task %s has no timer left (%d per task): ADL_RET_ERR_NO_MORE_TIMERS", fn,
                 oat_task_name(task), TMR_PER_TASK);
        return NULL;
    }
    int slot = (int)(rec - table);
    rec->task = task;
    rec->handler = handler;
    rec->context = context;
    rec->cyclic = cyclic;
    rec->period_us = (int64_t)value * unit;
    rec->due_us = oat_now_us() + rec->period_us;
    rec->state = TMR_ARMED;
    rec->alarm = oat_alarm_start(rec->due_us, tmr_fire, token_of(slot));
    if (!rec->alarm) {
        release(rec);
        pthread_mutex_unlock(&tmr_mu);
        oat_warn("%s: out of memory for the timer's alarm", fn);
        return NULL;
    }
    pthread_mutex_unlock(&tmr_mu);
    return rec;
}

adl_tmr_t *adl_tmrSubscribe(bool bCyclic, u32 TimerValue, adl_tmrType_e TimerType,
                            adl_tmrHandler_t Handler)
{
    adl_tmr_t *t = subscribe("adl_tmrSubscribe", bCyclic, TimerValue, TimerType, Handler, NULL);
    OAT_CALL_PTR("adl_tmrSubscribe", t, "%s, %lu, %d, %p", bCyclic ? "TRUE" : "FALSE",
                 (unsigned long)TimerValue, (int)TimerType, (void *)Handler);
    return t;
}

adl_tmr_t *adl_tmrSubscribeExt(adl_tmrCyclicMode_e CyclicOption, u32 TimerValue,
                               adl_tmrType_e TimerType, adl_tmrHandler_t Handler,
                               void *Context, bool Complete)
{
    adl_tmr_t *t = NULL;
    if (CyclicOption != ADL_TMR_CYCLIC_OPT_NONE && CyclicOption != ADL_TMR_CYCLIC_OPT_ON_EXPIRATION)
        oat_warn("adl_tmrSubscribeExt: CyclicOption %d is neither ADL_TMR_CYCLIC_OPT_NONE nor "
                 "ADL_TMR_CYCLIC_OPT_ON_EXPIRATION", (int)CyclicOption);
    else
        t = subscribe("adl_tmrSubscribeExt", CyclicOption == ADL_TMR_CYCLIC_OPT_ON_EXPIRATION,
                      TimerValue, TimerType, Handler, Context);
    OAT_CALL_PTR("adl_tmrSubscribeExt", t, "%d, %lu, %d, %p, %p, %s", (int)CyclicOption,
                 (unsigned long)TimerValue, (int)TimerType, (void *)Handler, Context,
                 Complete ? "TRUE" : "FALSE");
    return t;
}

s32 adl_tmrUnSubscribe(adl_tmr_t *Timer, adl_tmrHandler_t Handler, adl_tmrType_e TimerType)
{
    int64_t unit = unit_us(TimerType);
    int slot = slot_of(Timer);
    oat_alarm *alarm = NULL;
    s32 ret;
    pthread_mutex_lock(&tmr_mu);
    struct adl_tmr_s *rec = slot >= 0 ? &table[slot] : NULL;
    if (!rec) {
        ret = ADL_RET_ERR_BAD_HDL;
        oat_warn("adl_tmrUnSubscribe: Timer %p is not a timer handle", (void *)Timer);
    } else if (rec->handler != Handler) {
        ret = ADL_RET_ERR_BAD_HDL;
        oat_warn("adl_tmrUnSubscribe: Handler %p is not the handler of timer %u", (void *)Handler,
                 timer_id(slot));
    } else if (!unit) {
        ret = ADL_RET_ERR_PARAM;
        oat_warn("adl_tmrUnSubscribe: TimerType %d is neither ADL_TMR_TYPE_100MS nor "
                 "ADL_TMR_TYPE_TICK", (int)TimerType);
    } else if (rec->state == TMR_FREE) {
        ret = ADL_RET_ERR_BAD_STATE;
        oat_warn("adl_tmrUnSubscribe: timer %u is already stopped (one-shot fired, or "
                 "unsubscribed before)", timer_id(slot));
    } else {
        int64_t left = rec->state == TMR_FIRED ? 0 : rec->due_us - oat_now_us();
        if (left < 0)
            left = 0;
        int64_t units = (left + unit - 1) / unit;
        ret = units > INT32_MAX ? INT32_MAX : (s32)units;
        alarm = release(rec);
    }
    pthread_mutex_unlock(&tmr_mu);
    if (alarm)
        oat_alarm_cancel(alarm);
    OAT_CALL_RET("adl_tmrUnSubscribe", ret, ret < 0 ? oat_adl_ret_name(ret) : NULL, "%p, %p, %d",
                 (void *)Timer, (void *)Handler, (int)TimerType);
    return ret;
}

void oat_adl_timers_stop(void)
{
    for (int slot = 0; slot < TMR_SLOTS; slot++) {
        pthread_mutex_lock(&tmr_mu);
        oat_alarm *alarm = table[slot].state != TMR_FREE ? release(&table[slot]) : NULL;
        pthread_mutex_unlock(&tmr_mu);
        if (alarm)
            oat_alarm_cancel(alarm);
    }
    pthread_mutex_lock(&tmr_mu);
    for (int i = 0; i < TMR_TASKS; i++)
        next_slot[i] = 0;
    pthread_mutex_unlock(&tmr_mu);
}
