/* os5_timer: an OS 5 application: adl_main with wm_apmCustomStackSize, and a timer handler
 * of one argument (the OS 5 form) given where OS 6 expects two. */
#include "adl_global.h"

const u16 wm_apmCustomStackSize = 4096;

static u8 fired;

static void on_tick(u8 Id)
{
    (void)Id;
    if (++fired == 3)
        TRACE((1, "compat os5_timer: ok"));
}

void adl_main(adl_InitType_e InitType)
{
    (void)InitType;
    adl_tmrSubscribe(TRUE, 1, ADL_TMR_TYPE_100MS, on_tick);
}
