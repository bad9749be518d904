/* modem.c: the commands the module's own firmware answers (AT, ATI, identities, +CPIN,
 * +CREG, +CSQ, +CCLK, +COPS, +CFUN, +WOPEN...), the dispatch to the other modem files and
 * the user's --modem file, and the network registration that follows the SIM start-up.
 * It only writes responses through the AT engine; it never calls application code. */
#include "adl_CmdHandler.h"
#include "adl_at.h"
#include "adl_error.h"

#include "adl/gprs_internal.h"
#include "adl/modem_internal.h"
#include "adl/rtc_internal.h"
#include "adl/services.h"
#include "adl/adl_options.h"
#include "core/calls.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/timer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MODEM_MANUFACTURER "oatemu"
#define MODEM_MODEL "Q2687 (emulated)"
#define MODEM_REVISION "R7.54 oatemu 0.1"
#define MODEM_IMEI "354009001234569"
#define MODEM_IMSI "001010123456789"
#define MODEM_ICCID "89000100000123456789"
#define MODEM_OPERATOR "oatemu"
#define MODEM_LAC "0001"
#define MODEM_CI "0001"
#define MODEM_REGISTER_DELAY_US 1000000   /* from SIM ready to registered */

/* 27.007 +CME ERROR codes used here. */
#define CME_NOT_ALLOWED 3
#define CME_SIM_PIN_REQUIRED 11
#define CME_SIM_PUK_REQUIRED 12
#define CME_INCORRECT_PASSWORD 16
#define CME_OPERATION_NOT_SUPPORTED 4
#define CME_APPLICATION_RUNNING 532   /* AT+WOPEN=3/4: the application is running */

/* Module state: AT lock held. */
static int modem_cmee;
static int modem_creg_n, modem_cgreg_n;
static int modem_reg_stat;            /* 0 not registered, 2 searching, then 1 or 5 */
static oat_alarm *modem_reg_alarm;
static int modem_cfun;                /* 1 full function, 0 radio off (AT+CFUN=0, AT+CPOF) */

void oat_modem_info(int port, const char *fmt, ...)
{
    char body[256], text[264];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    snprintf(text, sizeof text, "\r\n%s\r\n", body);
    oat_at_emit_locked(port, ADL_AT_INT, text);
}

void oat_modem_ok(int port)
{
    oat_at_emit_locked(port, ADL_AT_RSP, "\r\nOK\r\n");
}

void oat_modem_error(int port)
{
    oat_at_emit_locked(port, ADL_AT_RSP, "\r\nERROR\r\n");
}

void oat_modem_cme(int port, int code)
{
    if (modem_cmee == 0) {
        oat_modem_error(port);
        return;
    }
    char text[32];
    snprintf(text, sizeof text, "\r\n+CME ERROR: %d\r\n", code);
    oat_at_emit_locked(port, ADL_AT_RSP, text);
}

/* A command form the model does not answer: ERROR and a trace naming it. */
void oat_modem_unsupported(int port, const oat_at_cmd *c, const char *why)
{
    oat_warn("modem: %s is not emulated%s%s: ERROR", c->raw, why ? ": " : "", why ? why : "");
    oat_modem_error(port);
}

int oat_modem_int_param(const oat_at_cmd *c, int i, int min, int max)
{
    if (i >= c->npara || !c->para[i])
        return -1;
    char *end;
    long v = strtol(c->para[i], &end, 10);
    if (*end || end == c->para[i] || v < min || v > max)
        return -1;
    return (int)v;
}

/* A single numeric parameter in [min, max], or -1. */
static int int_param(const oat_at_cmd *c, int min, int max)
{
    return c->npara == 1 ? oat_modem_int_param(c, 0, min, max) : -1;
}

int oat_modem_reg_stat(void)
{
    return modem_reg_stat;
}

static void sim_code_error(int port)
{
    oat_modem_cme(port, strcmp(oat_sim_cpin_text(), "SIM PUK") == 0 ? CME_SIM_PUK_REQUIRED
                                                          : CME_SIM_PIN_REQUIRED);
}

static void cmd_at(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_ACT)
        oat_modem_ok(port);
    else
        oat_modem_unsupported(port, c, NULL);
}

static void cmd_ati(int port, const oat_at_cmd *c)
{
    if (c->type != ADL_CMD_TYPE_ACT && int_param(c, 0, 9) < 0) {
        oat_modem_unsupported(port, c, NULL);
        return;
    }
    oat_modem_info(port, "%s", MODEM_MANUFACTURER);
    oat_modem_info(port, "%s", MODEM_MODEL);
    oat_modem_info(port, "%s", MODEM_REVISION);
    oat_modem_ok(port);
}

static void cmd_identity(int port, const oat_at_cmd *c, const char *value)
{
    if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_ok(port);
    } else if (c->type == ADL_CMD_TYPE_ACT) {
        oat_modem_info(port, "%s", value);
        oat_modem_ok(port);
    } else {
        oat_modem_unsupported(port, c, NULL);
    }
}

static void cmd_cgmi(int port, const oat_at_cmd *c) { cmd_identity(port, c, MODEM_MANUFACTURER); }
static void cmd_cgmm(int port, const oat_at_cmd *c) { cmd_identity(port, c, MODEM_MODEL); }
static void cmd_cgmr(int port, const oat_at_cmd *c) { cmd_identity(port, c, MODEM_REVISION); }
static void cmd_cgsn(int port, const oat_at_cmd *c) { cmd_identity(port, c, MODEM_IMEI); }

static void cmd_cimi(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_ACT && !oat_sim_is_ready())
        sim_code_error(port);
    else
        cmd_identity(port, c, MODEM_IMSI);
}

static void cmd_ate(int port, const oat_at_cmd *c)
{
    int on = c->type == ADL_CMD_TYPE_ACT ? 0 : int_param(c, 0, 1);
    if (c->type != ADL_CMD_TYPE_ACT && (c->type != ADL_CMD_TYPE_PARA || on < 0)) {
        oat_modem_unsupported(port, c, "only ATE0 and ATE1");
        return;
    }
    oat_at_set_echo_locked(port, on == 1);
    oat_modem_ok(port);
}

static void cmd_cmee(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_READ) {
        oat_modem_info(port, "+CMEE: %d", modem_cmee);
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "+CMEE: (0-2)");
    } else {
        int n = int_param(c, 0, 2);
        if (c->type != ADL_CMD_TYPE_PARA || n < 0) {
            oat_modem_unsupported(port, c, "AT+CMEE takes 0, 1 or 2");
            return;
        }
        modem_cmee = n;
    }
    oat_modem_ok(port);
}

static void cmd_cpin(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_READ) {
        oat_modem_info(port, "+CPIN: %s", oat_sim_cpin_text());
        oat_modem_ok(port);
        return;
    }
    if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_ok(port);
        return;
    }
    if (c->type != ADL_CMD_TYPE_PARA || c->nb_para < 1 || c->nb_para > 2 || !c->para[0]) {
        oat_modem_unsupported(port, c, "AT+CPIN=<pin> or AT+CPIN=<puk>,<new pin>");
        return;
    }
    bool puk = strcmp(oat_sim_cpin_text(), "SIM PUK") == 0;
    int rc;
    if (puk)
        rc = c->nb_para == 2 && c->para[1] ? oat_sim_enter_puk(c->para[0], c->para[1]) : -1;
    else
        rc = oat_sim_enter_pin(c->para[0]);
    if (rc == 0)
        oat_modem_ok(port);
    else
        oat_modem_cme(port, rc == -2 ? CME_NOT_ALLOWED : CME_INCORRECT_PASSWORD);
}

static void reg_line(char *buf, size_t size, const char *name, int n, bool read)
{
    bool located = n == 2 && (modem_reg_stat == 1 || modem_reg_stat == 5);
    int len = read ? snprintf(buf, size, "%s: %d,%d", name, n, modem_reg_stat)
                   : snprintf(buf, size, "%s: %d", name, modem_reg_stat);
    if (located && len > 0 && (size_t)len < size)
        snprintf(buf + len, size - (size_t)len, ",\"%s\",\"%s\"", MODEM_LAC, MODEM_CI);
}

static void cmd_reg(int port, const oat_at_cmd *c, const char *name, int *n)
{
    char line[64];
    if (c->type == ADL_CMD_TYPE_READ) {
        reg_line(line, sizeof line, name, *n, true);
        oat_modem_info(port, "%s", line);
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "%s: (0-2)", name);
    } else {
        int v = int_param(c, 0, 2);
        if (c->type != ADL_CMD_TYPE_PARA || v < 0) {
            oat_modem_unsupported(port, c, "takes 0, 1 or 2");
            return;
        }
        *n = v;
    }
    oat_modem_ok(port);
}

static void cmd_creg(int port, const oat_at_cmd *c) { cmd_reg(port, c, "+CREG", &modem_creg_n); }
static void cmd_cgreg(int port, const oat_at_cmd *c) { cmd_reg(port, c, "+CGREG", &modem_cgreg_n); }

static void cmd_csq(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_ACT)
        oat_modem_info(port, "+CSQ: %d,99", modem_reg_stat == 0 ? 99 : 20);
    else if (c->type == ADL_CMD_TYPE_TEST)
        oat_modem_info(port, "+CSQ: (0-31,99),(0-7,99)");
    else {
        oat_modem_unsupported(port, c, NULL);
        return;
    }
    oat_modem_ok(port);
}

static void cmd_cclk(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_READ) {
        adl_rtcTime_t t;
        oat_rtc_now(&t);
        oat_modem_info(port, "+CCLK: \"%02u/%02u/%02u,%02u:%02u:%02u\"", (unsigned)(t.Year % 100),
             (unsigned)t.Month, (unsigned)t.Day, (unsigned)t.Hour, (unsigned)t.Minute,
             (unsigned)t.Second);
        oat_modem_ok(port);
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_ok(port);
    } else if (c->type == ADL_CMD_TYPE_PARA) {
        oat_modem_cclk_set(port, c);
    } else {
        oat_modem_unsupported(port, c, NULL);
    }
}

static void cmd_cops(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_READ) {
        if (modem_reg_stat == 1 || modem_reg_stat == 5)
            oat_modem_info(port, "+COPS: 0,0,\"%s\"", MODEM_OPERATOR);
        else
            oat_modem_info(port, "+COPS: 0");
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "+COPS: (2,\"%s\",\"%s\",\"00101\"),,(0-4),(0-2)", MODEM_OPERATOR,
                       MODEM_OPERATOR);
    } else if (c->type == ADL_CMD_TYPE_PARA && oat_modem_int_param(c, 0, 0, 4) >= 0) {
        /* automatic, manual (the one network there is), format: registration stays as it is */
    } else {
        oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
        return;
    }
    oat_modem_ok(port);
}

static void cmd_wimei(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_READ) {
        oat_modem_info(port, "+WIMEI: %s", MODEM_IMEI);
        oat_modem_ok(port);
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_ok(port);
    } else {
        oat_warn("modem: %s: writing the IMEI is a production command: ERROR", c->raw);
        oat_modem_cme(port, CME_NOT_ALLOWED);
    }
}

static void cmd_ccid(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_ok(port);
    } else if (c->type != ADL_CMD_TYPE_ACT && c->type != ADL_CMD_TYPE_READ) {
        oat_modem_unsupported(port, c, NULL);
    } else if (!oat_sim_is_ready()) {
        sim_code_error(port);
    } else {
        oat_modem_info(port, "+CCID: \"%s\"", MODEM_ICCID);
        oat_modem_ok(port);
    }
}

/* A command whose effect is a reset of the module: answered, the reset is a known gap. */
static void reset_gap(const oat_at_cmd *c)
{
    oat_warn("modem: %s resets the module; oatemu does not reset (known gap): the application "
             "keeps running, settings kept in the flash dir apply at the next run", c->raw);
}

static void cmd_cfun(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_READ) {
        oat_modem_info(port, "+CFUN: %d", modem_cfun);
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "+CFUN: (0-1)");
    } else {
        int v = c->type == ADL_CMD_TYPE_PARA ? oat_modem_int_param(c, 0, 0, 1) : -1;
        if (v < 0) {
            oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
            return;
        }
        modem_cfun = v;
        if (v == 0) {
            modem_reg_stat = 0;        /* radio off */
        } else {
            reset_gap(c);
            if (modem_reg_stat == 0 && oat_sim_is_ready())
                modem_reg_stat = oat_adl_cfg()->creg_status;
        }
    }
    oat_modem_ok(port);
}

static void cmd_cpof(int port, const oat_at_cmd *c)
{
    if (c->type != ADL_CMD_TYPE_ACT && c->type != ADL_CMD_TYPE_PARA) {
        oat_modem_unsupported(port, c, NULL);
        return;
    }
    modem_reg_stat = 0;                /* the GSM stack stops until AT+CFUN=1 */
    modem_cfun = 0;
    oat_modem_ok(port);
}

static void cmd_cpas(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_ACT)
        oat_modem_info(port, "+CPAS: %d", modem_cfun ? 0 : 5);
    else if (c->type == ADL_CMD_TYPE_TEST)
        oat_modem_info(port, "+CPAS: (0-5)");
    else {
        oat_modem_unsupported(port, c, NULL);
        return;
    }
    oat_modem_ok(port);
}

/* The SMS store is empty: every deletion succeeds. */
static void cmd_cmgd(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "+CMGD: (),(0-4)");
    } else if (c->type != ADL_CMD_TYPE_PARA || oat_modem_int_param(c, 0, 0, 255) < 0 ||
               (c->nb_para == 2 && oat_modem_int_param(c, 1, 0, 4) < 0)) {
        oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
        return;
    }
    oat_modem_ok(port);
}

static void cmd_wopen(int port, const oat_at_cmd *c)
{
    int mode = c->type == ADL_CMD_TYPE_PARA ? oat_modem_int_param(c, 0, 0, 8) : -1;
    if (c->type == ADL_CMD_TYPE_READ) {
        oat_modem_info(port, "+WOPEN: 1");
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "+WOPEN: (0-8)");
    } else if (mode == 2) {
        oat_modem_info(port, "+WOPEN: 2,\"%s\",\"%s\"", MODEM_REVISION, MODEM_REVISION);
    } else if (mode == 3 || mode == 4) {
        oat_warn("modem: %s: the application runs (stop it with AT+WOPEN=0 on a module; here, "
                 "delete the --flash-dir directory)", c->raw);
        oat_modem_cme(port, CME_APPLICATION_RUNNING);
        return;
    } else if (mode == 6) {
        oat_modem_info(port, "+WOPEN: 6,512,1088");
    } else if (mode == 7) {
        oat_modem_info(port, "+WOPEN: 7,0");
    } else if (mode == 0 || mode == 1 || mode == 5 || mode == 8) {
        if (mode != 1)
            reset_gap(c);
    } else {
        oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
        return;
    }
    oat_modem_ok(port);
}

static const oat_modem_cmd modem_cmds[] = {
    { "AT", cmd_at },           { "ATI", cmd_ati },         { "ATE", cmd_ate },
    { "AT+CGMI", cmd_cgmi },    { "AT+CGMM", cmd_cgmm },    { "AT+CGMR", cmd_cgmr },
    { "AT+CGSN", cmd_cgsn },    { "AT+CIMI", cmd_cimi },    { "AT+CPIN", cmd_cpin },
    { "AT+CREG", cmd_creg },    { "AT+CGREG", cmd_cgreg },  { "AT+CSQ", cmd_csq },
    { "AT+CCLK", cmd_cclk },    { "AT+COPS", cmd_cops },    { "AT+WOPEN", cmd_wopen },
    { "AT+CMEE", cmd_cmee },    { "AT+WIMEI", cmd_wimei },  { "AT+CCID", cmd_ccid },
    { "AT+CFUN", cmd_cfun },    { "AT+CPOF", cmd_cpof },    { "AT+CPAS", cmd_cpas },
    { "AT+CMGD", cmd_cmgd },
};

static bool run_from(const oat_modem_cmd *table, int n, int port, const oat_at_cmd *cmd)
{
    for (int i = 0; i < n; i++) {
        if (strcasecmp(cmd->name, table[i].name) == 0) {
            table[i].run(port, cmd);
            return true;
        }
    }
    return false;
}

void oat_modem_exec_locked(int port, const oat_at_cmd *cmd)
{
    if (oat_modem_user_exec(port, cmd) ||
        run_from(modem_cmds, (int)(sizeof modem_cmds / sizeof modem_cmds[0]), port, cmd) ||
        run_from(oat_modem_settings_cmds, oat_modem_settings_count, port, cmd) ||
        run_from(oat_modem_timed_cmds, oat_modem_timed_count, port, cmd) ||
        run_from(oat_modem_gprs_cmds, oat_modem_gprs_count, port, cmd))
        return;
    oat_warn("modem: unknown command %s: ERROR", cmd->raw);
    oat_modem_error(port);
}

/* ---- network registration ---- */

static void announce_registration_locked(void)
{
    char line[64], text[72];
    if (modem_creg_n > 0) {
        reg_line(line, sizeof line, "+CREG", modem_creg_n, false);
        snprintf(text, sizeof text, "\r\n%s\r\n", line);
        oat_at_unsolicited_locked(text);
    }
    if (modem_cgreg_n > 0) {
        reg_line(line, sizeof line, "+CGREG", modem_cgreg_n, false);
        snprintf(text, sizeof text, "\r\n%s\r\n", line);
        oat_at_unsolicited_locked(text);
    }
}

static void registered(void *arg)
{
    (void)arg;
    oat_at_lock();
    modem_reg_alarm = NULL;
    modem_reg_stat = oat_adl_cfg()->creg_status;
    announce_registration_locked();
    oat_gprs_set_attached(true);
    oat_at_unlock();
}

void oat_modem_sim_ready(void)
{
    oat_at_lock();
    if (modem_reg_stat == 0 && !modem_reg_alarm) {
        modem_reg_stat = 2;
        announce_registration_locked();
        modem_reg_alarm = oat_alarm_start(oat_now_us() + MODEM_REGISTER_DELAY_US, registered, NULL);
    }
    oat_at_unlock();
}

void oat_modem_start(void)
{
    oat_at_lock();
    modem_cmee = 0;
    modem_creg_n = 0;
    modem_cgreg_n = 0;
    modem_reg_stat = 0;
    modem_reg_alarm = NULL;
    modem_cfun = 1;
    oat_gprs_start();
    oat_modem_settings_start();
    oat_modem_timed_start();
    oat_modem_user_start();
    for (int p = ADL_PORT_UART2; p <= ADL_PORT_USB; p++) {
        char key[16];
        snprintf(key, sizeof key, "WMFM.%d", p);
        oat_at_port_set_open_locked(p, strcmp(oat_modem_setting(key, "0"), "1") == 0);
    }
    oat_at_unlock();
}

void oat_modem_stop(void)
{
    oat_at_lock();
    oat_alarm *a = modem_reg_alarm;
    modem_reg_alarm = NULL;
    oat_modem_timed_stop();
    oat_modem_user_stop();
    oat_modem_settings_stop();
    oat_gprs_stop();
    oat_at_unlock();
    if (a)
        oat_alarm_cancel(a);
}
