/* sim.c: the SIM card model: start-up after boot (PIN check, then full init), PIN and PUK
 * entry with attempt counters, and the SIM events posted to subscribers' tasks. Handlers only
 * ever run as events; this file never calls them. */
#include "adl_error.h"
#include "adl_sim.h"

#include "adl/at_internal.h"
#include "adl/services.h"
#include "adl/adl_options.h"
#include "core/calls.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/sched.h"
#include "core/timer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_PIN_STAGE_US 500000      /* boot -> PIN accepted, asked for, or checked */
#define SIM_FULL_INIT_US 500000      /* PIN accepted -> SIM fully initialised */
#define SIM_PIN_ATTEMPTS 3
#define SIM_PUK_ATTEMPTS 10
#define SIM_PUK "12345678"           /* the emulated card's unblocking code */

typedef struct sim_sub {
    struct sim_sub *next;
    adl_simHdlr_f hdl;
    char *pin;                       /* entered automatically when the SIM asks; may be NULL */
    oat_task *task;
} sim_sub;

static pthread_mutex_t sim_mu = PTHREAD_MUTEX_INITIALIZER;
static sim_sub *sim_subs;
static adl_simState_e sim_state = ADL_SIM_STATE_INIT;
static char sim_pin[16];             /* "" = the card has no PIN */
static int sim_pin_left, sim_puk_left;
static oat_alarm *sim_alarm;

static const char *event_name(int ev)
{
    static const char *const names[] = { "?", "REMOVED", "INSERTED", "FULL_INIT", "PIN_ERROR",
                                         "PIN_OK", "PIN_WAIT", "PUK_WAIT", "PUK_ERROR",
                                         "FAILURE", "NET_LOCK" };
    return ev > 0 && ev < ADL_SIM_EVENT_LAST ? names[ev] : "?";
}

typedef struct {
    adl_simHdlr_f hdl;
    u8 event;
} sim_event;

static void sim_event_run(void *arg)
{
    sim_event *e = arg;
    OAT_EVENT("SIM event ADL_SIM_EVENT_%s (%u) -> handler %p", event_name(e->event),
              (unsigned)e->event, (void *)e->hdl);
    e->hdl(e->event);
    free(e);
}

static void post_to(const sim_sub *s, int event)
{
    sim_event *e = malloc(sizeof *e);
    if (!e) {
        oat_warn("SIM: out of host memory, event %s lost", event_name(event));
        return;
    }
    *e = (sim_event){ s->hdl, (u8)event };
    if (!s->task)
        free(e);
    else
        oat_post(s->task, sim_event_run, e, free);   /* a refused post already freed e */
}

static void broadcast_locked(int event)
{
    for (sim_sub *s = sim_subs; s; s = s->next)
        post_to(s, event);
}

static void full_init(void *arg);

static void arm_locked(void (*step)(void *), int64_t delay_us)
{
    sim_alarm = oat_alarm_start(oat_now_us() + delay_us, step, NULL);
}

static void pin_accepted_locked(void)
{
    sim_state = ADL_SIM_STATE_PIN_OK;
    sim_pin_left = SIM_PIN_ATTEMPTS;
    broadcast_locked(ADL_SIM_EVENT_PIN_OK);
    arm_locked(full_init, SIM_FULL_INIT_US);
}

static bool waits_for_pin_locked(void)
{
    return sim_state == ADL_SIM_STATE_PIN_WAIT || sim_state == ADL_SIM_STATE_PIN_ERROR ||
           (sim_state == ADL_SIM_STATE_INSERTED && sim_pin[0]);
}

static bool waits_for_puk_locked(void)
{
    return sim_state == ADL_SIM_STATE_PUK_WAIT || sim_state == ADL_SIM_STATE_PUK_ERROR;
}

/* The SIM checks a PIN: 0 accepted, -1 wrong (PIN_ERROR, then PUK_WAIT when blocked). */
static int check_pin_locked(const char *pin)
{
    if (strcmp(pin, sim_pin) == 0) {
        pin_accepted_locked();
        return 0;
    }
    sim_pin_left--;
    broadcast_locked(ADL_SIM_EVENT_PIN_ERROR);
    if (sim_pin_left <= 0) {
        sim_state = ADL_SIM_STATE_PUK_WAIT;
        broadcast_locked(ADL_SIM_EVENT_PUK_WAIT);
    } else {
        sim_state = ADL_SIM_STATE_PIN_ERROR;
    }
    return -1;
}

static const char *auto_pin_locked(void)
{
    for (sim_sub *s = sim_subs; s; s = s->next)
        if (s->pin)
            return s->pin;
    return NULL;
}

static void full_init(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&sim_mu);
    sim_alarm = NULL;
    bool ready = sim_state == ADL_SIM_STATE_PIN_OK;
    if (ready) {
        sim_state = ADL_SIM_STATE_FULL_INIT;
        broadcast_locked(ADL_SIM_EVENT_FULL_INIT);
    }
    pthread_mutex_unlock(&sim_mu);
    if (ready)
        oat_modem_sim_ready();
}

static void pin_stage(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&sim_mu);
    sim_alarm = NULL;
    if (sim_state == ADL_SIM_STATE_INSERTED) {
        const char *pin = auto_pin_locked();
        if (!sim_pin[0]) {
            pin_accepted_locked();
        } else if (pin) {
            check_pin_locked(pin);
        } else {
            sim_state = ADL_SIM_STATE_PIN_WAIT;
            broadcast_locked(ADL_SIM_EVENT_PIN_WAIT);
        }
    }
    pthread_mutex_unlock(&sim_mu);
}

void oat_sim_start(void)
{
    pthread_mutex_lock(&sim_mu);
    snprintf(sim_pin, sizeof sim_pin, "%s", oat_adl_cfg()->sim_pin);
    sim_pin_left = SIM_PIN_ATTEMPTS;
    sim_puk_left = SIM_PUK_ATTEMPTS;
    sim_state = ADL_SIM_STATE_INSERTED;
    arm_locked(pin_stage, SIM_PIN_STAGE_US);
    pthread_mutex_unlock(&sim_mu);
}

void oat_sim_stop(void)
{
    pthread_mutex_lock(&sim_mu);
    oat_alarm *a = sim_alarm;
    sim_alarm = NULL;
    sim_state = ADL_SIM_STATE_INIT;
    while (sim_subs) {
        sim_sub *next = sim_subs->next;
        free(sim_subs->pin);
        free(sim_subs);
        sim_subs = next;
    }
    pthread_mutex_unlock(&sim_mu);
    if (a)
        oat_alarm_cancel(a);
}

bool oat_sim_is_ready(void)
{
    pthread_mutex_lock(&sim_mu);
    bool ready = sim_state == ADL_SIM_STATE_PIN_OK || sim_state == ADL_SIM_STATE_FULL_INIT ||
                 (sim_state == ADL_SIM_STATE_INSERTED && !sim_pin[0]);
    pthread_mutex_unlock(&sim_mu);
    return ready;
}

const char *oat_sim_cpin_text(void)
{
    pthread_mutex_lock(&sim_mu);
    const char *text = "READY";
    if (waits_for_pin_locked())
        text = "SIM PIN";
    else if (waits_for_puk_locked() || sim_state == ADL_SIM_STATE_FAILURE)
        text = "SIM PUK";
    pthread_mutex_unlock(&sim_mu);
    return text;
}

int oat_sim_enter_pin(const char *pin)
{
    pthread_mutex_lock(&sim_mu);
    int rc = waits_for_pin_locked() ? check_pin_locked(pin) : -2;
    pthread_mutex_unlock(&sim_mu);
    return rc;
}

int oat_sim_enter_puk(const char *puk, const char *new_pin)
{
    pthread_mutex_lock(&sim_mu);
    int rc = -2;
    if (waits_for_puk_locked()) {
        if (strcmp(puk, SIM_PUK) == 0) {
            snprintf(sim_pin, sizeof sim_pin, "%s", new_pin);
            sim_puk_left = SIM_PUK_ATTEMPTS;
            pin_accepted_locked();
            rc = 0;
        } else {
            rc = -1;
            sim_puk_left--;
            sim_state = sim_puk_left <= 0 ? ADL_SIM_STATE_FAILURE : ADL_SIM_STATE_PUK_ERROR;
            broadcast_locked(ADL_SIM_EVENT_PUK_ERROR);
            if (sim_puk_left <= 0)
                broadcast_locked(ADL_SIM_EVENT_FAILURE);
        }
    }
    pthread_mutex_unlock(&sim_mu);
    return rc;
}

/* A PIN or PUK as the card takes it: 4 to 8 digits. */
static bool code_ok(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    if (n < 4 || n > 8)
        return false;
    for (size_t i = 0; i < n; i++)
        if (code[i] < '0' || code[i] > '9')
            return false;
    return true;
}

s32 adl_simSubscribe(adl_simHdlr_f SimHandler, const ascii *PinCode)
{
    s32 r = OK;
    const char *shown = PinCode ? "\"****\"" : "NULL";
    if (!SimHandler) {
        oat_warn("adl_simSubscribe(NULL, %s): SimHandler is NULL", shown);
        r = ADL_RET_ERR_PARAM;
    } else if (PinCode && !code_ok(PinCode)) {
        oat_warn("adl_simSubscribe(%p, %s): PinCode must be 4 to 8 digits", (void *)SimHandler,
                 shown);
        r = ADL_RET_ERR_PARAM;
    }
    pthread_mutex_lock(&sim_mu);
    for (sim_sub *s = sim_subs; r == OK && s; s = s->next) {
        if (s->hdl == SimHandler) {
            oat_warn("adl_simSubscribe(%p): this handler is already subscribed", (void *)SimHandler);
            r = ADL_RET_ERR_ALREADY_SUBSCRIBED;
        }
    }
    sim_sub *s = NULL;
    if (r == OK) {
        s = calloc(1, sizeof *s);
        if (s && PinCode && !(s->pin = strdup(PinCode))) {
            free(s);
            s = NULL;
        }
        if (!s) {
            oat_warn("adl_simSubscribe(%p): out of host memory", (void *)SimHandler);
            r = ADL_RET_ERR_PARAM;
        }
    }
    if (s) {
        s->hdl = SimHandler;
        s->task = oat_task_owner();
        s->next = sim_subs;
        sim_subs = s;
        /* Late subscribers: the SIM that already waits takes the PIN now, and a SIM that
         * already finished its start-up says so. */
        if (s->pin && sim_state == ADL_SIM_STATE_PIN_WAIT)
            check_pin_locked(s->pin);
        else if (sim_state == ADL_SIM_STATE_FULL_INIT)
            post_to(s, ADL_SIM_EVENT_FULL_INIT);
    }
    pthread_mutex_unlock(&sim_mu);
    OAT_CALL_RET("adl_simSubscribe", r, oat_adl_ret_name(r), "%p, %s", (void *)SimHandler, shown);
    return r;
}

s32 adl_simUnsubscribe(adl_simHdlr_f SimHandler)
{
    s32 r = ADL_RET_ERR_NOT_SUBSCRIBED;
    pthread_mutex_lock(&sim_mu);
    for (sim_sub **pp = &sim_subs; *pp; pp = &(*pp)->next) {
        sim_sub *s = *pp;
        if (s->hdl == SimHandler) {
            *pp = s->next;
            free(s->pin);
            free(s);
            r = OK;
            break;
        }
    }
    pthread_mutex_unlock(&sim_mu);
    if (r != OK)
        oat_warn("adl_simUnsubscribe(%p): this handler is not subscribed", (void *)SimHandler);
    OAT_CALL_RET("adl_simUnsubscribe", r, oat_adl_ret_name(r), "%p", (void *)SimHandler);
    return r;
}

static adl_simState_e state_now(void)
{
    pthread_mutex_lock(&sim_mu);
    adl_simState_e st = sim_state;
    pthread_mutex_unlock(&sim_mu);
    return st;
}

adl_simState_e adl_simGetState(void)
{
    adl_simState_e st = state_now();
    OAT_CALL_RET("adl_simGetState", st, NULL, "%s", "");
    return st;
}

s32 adl_simEnterPIN(const ascii *PinCode)
{
    s32 r = OK;
    if (!code_ok(PinCode)) {
        oat_warn("adl_simEnterPIN(%s): PinCode must be 4 to 8 digits", PinCode ? "\"****\"" : "NULL");
        r = ADL_RET_ERR_PARAM;
    } else if (oat_sim_enter_pin(PinCode) == -2) {
        oat_warn("adl_simEnterPIN: the SIM does not wait for a PIN (state %d)",
                 (int)state_now());
        r = ADL_RET_ERR_BAD_STATE;
    }
    OAT_CALL_RET("adl_simEnterPIN", r, oat_adl_ret_name(r), "%s", PinCode ? "\"****\"" : "NULL");
    return r;
}

s32 adl_simEnterPUK(const ascii *PukCode, const ascii *NewPinCode)
{
    s32 r = OK;
    if (!code_ok(PukCode) || !code_ok(NewPinCode)) {
        oat_warn("adl_simEnterPUK: %s must be 4 to 8 digits",
                 code_ok(PukCode) ? "NewPinCode" : "PukCode");
        r = ADL_RET_ERR_PARAM;
    } else if (oat_sim_enter_puk(PukCode, NewPinCode) == -2) {
        oat_warn("adl_simEnterPUK: the SIM does not wait for a PUK (state %d)",
                 (int)state_now());
        r = ADL_RET_ERR_BAD_STATE;
    }
    OAT_CALL_RET("adl_simEnterPUK", r, oat_adl_ret_name(r), "%s, %s",
                 PukCode ? "\"********\"" : "NULL", NewPinCode ? "\"****\"" : "NULL");
    return r;
}

s32 adl_simRemAttempt(void)
{
    pthread_mutex_lock(&sim_mu);
    s32 r = ADL_RET_ERR_BAD_STATE;
    if (waits_for_pin_locked())
        r = sim_pin_left;
    else if (waits_for_puk_locked())
        r = sim_puk_left;
    adl_simState_e st = sim_state;
    pthread_mutex_unlock(&sim_mu);
    if (r == ADL_RET_ERR_BAD_STATE)
        oat_warn("adl_simRemAttempt: the SIM waits for no code (state %d)", (int)st);
    OAT_CALL_RET("adl_simRemAttempt", r, r < 0 ? oat_adl_ret_name(r) : NULL, "%s", "");
    return r;
}
