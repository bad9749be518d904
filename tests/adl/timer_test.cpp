// timer_test.cpp: ADL timers in virtual time: units, cyclic periods without drift, one-shot
// release, unsubscribe results and races, the task a handler runs in, and the table limit.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "shim.h"
extern "C" {
#include "core/clock.h"
#include "core/sched.h"
}

namespace {

struct Fire {
    u8 id;
    void *context;
    long long at_us;
    int ctx;
};

std::vector<Fire> g_fires;
long long g_t0;   // emulated µs when the test's module finished booting
adl_tmr_t *g_timer;
s32 g_unsub_in_handler;
int g_stop_after;

void entry() {}
const adl_InitTasks_t kTasks[] = {
    { entry, 8192, "main", 2 },
    { entry, 8192, "worker", 1 },
    { nullptr, 0, nullptr, 0 },
};

void run_fn(void *arg)
{
    auto *fn = static_cast<std::function<void()> *>(arg);
    (*fn)();
    delete fn;
}

// Run fn on task row `task`, as an application handler would, and let the module settle.
void in_task(int task, std::function<void()> fn)
{
    ASSERT_EQ(0, oat_post(oat_task_by_index(task), run_fn, new std::function<void()>(std::move(fn)),
                          nullptr));
    oat_shim_settle();
}

void record(u8 id, void *context)
{
    g_fires.push_back({ id, context, (long long)oat_now_us() - g_t0, (int)adl_ctxGetID() });
}

void record_and_stop(u8 id, void *context)
{
    record(id, context);
    if ((int)g_fires.size() == g_stop_after)
        g_unsub_in_handler = adl_tmrUnSubscribe(g_timer, record_and_stop, ADL_TMR_TYPE_100MS);
}

void other_handler(u8, void *) {}

std::string traces()
{
    char *raw = oat_shim_traces();
    std::string all = raw ? raw : "";
    oat_shim_free(raw);
    return all;
}

class Timer : public ::testing::Test {
protected:
    void SetUp() override
    {
        g_fires.clear();
        g_timer = nullptr;
        g_unsub_in_handler = 12345;
        g_stop_after = 0;
        ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, nullptr));
        g_t0 = (long long)oat_now_us();
        traces();
    }
    void TearDown() override { oat_shim_stop(); }
};

TEST_F(Timer, CyclicTimerFiresEveryPeriodWithoutDrift)
{
    in_task(0, [] { g_timer = adl_tmrSubscribe(TRUE, 1, ADL_TMR_TYPE_100MS, record); });
    ASSERT_NE(nullptr, g_timer);
    for (int i = 0; i < 30; i++)
        oat_shim_advance_ms(33);
    oat_shim_advance_ms(10);
    ASSERT_EQ(10u, g_fires.size());
    for (size_t i = 0; i < g_fires.size(); i++)
        EXPECT_EQ((long long)(i + 1) * 100000, g_fires[i].at_us) << "expiry " << i;
}

TEST_F(Timer, TickUnitIsEighteenAndAHalfMilliseconds)
{
    EXPECT_EQ(54u, ADL_TMR_MS_TO_TICK(1000));
    EXPECT_EQ(54u, ADL_TMR_S_TO_TICK(1));
    EXPECT_EQ(3243u, ADL_TMR_MN_TO_TICK(1));
    EXPECT_EQ(0u, ADL_TMR_MS_TO_TICK(18));
    EXPECT_EQ(1u, ADL_TMR_MS_TO_TICK(19));
    EXPECT_EQ(10u, ADL_TMR_S_TO_100MS(1));
    in_task(0, [] { g_timer = adl_tmrSubscribe(FALSE, ADL_TMR_MS_TO_TICK(1000), ADL_TMR_TYPE_TICK, record); });
    oat_shim_advance_ms(998);
    EXPECT_TRUE(g_fires.empty());
    oat_shim_advance_ms(2);
    ASSERT_EQ(1u, g_fires.size());
    EXPECT_EQ(999000, g_fires[0].at_us);
}

TEST_F(Timer, OneShotFiresOnceThenUnsubscribeIsBadState)
{
    in_task(0, [] { g_timer = adl_tmrSubscribe(FALSE, 5, ADL_TMR_TYPE_100MS, record); });
    oat_shim_advance_ms(2000);
    ASSERT_EQ(1u, g_fires.size());
    EXPECT_EQ(500000, g_fires[0].at_us);
    s32 ret = 0;
    in_task(0, [&] { ret = adl_tmrUnSubscribe(g_timer, record, ADL_TMR_TYPE_100MS); });
    EXPECT_EQ(ADL_RET_ERR_BAD_STATE, ret);
    EXPECT_NE(std::string::npos, traces().find("adl_tmrUnSubscribe: timer"));
}

TEST_F(Timer, UnsubscribeReturnsTimeLeftInRequestedUnitRoundedUp)
{
    adl_tmr_t *a = nullptr, *b = nullptr;
    in_task(0, [&] {
        a = adl_tmrSubscribe(FALSE, 10, ADL_TMR_TYPE_100MS, record);
        b = adl_tmrSubscribe(TRUE, 10, ADL_TMR_TYPE_100MS, record);
    });
    oat_shim_advance_ms(250);
    s32 left_100ms = 0, left_ticks = 0;
    in_task(0, [&] {
        left_100ms = adl_tmrUnSubscribe(a, record, ADL_TMR_TYPE_100MS);
        left_ticks = adl_tmrUnSubscribe(b, record, ADL_TMR_TYPE_TICK);
    });
    EXPECT_EQ(8, left_100ms);    // 750 ms
    EXPECT_EQ(41, left_ticks);   // 750 / 18.5 = 40.5
    oat_shim_advance_ms(3000);
    EXPECT_TRUE(g_fires.empty());
}

TEST_F(Timer, UnsubscribeInsideItsOwnHandlerStopsCyclicTimer)
{
    g_stop_after = 3;
    in_task(0, [] { g_timer = adl_tmrSubscribe(TRUE, 2, ADL_TMR_TYPE_100MS, record_and_stop); });
    oat_shim_advance_ms(2000);
    EXPECT_EQ(3u, g_fires.size());
    EXPECT_EQ(2, g_unsub_in_handler);   // the next period had just begun
}

TEST_F(Timer, ExpiryQueuedBeforeUnsubscribeIsNotDelivered)
{
    s32 one_shot = 0, cyclic = 0;
    in_task(0, [&] {
        adl_tmr_t *a = adl_tmrSubscribe(FALSE, 1, ADL_TMR_TYPE_100MS, record);
        adl_tmr_t *b = adl_tmrSubscribe(TRUE, 1, ADL_TMR_TYPE_100MS, record);
        // Both expire at 100 ms while this handler sleeps: their events wait in the queue.
        adl_ctxSleep(10);
        one_shot = adl_tmrUnSubscribe(a, record, ADL_TMR_TYPE_100MS);
        cyclic = adl_tmrUnSubscribe(b, record, ADL_TMR_TYPE_100MS);
    });
    oat_shim_advance_ms(1000);
    EXPECT_EQ(0, one_shot);
    EXPECT_EQ(1, cyclic);
    EXPECT_TRUE(g_fires.empty());
}

TEST_F(Timer, HandlerRunsInTheSubscribersTask)
{
    in_task(0, [] { adl_tmrSubscribeExt(ADL_TMR_CYCLIC_OPT_NONE, 1, ADL_TMR_TYPE_100MS, record,
                                        (void *)"main", TRUE); });
    in_task(1, [] { adl_tmrSubscribeExt(ADL_TMR_CYCLIC_OPT_NONE, 2, ADL_TMR_TYPE_100MS, record,
                                        (void *)"worker", FALSE); });
    oat_shim_advance_ms(500);
    ASSERT_EQ(2u, g_fires.size());
    EXPECT_EQ(0, g_fires[0].ctx);
    EXPECT_STREQ("main", static_cast<const char *>(g_fires[0].context));
    EXPECT_EQ(1, g_fires[1].ctx);
    EXPECT_STREQ("worker", static_cast<const char *>(g_fires[1].context));
}

TEST_F(Timer, ExtOnExpirationIsCyclicAndPassesContext)
{
    static int ctx;
    in_task(0, [] { g_timer = adl_tmrSubscribeExt(ADL_TMR_CYCLIC_OPT_ON_EXPIRATION, 3,
                                                  ADL_TMR_TYPE_100MS, record, &ctx, TRUE); });
    oat_shim_advance_ms(1000);
    ASSERT_EQ(3u, g_fires.size());
    for (const Fire &f : g_fires)
        EXPECT_EQ(&ctx, f.context);
    EXPECT_EQ(900000, g_fires[2].at_us);
}

TEST_F(Timer, SubscribeRejectsZeroValueNullHandlerAndUnknownType)
{
    static int sentinel;
    adl_tmr_t *zero = reinterpret_cast<adl_tmr_t *>(&sentinel), *null_handler = zero,
              *bad_type = zero;
    in_task(0, [&] {
        zero = adl_tmrSubscribe(TRUE, 0, ADL_TMR_TYPE_100MS, record);
        null_handler = adl_tmrSubscribe(TRUE, 1, ADL_TMR_TYPE_100MS, nullptr);
        bad_type = adl_tmrSubscribe(TRUE, 1, (adl_tmrType_e)7, record);
    });
    EXPECT_EQ(nullptr, zero);
    EXPECT_EQ(nullptr, null_handler);
    EXPECT_EQ(nullptr, bad_type);
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("adl_tmrSubscribe: TimerValue 0"));
    EXPECT_NE(std::string::npos, t.find("adl_tmrSubscribe: Handler is NULL"));
    EXPECT_NE(std::string::npos, t.find("adl_tmrSubscribe: TimerType 7"));
}

TEST_F(Timer, UnsubscribeRejectsForeignPointerAndWrongHandler)
{
    static int not_a_timer;
    s32 foreign = 0, wrong = 0, still = 0;
    in_task(0, [&] {
        g_timer = adl_tmrSubscribe(TRUE, 1, ADL_TMR_TYPE_100MS, record);
        foreign = adl_tmrUnSubscribe(reinterpret_cast<adl_tmr_t *>(&not_a_timer), record,
                                     ADL_TMR_TYPE_100MS);
        wrong = adl_tmrUnSubscribe(g_timer, other_handler, ADL_TMR_TYPE_100MS);
    });
    EXPECT_EQ(ADL_RET_ERR_BAD_HDL, foreign);
    EXPECT_EQ(ADL_RET_ERR_BAD_HDL, wrong);
    oat_shim_advance_ms(200);
    EXPECT_EQ(2u, g_fires.size());   // the wrong-handler call left the timer running
    in_task(0, [&] { still = adl_tmrUnSubscribe(g_timer, record, ADL_TMR_TYPE_100MS); });
    EXPECT_EQ(1, still);
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("is not a timer handle"));
    EXPECT_NE(std::string::npos, t.find("is not the handler of timer"));
}

TEST_F(Timer, EachTaskHasThirtyTwoTimersNumberedOneToThirtyTwo)
{
    std::vector<adl_tmr_t *> got;
    adl_tmr_t *extra = nullptr, *other_task = nullptr;
    in_task(0, [&] {
        for (int i = 0; i < 32; i++)
            got.push_back(adl_tmrSubscribe(FALSE, 1, ADL_TMR_TYPE_TICK, record));
        extra = adl_tmrSubscribe(FALSE, 1, ADL_TMR_TYPE_TICK, record);
    });
    in_task(1, [&] { other_task = adl_tmrSubscribe(FALSE, 1, ADL_TMR_TYPE_TICK, record); });
    for (adl_tmr_t *t : got)
        EXPECT_NE(nullptr, t);
    EXPECT_EQ(nullptr, extra);
    EXPECT_NE(nullptr, other_task);
    EXPECT_NE(std::string::npos, traces().find("ADL_RET_ERR_NO_MORE_TIMERS"));
    oat_shim_advance_ms(100);
    ASSERT_EQ(33u, g_fires.size());
    std::vector<bool> seen(33, false);
    for (size_t i = 0; i < 32; i++) {
        ASSERT_GE(g_fires[i].id, 1);
        ASSERT_LE(g_fires[i].id, 32);
        EXPECT_FALSE(seen[g_fires[i].id]) << "id " << (int)g_fires[i].id;
        seen[g_fires[i].id] = true;
    }
    // Released one-shots make room again.
    adl_tmr_t *again = nullptr;
    in_task(0, [&] { again = adl_tmrSubscribe(FALSE, 1, ADL_TMR_TYPE_TICK, record); });
    EXPECT_NE(nullptr, again);
}

TEST_F(Timer, HandleFromBeforeARebootIsAlreadyGone)
{
    in_task(0, [] { g_timer = adl_tmrSubscribe(TRUE, 1, ADL_TMR_TYPE_100MS, record); });
    oat_shim_stop();
    ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, nullptr));
    s32 ret = 0;
    in_task(0, [&] { ret = adl_tmrUnSubscribe(g_timer, record, ADL_TMR_TYPE_100MS); });
    EXPECT_EQ(ADL_RET_ERR_BAD_STATE, ret);
    oat_shim_advance_ms(500);
    EXPECT_TRUE(g_fires.empty());
}

TEST_F(Timer, CallLogShowsSubscriptionsAndDeliveries)
{
    oat_shim_stop();
    const char *flags[] = { "--calls", nullptr };
    ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, flags));
    traces();
    in_task(0, [] { g_timer = adl_tmrSubscribe(FALSE, 1, ADL_TMR_TYPE_100MS, record); });
    oat_shim_advance_ms(100);
    in_task(0, [] { adl_tmrUnSubscribe(g_timer, record, ADL_TMR_TYPE_100MS); });
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("adl_tmrSubscribe(FALSE, 1, 0, "));
    EXPECT_NE(std::string::npos, t.find("timer 1 fired (one-shot"));
    EXPECT_NE(std::string::npos, t.find("ADL_RET_ERR_BAD_STATE"));
}

}  // namespace
