/* net.c: the WIP stack as a whole: wip_netInit / wip_netInitOpts / wip_netExit, the
 * stack-wide options, wip_debug and its port and level, and the module's stop hook for the
 * WIP layer. */
#include "wip/wip_internal.h"
#include "adl_RspHandler.h"
#include "core/calls.h"
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool net_up;
static int debug_port = WIP_NET_DEBUG_PORT_TRACE;
static int debug_level = WIP_DEBUG_LEVEL_DEFAULT;    /* 0: wip_debug prints nothing */

typedef struct {
    const char *name;
    unsigned min, max;
} net_opt_range;

static const net_opt_range net_opts[WIP_NET_OPT_LAST] = {
    [WIP_NET_OPT_DEBUG_PORT] = { "WIP_NET_OPT_DEBUG_PORT", 0, 3 },
    [WIP_NET_OPT_IP_TTL] = { "WIP_NET_OPT_IP_TTL", 1, 255 },
    [WIP_NET_OPT_IP_TOS] = { "WIP_NET_OPT_IP_TOS", 0, 255 },
    [WIP_NET_OPT_IP_FRAG_TIMEO] = { "WIP_NET_OPT_IP_FRAG_TIMEO", 1, UINT16_MAX },
    [WIP_NET_OPT_TCP_MAXINITWIN] = { "WIP_NET_OPT_TCP_MAXINITWIN", 0, UINT16_MAX },
    [WIP_NET_OPT_TCP_MIN_MSS] = { "WIP_NET_OPT_TCP_MIN_MSS", 536, 1460 },
    [WIP_NET_OPT_SOCK_MAX] = { "WIP_NET_OPT_SOCK_MAX", 1, 1024 },
    [WIP_NET_OPT_BUF_MAX] = { "WIP_NET_OPT_BUF_MAX", 1, UINT16_MAX },
    [WIP_NET_OPT_RSLV_QUERY_TIMEOUT] = { "WIP_NET_OPT_RSLV_QUERY_TIMEOUT", 1, 255 },
    [WIP_NET_OPT_RSLV_QUERY_RETRIES] = { "WIP_NET_OPT_RSLV_QUERY_RETRIES", 0, 255 },
    [WIP_NET_OPT_IP_ROUTE] = { "WIP_NET_OPT_IP_ROUTE", 0, 1 },
};

bool oat_net_ready(const char *fn)
{
    oat_wip_lock();
    bool up = net_up;
    oat_wip_unlock();
    if (!up)
        oat_warn("%s: the WIP stack is not initialised: call wip_netInit first", fn);
    return up;
}

static void net_start(int port)
{
    oat_wip_lock();
    if (net_up)
        oat_info("wip_netInit: the stack is already initialised");
    net_up = true;
    debug_port = port;
    oat_wip_unlock();
}

/* Check every option before applying any. */
static s8 init_opts(int opt, va_list *ap)
{
    int port = WIP_NET_DEBUG_PORT_TRACE;
    for (; opt != WIP_NET_OPT_END; opt = va_arg(*ap, int)) {
        if (opt <= WIP_NET_OPT_END || opt >= WIP_NET_OPT_LAST) {
            oat_warn("wip_netInitOpts: unknown option %d; the stack is not initialised", opt);
            return ERROR;
        }
        unsigned v = va_arg(*ap, unsigned);
        const net_opt_range *r = &net_opts[opt];
        if (v < r->min || v > r->max) {
            oat_warn("wip_netInitOpts: %s = %u is out of range %u..%u; the stack is not initialised",
                     r->name, v, r->min, r->max);
            return ERROR;
        }
        if (opt == WIP_NET_OPT_DEBUG_PORT)
            port = (int)v;
    }
    net_start(port);
    return OK;
}

s8 wip_netInit(void)
{
    s8 rc = OK;
    net_start(WIP_NET_DEBUG_PORT_TRACE);
    OAT_CALL_RET("wip_netInit", rc, NULL, "%s", "");
    return rc;
}

s8 wip_netInitOpts(int opt, ...)
{
    va_list ap;
    va_start(ap, opt);
    s8 rc = init_opts(opt, &ap);
    va_end(ap);
    OAT_CALL_RET("wip_netInitOpts", rc, NULL, "%d, ...", opt);
    return rc;
}

s8 wip_netExit(void)
{
    s8 rc = OK;
    oat_wip_lock();
    if (!net_up) {
        oat_warn("wip_netExit: the stack is not initialised");
        rc = ERROR;
    } else {
        oat_chan_reset(false);
        oat_bearer_reset();
        net_up = false;
    }
    oat_wip_unlock();
    OAT_CALL_RET("wip_netExit", rc, NULL, "%s", "");
    return rc;
}

s32 wip_debug(const ascii *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt ? fmt : "(null)", ap);
    va_end(ap);
    if (n < 0)
        return ERROR;
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        text[--len] = '\0';
    oat_wip_lock();
    int port = debug_level > 0 ? debug_port : WIP_NET_DEBUG_PORT_NONE;
    oat_wip_unlock();
    if (port == WIP_NET_DEBUG_PORT_UART1) {
        char line[sizeof text + 4];
        snprintf(line, sizeof line, "\r\n%s\r\n", text);
        adl_atSendResponse(ADL_AT_PORT_TYPE(ADL_PORT_UART1, ADL_AT_UNS), line);
    }
    else if (port != WIP_NET_DEBUG_PORT_NONE)
        oat_log_line("wip", text, len);
    return (s32)len;
}

s8 wip_debugSetPort(u8 port)
{
    if (port > WIP_NET_DEBUG_PORT_TRACE) {
        oat_warn("wip_debugSetPort(%u): not a WIP_NET_DEBUG_PORT_* value; the port is unchanged",
                 (unsigned)port);
        OAT_CALL_RET("wip_debugSetPort", ERROR, "ERROR", "%u", (unsigned)port);
        return ERROR;
    }
    oat_wip_lock();
    debug_port = port;
    oat_wip_unlock();
    OAT_CALL_RET("wip_debugSetPort", OK, "OK", "%u", (unsigned)port);
    return OK;
}

s8 wip_debugSetTraceLevel(u8 level)
{
    oat_wip_lock();
    debug_level = level;
    oat_wip_unlock();
    OAT_CALL_RET("wip_debugSetTraceLevel", OK, "OK", "%u", (unsigned)level);
    return OK;
}

void oat_wip_stop(void)
{
    oat_wip_lock();
    debug_port = WIP_NET_DEBUG_PORT_TRACE;
    debug_level = WIP_DEBUG_LEVEL_DEFAULT;
    oat_chan_reset(true);
    oat_bearer_reset();
    oat_mport_reset();
    oat_ssl_reset();
    net_up = false;
    oat_wip_unlock();
}
