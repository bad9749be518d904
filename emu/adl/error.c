/* error.c: the error service: the application's error handler, adl_errHalt and the
 * internal errors of oat_err_raise, which halt the module as a reset would, and the
 * backtraces those halts leave. A halted task never runs application code again. */
#include "adl_error.h"

#include "adl/services.h"
#include "core/calls.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/sched.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Backtraces survive oat_err_stop, so a module restarted in the same process (tests) reads
 * them; a halted process does not pass them on (docs/api-coverage.md: partial). The oldest
 * is dropped when the store is full. */
#define BACKTRACE_MAX 16
#define BACKTRACE_LEN 160

static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;
static adl_errHdlr_f err_handler;
/* Set while this thread runs the handler: an error raised inside it resets at once. */
static _Thread_local bool in_handler;

static char backtraces[BACKTRACE_MAX][BACKTRACE_LEN];
static int backtrace_count;
static bool analysis_running;
static s8 analysis_handle;
static int analysis_next;

s8 adl_errSubscribe(adl_errHdlr_f ErrHandler)
{
    s8 r = OK;
    pthread_mutex_lock(&err_lock);
    if (ErrHandler == NULL)
        r = ADL_RET_ERR_PARAM;
    else if (err_handler != NULL)
        r = ADL_RET_ERR_ALREADY_SUBSCRIBED;
    else
        err_handler = ErrHandler;
    pthread_mutex_unlock(&err_lock);
    if (r == ADL_RET_ERR_PARAM)
        oat_warn("adl_errSubscribe(NULL): the handler is NULL");
    else if (r != OK)
        oat_warn("adl_errSubscribe(%p): a handler is already subscribed; only one is kept",
                 (void *)ErrHandler);
    OAT_CALL_RET("adl_errSubscribe", r, oat_adl_ret_name(r), "%p", (void *)ErrHandler);
    return r;
}

s8 adl_errUnsubscribe(adl_errHdlr_f ErrHandler)
{
    s8 r = OK;
    pthread_mutex_lock(&err_lock);
    if (err_handler == NULL)
        r = ADL_RET_ERR_NOT_SUBSCRIBED;
    else if (ErrHandler != err_handler)
        r = ADL_RET_ERR_UNKNOWN_HDL;
    else
        err_handler = NULL;
    pthread_mutex_unlock(&err_lock);
    if (r == ADL_RET_ERR_NOT_SUBSCRIBED)
        oat_warn("adl_errUnsubscribe(%p): no handler is subscribed", (void *)ErrHandler);
    else if (r != OK)
        oat_warn("adl_errUnsubscribe(%p): this is not the subscribed handler",
                 (void *)ErrHandler);
    OAT_CALL_RET("adl_errUnsubscribe", r, oat_adl_ret_name(r), "%p", (void *)ErrHandler);
    return r;
}

static void record_backtrace(unsigned id, const char *text)
{
    oat_task *t = oat_task_current();
    const char *task = t != NULL ? oat_task_name(t) : NULL;
    pthread_mutex_lock(&err_lock);
    if (backtrace_count == BACKTRACE_MAX) {
        memmove(backtraces[0], backtraces[1], sizeof backtraces[0] * (BACKTRACE_MAX - 1));
        backtrace_count--;
        if (analysis_next > 0)
            analysis_next--;
    }
    snprintf(backtraces[backtrace_count++], BACKTRACE_LEN, "error 0x%04x \"%s\" in task %s", id,
             text, task != NULL ? task : "none");
    pthread_mutex_unlock(&err_lock);
}

static bool never_ready(void *arg)
{
    (void)arg;
    return false;
}

/* The module's reaction to a fatal error: ask the handler, then reset unless it refused.
 * who names the error in traces. */
static void halt(const char *who, unsigned id, const char *text)
{
    pthread_mutex_lock(&err_lock);
    adl_errHdlr_f handler = err_handler;
    pthread_mutex_unlock(&err_lock);
    /* The I/O thread never runs application code: an error raised there resets at once. */
    bool reset = true;
    if (handler != NULL && !in_handler && !oat_loop_is_current()) {
        in_handler = true;
        reset = handler((u16)id, (ascii *)text);
        in_handler = false;
    }
    if (!reset) {
        oat_info("%s: the error handler returned FALSE; the module goes on", who);
        return;
    }
    record_backtrace(id, text);
    oat_warn("%s: the module resets", who);
    oat_loop_request_stop(OAT_EXIT_HALT);
    if (oat_task_current() != NULL) {
        /* The task must not return to application code; it ends when the module stops. */
        for (;;)
            oat_task_block(never_ready, NULL, -1);
    }
}

void adl_errHalt(u16 ErrorID, const ascii *ErrorStr)
{
    const char *text = ErrorStr != NULL ? ErrorStr : "";
    OAT_CALL_VOID("adl_errHalt", "0x%x, \"%s\"", (unsigned)ErrorID, text);
    if (ErrorID < ADL_ERR_LEVEL_APP)
        oat_warn("adl_errHalt(0x%x, \"%s\"): ErrorID is below ADL_ERR_LEVEL_APP (0x100), "
                 "which is reserved to the system; halting all the same",
                 (unsigned)ErrorID, text);
    char who[BACKTRACE_LEN];
    snprintf(who, sizeof who, "adl_errHalt(0x%x, \"%s\")", (unsigned)ErrorID, text);
    halt(who, ErrorID, text);
}

void oat_err_raise(unsigned id, const char *text)
{
    char who[BACKTRACE_LEN];
    snprintf(who, sizeof who, "internal error 0x%x (\"%s\")", id, text);
    halt(who, id, text);
}

void oat_err_stop(void)
{
    pthread_mutex_lock(&err_lock);
    err_handler = NULL;
    analysis_running = false;
    pthread_mutex_unlock(&err_lock);
}

s8 adl_errEraseAllBacktraces(void)
{
    s8 r = OK;
    pthread_mutex_lock(&err_lock);
    if (analysis_running)
        r = ADL_RET_ERR_BAD_STATE;
    else
        backtrace_count = 0;
    pthread_mutex_unlock(&err_lock);
    if (r != OK)
        oat_warn("adl_errEraseAllBacktraces: an analysis is running; read it to the end first");
    OAT_CALL_RET("adl_errEraseAllBacktraces", r, oat_adl_ret_name(r), "%s", "");
    return r;
}

s8 adl_errStartBacktraceAnalysis(void)
{
    s8 r;
    pthread_mutex_lock(&err_lock);
    if (analysis_running) {
        r = ADL_RET_ERR_BAD_STATE;
    } else {
        analysis_running = true;
        analysis_next = 0;
        analysis_handle = (s8)((analysis_handle + 1) & 0x7F);
        r = analysis_handle;
    }
    pthread_mutex_unlock(&err_lock);
    if (r < 0)
        oat_warn("adl_errStartBacktraceAnalysis: an analysis is already running");
    OAT_CALL_RET("adl_errStartBacktraceAnalysis", r, r < 0 ? oat_adl_ret_name(r) : NULL, "%s", "");
    return r;
}

adl_errAnalysisState_e adl_errGetAnalysisState(void)
{
    pthread_mutex_lock(&err_lock);
    adl_errAnalysisState_e state =
        analysis_running ? ADL_ERR_ANALYSIS_STATE_RUNNING : ADL_ERR_ANALYSIS_STATE_IDLE;
    pthread_mutex_unlock(&err_lock);
    OAT_CALL_RET("adl_errGetAnalysisState", state,
                 state == ADL_ERR_ANALYSIS_STATE_RUNNING ? "ADL_ERR_ANALYSIS_STATE_RUNNING"
                                                        : "ADL_ERR_ANALYSIS_STATE_IDLE",
                 "%s", "");
    return state;
}

s32 adl_errRetrieveNextBacktrace(u8 Handle, u8 *BacktraceBuffer, u16 Size)
{
    s32 r;
    const char *why = NULL;
    pthread_mutex_lock(&err_lock);
    if (!analysis_running || Handle != (u8)analysis_handle) {
        r = ADL_RET_ERR_UNKNOWN_HDL;
        why = analysis_running ? "not the handle of the running analysis"
                               : "no analysis is running";
    } else if (analysis_next >= backtrace_count) {
        r = ADL_RET_ERR_DONE;
        analysis_running = false;
    } else {
        const char *bt = backtraces[analysis_next];
        r = (s32)strlen(bt) + 1;
        /* With a NULL buffer this is a size query: the backtrace stays the next one. */
        if (BacktraceBuffer != NULL && Size < r) {
            why = "the buffer is smaller than the backtrace (ask with a NULL buffer)";
            r = ADL_RET_ERR_PARAM;
        } else if (BacktraceBuffer != NULL) {
            memcpy(BacktraceBuffer, bt, (size_t)r);
            analysis_next++;
        }
    }
    pthread_mutex_unlock(&err_lock);
    if (why != NULL)
        oat_warn("adl_errRetrieveNextBacktrace(%u, %p, %u): %s", (unsigned)Handle,
                 (void *)BacktraceBuffer, (unsigned)Size, why);
    OAT_CALL_RET("adl_errRetrieveNextBacktrace", r, r < 0 ? oat_adl_ret_name(r) : NULL, "%u, %p, %u",
                 (unsigned)Handle, (void *)BacktraceBuffer, (unsigned)Size);
    return r;
}
