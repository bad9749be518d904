// os_test.cpp: contexts, adl_ctxSleep, messages between tasks, semaphores and event flags in
// virtual time: blocking calls release the CPU and wake at the right emulated time.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "shim.h"
extern "C" {
#include "core/clock.h"
#include "core/sched.h"
}

namespace {

void entry() {}
// Row 0 ("main") has the higher priority, as the first row must.
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

// Queue fn on task row `task` as an application handler; it may block past the settle.
void post_to(int task, std::function<void()> fn)
{
    ASSERT_EQ(0, oat_post(oat_task_by_index(task), run_fn, new std::function<void()>(std::move(fn)),
                          nullptr));
}

void in_task(int task, std::function<void()> fn)
{
    post_to(task, std::move(fn));
    oat_shim_settle();
}

// Emulated µs since the test's module finished booting.
long long g_t0;
long long now_us() { return (long long)oat_now_us() - g_t0; }

std::string traces()
{
    char *raw = oat_shim_traces();
    std::string all = raw ? raw : "";
    oat_shim_free(raw);
    return all;
}

std::vector<std::string> g_log;
s32 g_sem;
s32 g_event;
std::vector<u32> g_set_masks;

void note(const std::string &what) { g_log.push_back(what + "@" + std::to_string(now_us() / 1000)); }

void note_tick(u8, void *) { note("timer"); }
void produce_on_timer(u8, void *) { EXPECT_EQ(OK, adl_semProduce(g_sem)); }
void set_next_flag(u8, void *)
{
    ASSERT_FALSE(g_set_masks.empty());
    EXPECT_EQ(OK, adl_eventSet(g_event, g_set_masks.front()));
    g_set_masks.erase(g_set_masks.begin());
}

struct Msg {
    u32 id;
    int source;
    std::string data;
    int receiver;
    std::string sub;
};
std::vector<Msg> g_msgs;

void got(const char *sub, u32 id, adl_ctxID_e source, u32 len, void *data)
{
    g_msgs.push_back({ id, (int)source, data ? std::string((const char *)data, len) : "",
                       (int)adl_ctxGetID(), sub });
}
void on_equal(u32 id, adl_ctxID_e s, u32 len, void *d) { got("equal", id, s, len, d); }
void on_greater(u32 id, adl_ctxID_e s, u32 len, void *d) { got("greater", id, s, len, d); }
void on_from_worker(u32 id, adl_ctxID_e s, u32 len, void *d) { got("from-worker", id, s, len, d); }

class Os : public ::testing::Test {
protected:
    void SetUp() override
    {
        g_log.clear();
        g_msgs.clear();
        g_set_masks.clear();
        g_sem = g_event = -1;
        ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, nullptr));
        g_t0 = (long long)oat_now_us();
        traces();
    }
    void TearDown() override { oat_shim_stop(); }
};

TEST_F(Os, ContextIdIsTheTaskRow)
{
    int main_id = -1, worker_id = -1, worker_task = -1, count = 0;
    in_task(0, [&] { main_id = adl_ctxGetID(); count = adl_ctxGetTasksCount(); });
    in_task(1, [&] { worker_id = adl_ctxGetID(); worker_task = adl_ctxGetTaskID(); });
    EXPECT_EQ(0, main_id);
    EXPECT_EQ(1, worker_id);
    EXPECT_EQ(1, worker_task);
    EXPECT_EQ(2, count);
    EXPECT_NE(ADL_CTX_HIGH_LEVEL_IRQ_HANDLER, ADL_CTX_LOW_LEVEL_IRQ_HANDLER);
}

TEST_F(Os, SleepReleasesTheCpuToLowerPriorityTasks)
{
    in_task(1, [] { adl_tmrSubscribe(FALSE, 1, ADL_TMR_TYPE_100MS, note_tick); });
    post_to(0, [] {
        note("sleep");
        EXPECT_EQ(OK, adl_ctxSleep(10));
        note("woke");
    });
    oat_shim_advance_ms(1000);
    // The low-priority worker's timer ran at 100 ms while the main task slept 10 ticks.
    EXPECT_EQ((std::vector<std::string>{ "sleep@0", "timer@100", "woke@185" }), g_log);
}

TEST_F(Os, SleepOutsideATaskIsServiceLocked)
{
    EXPECT_EQ(ADL_RET_ERR_SERVICE_LOCKED, adl_ctxSleep(1));
    EXPECT_NE(std::string::npos, traces().find("adl_ctxSleep: called outside a task"));
}

TEST_F(Os, MessageReachesMatchingSubscriptionsOfTheDestinationTask)
{
    in_task(1, [] {
        adl_msgFilter_t eq = { 0xFF00, 0x1200, ADL_MSG_ID_COMP_EQUAL, ADL_CTX_ALL };
        adl_msgFilter_t gt = { 0xFFFF, 0x1233, ADL_MSG_ID_COMP_GREATER, ADL_CTX_ALL };
        adl_msgFilter_t from_worker = { 0, 0, ADL_MSG_ID_COMP_EQUAL, (adl_ctxID_e)1 };
        EXPECT_GE(adl_msgSubscribe(&eq, on_equal), 0);
        EXPECT_GE(adl_msgSubscribe(&gt, on_greater), 0);
        EXPECT_GE(adl_msgSubscribe(&from_worker, on_from_worker), 0);
    });
    in_task(0, [] {
        char buf[] = "hello";
        EXPECT_EQ(OK, adl_msgSend((adl_ctxID_e)1, 0x1234, 5, buf));
        std::strcpy(buf, "xxxxx");   // the message carries a copy
        EXPECT_EQ(OK, adl_msgSend((adl_ctxID_e)1, 0x1233, 0, nullptr));
    });
    // 0x1234 passes the masked-equal and the greater filters, 0x1233 only the masked-equal
    // one; the worker-source filter takes nothing sent by main.
    ASSERT_EQ(3u, g_msgs.size());
    EXPECT_EQ("equal", g_msgs[0].sub);
    EXPECT_EQ("greater", g_msgs[1].sub);
    EXPECT_EQ("equal", g_msgs[2].sub);
    for (int i = 0; i < 2; i++) {
        EXPECT_EQ(0x1234u, g_msgs[i].id);
        EXPECT_EQ("hello", g_msgs[i].data);
    }
    EXPECT_EQ(0x1233u, g_msgs[2].id);
    EXPECT_EQ("", g_msgs[2].data);
    for (const Msg &m : g_msgs) {
        EXPECT_EQ(0, m.source);
        EXPECT_EQ(1, m.receiver);
    }
}

TEST_F(Os, MessageFilterSourceSelectsTheSender)
{
    in_task(0, [] {
        adl_msgFilter_t from_worker = { 0, 0, ADL_MSG_ID_COMP_EQUAL, (adl_ctxID_e)1 };
        EXPECT_GE(adl_msgSubscribe(&from_worker, on_from_worker), 0);
        EXPECT_EQ(OK, adl_msgSend((adl_ctxID_e)0, 7, 0, nullptr));   // from main: filtered out
    });
    in_task(1, [] { EXPECT_EQ(OK, adl_msgSend((adl_ctxID_e)0, 8, 2, (void *)"ok")); });
    ASSERT_EQ(1u, g_msgs.size());
    EXPECT_EQ(8u, g_msgs[0].id);
    EXPECT_EQ(1, g_msgs[0].source);
    EXPECT_EQ(0, g_msgs[0].receiver);
    EXPECT_EQ("ok", g_msgs[0].data);
}

TEST_F(Os, EachComparatorAppliesToTheMaskedIdentifier)
{
    struct Case {
        adl_msgIdComparator_e op;
        std::vector<u32> expected;
    };
    const u32 ids[] = { 0x0104, 0x0205, 0x0306 };   // masked with 0xFF00: 0x100, 0x200, 0x300
    const Case cases[] = {
        { ADL_MSG_ID_COMP_EQUAL, { 0x0205 } },
        { ADL_MSG_ID_COMP_DIFFERENT, { 0x0104, 0x0306 } },
        { ADL_MSG_ID_COMP_GREATER, { 0x0306 } },
        { ADL_MSG_ID_COMP_GREATER_OR_EQUAL, { 0x0205, 0x0306 } },
        { ADL_MSG_ID_COMP_LOWER, { 0x0104 } },
        { ADL_MSG_ID_COMP_LOWER_OR_EQUAL, { 0x0104, 0x0205 } },
    };
    for (const Case &c : cases) {
        g_msgs.clear();
        s32 h = -1;
        in_task(0, [&] {
            adl_msgFilter_t f = { 0xFF00, 0x0200, c.op, ADL_CTX_ALL };
            h = adl_msgSubscribe(&f, on_equal);
            for (u32 id : ids)
                adl_msgSend((adl_ctxID_e)0, id, 0, nullptr);
        });
        std::vector<u32> seen;
        for (const Msg &m : g_msgs)
            seen.push_back(m.id);
        EXPECT_EQ(c.expected, seen) << "comparator " << (int)c.op;
        in_task(0, [&] { EXPECT_EQ(OK, adl_msgUnsubscribe(h)); });
    }
}

TEST_F(Os, UnsubscribedHandleIsUnknownAndGetsNothing)
{
    s32 h = -1, again = 0;
    in_task(0, [&] {
        adl_msgFilter_t f = { 0, 0, ADL_MSG_ID_COMP_EQUAL, ADL_CTX_ALL };
        h = adl_msgSubscribe(&f, on_equal);
        adl_msgSend((adl_ctxID_e)0, 1, 0, nullptr);   // queued, handled after this handler
        EXPECT_EQ(OK, adl_msgUnsubscribe(h));
        again = adl_msgUnsubscribe(h);
    });
    EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL, again);
    EXPECT_TRUE(g_msgs.empty());
    EXPECT_NE(std::string::npos, traces().find("is not a message subscription"));
}

TEST_F(Os, MessageSendAndSubscribeRejectBadArguments)
{
    s32 to_irq = 0, null_data = 0, null_filter = 0, bad_cmp = 0;
    in_task(0, [&] {
        to_irq = adl_msgSend(ADL_CTX_HIGH_LEVEL_IRQ_HANDLER, 1, 0, nullptr);
        null_data = adl_msgSend((adl_ctxID_e)1, 1, 4, nullptr);
        null_filter = adl_msgSubscribe(nullptr, on_equal);
        adl_msgFilter_t f = { 0, 0, (adl_msgIdComparator_e)9, ADL_CTX_ALL };
        bad_cmp = adl_msgSubscribe(&f, on_equal);
    });
    EXPECT_EQ(ADL_RET_ERR_PARAM, to_irq);
    EXPECT_EQ(ADL_RET_ERR_PARAM, null_data);
    EXPECT_EQ(ADL_RET_ERR_PARAM, null_filter);
    EXPECT_EQ(ADL_RET_ERR_PARAM, bad_cmp);
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("adl_msgSend: DestinationContext 129 is not a task"));
    EXPECT_NE(std::string::npos, t.find("adl_msgSend: Data is NULL"));
    EXPECT_NE(std::string::npos, t.find("adl_msgSubscribe: Filter is NULL"));
    EXPECT_NE(std::string::npos, t.find("adl_msgSubscribe: Filter->Comparator 9"));
}

TEST_F(Os, SemaphoreConsumeWaitsForAProduceFromAnotherTask)
{
    in_task(0, [] { g_sem = adl_semSubscribe(1); });
    ASSERT_GE(g_sem, 0);
    in_task(1, [] { adl_tmrSubscribe(FALSE, 3, ADL_TMR_TYPE_100MS, produce_on_timer); });
    post_to(0, [] {
        EXPECT_EQ(OK, adl_semConsume(g_sem));   // the initial unit: no wait
        note("first");
        EXPECT_EQ(TRUE, adl_semIsConsumed(g_sem));
        EXPECT_EQ(OK, adl_semConsume(g_sem));
        note("second");
    });
    oat_shim_advance_ms(1000);
    EXPECT_EQ((std::vector<std::string>{ "first@0", "second@300" }), g_log);
}

TEST_F(Os, SemaphoreConsumeDelayTimesOutAtItsDeadline)
{
    s32 ret = 0;
    post_to(0, [&] {
        g_sem = adl_semSubscribe(0);
        ret = adl_semConsumeDelay(g_sem, 20);
        note("gave up");
    });
    oat_shim_advance_ms(1000);
    EXPECT_EQ(ADL_RET_ERR_BAD_STATE, ret);
    EXPECT_EQ((std::vector<std::string>{ "gave up@370" }), g_log);
}

TEST_F(Os, SemaphoreConsumeDelayTakesAUnitThatComesInTime)
{
    s32 ret = 0;
    in_task(0, [] { g_sem = adl_semSubscribe(0); });
    in_task(1, [] { adl_tmrSubscribe(FALSE, 2, ADL_TMR_TYPE_100MS, produce_on_timer); });
    post_to(0, [&] {
        ret = adl_semConsumeDelay(g_sem, 20);
        note("got");
    });
    oat_shim_advance_ms(1000);
    EXPECT_EQ(OK, ret);
    EXPECT_EQ((std::vector<std::string>{ "got@200" }), g_log);
}

TEST_F(Os, SemaphoreWithWaiterCannotBeUnsubscribed)
{
    s32 busy = 0, done = 0, unknown = 0;
    in_task(0, [] { g_sem = adl_semSubscribe(0); });
    post_to(0, [] { adl_semConsume(g_sem); });
    oat_shim_settle();
    in_task(1, [&] {
        busy = adl_semUnsubscribe(g_sem);
        adl_semProduce(g_sem);
    });
    in_task(0, [&] {
        done = adl_semUnsubscribe(g_sem);
        unknown = adl_semProduce(g_sem);
    });
    EXPECT_EQ(ADL_RET_ERR_BAD_STATE, busy);
    EXPECT_EQ(OK, done);
    EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL, unknown);
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("adl_semUnsubscribe: 1 task(s) wait"));
    EXPECT_NE(std::string::npos, t.find("adl_semProduce: SemHandle"));
}

TEST_F(Os, SemaphoreConsumeThatMustBlockOutsideATaskIsServiceLocked)
{
    s32 h = adl_semSubscribe(1);
    ASSERT_GE(h, 0);
    EXPECT_EQ(OK, adl_semConsume(h));
    EXPECT_EQ(ADL_RET_ERR_SERVICE_LOCKED, adl_semConsume(h));
    EXPECT_NE(std::string::npos, traces().find("adl_semConsume: semaphore"));
}

TEST_F(Os, EventWaitAnyWakesOnTheFirstFlag)
{
    u32 prev = 0;
    in_task(0, [] { g_event = adl_eventCreate(0x10); });
    ASSERT_GE(g_event, 0);
    g_set_masks = { 0x2, 0x1 };
    in_task(1, [] { adl_tmrSubscribe(TRUE, 1, ADL_TMR_TYPE_100MS, set_next_flag); });
    post_to(0, [&] {
        EXPECT_EQ(OK, adl_eventWait(g_event, 0x3, &prev, ADL_EVENT_WAIT_ANY, ADL_EVENT_NO_TIMEOUT));
        note("any");
    });
    oat_shim_advance_ms(150);
    EXPECT_EQ((std::vector<std::string>{ "any@100" }), g_log);
    EXPECT_EQ(0x12u, prev);
}

TEST_F(Os, EventWaitAllWaitsForEveryFlag)
{
    u32 prev = 0;
    in_task(0, [] { g_event = adl_eventCreate(0); });
    g_set_masks = { 0x2, 0x8, 0x1 };
    in_task(1, [] { adl_tmrSubscribe(TRUE, 1, ADL_TMR_TYPE_100MS, set_next_flag); });
    post_to(0, [&] {
        EXPECT_EQ(OK, adl_eventWait(g_event, 0x3, &prev, ADL_EVENT_WAIT_ALL, ADL_EVENT_NO_TIMEOUT));
        note("all");
    });
    oat_shim_advance_ms(350);
    EXPECT_EQ((std::vector<std::string>{ "all@300" }), g_log);
    EXPECT_EQ(0xBu, prev);
}

TEST_F(Os, EventWaitTimesOutAndClearedFlagsDoNotCount)
{
    s32 ret = 0, now = 0;
    u32 prev = 0;
    post_to(0, [&] {
        g_event = adl_eventCreate(0x1);
        EXPECT_EQ(OK, adl_eventClear(g_event, 0x1));
        ret = adl_eventWait(g_event, 0x1, &prev, ADL_EVENT_WAIT_ANY, 10);
        note("timeout");
        EXPECT_EQ(OK, adl_eventSet(g_event, 0x1));
        now = adl_eventWait(g_event, 0x1, nullptr, ADL_EVENT_WAIT_ALL, 10);   // no wait
        note("set");
    });
    oat_shim_advance_ms(1000);
    EXPECT_EQ(ADL_RET_ERR_BAD_STATE, ret);
    EXPECT_EQ(0u, prev);
    EXPECT_EQ(OK, now);
    EXPECT_EQ((std::vector<std::string>{ "timeout@185", "set@185" }), g_log);
}

TEST_F(Os, EventCallsRejectBadHandleMaskAndOperation)
{
    s32 mask0 = 0, bad_op = 0, unknown = 0, deleted = 0, outside = 0;
    in_task(0, [&] {
        g_event = adl_eventCreate(0);
        mask0 = adl_eventWait(g_event, 0, nullptr, ADL_EVENT_WAIT_ANY, 1);
        bad_op = adl_eventWait(g_event, 1, nullptr, (adl_eventWaitOperation_e)5, 1);
        EXPECT_EQ(OK, adl_eventDelete(g_event));
        unknown = adl_eventSet(g_event, 1);
        deleted = adl_eventDelete(g_event);
    });
    s32 e = adl_eventCreate(0);
    outside = adl_eventWait(e, 1, nullptr, ADL_EVENT_WAIT_ANY, ADL_EVENT_NO_TIMEOUT);
    EXPECT_EQ(ADL_RET_ERR_PARAM, mask0);
    EXPECT_EQ(ADL_RET_ERR_PARAM, bad_op);
    EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL, unknown);
    EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL, deleted);
    EXPECT_EQ(ADL_RET_ERR_SERVICE_LOCKED, outside);
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("adl_eventWait: Mask is 0"));
    EXPECT_NE(std::string::npos, t.find("adl_eventWait: Operation 5"));
    EXPECT_NE(std::string::npos, t.find("adl_eventSet: EventHandle"));
    EXPECT_NE(std::string::npos, t.find("adl_eventWait: the flags 0x1 are not set"));
}

}  // namespace
