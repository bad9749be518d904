/* wip_options.c: parses and keeps the WIP layer's options: host name redirections, exposed
 * server ports, the bearer's behaviour, the host connect timeout, the TLS key log, the
 * capture file, scripted faults, the module's radio link and its CPU for TLS. */
#include "wip/wip_options.h"
#include "core/config.h"
#include "wip/fault.h"
#include "wip/link.h"
#include "wip/module_cpu.h"
#include "wip/pcap.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

#define CONNECT_TIMEOUT_DEFAULT_US (30 * 1000000LL)

static oat_wip_config wip;

int oat_host_map_entry(const char *entry, size_t len, oat_host_map_item *out)
{
    const char *eq = memchr(entry, '=', len);
    const char *end = entry + len;
    if (!eq || eq == entry)
        return -1;
    const char *from = memchr(entry, ':', (size_t)(eq - entry));
    const char *name_end = from ? from : eq;
    size_t name_len = (size_t)(name_end - entry);
    if (name_len == 0 || name_len >= sizeof out->name)
        return -1;
    out->from_port = 0;
    if (from && oat_parse_port(from + 1, (size_t)(eq - from - 1), false, &out->from_port))
        return -1;
    const char *to = NULL;
    for (const char *p = eq + 1; p < end; p++)
        if (*p == ':')
            to = p;
    if (!to || oat_parse_port(to + 1, (size_t)(end - to - 1), false, &out->to_port))
        return -1;
    size_t addr_len = (size_t)(to - eq - 1);
    if (addr_len == 0 || addr_len >= sizeof out->addr)
        return -1;
    memcpy(out->name, entry, name_len);
    out->name[name_len] = '\0';
    memcpy(out->addr, eq + 1, addr_len);
    out->addr[addr_len] = '\0';
    /* A colon in the address only belongs to an IPv6 literal ("a=1.2.3.4:25:26" is no address). */
    struct in6_addr a6;
    if (strchr(out->addr, ':') && inet_pton(AF_INET6, out->addr, &a6) != 1)
        return -1;
    return 0;
}

/* "name[:port]=addr:port" entries separated by commas. */
static bool host_map_valid(const char *v)
{
    while (*v) {
        size_t len = strcspn(v, ",");
        oat_host_map_item item;
        if (oat_host_map_entry(v, len, &item))
            return false;
        v += len + (v[len] == ',');
    }
    return true;
}

static void host_map_reset(void) { wip.host_map[0] = '\0'; }
static int host_map_set(const char *v, char *err, size_t errlen)
{
    if (!host_map_valid(v))
        return oat_option_fail(err, errlen, "--host-map: '%s' is not name[:port]=addr:port,... "
                               "(ports 1-%u, an address with ':' an IPv6 literal)", v,
                               OAT_PORT_MAX);
    return oat_option_copy(wip.host_map, sizeof wip.host_map, "host-map", v, err, errlen);
}

/* "module:host" port pairs separated by commas; host port 0 = any free port. */
static bool expose_valid(const char *v)
{
    while (*v) {
        size_t len = strcspn(v, ",");
        const char *colon = memchr(v, ':', len);
        uint16_t m, h;
        if (!colon || oat_parse_port(v, (size_t)(colon - v), false, &m) ||
            oat_parse_port(colon + 1, (size_t)(v + len - colon - 1), true, &h))
            return false;
        v += len + (v[len] == ',');
    }
    return true;
}

static void expose_reset(void) { wip.expose[0] = '\0'; }
static int expose_set(const char *v, char *err, size_t errlen)
{
    if (!expose_valid(v))
        return oat_option_fail(err, errlen, "--expose: '%s' is not <module port>:<host port>,...",
                               v);
    return oat_option_copy(wip.expose, sizeof wip.expose, "expose", v, err, errlen);
}

static void bearer_reset(void) { wip.bearer[0] = '\0'; }
static int bearer_set(const char *v, char *err, size_t errlen)
{
    if (oat_bearer_config_check(v, err, errlen) != 0)
        return -1;
    return oat_option_copy(wip.bearer, sizeof wip.bearer, "bearer", v, err, errlen);
}

void oat_bearer_config_active(oat_bearer_cfg *out)
{
    oat_bearer_config_parse(wip.bearer, out, NULL, 0);
}

static void connect_timeout_reset(void) { wip.connect_timeout_us = CONNECT_TIMEOUT_DEFAULT_US; }
static int connect_timeout_set(const char *v, char *err, size_t errlen)
{
    int64_t us;
    if (oat_parse_duration_us(v, &us) || us < 1000)
        return oat_option_fail(err, errlen, "--connect-timeout: '%s' is not a duration of 1ms or "
                               "more", v);
    wip.connect_timeout_us = us;
    return 0;
}

static void ssl_keylog_reset(void) { wip.ssl_keylog[0] = '\0'; }
static int ssl_keylog_set(const char *v, char *err, size_t errlen)
{
    return oat_option_copy(wip.ssl_keylog, sizeof wip.ssl_keylog, "ssl-keylog", v, err, errlen);
}

static const oat_option wip_options[] = {
    { "host-map", { "OATEMU_HOST_MAP" }, "<name>[:<port>]=<addr>:<port>,...",
      "redirect names the application connects to", host_map_set, host_map_reset, false, false },
    { "expose", { "OATEMU_EXPOSE" }, "<module port>:<host port>,...",
      "make WIP TCP servers reachable from the host", expose_set, expose_reset, false, false },
    { "bearer", { "OATEMU_BEARER" }, "<spec>", "bearer behaviour (delay, fail, drop after)",
      bearer_set, bearer_reset, false, true },
    { "connect-timeout", { "OATEMU_CONNECT_TIMEOUT" }, "<dur>",
      "host TCP connects give up after this long (default 30s)",
      connect_timeout_set, connect_timeout_reset, false, false },
    { "ssl-keylog", { "OATEMU_SSL_KEYLOG", "SSLKEYLOGFILE" }, "<path>",
      "append TLS session secrets (SSLKEYLOGFILE format, for Wireshark)",
      ssl_keylog_set, ssl_keylog_reset, false, false },
    { "pcap", { "OATEMU_PCAP" }, "<file>",
      "write what goes over the module's link as a pcap file (emulated time; SSL channels also\n"
      "decrypted, module port 61000+; see README)", oat_pcap_option_set, oat_pcap_option_reset,
      false, false },
    { "fault", { "OATEMU_FAULT" }, "<peer>[:<port>]:<fault>[,...][;<peer>...]",
      "scripted faults on host connections: refuse, connect-delay=T,\n"
      "reset-after[-sent|-recv]=N, close-after[-sent|-recv]=N, stall=T, drop-bearer=T,\n"
      "lookup-fail, tls-alert-after=N (README, Faults)", oat_fault_option_set,
      oat_fault_option_reset, false, true },
    { "link", { "OATEMU_LINK" }, "<profile>[,rate=<up>/<down>][,rtt=<dur>][,jitter=<dur>]",
      "the module's radio link on host channels: lan (no shaping, default), gprs, edge, 3g;\n"
      "rates in bit/s (k, M), e.g. rate=40k/80k (README, Link model)", oat_link_option_set,
      oat_link_option_reset, false, true },
    { "module-cpu", { "OATEMU_MODULE_CPU" }, "off|arm9-104mhz",
      "TLS handshakes cost the emulated time the module's CPU spends on their public-key\n"
      "operations (default off)", oat_module_cpu_option_set, oat_module_cpu_option_reset,
      false, false },
};

int oat_wip_options_register(void)
{
    return oat_config_register(wip_options, sizeof wip_options / sizeof wip_options[0]);
}

const oat_wip_config *oat_wip_cfg(void)
{
    return &wip;
}
