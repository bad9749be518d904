// sim_test.cpp: the SIM start-up as subscribers see it (PIN_OK then FULL_INIT, PIN_ERROR,
// PIN_WAIT), PIN and PUK entry with their attempt counters, and the emulated delays.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "shim.h"
extern "C" {
#include "core/clock.h"
#include "core/sched.h"
}

namespace {

struct Ev {
    int event;
    long long at_ms;
    std::string task;
};

std::vector<Ev> g_events;
const char *g_pin;          // PIN given to adl_simSubscribe by the entry point
s32 g_subscribe_result;

void on_sim(u8 event)
{
    g_events.push_back({ event, (long long)(oat_now_us() / 1000), oat_task_name(oat_task_current()) });
}

void entry()
{
    g_subscribe_result = adl_simSubscribe(on_sim, g_pin);
}
void idle_entry() {}
const adl_InitTasks_t kTasks[] = {
    { entry, 8192, "main", 2 },
    { idle_entry, 8192, "other", 1 },
    { nullptr, 0, nullptr, 0 },
};

std::vector<int> events()
{
    std::vector<int> v;
    for (const Ev &e : g_events)
        v.push_back(e.event);
    return v;
}

std::string traces()
{
    char *t = oat_shim_traces();
    std::string s = t ? t : "";
    oat_shim_free(t);
    return s;
}

class SimTest : public ::testing::Test {
protected:
    void boot(const char *pin, const char *sim_pin_flag)
    {
        g_events.clear();
        g_pin = pin;
        const char *flags[] = { sim_pin_flag, nullptr };
        ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, sim_pin_flag ? flags : nullptr));
        EXPECT_EQ(OK, g_subscribe_result);
    }
    void TearDown() override { oat_shim_stop(); }
};

TEST_F(SimTest, SimWithoutPinGivesPinOkThenFullInitAfterShortDelays)
{
    boot(nullptr, nullptr);
    EXPECT_EQ(ADL_SIM_STATE_INSERTED, adl_simGetState());
    EXPECT_TRUE(g_events.empty());   // never inside adl_simSubscribe
    oat_shim_advance_ms(2000);
    ASSERT_EQ((std::vector<int>{ ADL_SIM_EVENT_PIN_OK, ADL_SIM_EVENT_FULL_INIT }), events());
    EXPECT_EQ(500, g_events[0].at_ms);
    EXPECT_EQ(1000, g_events[1].at_ms);
    EXPECT_EQ("main", g_events[1].task);
    EXPECT_EQ(ADL_SIM_STATE_FULL_INIT, adl_simGetState());
}

TEST_F(SimTest, CorrectPinGivenAtSubscriptionGivesPinOkThenFullInit)
{
    boot("1234", "--sim-pin=1234");
    oat_shim_advance_ms(2000);
    EXPECT_EQ((std::vector<int>{ ADL_SIM_EVENT_PIN_OK, ADL_SIM_EVENT_FULL_INIT }), events());
}

TEST_F(SimTest, WrongPinGivesPinErrorAndTheRightOneThenWorks)
{
    boot("0000", "--sim-pin=1234");
    oat_shim_advance_ms(2000);
    EXPECT_EQ((std::vector<int>{ ADL_SIM_EVENT_PIN_ERROR }), events());
    EXPECT_EQ(ADL_SIM_STATE_PIN_ERROR, adl_simGetState());
    EXPECT_EQ(2, adl_simRemAttempt());
    EXPECT_EQ(OK, adl_simEnterPIN("1234"));
    oat_shim_settle();
    oat_shim_advance_ms(1000);
    EXPECT_EQ((std::vector<int>{ ADL_SIM_EVENT_PIN_ERROR, ADL_SIM_EVENT_PIN_OK,
                                 ADL_SIM_EVENT_FULL_INIT }), events());
}

TEST_F(SimTest, PinRequiredAndNoneGivenGivesPinWaitThenEnterPinWorks)
{
    boot(nullptr, "--sim-pin=1234");
    oat_shim_advance_ms(2000);
    EXPECT_EQ((std::vector<int>{ ADL_SIM_EVENT_PIN_WAIT }), events());
    EXPECT_EQ(ADL_SIM_STATE_PIN_WAIT, adl_simGetState());
    EXPECT_EQ(3, adl_simRemAttempt());
    EXPECT_EQ(OK, adl_simEnterPIN("1234"));
    oat_shim_settle();
    oat_shim_advance_ms(1000);
    EXPECT_EQ((std::vector<int>{ ADL_SIM_EVENT_PIN_WAIT, ADL_SIM_EVENT_PIN_OK,
                                 ADL_SIM_EVENT_FULL_INIT }), events());
}

TEST_F(SimTest, PinEnteredByAtCpinReachesSubscribersToo)
{
    boot(nullptr, "--sim-pin=1234");
    oat_shim_advance_ms(1000);
    char *out = oat_shim_at("AT+CPIN=1234");
    EXPECT_STREQ("\r\nOK\r\n", out);
    oat_shim_free(out);
    oat_shim_advance_ms(1000);
    EXPECT_EQ((std::vector<int>{ ADL_SIM_EVENT_PIN_WAIT, ADL_SIM_EVENT_PIN_OK,
                                 ADL_SIM_EVENT_FULL_INIT }), events());
}

TEST_F(SimTest, ThreeWrongPinsBlockThePinAndThePukUnblocksIt)
{
    boot(nullptr, "--sim-pin=1234");
    oat_shim_advance_ms(1000);
    adl_simEnterPIN("1111");
    adl_simEnterPIN("2222");
    EXPECT_EQ(1, adl_simRemAttempt());
    adl_simEnterPIN("3333");
    oat_shim_settle();
    EXPECT_EQ(ADL_SIM_STATE_PUK_WAIT, adl_simGetState());
    EXPECT_EQ(10, adl_simRemAttempt());
    EXPECT_EQ(ADL_RET_ERR_BAD_STATE, adl_simEnterPIN("1234"));
    EXPECT_EQ(OK, adl_simEnterPUK("87654321", "4321"));
    EXPECT_EQ(9, adl_simRemAttempt());
    EXPECT_EQ(OK, adl_simEnterPUK("12345678", "4321"));
    oat_shim_settle();
    oat_shim_advance_ms(1000);
    EXPECT_EQ((std::vector<int>{ ADL_SIM_EVENT_PIN_WAIT, ADL_SIM_EVENT_PIN_ERROR,
                                 ADL_SIM_EVENT_PIN_ERROR, ADL_SIM_EVENT_PIN_ERROR,
                                 ADL_SIM_EVENT_PUK_WAIT, ADL_SIM_EVENT_PUK_ERROR,
                                 ADL_SIM_EVENT_PIN_OK, ADL_SIM_EVENT_FULL_INIT }), events());
}

TEST_F(SimTest, SubscribeRejectsNullAndDuplicateHandlersWithATrace)
{
    boot(nullptr, nullptr);
    traces();
    EXPECT_EQ(ADL_RET_ERR_PARAM, adl_simSubscribe(nullptr, nullptr));
    EXPECT_EQ(ADL_RET_ERR_ALREADY_SUBSCRIBED, adl_simSubscribe(on_sim, nullptr));
    EXPECT_EQ(ADL_RET_ERR_PARAM, adl_simSubscribe(on_sim, "12a4"));
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("adl_simSubscribe(NULL, NULL): SimHandler is NULL"));
    EXPECT_NE(std::string::npos, t.find("already subscribed"));
    EXPECT_EQ(OK, adl_simUnsubscribe(on_sim));
    EXPECT_EQ(ADL_RET_ERR_NOT_SUBSCRIBED, adl_simUnsubscribe(on_sim));
}

TEST_F(SimTest, LateSubscriberIsToldTheSimIsReady)
{
    boot(nullptr, nullptr);
    oat_shim_advance_ms(2000);
    EXPECT_EQ(OK, adl_simUnsubscribe(on_sim));
    g_events.clear();
    EXPECT_EQ(OK, adl_simSubscribe(on_sim, nullptr));
    oat_shim_settle();
    EXPECT_EQ((std::vector<int>{ ADL_SIM_EVENT_FULL_INIT }), events());
}

}  // namespace
