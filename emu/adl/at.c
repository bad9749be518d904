/* at.c: the AT engine: command subscriptions, one command at a time per port, responses
 * (RSP/INT/UNS) and where they go, commands sent by the application, unsolicited handlers.
 * It never calls application code itself: every handler runs as an event on its task. */
#include "adl_at.h"
#include "adl_CmdHandler.h"
#include "adl_CmdStackHandler.h"
#include "adl_RspHandler.h"
#include "adl_UnSoHandler.h"
#include "adl_error.h"
#include "wm_list.h"

#include "adl/at_internal.h"
#include "adl/services.h"
#include "adl/adl_options.h"
#include "core/calls.h"
#include "core/log.h"
#include "core/clock.h"
#include "core/loop.h"
#include "core/repeat.h"
#include "core/sched.h"
#include "core/timer.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define AT_NI_FIRST 1
#define AT_NI_LAST 0xFD            /* 0 = the modem, 0xFE = ADL_NI_LAUNCH */
#define AT_TYPE_FLAGS (ADL_CMD_TYPE_PARA | ADL_CMD_TYPE_TEST | ADL_CMD_TYPE_READ | \
                       ADL_CMD_TYPE_ACT | ADL_CMD_TYPE_ROOT | ADL_CMD_TYPE_ROOT_EXT)
#define AT_ROOT_FLAGS (ADL_CMD_TYPE_ROOT | ADL_CMD_TYPE_ROOT_EXT)
#define AT_ERROR_TEXT "\r\nERROR\r\n"

typedef struct at_sub {
    struct at_sub *next;           /* newest first: the last subscriber wins */
    char *cmd;
    adl_atCmdHandler_t hdl;
    u16 opt;
    void *ctx;
    adl_atCmdSubscriptionPort_e ports;
    oat_task *task;
    u16 ni;
} at_sub;

typedef struct at_unso {
    struct at_unso *next;
    char *prefix;
    adl_atUnSoHandler_t hdl;
    oat_task *task;
} at_unso;

/* A response filter of an application command: a prefix, a standard string id, or "*". */
typedef struct {
    int id;                        /* > 0: an adl_strID_e value */
    char *text;
} at_filter;

typedef struct at_job {
    struct at_job *next;           /* queue order */
    struct at_job *parent;         /* the command whose handler re-sent this one with its NI */
    char *line;                    /* the command running (one part of a concatenated line) */
    char *rest;                    /* the parts after it, NULL when it is the last */
    bool from_app;
    adl_atRspHandler_t rsp;
    oat_task *task;
    at_filter *filters;
    int nfilters;
    bool forward;
    int dest;
    u16 ni;                        /* as given to adl_atCmdSendExt (0 for adl_atCmdCreate) */
    void *ctx;
    u16 handler_ni;                /* the subscription running it, 0 = the modem */
} at_job;

typedef struct {
    int id;
    bool closable;                 /* UART2 and USB: open only after AT+WMFM */
    bool open;
    bool echo;
    at_job *head, *tail;
    at_job *running;
    char *held;                    /* unsolicited text waiting for the terminal response */
    size_t held_len;
    bool pumping;
    oat_alarm *answer_alarm;       /* the modem's answer to the running application command */
} at_port;

/* Unsolicited line shared by the handlers it went to: forwarded once at most. */
typedef struct {
    atomic_int refs;
    bool forwarded;                /* AT lock */
} at_unso_share;

static pthread_mutex_t at_mu = PTHREAD_MUTEX_INITIALIZER;
static at_port at_ports[4] = { { .id = ADL_PORT_UART1 }, { .id = ADL_PORT_OPEN_AT_VIRTUAL_BASE },
                               { .id = ADL_PORT_UART2, .closable = true },
                               { .id = ADL_PORT_USB, .closable = true } };
static at_sub *at_subs;
static at_unso *at_unsos;
static u16 at_next_ni = AT_NI_FIRST;
static int at_inflight;            /* response/unsolicited events not yet run */
static int at_barrier;             /* tasks whose entry point may still be running */
static bool at_started;
static bool at_input_ended;
static bool at_stop_sent;
static char at_line[OAT_AT_LINE_MAX];
static size_t at_line_len;
static bool at_line_overflow;
static bool at_last_cr;

void oat_at_lock(void)
{
    pthread_mutex_lock(&at_mu);
}

void oat_at_unlock(void)
{
    pthread_mutex_unlock(&at_mu);
}

/* An open port (UART1 and the Open AT port always are). */
static at_port *port_find(int id)
{
    for (size_t i = 0; i < sizeof at_ports / sizeof at_ports[0]; i++)
        if (at_ports[i].id == id && (!at_ports[i].closable || at_ports[i].open))
            return &at_ports[i];
    return NULL;
}

bool oat_at_port_is_open(int id)
{
    oat_at_lock();
    bool open = port_find(id) != NULL;
    oat_at_unlock();
    return open;
}

void oat_at_port_set_open_locked(int id, bool open)
{
    for (size_t i = 0; i < sizeof at_ports / sizeof at_ports[0]; i++)
        if (at_ports[i].id == id && at_ports[i].closable)
            at_ports[i].open = open;
}

static at_port *uart1(void)
{
    return &at_ports[0];
}

/* Text to the host side of a port. Only UART1 has one; virtual ports have no listener. */
static void port_write(at_port *p, const char *text, size_t len)
{
    if (p->id == ADL_PORT_UART1 && len > 0)
        oat_term_write(text, len);
}

static bool at_idle_locked(void)
{
    for (size_t i = 0; i < sizeof at_ports / sizeof at_ports[0]; i++)
        if (at_ports[i].running || at_ports[i].head)
            return false;
    return at_inflight == 0 && oat_term_drained();
}

static void check_stop_locked(void)
{
    if (at_input_ended && !at_stop_sent && at_idle_locked()) {
        at_stop_sent = true;
        oat_info("AT: terminal input ended and every response is written: stopping");
        oat_loop_request_stop(0);
    }
}

static void job_free(at_job *j)
{
    if (!j)
        return;
    for (int i = 0; i < j->nfilters; i++)
        free(j->filters[i].text);
    free(j->filters);
    free(j->line);
    free(j->rest);
    free(j);
}

/* ---- events to application tasks ---- */

typedef struct {
    adl_atCmdHandler_t hdl;
    adl_atCmdPreParser_t *pp;
    oat_at_cmd cmd;
} cmd_event;

static void cmd_event_free(void *arg)
{
    cmd_event *e = arg;
    wm_lstDestroy(e->pp->ParaList);
    oat_at_cmd_free(&e->cmd);
    free(e->pp);
    free(e);
}

static void cmd_event_run(void *arg)
{
    cmd_event *e = arg;
    char show[128];
    OAT_EVENT("AT command %s -> handler %p (Type 0x%04x, NbPara %u, Port %d, NI %u)",
              oat_at_show(e->pp->StrData, show, sizeof show), (void *)e->hdl,
              (unsigned)e->pp->Type, (unsigned)e->pp->NbPara, (int)e->pp->Port,
              (unsigned)e->pp->NI);
    e->hdl(e->pp);
    cmd_event_free(e);
}

static void emit_locked(at_port *p, unsigned kind, const char *text, size_t len);

typedef struct {
    adl_atRspHandler_t hdl;        /* NULL: nobody caught the text */
    bool forward;                  /* forward when nobody caught it */
    u16 chain_ni;                  /* sent with a handler's NI: its terminal answers for it */
    adl_atResponse_t *r;
} rsp_event;

/* Event drops run when the module stops, possibly inside oat_post with the AT lock held:
 * they only free memory. */
static void rsp_event_drop(void *arg)
{
    rsp_event *e = arg;
    free(e->r);
    free(e);
}

static void inflight_done(void)
{
    oat_at_lock();
    at_inflight--;
    check_stop_locked();
    oat_at_unlock();
}

/* Post an event the module must see run before it counts as idle. AT lock held. Without a
 * task the event is freed here; a refused post already dropped it. */
static void post_counted_locked(oat_task *t, oat_event_fn fn, void *arg, oat_event_fn drop)
{
    if (!t)
        drop(arg);
    else if (oat_post(t, fn, arg, drop) == 0)
        at_inflight++;
}

static void rsp_event_run(void *arg)
{
    rsp_event *e = arg;
    bool fwd = e->forward;
    if (e->hdl) {
        char show[128];
        OAT_EVENT("AT response %s%s -> handler %p (RspID %d, Dest %d, NI %u)",
                  oat_at_show(e->r->StrData, show, sizeof show),
                  e->r->IsTerminal ? " (terminal)" : "", (void *)e->hdl, (int)e->r->RspID,
                  (int)e->r->Dest, (unsigned)e->r->NI);
        fwd = e->hdl(e->r);
    }
    if (fwd) {
        oat_at_lock();
        at_port *p = port_find(e->r->Dest);
        if (p && e->r->IsTerminal && e->chain_ni && p->running && !p->running->from_app &&
            p->running->handler_ni == e->chain_ni)
            emit_locked(p, ADL_AT_RSP, e->r->StrData, e->r->StrLength);
        else if (p)
            port_write(p, e->r->StrData, e->r->StrLength);
        oat_at_unlock();
    }
    rsp_event_drop(e);
    inflight_done();
}

typedef struct {
    adl_atUnSoHandler_t hdl;
    at_unso_share *share;
    adl_atUnsolicited_t *u;
} unso_event;

static void unso_event_drop(void *arg)
{
    unso_event *e = arg;
    if (atomic_fetch_sub(&e->share->refs, 1) == 1)
        free(e->share);
    free(e->u);
    free(e);
}

static void unso_event_run(void *arg)
{
    unso_event *e = arg;
    char show[128];
    OAT_EVENT("AT unsolicited %s -> handler %p (RspID %d)",
              oat_at_show(e->u->StrData, show, sizeof show), (void *)e->hdl, (int)e->u->RspID);
    bool fwd = e->hdl(e->u);
    if (fwd) {
        oat_at_lock();
        if (!e->share->forwarded) {
            e->share->forwarded = true;
            at_port *p = port_find(e->u->Dest);
            if (p)
                emit_locked(p, ADL_AT_UNS, e->u->StrData, e->u->StrLength);
        }
        oat_at_unlock();
    }
    unso_event_drop(e);
    inflight_done();
}

/* ---- running commands ---- */

static void pump_locked(at_port *p);
static void start_job_locked(at_port *p, at_job *j);

static bool filter_matches(const at_job *j, const char *text, int id)
{
    const char *line = text;
    while (*line == '\r' || *line == '\n')
        line++;
    for (int i = 0; i < j->nfilters; i++) {
        const at_filter *f = &j->filters[i];
        if (f->id > 0 && f->id == id)
            return true;
        if (f->text && (strcmp(f->text, "*") == 0 ||
                        strncasecmp(line, f->text, strlen(f->text)) == 0))
            return true;
    }
    return false;
}

/* A response of a command sent by the application: to its handler if its list names the
 * line (the final one included: spec §2.5), else forwarded or dropped, in order, through
 * its task. */
static void route_app_response(const at_job *j, const char *text, size_t len, bool terminal)
{
    int id = oat_str_id_of(text);
    bool caught = j->rsp && filter_matches(j, text, id);
    if (!caught && !j->forward)
        return;
    rsp_event *e = malloc(sizeof *e);
    adl_atResponse_t *r = malloc(sizeof *r + len);
    if (!e || !r) {
        free(e);
        free(r);
        oat_warn("AT: out of host memory, a response of %s is lost", j->line);
        return;
    }
    memset(r, 0, sizeof *r);
    r->RspID = (adl_strID_e)id;
    r->Dest = (adl_atPort_e)j->dest;
    r->StrLength = (u16)len;
    r->Contxt = j->ctx;
    r->IsTerminal = terminal;
    r->NI = (u8)j->ni;
    r->Type = terminal ? ADL_AT_RSP : ADL_AT_INT;
    memcpy(r->StrData, text, len);
    r->StrData[len] = '\0';
    u16 chain = j->ni != ADL_NI_LAUNCH ? j->ni : 0;
    *e = (rsp_event){ caught ? j->rsp : NULL, j->forward, chain, r };
    post_counted_locked(j->task, rsp_event_run, e, rsp_event_drop);
}

static void held_append(at_port *p, const char *text, size_t len)
{
    char *grown = realloc(p->held, p->held_len + len);
    if (!grown) {
        oat_warn("AT: out of host memory, unsolicited text for port %d is lost", p->id);
        return;
    }
    memcpy(grown + p->held_len, text, len);
    p->held = grown;
    p->held_len += len;
}

static void finish_running_locked(at_port *p)
{
    at_job *j = p->running;
    p->running = j ? j->parent : NULL;
    job_free(j);
    if (p->running)
        return;
    if (p->held_len) {
        port_write(p, p->held, p->held_len);
        free(p->held);
        p->held = NULL;
        p->held_len = 0;
    }
    pump_locked(p);
    check_stop_locked();
}

static void emit_locked(at_port *p, unsigned kind, const char *text, size_t len)
{
    if (kind == ADL_AT_UNS) {
        if (p->running)
            held_append(p, text, len);
        else
            port_write(p, text, len);
        return;
    }
    at_job *j = p->running;
    if (kind == ADL_AT_RSP && j && j->rest && oat_str_id_of(text) == ADL_STR_OK) {
        /* A part of a concatenated line succeeded: the next one runs; one final result. */
        free(j->line);
        j->line = j->rest;
        j->rest = NULL;
        j->handler_ni = 0;
        start_job_locked(p, j);
        return;
    }
    if (j && j->from_app)
        route_app_response(j, text, len, kind == ADL_AT_RSP);
    else
        port_write(p, text, len);
    if (kind == ADL_AT_RSP)
        finish_running_locked(p);
}

void oat_at_emit_locked(int port, unsigned kind, const char *text)
{
    at_port *p = port_find(port);
    if (p && text)
        emit_locked(p, kind, text, strlen(text));
}

void oat_at_set_echo_locked(int port, bool on)
{
    at_port *p = port_find(port);
    if (p)
        p->echo = on;
}

static bool sub_listens(const at_sub *s, int port)
{
    switch (s->ports) {
    case ADL_CMD_SUBSCRIPTION_ONLY_EXTERNAL_PORTS: return port < ADL_PORT_OPEN_AT_VIRTUAL_BASE;
    case ADL_CMD_SUBSCRIPTION_ONLY_OPENAT_PORTS: return port >= ADL_PORT_OPEN_AT_VIRTUAL_BASE;
    default: return true;
    }
}

/* The newest subscription older than 'after' (NULL: all) that takes the command. */
static at_sub *sub_find(const oat_at_cmd *c, int port, const at_sub *after, u16 *type)
{
    at_sub *s = at_subs;
    if (after)
        s = after->next;
    for (; s; s = s->next) {
        if (!sub_listens(s, port))
            continue;
        if (s->opt & AT_ROOT_FLAGS) {
            if (strncasecmp(c->raw, s->cmd, strlen(s->cmd)) == 0) {
                *type = (s->opt & ADL_CMD_TYPE_ROOT) ? ADL_CMD_TYPE_ROOT : ADL_CMD_TYPE_ROOT_EXT;
                return s;
            }
        } else if (strcasecmp(c->name, s->cmd) == 0 && (s->opt & c->type)) {
            *type = (u16)c->type;
            return s;
        }
    }
    return NULL;
}

static at_sub *sub_by_ni(u16 ni)
{
    for (at_sub *s = at_subs; s; s = s->next)
        if (s->ni == ni)
            return s;
    return NULL;
}

static void reply_error_locked(at_port *p)
{
    emit_locked(p, ADL_AT_RSP, AT_ERROR_TEXT, strlen(AT_ERROR_TEXT));
}

/* Hand the command to a subscribed handler, on the subscriber's task. Takes cmd. */
static void dispatch_locked(at_port *p, at_job *j, at_sub *s, u16 type, oat_at_cmd *cmd)
{
    if (type == ADL_CMD_TYPE_PARA) {
        int max = (s->opt >> 4) & 0xF, min = s->opt & 0xF;
        if (cmd->nb_para < min || cmd->nb_para > max) {
            oat_warn("AT: %s has %d parameter(s); the subscription of %s accepts %d to %d "
                     "(Cmdopt 0x%04x): ERROR", cmd->raw, cmd->nb_para, s->cmd, min, max,
                     (unsigned)s->opt);
            oat_at_cmd_free(cmd);
            reply_error_locked(p);
            return;
        }
    }
    size_t len = strlen(cmd->raw);
    cmd_event *e = calloc(1, sizeof *e);
    adl_atCmdPreParser_t *pp = calloc(1, sizeof *pp + len);
    wm_lst_t list = wm_lstCreate(WM_LIST_NONE, NULL);
    if (!e || !pp || !list) {
        oat_warn("AT: out of host memory, %s answered ERROR", cmd->raw);
        free(e);
        free(pp);
        if (list)
            wm_lstDestroy(list);
        oat_at_cmd_free(cmd);
        reply_error_locked(p);
        return;
    }
    if (type == ADL_CMD_TYPE_PARA)
        for (int i = 0; i < cmd->npara; i++)
            wm_lstAddItem(list, cmd->para[i]);
    pp->Type = type;
    pp->NbPara = (u8)(type == ADL_CMD_TYPE_PARA ? cmd->nb_para : 0);
    pp->Port = (adl_atPort_e)p->id;
    pp->ParaList = list;
    pp->StrLength = (u16)len;
    pp->NI = s->ni;
    pp->Contxt = s->ctx;
    memcpy(pp->StrData, cmd->raw, len + 1);
    e->hdl = s->hdl;
    e->pp = pp;
    e->cmd = *cmd;
    memset(cmd, 0, sizeof *cmd);
    j->handler_ni = s->ni;
    if (!s->task || oat_post(s->task, cmd_event_run, e, cmd_event_free) != 0) {
        if (!s->task)
            cmd_event_free(e);
        oat_warn("AT: the task of the handler of %s is gone: ERROR", j->line);
        reply_error_locked(p);
    }
}

static void modem_answer_due(void *arg);

/* Start the job now running on p: a handler, or the modem. It may finish at once. */
static void start_job_locked(at_port *p, at_job *j)
{
    char *first, *rest;
    int split = oat_at_concat_split(j->line, &first, &rest);
    if (split > 0) {
        free(j->line);
        j->line = first;
        j->rest = rest;
    } else if (split < 0) {
        oat_warn("AT: out of host memory, %s answered ERROR", j->line);
        reply_error_locked(p);
        return;
    }
    oat_at_cmd cmd;
    int rc = oat_at_parse(j->line, &cmd);
    if (rc != OAT_AT_PARSE_OK) {
        char show[128];
        oat_warn("AT: %s on port %d: %s: ERROR", oat_at_show(j->line, show, sizeof show), p->id,
                 oat_at_parse_error(rc));
        reply_error_locked(p);
        return;
    }
    at_sub *s = NULL;
    u16 type = 0;
    if (!j->from_app || j->ni == ADL_NI_LAUNCH) {
        s = sub_find(&cmd, p->id, NULL, &type);
    } else if (j->ni != 0) {
        at_sub *after = sub_by_ni(j->ni);
        s = after ? sub_find(&cmd, p->id, after, &type) : NULL;
    }
    if (s) {
        dispatch_locked(p, j, s, type, &cmd);
        return;
    }
    if (j->from_app) {
        /* The module takes time to answer: in virtual time too, so a retry loop moves the
         * clock. Terminal lines are answered at once. */
        p->answer_alarm = oat_alarm_start(oat_now_us() + oat_adl_cfg()->modem_latency_us,
                                          modem_answer_due, p);
        if (p->answer_alarm) {
            oat_at_cmd_free(&cmd);
            return;
        }
        oat_warn("AT: out of host memory, %s is answered without the modem latency", j->line);
    }
    oat_modem_exec_locked(p->id, &cmd);
    oat_at_cmd_free(&cmd);
}

/* The modem latency of the command running on the port (arg) is over: answer it. */
static void modem_answer_due(void *arg)
{
    at_port *p = arg;
    oat_at_lock();
    if (p->answer_alarm && p->running) {
        p->answer_alarm = NULL;
        oat_at_cmd cmd;
        if (oat_at_parse(p->running->line, &cmd) == OAT_AT_PARSE_OK) {
            oat_modem_exec_locked(p->id, &cmd);
            oat_at_cmd_free(&cmd);
        } else {
            reply_error_locked(p);
        }
    }
    oat_at_unlock();
}

static void pump_locked(at_port *p)
{
    if (p->pumping || at_barrier > 0)
        return;
    p->pumping = true;
    while (!p->running && p->head) {
        at_job *j = p->head;
        p->head = j->next;
        if (!p->head)
            p->tail = NULL;
        j->next = NULL;
        p->running = j;
        start_job_locked(p, j);
    }
    p->pumping = false;
}

static void enqueue_locked(at_port *p, at_job *j)
{
    if (p->tail)
        p->tail->next = j;
    else
        p->head = j;
    p->tail = j;
    pump_locked(p);
}

/* ---- the terminal side of UART1 ---- */

static void line_complete_locked(void)
{
    at_line[at_line_len] = '\0';
    size_t len = at_line_len;
    at_line_len = 0;
    if (at_line_overflow) {
        at_line_overflow = false;
        oat_warn("AT: a line longer than %d characters was cut", OAT_AT_LINE_MAX - 1);
    }
    size_t start = 0;
    while (start < len && (at_line[start] == ' ' || at_line[start] == '\t'))
        start++;
    if (start == len)
        return;
    at_job *j = calloc(1, sizeof *j);
    char *line = strdup(at_line + start);
    if (!j || !line) {
        free(j);
        free(line);
        oat_warn("AT: out of host memory, a line typed on UART1 is lost");
        return;
    }
    j->line = line;
    enqueue_locked(uart1(), j);
}

void oat_at_feed(const char *bytes, size_t len)
{
    oat_at_lock();
    at_port *p = uart1();
    for (size_t i = 0; at_started && i < len; i++) {
        char c = bytes[i];
        if (c == '\n' && at_last_cr) {
            at_last_cr = false;
            continue;
        }
        at_last_cr = c == '\r';
        if (c == '\0')
            continue;
        if (p->echo)
            port_write(p, &c, 1);
        if (c == '\r' || c == '\n') {
            line_complete_locked();
        } else if (c == '\b' || c == 0x7f) {
            if (at_line_len > 0)
                at_line_len--;
        } else if (at_line_len < OAT_AT_LINE_MAX - 1) {
            at_line[at_line_len++] = c;
        } else {
            at_line_overflow = true;
        }
    }
    oat_at_unlock();
}

void oat_at_input(const char *bytes, size_t len)
{
    oat_at_feed(bytes, len);
}

void oat_at_input_ended(void)
{
    oat_at_lock();
    if (at_line_len > 0)
        line_complete_locked();
    at_input_ended = true;
    check_stop_locked();
    oat_at_unlock();
}

void oat_at_output_drained(void)
{
    oat_at_lock();
    check_stop_locked();
    oat_at_unlock();
}

bool oat_at_idle(void)
{
    oat_at_lock();
    bool idle = at_idle_locked();
    oat_at_unlock();
    return idle;
}

char *oat_at_take_output(void)
{
    return oat_term_take_output();
}

/* Terminal lines wait until every task ran its entry point, so that commands typed (or
 * piped) at once find the application's subscriptions. */
static void barrier_event(void *arg)
{
    (void)arg;
    oat_at_lock();
    if (at_barrier > 0 && --at_barrier == 0)
        for (size_t i = 0; i < sizeof at_ports / sizeof at_ports[0]; i++)
            pump_locked(&at_ports[i]);
    oat_at_unlock();
}

int oat_at_start(void)
{
    /* Ready before the terminal opens: the I/O thread may read piped input at once. */
    oat_repeat_reset();
    oat_at_lock();
    at_started = true;
    at_inflight = 0;
    at_input_ended = false;
    at_stop_sent = false;
    at_line_len = 0;
    at_last_cr = false;
    at_ports[1].echo = false;
    int tasks = oat_task_count();
    at_barrier = tasks;
    oat_at_unlock();
    if (oat_term_open(oat_adl_cfg()->at) != 0) {
        oat_at_lock();
        at_started = false;
        oat_at_unlock();
        return -1;
    }
    oat_at_lock();
    at_ports[0].echo = oat_term_echo_default();
    oat_at_unlock();
    for (int i = 0; i < tasks; i++)
        if (oat_post(oat_task_by_index(i), barrier_event, NULL, NULL) != 0)
            barrier_event(NULL);
    oat_modem_start();
    oat_sim_start();
    return 0;
}

static void port_reset(at_port *p)
{
    at_job *j = p->running;
    while (j) {
        at_job *parent = j->parent;
        job_free(j);
        j = parent;
    }
    for (j = p->head; j;) {
        at_job *next = j->next;
        job_free(j);
        j = next;
    }
    free(p->held);
    int id = p->id;
    bool closable = p->closable;
    memset(p, 0, sizeof *p);
    p->id = id;
    p->closable = closable;
}

void oat_at_stop(void)
{
    /* Unsolicited text held behind a command that never ended still leaves the port. */
    oat_at_lock();
    at_port *u = uart1();
    if (u->held_len) {
        port_write(u, u->held, u->held_len);
        u->held_len = 0;
    }
    oat_at_unlock();
    oat_term_close();
    oat_modem_stop();
    oat_port_stop();
    /* Cancelled without the AT lock: a due answer may be waiting for it (it then finds no
     * alarm and does nothing). */
    oat_alarm *answers[sizeof at_ports / sizeof at_ports[0]];
    oat_at_lock();
    for (size_t i = 0; i < sizeof at_ports / sizeof at_ports[0]; i++) {
        answers[i] = at_ports[i].answer_alarm;
        at_ports[i].answer_alarm = NULL;
    }
    oat_at_unlock();
    for (size_t i = 0; i < sizeof at_ports / sizeof at_ports[0]; i++)
        if (answers[i])
            oat_alarm_cancel(answers[i]);
    oat_at_lock();
    for (size_t i = 0; i < sizeof at_ports / sizeof at_ports[0]; i++)
        port_reset(&at_ports[i]);
    while (at_subs) {
        at_sub *next = at_subs->next;
        free(at_subs->cmd);
        free(at_subs);
        at_subs = next;
    }
    while (at_unsos) {
        at_unso *next = at_unsos->next;
        free(at_unsos->prefix);
        free(at_unsos);
        at_unsos = next;
    }
    at_next_ni = AT_NI_FIRST;
    at_barrier = 0;
    at_started = false;
    oat_at_unlock();
}

/* ---- subscriptions ---- */

static bool cmd_string_ok(const char *fn, const ascii *Cmdstr)
{
    if (!Cmdstr) {
        oat_warn("%s(NULL): Cmdstr is NULL", fn);
        return false;
    }
    if (strncasecmp(Cmdstr, "AT", 2) != 0) {
        oat_warn("%s(\"%s\"): Cmdstr must start with \"AT\"", fn, Cmdstr);
        return false;
    }
    return true;
}

static s16 subscribe(const char *fn, const ascii *Cmdstr, adl_atCmdHandler_t Cmdhdl, u16 Cmdopt,
                     void *Contxt, adl_atCmdSubscriptionPort_e Port)
{
    if (!cmd_string_ok(fn, Cmdstr))
        return ERROR;
    if (!Cmdhdl) {
        oat_warn("%s(\"%s\"): Cmdhdl is NULL", fn, Cmdstr);
        return ERROR;
    }
    if ((Cmdopt & 0xFF00) == 0 || (Cmdopt & 0xFF00 & ~AT_TYPE_FLAGS)) {
        oat_warn("%s(\"%s\", 0x%04x): Cmdopt must combine ADL_CMD_TYPE_* flags (0x%04x)", fn,
                 Cmdstr, (unsigned)Cmdopt, (unsigned)AT_TYPE_FLAGS);
        return ERROR;
    }
    if ((Cmdopt & ADL_CMD_TYPE_PARA) && (Cmdopt & 0xF) > ((Cmdopt >> 4) & 0xF)) {
        oat_warn("%s(\"%s\", 0x%04x): PARA needs 0xXY with maximum X >= minimum Y", fn, Cmdstr,
                 (unsigned)Cmdopt);
        return ERROR;
    }
    if ((unsigned)Port > ADL_CMD_SUBSCRIPTION_ONLY_OPENAT_PORTS) {
        oat_warn("%s(\"%s\"): Port %d is not an adl_atCmdSubscriptionPort_e value", fn, Cmdstr,
                 (int)Port);
        return ERROR;
    }
    at_sub *s = calloc(1, sizeof *s);
    char *cmd = strdup(Cmdstr);
    if (!s || !cmd) {
        free(s);
        free(cmd);
        oat_warn("%s(\"%s\"): out of host memory", fn, Cmdstr);
        return ERROR;
    }
    oat_at_lock();
    s->cmd = cmd;
    s->hdl = Cmdhdl;
    s->opt = Cmdopt;
    s->ctx = Contxt;
    s->ports = Port;
    s->task = oat_task_owner();
    s->ni = at_next_ni;
    at_next_ni = at_next_ni >= AT_NI_LAST ? AT_NI_FIRST : (u16)(at_next_ni + 1);
    s->next = at_subs;
    at_subs = s;
    oat_at_unlock();
    return OK;
}

s16 adl_atCmdSubscribe(const ascii *Cmdstr, adl_atCmdHandler_t Cmdhdl, u16 Cmdopt)
{
    s16 r = subscribe("adl_atCmdSubscribe", Cmdstr, Cmdhdl, Cmdopt, NULL,
                      ADL_CMD_SUBSCRIPTION_ALL_PORTS);
    OAT_CALL_RET("adl_atCmdSubscribe", r, r == OK ? "OK" : "ERROR", "\"%s\", %p, 0x%04x",
                 Cmdstr ? Cmdstr : "(null)", (void *)Cmdhdl, (unsigned)Cmdopt);
    return r;
}

s16 adl_atCmdSubscribeExt(const ascii *Cmdstr, adl_atCmdHandler_t Cmdhdl, u16 Cmdopt, void *Contxt,
                          adl_atCmdSubscriptionPort_e Port)
{
    s16 r = subscribe("adl_atCmdSubscribeExt", Cmdstr, Cmdhdl, Cmdopt, Contxt, Port);
    OAT_CALL_RET("adl_atCmdSubscribeExt", r, r == OK ? "OK" : "ERROR",
                 "\"%s\", %p, 0x%04x, %p, %d", Cmdstr ? Cmdstr : "(null)", (void *)Cmdhdl,
                 (unsigned)Cmdopt, Contxt, (int)Port);
    return r;
}

s16 adl_atCmdUnSubscribe(const ascii *Cmdstr, adl_atCmdHandler_t Cmdhdl)
{
    s16 r = ERROR;
    if (cmd_string_ok("adl_atCmdUnSubscribe", Cmdstr)) {
        oat_at_lock();
        for (at_sub **pp = &at_subs; *pp; pp = &(*pp)->next) {
            at_sub *s = *pp;
            if (s->hdl == Cmdhdl && strcasecmp(s->cmd, Cmdstr) == 0) {
                *pp = s->next;
                free(s->cmd);
                free(s);
                r = OK;
                break;
            }
        }
        oat_at_unlock();
        if (r != OK)
            oat_warn("adl_atCmdUnSubscribe(\"%s\", %p): this handler is not subscribed to it",
                     Cmdstr, (void *)Cmdhdl);
    }
    OAT_CALL_RET("adl_atCmdUnSubscribe", r, r == OK ? "OK" : "ERROR", "\"%s\", %p",
                 Cmdstr ? Cmdstr : "(null)", (void *)Cmdhdl);
    return r;
}

/* ---- responses from the application ---- */

/* Kind and port of a response Type; ADL_RET_ERR_* (and one trace) when it is wrong. */
static s32 decode_type(const char *fn, u16 Type, unsigned *kind, at_port **p)
{
    *kind = Type & 0xFF;
    int port = Type >> 8;
    if (*kind != ADL_AT_RSP && *kind != ADL_AT_UNS && *kind != ADL_AT_INT) {
        oat_warn("%s(0x%04x): the kind 0x%02x is not ADL_AT_RSP, ADL_AT_UNS or ADL_AT_INT", fn,
                 (unsigned)Type, *kind);
        return ADL_RET_ERR_PARAM;
    }
    *p = NULL;
    if (port != ADL_PORT_NONE) {
        *p = port_find(port);
        if (!*p) {
            oat_warn("%s(0x%04x): port %d is not open (UART1 and the Open AT port are; "
                     "AT+WMFM opens UART2 and USB)", fn, (unsigned)Type, port);
            return ADL_RET_ERR_UNKNOWN_HDL;
        }
    }
    return OK;
}

static at_port *port_running_ni(u16 ni)
{
    for (size_t i = 0; i < sizeof at_ports / sizeof at_ports[0]; i++)
        if (at_ports[i].running && at_ports[i].running->handler_ni == ni)
            return &at_ports[i];
    return NULL;
}

/* One response: the port of Type (or, with spe, of the command handled under NI). */
static s32 send_response(const char *fn, u16 Type, const char *text, bool spe, u16 ni)
{
    unsigned kind;
    at_port *p;
    if (!text) {
        oat_warn("%s(0x%04x): the text is NULL", fn, (unsigned)Type);
        return ADL_RET_ERR_PARAM;
    }
    s32 r = decode_type(fn, Type, &kind, &p);
    if (r != OK)
        return r;
    oat_at_lock();
    if (spe) {
        at_port *by_ni = port_running_ni(ni);
        if (by_ni)
            p = by_ni;
        else
            oat_warn("%s(0x%04x, NI %u): no running command has this NI; using the port of Type",
                     fn, (unsigned)Type, (unsigned)ni);
    }
    size_t len = strlen(text);
    if (p) {
        emit_locked(p, kind, text, len);
    } else if (kind == ADL_AT_UNS) {
        for (size_t i = 0; i < sizeof at_ports / sizeof at_ports[0]; i++)
            emit_locked(&at_ports[i], kind, text, len);
    } else {
        at_port *open_at = port_find(ADL_PORT_OPEN_AT_VIRTUAL_BASE);
        if (kind == ADL_AT_RSP && !uart1()->running && open_at->running &&
            open_at->running->handler_ni)
            oat_warn("%s(0x%04x): goes to UART1, while the command on port 0x%02x still waits "
                     "for its terminal response (give the port: ADL_AT_PORT_TYPE(Port, ...))",
                     fn, (unsigned)Type, ADL_PORT_OPEN_AT_VIRTUAL_BASE);
        emit_locked(uart1(), kind, text, len);
    }
    oat_at_unlock();
    return OK;
}

static void log_send(const char *fn, s32 r, u16 Type, const char *text)
{
    char show[128];
    OAT_CALL_RET(fn, r, oat_adl_ret_name(r), "0x%04x, %s", (unsigned)Type,
                 oat_at_show(text, show, sizeof show));
}

s32 adl_atSendResponse(u16 Type, const ascii *Text)
{
    s32 r = send_response("adl_atSendResponse", Type, Text, false, 0);
    log_send("adl_atSendResponse", r, Type, Text);
    return r;
}

s32 adl_atSendResponseSpe(u16 Type, const ascii *Text, u16 NI)
{
    s32 r = send_response("adl_atSendResponseSpe", Type, Text, true, NI);
    log_send("adl_atSendResponseSpe", r, Type, Text);
    return r;
}

static s32 send_std(const char *fn, u16 Type, adl_strID_e RspID, const char *arg, bool spe, u16 ni)
{
    char *text = oat_str_response(RspID, arg);
    if (!text) {
        oat_warn("%s(0x%04x, %d): RspID is not an adl_strID_e value", fn, (unsigned)Type,
                 (int)RspID);
        return ADL_RET_ERR_PARAM;
    }
    s32 r = send_response(fn, Type, text, spe, ni);
    log_send(fn, r, Type, text);
    free(text);
    return r;
}

s32 adl_atSendStdResponse(u16 Type, adl_strID_e RspID)
{
    return send_std("adl_atSendStdResponse", Type, RspID, NULL, false, 0);
}

s32 adl_atSendStdResponseSpe(u16 Type, adl_strID_e RspID, u16 NI)
{
    return send_std("adl_atSendStdResponseSpe", Type, RspID, NULL, true, NI);
}

s32 adl_atSendStdResponseExt(u16 Type, adl_strID_e RspID, u32 arg)
{
    char num[16];
    snprintf(num, sizeof num, "%u", (unsigned)arg);
    return send_std("adl_atSendStdResponseExt", Type, RspID, num, false, 0);
}

s32 adl_atSendStdResponseExtSpe(u16 Type, adl_strID_e RspID, u32 arg, u16 NI)
{
    char num[16];
    snprintf(num, sizeof num, "%u", (unsigned)arg);
    return send_std("adl_atSendStdResponseExtSpe", Type, RspID, num, true, NI);
}

s32 adl_atSendStdResponseExtStr(u16 Type, adl_strID_e RspID, const ascii *arg)
{
    return send_std("adl_atSendStdResponseExtStr", Type, RspID, arg ? arg : "", false, 0);
}

s32 adl_atSendStdResponseExtStrSpe(u16 Type, adl_strID_e RspID, const ascii *arg, u16 NI)
{
    return send_std("adl_atSendStdResponseExtStrSpe", Type, RspID, arg ? arg : "", true, NI);
}

s32 adl_atSendUnsoResponse(adl_port_e Port, const ascii *Text, bool RIpulse)
{
    s32 r = send_response("adl_atSendUnsoResponse", ADL_AT_PORT_TYPE(Port, ADL_AT_UNS), Text,
                          false, 0);
    char show[128];
    OAT_CALL_RET("adl_atSendUnsoResponse", r, oat_adl_ret_name(r), "%d, %s, %s", (int)Port,
                 oat_at_show(Text, show, sizeof show), RIpulse ? "TRUE" : "FALSE");
    return r;
}

/* ---- unsolicited lines of the modem ---- */

void oat_at_unsolicited_locked(const char *text)
{
    const char *line = text;
    while (*line == '\r' || *line == '\n')
        line++;
    size_t len = strlen(text);
    at_unso_share *share = NULL;
    int posted = 0;
    for (at_unso *u = at_unsos; u; u = u->next) {
        if (strcmp(u->prefix, "*") != 0 && strncasecmp(line, u->prefix, strlen(u->prefix)) != 0)
            continue;
        if (!share) {
            share = calloc(1, sizeof *share);
            if (!share)
                break;
            atomic_init(&share->refs, 1);   /* held by this loop until it ends */
        }
        unso_event *e = malloc(sizeof *e);
        adl_atUnsolicited_t *m = calloc(1, sizeof *m + len);
        if (!e || !m) {
            free(e);
            free(m);
            continue;
        }
        m->RspID = (adl_strID_e)oat_str_id_of(text);
        m->Dest = ADL_PORT_UART1;
        m->StrLength = (u16)len;
        m->RiPulse = FALSE;
        memcpy(m->StrData, text, len + 1);
        *e = (unso_event){ u->hdl, share, m };
        atomic_fetch_add(&share->refs, 1);
        posted++;
        post_counted_locked(u->task, unso_event_run, e, unso_event_drop);
    }
    if (share && atomic_fetch_sub(&share->refs, 1) == 1)
        free(share);
    if (posted == 0)
        emit_locked(uart1(), ADL_AT_UNS, text, len);
}

s16 adl_atUnSoSubscribe(const ascii *UnSostr, adl_atUnSoHandler_t UnSohdl)
{
    s16 r = OK;
    if (!UnSostr || !UnSostr[0] || !UnSohdl) {
        oat_warn("adl_atUnSoSubscribe(%s%s%s, %p): %s", UnSostr ? "\"" : "",
                 UnSostr ? UnSostr : "NULL", UnSostr ? "\"" : "", (void *)UnSohdl,
                 UnSohdl ? "the prefix is NULL or empty" : "the handler is NULL");
        r = ERROR;
    } else {
        at_unso *u = calloc(1, sizeof *u);
        char *prefix = strdup(UnSostr);
        if (!u || !prefix) {
            free(u);
            free(prefix);
            oat_warn("adl_atUnSoSubscribe(\"%s\"): out of host memory", UnSostr);
            r = ERROR;
        } else {
            u->prefix = prefix;
            u->hdl = UnSohdl;
            u->task = oat_task_owner();
            oat_at_lock();
            u->next = at_unsos;
            at_unsos = u;
            oat_at_unlock();
        }
    }
    OAT_CALL_RET("adl_atUnSoSubscribe", r, r == OK ? "OK" : "ERROR", "\"%s\", %p",
                 UnSostr ? UnSostr : "(null)", (void *)UnSohdl);
    return r;
}

s16 adl_atUnSoUnSubscribe(const ascii *UnSostr, adl_atUnSoHandler_t UnSohdl)
{
    s16 r = ERROR;
    if (UnSostr) {
        oat_at_lock();
        for (at_unso **pp = &at_unsos; *pp; pp = &(*pp)->next) {
            at_unso *u = *pp;
            if (u->hdl == UnSohdl && strcasecmp(u->prefix, UnSostr) == 0) {
                *pp = u->next;
                free(u->prefix);
                free(u);
                r = OK;
                break;
            }
        }
        oat_at_unlock();
    }
    if (r != OK)
        oat_warn("adl_atUnSoUnSubscribe(%s, %p): this handler is not subscribed to it",
                 UnSostr ? UnSostr : "NULL", (void *)UnSohdl);
    OAT_CALL_RET("adl_atUnSoUnSubscribe", r, r == OK ? "OK" : "ERROR", "\"%s\", %p",
                 UnSostr ? UnSostr : "(null)", (void *)UnSohdl);
    return r;
}

/* ---- commands sent by the application ---- */

/* Read the NULL-terminated filter list. Identifiers arrive as small integers in a pointer
 * slot; only their low 32 bits are meaningful (an int passed through '...'). */
static int read_filters(at_job *j, va_list ap)
{
    int cap = 0;
    for (;;) {
        const char *item = va_arg(ap, const char *);
        uintptr_t low = (uintptr_t)item & 0xFFFFFFFFu;
        if (low == 0)
            return 0;
        if (j->nfilters == cap) {
            cap = cap ? cap * 2 : 4;
            at_filter *grown = realloc(j->filters, (size_t)cap * sizeof *grown);
            if (!grown)
                return -1;
            j->filters = grown;
        }
        at_filter *f = &j->filters[j->nfilters];
        f->id = 0;
        f->text = NULL;
        if (low < ADL_STR_LAST) {
            f->id = (int)low;
        } else {
            f->text = strdup(item);
            if (!f->text)
                return -1;
        }
        j->nfilters++;
    }
}

static s8 send_command(const char *fn, const ascii *atstr, int port, bool forward, int dest,
                       u16 ni, void *ctx, adl_atRspHandler_t rsphdl, va_list ap)
{
    if (!atstr) {
        oat_warn("%s(NULL): atstr is NULL", fn);
        return ADL_RET_ERR_PARAM;
    }
    at_port *p = port_find(port);
    if (!p) {
        oat_warn("%s(\"%s\"): port %d is not open (UART1 and the Open AT port are; "
                 "AT+WMFM opens UART2 and USB)", fn, atstr, port);
        return ADL_RET_ERR_UNKNOWN_HDL;
    }
    if (!port_find(dest)) {
        oat_warn("%s(\"%s\"): forward port %d is not open", fn, atstr, dest);
        return ADL_RET_ERR_UNKNOWN_HDL;
    }
    at_job *j = calloc(1, sizeof *j);
    if (!j || !(j->line = strdup(atstr)) || read_filters(j, ap) != 0) {
        job_free(j);
        oat_warn("%s(\"%s\"): out of host memory", fn, atstr);
        return ADL_RET_ERR_PARAM;
    }
    j->from_app = true;
    j->rsp = rsphdl;
    j->task = oat_task_owner();
    j->forward = forward;
    j->dest = dest;
    j->ni = ni;
    j->ctx = ctx;
    oat_repeat_note("AT command", atstr);
    oat_at_lock();
    s8 r = OK;
    if (ni != 0 && ni != ADL_NI_LAUNCH && !sub_by_ni(ni)) {
        oat_warn("%s(\"%s\", NI %u): NI names no subscribed handler", fn, atstr, (unsigned)ni);
        r = ADL_RET_ERR_PARAM;
        job_free(j);
    } else if (ni != 0 && ni != ADL_NI_LAUNCH && p->running && p->running->handler_ni == ni) {
        /* The handler running on this port hands its command on: it runs now, inside. */
        j->parent = p->running;
        p->running = j;
        start_job_locked(p, j);
    } else {
        enqueue_locked(p, j);
    }
    oat_at_unlock();
    return r;
}

s8 adl_atCmdCreate(const ascii *atstr, u16 rspflag, adl_atRspHandler_t rsphdl, ...)
{
    int port = rspflag >> 8;
    int dest = port;
    if (port == ADL_PORT_NONE) {
        port = ADL_PORT_OPEN_AT_VIRTUAL_BASE;
        dest = ADL_PORT_UART1;
    }
    va_list ap;
    va_start(ap, rsphdl);
    s8 r = send_command("adl_atCmdCreate", atstr, port, (rspflag & 0xFF) != 0, dest, 0, NULL,
                        rsphdl, ap);
    va_end(ap);
    OAT_CALL_RET("adl_atCmdCreate", r, oat_adl_ret_name(r), "\"%s\", 0x%04x, %p",
                 atstr ? atstr : "(null)", (unsigned)rspflag, (void *)rsphdl);
    return r;
}

s8 adl_atCmdSend(const ascii *atstr, adl_atRspHandler_t rsphdl, ...)
{
    va_list ap;
    va_start(ap, rsphdl);
    s8 r = send_command("adl_atCmdSend", atstr, ADL_PORT_OPEN_AT_VIRTUAL_BASE, false,
                        ADL_PORT_UART1, 0, NULL, rsphdl, ap);
    va_end(ap);
    OAT_CALL_RET("adl_atCmdSend", r, oat_adl_ret_name(r), "\"%s\", %p",
                 atstr ? atstr : "(null)", (void *)rsphdl);
    return r;
}

s8 adl_atCmdSendExt(const ascii *atstr, adl_atPort_e port, u16 NI, void *Contxt,
                    adl_atRspHandler_t rsphdl, ...)
{
    int run_on = port == ADL_PORT_NONE ? ADL_PORT_OPEN_AT_VIRTUAL_BASE : (int)port;
    int dest = port == ADL_PORT_NONE ? ADL_PORT_UART1 : (int)port;
    /* A command handed on with a handler's NI answers for that handler's command: lines its
     * list does not name go to the port, so the waiting command gets its final line. */
    bool hand_on = NI != 0 && NI != ADL_NI_LAUNCH;
    va_list ap;
    va_start(ap, rsphdl);
    s8 r = send_command("adl_atCmdSendExt", atstr, run_on, hand_on, dest, NI, Contxt, rsphdl,
                        ap);
    va_end(ap);
    OAT_CALL_RET("adl_atCmdSendExt", r, oat_adl_ret_name(r), "\"%s\", %d, %u, %p, %p",
                 atstr ? atstr : "(null)", (int)port, (unsigned)NI, Contxt, (void *)rsphdl);
    return r;
}

s8 adl_atCmdSendText(adl_port_e port, const ascii *text)
{
    oat_warn("adl_atCmdSendText(%d): no command waits for text on this port (the modem model "
             "has no text-mode command)", (int)port);
    OAT_CALL_RET("adl_atCmdSendText", ADL_RET_ERR_BAD_STATE, "ADL_RET_ERR_BAD_STATE", "%d, %s",
                 (int)port, text ? "text" : "NULL");
    return ADL_RET_ERR_BAD_STATE;
}
