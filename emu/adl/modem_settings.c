/* modem_settings.c: the module's setting commands (+WHCNF, +WMFM, +WBHV, +W32K, +CGCLASS,
 * +IFC, +ICF, +IPR, +CTZU, +WIND, +WGPRS, +CMGF, +CNMI) and their store: values last the
 * run, and those the module keeps across resets are written to <flash dir>/.modem-settings
 * (a name no flash handle can take). It never runs application code. */
#include "adl_at.h"
#include "adl_CmdHandler.h"

#include "adl/modem_internal.h"
#include "adl/adl_options.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SETTINGS_MAX 64
#define SETTINGS_FILE ".modem-settings"
#define CME_OPERATION_NOT_SUPPORTED 4
#define CME_CLASS_NOT_SUPPORTED 150

typedef struct {
    char key[24];                 /* "WHCNF.0", "IPR" */
    char value[64];
    bool keep;                    /* written to the flash dir */
} setting;

static setting settings[SETTINGS_MAX];
static int nsettings;

static void settings_path(char *buf, size_t size)
{
    snprintf(buf, size, "%s/" SETTINGS_FILE, oat_adl_cfg()->flash_dir);
}

/* Written whole to a temporary file renamed over the old one: never half a file. */
static void settings_save(void)
{
    char path[600], tmp[610];
    settings_path(path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        oat_warn("modem: cannot write %s: settings last this run only", tmp);
        return;
    }
    for (int i = 0; i < nsettings; i++)
        if (settings[i].keep)
            fprintf(f, "%s=%s\n", settings[i].key, settings[i].value);
    if (fclose(f) != 0 || rename(tmp, path) != 0)
        oat_warn("modem: cannot write %s: settings last this run only", path);
}

static setting *find(const char *key)
{
    for (int i = 0; i < nsettings; i++)
        if (strcmp(settings[i].key, key) == 0)
            return &settings[i];
    return NULL;
}

const char *oat_modem_setting(const char *key, const char *dflt)
{
    setting *s = find(key);
    return s ? s->value : dflt;
}

static void store(const char *key, const char *value, bool keep)
{
    setting *s = find(key);
    if (!s) {
        if (nsettings == SETTINGS_MAX) {
            oat_warn("modem: more than %d settings; %s=%s is not kept", SETTINGS_MAX, key, value);
            return;
        }
        s = &settings[nsettings++];
        snprintf(s->key, sizeof s->key, "%s", key);
    }
    snprintf(s->value, sizeof s->value, "%s", value);
    s->keep = keep;
}

void oat_modem_setting_set(const char *key, const char *value, bool keep)
{
    store(key, value, keep);
    if (keep)
        settings_save();
}

void oat_modem_settings_start(void)
{
    nsettings = 0;
    char path[600], line[128];
    settings_path(path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return;                   /* first boot */
    for (int n = 1; fgets(line, sizeof line, f); n++) {
        line[strcspn(line, "\r\n")] = '\0';
        char *eq = strchr(line, '=');
        if (!eq || eq == line || eq - line >= (long)sizeof settings[0].key) {
            oat_warn("modem: %s line %d is not key=value: ignored", path, n);
            continue;
        }
        *eq = '\0';
        store(line, eq + 1, true);
    }
    fclose(f);
}

void oat_modem_settings_stop(void)
{
    nsettings = 0;
}

/* ---- helpers ---- */

static bool is_one_of(int v, const int *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == v)
            return true;
    return false;
}

/* The parameters as given, comma-joined (left-out ones empty). */
static void joined(const oat_at_cmd *c, char *buf, size_t size)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (int i = 0; i < c->nb_para && pos < size; i++)
        pos += (size_t)snprintf(buf + pos, size - pos, "%s%s", i ? "," : "",
                                c->para[i] ? c->para[i] : "");
}

/* AT+X=<n> with n in set, AT+X? -> "+X: <n>", AT+X=? -> "+X: (<range>)". */
static void single_value(int port, const oat_at_cmd *c, const char *name, const int *set,
                         size_t nset, const char *dflt, const char *range, bool keep)
{
    const char *plus = name + 2;   /* "+W32K" */
    if (c->type == ADL_CMD_TYPE_READ) {
        oat_modem_info(port, "%s: %s", plus, oat_modem_setting(plus + 1, dflt));
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "%s: %s", plus, range);
    } else if (c->type == ADL_CMD_TYPE_PARA && c->nb_para == 1) {
        int v = oat_modem_int_param(c, 0, 0, 0x7FFFFFFF);
        if (v < 0 || (set && !is_one_of(v, set, nset))) {
            oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
            return;
        }
        char text[16];
        snprintf(text, sizeof text, "%d", v);
        oat_modem_setting_set(plus + 1, text, keep);
    } else {
        oat_modem_unsupported(port, c, NULL);
        return;
    }
    oat_modem_ok(port);
}

static const int zero_one[] = { 0, 1 };

static void cmd_w32k(int port, const oat_at_cmd *c)
{
    single_value(port, c, "AT+W32K", zero_one, 2, "0", "(0-1)", true);
}

static void cmd_ctzu(int port, const oat_at_cmd *c)
{
    single_value(port, c, "AT+CTZU", zero_one, 2, "0", "(0-1)", true);
}

static void cmd_cmgf(int port, const oat_at_cmd *c)
{
    single_value(port, c, "AT+CMGF", zero_one, 2, "0", "(0-1)", false);
}

static void cmd_ipr(int port, const oat_at_cmd *c)
{
    static const int rates[] = { 0, 300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600,
                                 115200, 230400, 460800, 921600 };
    single_value(port, c, "AT+IPR", rates, sizeof rates / sizeof rates[0], "115200",
                 "(0,300,600,1200,2400,4800,9600,19200,38400,57600,115200,230400,460800,921600)",
                 true);
}

static void cmd_wind(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_PARA && oat_modem_int_param(c, 0, 0, 32767) < 0) {
        oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
        return;
    }
    single_value(port, c, "AT+WIND", NULL, 0, "0", "(0-32767)", true);
}

/* AT+X=<a>,<b>... with each value checked by ok(i, v); AT+X? -> "+X: <values>". */
static void tuple(int port, const oat_at_cmd *c, const char *name, int min, int max,
                  bool (*valid)(int i, int v), const char *dflt, const char *range, bool keep)
{
    const char *plus = name + 2;
    if (c->type == ADL_CMD_TYPE_READ) {
        oat_modem_info(port, "%s: %s", plus, oat_modem_setting(plus + 1, dflt));
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "%s: %s", plus, range);
    } else if (c->type == ADL_CMD_TYPE_PARA && c->nb_para >= min && c->nb_para <= max) {
        for (int i = 0; i < c->nb_para; i++) {
            int v = oat_modem_int_param(c, i, 0, 0x7FFFFFFF);
            if (v < 0 || !valid(i, v)) {
                oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
                return;
            }
        }
        char text[64];
        joined(c, text, sizeof text);
        oat_modem_setting_set(plus + 1, text, keep);
    } else {
        oat_modem_unsupported(port, c, NULL);
        return;
    }
    oat_modem_ok(port);
}

static bool ifc_ok(int i, int v) { (void)i; return v == 0 || v == 2; }
static bool icf_ok(int i, int v) { return i == 0 ? v >= 1 && v <= 6 : v <= 4; }
static bool cnmi_ok(int i, int v) { return v <= (i == 0 ? 3 : i == 4 ? 1 : 3); }

static void cmd_ifc(int port, const oat_at_cmd *c)
{
    tuple(port, c, "AT+IFC", 2, 2, ifc_ok, "2,2", "(0,2),(0,2)", true);
}

static void cmd_icf(int port, const oat_at_cmd *c)
{
    tuple(port, c, "AT+ICF", 1, 2, icf_ok, "3,4", "(1-6),(0-4)", true);
}

static void cmd_cnmi(int port, const oat_at_cmd *c)
{
    tuple(port, c, "AT+CNMI", 1, 5, cnmi_ok, "0,1,0,0,0", "(0-3),(0-3),(0-3),(0-2),(0-1)",
          false);
}

/* AT+X=<index>,<value>: one value per index, kept; AT+X? lists every index set (and the
 * defaults). Used by +WBHV and +WGPRS. */
static void indexed(int port, const oat_at_cmd *c, const char *name, int max_index,
                    const char *const *defaults, int ndefaults, const char *range)
{
    const char *plus = name + 2;
    char key[24];
    if (c->type == ADL_CMD_TYPE_READ) {
        for (int i = 0; i <= max_index; i++) {
            snprintf(key, sizeof key, "%s.%d", plus + 1, i);
            const char *v = oat_modem_setting(key, i < ndefaults ? defaults[i] : NULL);
            if (v)
                oat_modem_info(port, "%s: %d,%s", plus, i, v);
        }
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "%s: %s", plus, range);
    } else if (c->type == ADL_CMD_TYPE_PARA && c->nb_para >= 2) {
        int index = oat_modem_int_param(c, 0, 0, max_index);
        int value = oat_modem_int_param(c, 1, 0, 255);
        if (index < 0 || value < 0) {
            oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
            return;
        }
        char all[64];
        joined(c, all, sizeof all);
        snprintf(key, sizeof key, "%s.%d", plus + 1, index);
        oat_modem_setting_set(key, strchr(all, ',') + 1, true);
    } else {
        oat_modem_unsupported(port, c, NULL);
        return;
    }
    oat_modem_ok(port);
}

static void cmd_wbhv(int port, const oat_at_cmd *c)
{
    static const char *const defaults[] = { "0", "0" };
    indexed(port, c, "AT+WBHV", 15, defaults, 2, "(0-15),(0-1)");
}

static void cmd_wgprs(int port, const oat_at_cmd *c)
{
    static const char *const defaults[] = { "1", "1", "0", "0", "10", "0", "1", "0" };
    indexed(port, c, "AT+WGPRS", 7, defaults, 8, "(0-7),(0-255),(1-4),(1-12)");
}

/* AT+WHCNF=<type>,<mode>: 0 off, 1 on, 2 read ("+WHCNF: <type>,<status>"). */
static void cmd_whcnf(int port, const oat_at_cmd *c)
{
    static const char *const defaults[] = { "1", "1", "0", "0" };   /* keypad, LED, 32 kHz, ... */
    char key[24];
    if (c->type == ADL_CMD_TYPE_READ) {
        for (int t = 0; t < 4; t++) {
            snprintf(key, sizeof key, "WHCNF.%d", t);
            oat_modem_info(port, "+WHCNF: %d,%s", t, oat_modem_setting(key, defaults[t]));
        }
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "+WHCNF: (0-3),(0-2)");
    } else if (c->type == ADL_CMD_TYPE_PARA && c->nb_para >= 2) {
        int type = oat_modem_int_param(c, 0, 0, 3), mode = oat_modem_int_param(c, 1, 0, 2);
        if (type < 0 || mode < 0) {
            oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
            return;
        }
        snprintf(key, sizeof key, "WHCNF.%d", type);
        if (mode == 2)
            oat_modem_info(port, "+WHCNF: %d,%s", type, oat_modem_setting(key, defaults[type]));
        else
            oat_modem_setting_set(key, mode ? "1" : "0", true);
    } else {
        oat_modem_unsupported(port, c, NULL);
        return;
    }
    oat_modem_ok(port);
}

/* AT+CGCLASS=<"B"|"CG"|"CC">; "A" is +CME ERROR: 150. */
static void cmd_cgclass(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_READ) {
        oat_modem_info(port, "+CGCLASS: \"%s\"", oat_modem_setting("CGCLASS", "B"));
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "+CGCLASS: (\"CG\",\"CC\")");
    } else if (c->type == ADL_CMD_TYPE_PARA && c->nb_para == 1 && c->para[0]) {
        const char *v = c->para[0];
        if (strcasecmp(v, "B") && strcasecmp(v, "CG") && strcasecmp(v, "CC")) {
            oat_modem_cme(port, CME_CLASS_NOT_SUPPORTED);
            return;
        }
        char up[4];
        snprintf(up, sizeof up, "%s", v);
        for (char *p = up; *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        oat_modem_setting_set("CGCLASS", up, true);
    } else {
        oat_modem_unsupported(port, c, NULL);
        return;
    }
    oat_modem_ok(port);
}

/* AT+WMFM=0,<mode>,<port>: opens or closes UART2 (2) and USB (3) in the AT engine. */
static void cmd_wmfm(int port, const oat_at_cmd *c)
{
    static const char *const names[] = { NULL, "UART1", "UART2", "USB" };
    char key[24];
    if (c->type == ADL_CMD_TYPE_READ ||
        (c->type == ADL_CMD_TYPE_PARA && oat_modem_int_param(c, 1, 0, 2) == 2)) {
        for (int p = 1; p <= 3; p++) {
            snprintf(key, sizeof key, "WMFM.%d", p);
            oat_modem_info(port, "+WMFM: 0,2,%d,%s", p,
                           oat_modem_setting(key, p == 1 ? "1" : "0"));
        }
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "+WMFM: (0-1),(0-2),(1-3)");
    } else if (c->type == ADL_CMD_TYPE_PARA && c->nb_para >= 3) {
        int type = oat_modem_int_param(c, 0, 0, 1), mode = oat_modem_int_param(c, 1, 0, 1);
        int which = oat_modem_int_param(c, 2, 1, 3);
        if (type != 0 || mode < 0 || which < 0 || (which == 1 && mode == 0)) {
            oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
            return;
        }
        snprintf(key, sizeof key, "WMFM.%d", which);
        oat_modem_setting_set(key, mode ? "1" : "0", true);
        oat_at_port_set_open_locked(which, mode == 1);
        oat_info("modem: %s %s", names[which], mode ? "opened" : "closed");
    } else {
        oat_modem_unsupported(port, c, NULL);
        return;
    }
    oat_modem_ok(port);
}

const oat_modem_cmd oat_modem_settings_cmds[] = {
    { "AT+WHCNF", cmd_whcnf }, { "AT+WMFM", cmd_wmfm },   { "AT+WBHV", cmd_wbhv },
    { "AT+W32K", cmd_w32k },   { "AT+CGCLASS", cmd_cgclass }, { "AT+IFC", cmd_ifc },
    { "AT+ICF", cmd_icf },     { "AT+IPR", cmd_ipr },     { "AT+CTZU", cmd_ctzu },
    { "AT+WIND", cmd_wind },   { "AT+WGPRS", cmd_wgprs }, { "AT+CMGF", cmd_cmgf },
    { "AT+CNMI", cmd_cnmi },
};
const int oat_modem_settings_count = sizeof oat_modem_settings_cmds / sizeof oat_modem_settings_cmds[0];
