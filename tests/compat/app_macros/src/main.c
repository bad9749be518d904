/* app_macros: the application defines the stack macros and WIP_CHANNEL_INVALID itself, as
 * the vendor's samples do, before the SDK headers: its definitions win, silently. */
#ifdef __GNU_GCC__
#define DECLARE_CALL_STACK(X)    (X * 3)
#define DECLARE_LOWIRQ_STACK(X)  (X * 3)
#define DECLARE_HIGHIRQ_STACK(X) (X * 3)
#else
#define DECLARE_CALL_STACK(X)    (X * 2)
#define DECLARE_LOWIRQ_STACK(X)  (X * 2)
#define DECLARE_HIGHIRQ_STACK(X) (X * 2)
#endif
#define WIP_CHANNEL_INVALID ((wip_channel_t)-1)

#include "adl_global.h"
#include "wip.h"

const u32 adl_InitIRQLowLevelStackSize = DECLARE_LOWIRQ_STACK(1024);
const u32 adl_InitIRQHighLevelStackSize = DECLARE_HIGHIRQ_STACK(1024);

static void MainTask(void)
{
    bool ok = DECLARE_CALL_STACK(1000) == 2000 && adl_InitIRQLowLevelStackSize == 2048 &&
              WIP_CHANNEL_INVALID == (wip_channel_t)-1;
    TRACE((1, ok ? "compat app_macros: ok" : "compat app_macros: FAIL"));
}

const adl_InitTasks_t adl_InitTasks[] = { { MainTask, DECLARE_CALL_STACK(4096), "main", 1 },
                                          { 0, 0, 0, 0 } };
