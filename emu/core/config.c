/* config.c: the option registry of behaviour §8: defaults, then OATEMU_* variables, then --flags
 * (the flag wins), --help written from what the layers registered. Holds no layer's setting. */
#include "core/config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPTIONS_MAX 64
#define HELP_MAX 8192
#define HELP_VAR_COLUMN 30   /* where the variable starts on a flag's line */

static const oat_option *options[OPTIONS_MAX];
static size_t option_count;
static char app_name[128] = "app";

int oat_option_fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const oat_option *find_flag(const char *flag)
{
    for (size_t i = 0; i < option_count; i++)
        if (!strcmp(options[i]->flag, flag))
            return options[i];
    return NULL;
}

static bool var_taken(const char *var)
{
    for (size_t i = 0; i < option_count; i++)
        for (size_t v = 0; v < 3 && options[i]->vars[v]; v++)
            if (!strcmp(options[i]->vars[v], var))
                return true;
    return false;
}

static bool entry_clashes(const oat_option *table, size_t k)
{
    const oat_option *o = &table[k];
    if (find_flag(o->flag)) {
        fprintf(stderr, "oatemu: option --%s registered twice\n", o->flag);
        return true;
    }
    for (size_t v = 0; v < 3 && o->vars[v]; v++) {
        bool in_table = false;
        for (size_t j = 0; j < k; j++)
            for (size_t w = 0; w < 3 && table[j].vars[w]; w++)
                in_table |= !strcmp(table[j].vars[w], o->vars[v]);
        if (in_table || var_taken(o->vars[v])) {
            fprintf(stderr, "oatemu: variable %s of --%s registered twice\n", o->vars[v], o->flag);
            return true;
        }
    }
    for (size_t j = 0; j < k; j++)
        if (!strcmp(table[j].flag, o->flag)) {
            fprintf(stderr, "oatemu: option --%s registered twice\n", o->flag);
            return true;
        }
    return false;
}

int oat_config_register(const oat_option *table, size_t count)
{
    if (option_count + count > OPTIONS_MAX) {
        fprintf(stderr, "oatemu: more than %d options registered\n", OPTIONS_MAX);
        return -1;
    }
    for (size_t k = 0; k < count; k++)
        if (!table[k].flag || !table[k].set || entry_clashes(table, k))
            return -1;
    for (size_t k = 0; k < count; k++)
        options[option_count++] = &table[k];
    return 0;
}

void oat_config_defaults(const char *app)
{
    snprintf(app_name, sizeof app_name, "%s", app && *app ? app : "app");
    for (size_t i = 0; i < option_count; i++)
        if (options[i]->reset)
            options[i]->reset();
}

const char *oat_config_app_name(void)
{
    return app_name;
}

int oat_config_set(const char *name, const char *value, char *err, size_t errlen)
{
    const oat_option *o = find_flag(name);
    if (!o)
        return oat_option_fail(err, errlen, "unknown option --%s", name);
    return o->set(value ? value : "", err, errlen);
}

int oat_config_set_active(const char *name, const char *value, char *err, size_t errlen)
{
    const oat_option *o = find_flag(name);
    if (o && !o->live)
        return oat_option_fail(err, errlen, "--%s cannot change on a running module", name);
    return oat_config_set(name, value, err, errlen);
}

/* An option's variables, the aliases first so that vars[0] wins. */
static int load_vars(const oat_option *o, char *err, size_t errlen)
{
    size_t n = 0;
    while (n < 3 && o->vars[n])
        n++;
    for (size_t k = n; k-- > 0;) {
        const char *v = getenv(o->vars[k]);
        if (v && o->set(v, err, errlen)) {
            size_t used = strlen(err);
            snprintf(err + used, errlen - used, " (from %s)", o->vars[k]);
            return -1;
        }
    }
    return 0;
}

int oat_config_load(int argc, char **argv, char *err, size_t errlen)
{
    for (size_t i = 0; i < option_count; i++)
        if (load_vars(options[i], err, errlen))
            return -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(oat_config_help(), stdout);
            return 1;
        }
        if (strncmp(a, "--", 2))
            return oat_option_fail(err, errlen, "unexpected argument '%s' (options start with --; "
                                   "see --help)", a);
        char name[64];
        const char *eq = strchr(a + 2, '=');
        size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
        if (n >= sizeof name)
            return oat_option_fail(err, errlen, "unknown option %s", a);
        memcpy(name, a + 2, n);
        name[n] = '\0';
        const oat_option *o = find_flag(name);
        if (!o)
            return oat_option_fail(err, errlen, "unknown option --%s", name);
        if (!eq && !o->bare)
            return oat_option_fail(err, errlen, "--%s needs a value (--%s=...)", name, name);
        if (o->set(eq ? eq + 1 : "", err, errlen))
            return -1;
    }
    return 0;
}

static size_t help_add(char *buf, size_t used, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static size_t help_add(char *buf, size_t used, const char *fmt, ...)
{
    if (used >= HELP_MAX)
        return used;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + used, HELP_MAX - used, fmt, ap);
    va_end(ap);
    return n < 0 ? used : used + (size_t)n;
}

/* "  --flag=arg   VAR (also ALIAS)", then the help lines indented below. */
static size_t help_option(char *buf, size_t used, const oat_option *o)
{
    int left = snprintf(NULL, 0, "  --%s%s%s", o->flag, o->arg ? "=" : "", o->arg ? o->arg : "");
    used = help_add(buf, used, "  --%s%s%s", o->flag, o->arg ? "=" : "", o->arg ? o->arg : "");
    if (o->vars[0]) {
        if (left >= HELP_VAR_COLUMN - 1)
            used = help_add(buf, used, "\n%*s", HELP_VAR_COLUMN, "");
        else
            used = help_add(buf, used, "%*s", HELP_VAR_COLUMN - left, "");
        used = help_add(buf, used, "%s", o->vars[0]);
        for (size_t v = 1; v < 3 && o->vars[v]; v++)
            used = help_add(buf, used, "%s%s", v == 1 ? " (also " : ", ", o->vars[v]);
        if (o->vars[1])
            used = help_add(buf, used, ")");
    }
    for (const char *line = o->help; line && *line;) {
        size_t len = strcspn(line, "\n");
        used = help_add(buf, used, "\n      %.*s", (int)len, line);
        line += len + (line[len] == '\n');
    }
    return help_add(buf, used, "\n");
}

const char *oat_config_help(void)
{
    static char help[HELP_MAX];
    size_t used = help_add(help, 0, "Options (each has an OATEMU_* environment variable of the "
                           "same meaning; the flag wins):\n");
    for (size_t i = 0; i < option_count; i++)
        used = help_option(help, used, options[i]);
    help_add(help, used, "  --help\n      this text\n");
    return help;
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

int oat_parse_port(const char *text, size_t len, bool zero_ok, uint16_t *out)
{
    uint64_t v;
    if (oat_parse_uint(text, len, OAT_PORT_MAX, &v) || (v == 0 && !zero_ok))
        return -1;
    *out = (uint16_t)v;
    return 0;
}

int oat_parse_bool(const char *v, bool *out)
{
    if (!*v || !strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        *out = true;
    else if (!strcmp(v, "0") || !strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        *out = false;
    else
        return -1;
    return 0;
}

int oat_option_copy(char *dst, size_t size, const char *flag, const char *v, char *err,
                    size_t errlen)
{
    if (strlen(v) >= size)
        return oat_option_fail(err, errlen, "--%s: value too long (%s)", flag, v);
    snprintf(dst, size, "%s", v);
    return 0;
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
