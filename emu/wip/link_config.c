/* link_config.c: the --link option (OATEMU_LINK): a named profile of the module's radio link,
 * figures changed or given by key, and the profile host channels open with. Parses and
 * stores only: never touches channels or the clock. */
#include "wip/link.h"
#include "core/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Figures from memory of the 3GPP specifications (see docs/decisions.md, "Link model"). */
static const struct {
    const char *name;
    oat_link_profile prof;
} profiles[] = {
    { "lan", { 0, 0, 0, 0 } },
    { "gprs", { 40000, 80000, 600000, 0 } },      /* class 10: 2 up, 4 down slots */
    { "edge", { 118000, 236000, 300000, 0 } },    /* class 10, MCS-9 */
    { "3g", { 64000, 384000, 150000, 0 } },       /* UMTS R99 bearer */
};

static oat_link_profile chosen;

/* A rate in bit/s: digits with an optional k or M; above 0. */
static int parse_rate(const char *s, const char *end, uint64_t *out)
{
    char *stop;
    unsigned long long v = strtoull(s, &stop, 10);
    if (stop == s || v == 0)
        return -1;
    if (stop < end && (*stop == 'k' || *stop == 'M')) {
        v *= *stop == 'k' ? 1000u : 1000000u;
        stop++;
    }
    if (stop != end || v > 10000000000ull)
        return -1;
    *out = v;
    return 0;
}

static int parse_key(oat_link_profile *p, const char *item, char *err, size_t len)
{
    char v[64];
    const char *eq = strchr(item, '=');
    if (!eq || strlen(eq + 1) >= sizeof v)
        return oat_option_fail(err, len, "--link: '%s' is not a profile (lan, gprs, edge, 3g) "
                               "nor rate=<up>/<down>, rtt=<dur>, jitter=<dur>", item);
    snprintf(v, sizeof v, "%s", eq + 1);
    size_t klen = (size_t)(eq - item);
    if (klen == 4 && !strncmp(item, "rate", 4)) {
        char *slash = strchr(v, '/');
        if (!slash || parse_rate(v, slash, &p->up_bps) ||
            parse_rate(slash + 1, slash + 1 + strlen(slash + 1), &p->down_bps))
            return oat_option_fail(err, len, "--link: rate='%s' is not <up>/<down> in bit/s "
                                   "above 0 (e.g. 40k/80k)", v);
    } else if ((klen == 3 && !strncmp(item, "rtt", 3)) ||
               (klen == 6 && !strncmp(item, "jitter", 6))) {
        int64_t *dst = klen == 3 ? &p->rtt_us : &p->jitter_us;
        if (oat_parse_duration_us(v, dst) || *dst > 60000000)
            return oat_option_fail(err, len, "--link: %.*s='%s' is not a duration up to 60s",
                                   (int)klen, item, v);
    } else {
        return oat_option_fail(err, len, "--link: unknown key '%.*s' (rate, rtt, jitter)",
                               (int)klen, item);
    }
    return 0;
}

int oat_link_option_set(const char *value, char *err, size_t errlen)
{
    oat_link_profile p = profiles[0].prof;
    char buf[256];
    if (strlen(value) >= sizeof buf)
        return oat_option_fail(err, errlen, "--link: the spec is longer than %zu characters",
                               sizeof buf - 1);
    snprintf(buf, sizeof buf, "%s", value);
    char *save = NULL;
    bool first = true;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        bool named = false;
        for (size_t i = 0; first && i < sizeof profiles / sizeof profiles[0]; i++) {
            if (!strcmp(item, profiles[i].name)) {
                p = profiles[i].prof;
                named = true;
            }
        }
        first = false;
        if (!named && parse_key(&p, item, err, errlen) != 0)
            return -1;
    }
    if ((p.up_bps == 0) != (p.down_bps == 0) || (p.up_bps == 0 && (p.rtt_us || p.jitter_us)))
        return oat_option_fail(err, errlen, "--link: '%s': delays need rates (rate=<up>/<down>)",
                               value);
    chosen = p;
    return 0;
}

void oat_link_option_reset(void)
{
    chosen = profiles[0].prof;
}

oat_link_profile oat_link_profile_now(void)
{
    return chosen;
}
