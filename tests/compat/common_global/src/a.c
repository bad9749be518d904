/* common_global: one global defined (tentatively, without extern) in two files, as headers of
 * SDK-era projects do; -fcommon makes it one object, as the module's GCC did. */
#include "adl_global.h"

int shared_counter;
void bump_b(void);

static void MainTask(void)
{
    shared_counter = 40;
    bump_b();
    TRACE((1, shared_counter == 42 ? "compat common_global: ok" : "compat common_global: FAIL"));
}

const adl_InitTasks_t adl_InitTasks[] = { { MainTask, 4096, "main", 1 }, { 0, 0, 0, 0 } };
