// The lock rules checked in debug builds (emu/core/lock_check.h) and the closing pass of the
// scheduler (oat_task_defer_close): a broken rule aborts with a line naming the lock, the rule
// and the function; closing callbacks run after the handler that deferred them, with no lock
// held, and at module stop each one's drop runs exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "shim.h"
extern "C" {
#include "core/lock_check.h"
#include "core/sched.h"
#include "wip/wip_internal.h"
}

namespace {

class LockCheckDeath : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (!oat_lock_asserts_enabled())
            GTEST_SKIP() << "built without OATEMU_LOCK_ASSERTS";
        GTEST_FLAG_SET(death_test_style, "threadsafe");
    }
};

TEST_F(LockCheckDeath, TakingWipMuUnderSchedMuBreaksTheOrder)
{
    EXPECT_DEATH(
        {
            oat_sched_lock();
            oat_wip_lock();
        },
        "lock rule broken: wip_mu taken while holding sched_mu \\(lock order\\), in oat_wip_lock");
}

TEST_F(LockCheckDeath, TakingSchedMuTwiceIsCaughtBeforeTheDeadlock)
{
    EXPECT_DEATH(
        {
            oat_sched_lock();
            oat_sched_lock();
        },
        "lock rule broken: sched_mu taken again by the thread holding it, in oat_sched_lock");
}

TEST_F(LockCheckDeath, AChannelCallWithoutWipMuAborts)
{
    EXPECT_DEATH(oat_chan_ref(nullptr),
                 "lock rule broken: wip_mu must be held here, in oat_chan_ref");
}

TEST_F(LockCheckDeath, ACallbackStartingWithACoreLockHeldAborts)
{
    EXPECT_DEATH(
        {
            oat_wip_lock();
            oat_lock_assert_none("a channel finalizer", "finalize_event");
        },
        "lock rule broken: wip_mu held when a channel finalizer starts \\(no core lock\\), in "
        "finalize_event");
}

TEST_F(LockCheckDeath, ReleasingALockNotHeldAborts)
{
    EXPECT_DEATH(oat_wip_unlock(), "lock rule broken: wip_mu released by a thread not holding it");
}

TEST(LockCheck, WipMuIsRecursiveAndTheRightOrderPasses)
{
    oat_wip_lock();
    oat_wip_lock();
    oat_sched_lock();
    oat_sched_unlock();
    oat_wip_unlock();
    oat_wip_unlock();
    oat_lock_assert_none("a callback", "test");   // aborts the suite if a count was left
}

// ---- the closing pass ----

const adl_InitTasks_t kTwoTasks[] = {
    { [] {}, 4096, "first", 2 },
    { [] {}, 4096, "second", 1 },
    { 0, 0, 0, 0 },
};

std::vector<std::string> g_order;          // written by one task at a time (the CPU)
std::atomic<int> g_runs, g_drops, g_chained_drops, g_run_task;

void Closing(void *arg)
{
    oat_lock_assert_none("a closing callback", "Closing");
    g_run_task = oat_task_index(oat_task_current());
    g_order.push_back(static_cast<const char *>(arg));
    ++g_runs;
}

void Note(void *arg) { g_order.push_back(static_cast<const char *>(arg)); }

void Dropped(void *) { ++g_drops; }

class ClosingPass : public ::testing::Test {
protected:
    void SetUp() override
    {
        g_order.clear();
        g_runs = g_drops = g_chained_drops = 0;
        g_run_task = -1;
        ASSERT_EQ(oat_shim_boot_tasks(kTwoTasks, nullptr), 0);
    }
    void TearDown() override { oat_shim_stop(); }
};

// The handler posts an event, then defers two closing callbacks, the first while holding
// wip_mu (as the channel core does): they run after the handler returned, in their order,
// with no lock held, before the event posted first.
void DeferTwoThenReturn(void *)
{
    oat_task *self = oat_task_current();
    oat_post(self, Note, (void *)"next event", nullptr);
    oat_wip_lock();
    oat_task_defer_close(self, Closing, (void *)"inner", Dropped);
    oat_wip_unlock();
    oat_task_defer_close(self, Closing, (void *)"outer", Dropped);
    g_order.push_back("handler returns");
}

TEST_F(ClosingPass, CallbacksRunAfterTheHandlerInOrderBeforeTheNextEvent)
{
    ASSERT_EQ(oat_shim_in_task(1, DeferTwoThenReturn, nullptr), 0);
    oat_shim_settle();
    EXPECT_EQ(g_order, (std::vector<std::string>{ "handler returns", "inner", "outer",
                                                  "next event" }));
    EXPECT_EQ(g_runs, 2);
    EXPECT_EQ(g_drops, 0);
    EXPECT_EQ(g_run_task, 1);
}

TEST_F(ClosingPass, ACallbackDeferredFromAnotherThreadRunsOnItsTask)
{
    ASSERT_EQ(oat_task_defer_close(oat_task_by_index(1), Closing, (void *)"from the test", Dropped),
              0);
    oat_shim_settle();
    EXPECT_EQ(g_runs, 1);
    EXPECT_EQ(g_run_task, 1);
}

// At module stop: the drop of each event still queued and of each closing callback runs
// once, on the stopping thread with no lock; a drop deferring another callback (a channel's
// last reference going in an event's drop) has that one's drop run too.
void ChainedDrop(void *) { ++g_chained_drops; }

void DropThenDeferAnother(void *task)
{
    ++g_drops;
    oat_lock_assert_none("a drop at module stop", "DropThenDeferAnother");
    oat_task_defer_close(static_cast<oat_task *>(task), Closing, (void *)"never", ChainedDrop);
}

void NeverRuns(void *) { g_order.push_back("never"); }

bool Never(void *) { return false; }

void QueueWorkThenBlock(void *)
{
    oat_task *self = oat_task_current();
    for (int i = 0; i < 3; i++) {
        oat_post(self, Note, (void *)"never", Dropped);
        oat_task_defer_close(self, Closing, (void *)"never", Dropped);
    }
    oat_post(self, NeverRuns, self, DropThenDeferAnother);
    oat_task_block(Never, nullptr, -1);   // the stop ends the task here
}

TEST_F(ClosingPass, AtModuleStopEveryPendingDropRunsExactlyOnce)
{
    ASSERT_EQ(oat_post(oat_task_by_index(1), QueueWorkThenBlock, nullptr, nullptr), 0);
    oat_shim_settle();   // the task is blocked: idle, its work left queued
    EXPECT_EQ(g_drops, 0);
    oat_shim_stop();
    EXPECT_EQ(g_runs, 0);
    EXPECT_EQ(g_drops, 7);
    EXPECT_EQ(g_chained_drops, 1);
    EXPECT_TRUE(g_order.empty());
}

}  // namespace
