/* adl_options.c: parses and keeps the ADL layer's options: the AT port, the flash directory, the
 * SIM's PIN, the registration shown, the RTC at boot and the modem model. Nothing of WIP. */
#include "adl/adl_options.h"
#include "core/config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static oat_adl_config adl;

static void at_reset(void) { snprintf(adl.at, sizeof adl.at, "stdio"); }
static int at_set(const char *v, char *err, size_t errlen)
{
    bool ok = !strcmp(v, "stdio") || !strcmp(v, "pty") || !strcmp(v, "none");
    uint16_t port;
    if (!strncmp(v, "tcp:", 4))
        ok = oat_parse_port(v + 4, strlen(v + 4), true, &port) == 0;   /* 0: any free port */
    if (!ok)
        return oat_option_fail(err, errlen, "--at: '%s' is not stdio, pty, tcp:<port> or none", v);
    return oat_option_copy(adl.at, sizeof adl.at, "at", v, err, errlen);
}

static void flash_dir_reset(void)
{
    const char *data = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    const char *app = oat_config_app_name();
    if (data && *data)
        snprintf(adl.flash_dir, sizeof adl.flash_dir, "%s/oatemu/%s/flash", data, app);
    else if (home && *home)
        snprintf(adl.flash_dir, sizeof adl.flash_dir, "%s/.local/share/oatemu/%s/flash", home, app);
    else
        snprintf(adl.flash_dir, sizeof adl.flash_dir, ".oatemu/%s/flash", app);
}
static int flash_dir_set(const char *v, char *err, size_t errlen)
{
    if (!*v)
        return oat_option_fail(err, errlen, "--flash-dir: empty path");
    return oat_option_copy(adl.flash_dir, sizeof adl.flash_dir, "flash-dir", v, err, errlen);
}

static void sim_pin_reset(void) { adl.sim_pin[0] = '\0'; }
static int sim_pin_set(const char *v, char *err, size_t errlen)
{
    for (const char *p = v; *p; p++)
        if (!isdigit((unsigned char)*p))
            return oat_option_fail(err, errlen, "--sim-pin: '%s' is not digits", v);
    if (*v && (strlen(v) < 4 || strlen(v) > 8))
        return oat_option_fail(err, errlen, "--sim-pin: '%s' must have 4 to 8 digits", v);
    return oat_option_copy(adl.sim_pin, sizeof adl.sim_pin, "sim-pin", v, err, errlen);
}

static void creg_reset(void) { adl.creg_status = 1; }
static int creg_set(const char *v, char *err, size_t errlen)
{
    if (strcmp(v, "1") && strcmp(v, "5"))
        return oat_option_fail(err, errlen, "--creg: '%s' is neither 1 (home) nor 5 (roaming)", v);
    adl.creg_status = atoi(v);
    return 0;
}

static void modem_latency_reset(void) { adl.modem_latency_us = 5000; }
static int modem_latency_set(const char *v, char *err, size_t errlen)
{
    int64_t us;
    if (oat_parse_duration_us(v, &us) || us < 1)
        return oat_option_fail(err, errlen, "--modem-latency: '%s' is not a duration above 0 "
                               "(1us, 5ms)", v);
    adl.modem_latency_us = us;
    return 0;
}

static void modem_reset(void) { adl.modem_file[0] = '\0'; }
static int modem_set(const char *v, char *err, size_t errlen)
{
    return oat_option_copy(adl.modem_file, sizeof adl.modem_file, "modem", v, err, errlen);
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

static void rtc_reset(void) { adl.rtc_start = -1; }
static int rtc_set(const char *v, char *err, size_t errlen)
{
    if (parse_rtc(v, &adl.rtc_start))
        return oat_option_fail(err, errlen, "--rtc: '%s' is neither seconds since 1970 nor "
                               "YYYY-MM-DDTHH:MM:SS, from 1970 to 2106-02-07T06:28:15", v);
    return 0;
}

static const oat_option adl_options[] = {
    { "at", { "OATEMU_AT" }, "stdio|pty|tcp:<port>|none",
      "where the AT port (UART1) is (default stdio; tcp:0 = any free port, printed;\n"
      "with stdio, end of input stops the module once pending responses are written)",
      at_set, at_reset, false, false },
    { "flash-dir", { "OATEMU_FLASH_DIR" }, "<dir>",
      "where flash objects persist (default $XDG_DATA_HOME/oatemu/<app>/flash)",
      flash_dir_set, flash_dir_reset, false, false },
    { "sim-pin", { "OATEMU_SIM_PIN" }, "<pin>", "the SIM's PIN (default: no PIN)",
      sim_pin_set, sim_pin_reset, false, false },
    { "creg", { "OATEMU_CREG" }, "1|5",
      "network registration shown by AT+CREG? (1 home, 5 roaming; default 1)",
      creg_set, creg_reset, false, false },
    { "modem-latency", { "OATEMU_MODEM_LATENCY" }, "<dur>",
      "the modem answers a command sent by the application after this long (default 5ms)",
      modem_latency_set, modem_latency_reset, false, false },
    { "modem", { "OATEMU_MODEM" }, "<file>", "extra modem commands: pattern, lines, result",
      modem_set, modem_reset, false, false },
    { "rtc", { "OATEMU_RTC" }, "<epoch>|<YYYY-MM-DDTHH:MM:SS>",
      "the module's RTC at boot, UTC (default host time)", rtc_set, rtc_reset, false, false },
};

int oat_adl_options_register(void)
{
    return oat_config_register(adl_options, sizeof adl_options / sizeof adl_options[0]);
}

const oat_adl_config *oat_adl_cfg(void)
{
    return &adl;
}
