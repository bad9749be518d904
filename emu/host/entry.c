/* entry.c: finds the application's entry declaration linked into the program (the
 * adl_InitTasks[] table, or adl_main with wm_apmCustomStackSize), for the module's main()
 * and the test kit's oatemu_boot(). */
#include "host/entry.h"

/* The application defines one of these; all are optional at link time. */
#pragma weak adl_InitTasks
#pragma weak adl_main
#pragma weak wm_apmCustomStackSize

bool oat_app_entry(oat_boot *out)
{
    *out = (oat_boot){ NULL, NULL, 0 };
    if (adl_InitTasks)
        out->tasks = adl_InitTasks;
    else if (adl_main)
        out->main_fn = adl_main;
    if (!out->tasks && &wm_apmCustomStackSize)
        out->main_stack = wm_apmCustomStackSize;
    return adl_InitTasks && adl_main;
}
