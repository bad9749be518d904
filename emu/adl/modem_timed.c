/* modem_timed.c: what the modem does at a time: the RTC (AT+CCLK=), its alarms (AT+CALA,
 * "+CALA:" unsolicited when due, kept across boots) and automatic cell reports (AT+CCED=1,
 * every 5 s). Alarms are never cancelled under the AT lock: a stale one finds its
 * generation changed and does nothing. */
#include "adl_at.h"
#include "adl_CmdHandler.h"

#include "adl/modem_internal.h"
#include "adl/rtc_internal.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/timer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CALA_MAX 16
#define CCED_PERIOD_US 5000000LL
#define CME_INVALID_INDEX 21
#define CME_OPERATION_NOT_SUPPORTED 4

static long long cala_at[CALA_MAX];     /* RTC seconds, 0 = no alarm */
static unsigned cala_gen[CALA_MAX];
static int cced_dump;                   /* automatic mode: the dump mask, 0 = off */
static unsigned cced_gen;
static unsigned timed_gen;              /* moves at every start and stop */

/* "yy/MM/dd,hh:mm:ss" (the module's format, 2000-2099) to seconds since 1970, or -1. */
static long long parse_time(const char *s)
{
    int y, mo, d, h, mi, se;
    char tail;
    if (!s || sscanf(s, "%2d/%2d/%2d,%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &tail) != 6 ||
        mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59 || y < 0)
        return -1;
    /* days from civil (proleptic Gregorian), after H. Hinnant */
    int yy = 2000 + y - (mo <= 2);
    int era = yy / 400;
    int yoe = yy - era * 400;
    int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long long days = (long long)era * 146097 + doe - 719468;
    return days * 86400 + h * 3600 + mi * 60 + se;
}

static void format_time(long long t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(buf, size, "%02d/%02d/%02d,%02d:%02d:%02d", tm.tm_year % 100, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* ---- alarms ---- */

/* An alarm's argument: its index and generation, no memory to free if it never fires. */
#define DUE_ARG(i, g) ((void *)(uintptr_t)(((uintptr_t)(g) & 0xFFFFFFu) << 8 | (uintptr_t)(i)))

static void cala_due(void *arg);

static void cala_arm(int index)
{
    long long wait_s = cala_at[index] - oat_rtc_seconds();
    if (wait_s < 0)
        wait_s = 0;
    if (!oat_alarm_start(oat_now_us() + wait_s * 1000000LL, cala_due,
                         DUE_ARG(index, ++cala_gen[index])))
        oat_warn("modem: out of host memory, alarm %d will not ring", index);
}

static void cala_keep(int index)
{
    char key[16], value[24];
    snprintf(key, sizeof key, "CALA.%d", index);
    snprintf(value, sizeof value, "%lld", cala_at[index]);
    oat_modem_setting_set(key, value, true);
}

static void cala_due(void *arg)
{
    struct { int index; unsigned gen; } a = { (int)((uintptr_t)arg & 0xFF),
                                              (unsigned)((uintptr_t)arg >> 8) };
    oat_at_lock();
    if (a.gen == (cala_gen[a.index] & 0xFFFFFFu) && cala_at[a.index] != 0) {
        if (cala_at[a.index] > oat_rtc_seconds()) {
            cala_arm(a.index);     /* the RTC was set back meanwhile */
        } else {
            char when[32], text[64];
            format_time(cala_at[a.index], when, sizeof when);
            snprintf(text, sizeof text, "\r\n+CALA: \"%s\",%d\r\n", when, a.index);
            cala_at[a.index] = 0;
            cala_keep(a.index);
            oat_at_unsolicited_locked(text);
        }
    }
    oat_at_unlock();
}

static void cmd_cala(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_READ) {
        char when[32];
        for (int i = 0; i < CALA_MAX; i++) {
            if (cala_at[i]) {
                format_time(cala_at[i], when, sizeof when);
                oat_modem_info(port, "+CALA: \"%s\",%d", when, i);
            }
        }
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "+CALA: (0-%d)", CALA_MAX - 1);
    } else if (c->type == ADL_CMD_TYPE_PARA && c->nb_para >= 1 && c->nb_para <= 2) {
        int index = c->nb_para == 2 ? oat_modem_int_param(c, 1, 0, CALA_MAX - 1) : 0;
        bool erase = !c->para[0] || !c->para[0][0];
        long long at = erase ? 0 : parse_time(c->para[0]);
        if (index < 0) {
            oat_modem_cme(port, CME_INVALID_INDEX);
            return;
        }
        if (at < 0) {
            oat_warn("modem: %s: the time is not \"yy/MM/dd,hh:mm:ss\"", c->raw);
            oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
            return;
        }
        cala_at[index] = at;
        cala_keep(index);
        if (at)
            cala_arm(index);
        else
            cala_gen[index]++;
    } else {
        oat_modem_unsupported(port, c, NULL);
        return;
    }
    oat_modem_ok(port);
}

/* ---- the RTC ---- */

void oat_modem_cclk_set(int port, const oat_at_cmd *c)
{
    long long t = c->nb_para == 1 ? parse_time(c->para[0]) : -1;
    if (t < 0) {
        oat_warn("modem: %s: the time is not \"yy/MM/dd,hh:mm:ss\"", c->raw);
        oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
        return;
    }
    oat_rtc_set_seconds(t);
    for (int i = 0; i < CALA_MAX; i++)
        if (cala_at[i])
            cala_arm(i);
    oat_modem_ok(port);
}

/* ---- cell environment ---- */

static void cced_lines(int port, int dump, bool unsolicited)
{
    bool served = oat_modem_reg_stat() == 1 || oat_modem_reg_stat() == 5;
    char text[160];
    const char *lines[2] = { NULL, NULL };
    char main_cell[128], csq[32];
    snprintf(main_cell, sizeof main_cell, "+CCED: %s,%s,0001,0001,12,27,40,40,40,0,0,0,0",
             served ? "001" : "0", served ? "01" : "0");
    snprintf(csq, sizeof csq, "+CSQ: %d,99", served ? 20 : 99);
    if (dump & 1)
        lines[0] = main_cell;
    if (dump & 8)
        lines[1] = csq;
    for (int i = 0; i < 2; i++) {
        if (!lines[i])
            continue;
        if (unsolicited) {
            snprintf(text, sizeof text, "\r\n%s\r\n", lines[i]);
            oat_at_unsolicited_locked(text);
        } else {
            oat_modem_info(port, "%s", lines[i]);
        }
    }
}

static void cced_due(void *arg);

static void cced_arm(void)
{
    if (!oat_alarm_start(oat_now_us() + CCED_PERIOD_US, cced_due, (void *)(uintptr_t)cced_gen))
        oat_warn("modem: out of host memory, automatic +CCED reports stop");
}

static void cced_due(void *arg)
{
    oat_at_lock();
    if ((unsigned)(uintptr_t)arg == cced_gen && cced_dump) {
        cced_lines(0, cced_dump, true);
        cced_arm();
    }
    oat_at_unlock();
}

static void cmd_cced(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "+CCED: (0-2),(1-31)");
        oat_modem_ok(port);
        return;
    }
    int mode = oat_modem_int_param(c, 0, 0, 2);
    int dump = c->nb_para >= 2 ? oat_modem_int_param(c, 1, 1, 31) : 15;
    if (c->type != ADL_CMD_TYPE_PARA || mode < 0 || dump < 0) {
        oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
        return;
    }
    cced_gen++;
    cced_dump = mode == 1 ? dump : 0;
    if (mode == 0)
        cced_lines(port, dump, false);
    else if (mode == 1)
        cced_arm();
    oat_modem_ok(port);
}

/* ---- the commands, start and stop ---- */

const oat_modem_cmd oat_modem_timed_cmds[] = { { "AT+CALA", cmd_cala }, { "AT+CCED", cmd_cced } };
const int oat_modem_timed_count = sizeof oat_modem_timed_cmds / sizeof oat_modem_timed_cmds[0];

void oat_modem_timed_start(void)
{
    cced_dump = 0;
    cced_gen = ++timed_gen;
    for (int i = 0; i < CALA_MAX; i++) {
        char key[16];
        snprintf(key, sizeof key, "CALA.%d", i);
        cala_at[i] = atoll(oat_modem_setting(key, "0"));
        if (cala_at[i])
            cala_arm(i);
    }
}

void oat_modem_timed_stop(void)
{
    cced_dump = 0;
    cced_gen = ++timed_gen;
    for (int i = 0; i < CALA_MAX; i++) {
        cala_at[i] = 0;
        cala_gen[i]++;
    }
}
