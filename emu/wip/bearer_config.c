/* bearer_config.c: parses the --bearer spec into an oat_bearer_cfg (its fail= cause by the
 * WIP_BERR_* table's names). Pure functions: never touches bearers, locks or the clock. */
#include "wip/bearer_config.h"
#include "wip/wip_errors.h"
#include "wip_bearer.h"
#include "core/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PREFIX_LEN 9   /* "WIP_BERR_" */

/* fail=<cause>: a connection failure cause, WIP_BERR_ prefix optional, any case, '-' = '_'. */
static int parse_cause(const char *v, int *out)
{
    if (!strncasecmp(v, "WIP_BERR_", PREFIX_LEN))
        v += PREFIX_LEN;
    char name[32];
    size_t n = strlen(v);
    if (n >= sizeof name)
        return -1;
    for (size_t i = 0; i <= n; i++)
        name[i] = v[i] == '-' ? '_' : (char)toupper((unsigned char)v[i]);
    const oat_err_table *t = &oat_wip_berr_errors;
    for (size_t i = 0; i < t->count; i++) {
        if (t->codes[i].code <= WIP_BERR_LINE_BUSY && !strcmp(t->codes[i].name + PREFIX_LEN, name)) {
            *out = (int)t->codes[i].code;
            return 0;
        }
    }
    return -1;
}

static int copy_value(char *dst, size_t size, const char *key, const char *v, char *err,
                      size_t len)
{
    if (strlen(v) >= size)
        return oat_option_fail(err, len, "--bearer: %s is longer than %zu characters", key,
                               size - 1);
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

static int parse_duration(int64_t *dst, const char *key, const char *v, char *err, size_t len)
{
    if (oat_parse_duration_us(v, dst))
        return oat_option_fail(err, len, "--bearer: %s='%s' is not a duration (e.g. 500ms, 2s)",
                               key, v);
    return 0;
}

static int parse_addr(uint32_t *dst, const char *key, const char *v, char *err, size_t len)
{
    struct in_addr a;
    if (inet_pton(AF_INET, v, &a) != 1)
        return oat_option_fail(err, len, "--bearer: %s='%s' is not an IPv4 address", key, v);
    *dst = a.s_addr;
    return 0;
}

static int parse_item(oat_bearer_cfg *c, const char *key, const char *v, char *err, size_t len)
{
    if (!strcmp(key, "delay"))
        return parse_duration(&c->delay_us, key, v, err, len);
    if (!strcmp(key, "drop"))
        return parse_duration(&c->drop_us, key, v, err, len);
    if (!strcmp(key, "apn"))
        return copy_value(c->apn, sizeof c->apn, key, v, err, len);
    if (!strcmp(key, "login"))
        return copy_value(c->login, sizeof c->login, key, v, err, len);
    if (!strcmp(key, "password"))
        return copy_value(c->password, sizeof c->password, key, v, err, len);
    if (!strcmp(key, "dns1"))
        return parse_addr(&c->dns1, key, v, err, len);
    if (!strcmp(key, "dns2"))
        return parse_addr(&c->dns2, key, v, err, len);
    if (!strcmp(key, "fail")) {
        if (parse_cause(v, &c->fail))
            return oat_option_fail(err, len, "--bearer: fail='%s' is not a failure cause "
                                   "(GPRS_FAILED, NO_CARRIER, PPP_AUTH_FAILED, ...)", v);
        return 0;
    }
    return oat_option_fail(err, len, "--bearer: unknown key '%s' (delay, drop, apn, login, "
                           "password, fail, dns1, dns2)", key);
}

static void set_defaults(oat_bearer_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->delay_us = -1;
    c->drop_us = -1;
    c->dns1 = htonl(0x08080808u);
    c->dns2 = htonl(0x08080404u);
}

int oat_bearer_config_parse(const char *spec, oat_bearer_cfg *out, char *err, size_t len)
{
    set_defaults(out);
    char buf[1024];
    if (!spec)
        return 0;
    if (strlen(spec) >= sizeof buf)
        return oat_option_fail(err, len, "--bearer: the spec is longer than %zu characters",
                               sizeof buf - 1);
    strcpy(buf, spec);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            return oat_option_fail(err, len, "--bearer: '%s' is not key=value", item);
        *eq = '\0';
        if (parse_item(out, item, eq + 1, err, len))
            return -1;
    }
    return 0;
}

int oat_bearer_config_check(const char *spec, char *err, size_t len)
{
    oat_bearer_cfg c;
    return oat_bearer_config_parse(spec, &c, err, len);
}
