/* port.c: the port service (which ports exist, OPENED events, serial signals) and the Flow
 * Control Manager, which oatemu does not provide (loud failures). UART1 is the only open
 * port; its signals never change. Handlers only run as events on the subscriber's task. */
#include "adl_error.h"
#include "adl_fcm.h"
#include "adl_port.h"

#include "adl/at_internal.h"
#include "adl/services.h"
#include "core/calls.h"
#include "core/log.h"
#include "core/sched.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct {
    adl_portHdlr_f hdl;
    oat_task *task;
    unsigned polled;                 /* bit per adl_portSignal_e being polled on UART1 */
} port_sub;

static pthread_mutex_t port_mu = PTHREAD_MUTEX_INITIALIZER;
static port_sub port_subs[ADL_PORT_HANDLE_MAX];

/* UART1 always; UART2 and USB once AT+WMFM opened them. */
static bool port_open(adl_port_e port)
{
    return port == ADL_PORT_UART1 ||
           ((port == ADL_PORT_UART2 || port == ADL_PORT_USB) && oat_at_port_is_open(port));
}

typedef struct {
    adl_portHdlr_f hdl;
    adl_portEvent_e event;
    adl_port_e port;
    u8 state;
} port_event;

static void port_event_run(void *arg)
{
    port_event *e = arg;
    OAT_EVENT("port event %d on port %d (state %u) -> handler %p", (int)e->event, (int)e->port,
              (unsigned)e->state, (void *)e->hdl);
    e->hdl(e->event, e->port, e->state);
    free(e);
}

s8 adl_portSubscribe(adl_portHdlr_f PortHandler)
{
    s8 r = ADL_RET_ERR_NO_MORE_HANDLES;
    if (!PortHandler) {
        oat_warn("adl_portSubscribe(NULL): PortHandler is NULL");
        r = ADL_RET_ERR_PARAM;
    } else {
        pthread_mutex_lock(&port_mu);
        for (int i = 0; i < ADL_PORT_HANDLE_MAX; i++) {
            if (!port_subs[i].hdl) {
                port_subs[i] = (port_sub){ PortHandler, oat_task_owner(), 0 };
                r = (s8)i;
                break;
            }
        }
        pthread_mutex_unlock(&port_mu);
        if (r == ADL_RET_ERR_NO_MORE_HANDLES)
            oat_warn("adl_portSubscribe(%p): all %d handles are in use", (void *)PortHandler,
                     ADL_PORT_HANDLE_MAX);
    }
    if (r >= 0) {
        port_event *e = malloc(sizeof *e);
        if (e) {
            *e = (port_event){ PortHandler, ADL_PORT_EVENT_OPENED, ADL_PORT_UART1, 0 };
            oat_task *t = oat_task_owner();
            if (!t)
                free(e);
            else
                oat_post(t, port_event_run, e, free);   /* a refused post already freed e */
        }
    }
    OAT_CALL_RET("adl_portSubscribe", r, r < 0 ? oat_adl_ret_name(r) : NULL, "%p",
                 (void *)PortHandler);
    return r;
}

static bool handle_ok_locked(u8 Handle)
{
    return Handle < ADL_PORT_HANDLE_MAX && port_subs[Handle].hdl;
}

s8 adl_portUnsubscribe(u8 Handle)
{
    s8 r = OK;
    pthread_mutex_lock(&port_mu);
    if (handle_ok_locked(Handle))
        port_subs[Handle] = (port_sub){ NULL, NULL, 0 };
    else
        r = ADL_RET_ERR_UNKNOWN_HDL;
    pthread_mutex_unlock(&port_mu);
    if (r != OK)
        oat_warn("adl_portUnsubscribe(%u): Handle is not subscribed", (unsigned)Handle);
    OAT_CALL_RET("adl_portUnsubscribe", r, oat_adl_ret_name(r), "%u", (unsigned)Handle);
    return r;
}

bool adl_portIsAvailable(adl_port_e Port)
{
    bool avail = port_open(Port);
    OAT_CALL_RET("adl_portIsAvailable", avail, avail ? "TRUE" : "FALSE", "%d", (int)Port);
    return avail;
}

/* Port and signal checks shared by the signal functions; one trace when refused. */
static s8 signal_check(const char *fn, adl_port_e Port, adl_portSignal_e Signal)
{
    if ((unsigned)Signal >= ADL_PORT_SIGNAL_LAST) {
        oat_warn("%s(%d, %d): Signal is not an adl_portSignal_e value", fn, (int)Port, (int)Signal);
        return ADL_RET_ERR_PARAM;
    }
    if (!port_open(Port)) {
        oat_warn("%s(%d, %d): the port is not available (UART1, and UART2/USB after AT+WMFM)", fn, (int)Port,
                 (int)Signal);
        return ADL_RET_ERR_BAD_STATE;
    }
    return OK;
}

s8 adl_portGetSignalState(adl_port_e Port, adl_portSignal_e Signal)
{
    /* The emulated terminal is always ready: CTS and DSR are active. */
    s8 r = signal_check("adl_portGetSignalState", Port, Signal);
    if (r == OK)
        r = 1;
    OAT_CALL_RET("adl_portGetSignalState", r, r < 0 ? oat_adl_ret_name(r) : NULL, "%d, %d",
                 (int)Port, (int)Signal);
    return r;
}

s8 adl_portStartSignalPolling(u8 Handle, adl_port_e Port, adl_portSignal_e Signal,
                              u8 PollingTimerType, u32 PollingTimerValue)
{
    s8 r = signal_check("adl_portStartSignalPolling", Port, Signal);
    if (r == OK && PollingTimerValue == 0) {
        oat_warn("adl_portStartSignalPolling(%u): PollingTimerValue is 0", (unsigned)Handle);
        r = ADL_RET_ERR_PARAM;
    }
    if (r == OK) {
        pthread_mutex_lock(&port_mu);
        if (!handle_ok_locked(Handle))
            r = ADL_RET_ERR_UNKNOWN_HDL;
        else if (port_subs[Handle].polled & (1u << Signal))
            r = ADL_RET_ERR_ALREADY_SUBSCRIBED;
        else
            port_subs[Handle].polled |= 1u << Signal;
        pthread_mutex_unlock(&port_mu);
        if (r != OK)
            oat_warn("adl_portStartSignalPolling(%u, %d, %d): %s", (unsigned)Handle, (int)Port,
                     (int)Signal, r == ADL_RET_ERR_UNKNOWN_HDL ? "Handle is not subscribed"
                                                              : "already polled");
    }
    OAT_CALL_RET("adl_portStartSignalPolling", r, oat_adl_ret_name(r), "%u, %d, %d, %u, %u",
                 (unsigned)Handle, (int)Port, (int)Signal, (unsigned)PollingTimerType,
                 (unsigned)PollingTimerValue);
    return r;
}

s8 adl_portStopSignalPolling(u8 Handle, adl_port_e Port, adl_portSignal_e Signal)
{
    s8 r = signal_check("adl_portStopSignalPolling", Port, Signal);
    if (r == OK) {
        pthread_mutex_lock(&port_mu);
        if (!handle_ok_locked(Handle))
            r = ADL_RET_ERR_UNKNOWN_HDL;
        else if (!(port_subs[Handle].polled & (1u << Signal)))
            r = ADL_RET_ERR_BAD_STATE;
        else
            port_subs[Handle].polled &= ~(1u << Signal);
        pthread_mutex_unlock(&port_mu);
        if (r != OK)
            oat_warn("adl_portStopSignalPolling(%u, %d, %d): %s", (unsigned)Handle, (int)Port,
                     (int)Signal, r == ADL_RET_ERR_UNKNOWN_HDL ? "Handle is not subscribed"
                                                              : "the signal is not polled");
    }
    OAT_CALL_RET("adl_portStopSignalPolling", r, oat_adl_ret_name(r), "%u, %d, %d",
                 (unsigned)Handle, (int)Port, (int)Signal);
    return r;
}

void oat_port_stop(void)
{
    pthread_mutex_lock(&port_mu);
    for (int i = 0; i < ADL_PORT_HANDLE_MAX; i++)
        port_subs[i] = (port_sub){ NULL, NULL, 0 };
    pthread_mutex_unlock(&port_mu);
}

/* ---- Flow Control Manager: not provided ---- */

bool adl_fcmIsAvailable(adl_fcmFlow_e Flow)
{
    oat_unsupported("adl_fcmIsAvailable");
    OAT_CALL_RET("adl_fcmIsAvailable", FALSE, "FALSE", "0x%x", (unsigned)Flow);
    return FALSE;
}

s8 adl_fcmSubscribe(adl_fcmFlow_e Flow, adl_fcmCtrlHdlr_f CtrlHandler, adl_fcmDataHdlr_f DataHandler)
{
    oat_unsupported("adl_fcmSubscribe");
    OAT_CALL_RET("adl_fcmSubscribe", ADL_RET_ERR_BAD_STATE, "ADL_RET_ERR_BAD_STATE", "0x%x, %p, %p",
                 (unsigned)Flow, (void *)CtrlHandler, (void *)DataHandler);
    return ADL_RET_ERR_BAD_STATE;
}

/* The calls that need a subscription: no handle can exist. */
static s8 fcm_no_handle(const char *fn, u8 Handle)
{
    oat_unsupported(fn);
    OAT_CALL_RET(fn, ADL_RET_ERR_UNKNOWN_HDL, "ADL_RET_ERR_UNKNOWN_HDL", "%u", (unsigned)Handle);
    return ADL_RET_ERR_UNKNOWN_HDL;
}

s8 adl_fcmUnsubscribe(u8 Handle)
{
    return fcm_no_handle("adl_fcmUnsubscribe", Handle);
}

s8 adl_fcmReleaseCredits(u8 Handle, u8 NbCredits)
{
    (void)NbCredits;
    return fcm_no_handle("adl_fcmReleaseCredits", Handle);
}

s8 adl_fcmSwitchV24State(u8 Handle, u8 V24State)
{
    (void)V24State;
    return fcm_no_handle("adl_fcmSwitchV24State", Handle);
}

s8 adl_fcmSendData(u8 Handle, u8 *Data, u16 DataLen)
{
    (void)Data;
    (void)DataLen;
    return fcm_no_handle("adl_fcmSendData", Handle);
}

s8 adl_fcmSendDataExt(u8 Handle, adl_fcmDataBlock_t *DataBlock)
{
    (void)DataBlock;
    return fcm_no_handle("adl_fcmSendDataExt", Handle);
}

s8 adl_fcmGetStatus(u8 Handle, adl_fcmWay_e Way)
{
    (void)Way;
    return fcm_no_handle("adl_fcmGetStatus", Handle);
}
