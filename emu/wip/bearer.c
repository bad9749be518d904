/* bearer.c: the bearers (GPRS, GSM, UART1/UART2 PPP, ETHER) as a state machine in emulated
 * time driven by the --bearer spec. Handlers run only as events posted to the opener's task.
 * The GPRS bearer runs on a PDP context of the ADL GPRS model (adl/gprs.c), shared with ADL. */
#include "wip/wip_internal.h"
#include "wip/wip_options.h"
#include "adl/at_internal.h"
#include "adl/gprs_internal.h"
#include "core/calls.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/task_alarm.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define BR_MAGIC 0x42524552u        /* "BRER" */
#define BR_STR_MAX 127              /* longest string option value */

typedef enum { K_GPRS, K_GSM, K_UART1, K_UART2, K_ETHER, K_COUNT } br_kind;

#define M_GPRS (1u << K_GPRS)
#define M_GSM (1u << K_GSM)
#define M_UART ((1u << K_UART1) | (1u << K_UART2))
#define M_ETHER (1u << K_ETHER)
#define M_PPP (M_GSM | M_UART)
#define M_ALL (M_GPRS | M_PPP | M_ETHER)

static const char *const kind_names[K_COUNT] = { "GPRS", "GSM", "UART1", "UART2", "ETHER" };

typedef enum {
    BR_STOPPED,
    BR_STARTING,      /* start alarm pending */
    BR_SERVER,        /* wip_bearerStartServer: waiting for a caller that never comes */
    BR_CONNECTED,     /* IP up; a drop alarm may be pending */
    BR_DOWN,          /* dropped (IP_DISCONNECTED sent): only Stop or Close */
    BR_STOPPING       /* STOPPED event queued */
} br_state;

typedef enum { V_STR, V_U8, V_BOOL, V_ADDR, V_ETH, V_ERROR } br_vtype;

typedef struct {
    const char *name;
    br_vtype type;
    unsigned kinds;         /* bearers the option belongs to */
    unsigned min, max;      /* V_U8 range */
} br_opt_info;

static const br_opt_info opt_info[WIP_BOPT_LAST] = {
    [WIP_BOPT_LOGIN] = { "WIP_BOPT_LOGIN", V_STR, M_GPRS | M_PPP, 0, 0 },
    [WIP_BOPT_PASSWORD] = { "WIP_BOPT_PASSWORD", V_STR, M_GPRS | M_PPP, 0, 0 },
    [WIP_BOPT_DIAL_PHONENB] = { "WIP_BOPT_DIAL_PHONENB", V_STR, M_GSM, 0, 0 },
    [WIP_BOPT_DIAL_RINGCOUNT] = { "WIP_BOPT_DIAL_RINGCOUNT", V_U8, M_GSM, 0, 255 },
    [WIP_BOPT_DIAL_MSNULLMODEM] = { "WIP_BOPT_DIAL_MSNULLMODEM", V_BOOL, M_PPP, 0, 0 },
    [WIP_BOPT_GPRS_APN] = { "WIP_BOPT_GPRS_APN", V_STR, M_GPRS, 0, 0 },
    [WIP_BOPT_GPRS_CID] = { "WIP_BOPT_GPRS_CID", V_U8, M_GPRS, 1, 4 },
    [WIP_BOPT_GPRS_HEADERCOMP] = { "WIP_BOPT_GPRS_HEADERCOMP", V_BOOL, M_GPRS, 0, 0 },
    [WIP_BOPT_GPRS_DATACOMP] = { "WIP_BOPT_GPRS_DATACOMP", V_BOOL, M_GPRS, 0, 0 },
    [WIP_BOPT_IP_ADDR] = { "WIP_BOPT_IP_ADDR", V_ADDR, M_ALL, 0, 0 },
    [WIP_BOPT_IP_DST_ADDR] = { "WIP_BOPT_IP_DST_ADDR", V_ADDR, M_ALL, 0, 0 },
    [WIP_BOPT_IP_NETMASK] = { "WIP_BOPT_IP_NETMASK", V_ADDR, M_ALL, 0, 0 },
    [WIP_BOPT_IP_GW] = { "WIP_BOPT_IP_GW", V_ADDR, M_ALL, 0, 0 },
    [WIP_BOPT_IP_DNS1] = { "WIP_BOPT_IP_DNS1", V_ADDR, M_ALL, 0, 0 },
    [WIP_BOPT_IP_DNS2] = { "WIP_BOPT_IP_DNS2", V_ADDR, M_ALL, 0, 0 },
    [WIP_BOPT_IP_SETDNS] = { "WIP_BOPT_IP_SETDNS", V_BOOL, M_ALL, 0, 0 },
    [WIP_BOPT_IP_SETGW] = { "WIP_BOPT_IP_SETGW", V_BOOL, M_ALL, 0, 0 },
    [WIP_BOPT_IP_DHCP] = { "WIP_BOPT_IP_DHCP", V_BOOL, M_ETHER, 0, 0 },
    [WIP_BOPT_RESTART] = { "WIP_BOPT_RESTART", V_BOOL, M_ALL, 0, 0 },
    [WIP_BOPT_ETH_ADDR] = { "WIP_BOPT_ETH_ADDR", V_ETH, M_ETHER, 0, 0 },
    [WIP_BOPT_ERROR] = { "WIP_BOPT_ERROR", V_ERROR, M_ALL, 0, 0 },
};

struct wip_bearer_ {
    uint32_t magic;
    br_kind kind;
    uint64_t id;                  /* events name their bearer by id, never by pointer */
    oat_task *owner;
    wip_bearerHandler_f h;
    void *ctx;
    wip_bearerServerHandler_f server_h;
    void *server_ctx;
    br_state state;
    unsigned gen;                 /* bumped by start, stop and close: stale events die */
    oat_task_alarm *alarm;        /* start or drop alarm */
    struct br_ev *alarm_ev;       /* its argument, freed here if the alarm is cancelled */
    s8 error;                     /* WIP_BOPT_ERROR */
    char *str[WIP_BOPT_LAST];     /* V_STR values (NULL = unset) */
    unsigned num[WIP_BOPT_LAST];  /* V_U8, V_BOOL and the configured V_ADDR values */
    wip_in_addr_t live[WIP_BOPT_LAST];   /* V_ADDR values while connected */
    wip_ethAddr_t eth;
};

typedef enum { EV_CONNECT, EV_DROP, EV_STOPPED } br_ev_kind;

typedef struct br_ev {
    uint64_t id;
    unsigned gen;
    br_ev_kind kind;
    s8 cause;                     /* EV_CONNECT: 0 or the WIP_BERR_* failure cause */
    int64_t drop_us;              /* EV_CONNECT: < 0 or the time connected before a drop */
    oat_task *owner;
} br_ev;

static struct wip_bearer_ *bearers[K_COUNT];   /* the open ones, by kind */
static uint64_t next_id = 1;

/* ---- lookups and names ---- */

static const char *bev_name(s8 ev)
{
    static const char *const names[] = { "?", "WIP_BEV_CONN_FAILED", "WIP_BEV_IP_CONNECTED",
                                         "WIP_BEV_IP_DISCONNECTED", "WIP_BEV_STOPPED" };
    return ev > 0 && ev <= WIP_BEV_STOPPED ? names[ev] : "?";
}

static const char *opt_name(int opt)
{
    return opt > WIP_BOPT_END && opt < WIP_BOPT_LAST ? opt_info[opt].name : "?";
}

static int kind_of(const char *name)
{
    for (int k = 0; k < K_COUNT; k++)
        if (!strcmp(name, kind_names[k]))
            return k;
    return -1;
}

/* Lock held: the open bearer a handle names, or NULL (trace). Stale pointers are compared,
 * never dereferenced. */
static struct wip_bearer_ *check(wip_bearer_t br, const char *fn)
{
    for (int k = 0; k < K_COUNT; k++)
        if (br && bearers[k] == br && br->magic == BR_MAGIC)
            return br;
    oat_warn("%s: bearer handle %p is not an open bearer (WIP_BERR_BAD_HDL)", fn, (void *)br);
    return NULL;
}

static struct wip_bearer_ *by_id(uint64_t id)
{
    for (int k = 0; k < K_COUNT; k++)
        if (bearers[k] && bearers[k]->id == id)
            return bearers[k];
    return NULL;
}

bool oat_bearer_ip_up(void)
{
    for (int k = 0; k < K_COUNT; k++)
        if (bearers[k] && bearers[k]->state == BR_CONNECTED)
            return true;
    return false;
}

wip_in_addr_t oat_bearer_own_addr(void)
{
    for (int k = 0; k < K_COUNT; k++)
        if (bearers[k] && bearers[k]->state == BR_CONNECTED)
            return bearers[k]->live[WIP_BOPT_IP_ADDR];
    return 0;
}

/* Lock held: br leaves BR_CONNECTED (or is freed); host channels fail if it was the last. */
static void leave_connected(struct wip_bearer_ *br, br_state next)
{
    bool was_up = br->state == BR_CONNECTED;
    br->state = next;
    memset(br->live, 0, sizeof br->live);
    if (was_up && br->kind == K_GPRS)
        oat_gprs_wip_down((int)br->num[WIP_BOPT_GPRS_CID], next == BR_DOWN);
    if (was_up && !oat_bearer_ip_up())
        oat_chan_network_lost();
}

/* ---- events ---- */

static void cancel_alarm(struct wip_bearer_ *br)
{
    if (br->alarm && oat_task_alarm_cancel(br->alarm))
        free(br->alarm_ev);
    br->alarm = NULL;
    br->alarm_ev = NULL;
}

static void deliver(void *arg);

static br_ev *new_ev(const struct wip_bearer_ *br, br_ev_kind kind)
{
    br_ev *ev = calloc(1, sizeof *ev);
    if (ev)
        *ev = (br_ev){ br->id, br->gen, kind, 0, -1, br->owner };
    else
        oat_warn("bearer %s: out of host memory, an event is lost", kind_names[br->kind]);
    return ev;
}

static void arm(struct wip_bearer_ *br, br_ev *ev, int64_t delay_us)
{
    br->alarm_ev = ev;
    br->alarm = oat_task_alarm_start(ev->owner, oat_now_us() + delay_us, deliver, free, ev);
    if (!br->alarm) {
        oat_warn("bearer %s: out of host memory for an alarm, an event is lost",
                 kind_names[br->kind]);
        free(ev);
        br->alarm_ev = NULL;
    }
}

/* The emulated addresses of a connection (docs): 10.(64+k).0.2 for the module, .1 for the
 * peer and gateway; what the application configured wins. */
static void fill_live(struct wip_bearer_ *br, const oat_bearer_cfg *cfg)
{
    uint32_t net = 0x0A000000u | (uint32_t)(64 + br->kind) << 16;
    uint32_t own = br->kind == K_GPRS ? oat_gprs_local_ip((int)br->num[WIP_BOPT_GPRS_CID])
                                      : net | 2;
    wip_in_addr_t dflt[WIP_BOPT_LAST] = {
        [WIP_BOPT_IP_ADDR] = htonl(own), [WIP_BOPT_IP_DST_ADDR] = htonl(net | 1),
        [WIP_BOPT_IP_GW] = htonl(net | 1), [WIP_BOPT_IP_DNS1] = cfg->dns1,
        [WIP_BOPT_IP_DNS2] = cfg->dns2,
        [WIP_BOPT_IP_NETMASK] = htonl(br->kind == K_ETHER ? 0xFFFFFF00u : 0xFFFFFFFFu),
    };
    for (int o = WIP_BOPT_IP_ADDR; o <= WIP_BOPT_IP_DNS2; o++)
        br->live[o] = br->num[o] ? (wip_in_addr_t)br->num[o] : dflt[o];
}

static s8 on_connect(struct wip_bearer_ *br, const br_ev *ev)
{
    br->alarm = NULL;
    br->alarm_ev = NULL;
    if (ev->cause) {
        br->state = BR_STOPPED;
        br->error = ev->cause;
        return WIP_BEV_CONN_FAILED;
    }
    oat_bearer_cfg cfg;
    oat_bearer_config_active(&cfg);   /* checked at start */
    fill_live(br, &cfg);
    br->state = BR_CONNECTED;
    if (br->kind == K_GPRS)
        oat_gprs_wip_up((int)br->num[WIP_BOPT_GPRS_CID], br->str[WIP_BOPT_GPRS_APN]);
    if (ev->drop_us >= 0) {
        br_ev *drop = new_ev(br, EV_DROP);
        if (drop)
            arm(br, drop, ev->drop_us);
    }
    return WIP_BEV_IP_CONNECTED;
}

/* Lock held: apply an event still meant for br; returns the WIP_BEV_* to deliver, or 0. */
static s8 apply(struct wip_bearer_ *br, const br_ev *ev)
{
    switch (ev->kind) {
    case EV_CONNECT:
        return br->state == BR_STARTING ? on_connect(br, ev) : 0;
    case EV_DROP:
        if (br->state != BR_CONNECTED)
            return 0;
        br->alarm = NULL;
        br->alarm_ev = NULL;
        leave_connected(br, BR_DOWN);
        return WIP_BEV_IP_DISCONNECTED;
    case EV_STOPPED:
        if (br->state != BR_STOPPING)
            return 0;
        br->state = BR_STOPPED;
        return WIP_BEV_STOPPED;
    }
    return 0;
}

/* In the owner task. The bearer may have been stopped, restarted or closed since. */
static void deliver(void *arg)
{
    br_ev *ev = arg;
    oat_wip_lock();
    struct wip_bearer_ *br = by_id(ev->id);
    s8 event = br && br->gen == ev->gen ? apply(br, ev) : 0;
    wip_bearerHandler_f h = br ? br->h : NULL;
    void *ctx = br ? br->ctx : NULL;
    const char *name = br ? kind_names[br->kind] : "";
    oat_wip_unlock();
    free(ev);
    if (!event)
        return;
    OAT_EVENT("bearer %s %p: %s (%d) -> handler %p", name, (void *)br, bev_name(event),
              (int)event, (void *)h);
    if (h)
        h(br, event, ctx);
}

static void post_stopped(struct wip_bearer_ *br)
{
    br_ev *ev = new_ev(br, EV_STOPPED);
    if (ev)
        oat_post(br->owner, deliver, ev, free);
}

/* ---- open and close ---- */

static void set_defaults(struct wip_bearer_ *br)
{
    br->num[WIP_BOPT_GPRS_CID] = 1;
    br->num[WIP_BOPT_IP_SETDNS] = 1;
    br->num[WIP_BOPT_IP_SETGW] = 1;
    static const wip_ethAddr_t mac = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
    memcpy(br->eth, mac, sizeof br->eth);
}

static s8 open_bearer(wip_bearer_t *out, const ascii *name, wip_bearerHandler_f h, void *ctx)
{
    int k = name ? kind_of(name) : -1;
    if (!out) {
        oat_warn("wip_bearerOpen: br is NULL (WIP_BERR_PARAM)");
        return WIP_BERR_PARAM;
    }
    if (k < 0) {
        oat_warn("wip_bearerOpen: no bearer named \"%s\" (GPRS, GSM, UART1, UART2, ETHER): "
                 "WIP_BERR_NO_DEV", name ? name : "(null)");
        return WIP_BERR_NO_DEV;
    }
    if (bearers[k]) {
        oat_warn("wip_bearerOpen: bearer %s is already open (WIP_BERR_ALREADY)", name);
        return WIP_BERR_ALREADY;
    }
    struct wip_bearer_ *br = calloc(1, sizeof *br);
    if (!br) {
        oat_warn("wip_bearerOpen: out of host memory (WIP_BERR_NO_HDL)");
        return WIP_BERR_NO_HDL;
    }
    *br = (struct wip_bearer_){ .magic = BR_MAGIC, .kind = (br_kind)k, .id = next_id++,
                                .owner = oat_task_owner(), .h = h, .ctx = ctx };
    set_defaults(br);
    bearers[k] = br;
    *out = br;
    return 0;
}

s8 wip_bearerOpen(wip_bearer_t *br, const ascii *name, wip_bearerHandler_f h, void *ctx)
{
    oat_wip_lock();
    s8 rc = open_bearer(br, name, h, ctx);
    oat_wip_unlock();
    OAT_CALL_RET("wip_bearerOpen", rc, oat_berr_name(rc), "%p, \"%s\", %p, %p", (void *)br,
                 name ? name : "(null)", (void *)h, ctx);
    return rc;
}

/* Lock held: forget br now; its queued events find no bearer with its id. */
static void free_bearer(struct wip_bearer_ *br)
{
    cancel_alarm(br);
    bearers[br->kind] = NULL;
    for (int o = 0; o < WIP_BOPT_LAST; o++)
        free(br->str[o]);
    br->magic = 0;
    free(br);
}

s8 wip_bearerClose(wip_bearer_t br)
{
    s8 rc = 0;
    oat_wip_lock();
    struct wip_bearer_ *b = check(br, "wip_bearerClose");
    if (b) {
        leave_connected(b, BR_STOPPED);
        free_bearer(b);
    } else {
        rc = WIP_BERR_BAD_HDL;
    }
    oat_wip_unlock();
    OAT_CALL_RET("wip_bearerClose", rc, oat_berr_name(rc), "%p", (void *)br);
    return rc;
}

void oat_bearer_reset(void)
{
    for (int k = 0; k < K_COUNT; k++)
        if (bearers[k])
            free_bearer(bearers[k]);
}

/* ---- options ---- */

static s8 set_str(struct wip_bearer_ *br, int opt, const char *v)
{
    if (!v || strlen(v) > BR_STR_MAX) {
        if (v)
            oat_warn("wip_bearerSetOpts: %s: longer than %d characters (WIP_BERR_PARAM)",
                     opt_name(opt), BR_STR_MAX);
        else
            oat_warn("wip_bearerSetOpts: %s: NULL string (WIP_BERR_PARAM)", opt_name(opt));
        return WIP_BERR_PARAM;
    }
    char *copy = strdup(v);
    if (!copy) {
        oat_warn("wip_bearerSetOpts: %s: out of host memory (WIP_BERR_PARAM)", opt_name(opt));
        return WIP_BERR_PARAM;
    }
    free(br->str[opt]);
    br->str[opt] = copy;
    return 0;
}

static s8 set_num(struct wip_bearer_ *br, int opt, int v)
{
    const br_opt_info *in = &opt_info[opt];
    unsigned min = in->type == V_BOOL ? 0 : in->min, max = in->type == V_BOOL ? 1 : in->max;
    if (v < (int)min || v > (int)max) {
        oat_warn("wip_bearerSetOpts: %s = %d is out of range %u..%u (WIP_BERR_PARAM)",
                 in->name, v, min, max);
        return WIP_BERR_PARAM;
    }
    br->num[opt] = (unsigned)v;
    return 0;
}

static s8 set_eth(struct wip_bearer_ *br, const u8 *mac)
{
    if (!mac) {
        oat_warn("wip_bearerSetOpts: WIP_BOPT_ETH_ADDR: NULL address (WIP_BERR_PARAM)");
        return WIP_BERR_PARAM;
    }
    memcpy(br->eth, mac, sizeof br->eth);
    return 0;
}

static s8 opt_usable(const struct wip_bearer_ *br, const char *fn, int opt, bool get)
{
    if (opt <= WIP_BOPT_END || opt >= WIP_BOPT_LAST) {
        oat_warn("%s: unknown option %d (WIP_BERR_OPTION)", fn, opt);
        return WIP_BERR_OPTION;
    }
    if (!(opt_info[opt].kinds & (1u << br->kind))) {
        oat_warn("%s: %s does not apply to bearer %s (WIP_BERR_OPTION)", fn, opt_name(opt),
                 kind_names[br->kind]);
        return WIP_BERR_OPTION;
    }
    if (!get && opt_info[opt].type == V_ERROR) {
        oat_warn("%s: WIP_BOPT_ERROR can only be read (WIP_BERR_OPTION)", fn);
        return WIP_BERR_OPTION;
    }
    return 0;
}

static s8 set_one(struct wip_bearer_ *br, int opt, va_list *ap)
{
    switch (opt_info[opt].type) {
    case V_STR:
        return set_str(br, opt, va_arg(*ap, const char *));
    case V_U8:
    case V_BOOL:
        return set_num(br, opt, va_arg(*ap, int));
    case V_ADDR:
        br->num[opt] = va_arg(*ap, wip_in_addr_t);
        return 0;
    case V_ETH:
        return set_eth(br, va_arg(*ap, const u8 *));
    case V_ERROR:
        break;
    }
    return WIP_BERR_OPTION;
}

/* Options apply one by one; the first error stops the list (the ones before it stay set). */
static s8 set_list(struct wip_bearer_ *br, int opt, va_list *ap)
{
    for (; opt != WIP_BOPT_END; opt = va_arg(*ap, int)) {
        s8 rc = opt_usable(br, "wip_bearerSetOpts", opt, false);
        if (!rc)
            rc = set_one(br, opt, ap);
        if (rc)
            return rc;
    }
    return 0;
}

s8 wip_bearerSetOpts(wip_bearer_t br, int opt, ...)
{
    s8 rc = WIP_BERR_BAD_HDL;
    va_list ap;
    va_start(ap, opt);
    oat_wip_lock();
    struct wip_bearer_ *b = check(br, "wip_bearerSetOpts");
    if (b)
        rc = set_list(b, opt, &ap);
    oat_wip_unlock();
    va_end(ap);
    OAT_CALL_RET("wip_bearerSetOpts", rc, oat_berr_name(rc), "%p, %s, ...", (void *)br,
                 opt_name(opt));
    return rc;
}

static void get_value(const struct wip_bearer_ *br, int opt, void *p)
{
    switch (opt_info[opt].type) {
    case V_STR:
        *(const ascii **)p = br->str[opt] ? br->str[opt] : "";
        break;
    case V_U8:
        *(u8 *)p = (u8)br->num[opt];
        break;
    case V_BOOL:
        *(bool *)p = br->num[opt] != 0;
        break;
    case V_ADDR:
        *(wip_in_addr_t *)p = br->state == BR_CONNECTED ? br->live[opt]
                                                        : (wip_in_addr_t)br->num[opt];
        break;
    case V_ETH:
        memcpy(p, br->eth, sizeof br->eth);
        break;
    case V_ERROR:
        *(s8 *)p = br->error;
        break;
    }
}

static s8 get_list(const struct wip_bearer_ *br, int opt, va_list *ap)
{
    for (; opt != WIP_BOPT_END; opt = va_arg(*ap, int)) {
        s8 rc = opt_usable(br, "wip_bearerGetOpts", opt, true);
        if (rc)
            return rc;
        void *p = va_arg(*ap, void *);
        if (!p) {
            oat_warn("wip_bearerGetOpts: %s: NULL pointer (WIP_BERR_PARAM)", opt_name(opt));
            return WIP_BERR_PARAM;
        }
        get_value(br, opt, p);
    }
    return 0;
}

s8 wip_bearerGetOpts(wip_bearer_t br, int opt, ...)
{
    s8 rc = WIP_BERR_BAD_HDL;
    va_list ap;
    va_start(ap, opt);
    oat_wip_lock();
    struct wip_bearer_ *b = check(br, "wip_bearerGetOpts");
    if (b)
        rc = get_list(b, opt, &ap);
    oat_wip_unlock();
    va_end(ap);
    OAT_CALL_RET("wip_bearerGetOpts", rc, oat_berr_name(rc), "%p, %s, ...", (void *)br,
                 opt_name(opt));
    return rc;
}

/* ---- start and stop ---- */

static bool differs(const char *expected, const char *given)
{
    return expected[0] && strcmp(expected, given ? given : "");
}

static s8 sim_cause(void)
{
    if (oat_sim_is_ready())
        return 0;
    return strcmp(oat_sim_cpin_text(), "READY") ? WIP_BERR_PIN_NOT_READY : WIP_BERR_NO_SIM;
}

/* Why this start will fail (0: it will connect), decided now from the spec, SIM and options. */
static s8 start_cause(const struct wip_bearer_ *br, const oat_bearer_cfg *cfg)
{
    unsigned m = 1u << br->kind;
    s8 cause = (s8)cfg->fail;
    if (!cause && (m & (M_GPRS | M_GSM)))
        cause = sim_cause();
    if (!cause && (m & M_GPRS) && differs(cfg->apn, br->str[WIP_BOPT_GPRS_APN]))
        cause = WIP_BERR_GPRS_FAILED;
    if (!cause && (m & (M_GPRS | M_PPP)) &&
        (differs(cfg->login, br->str[WIP_BOPT_LOGIN]) ||
         differs(cfg->password, br->str[WIP_BOPT_PASSWORD])))
        cause = WIP_BERR_PPP_AUTH_FAILED;
    return cause;
}

static s8 start_bearer(struct wip_bearer_ *br)
{
    oat_bearer_cfg cfg;
    char err[256];
    if (br->state != BR_STOPPED) {
        oat_warn("wip_bearerStart: bearer %s is not stopped (WIP_BERR_BAD_STATE)",
                 kind_names[br->kind]);
        return WIP_BERR_BAD_STATE;
    }
    if (oat_bearer_config_parse(oat_wip_cfg()->bearer, &cfg, err, sizeof err)) {
        oat_warn("wip_bearerStart: %s (WIP_BERR_DEV)", err);
        return WIP_BERR_DEV;
    }
    br->gen++;
    br_ev *ev = new_ev(br, EV_CONNECT);
    if (!ev)
        return WIP_BERR_DEV;
    ev->cause = start_cause(br, &cfg);
    ev->drop_us = cfg.drop_us;
    int64_t delay = cfg.delay_us >= 0        ? cfg.delay_us
                    : br->kind == K_ETHER ? OAT_BEARER_ETHER_DELAY_US
                                          : OAT_BEARER_DELAY_US;
    if (br->kind == K_GPRS && oat_gprs_active((int)br->num[WIP_BOPT_GPRS_CID]))
        delay = 0;                 /* the context is already up (ADL or AT+CGACT) */
    br->error = 0;
    br->state = BR_STARTING;
    arm(br, ev, delay);
    return WIP_BERR_OK_INPROGRESS;
}

s8 wip_bearerStart(wip_bearer_t br)
{
    s8 rc = WIP_BERR_BAD_STATE;
    if (oat_net_ready("wip_bearerStart")) {
        oat_wip_lock();
        struct wip_bearer_ *b = check(br, "wip_bearerStart");
        rc = b ? start_bearer(b) : WIP_BERR_BAD_HDL;
        oat_wip_unlock();
    }
    OAT_CALL_RET("wip_bearerStart", rc, oat_berr_name(rc), "%p", (void *)br);
    return rc;
}

static s8 start_server(struct wip_bearer_ *br, wip_bearerServerHandler_f h, void *ctx)
{
    if (!(M_PPP & (1u << br->kind))) {
        oat_warn("wip_bearerStartServer: bearer %s has no server mode (GSM, UART1, UART2 only): "
                 "WIP_BERR_BAD_STATE", kind_names[br->kind]);
        return WIP_BERR_BAD_STATE;
    }
    if (!h) {
        oat_warn("wip_bearerStartServer: handler is NULL (WIP_BERR_PARAM)");
        return WIP_BERR_PARAM;
    }
    if (br->state != BR_STOPPED) {
        oat_warn("wip_bearerStartServer: bearer %s is not stopped (WIP_BERR_BAD_STATE)",
                 kind_names[br->kind]);
        return WIP_BERR_BAD_STATE;
    }
    br->gen++;
    br->server_h = h;
    br->server_ctx = ctx;
    br->error = 0;
    br->state = BR_SERVER;
    oat_info("wip_bearerStartServer: bearer %s waits for a caller; oatemu emulates none, so "
             "no WIP_BEV_DIAL_CALL or WIP_BEV_PPP_AUTH_PEER will come", kind_names[br->kind]);
    return WIP_BERR_OK_INPROGRESS;
}

s8 wip_bearerStartServer(wip_bearer_t br, wip_bearerServerHandler_f h, void *ctx)
{
    s8 rc = WIP_BERR_BAD_STATE;
    if (oat_net_ready("wip_bearerStartServer")) {
        oat_wip_lock();
        struct wip_bearer_ *b = check(br, "wip_bearerStartServer");
        rc = b ? start_server(b, h, ctx) : WIP_BERR_BAD_HDL;
        oat_wip_unlock();
    }
    OAT_CALL_RET("wip_bearerStartServer", rc, oat_berr_name(rc), "%p, %p, %p", (void *)br,
                 (void *)h, ctx);
    return rc;
}

s8 wip_bearerAnswer(wip_bearer_t br)
{
    s8 rc = WIP_BERR_BAD_STATE;
    oat_unsupported("wip_bearerAnswer");
    OAT_CALL_RET("wip_bearerAnswer", rc, oat_berr_name(rc), "%p", (void *)br);
    return rc;
}

static s8 stop_bearer(struct wip_bearer_ *br)
{
    if (br->state == BR_STOPPED || br->state == BR_STOPPING) {
        oat_warn("wip_bearerStop: bearer %s is %s (WIP_BERR_BAD_STATE)", kind_names[br->kind],
                 br->state == BR_STOPPED ? "not started" : "already stopping");
        return WIP_BERR_BAD_STATE;
    }
    cancel_alarm(br);
    br->gen++;
    br->server_h = NULL;
    leave_connected(br, BR_STOPPING);
    post_stopped(br);
    return WIP_BERR_OK_INPROGRESS;
}

s8 wip_bearerStop(wip_bearer_t br)
{
    oat_wip_lock();
    struct wip_bearer_ *b = check(br, "wip_bearerStop");
    s8 rc = b ? stop_bearer(b) : WIP_BERR_BAD_HDL;
    oat_wip_unlock();
    OAT_CALL_RET("wip_bearerStop", rc, oat_berr_name(rc), "%p", (void *)br);
    return rc;
}

/* ---- the PDP context under the GPRS bearer ---- */

/* Lock held: a connected br goes down now, as the network losing it. */
static void drop_now(struct wip_bearer_ *br)
{
    cancel_alarm(br);
    br_ev *drop = new_ev(br, EV_DROP);
    if (drop)
        arm(br, drop, 0);
}

static void context_lost_on_loop(void *arg)
{
    int cid = (int)(intptr_t)arg;
    oat_wip_lock();
    struct wip_bearer_ *br = bearers[K_GPRS];
    if (br && br->state == BR_CONNECTED && (int)br->num[WIP_BOPT_GPRS_CID] == cid) {
        oat_info("bearer GPRS: its context %d was deactivated outside WIP", cid);
        drop_now(br);
    }
    oat_wip_unlock();
}

/* From the loop, so that no caller's lock (AT, GPRS) is held under the WIP lock. */
void oat_bearer_gprs_context_lost(int cid)
{
    oat_loop_call(context_lost_on_loop, (void *)(intptr_t)cid);
}

int oat_bearer_drop_connected(void)
{
    int dropped = 0;
    oat_wip_lock();
    for (int k = 0; k < K_COUNT; k++) {
        if (bearers[k] && bearers[k]->state == BR_CONNECTED) {
            oat_info("bearer %s: dropped by the test", kind_names[k]);
            drop_now(bearers[k]);
            dropped++;
        }
    }
    oat_wip_unlock();
    return dropped;
}
