/* options.c: the one place that knows every layer's option table and registers them, in the
 * order --help shows them. Called explicitly (no constructors), so static links keep them. */
#include "host/options.h"
#include "adl/adl_options.h"
#include "core/core_options.h"
#include "wip/wip_options.h"

#include <pthread.h>

static pthread_once_t registered = PTHREAD_ONCE_INIT;
static int register_rc;

static void register_layers(void)
{
    register_rc = oat_core_options_register() || oat_adl_options_register() ||
                  oat_wip_options_register() ? -1 : 0;
}

int oat_options_register_all(void)
{
    pthread_once(&registered, register_layers);
    return register_rc;
}
