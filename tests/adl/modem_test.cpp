// modem_test.cpp: the modem model answering AT commands typed on UART1: identity, SIM and
// network registration (with its timing and unsolicited lines), clock, echo, error modes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include <unistd.h>

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
    EXPECT_EQ("\r\nERROR\r\n", at("AT+WOPEN=3"));   // the application runs
    EXPECT_EQ("\r\nERROR\r\n", at("ATD123;"));
    EXPECT_EQ("\r\nERROR\r\n", at("AT+WIMEI=1234"));
    std::string t = take(oat_shim_traces());
    EXPECT_NE(std::string::npos, t.find("AT+WOPEN=3: the application runs"));
    EXPECT_NE(std::string::npos, t.find("unknown command ATD123"));
    EXPECT_NE(std::string::npos, t.find("writing the IMEI is a production command"));
}

TEST_F(ModemTest, IdentityReadsAnswerInTheModulesFormats)
{
    boot();
    oat_shim_advance_ms(1000);   // SIM ready
    EXPECT_EQ("\r\n+WIMEI: 354009001234569\r\n\r\nOK\r\n", at("AT+WIMEI?"));
    EXPECT_EQ("\r\n+CCID: \"89000100000123456789\"\r\n\r\nOK\r\n", at("AT+CCID"));
    EXPECT_EQ("\r\n+CCID: \"89000100000123456789\"\r\n\r\nOK\r\n", at("AT+CCID?"));
    EXPECT_EQ("\r\n+CPAS: 0\r\n\r\nOK\r\n", at("AT+CPAS"));
    EXPECT_EQ("\r\n+WOPEN: 2,\"R7.54 oatemu 0.1\",\"R7.54 oatemu 0.1\"\r\n\r\nOK\r\n",
              at("AT+WOPEN=2"));
    EXPECT_EQ("\r\n+WOPEN: 6,512,1088\r\n\r\nOK\r\n", at("AT+WOPEN=6"));
}

TEST_F(ModemTest, StartUpSettingsAnswerOkAndReadBack)
{
    boot();
    EXPECT_EQ("\r\nOK\r\n", at("AT+WHCNF=0,0"));
    EXPECT_EQ("\r\n+WHCNF: 0,0\r\n\r\nOK\r\n", at("AT+WHCNF=0,2"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+W32K=0"));
    EXPECT_EQ("\r\n+W32K: 0\r\n\r\nOK\r\n", at("AT+W32K?"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CGCLASS=B"));
    EXPECT_EQ("\r\n+CGCLASS: \"B\"\r\n\r\nOK\r\n", at("AT+CGCLASS?"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CMEE=1"));
    EXPECT_EQ("\r\n+CME ERROR: 150\r\n", at("AT+CGCLASS=\"A\""));
    EXPECT_EQ("\r\nOK\r\n", at("AT+IFC=0,0"));
    EXPECT_EQ("\r\n+IFC: 0,0\r\n\r\nOK\r\n", at("AT+IFC?"));
    EXPECT_EQ("\r\n+IFC: (0,2),(0,2)\r\n\r\nOK\r\n", at("AT+IFC=?"));
    EXPECT_EQ("\r\n+CME ERROR: 4\r\n", at("AT+IFC=1,1"));
    EXPECT_EQ("\r\n+ICF: 3,4\r\n\r\nOK\r\n", at("AT+ICF?"));
    EXPECT_EQ("\r\n+IPR: 115200\r\n\r\nOK\r\n", at("AT+IPR?"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+IPR=2400"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CTZU=1"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+WIND=255"));
    EXPECT_EQ("\r\n+WIND: 255\r\n\r\nOK\r\n", at("AT+WIND?"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+WBHV=1,1"));
    EXPECT_EQ("\r\n+WBHV: 0,0\r\n\r\n+WBHV: 1,1\r\n\r\nOK\r\n", at("AT+WBHV?"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+WGPRS=0,1"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CMGF=1"));
    EXPECT_EQ("\r\n+CMGF: 1\r\n\r\nOK\r\n", at("AT+CMGF?"));
    EXPECT_EQ("\r\n+CNMI: 0,1,0,0,0\r\n\r\nOK\r\n", at("AT+CNMI?"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CNMI=2,1,0,0,0"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CMGD=1,4"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+COPS=0"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CFUN=1"));
    EXPECT_EQ("\r\n+CFUN: 1\r\n\r\nOK\r\n", at("AT+CFUN?"));
    EXPECT_NE(std::string::npos, take(oat_shim_traces()).find("AT+CFUN=1 resets the module"));
}

TEST_F(ModemTest, SettingsTheModuleKeepsSurviveARebootInTheFlashDir)
{
    char tmpl[] = "/tmp/oatemu-modem-test-XXXXXX";
    ASSERT_NE(nullptr, mkdtemp(tmpl));
    std::string flag = std::string("--flash-dir=") + tmpl;
    const char *flags[] = { flag.c_str(), nullptr };
    boot(flags);
    EXPECT_EQ("\r\nOK\r\n", at("AT+WHCNF=1,0"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+WBHV=1,1"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CMGF=1"));      // not kept: the module loses it at reset
    EXPECT_EQ("\r\nOK\r\n", at("AT+WMFM=0,1,2"));
    oat_shim_stop();
    boot(flags);
    EXPECT_EQ("\r\n+WHCNF: 1,0\r\n\r\nOK\r\n", at("AT+WHCNF=1,2"));
    EXPECT_EQ("\r\n+WBHV: 0,0\r\n\r\n+WBHV: 1,1\r\n\r\nOK\r\n", at("AT+WBHV?"));
    EXPECT_EQ("\r\n+CMGF: 0\r\n\r\nOK\r\n", at("AT+CMGF?"));
    EXPECT_EQ("\r\n+WMFM: 0,2,1,1\r\n\r\n+WMFM: 0,2,2,1\r\n\r\n+WMFM: 0,2,3,0\r\n\r\nOK\r\n",
              at("AT+WMFM?"));
    oat_shim_stop();
    std::string rm = std::string("rm -rf ") + tmpl;
    ASSERT_EQ(0, system(rm.c_str()));
}

TEST_F(ModemTest, CclkSetsTheRtcAndCalaRingsAtItsTime)
{
    boot();
    EXPECT_EQ("\r\nOK\r\n", at("AT+CCLK=\"26/01/02,03:04:05\""));
    EXPECT_EQ("\r\n+CCLK: \"26/01/02,03:04:05\"\r\n\r\nOK\r\n", at("AT+CCLK?"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CALA=\"26/01/02,04:00:00\",1"));
    EXPECT_EQ("\r\n+CALA: \"26/01/02,04:00:00\",1\r\n\r\nOK\r\n", at("AT+CALA?"));
    take(oat_shim_output());
    oat_shim_advance_ms((55LL * 60 + 54) * 1000);
    EXPECT_EQ("", take(oat_shim_output()));
    oat_shim_advance_ms(2000);
    EXPECT_EQ("\r\n+CALA: \"26/01/02,04:00:00\",1\r\n", take(oat_shim_output()));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CALA?"));   // rung: gone
    EXPECT_EQ("\r\nERROR\r\n", at("AT+CCLK=\"bad\""));
}

TEST_F(ModemTest, CcedOneShotAndAutomaticEveryFiveSeconds)
{
    boot();
    oat_shim_advance_ms(3000);
    EXPECT_EQ("\r\n+CCED: 001,01,0001,0001,12,27,40,40,40,0,0,0,0\r\n\r\n+CSQ: 20,99\r\n\r\nOK\r\n",
              at("AT+CCED=0"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CCED=1,8"));
    oat_shim_advance_ms(10000);
    EXPECT_EQ("\r\n+CSQ: 20,99\r\n\r\n+CSQ: 20,99\r\n", take(oat_shim_output()));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CCED=2"));
    oat_shim_advance_ms(10000);
    EXPECT_EQ("", take(oat_shim_output()));
}

TEST_F(ModemTest, WmfmOpensUart2ForTheApplication)
{
    boot();
    EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL,
              adl_atCmdCreate("AT", ADL_AT_PORT_TYPE(ADL_PORT_UART2, FALSE), nullptr, NULL));
    EXPECT_FALSE(adl_portIsAvailable(ADL_PORT_UART2));
    EXPECT_EQ("\r\nOK\r\n", at("AT+WMFM=0,1,2"));
    EXPECT_TRUE(adl_portIsAvailable(ADL_PORT_UART2));
    EXPECT_EQ(OK, adl_atCmdCreate("AT", ADL_AT_PORT_TYPE(ADL_PORT_UART2, FALSE), nullptr, NULL));
    EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL,
              adl_atCmdCreate("AT", ADL_AT_PORT_TYPE(ADL_PORT_USB, FALSE), nullptr, NULL));
    EXPECT_EQ("\r\nOK\r\n", at("AT+WMFM=0,0,2"));
    EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL,
              adl_atCmdCreate("AT", ADL_AT_PORT_TYPE(ADL_PORT_UART2, FALSE), nullptr, NULL));
}

TEST_F(ModemTest, CpofAndCfunZeroLoseTheNetworkUntilCfunOne)
{
    boot();
    oat_shim_advance_ms(3000);
    EXPECT_EQ("\r\nOK\r\n", at("AT+CPOF"));
    EXPECT_EQ("\r\n+CREG: 0,0\r\n\r\nOK\r\n", at("AT+CREG?"));
    EXPECT_EQ("\r\n+CPAS: 5\r\n\r\nOK\r\n", at("AT+CPAS"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CFUN=1"));
    EXPECT_EQ("\r\n+CREG: 0,1\r\n\r\nOK\r\n", at("AT+CREG?"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CFUN=0"));
    EXPECT_EQ("\r\n+CFUN: 0\r\n\r\nOK\r\n", at("AT+CFUN?"));
    EXPECT_EQ("\r\n+CSQ: 99,99\r\n\r\nOK\r\n", at("AT+CSQ"));
}

TEST_F(ModemTest, UserModemFileAddsCommandsWithoutCode)
{
    char path[] = "/tmp/oatemu-modem-file-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    const char text[] = "# extra commands\nAT+XVER?\n+XVER: 7\nOK\n\nAT+XPING*\n+CME ERROR: 30\n\n"
                        "AT+CSQ\n+CSQ: 31,0\nOK\n\nnot a pattern\n\nAT+XBROKEN\n";
    ASSERT_EQ((ssize_t)sizeof text - 1, write(fd, text, sizeof text - 1));
    close(fd);
    std::string flag = std::string("--modem=") + path;
    const char *flags[] = { flag.c_str(), nullptr };
    boot(flags);
    EXPECT_EQ("\r\n+XVER: 7\r\n\r\nOK\r\n", at("AT+XVER?"));
    EXPECT_EQ("\r\n+CME ERROR: 30\r\n", at("at+xping=1,2"));
    EXPECT_EQ("\r\n+CSQ: 31,0\r\n\r\nOK\r\n", at("AT+CSQ"));   // the file wins
    EXPECT_EQ("\r\nERROR\r\n", at("AT+XBROKEN"));
    oat_shim_stop();
    unlink(path);
}

TEST_F(ModemTest, MissingModemFileIsReportedAndTheModelStillAnswers)
{
    const char *flags[] = { "--modem=/nonexistent/modem.txt", nullptr };
    ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, flags));
    EXPECT_NE(std::string::npos, take(oat_shim_traces()).find("cannot read --modem=/nonexistent"));
    EXPECT_EQ("\r\nOK\r\n", at("AT"));
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
