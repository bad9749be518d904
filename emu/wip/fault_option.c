/* fault_option.c: the --fault / OATEMU_FAULT spec: parsed, checked and kept per peer
 * ("<peer>[:<port>]:<fault>[,<fault>...]", peers separated by ';'), and looked up when a
 * host connection starts. No channel state here (fault.c). */
#include "wip/fault.h"
#include "core/config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PEERS 16


typedef struct {
    char peer[256];
    uint16_t port;          /* 0: any */
    oat_fault_spec spec;
} entry;

static pthread_mutex_t table_mu = PTHREAD_MUTEX_INITIALIZER;
static entry table[MAX_PEERS];
static int table_len;

static void spec_none(oat_fault_spec *s)
{
    *s = (oat_fault_spec){ .connect_delay_us = -1, .stall_us = -1, .drop_bearer_us = -1,
                           .reset = { -1, 0 }, .close = { -1, 0 }, .tls_alert_after = -1 };
}

static int parse_count(const char *v, int64_t *out)
{
    uint64_t n;
    if (!v || oat_parse_uint(v, strlen(v), INT32_MAX, &n) || n == 0)
        return -1;
    *out = (int64_t)n;
    return 0;
}

/* reset-after / close-after with their -sent / -recv forms. */
static int parse_limit(const char *key, const char *base, const char *v, oat_fault_limit *l)
{
    size_t n = strlen(base);
    if (strncmp(key, base, n))
        return 1;
    const char *dir = key + n;
    unsigned dirs = !*dir ? OAT_FAULT_SENT | OAT_FAULT_RECV : !strcmp(dir, "-sent") ? OAT_FAULT_SENT
                    : !strcmp(dir, "-recv") ? OAT_FAULT_RECV : 0;
    if (!dirs)
        return 1;
    l->dirs = dirs;
    return parse_count(v, &l->n);
}

/* One fault: 0, -1 (bad value), 1 (unknown key). */
static int parse_fault(oat_fault_spec *s, const char *key, const char *v)
{
    if (!strcmp(key, "refuse") || !strcmp(key, "lookup-fail")) {
        if (v)
            return -1;
        *(key[0] == 'r' ? &s->refuse : &s->lookup_fail) = true;
        return 0;
    }
    int64_t *dur = !strcmp(key, "connect-delay") ? &s->connect_delay_us
                   : !strcmp(key, "stall") ? &s->stall_us
                   : !strcmp(key, "drop-bearer") ? &s->drop_bearer_us : NULL;
    if (dur)
        return !v || oat_parse_duration_us(v, dur) ? -1 : 0;
    if (!strcmp(key, "tls-alert-after"))
        return parse_count(v, &s->tls_alert_after);
    int rc = parse_limit(key, "reset-after", v, &s->reset);
    return rc != 1 ? rc : parse_limit(key, "close-after", v, &s->close);
}

/* "<peer>[:<port>]" (an IPv6 address in brackets). */
static int parse_peer(entry *e, char *text, char *err, size_t len)
{
    char *port = NULL;
    if (text[0] == '[') {
        char *end = strchr(text, ']');
        if (!end || (end[1] && end[1] != ':'))
            return oat_option_fail(err, len, "--fault: '%s' is not [<IPv6>][:<port>]", text);
        *end = '\0';
        port = end[1] ? end + 2 : NULL;
        text++;
    } else if ((port = strchr(text, ':'))) {
        *port++ = '\0';
    }
    if (!*text || strlen(text) >= sizeof e->peer)
        return oat_option_fail(err, len, "--fault: the peer name is empty or too long");
    snprintf(e->peer, sizeof e->peer, "%s", text);
    uint64_t p = 0;
    if (port && (oat_parse_uint(port, strlen(port), 65535, &p) || p == 0))
        return oat_option_fail(err, len, "--fault: '%s' is not a port (1-65535)", port);
    e->port = (uint16_t)p;
    return 0;
}

/* "<peer>[:<port>]:<fault>[,...]": the faults follow the last ':'. */
static int parse_entry(entry *e, char *text, char *err, size_t len)
{
    char *colon = strrchr(text, ':');
    if (!colon || colon == text)
        return oat_option_fail(err, len, "--fault: '%s' is not <peer>[:<port>]:<fault>[,...]", text);
    *colon = '\0';
    if (parse_peer(e, text, err, len))
        return -1;
    spec_none(&e->spec);
    char *save = NULL;
    for (char *f = strtok_r(colon + 1, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(f, '=');
        if (eq)
            *eq++ = '\0';
        int rc = parse_fault(&e->spec, f, eq);
        if (rc > 0)
            return oat_option_fail(err, len, "--fault: unknown fault '%s' (refuse, connect-delay, "
                        "reset-after, close-after, stall, drop-bearer, lookup-fail, "
                        "tls-alert-after)", f);
        if (rc < 0)
            return oat_option_fail(err, len, "--fault: %s%s%s: a bad value (durations as 2s, 500ms; "
                        "counts 1 or more; refuse and lookup-fail take none)", f,
                        eq ? "=" : "", eq ? eq : "");
    }
    return 0;
}

void oat_fault_option_reset(void)
{
    oat_fault_option_set("", NULL, 0);
}

int oat_fault_option_set(const char *value, char *err, size_t errlen)
{
    static entry parsed[MAX_PEERS];
    char buf[2048];
    int n = 0;
    if (!value)
        value = "";
    if (strlen(value) >= sizeof buf)
        return oat_option_fail(err, errlen, "--fault: the spec is longer than %zu characters", sizeof buf - 1);
    strcpy(buf, value);
    char *save = NULL;
    pthread_mutex_lock(&table_mu);
    int rc = 0;
    for (char *item = strtok_r(buf, ";", &save); item && rc == 0;
         item = strtok_r(NULL, ";", &save)) {
        if (n == MAX_PEERS)
            rc = oat_option_fail(err, errlen, "--fault: at most %d peers", MAX_PEERS);
        else
            rc = parse_entry(&parsed[n++], item, err, errlen);
    }
    if (rc == 0) {
        memcpy(table, parsed, sizeof table);
        table_len = n;
    }
    pthread_mutex_unlock(&table_mu);
    return rc;
}

bool oat_fault_spec_find(const char *app_name, uint16_t app_port, const char *addr,
                         uint16_t port, oat_fault_spec *out)
{
    bool found = false;
    pthread_mutex_lock(&table_mu);
    for (int i = 0; i < table_len && !found; i++) {
        const entry *e = &table[i];
        found = (!strcasecmp(e->peer, app_name) && (!e->port || e->port == app_port)) ||
                (!strcasecmp(e->peer, addr) && (!e->port || e->port == port));
        if (found)
            *out = e->spec;
    }
    pthread_mutex_unlock(&table_mu);
    return found;
}
