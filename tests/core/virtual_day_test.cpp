// Virtual time (behaviour §2): a day of 100 ms timers runs in seconds, with every fire.
#include <gtest/gtest.h>

#include "shim.h"

namespace {

u32 g_fires;
u32 g_last_ms;
bool g_regular = true;

void OnTick(u8, void *)
{
    g_fires++;
    u32 now = (u32)oat_shim_now_ms();
    if (now != g_last_ms + 100)
        g_regular = false;
    g_last_ms = now;
}

void DayTask(void) { adl_tmrSubscribe(TRUE, 1, ADL_TMR_TYPE_100MS, OnTick); }

const adl_InitTasks_t kDay[] = { { DayTask, 4096, "day", 1 }, { 0, 0, 0, 0 } };

TEST(VirtualClock, CyclicHundredMillisecondTimerFires864000TimesInOneSimulatedDay)
{
    const char *const flags[] = { "--trace=none", nullptr };
    ASSERT_EQ(oat_shim_boot_tasks(kDay, flags), 0);
    oat_shim_advance_ms(86400LL * 1000);
    EXPECT_EQ(g_fires, 864000u);
    EXPECT_TRUE(g_regular);
    EXPECT_EQ(oat_shim_now_ms(), 86400LL * 1000);
    EXPECT_EQ(oat_shim_stop(), 0);
}

}  // namespace
