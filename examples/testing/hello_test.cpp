// hello_test.cpp: apps/hello under the test kit, in virtual time: the test types AT commands,
// moves the emulated clock (a day of the 1-second heartbeat in a moment), reads the traces and
// changes the world the module sees (the SIM's PIN, the RTC). Like every application, hello
// keeps its state in globals, which a boot in the same process does not reset (a module's
// reset clears its RAM): ctest runs each test in its own process; by hand, run one test at a
// time (--gtest_filter).
#include "oatemu/gtest.h"

namespace {

class Hello : public oatemu::ModuleTest {};

TEST_F(Hello, GreetsAsManyTimesAsAsked)
{
    std::string out = at("AT+HELLO=3");
    EXPECT_NE(std::string::npos, out.find("+HELLO: 1/3"));
    EXPECT_NE(std::string::npos, out.find("+HELLO: 3/3"));
    EXPECT_NE(std::string::npos, out.find("OK"));
    EXPECT_NE(std::string::npos, at("AT+HELLO=11").find("ERROR"));
    EXPECT_NE(std::string::npos, traces().find("AT+HELLO=<n> out of range"));
}

TEST_F(Hello, ADayOfHeartbeatsInVirtualTime)
{
    EXPECT_NE(std::string::npos, all_traces().find("hello: start"));
    oatemu::advance_ms(24LL * 3600 * 1000);
    EXPECT_EQ(24LL * 3600 * 1000, oatemu::now_ms());
    // boots, heartbeats, last n: one heartbeat a second.
    std::string o = at("AT+HELLO?");
    EXPECT_NE(std::string::npos, o.find("+HELLO: 1,86400,")) << o;
}

TEST_F(Hello, ReadyOnceTheSimAndTheNetworkAre)
{
    oatemu::advance_ms(5000);
    EXPECT_TRUE(oatemu_sim_ready());
    EXPECT_NE(std::string::npos, oatemu::output().find("+HELLO: READY"));
}

class HelloWithPin : public oatemu::ModuleTest {
    std::vector<std::string> flags() const override { return { "--sim-pin=1234" }; }
};

TEST_F(HelloWithPin, WaitsForThePinTypedOnTheAtPort)
{
    oatemu::advance_ms(5000);
    EXPECT_STREQ("SIM PIN", oatemu_sim_cpin());
    EXPECT_EQ(std::string::npos, oatemu::output().find("+HELLO: READY"));
    EXPECT_NE(std::string::npos, at("AT+CPIN=1234").find("OK"));
    oatemu::advance_ms(5000);
    EXPECT_STREQ("READY", oatemu_sim_cpin());
    std::string o = oatemu::output();
    EXPECT_NE(std::string::npos, o.find("+HELLO: READY")) << o << all_traces();
}

TEST_F(Hello, TheRtcTheTestSetsIsTheOneAtCclkShows)
{
    ASSERT_EQ(0, oatemu_set_rtc(1767225600));   // 2026-01-01 00:00:00 UTC
    EXPECT_NE(std::string::npos, at("AT+CCLK?").find("+CCLK: \"26/01/01,00:00:"));
    oatemu::advance_ms(3600 * 1000);
    EXPECT_EQ(1767225600 + 3600, oatemu_rtc());
}

}  // namespace
