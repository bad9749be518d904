/* gprs.c: the ADL GPRS service and the PDP context model it shares with the AT user
 * (AT+CGACT) and WIP's GPRS bearer: contexts 1..4, activation after the --bearer delay and
 * its fail/drop/apn/login/password rules, events to the subscribers' tasks. It never runs
 * application code inside a call: every event is posted. Alarms are never cancelled: a
 * stale one finds the context's generation changed. */
#include "adl_at.h"
#include "adl_error.h"
#include "adl_gprs.h"

#include "adl/at_internal.h"
#include "adl/gprs_internal.h"
#include "adl/services.h"
#include "wip/wip_options.h"
#include "core/calls.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/sched.h"
#include "core/timer.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { CTX_UNDEFINED, CTX_INACTIVE, CTX_ACTIVATING, CTX_ACTIVE } ctx_state;

typedef struct {
    ctx_state state;
    char apn[128], login[64], password[64];
    uint32_t fixed_ip;            /* host order, 0 = given by the network */
    unsigned gen;                 /* moves with every state change: stale alarms die */
    bool by_wip;                  /* WIP's GPRS bearer uses it */
    int ext_port;                 /* >= 0: the AT user's port waiting for the activation */
} gprs_ctx;

typedef struct gprs_sub {
    struct gprs_sub *next;
    adl_gprsHdlr_f h;
    oat_task *task;
} gprs_sub;

static pthread_mutex_t gprs_mu = PTHREAD_MUTEX_INITIALIZER;
static gprs_ctx ctxs[OAT_GPRS_CID_MAX + 1];       /* [1..4] */
static gprs_sub *subs;
static bool attached = true;                      /* AT+CGATT=0 detaches */

static const char *const event_names[] = {
    "RING_GPRS", "NW_CONTEXT_DEACT", "ME_CONTEXT_DEACT", "NW_DETACH", "ME_DETACH", "NW_CLASS_B",
    "NW_CLASS_CG", "NW_CLASS_CC", "ME_CLASS_B", "ME_CLASS_CG", "ME_CLASS_CC", "NO_CARRIER",
    "DEACTIVATE_OK", "DEACTIVATE_OK_FROM_EXT", "ANSWER_OK", "ANSWER_OK_FROM_EXT", "ACTIVATE_OK",
    "GPRS_DIAL_OK_FROM_EXT", "ACTIVATE_OK_FROM_EXT", "HANGUP_OK_FROM_EXT", "DEACTIVATE_KO",
    "DEACTIVATE_KO_FROM_EXT", "ACTIVATE_KO_FROM_EXT", "ACTIVATE_KO", "ANSWER_OK_AUTO",
    "SETUP_OK", "SETUP_KO", "ME_ATTACH", "ME_UNREG", "ME_UNREG_SEARCHING",
};

static const char *ret_name(s8 r)
{
    return oat_err_name(&oat_adl_gprs_errors, r);
}

/* ---- events ---- */

typedef struct {
    adl_gprsHdlr_f h;
    u16 event;
    u8 cid;
} gprs_event;

static void event_run(void *arg)
{
    gprs_event *e = arg;
    pthread_mutex_lock(&gprs_mu);
    bool still = false;
    for (gprs_sub *s = subs; s; s = s->next)
        still = still || s->h == e->h;
    pthread_mutex_unlock(&gprs_mu);
    if (still) {
        OAT_EVENT("GPRS ADL_GPRS_EVENT_%s (%u), cid %u -> handler %p", event_names[e->event],
                  (unsigned)e->event, (unsigned)e->cid, (void *)e->h);
        e->h(e->event, e->cid);
    }
    free(e);
}

/* To every subscriber, in its task. Lock held. */
static void post_event_locked(u16 event, int cid)
{
    for (gprs_sub *s = subs; s; s = s->next) {
        gprs_event *e = malloc(sizeof *e);
        if (!e) {
            oat_warn("GPRS: out of host memory, ADL_GPRS_EVENT_%s is lost", event_names[event]);
            continue;
        }
        *e = (gprs_event){ s->h, event, (u8)cid };
        oat_post(s->task, event_run, e, free);
    }
}

/* ---- activation in emulated time ---- */

#define DUE_ARG(cid, gen) ((void *)(uintptr_t)((uintptr_t)(gen) << 4 | (uintptr_t)(cid)))

static void answer_on_loop(void *arg)
{
    uintptr_t v = (uintptr_t)arg;
    oat_at_lock();
    oat_at_emit_locked((int)(v >> 1), ADL_AT_RSP, (v & 1) ? "\r\nOK\r\n" : "\r\nERROR\r\n");
    oat_at_unlock();
}

/* The AT user's AT+CGACT=1 ends: its answer, from the loop (callers may hold the AT lock). */
static void answer_ext(int port, bool ok)
{
    if (port >= 0)
        oat_loop_call(answer_on_loop, (void *)((uintptr_t)port << 1 | (ok ? 1u : 0u)));
}

static bool cid_ok(int cid)
{
    return cid >= 1 && cid <= OAT_GPRS_CID_MAX;
}

static void arm(int cid, int64_t delay_us, void (*fire)(void *))
{
    if (!oat_alarm_start(oat_now_us() + delay_us, fire, DUE_ARG(cid, ctxs[cid].gen)))
        oat_warn("GPRS: out of host memory for an alarm, context %d stays as it is", cid);
}

static bool due_is_current(void *arg, int *cid)
{
    *cid = (int)((uintptr_t)arg & 0xF);
    return cid_ok(*cid) && ctxs[*cid].gen == (unsigned)((uintptr_t)arg >> 4);
}

static void dropped(void *arg)
{
    int cid;
    pthread_mutex_lock(&gprs_mu);
    bool current = due_is_current(arg, &cid) && ctxs[cid].state == CTX_ACTIVE;
    bool wip = false;
    if (current) {
        oat_info("GPRS: context %d dropped by the network (--bearer drop=)", cid);
        wip = ctxs[cid].by_wip;
        ctxs[cid].state = CTX_INACTIVE;
        ctxs[cid].by_wip = false;
        ctxs[cid].gen++;
        post_event_locked(ADL_GPRS_EVENT_NW_CONTEXT_DEACT, cid);
    }
    pthread_mutex_unlock(&gprs_mu);
    if (wip)
        oat_bearer_gprs_context_lost(cid);
}

/* Why an activation of ctx fails (0: it succeeds), from the --bearer spec and the SIM. */
static int fail_cause(const gprs_ctx *c, const oat_bearer_cfg *cfg)
{
    if (cfg->fail)
        return cfg->fail;
    if (!oat_sim_is_ready() || !attached)
        return -1;
    if ((cfg->apn[0] && strcmp(cfg->apn, c->apn)) || (cfg->login[0] && strcmp(cfg->login, c->login)) ||
        (cfg->password[0] && strcmp(cfg->password, c->password)))
        return -1;
    return 0;
}

static void activated(void *arg)
{
    int cid;
    pthread_mutex_lock(&gprs_mu);
    if (!due_is_current(arg, &cid) || ctxs[cid].state != CTX_ACTIVATING) {
        pthread_mutex_unlock(&gprs_mu);
        return;
    }
    gprs_ctx *c = &ctxs[cid];
    oat_bearer_cfg cfg;
    oat_bearer_config_active(&cfg);   /* checked at boot */
    bool ok = fail_cause(c, &cfg) == 0;
    bool ext = c->ext_port >= 0;
    int port = c->ext_port;
    c->ext_port = -1;
    c->gen++;
    c->state = ok ? CTX_ACTIVE : CTX_INACTIVE;
    if (!ok)
        oat_info("GPRS: activation of context %d (APN \"%s\") fails (--bearer, SIM or attach)",
                 cid, c->apn);
    post_event_locked(ok ? (ext ? ADL_GPRS_EVENT_ACTIVATE_OK_FROM_EXT : ADL_GPRS_EVENT_ACTIVATE_OK)
                         : (ext ? ADL_GPRS_EVENT_ACTIVATE_KO_FROM_EXT : ADL_GPRS_EVENT_ACTIVATE_KO),
                      cid);
    if (ok && cfg.drop_us >= 0)
        arm(cid, cfg.drop_us, dropped);
    pthread_mutex_unlock(&gprs_mu);
    answer_ext(port, ok);
}

/* Lock held. */
static int activate_locked(const char *fn, int cid, int port)
{
    if (!cid_ok(cid)) {
        oat_warn("%s(%d): Cid must be 1..%d (ADL_RET_ERR_PARAM)", fn, cid, OAT_GPRS_CID_MAX);
        return ADL_RET_ERR_PARAM;
    }
    gprs_ctx *c = &ctxs[cid];
    if (c->state == CTX_UNDEFINED) {
        oat_warn("%s(%d): the context is not set up (adl_gprsSetup or AT+CGDCONT first): "
                 "ADL_GPRS_CID_NOT_DEFINED", fn, cid);
        return ADL_GPRS_CID_NOT_DEFINED;
    }
    if (!oat_sim_is_ready()) {
        oat_warn("%s(%d): the SIM is not ready (ADL_RET_ERR_PIN_KO)", fn, cid);
        return ADL_RET_ERR_PIN_KO;
    }
    if (c->state != CTX_INACTIVE) {
        oat_warn("%s(%d): the context is already %s (ADL_RET_ERR_BAD_STATE)", fn, cid,
                 c->state == CTX_ACTIVE ? "active" : "activating");
        return ADL_RET_ERR_BAD_STATE;
    }
    oat_bearer_cfg cfg;
    oat_bearer_config_active(&cfg);
    c->state = CTX_ACTIVATING;
    c->ext_port = port;
    c->gen++;
    arm(cid, cfg.delay_us >= 0 ? cfg.delay_us : OAT_BEARER_DELAY_US, activated);
    return OK;
}

/* Lock held. *wip tells whether WIP's bearer must hear of it, *port which AT user waited
 * for an activation this ends (-1: none); both are told once the lock is released. */
static int deactivate_locked(const char *fn, int cid, bool ext, bool *wip, int *port)
{
    *wip = false;
    *port = -1;
    if (!cid_ok(cid)) {
        oat_warn("%s(%d): Cid must be 1..%d (ADL_RET_ERR_PARAM)", fn, cid, OAT_GPRS_CID_MAX);
        return ADL_RET_ERR_PARAM;
    }
    gprs_ctx *c = &ctxs[cid];
    if (c->state != CTX_ACTIVE && c->state != CTX_ACTIVATING) {
        oat_warn("%s(%d): the context is not active (ADL_RET_ERR_BAD_STATE)", fn, cid);
        return ADL_RET_ERR_BAD_STATE;
    }
    *port = c->ext_port;
    *wip = c->by_wip;
    if (*port >= 0)
        post_event_locked(ADL_GPRS_EVENT_ACTIVATE_KO_FROM_EXT, cid);
    c->state = CTX_INACTIVE;
    c->by_wip = false;
    c->ext_port = -1;
    c->gen++;
    post_event_locked(ext ? ADL_GPRS_EVENT_DEACTIVATE_OK_FROM_EXT : ADL_GPRS_EVENT_DEACTIVATE_OK,
                      cid);
    return OK;
}

/* A deactivation's consequences outside the lock. */
static void deactivated(int cid, bool wip, int port)
{
    answer_ext(port, false);
    if (wip)
        oat_bearer_gprs_context_lost(cid);
}

/* ---- the ADL calls ---- */

s8 adl_gprsSubscribe(adl_gprsHdlr_f GprsHandler)
{
    s8 r = OK;
    gprs_sub *s = GprsHandler ? calloc(1, sizeof *s) : NULL;
    if (!GprsHandler) {
        oat_warn("adl_gprsSubscribe(NULL): the handler is NULL (ADL_RET_ERR_PARAM)");
        r = ADL_RET_ERR_PARAM;
    } else if (!s) {
        oat_warn("adl_gprsSubscribe: out of host memory (ADL_RET_ERR_PARAM)");
        r = ADL_RET_ERR_PARAM;
    } else {
        s->h = GprsHandler;
        s->task = oat_task_owner();
        pthread_mutex_lock(&gprs_mu);
        gprs_sub **tail = &subs;
        while (*tail)
            tail = &(*tail)->next;
        *tail = s;
        pthread_mutex_unlock(&gprs_mu);
    }
    OAT_CALL_RET("adl_gprsSubscribe", r, ret_name(r), "%p", (void *)GprsHandler);
    return r;
}

s8 adl_gprsUnsubscribe(adl_gprsHdlr_f GprsHandler)
{
    s8 r = ADL_RET_ERR_NOT_SUBSCRIBED;
    pthread_mutex_lock(&gprs_mu);
    for (gprs_sub **pp = &subs; *pp; pp = &(*pp)->next) {
        if ((*pp)->h == GprsHandler) {
            gprs_sub *s = *pp;
            *pp = s->next;
            free(s);
            r = OK;
            break;
        }
    }
    pthread_mutex_unlock(&gprs_mu);
    if (r != OK)
        oat_warn("adl_gprsUnsubscribe(%p): this handler is not subscribed "
                 "(ADL_RET_ERR_NOT_SUBSCRIBED)", (void *)GprsHandler);
    OAT_CALL_RET("adl_gprsUnsubscribe", r, ret_name(r), "%p", (void *)GprsHandler);
    return r;
}

static bool copy_param(const char *fn, int cid, const char *what, char *dst, size_t size,
                       const char *v)
{
    if (v && strlen(v) >= size) {
        oat_warn("%s(%d): %s is longer than %zu characters (ADL_RET_ERR_PARAM)", fn, cid, what,
                 size - 1);
        return false;
    }
    snprintf(dst, size, "%s", v ? v : "");
    return true;
}

static s8 setup(const char *fn, u8 Cid, const adl_gprsSetupParams_t *p)
{
    if (!cid_ok(Cid)) {
        oat_warn("%s(%u): Cid must be 1..%d (ADL_RET_ERR_PARAM)", fn, (unsigned)Cid,
                 OAT_GPRS_CID_MAX);
        return ADL_RET_ERR_PARAM;
    }
    if (p->FixedIP && !adl_gprsIsAnIPAddress(p->FixedIP)) {
        oat_warn("%s(%u): FixedIP \"%s\" is not a dotted IPv4 address (ADL_RET_ERR_PARAM)", fn,
                 (unsigned)Cid, p->FixedIP);
        return ADL_RET_ERR_PARAM;
    }
    pthread_mutex_lock(&gprs_mu);
    gprs_ctx *c = &ctxs[Cid];
    s8 r = OK;
    gprs_ctx next = *c;
    if (c->state == CTX_ACTIVE || c->state == CTX_ACTIVATING) {
        oat_warn("%s(%u): the context is active (ADL_RET_ERR_BAD_STATE)", fn, (unsigned)Cid);
        r = ADL_RET_ERR_BAD_STATE;
    } else if (!copy_param(fn, Cid, "APN", next.apn, sizeof next.apn, p->APN) ||
               !copy_param(fn, Cid, "Login", next.login, sizeof next.login, p->Login) ||
               !copy_param(fn, Cid, "Password", next.password, sizeof next.password,
                           p->Password)) {
        r = ADL_RET_ERR_PARAM;
    } else {
        struct in_addr a = { 0 };
        if (p->FixedIP)
            inet_pton(AF_INET, p->FixedIP, &a);
        next.fixed_ip = ntohl(a.s_addr);
        next.state = CTX_INACTIVE;
        *c = next;
        post_event_locked(ADL_GPRS_EVENT_SETUP_OK, Cid);
    }
    pthread_mutex_unlock(&gprs_mu);
    return r;
}

s8 adl_gprsSetup(u8 Cid, adl_gprsSetupParams_t Params)
{
    s8 r = setup("adl_gprsSetup", Cid, &Params);
    OAT_CALL_RET("adl_gprsSetup", r, ret_name(r), "%u, {APN \"%s\"}", (unsigned)Cid,
                 Params.APN ? Params.APN : "(null)");
    return r;
}

s8 adl_gprsSetupExt(u8 Cid, adl_gprsSetupParams_t Params, adl_port_e Port)
{
    s8 r = setup("adl_gprsSetupExt", Cid, &Params);
    OAT_CALL_RET("adl_gprsSetupExt", r, ret_name(r), "%u, {APN \"%s\"}, %d", (unsigned)Cid,
                 Params.APN ? Params.APN : "(null)", (int)Port);
    return r;
}

static s8 act(const char *fn, u8 Cid)
{
    pthread_mutex_lock(&gprs_mu);
    s8 r = (s8)activate_locked(fn, Cid, -1);
    pthread_mutex_unlock(&gprs_mu);
    return r;
}

s8 adl_gprsAct(u8 Cid)
{
    s8 r = act("adl_gprsAct", Cid);
    OAT_CALL_RET("adl_gprsAct", r, ret_name(r), "%u", (unsigned)Cid);
    return r;
}

s8 adl_gprsActExt(u8 Cid, adl_port_e Port)
{
    s8 r = act("adl_gprsActExt", Cid);
    OAT_CALL_RET("adl_gprsActExt", r, ret_name(r), "%u, %d", (unsigned)Cid, (int)Port);
    return r;
}

static s8 deact(const char *fn, u8 Cid)
{
    bool wip;
    int port;
    pthread_mutex_lock(&gprs_mu);
    s8 r = (s8)deactivate_locked(fn, Cid, false, &wip, &port);
    pthread_mutex_unlock(&gprs_mu);
    deactivated(Cid, wip, port);
    return r;
}

s8 adl_gprsDeact(u8 Cid)
{
    s8 r = deact("adl_gprsDeact", Cid);
    OAT_CALL_RET("adl_gprsDeact", r, ret_name(r), "%u", (unsigned)Cid);
    return r;
}

s8 adl_gprsDeactExt(u8 Cid, adl_port_e Port)
{
    s8 r = deact("adl_gprsDeactExt", Cid);
    OAT_CALL_RET("adl_gprsDeactExt", r, ret_name(r), "%u, %d", (unsigned)Cid, (int)Port);
    return r;
}

/* The fixed address is read without the lock: a u32 set by Setup while the context is
 * inactive, read while it is active. */
uint32_t oat_gprs_local_ip(int cid)
{
    uint32_t fixed = cid_ok(cid) ? ctxs[cid].fixed_ip : 0;
    return fixed ? fixed : 0x0A400002u | (uint32_t)(cid - 1) << 8;   /* 10.64.<cid-1>.2 */
}

s8 adl_gprsGetCidInformations(u8 Cid, adl_gprsInfosCid_t *Info)
{
    s8 r = OK;
    pthread_mutex_lock(&gprs_mu);
    if (!cid_ok(Cid) || !Info) {
        oat_warn("adl_gprsGetCidInformations(%u, %p): %s (ADL_RET_ERR_PARAM)", (unsigned)Cid,
                 (void *)Info, Info ? "Cid must be 1..4" : "Info is NULL");
        r = ADL_RET_ERR_PARAM;
    } else if (ctxs[Cid].state != CTX_ACTIVE) {
        oat_warn("adl_gprsGetCidInformations(%u): the context is not active "
                 "(ADL_RET_ERR_BAD_STATE)", (unsigned)Cid);
        r = ADL_RET_ERR_BAD_STATE;
    } else {
        oat_bearer_cfg cfg;
        oat_bearer_config_active(&cfg);
        Info->LocalIP = oat_gprs_local_ip(Cid);
        Info->Gateway = 0x0A400001u | (u32)(Cid - 1) << 8;
        Info->DNS1 = ntohl(cfg.dns1);
        Info->DNS2 = ntohl(cfg.dns2);
    }
    pthread_mutex_unlock(&gprs_mu);
    OAT_CALL_RET("adl_gprsGetCidInformations", r, ret_name(r), "%u, %p", (unsigned)Cid,
                 (void *)Info);
    return r;
}

bool adl_gprsIsAnIPAddress(const ascii *AddressStr)
{
    bool ok = AddressStr != NULL;
    const char *p = AddressStr;
    for (int part = 0; ok && part < 4; part++) {
        int digits = 0, value = 0;
        while (*p >= '0' && *p <= '9' && digits < 4) {
            value = value * 10 + (*p++ - '0');
            digits++;
        }
        ok = digits > 0 && digits <= 3 && value <= 255 && *p == (part < 3 ? '.' : '\0');
        if (part < 3)
            p++;
    }
    OAT_CALL_RET("adl_gprsIsAnIPAddress", ok, ok ? "TRUE" : "FALSE", "\"%s\"",
                 AddressStr ? AddressStr : "(null)");
    return ok;
}

/* ---- the AT user ---- */

int oat_gprs_define(int cid, const char *apn)
{
    if (!cid_ok(cid))
        return -1;
    pthread_mutex_lock(&gprs_mu);
    int r = 0;
    gprs_ctx *c = &ctxs[cid];
    if (c->state == CTX_ACTIVE || c->state == CTX_ACTIVATING) {
        r = -2;
    } else {
        snprintf(c->apn, sizeof c->apn, "%s", apn ? apn : "");
        c->state = CTX_INACTIVE;
    }
    pthread_mutex_unlock(&gprs_mu);
    return r;
}

bool oat_gprs_context(int cid, char *apn, size_t size, int *state)
{
    if (!cid_ok(cid))
        return false;
    pthread_mutex_lock(&gprs_mu);
    const gprs_ctx *c = &ctxs[cid];
    bool defined = c->state != CTX_UNDEFINED;
    if (defined) {
        snprintf(apn, size, "%s", c->apn);
        *state = c->state == CTX_ACTIVE ? 1 : c->state == CTX_ACTIVATING ? 2 : 0;
    }
    pthread_mutex_unlock(&gprs_mu);
    return defined;
}

int oat_gprs_activate_ext(int cid, int port)
{
    pthread_mutex_lock(&gprs_mu);
    int r = activate_locked("AT+CGACT", cid, port);
    pthread_mutex_unlock(&gprs_mu);
    return r;
}

int oat_gprs_deactivate_ext(int cid)
{
    bool wip;
    int port;
    pthread_mutex_lock(&gprs_mu);
    int r = deactivate_locked("AT+CGACT", cid, true, &wip, &port);
    pthread_mutex_unlock(&gprs_mu);
    deactivated(cid, wip, port);
    return r;
}

void oat_gprs_set_attached(bool on)
{
    bool lost[OAT_GPRS_CID_MAX + 1] = { false };
    pthread_mutex_lock(&gprs_mu);
    if (on != attached) {
        attached = on;
        if (!on) {
            for (int cid = 1; cid <= OAT_GPRS_CID_MAX; cid++) {
                gprs_ctx *c = &ctxs[cid];
                if (c->state == CTX_ACTIVE || c->state == CTX_ACTIVATING) {
                    lost[cid] = c->by_wip;
                    c->state = CTX_INACTIVE;
                    c->by_wip = false;
                    c->gen++;
                    post_event_locked(ADL_GPRS_EVENT_ME_CONTEXT_DEACT, cid);
                }
            }
        }
        post_event_locked(on ? ADL_GPRS_EVENT_ME_ATTACH : ADL_GPRS_EVENT_ME_DETACH, 0);
    } else if (on) {
        post_event_locked(ADL_GPRS_EVENT_ME_ATTACH, 0);   /* the network registration */
    }
    pthread_mutex_unlock(&gprs_mu);
    for (int cid = 1; cid <= OAT_GPRS_CID_MAX; cid++)
        if (lost[cid])
            oat_bearer_gprs_context_lost(cid);
}

bool oat_gprs_attached(void)
{
    pthread_mutex_lock(&gprs_mu);
    bool on = attached;
    pthread_mutex_unlock(&gprs_mu);
    return on;
}

/* ---- WIP's GPRS bearer ---- */

bool oat_gprs_active(int cid)
{
    pthread_mutex_lock(&gprs_mu);
    bool up = cid_ok(cid) && ctxs[cid].state == CTX_ACTIVE;
    pthread_mutex_unlock(&gprs_mu);
    return up;
}

void oat_gprs_wip_up(int cid, const char *apn)
{
    if (!cid_ok(cid))
        return;
    pthread_mutex_lock(&gprs_mu);
    gprs_ctx *c = &ctxs[cid];
    c->by_wip = true;
    if (c->state != CTX_ACTIVE) {
        snprintf(c->apn, sizeof c->apn, "%s", apn ? apn : "");
        c->state = CTX_ACTIVE;
        c->gen++;
        post_event_locked(ADL_GPRS_EVENT_ACTIVATE_OK, cid);
    }
    pthread_mutex_unlock(&gprs_mu);
}

void oat_gprs_wip_down(int cid, bool by_network)
{
    if (!cid_ok(cid))
        return;
    pthread_mutex_lock(&gprs_mu);
    gprs_ctx *c = &ctxs[cid];
    if (c->by_wip && c->state == CTX_ACTIVE) {
        c->state = CTX_INACTIVE;
        c->gen++;
        post_event_locked(by_network ? ADL_GPRS_EVENT_NW_CONTEXT_DEACT
                                     : ADL_GPRS_EVENT_DEACTIVATE_OK, cid);
    }
    c->by_wip = false;
    pthread_mutex_unlock(&gprs_mu);
}

/* ---- start and stop ---- */

void oat_gprs_start(void)
{
    pthread_mutex_lock(&gprs_mu);
    for (int cid = 1; cid <= OAT_GPRS_CID_MAX; cid++) {
        unsigned gen = ctxs[cid].gen + 1;
        memset(&ctxs[cid], 0, sizeof ctxs[cid]);
        ctxs[cid].gen = gen;
        ctxs[cid].ext_port = -1;
    }
    attached = true;
    pthread_mutex_unlock(&gprs_mu);
}

void oat_gprs_stop(void)
{
    pthread_mutex_lock(&gprs_mu);
    while (subs) {
        gprs_sub *next = subs->next;
        free(subs);
        subs = next;
    }
    for (int cid = 1; cid <= OAT_GPRS_CID_MAX; cid++) {
        ctxs[cid].state = CTX_UNDEFINED;
        ctxs[cid].gen++;
    }
    pthread_mutex_unlock(&gprs_mu);
}
