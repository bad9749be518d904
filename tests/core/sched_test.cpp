// Tasks, CPU lock and virtual clock (behaviour §1, §2), driven through the shim.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "shim.h"
extern "C" {
#include "core/clock.h"
#include "core/sched.h"
#include "core/timer.h"
}

namespace {

std::vector<std::string> g_order;
std::atomic<int> g_running{ 0 };
std::atomic<int> g_max_running{ 0 };

void Record(const char *what)
{
    int now = ++g_running;
    if (now > g_max_running)
        g_max_running = now;
    g_order.push_back(what);
    --g_running;
}

void EntryHigh(void) { Record(oat_task_name(oat_task_current())); }
void EntryMid(void) { Record(oat_task_name(oat_task_current())); }
void EntryLow(void) { Record(oat_task_name(oat_task_current())); }

const adl_InitTasks_t kThreeTasks[] = {
    { EntryHigh, 4096, "high", 3 },
    { EntryLow, 4096, "low", 1 },
    { EntryMid, 4096, "mid", 2 },
    { 0, 0, 0, 0 },
};

class Sched : public ::testing::Test {
protected:
    void SetUp() override
    {
        g_order.clear();
        g_max_running = 0;
    }
    void TearDown() override { oat_shim_stop(); }
};

TEST_F(Sched, EntryPointsRunInPriorityOrderHighestFirst)
{
    ASSERT_EQ(oat_shim_boot_tasks(kThreeTasks, nullptr), 0);
    EXPECT_EQ(g_order, (std::vector<std::string>{ "high", "mid", "low" }));
}

void Note(void *arg) { Record(static_cast<const char *>(arg)); }

void PostThree(void *)
{
    oat_post(oat_task_by_index(1), Note, (void *)"low1", nullptr);
    oat_post(oat_task_by_index(1), Note, (void *)"low2", nullptr);
    oat_post(oat_task_by_index(0), Note, (void *)"high1", nullptr);
}

TEST_F(Sched, QueuedEventsRunHighestPriorityFirstThenInPostingOrder)
{
    ASSERT_EQ(oat_shim_boot_tasks(kThreeTasks, nullptr), 0);
    g_order.clear();
    oat_post(oat_task_by_index(2), PostThree, nullptr, nullptr);
    oat_shim_settle();
    EXPECT_EQ(g_order, (std::vector<std::string>{ "high1", "low1", "low2" }));
}

TEST_F(Sched, OnlyOneTaskRunsApplicationCodeAtATime)
{
    ASSERT_EQ(oat_shim_boot_tasks(kThreeTasks, nullptr), 0);
    for (int i = 0; i < 300; i++)
        oat_post(oat_task_by_index(i % 3), Note, (void *)"x", nullptr);
    oat_shim_settle();
    EXPECT_EQ(g_max_running, 1);
}

TEST_F(Sched, TaskThreadsCarryTheTaskNames)
{
    ASSERT_EQ(oat_shim_boot_tasks(kThreeTasks, nullptr), 0);
    char name[16] = "";
    struct Probe { char *out; };
    static Probe probe;
    probe.out = name;
    oat_post(oat_task_by_index(2), [](void *p) {
        pthread_getname_np(pthread_self(), static_cast<Probe *>(p)->out, 16);
    }, &probe, nullptr);
    oat_shim_settle();
    EXPECT_STREQ(name, "mid");
}

std::vector<long long> g_fired_at;
void FireRecord(void *) { g_fired_at.push_back(oat_now_us()); }

TEST_F(Sched, VirtualClockJumpsToAlarmsOnlyWithinTheLimit)
{
    ASSERT_EQ(oat_shim_boot_tasks(kThreeTasks, nullptr), 0);
    g_fired_at.clear();
    oat_alarm_start(250000, FireRecord, nullptr);
    oat_alarm_start(5000000, FireRecord, nullptr);
    oat_shim_advance_ms(1000);
    EXPECT_EQ(g_fired_at, (std::vector<long long>{ 250000 }));
    EXPECT_EQ(oat_shim_now_ms(), 1000);
    oat_shim_advance_ms(4000);
    EXPECT_EQ(g_fired_at, (std::vector<long long>{ 250000, 5000000 }));
}

TEST_F(Sched, CancelledAlarmNeverFires)
{
    ASSERT_EQ(oat_shim_boot_tasks(kThreeTasks, nullptr), 0);
    g_fired_at.clear();
    oat_alarm *a = oat_alarm_start(100000, FireRecord, nullptr);
    EXPECT_TRUE(oat_alarm_cancel(a));
    EXPECT_FALSE(oat_alarm_cancel(a));
    oat_shim_advance_ms(1000);
    EXPECT_TRUE(g_fired_at.empty());
}

std::atomic<bool> g_flag{ false };
bool FlagSet(void *) { return g_flag.load(); }
int g_block_rc = 99;
long long g_block_woke_at = -1;

void BlockUntilFlag(void *)
{
    g_block_rc = oat_task_block(FlagSet, nullptr, oat_now_us() + 2000000);
    g_block_woke_at = oat_now_us();
}

TEST_F(Sched, BlockedTaskReleasesTheCpuAndTimesOutInEmulatedTime)
{
    ASSERT_EQ(oat_shim_boot_tasks(kThreeTasks, nullptr), 0);
    g_flag = false;
    g_order.clear();
    oat_post(oat_task_by_index(0), BlockUntilFlag, nullptr, nullptr);
    oat_post(oat_task_by_index(1), Note, (void *)"low ran while high blocked", nullptr);
    oat_shim_settle();
    EXPECT_EQ(g_order, (std::vector<std::string>{ "low ran while high blocked" }));
    EXPECT_EQ(g_block_rc, 99);
    oat_shim_advance_ms(3000);
    EXPECT_EQ(g_block_rc, -1);
    EXPECT_EQ(g_block_woke_at, 2000000);
}

void SetFlag(void *)
{
    oat_sched_lock();
    g_flag = true;
    oat_sched_wake_blocked();
    oat_sched_unlock();
}

TEST_F(Sched, BlockedTaskResumesWhenItsConditionIsMet)
{
    ASSERT_EQ(oat_shim_boot_tasks(kThreeTasks, nullptr), 0);
    g_flag = false;
    g_block_rc = 99;
    oat_post(oat_task_by_index(0), BlockUntilFlag, nullptr, nullptr);
    oat_shim_advance_ms(500);
    oat_post(oat_task_by_index(1), SetFlag, nullptr, nullptr);
    oat_shim_settle();
    EXPECT_EQ(g_block_rc, 0);
    EXPECT_EQ(g_block_woke_at, 500000);
}

TEST_F(Sched, StopEndsATaskBlockedForever)
{
    ASSERT_EQ(oat_shim_boot_tasks(kThreeTasks, nullptr), 0);
    g_flag = false;
    g_block_rc = 99;
    oat_post(oat_task_by_index(2), [](void *) { oat_task_block(FlagSet, nullptr, -1); g_block_rc = 1; },
             nullptr, nullptr);
    oat_shim_settle();
    EXPECT_EQ(oat_shim_stop(), 0);
    EXPECT_EQ(g_block_rc, 99);
}

void AdlMain(adl_InitType_e t) { Record(t == ADL_INIT_POWER_ON ? "adl_main power on" : "adl_main other"); }

TEST_F(Sched, AdlMainStyleBootsInOneMainTask)
{
    ASSERT_EQ(oat_shim_boot_main(AdlMain, nullptr), 0);
    EXPECT_EQ(g_order, (std::vector<std::string>{ "adl_main power on" }));
    EXPECT_EQ(oat_task_count(), 1);
    EXPECT_STREQ(oat_task_name(oat_task_main()), "main");
}

const adl_InitTasks_t kDuplicatePriority[] = {
    { EntryHigh, 4096, "a", 2 },
    { EntryLow, 4096, "b", 2 },
    { 0, 0, 0, 0 },
};
const adl_InitTasks_t kFirstNotHighest[] = {
    { EntryLow, 4096, "a", 1 },
    { EntryHigh, 4096, "b", 2 },
    { 0, 0, 0, 0 },
};
const adl_InitTasks_t kNoTask[] = { { 0, 0, 0, 0 } };

TEST_F(Sched, BadTaskTablesAreRefusedWithTheLaunchFailure)
{
    EXPECT_EQ(oat_shim_boot_tasks(kDuplicatePriority, nullptr), -1);
    char *t = oat_shim_traces();
    EXPECT_NE(std::string(t).find("launch failure 17"), std::string::npos) << t;
    oat_shim_free(t);
    EXPECT_EQ(oat_shim_boot_tasks(kFirstNotHighest, nullptr), -1);
    t = oat_shim_traces();
    EXPECT_NE(std::string(t).find("highest priority"), std::string::npos) << t;
    oat_shim_free(t);
    EXPECT_EQ(oat_shim_boot_tasks(kNoTask, nullptr), -1);
    t = oat_shim_traces();
    EXPECT_NE(std::string(t).find("launch failure 16"), std::string::npos) << t;
    oat_shim_free(t);
    EXPECT_TRUE(g_order.empty());
}

}  // namespace
