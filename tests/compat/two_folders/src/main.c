/* two_folders: sources in src/ and lib/, one more file given by name whose code needs a -D,
 * and an old folder that must be left out (--exclude). */
#include "adl_global.h"
#include "lib.h"

static void MainTask(void)
{
    bool ok = lib_answer() == 42 && feature_level() == WITH_FEATURE;
    TRACE((1, ok ? "compat two_folders: ok" : "compat two_folders: FAIL"));
}

const adl_InitTasks_t adl_InitTasks[] = { { MainTask, 4096, "main", 1 }, { 0, 0, 0, 0 } };
