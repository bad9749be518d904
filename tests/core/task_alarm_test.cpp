// Task alarms (emu/core/task_alarm.c) in virtual time: the callback runs on its task at its
// due time, and a cancel, before the expiry or after it was queued, means it never runs.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "shim.h"
extern "C" {
#include "core/clock.h"
#include "core/sched.h"
#include "core/task_alarm.h"
#include "core/timer.h"
}

namespace {

const adl_InitTasks_t kTwoTasks[] = {
    { [] {}, 4096, "first", 2 },
    { [] {}, 4096, "second", 1 },
    { 0, 0, 0, 0 },
};

std::atomic<int> g_runs, g_drops, g_run_task;
std::atomic<long long> g_run_at_us;

void CountRun(void *)
{
    g_run_task = oat_task_index(oat_task_current());
    g_run_at_us = oat_now_us();
    ++g_runs;
}

void CountDrop(void *) { ++g_drops; }

class TaskAlarm : public ::testing::Test {
protected:
    void SetUp() override
    {
        g_runs = 0;
        g_drops = 0;
        g_run_task = -1;
        g_run_at_us = -1;
        ASSERT_EQ(oat_shim_boot_tasks(kTwoTasks, nullptr), 0);
    }
    void TearDown() override { oat_shim_stop(); }
};

TEST_F(TaskAlarm, RunsOnItsTaskAtItsDueTime)
{
    int64_t due = oat_now_us() + 100000;
    ASSERT_NE(oat_task_alarm_start(oat_task_by_index(1), due, CountRun, CountDrop, nullptr),
              nullptr);
    oat_shim_advance_ms(99);
    EXPECT_EQ(g_runs, 0);
    oat_shim_advance_ms(1);
    EXPECT_EQ(g_runs, 1);
    EXPECT_EQ(g_run_task, 1);
    EXPECT_EQ(g_run_at_us, due);
    EXPECT_EQ(g_drops, 0);
}

TEST_F(TaskAlarm, CancelledBeforeItsDueTimeNeverRuns)
{
    oat_task_alarm *a = oat_task_alarm_start(oat_task_by_index(1), oat_now_us() + 100000,
                                             CountRun, CountDrop, nullptr);
    ASSERT_NE(a, nullptr);
    oat_shim_advance_ms(50);
    EXPECT_TRUE(oat_task_alarm_cancel(a));
    oat_shim_advance_ms(100);
    EXPECT_EQ(g_runs, 0);
    EXPECT_EQ(g_drops, 0);
}

// The first alarm's handler runs on the task that the second alarm (same due time, created
// after it, so fired after it) posts to: it waits until the second one has left the core
// alarm heap (its expiry is being or has been queued behind this very handler) and cancels it.
// The queued event must then be discarded, not run (ASan: and its entry freed).
struct QueuedCancel {
    int64_t due;
    oat_task_alarm *second;
    std::atomic<int> cancelled{ -1 };
};

void CancelTheQueuedOne(void *arg)
{
    auto *q = static_cast<QueuedCancel *>(arg);
    while (oat_alarm_next_due() <= q->due)
        ;   /* the loop or an idle task is firing the second alarm now */
    q->cancelled = oat_task_alarm_cancel(q->second) ? 1 : 0;
}

TEST_F(TaskAlarm, CancelledAfterItsExpiryWasQueuedNeverRuns)
{
    QueuedCancel q;
    q.due = oat_now_us() + 100000;
    oat_task *task = oat_task_by_index(1);
    ASSERT_NE(oat_task_alarm_start(task, q.due, CancelTheQueuedOne, nullptr, &q), nullptr);
    q.second = oat_task_alarm_start(task, q.due, CountRun, CountDrop, nullptr);
    ASSERT_NE(q.second, nullptr);
    oat_shim_advance_ms(200);
    EXPECT_EQ(q.cancelled, 1);
    EXPECT_EQ(g_runs, 0);
    EXPECT_EQ(g_drops, 0);
    EXPECT_FALSE(oat_task_alarm_cancel(q.second));   /* stale handle: harmless */
}

// The first alarm's handler blocks its task for good, with the second alarm's expiry queued
// behind it: the module's stop ends the task there and drops that event, so drop runs, not fn
// (ASan: the entry is freed with it).
std::atomic<bool> g_second_armed, g_second_queued;

bool Never(void *) { return false; }

void BlockTheTaskWithTheSecondQueued(void *arg)
{
    int64_t due = *static_cast<int64_t *>(arg);
    while (!g_second_armed)   /* the loop may fire the first before the test starts the second */
        std::this_thread::yield();
    while (oat_alarm_next_due() <= due)
        ;   /* the loop is firing the second alarm now */
    g_second_queued = true;
    oat_task_block(Never, nullptr, -1);
}

TEST_F(TaskAlarm, AnExpiryQueuedWhenTheModuleStopsIsDroppedNotRun)
{
    g_second_armed = false;
    g_second_queued = false;
    int64_t due = oat_now_us();   /* due now: the loop fires both on its next turn */
    oat_task *task = oat_task_by_index(1);
    ASSERT_NE(oat_task_alarm_start(task, due, BlockTheTaskWithTheSecondQueued, nullptr, &due),
              nullptr);
    ASSERT_NE(oat_task_alarm_start(task, due, CountRun, CountDrop, nullptr), nullptr);
    g_second_armed = true;
    while (!g_second_queued)
        std::this_thread::yield();
    EXPECT_EQ(oat_shim_stop(), 0);
    EXPECT_EQ(g_runs, 0);
    EXPECT_EQ(g_drops, 1);
}

TEST_F(TaskAlarm, CancelAfterItRanIsFalseAndHarmless)
{
    oat_task_alarm *a = oat_task_alarm_start(oat_task_by_index(0), oat_now_us() + 1000,
                                             CountRun, CountDrop, nullptr);
    ASSERT_NE(a, nullptr);
    oat_shim_advance_ms(1);
    EXPECT_EQ(g_runs, 1);
    EXPECT_FALSE(oat_task_alarm_cancel(a));
}

}  // namespace
