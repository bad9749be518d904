/* config.c: the configuration of behaviour §8: defaults, then OATEMU_* variables, then
 * --flags (the flag wins). It parses and validates; the layers read the result. */
#include "core/config.h"
#include "wip/bearer_config.h"
#include "wip/link.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static oat_config active;

static const char help_text[] =
"Options (each has an OATEMU_* environment variable of the same meaning; the flag wins):\n"
"  --clock=real|virtual        OATEMU_CLOCK     time base: host time, or virtual time that\n"
"                                               jumps to the next timer when idle (default real)\n"
"  --run-for=<duration>        OATEMU_RUN_FOR   stop after that much emulated time, exit 0\n"
"                                               (500ms, 30s, 5m, 2h, 1d)\n"
"  --at=stdio|pty|tcp:<port>|none (tcp:0 = any free port, printed)\n"
"                              OATEMU_AT        where the AT port (UART1) is (default stdio;\n"
"                                               with stdio, end of input stops the module once\n"
"                                               pending responses are written)\n"
"  --flash-dir=<dir>           OATEMU_FLASH_DIR where flash objects persist (default\n"
"                                               $XDG_DATA_HOME/oatemu/<app>/flash)\n"
"  --trace=<spec>              OATEMU_TRACE     trace levels shown and where: comma list of\n"
"                                               N, N-M, all, none, file:<path> (default all)\n"
"  --calls                     OATEMU_CALLS=1   log every ADL/WIP call and every event\n"
"  --host-map=<name>[:<port>]=<addr>:<port>,...\n"
"                              OATEMU_HOST_MAP  redirect names the application connects to\n"
"  --expose=<module port>:<host port>,...\n"
"                              OATEMU_EXPOSE    make WIP TCP servers reachable from the host\n"
"  --bearer=<spec>             OATEMU_BEARER    bearer behaviour (delay, fail, drop after)\n"
"  --connect-timeout=<dur>     OATEMU_CONNECT_TIMEOUT  host TCP connects give up after\n"
"                                               this long (default 30s)\n"
OAT_LINK_OPTION_HELP
"  --ssl-keylog=<path>         OATEMU_SSL_KEYLOG  append TLS session secrets (SSLKEYLOGFILE\n"
"                                               format, for Wireshark); SSLKEYLOGFILE too\n"
"  --sim-pin=<pin>             OATEMU_SIM_PIN   the SIM's PIN (default: no PIN)\n"
"  --creg=1|5                  OATEMU_CREG      network registration shown by AT+CREG? (1 home,\n"
"                                               5 roaming; default 1)\n"
"  --modem-latency=<dur>       OATEMU_MODEM_LATENCY  the modem answers a command sent by the\n"
"                                               application after this long (default 5ms)\n"
"  --modem=<file>              OATEMU_MODEM     extra modem commands: pattern, lines, result\n"
"  --rtc=<epoch>|<YYYY-MM-DDTHH:MM:SS>\n"
"                              OATEMU_RTC       the module's RTC at boot, UTC (default host time)\n"
"  --help                                       this text\n";

const char *oat_config_help(void)
{
    return help_text;
}

void oat_config_defaults(oat_config *c, const char *app_name)
{
    memset(c, 0, sizeof *c);
    c->clock_virtual = false;
    c->run_for_us = -1;
    snprintf(c->at, sizeof c->at, "stdio");
    const char *data = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    const char *app = app_name && *app_name ? app_name : "app";
    if (data && *data)
        snprintf(c->flash_dir, sizeof c->flash_dir, "%s/oatemu/%s/flash", data, app);
    else if (home && *home)
        snprintf(c->flash_dir, sizeof c->flash_dir, "%s/.local/share/oatemu/%s/flash", home, app);
    else
        snprintf(c->flash_dir, sizeof c->flash_dir, ".oatemu/%s/flash", app);
    c->trace_levels = 0xFFFFFFFFu;
    c->creg_status = 1;
    c->rtc_start = -1;
    c->connect_timeout_us = 30 * 1000000LL;
    c->modem_latency_us = 5000;
}

int oat_parse_uint(const char *text, size_t len, uint64_t max, uint64_t *out)
{
    if (!text || len == 0)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        unsigned d = (unsigned)(text[i] - '0');
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int parse_port(const char *text, size_t len, bool zero_ok, uint16_t *out)
{
    uint64_t v;
    if (oat_parse_uint(text, len, 65535, &v) || (v == 0 && !zero_ok))
        return -1;
    *out = (uint16_t)v;
    return 0;
}

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
    if (from && parse_port(from + 1, (size_t)(eq - from - 1), false, &out->from_port))
        return -1;
    const char *to = NULL;
    for (const char *p = eq + 1; p < end; p++)
        if (*p == ':')
            to = p;
    if (!to || parse_port(to + 1, (size_t)(end - to - 1), false, &out->to_port))
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

/* "module:host" port pairs separated by commas; host port 0 = any free port. */
static bool expose_valid(const char *v)
{
    while (*v) {
        size_t len = strcspn(v, ",");
        const char *colon = memchr(v, ':', len);
        uint16_t m, h;
        if (!colon || parse_port(v, (size_t)(colon - v), false, &m) ||
            parse_port(colon + 1, (size_t)(v + len - colon - 1), true, &h))
            return false;
        v += len + (v[len] == ',');
    }
    return true;
}

int oat_parse_duration_us(const char *text, int64_t *out_us)
{
    if (!text)
        return -1;
    /* Decimal digits with an optional fraction, then the unit: strtod alone would also take
     * "nan", "inf", "0x10", "1e3" and leading spaces. */
    size_t n = strspn(text, "0123456789");
    if (n == 0)
        return -1;
    if (text[n] == '.') {
        size_t frac = strspn(text + n + 1, "0123456789");
        if (frac == 0)
            return -1;
        n += 1 + frac;
    }
    const char *end = text + n;
    double unit;
    if (!strcmp(end, "us"))
        unit = 1;
    else if (!strcmp(end, "ms"))
        unit = 1e3;
    else if (!strcmp(end, "s") || !*end)
        unit = 1e6;
    else if (!strcmp(end, "m") || !strcmp(end, "min"))
        unit = 60e6;
    else if (!strcmp(end, "h"))
        unit = 3600e6;
    else if (!strcmp(end, "d"))
        unit = 86400e6;
    else
        return -1;
    double us = strtod(text, NULL) * unit;
    if (!(us <= 9e18))
        return -1;
    *out_us = (int64_t)(us + 0.5);
    return 0;
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int copy_str(char *dst, size_t size, const char *name, const char *v, char *err, size_t errlen)
{
    if (strlen(v) >= size)
        return fail(err, errlen, "--%s: value too long (%s)", name, v);
    snprintf(dst, size, "%s", v);
    return 0;
}

static int parse_bool(const char *v, bool *out)
{
    if (!*v || !strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        *out = true;
    else if (!strcmp(v, "0") || !strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        *out = false;
    else
        return -1;
    return 0;
}

static int parse_level_range(const char *item, uint32_t *mask)
{
    size_t dash = strcspn(item, "-");
    uint64_t lo, hi;
    if (oat_parse_uint(item, dash, 32, &lo))
        return -1;
    hi = lo;
    if (item[dash] == '-' && oat_parse_uint(item + dash + 1, strlen(item + dash + 1), 32, &hi))
        return -1;
    if (lo < 1 || lo > hi)
        return -1;
    for (uint64_t n = lo; n <= hi; n++)
        *mask |= 1u << (n - 1);
    return 0;
}

static int parse_trace(oat_config *c, const char *spec, char *err, size_t errlen)
{
    uint32_t mask = 0;
    bool levels_given = false;
    char buf[1024];
    if (strlen(spec) >= sizeof buf)
        return fail(err, errlen, "--trace: value too long (%s)", spec);
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *save, *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        if (!strncmp(item, "file:", 5)) {
            if (!item[5])
                return fail(err, errlen, "--trace: file: needs a path (%s)", spec);
            if (copy_str(c->trace_file, sizeof c->trace_file, "trace", item + 5, err, errlen))
                return -1;
        } else if (!strcmp(item, "none")) {
            levels_given = true;
        } else if (!strcmp(item, "all")) {
            levels_given = true;
            mask = 0xFFFFFFFFu;
        } else if (parse_level_range(item, &mask) == 0) {
            levels_given = true;
        } else {
            return fail(err, errlen, "--trace: '%s' is not a level (1-32), a range N-M, all, none "
                        "or file:<path> (in %s)", item, spec);
        }
    }
    if (levels_given)
        c->trace_levels = mask;
    return 0;
}

/* The RTC holds a u32 time stamp: 1970-01-01 to 2106-02-07 06:28:15. */
static int parse_rtc(const char *v, int64_t *out)
{
    uint64_t epoch;
    if (strspn(v, "0123456789") == strlen(v)) {
        if (oat_parse_uint(v, strlen(v), UINT32_MAX, &epoch))
            return -1;
        *out = (int64_t)epoch;
        return 0;
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *rest = strptime(v, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!rest || *rest)
        return -1;
    time_t t = timegm(&tm);
    if (t < 0 || (uint64_t)t > UINT32_MAX)
        return -1;
    *out = (int64_t)t;
    return 0;
}

int oat_config_set(oat_config *c, const char *name, const char *v, char *err, size_t errlen)
{
    if (!v)
        v = "";
    if (!strcmp(name, "clock")) {
        if (!strcmp(v, "real"))
            c->clock_virtual = false;
        else if (!strcmp(v, "virtual"))
            c->clock_virtual = true;
        else
            return fail(err, errlen, "--clock: '%s' is neither real nor virtual", v);
    } else if (!strcmp(name, "run-for")) {
        if (oat_parse_duration_us(v, &c->run_for_us))
            return fail(err, errlen, "--run-for: '%s' is not a duration (e.g. 500ms, 30s, 2h)", v);
    } else if (!strcmp(name, "at")) {
        bool ok = !strcmp(v, "stdio") || !strcmp(v, "pty") || !strcmp(v, "none");
        uint16_t port;
        if (!strncmp(v, "tcp:", 4))
            ok = parse_port(v + 4, strlen(v + 4), true, &port) == 0;   /* 0: any free port */
        if (!ok)
            return fail(err, errlen, "--at: '%s' is not stdio, pty, tcp:<port> or none", v);
        return copy_str(c->at, sizeof c->at, name, v, err, errlen);
    } else if (!strcmp(name, "flash-dir")) {
        if (!*v)
            return fail(err, errlen, "--flash-dir: empty path");
        return copy_str(c->flash_dir, sizeof c->flash_dir, name, v, err, errlen);
    } else if (!strcmp(name, "trace")) {
        return parse_trace(c, v, err, errlen);
    } else if (!strcmp(name, "calls")) {
        if (parse_bool(v, &c->calls))
            return fail(err, errlen, "--calls: '%s' is not 0/1/on/off", v);
    } else if (!strcmp(name, "host-map")) {
        if (!host_map_valid(v))
            return fail(err, errlen, "--host-map: '%s' is not name[:port]=addr:port,... (ports "
                        "1-65535, an address with ':' an IPv6 literal)", v);
        return copy_str(c->host_map, sizeof c->host_map, name, v, err, errlen);
    } else if (!strcmp(name, "expose")) {
        if (!expose_valid(v))
            return fail(err, errlen, "--expose: '%s' is not <module port>:<host port>,...", v);
        return copy_str(c->expose, sizeof c->expose, name, v, err, errlen);
    } else if (!strcmp(name, "ssl-keylog")) {
        return copy_str(c->ssl_keylog, sizeof c->ssl_keylog, name, v, err, errlen);
    } else if (!strcmp(name, "connect-timeout")) {
        if (oat_parse_duration_us(v, &c->connect_timeout_us) || c->connect_timeout_us < 1000)
            return fail(err, errlen, "--connect-timeout: '%s' is not a duration of 1ms or more", v);
    } else if (!strcmp(name, "bearer")) {
        if (oat_bearer_config_check(v, err, errlen) != 0)
            return -1;
        return copy_str(c->bearer, sizeof c->bearer, name, v, err, errlen);
    } else if (!strcmp(name, "link")) {
        return oat_link_option_set(v, err, errlen);
    } else if (!strcmp(name, "sim-pin")) {
        for (const char *p = v; *p; p++)
            if (!isdigit((unsigned char)*p))
                return fail(err, errlen, "--sim-pin: '%s' is not digits", v);
        if (*v && (strlen(v) < 4 || strlen(v) > 8))
            return fail(err, errlen, "--sim-pin: '%s' must have 4 to 8 digits", v);
        return copy_str(c->sim_pin, sizeof c->sim_pin, name, v, err, errlen);
    } else if (!strcmp(name, "creg")) {
        if (!strcmp(v, "1") || !strcmp(v, "5"))
            c->creg_status = atoi(v);
        else
            return fail(err, errlen, "--creg: '%s' is neither 1 (home) nor 5 (roaming)", v);
    } else if (!strcmp(name, "modem-latency")) {
        if (oat_parse_duration_us(v, &c->modem_latency_us) || c->modem_latency_us < 1)
            return fail(err, errlen, "--modem-latency: '%s' is not a duration above 0 (1us, 5ms)",
                        v);
    } else if (!strcmp(name, "modem")) {
        return copy_str(c->modem_file, sizeof c->modem_file, name, v, err, errlen);
    } else if (!strcmp(name, "rtc")) {
        if (parse_rtc(v, &c->rtc_start))
            return fail(err, errlen, "--rtc: '%s' is neither seconds since 1970 nor "
                        "YYYY-MM-DDTHH:MM:SS, from 1970 to 2106-02-07T06:28:15", v);
    } else {
        return fail(err, errlen, "unknown option --%s", name);
    }
    return 0;
}

static const struct {
    const char *var, *flag;
} env_map[] = {
    { "OATEMU_CLOCK", "clock" },       { "OATEMU_RUN_FOR", "run-for" },
    { "OATEMU_AT", "at" },             { "OATEMU_FLASH_DIR", "flash-dir" },
    { "OATEMU_TRACE", "trace" },       { "OATEMU_CALLS", "calls" },
    { "OATEMU_HOST_MAP", "host-map" }, { "OATEMU_EXPOSE", "expose" },
    { "OATEMU_BEARER", "bearer" },     { "OATEMU_SIM_PIN", "sim-pin" },
    { "OATEMU_LINK", "link" },
    { "OATEMU_CREG", "creg" },         { "OATEMU_RTC", "rtc" },
    { "OATEMU_CONNECT_TIMEOUT", "connect-timeout" }, { "SSLKEYLOGFILE", "ssl-keylog" },
    { "OATEMU_SSL_KEYLOG", "ssl-keylog" },
    { "OATEMU_MODEM_LATENCY", "modem-latency" }, { "OATEMU_MODEM", "modem" },
};

int oat_config_load(oat_config *c, int argc, char **argv, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof env_map / sizeof env_map[0]; i++) {
        const char *v = getenv(env_map[i].var);
        if (v && oat_config_set(c, env_map[i].flag, v, err, errlen)) {
            size_t n = strlen(err);
            snprintf(err + n, errlen - n, " (from %s)", env_map[i].var);
            return -1;
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help_text, stdout);
            return 1;
        }
        if (strncmp(a, "--", 2))
            return fail(err, errlen, "unexpected argument '%s' (options start with --; see --help)", a);
        char name[64];
        const char *eq = strchr(a + 2, '=');
        size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
        if (n >= sizeof name)
            return fail(err, errlen, "unknown option %s", a);
        memcpy(name, a + 2, n);
        name[n] = '\0';
        if (!eq && strcmp(name, "calls"))
            return fail(err, errlen, "--%s needs a value (--%s=...)", name, name);
        if (oat_config_set(c, name, eq ? eq + 1 : "", err, errlen))
            return -1;
    }
    return 0;
}

void oat_config_activate(const oat_config *c)
{
    active = *c;
}

const oat_config *oat_cfg(void)
{
    return &active;
}

int oat_config_set_active(const char *name, const char *value, char *err, size_t errlen)
{
    return oat_config_set(&active, name, value, err, errlen);
}
