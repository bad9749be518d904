/* include_case: the include names a header whose case differs from the file on disk. */
#include "ADL_Global.h"
#include "Config.h"

static void MainTask(void)
{
    TRACE((1, CONFIG_ANSWER == 42 ? "compat include_case: ok" : "compat include_case: FAIL"));
}

const adl_InitTasks_t adl_InitTasks[] = { { MainTask, 4096, "main", 1 }, { 0, 0, 0, 0 } };
