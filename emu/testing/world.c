/* world.c: the test kit's controls of the emulated world (include/oatemu/testing.h): the
 * bearer's behaviour and a network loss, scripted faults, the radio link, the RTC, the SIM's
 * state. What changes the module runs in its first task, as an application handler would, so
 * it never races the module. */
#include "oatemu/testing.h"
#include "adl/at_internal.h"
#include "adl/rtc_internal.h"
#include "core/config.h"
#include "core/log.h"
#include "wip/wip_internal.h"

typedef struct {
    const char *name, *spec;
    int rc;
} option_change;

static void set_option_in_task(void *arg)
{
    option_change *c = arg;
    char err[256];
    c->rc = oat_config_set_active(c->name, c->spec, err, sizeof err);
    if (c->rc != 0)
        oat_warn("oatemu_set_%s: %s", c->name, err);
}

/* An option read when used ("bearer", "fault", "link"), changed in the first task. */
static int set_option(const char *name, const char *spec)
{
    option_change c = { name, spec ? spec : "", -1 };
    if (oatemu_in_task(0, set_option_in_task, &c) != 0)
        return -1;
    return c.rc;
}

int oatemu_set_bearer(const char *spec)
{
    return set_option("bearer", spec);
}

int oatemu_set_fault(const char *spec)
{
    return set_option("fault", spec);
}

int oatemu_set_link(const char *spec)
{
    return set_option("link", spec);
}

static void drop_in_task(void *arg)
{
    *(int *)arg = oat_bearer_drop_connected();
}

int oatemu_bearer_drop(void)
{
    int dropped = -1;
    if (oatemu_in_task(0, drop_in_task, &dropped) != 0)
        return -1;
    oatemu_settle();   /* the drop events the alarms posted */
    return dropped;
}

static void set_rtc_in_task(void *arg)
{
    oat_rtc_set_seconds(*(long long *)arg);
}

int oatemu_set_rtc(long long seconds)
{
    return oatemu_in_task(0, set_rtc_in_task, &seconds);
}

long long oatemu_rtc(void)
{
    return oat_rtc_seconds();
}

const char *oatemu_sim_cpin(void)
{
    return oat_sim_cpin_text();
}

bool oatemu_sim_ready(void)
{
    return oat_sim_is_ready();
}
