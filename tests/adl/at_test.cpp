// at_test.cpp: the AT engine: subscribed commands and their parameter block, command forms,
// responses and where they go, unsolicited text held while a command runs, commands sent by
// the application (events, filters, order, NI routing) and the pty transport.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <poll.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "shim.h"
extern "C" {
#include "adl/services.h"
#include "core/sched.h"
}

namespace {

struct Call {
    u16 type;
    int nb_para;
    int port;
    u16 ni;
    void *ctx;
    std::string str;
    std::vector<std::string> params;   // "<null>" for a left-out parameter
    std::string task;
};

struct Rsp {
    std::string text;
    bool terminal;
    int id;
    int dest;
    void *ctx;
};

std::vector<Call> g_calls;
std::vector<Rsp> g_rsps;
bool g_answer = true;      // the command handler answers at once
bool g_forward = false;    // the response handler's verdict

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

// Run fn on task row `task`, as application code would run, and let the module settle.
void in_task(int task, std::function<void()> fn)
{
    ASSERT_EQ(0, oat_post(oat_task_by_index(task), run_fn, new std::function<void()>(std::move(fn)),
                          nullptr));
    oat_shim_settle();
}

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

std::string output()
{
    return take(oat_shim_output());
}

std::string traces()
{
    return take(oat_shim_traces());
}

void record(adl_atCmdPreParser_t *p)
{
    Call c{ p->Type, p->NbPara, (int)p->Port, p->NI, p->Contxt, std::string(p->StrData, p->StrLength),
            {}, oat_task_name(oat_task_current()) };
    for (int i = 0; i < 8; i++) {
        ascii *v = ADL_GET_PARAM(p, i);
        if (i >= wm_lstGetCount(p->ParaList))
            break;
        c.params.push_back(v ? v : "<null>");
    }
    g_calls.push_back(c);
}

void hello(adl_atCmdPreParser_t *p)
{
    record(p);
    if (!g_answer)
        return;
    std::string text = "\r\n+HELLO: " + std::string(p->NbPara ? ADL_GET_PARAM(p, 0) : "-") + "\r\n";
    adl_atSendResponse(ADL_AT_PORT_TYPE(p->Port, ADL_AT_INT), text.c_str());
    adl_atSendResponse(ADL_AT_PORT_TYPE(p->Port, ADL_AT_RSP), "\r\nOK\r\n");
}

void other(adl_atCmdPreParser_t *p)
{
    record(p);
    adl_atSendStdResponsePort(ADL_AT_RSP, p->Port, ADL_STR_OK);
}

bool on_rsp(adl_atResponse_t *r)
{
    g_rsps.push_back({ std::string(r->StrData, r->StrLength), (bool)r->IsTerminal, (int)r->RspID,
                       (int)r->Dest, r->Contxt });
    return g_forward;
}

class AtTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        g_calls.clear();
        g_rsps.clear();
        g_answer = true;
        g_forward = false;
        ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, nullptr));
        traces();
    }
    void TearDown() override { oat_shim_stop(); }
};

TEST_F(AtTest, SubscribedCommandReachesHandlerWithItsParameterAndItsResponseComesOut)
{
    in_task(0, [] { EXPECT_EQ(OK, adl_atCmdSubscribe("AT+HELLO", hello, ADL_CMD_TYPE_PARA | 0x11)); });
    EXPECT_EQ("\r\n+HELLO: 3\r\n\r\nOK\r\n", at("AT+HELLO=3"));
    ASSERT_EQ(1u, g_calls.size());
    EXPECT_EQ(ADL_CMD_TYPE_PARA, g_calls[0].type);
    EXPECT_EQ(1, g_calls[0].nb_para);
    EXPECT_EQ(ADL_PORT_UART1, g_calls[0].port);
    EXPECT_EQ("AT+HELLO=3", g_calls[0].str);
    ASSERT_EQ(1u, g_calls[0].params.size());
    EXPECT_EQ("3", g_calls[0].params[0]);
}

TEST_F(AtTest, CommandMatchIgnoresCase)
{
    in_task(0, [] { adl_atCmdSubscribe("at+hello", hello, ADL_CMD_TYPE_PARA | 0x11); });
    EXPECT_EQ("\r\n+HELLO: 7\r\n\r\nOK\r\n", at("At+HeLLo=7"));
    EXPECT_EQ(1u, g_calls.size());
}

TEST_F(AtTest, ParameterCountOutsideTheSubscribedRangeIsErrorAndNeverReachesTheHandler)
{
    in_task(0, [] { adl_atCmdSubscribe("AT+HELLO", hello, ADL_CMD_TYPE_PARA | 0x21); });
    EXPECT_EQ("\r\nERROR\r\n", at("AT+HELLO=1,2,3"));
    EXPECT_EQ("\r\nERROR\r\n", at("AT+HELLO="));
    EXPECT_TRUE(g_calls.empty());
    EXPECT_NE(std::string::npos, traces().find("AT+HELLO=1,2,3 has 3 parameter(s)"));
    EXPECT_EQ("\r\n+HELLO: 1\r\n\r\nOK\r\n", at("AT+HELLO=1,2"));
}

TEST_F(AtTest, CommandFormsArriveWithTheirType)
{
    in_task(0, [] {
        adl_atCmdSubscribe("AT+HELLO", hello,
                           ADL_CMD_TYPE_TEST | ADL_CMD_TYPE_READ | ADL_CMD_TYPE_ACT);
    });
    at("AT+HELLO=?");
    at("AT+HELLO?");
    at("AT+HELLO");
    ASSERT_EQ(3u, g_calls.size());
    EXPECT_EQ(ADL_CMD_TYPE_TEST, g_calls[0].type);
    EXPECT_EQ(ADL_CMD_TYPE_READ, g_calls[1].type);
    EXPECT_EQ(ADL_CMD_TYPE_ACT, g_calls[2].type);
    EXPECT_EQ(0, g_calls[2].nb_para);
    // The PARA form is not subscribed: the modem model gets it and does not know it.
    EXPECT_EQ("\r\nERROR\r\n", at("AT+HELLO=1"));
    EXPECT_EQ(3u, g_calls.size());
}

TEST_F(AtTest, QuotesAreRemovedSpacesOutsideQuotesDroppedAndLeftOutParametersAreNull)
{
    in_task(0, [] { adl_atCmdSubscribe("AT+Q", other, ADL_CMD_TYPE_PARA | 0x40); });
    EXPECT_EQ("\r\nOK\r\n", at("AT+Q = \"a b\" , , 7"));
    ASSERT_EQ(1u, g_calls.size());
    EXPECT_EQ("AT+Q=\"a b\",,7", g_calls[0].str);
    EXPECT_EQ(3, g_calls[0].nb_para);
    EXPECT_EQ((std::vector<std::string>{ "a b", "<null>", "7" }), g_calls[0].params);
}

TEST_F(AtTest, UnknownCommandIsErrorWithATraceNamingIt)
{
    EXPECT_EQ("\r\nERROR\r\n", at("AT+NOPE=1"));
    EXPECT_NE(std::string::npos, traces().find("unknown command AT+NOPE=1"));
}

TEST_F(AtTest, ControlCharactersNearTheEndOfTheTracedLineAreErrorAndFitTheTrace)
{
    EXPECT_EQ("\r\nERROR\r\n", at(std::string(32, '\x0b').c_str()));
    EXPECT_NE(std::string::npos, traces().find("\\x0b\\x0b..\""));
    EXPECT_EQ("\r\nERROR\r\n", at((std::string(120, 'X') + "\x01" "Y").c_str()));
    EXPECT_NE(std::string::npos, traces().find("XX\\x01Y\""));
}

TEST_F(AtTest, ConcatenatedCommandsRunInOrderWithOneFinalResult)
{
    EXPECT_EQ("\r\n+CSQ: 99,99\r\n\r\n+CREG: 0,0\r\n\r\nOK\r\n", at("AT+CSQ;+CREG?"));
    EXPECT_EQ("\r\nOK\r\n", at("AT+CMEE=1;AT+CREG=0;"));
    EXPECT_EQ("\r\n+CMEE: 1\r\n\r\nOK\r\n", at("AT+CMEE?"));
    in_task(0, [] { adl_atCmdSubscribe("AT+HELLO", hello, ADL_CMD_TYPE_PARA | 0x11); });
    EXPECT_EQ("\r\n+HELLO: 7\r\n\r\n+CMEE: 1\r\n\r\nOK\r\n", at("AT+HELLO=7;+CMEE?"));
}

TEST_F(AtTest, ConcatenatedLineStopsAtTheFirstError)
{
    EXPECT_EQ("\r\nERROR\r\n", at("AT+NOPE;+CMEE=1"));
    EXPECT_EQ("\r\n+CMEE: 0\r\n\r\nOK\r\n", at("AT+CMEE?"));
    in_task(0, [] { adl_atCmdCreate("AT+CGSN;+NOPE", FALSE, on_rsp, "*", NULL); });
    oat_shim_advance_ms(20);
    ASSERT_EQ(2u, g_rsps.size());
    EXPECT_EQ("\r\n354009001234569\r\n", g_rsps[0].text);
    EXPECT_EQ("\r\nERROR\r\n", g_rsps[1].text);
    EXPECT_TRUE(g_rsps[1].terminal);
}

TEST_F(AtTest, LastSubscriberWinsAndUnsubscribingGivesTheCommandBack)
{
    in_task(0, [] {
        adl_atCmdSubscribe("AT+CSQ", hello, ADL_CMD_TYPE_ACT);
        adl_atCmdSubscribe("AT+CSQ", other, ADL_CMD_TYPE_ACT);
    });
    EXPECT_EQ("\r\nOK\r\n", at("AT+CSQ"));
    in_task(0, [] {
        EXPECT_EQ(OK, adl_atCmdUnSubscribe("AT+CSQ", other));
        EXPECT_EQ(OK, adl_atCmdUnSubscribe("at+csq", hello));
        EXPECT_EQ(ERROR, adl_atCmdUnSubscribe("AT+CSQ", hello));
    });
    EXPECT_NE(std::string::npos, at("AT+CSQ").find("+CSQ: "));
    EXPECT_EQ(1u, g_calls.size());
}

TEST_F(AtTest, HandlerRunsInTheSubscribersTask)
{
    in_task(1, [] { adl_atCmdSubscribe("AT+HELLO", hello, ADL_CMD_TYPE_ACT); });
    at("AT+HELLO");
    ASSERT_EQ(1u, g_calls.size());
    EXPECT_EQ("worker", g_calls[0].task);
}

TEST_F(AtTest, SubscribeRejectsBadArgumentsWithATrace)
{
    in_task(0, [] {
        EXPECT_EQ(ERROR, adl_atCmdSubscribe(nullptr, hello, ADL_CMD_TYPE_ACT));
        EXPECT_EQ(ERROR, adl_atCmdSubscribe("+HELLO", hello, ADL_CMD_TYPE_ACT));
        EXPECT_EQ(ERROR, adl_atCmdSubscribe("AT+HELLO", nullptr, ADL_CMD_TYPE_ACT));
        EXPECT_EQ(ERROR, adl_atCmdSubscribe("AT+HELLO", hello, 0x11));
        EXPECT_EQ(ERROR, adl_atCmdSubscribe("AT+HELLO", hello, ADL_CMD_TYPE_PARA | 0x12));
    });
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("Cmdstr must start with \"AT\""));
    EXPECT_NE(std::string::npos, t.find("maximum X >= minimum Y"));
}

TEST_F(AtTest, RootSubscriptionGetsEveryCommandStartingWithItRaw)
{
    in_task(0, [] { adl_atCmdSubscribe("AT+ROOT", other, ADL_CMD_TYPE_ROOT); });
    EXPECT_EQ("\r\nOK\r\n", at("at+rootx=1,2"));
    ASSERT_EQ(1u, g_calls.size());
    EXPECT_EQ(ADL_CMD_TYPE_ROOT, g_calls[0].type);
    EXPECT_EQ("at+rootx=1,2", g_calls[0].str);
    EXPECT_EQ(0, g_calls[0].nb_para);
}

TEST_F(AtTest, UnsolicitedTextIsHeldUntilTerminalResponse)
{
    g_answer = false;
    in_task(0, [] { adl_atCmdSubscribe("AT+SLOW", hello, ADL_CMD_TYPE_ACT); });
    EXPECT_EQ("", at("AT+SLOW"));
    in_task(0, [] {
        adl_atSendResponse(ADL_AT_UNS, "\r\n+EVT: 1\r\n");
        adl_atSendUnsoResponse(ADL_PORT_UART1, "\r\n+EVT: 2\r\n", FALSE);
        adl_atSendResponse(ADL_AT_PORT_TYPE(ADL_PORT_UART1, ADL_AT_INT), "\r\n+SLOW: 1\r\n");
    });
    EXPECT_EQ("\r\n+SLOW: 1\r\n", output());
    in_task(0, [] { adl_atSendStdResponse(ADL_AT_RSP, ADL_STR_OK); });
    EXPECT_EQ("\r\nOK\r\n\r\n+EVT: 1\r\n\r\n+EVT: 2\r\n", output());
    in_task(0, [] { adl_atSendResponse(ADL_AT_UNS, "\r\n+EVT: 3\r\n"); });
    EXPECT_EQ("\r\n+EVT: 3\r\n", output());
}

TEST_F(AtTest, LinesTypedWhileACommandRunsWaitTheirTurn)
{
    g_answer = false;
    in_task(0, [] { adl_atCmdSubscribe("AT+SLOW", hello, ADL_CMD_TYPE_ACT); });
    EXPECT_EQ("", at("AT+SLOW"));
    EXPECT_EQ("", at("AT"));
    EXPECT_TRUE(oat_at_idle() == false);
    in_task(0, [] { adl_atSendResponse(ADL_AT_RSP, "\r\nDONE\r\n"); });
    EXPECT_EQ("\r\nDONE\r\n\r\nOK\r\n", output());
    EXPECT_TRUE(oat_at_idle());
}

TEST_F(AtTest, CmdCreateDeliversOnlyTheListedLinesAsEventsNeverInsideTheCall)
{
    oat_shim_advance_ms(3000);   // SIM ready and registered
    output();
    in_task(0, [] {
        EXPECT_EQ(OK, adl_atCmdCreate("AT+CREG?", FALSE, on_rsp, "+CREG: ", NULL));
        EXPECT_TRUE(g_rsps.empty());
    });
    oat_shim_advance_ms(100);
    ASSERT_EQ(1u, g_rsps.size());
    EXPECT_EQ("\r\n+CREG: 0,1\r\n", g_rsps[0].text);
    EXPECT_FALSE(g_rsps[0].terminal);
    EXPECT_EQ(ADL_STR_CREG, g_rsps[0].id);
    EXPECT_EQ("", output());   // the unlisted OK with rspflag FALSE goes nowhere
}

TEST_F(AtTest, CmdCreateCatchesByStringIdAndStar)
{
    oat_shim_advance_ms(3000);
    in_task(0, [] {
        adl_atCmdCreate("AT+CREG?", FALSE, on_rsp, ADL_STR_CREG, NULL);
        adl_atCmdCreate("ATI", FALSE, on_rsp, "*", NULL);
        adl_atCmdCreate("AT+CSQ", FALSE, on_rsp, "+CREG: ", NULL);
    });
    oat_shim_advance_ms(100);
    ASSERT_EQ(1u + 4u, g_rsps.size());
    EXPECT_EQ("\r\n+CREG: 0,1\r\n", g_rsps[0].text);
    EXPECT_EQ("\r\noatemu\r\n", g_rsps[1].text);
    EXPECT_TRUE(g_rsps[4].terminal);
}

TEST_F(AtTest, StarGetsEveryLineWithIsTerminalOnTheLast)
{
    in_task(0, [] { adl_atCmdCreate("ATI", FALSE, on_rsp, "*", NULL); });
    oat_shim_advance_ms(100);
    ASSERT_EQ(4u, g_rsps.size());
    for (size_t i = 0; i < 3; i++)
        EXPECT_FALSE(g_rsps[i].terminal) << i;
    EXPECT_EQ("\r\nOK\r\n", g_rsps[3].text);
    EXPECT_TRUE(g_rsps[3].terminal);
}

TEST_F(AtTest, ListedOkReachesTheHandler)
{
    in_task(0, [] { adl_atCmdCreate("AT+CGSN", FALSE, on_rsp, ADL_STR_OK, NULL); });
    oat_shim_advance_ms(100);
    ASSERT_EQ(1u, g_rsps.size());
    EXPECT_EQ("\r\nOK\r\n", g_rsps[0].text);
    EXPECT_TRUE(g_rsps[0].terminal);
    EXPECT_EQ(ADL_STR_OK, g_rsps[0].id);
}

TEST_F(AtTest, RspflagTrueForwardsUnlistedLinesToThePort)
{
    in_task(0, [] { adl_atCmdCreate("AT+CGSN", TRUE, nullptr, NULL); });
    oat_shim_advance_ms(100);
    EXPECT_EQ("\r\n354009001234569\r\n\r\nOK\r\n", output());
    // The listed OK reaches the handler, which swallows it; the IMEI line is forwarded.
    in_task(0, [] { adl_atCmdCreate("AT+CGSN", TRUE, on_rsp, ADL_STR_OK, NULL); });
    oat_shim_advance_ms(100);
    EXPECT_EQ("\r\n354009001234569\r\n", output());
    ASSERT_EQ(1u, g_rsps.size());
    EXPECT_TRUE(g_rsps[0].terminal);
}

TEST_F(AtTest, UnlistedFinalLineWithRspflagFalseGoesNowhere)
{
    g_forward = true;
    in_task(0, [] { adl_atCmdCreate("AT+CGSN", FALSE, on_rsp, "+NOTHING", NULL); });
    oat_shim_advance_ms(100);
    EXPECT_TRUE(g_rsps.empty());
    EXPECT_EQ("", output());
    EXPECT_TRUE(oat_at_idle());   // the command ended all the same
}

TEST_F(AtTest, ApplicationCommandsRunInOrder)
{
    in_task(0, [] {
        adl_atCmdCreate("AT+CGSN", FALSE, on_rsp, ADL_STR_OK, NULL);
        adl_atCmdCreate("AT+NOPE", FALSE, on_rsp, "*", NULL);
        adl_atCmdCreate("AT", FALSE, on_rsp, "*", NULL);
    });
    oat_shim_advance_ms(100);
    ASSERT_EQ(3u, g_rsps.size());
    EXPECT_EQ("\r\nOK\r\n", g_rsps[0].text);
    EXPECT_EQ("\r\nERROR\r\n", g_rsps[1].text);
    EXPECT_EQ("\r\nOK\r\n", g_rsps[2].text);
}

TEST_F(AtTest, NiLaunchRoutesToTheSubscribedHandlerAndItsAnswerComesBack)
{
    static int ctx;
    in_task(0, [] { adl_atCmdSubscribe("AT+HELLO", hello, ADL_CMD_TYPE_PARA | 0x11); });
    in_task(0, [] {
        EXPECT_EQ(OK, adl_atCmdSendExt("AT+HELLO=5", ADL_PORT_NONE, ADL_NI_LAUNCH, &ctx, on_rsp,
                                       "+HELLO", NULL));
    });
    ASSERT_EQ(1u, g_calls.size());
    EXPECT_EQ(ADL_PORT_OPEN_AT_VIRTUAL_BASE, g_calls[0].port);
    ASSERT_EQ(1u, g_rsps.size());   // only the listed line
    EXPECT_EQ("\r\n+HELLO: 5\r\n", g_rsps[0].text);
    EXPECT_EQ(&ctx, g_rsps[0].ctx);
    // NI 0: the modem runs it, whatever the application subscribed.
    in_task(0, [] { adl_atCmdSendExt("AT+HELLO=5", ADL_PORT_NONE, 0, nullptr, on_rsp, "*", NULL); });
    oat_shim_advance_ms(100);
    EXPECT_EQ("\r\nERROR\r\n", g_rsps.back().text);
    EXPECT_EQ(1u, g_calls.size());
    EXPECT_EQ("", output());
}

void pass_through(adl_atCmdPreParser_t *p)
{
    record(p);
    adl_atCmdSendExt(p->StrData, p->Port, p->NI, nullptr, on_rsp, "*", NULL);
}

TEST_F(AtTest, HandlerHandsItsCommandOnWithItsNiToTheModem)
{
    g_forward = true;
    in_task(0, [] { adl_atCmdSubscribe("AT+CGSN", pass_through, ADL_CMD_TYPE_ACT); });
    EXPECT_EQ("", at("AT+CGSN"));   // the modem answers the handed-on command after its latency
    oat_shim_advance_ms(10);
    EXPECT_EQ("\r\n354009001234569\r\n\r\nOK\r\n", output());
    ASSERT_EQ(2u, g_rsps.size());
    EXPECT_EQ(ADL_PORT_UART1, g_rsps[0].dest);
    EXPECT_EQ("\r\nOK\r\n", at("AT"));   // the port is free again
}

void pass_through_listing_nothing(adl_atCmdPreParser_t *p)
{
    record(p);
    adl_atCmdSendExt(p->StrData, p->Port, p->NI, nullptr, on_rsp, "+NOTHING", NULL);
}

TEST_F(AtTest, HandedOnCommandSendsUnlistedLinesToItsPort)
{
    in_task(0, [] { adl_atCmdSubscribe("AT+CGSN", pass_through_listing_nothing, ADL_CMD_TYPE_ACT); });
    at("AT+CGSN");
    oat_shim_advance_ms(10);
    EXPECT_EQ("\r\n354009001234569\r\n\r\nOK\r\n", output());
    EXPECT_TRUE(g_rsps.empty());
    EXPECT_EQ("\r\nOK\r\n", at("AT"));   // the port is free again
}

TEST_F(AtTest, SendResponseRejectsBadKindAndClosedPort)
{
    in_task(0, [] {
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_atSendResponse(0x03, "x"));
        EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL,
                  adl_atSendResponse(ADL_AT_PORT_TYPE(ADL_PORT_UART2, ADL_AT_RSP), "x"));
        EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL,
                  adl_atCmdCreate("AT", ADL_AT_PORT_TYPE(ADL_PORT_USB, TRUE), on_rsp, NULL));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_atCmdCreate(nullptr, FALSE, on_rsp, NULL));
    });
    EXPECT_NE(std::string::npos, traces().find("port 2 is not open"));
}

bool g_unso_forward;
std::vector<std::string> g_unso;

bool on_unso(adl_atUnsolicited_t *u)
{
    g_unso.push_back(std::string(u->StrData, u->StrLength));
    return g_unso_forward;
}

TEST_F(AtTest, UnsolicitedHandlerGetsModemLinesAndDecidesTheirForwarding)
{
    g_unso.clear();
    g_unso_forward = false;
    in_task(0, [] { EXPECT_EQ(OK, adl_atUnSoSubscribe("+CREG: ", on_unso)); });
    EXPECT_EQ("\r\nOK\r\n", at("AT+CREG=1"));
    oat_shim_advance_ms(3000);
    EXPECT_EQ((std::vector<std::string>{ "\r\n+CREG: 2\r\n", "\r\n+CREG: 1\r\n" }), g_unso);
    EXPECT_EQ("", output());
    in_task(0, [] { EXPECT_EQ(OK, adl_atUnSoUnSubscribe("+CREG: ", on_unso)); });
}

TEST_F(AtTest, PtyPortAnswersAtCommands)
{
    oat_shim_stop();
    const char *flags[] = { "--at=pty", nullptr };
    ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, flags));
    std::string t = traces();
    size_t at_pos = t.find("AT port on ");
    ASSERT_NE(std::string::npos, at_pos);
    std::string path = t.substr(at_pos + 11, t.find(':', at_pos) - at_pos - 11);
    int fd = open(path.c_str(), O_RDWR | O_NOCTTY);
    ASSERT_GE(fd, 0) << path;
    ASSERT_EQ(9, write(fd, "AT+CPIN?\r", 9));
    std::string got;
    while (got.find("OK\r\n") == std::string::npos) {
        struct pollfd p = { fd, POLLIN, 0 };
        ASSERT_EQ(1, poll(&p, 1, 5000)) << "no answer on " << path << ", got: " << got;
        char buf[256];
        ssize_t n = read(fd, buf, sizeof buf);
        ASSERT_GT(n, 0);
        got.append(buf, (size_t)n);
    }
    // Echo is on by default on a pty, as on the module's UART.
    EXPECT_EQ("AT+CPIN?\r\r\n+CPIN: READY\r\n\r\nOK\r\n", got);
    close(fd);
}

TEST_F(AtTest, TcpPortServesOneClientAtATime)
{
    oat_shim_stop();
    // Port 0: a free port, said in the trace (a fixed one may be taken on a busy host).
    const char *flags[] = { "--at=tcp:0", nullptr };
    ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, flags));
    std::string said = traces();
    const std::string intro = "AT port on tcp 127.0.0.1:";
    size_t at = said.find(intro);
    ASSERT_NE(std::string::npos, at) << said;
    int port = atoi(said.c_str() + at + intro.size());
    ASSERT_GT(port, 0) << said;
    for (int round = 0; round < 2; round++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {};
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ASSERT_EQ(0, connect(fd, (struct sockaddr *)&a, sizeof a));
        ASSERT_EQ(3, write(fd, "AT\r", 3));
        std::string got;
        while (got.find("OK\r\n") == std::string::npos) {
            struct pollfd p = { fd, POLLIN, 0 };
            ASSERT_EQ(1, poll(&p, 1, 5000)) << "got: " << got;
            char buf[256];
            ssize_t n = read(fd, buf, sizeof buf);
            ASSERT_GT(n, 0);
            got.append(buf, (size_t)n);
        }
        EXPECT_EQ("AT\r\r\nOK\r\n", got);
        close(fd);
    }
}

}  // namespace

// ---- response filters (spec §2.5, corrected): a handler gets only the lines its list names ----

// The vendor's CREG polling sample as projects copy it: the list names ADL_STR_CREG only, the
// handler reads field 2 of whatever line it gets and re-arms its poll; registered (1 or 5)
// starts the bearer, anything else stops it. Its own assertion: never two polls in flight.
struct CregPoll {
    int polls = 0;
    int in_flight = 0;
    int assertions = 0;
    int bearer_starts = 0;
    bool bearer_up = false;
};
CregPoll g_poll;

void creg_poll(u8 id, void *ctx);

bool creg_handler(adl_atResponse_t *r)
{
    ascii field[16] = "";
    wm_strGetParameterString(field, r->StrData, 2);
    int stat = wm_atoi(field);
    g_poll.in_flight--;
    if (stat == 1 || stat == 5) {
        if (!g_poll.bearer_up) {
            g_poll.bearer_up = true;
            g_poll.bearer_starts++;
        }
    } else {
        g_poll.bearer_up = false;
    }
    adl_tmrSubscribe(FALSE, 20, ADL_TMR_TYPE_100MS, creg_poll);
    return FALSE;
}

void creg_poll(u8 id, void *ctx)
{
    (void)id;
    (void)ctx;
    if (g_poll.in_flight != 0)
        g_poll.assertions++;
    g_poll.in_flight++;
    g_poll.polls++;
    adl_atCmdCreate("AT+CREG?", FALSE, creg_handler, ADL_STR_CREG, NULL);
}

TEST_F(AtTest, VendorCregPollMakesOnePollPerPeriodAndStartsTheBearerOnce)
{
    g_poll = CregPoll{};
    in_task(0, [] { creg_poll(0, nullptr); });
    oat_shim_advance_ms(24LL * 3600 * 1000);
    // One chain: a poll every 2 s (plus the answer's latency), never two in flight.
    EXPECT_EQ(0, g_poll.assertions);
    EXPECT_GE(g_poll.polls, 24 * 1800 * 9 / 10);
    EXPECT_LE(g_poll.polls, 24 * 1800 + 1);
    EXPECT_EQ(1, g_poll.bearer_starts);
    EXPECT_TRUE(g_poll.bearer_up);
}

// ---- time that moves: the modem answers an application's command after its latency ----

TEST_F(AtTest, ApplicationCommandIsAnsweredAfterTheModemLatency)
{
    in_task(0, [] { adl_atCmdCreate("AT", FALSE, on_rsp, "*", NULL); });
    EXPECT_TRUE(g_rsps.empty());
    oat_shim_advance_ms(4);
    EXPECT_TRUE(g_rsps.empty());
    oat_shim_advance_ms(1);   // default 5 ms
    ASSERT_EQ(1u, g_rsps.size());
    EXPECT_EQ("\r\nOK\r\n", g_rsps[0].text);
    EXPECT_EQ("\r\nOK\r\n", at("AT"));   // typed on the terminal: at once
}

TEST_F(AtTest, ModemLatencyIsSettable)
{
    oat_shim_stop();
    const char *flags[] = { "--modem-latency=250ms", nullptr };
    ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, flags));
    in_task(0, [] { adl_atCmdCreate("AT", FALSE, on_rsp, "*", NULL); });
    oat_shim_advance_ms(249);
    EXPECT_TRUE(g_rsps.empty());
    oat_shim_advance_ms(1);
    EXPECT_EQ(1u, g_rsps.size());
}

int g_resends;

bool resend_on_error(adl_atResponse_t *r)
{
    if (r->IsTerminal) {
        g_resends++;
        adl_atCmdCreate("AT+NOPE", FALSE, resend_on_error, "*", NULL);
    }
    return FALSE;
}

TEST_F(AtTest, RetryLoopOfAnUnknownCommandMovesTheClock)
{
    g_resends = 0;
    in_task(0, [] { adl_atCmdCreate("AT+NOPE", FALSE, resend_on_error, "*", NULL); });
    oat_shim_advance_ms(1000);
    EXPECT_GE(g_resends, 190);   // one answer per 5 ms of emulated time
    EXPECT_LE(g_resends, 200);
    EXPECT_NE(std::string::npos, traces().find("modem: unknown command AT+NOPE: ERROR"));
}

TEST_F(AtTest, CommandRepeatedMoreThan1000TimesInOneSecondIsTracedOncePerMinute)
{
    oat_shim_stop();
    const char *flags[] = { "--modem-latency=900us", nullptr };
    ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, flags));
    traces();
    g_resends = 0;
    in_task(0, [] { adl_atCmdCreate("AT+NOPE", FALSE, resend_on_error, "*", NULL); });
    oat_shim_advance_ms(62 * 1000);
    EXPECT_GT(g_resends, 62 * 1000);
    std::string tr = traces();
    size_t n = 0;
    for (size_t p = tr.find("AT command AT+NOPE repeated 1001 times"); p != std::string::npos;
         p = tr.find("AT command AT+NOPE repeated 1001 times", p + 1))
        n++;
    EXPECT_EQ(2u, n);   // within the first second and a minute later
}
