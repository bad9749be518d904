// modem_test.cpp: the modem model answering AT commands typed on UART1: identity, SIM and
// network registration (with its timing and unsolicited lines), clock, echo, error modes.
#include <gtest/gtest.h>

#include <string>

#include "shim.h"
extern "C" {
#include "adl/services.h"
}

namespace {

void entry() {}
const adl_InitTasks_t kTasks[] = {
    { entry, 8192, "main", 1 },
    { nullptr, 0, nullptr, 0 },
};

std::string take(char *p)
{
    std::string s = p ? p : "";
    oat_shim_free(p);
    return s;
}

std::string at(const char *line)
{
    return take(oat_shim_at(line));
}

class ModemTest : public ::testing::Test {
protected:
    void boot(const char *const *flags = nullptr)
    {
        ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, flags));
        take(oat_shim_traces());
    }
    void TearDown() override { oat_shim_stop(); }
};

TEST_F(ModemTest, IdentityCommandsAnswerAsAModule)
{
    boot();
    EXPECT_EQ("\r\nOK\r\n", at("AT"));
    EXPECT_EQ("\r\noatemu\r\n\r\nQ2687 (emulated)\r\n\r\nR7.54 oatemu 0.1\r\n\r\nOK\r\n", at("ATI"));
    EXPECT_EQ("\r\n354009001234569\r\n\r\nOK\r\n", at("AT+CGSN"));
    EXPECT_EQ("\r\noatemu\r\n\r\nOK\r\n", at("at+cgmi"));
    EXPECT_EQ("\r\n001010123456789\r\n\r\nOK\r\n", at("AT+CIMI"));
}

TEST_F(ModemTest, RegistrationSearchesAfterSimInitThenShowsTheConfiguredStatus)
{
    const char *flags[] = { "--creg=5", nullptr };
    boot(flags);
    EXPECT_EQ("\r\n+CREG: 0,0\r\n\r\nOK\r\n", at("AT+CREG?"));
    oat_shim_advance_ms(1000);
    EXPECT_EQ("\r\n+CREG: 0,2\r\n\r\nOK\r\n", at("AT+CREG?"));
    oat_shim_advance_ms(1000);
    EXPECT_EQ("\r\n+CREG: 0,5\r\n\r\nOK\r\n", at("AT+CREG?"));
    EXPECT_EQ("\r\n+CGREG: 0,5\r\n\r\nOK\r\n", at("AT+CGREG?"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CREG=2"));
    EXPECT_EQ("\r\n+CREG: 2,5,\"0001\",\"0001\"\r\n\r\nOK\r\n", at("AT+CREG?"));
    EXPECT_EQ("\r\n+COPS: 0,0,\"oatemu\"\r\n\r\nOK\r\n", at("AT+COPS?"));
}

TEST_F(ModemTest, CregOneReportsRegistrationChangesUnsolicited)
{
    boot();
    EXPECT_EQ("\r\nOK\r\n", at("AT+CREG=1"));
    oat_shim_advance_ms(3000);
    EXPECT_EQ("\r\n+CREG: 2\r\n\r\n+CREG: 1\r\n", take(oat_shim_output()));
}

TEST_F(ModemTest, CpinIsReadyWithoutAPin)
{
    boot();
    EXPECT_EQ("\r\n+CPIN: READY\r\n\r\nOK\r\n", at("AT+CPIN?"));
}

TEST_F(ModemTest, CpinAsksForTheConfiguredPinAndTakesIt)
{
    const char *flags[] = { "--sim-pin=1234", nullptr };
    boot(flags);
    EXPECT_EQ("\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n", at("AT+CPIN?"));
    EXPECT_EQ("\r\nERROR\r\n", at("AT+CIMI"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CMEE=1"));
    EXPECT_EQ("\r\n+CME ERROR: 11\r\n", at("AT+CIMI"));
    EXPECT_EQ("\r\n+CME ERROR: 16\r\n", at("AT+CPIN=0000"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CPIN=\"1234\""));
    EXPECT_EQ("\r\n+CPIN: READY\r\n\r\nOK\r\n", at("AT+CPIN?"));
    EXPECT_EQ("\r\n+CME ERROR: 3\r\n", at("AT+CPIN=1234"));
    oat_shim_advance_ms(2000);
    EXPECT_EQ("\r\n+CREG: 0,1\r\n\r\nOK\r\n", at("AT+CREG?"));
}

TEST_F(ModemTest, EchoFollowsAte)
{
    boot();
    EXPECT_EQ("\r\nOK\r\n", at("ATE1"));
    EXPECT_EQ("AT\r\r\nOK\r\n", at("AT"));
    EXPECT_EQ("ATE0\r\r\nOK\r\n", at("ATE0"));
    EXPECT_EQ("\r\nOK\r\n", at("AT"));
}

TEST_F(ModemTest, ClockComesFromTheRtc)
{
    const char *flags[] = { "--rtc=2024-02-29T23:59:58", nullptr };
    boot(flags);
    EXPECT_EQ("\r\n+CCLK: \"24/02/29,23:59:58\"\r\n\r\nOK\r\n", at("AT+CCLK?"));
    oat_shim_advance_ms(3000);
    EXPECT_EQ("\r\n+CCLK: \"24/03/01,00:00:01\"\r\n\r\nOK\r\n", at("AT+CCLK?"));
}

TEST_F(ModemTest, SignalAndApplicationStatus)
{
    boot();
    oat_shim_advance_ms(3000);
    EXPECT_EQ("\r\n+CSQ: 20,99\r\n\r\nOK\r\n", at("AT+CSQ"));
    EXPECT_EQ("\r\n+WOPEN: 1\r\n\r\nOK\r\n", at("AT+WOPEN?"));
}

TEST_F(ModemTest, UnemulatedFormsAreErrorWithATraceNamingThem)
{
    boot();
    EXPECT_EQ("\r\nERROR\r\n", at("AT+WOPEN=3"));
    EXPECT_EQ("\r\nERROR\r\n", at("ATD123;"));
    std::string t = take(oat_shim_traces());
    EXPECT_NE(std::string::npos, t.find("AT+WOPEN=3 is not emulated"));
    EXPECT_NE(std::string::npos, t.find("unknown command ATD123"));
}

TEST_F(ModemTest, TerminalLinesEndWithCrOrLfOrCrLf)
{
    boot();
    oat_at_input("AT\nAT\r\nAT", 10);
    oat_at_input("\r", 1);
    oat_shim_settle();
    EXPECT_EQ("\r\nOK\r\n\r\nOK\r\n\r\nOK\r\n", take(oat_shim_output()));
}

}  // namespace
