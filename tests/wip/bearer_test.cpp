// bearer_test.cpp: WIP bearers in virtual time: start delay, configured failures and drops,
// stop and close (also inside the handler), rejected handles, options and names, the spec.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "shim.h"
#include "wip.h"
extern "C" {
#include "core/clock.h"
#include "wip/bearer_config.h"
void oat_wip_lock(void);
void oat_wip_unlock(void);
bool oat_bearer_ip_up(void);
}

namespace {

struct Ev {
    wip_bearer_t br;
    s8 event;
    long long at_us;   // emulated µs since g_t0
};

std::vector<Ev> g_events;
long long g_t0;
std::function<void(wip_bearer_t, s8)> g_on_event;

void entry() {}
const adl_InitTasks_t kTasks[] = {
    { entry, 8192, "main", 1 },
    { nullptr, 0, nullptr, 0 },
};

void run_fn(void *arg)
{
    auto *fn = static_cast<std::function<void()> *>(arg);
    (*fn)();
    delete fn;
}

void in_task(std::function<void()> fn)
{
    ASSERT_EQ(0, oat_shim_in_task(0, run_fn, new std::function<void()>(std::move(fn))));
}

void handler(wip_bearer_t br, s8 event, void *)
{
    g_events.push_back({ br, event, (long long)oat_now_us() - g_t0 });
    if (g_on_event)
        g_on_event(br, event);
}

std::string traces()
{
    char *raw = oat_shim_traces();
    std::string all = raw ? raw : "";
    oat_shim_free(raw);
    return all;
}

bool ip_up()
{
    oat_wip_lock();
    bool up = oat_bearer_ip_up();
    oat_wip_unlock();
    return up;
}

class Bearer : public ::testing::Test {
protected:
    wip_bearer_t br = nullptr;

    void Boot(std::vector<const char *> flags = {}, bool net = true)
    {
        g_events.clear();
        g_on_event = nullptr;
        flags.push_back(nullptr);
        ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, flags.data()));
        if (net)
            in_task([] { ASSERT_EQ(OK, wip_netInit()); });
        traces();
    }
    // Open `name` and start it; returns what wip_bearerStart returned. g_t0 = start time.
    s8 OpenAndStart(const char *name, std::function<void(wip_bearer_t)> opts = nullptr)
    {
        s8 rc = 0;
        in_task([&] {
            ASSERT_EQ(0, wip_bearerOpen(&br, name, handler, nullptr));
            if (opts)
                opts(br);
            g_t0 = (long long)oat_now_us();
            rc = wip_bearerStart(br);
        });
        return rc;
    }
    s8 Error()
    {
        s8 cause = 99;
        in_task([&] { EXPECT_EQ(0, wip_bearerGetOpts(br, WIP_BOPT_ERROR, &cause, WIP_BOPT_END)); });
        return cause;
    }
    void TearDown() override
    {
        g_on_event = nullptr;
        in_task([] { wip_netExit(); });
        oat_shim_stop();
    }
};

TEST_F(Bearer, StartIsInProgressThenIpConnectedAfterConfiguredDelay)
{
    Boot({ "--bearer=delay=2s" });
    EXPECT_EQ(WIP_BERR_OK_INPROGRESS, OpenAndStart("GPRS"));
    oat_shim_advance_ms(1999);
    EXPECT_TRUE(g_events.empty());
    EXPECT_FALSE(ip_up());
    oat_shim_advance_ms(1);
    ASSERT_EQ(1u, g_events.size());
    EXPECT_EQ(WIP_BEV_IP_CONNECTED, g_events[0].event);
    EXPECT_EQ(br, g_events[0].br);
    EXPECT_EQ(2000000, g_events[0].at_us);
    EXPECT_TRUE(ip_up());
}

TEST_F(Bearer, DefaultDelayIsOneSecondAndZeroForEther)
{
    Boot();
    EXPECT_EQ(WIP_BERR_OK_INPROGRESS, OpenAndStart("GPRS"));
    oat_shim_advance_ms(1000);
    ASSERT_EQ(1u, g_events.size());
    EXPECT_EQ(1000000, g_events[0].at_us);
    EXPECT_EQ(WIP_BERR_OK_INPROGRESS, OpenAndStart("ETHER"));
    oat_shim_settle();
    ASSERT_EQ(2u, g_events.size());
    EXPECT_EQ(WIP_BEV_IP_CONNECTED, g_events[1].event);
    EXPECT_EQ(0, g_events[1].at_us);
}

TEST_F(Bearer, ConnectedGprsReportsEmulatedAddresses)
{
    Boot({ "--bearer=dns1=192.0.2.53" });
    OpenAndStart("GPRS");
    oat_shim_advance_ms(1000);
    wip_in_addr_t ip = 0, gw = 0, dns1 = 0, dns2 = 0;
    in_task([&] {
        EXPECT_EQ(0, wip_bearerGetOpts(br, WIP_BOPT_IP_ADDR, &ip, WIP_BOPT_IP_GW, &gw,
                                       WIP_BOPT_IP_DNS1, &dns1, WIP_BOPT_IP_DNS2, &dns2,
                                       WIP_BOPT_END));
    });
    EXPECT_EQ(htonl(0x0A400002u), ip);
    EXPECT_EQ(htonl(0x0A400001u), gw);
    EXPECT_EQ(htonl(0xC0000235u), dns1);
    EXPECT_EQ(htonl(0x08080404u), dns2);
}

TEST_F(Bearer, WrongApnGivesConnFailedWithGprsFailedCause)
{
    Boot({ "--bearer=apn=internet" });
    OpenAndStart("GPRS", [](wip_bearer_t b) {
        ASSERT_EQ(0, wip_bearerSetOpts(b, WIP_BOPT_GPRS_APN, "wrong", WIP_BOPT_END));
    });
    oat_shim_advance_ms(1000);
    ASSERT_EQ(1u, g_events.size());
    EXPECT_EQ(WIP_BEV_CONN_FAILED, g_events[0].event);
    EXPECT_EQ(WIP_BERR_GPRS_FAILED, Error());
    EXPECT_FALSE(ip_up());
}

TEST_F(Bearer, RightApnAndWrongPasswordGivesPppAuthFailed)
{
    Boot({ "--bearer=apn=internet,login=u,password=p" });
    OpenAndStart("GPRS", [](wip_bearer_t b) {
        ASSERT_EQ(0, wip_bearerSetOpts(b, WIP_BOPT_GPRS_APN, "internet", WIP_BOPT_LOGIN, "u",
                                       WIP_BOPT_PASSWORD, "x", WIP_BOPT_END));
    });
    oat_shim_advance_ms(1000);
    ASSERT_EQ(1u, g_events.size());
    EXPECT_EQ(WIP_BEV_CONN_FAILED, g_events[0].event);
    EXPECT_EQ(WIP_BERR_PPP_AUTH_FAILED, Error());
}

TEST_F(Bearer, FailConfigMakesEveryStartFailWithThatCause)
{
    Boot({ "--bearer=fail=no_carrier,delay=500ms" });
    OpenAndStart("UART1");
    oat_shim_advance_ms(500);
    ASSERT_EQ(1u, g_events.size());
    EXPECT_EQ(WIP_BEV_CONN_FAILED, g_events[0].event);
    EXPECT_EQ(WIP_BERR_NO_CARRIER, Error());
    s8 rc = 0;
    in_task([&] { rc = wip_bearerStart(br); });
    EXPECT_EQ(WIP_BERR_OK_INPROGRESS, rc);
    oat_shim_advance_ms(500);
    ASSERT_EQ(2u, g_events.size());
    EXPECT_EQ(WIP_BEV_CONN_FAILED, g_events[1].event);
}

TEST_F(Bearer, GprsStartWhileSimWaitsForPinFailsWithPinNotReady)
{
    Boot({ "--sim-pin=1234" });
    oat_shim_advance_ms(1000);
    OpenAndStart("GPRS");
    oat_shim_advance_ms(1000);
    ASSERT_EQ(1u, g_events.size());
    EXPECT_EQ(WIP_BEV_CONN_FAILED, g_events[0].event);
    EXPECT_EQ(WIP_BERR_PIN_NOT_READY, Error());
}

TEST_F(Bearer, DropConfigGivesIpDisconnectedAtTheRightTime)
{
    Boot({ "--bearer=delay=1s,drop=30s" });
    OpenAndStart("GPRS");
    oat_shim_advance_ms(30999);
    ASSERT_EQ(1u, g_events.size());
    EXPECT_TRUE(ip_up());
    oat_shim_advance_ms(1);
    ASSERT_EQ(2u, g_events.size());
    EXPECT_EQ(WIP_BEV_IP_DISCONNECTED, g_events[1].event);
    EXPECT_EQ(31000000, g_events[1].at_us);
    EXPECT_FALSE(ip_up());
    s8 rc = 0;
    in_task([&] { rc = wip_bearerStart(br); });
    EXPECT_EQ(WIP_BERR_BAD_STATE, rc);
    in_task([&] { rc = wip_bearerStop(br); });
    EXPECT_EQ(WIP_BERR_OK_INPROGRESS, rc);
    ASSERT_EQ(3u, g_events.size());
    EXPECT_EQ(WIP_BEV_STOPPED, g_events[2].event);
}

TEST_F(Bearer, StopGivesStoppedAndTakesIpDown)
{
    Boot();
    OpenAndStart("GSM");
    oat_shim_advance_ms(1000);
    ASSERT_TRUE(ip_up());
    s8 rc = 0;
    in_task([&] {
        rc = wip_bearerStop(br);
        EXPECT_TRUE(g_events.size() == 1u) << "STOPPED must not be delivered inside the call";
    });
    EXPECT_EQ(WIP_BERR_OK_INPROGRESS, rc);
    ASSERT_EQ(2u, g_events.size());
    EXPECT_EQ(WIP_BEV_STOPPED, g_events[1].event);
    EXPECT_FALSE(ip_up());
}

TEST_F(Bearer, StopWhileStartingCancelsTheConnection)
{
    Boot();
    OpenAndStart("GPRS");
    oat_shim_advance_ms(500);
    in_task([&] { EXPECT_EQ(WIP_BERR_OK_INPROGRESS, wip_bearerStop(br)); });
    oat_shim_advance_ms(5000);
    ASSERT_EQ(1u, g_events.size());
    EXPECT_EQ(WIP_BEV_STOPPED, g_events[0].event);
    EXPECT_FALSE(ip_up());
}

TEST_F(Bearer, CloseInsideHandlerDeliversNothingMore)
{
    Boot({ "--bearer=drop=5s" });
    s8 close_rc = 1;
    g_on_event = [&](wip_bearer_t b, s8) { close_rc = wip_bearerClose(b); };
    OpenAndStart("GPRS");
    oat_shim_advance_ms(60000);
    ASSERT_EQ(1u, g_events.size());
    EXPECT_EQ(0, close_rc);
    EXPECT_FALSE(ip_up());
    wip_bearer_t again = nullptr;
    in_task([&] { EXPECT_EQ(0, wip_bearerOpen(&again, "GPRS", handler, nullptr)); });
}

TEST_F(Bearer, CloseWithEventsQueuedDropsThem)
{
    Boot();
    OpenAndStart("GPRS");
    oat_shim_advance_ms(1000);
    in_task([&] {
        EXPECT_EQ(WIP_BERR_OK_INPROGRESS, wip_bearerStop(br));
        EXPECT_EQ(0, wip_bearerClose(br));
    });
    oat_shim_advance_ms(1000);
    EXPECT_EQ(1u, g_events.size());
}

TEST_F(Bearer, BadHandlesGiveBadHdlAndATrace)
{
    Boot();
    in_task([&] { ASSERT_EQ(0, wip_bearerOpen(&br, "GPRS", handler, nullptr)); });
    wip_bearer_t closed = br;
    int junk = 0;
    wip_bearer_t bogus = reinterpret_cast<wip_bearer_t>(&junk);
    in_task([&] { ASSERT_EQ(0, wip_bearerClose(closed)); });
    traces();
    for (wip_bearer_t h : { (wip_bearer_t) nullptr, closed, bogus }) {
        in_task([&] {
            u8 cid;
            EXPECT_EQ(WIP_BERR_BAD_HDL, wip_bearerStart(h));
            EXPECT_EQ(WIP_BERR_BAD_HDL, wip_bearerStop(h));
            EXPECT_EQ(WIP_BERR_BAD_HDL, wip_bearerClose(h));
            EXPECT_EQ(WIP_BERR_BAD_HDL, wip_bearerSetOpts(h, WIP_BOPT_GPRS_CID, 1, WIP_BOPT_END));
            EXPECT_EQ(WIP_BERR_BAD_HDL, wip_bearerGetOpts(h, WIP_BOPT_GPRS_CID, &cid, WIP_BOPT_END));
        });
        std::string t = traces();
        for (const char *fn : { "wip_bearerStart", "wip_bearerStop", "wip_bearerClose",
                                "wip_bearerSetOpts", "wip_bearerGetOpts" })
            EXPECT_NE(std::string::npos, t.find(std::string(fn) + ": bearer handle")) << fn;
    }
}

TEST_F(Bearer, BadOptionsGiveOptionAndBadValuesGiveParam)
{
    Boot();
    in_task([&] { ASSERT_EQ(0, wip_bearerOpen(&br, "GPRS", handler, nullptr)); });
    traces();
    in_task([&] {
        s8 err = 0;
        EXPECT_EQ(WIP_BERR_OPTION, wip_bearerSetOpts(br, 99, 1, WIP_BOPT_END));
        EXPECT_EQ(WIP_BERR_OPTION, wip_bearerGetOpts(br, 99, &err, WIP_BOPT_END));
        EXPECT_EQ(WIP_BERR_OPTION, wip_bearerSetOpts(br, WIP_BOPT_ERROR, 0, WIP_BOPT_END));
        EXPECT_EQ(WIP_BERR_OPTION, wip_bearerSetOpts(br, WIP_BOPT_DIAL_PHONENB, "123", WIP_BOPT_END));
        EXPECT_EQ(WIP_BERR_PARAM, wip_bearerSetOpts(br, WIP_BOPT_GPRS_CID, 7, WIP_BOPT_END));
        EXPECT_EQ(WIP_BERR_PARAM, wip_bearerSetOpts(br, WIP_BOPT_GPRS_HEADERCOMP, 2, WIP_BOPT_END));
        EXPECT_EQ(WIP_BERR_PARAM, wip_bearerSetOpts(br, WIP_BOPT_GPRS_APN, (const char *)nullptr,
                                                    WIP_BOPT_END));
        EXPECT_EQ(WIP_BERR_PARAM, wip_bearerGetOpts(br, WIP_BOPT_ERROR, (s8 *)nullptr, WIP_BOPT_END));
    });
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("wip_bearerSetOpts: unknown option 99"));
    EXPECT_NE(std::string::npos, t.find("wip_bearerGetOpts: unknown option 99"));
    EXPECT_NE(std::string::npos, t.find("WIP_BOPT_ERROR can only be read"));
    EXPECT_NE(std::string::npos, t.find("WIP_BOPT_DIAL_PHONENB does not apply to bearer GPRS"));
    EXPECT_NE(std::string::npos, t.find("WIP_BOPT_GPRS_CID = 7 is out of range 1..4"));
    EXPECT_NE(std::string::npos, t.find("WIP_BOPT_GPRS_APN: NULL string"));
    EXPECT_NE(std::string::npos, t.find("WIP_BOPT_ERROR: NULL pointer"));
}

TEST_F(Bearer, StringOptionsAreCopiedAndReadBackAsPointers)
{
    Boot();
    char apn[] = "internet";
    ascii *got = nullptr;
    u8 cid = 0;
    in_task([&] {
        ASSERT_EQ(0, wip_bearerOpen(&br, "GPRS", handler, nullptr));
        ASSERT_EQ(0, wip_bearerSetOpts(br, WIP_BOPT_GPRS_APN, apn, WIP_BOPT_GPRS_CID, 3,
                                       WIP_BOPT_END));
        apn[0] = 'X';
        ASSERT_EQ(0, wip_bearerGetOpts(br, WIP_BOPT_GPRS_APN, &got, WIP_BOPT_GPRS_CID, &cid,
                                       WIP_BOPT_END));
    });
    ASSERT_NE(nullptr, got);
    EXPECT_STREQ("internet", got);
    EXPECT_EQ(3, cid);
}

TEST_F(Bearer, OpenTwiceGivesAlready)
{
    Boot();
    wip_bearer_t second = nullptr;
    in_task([&] {
        ASSERT_EQ(0, wip_bearerOpen(&br, "UART2", handler, nullptr));
        EXPECT_EQ(WIP_BERR_ALREADY, wip_bearerOpen(&second, "UART2", handler, nullptr));
    });
    EXPECT_NE(std::string::npos, traces().find("bearer UART2 is already open"));
}

TEST_F(Bearer, UnknownNameGivesNoDev)
{
    Boot();
    in_task([&] {
        EXPECT_EQ(WIP_BERR_NO_DEV, wip_bearerOpen(&br, "WIFI", handler, nullptr));
        EXPECT_EQ(WIP_BERR_NO_DEV, wip_bearerOpen(&br, "gprs", handler, nullptr));
    });
    EXPECT_NE(std::string::npos, traces().find("no bearer named \"WIFI\""));
}

TEST_F(Bearer, StartBeforeNetInitFails)
{
    Boot({}, false);
    s8 rc = 0;
    in_task([&] {
        ASSERT_EQ(0, wip_bearerOpen(&br, "GPRS", handler, nullptr));
        rc = wip_bearerStart(br);
    });
    EXPECT_EQ(WIP_BERR_BAD_STATE, rc);
    EXPECT_NE(std::string::npos, traces().find("wip_bearerStart: the WIP stack is not initialised"));
    oat_shim_advance_ms(5000);
    EXPECT_TRUE(g_events.empty());
    in_task([&] { wip_bearerClose(br); });
}

TEST_F(Bearer, StartWhenNotStoppedIsBadState)
{
    Boot();
    OpenAndStart("GPRS");
    s8 rc = 0;
    in_task([&] { rc = wip_bearerStart(br); });
    EXPECT_EQ(WIP_BERR_BAD_STATE, rc);
    oat_shim_advance_ms(1000);
    in_task([&] { rc = wip_bearerStart(br); });
    EXPECT_EQ(WIP_BERR_BAD_STATE, rc);
    EXPECT_EQ(1u, g_events.size());
}

TEST_F(Bearer, StartServerWaitsWithoutEventsAndAnswerIsUnsupported)
{
    Boot();
    s8 srv = 0, ans = 0;
    in_task([&] {
        ASSERT_EQ(0, wip_bearerOpen(&br, "GSM", handler, nullptr));
        srv = wip_bearerStartServer(br, [](wip_bearer_t, wip_bearerServerEvent_t *, void *) -> s8 {
            ADD_FAILURE() << "no caller is emulated";
            return 0;
        }, nullptr);
        ans = wip_bearerAnswer(br);
    });
    EXPECT_EQ(WIP_BERR_OK_INPROGRESS, srv);
    EXPECT_EQ(WIP_BERR_BAD_STATE, ans);
    EXPECT_NE(std::string::npos, traces().find("wip_bearerAnswer"));
    oat_shim_advance_ms(10000);
    EXPECT_TRUE(g_events.empty());
    in_task([&] { EXPECT_EQ(WIP_BERR_OK_INPROGRESS, wip_bearerStop(br)); });
    ASSERT_EQ(1u, g_events.size());
    EXPECT_EQ(WIP_BEV_STOPPED, g_events[0].event);
}

TEST_F(Bearer, EveryCallAndEventIsInTheCallLog)
{
    Boot({ "--calls" });
    OpenAndStart("GPRS");
    oat_shim_advance_ms(1000);
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("wip_bearerOpen("));
    EXPECT_NE(std::string::npos, t.find("wip_bearerStart("));
    EXPECT_NE(std::string::npos, t.find("WIP_BERR_OK_INPROGRESS"));
    EXPECT_NE(std::string::npos, t.find("WIP_BEV_IP_CONNECTED"));
}

TEST_F(Bearer, OpenStartStopCloseThousandTimesLeavesNothingBehind)
{
    Boot();
    in_task([&] {
        for (int i = 0; i < 1000; i++) {
            ASSERT_EQ(0, wip_bearerOpen(&br, "GPRS", handler, nullptr));
            ASSERT_EQ(WIP_BERR_OK_INPROGRESS, wip_bearerStart(br));
            ASSERT_EQ(WIP_BERR_OK_INPROGRESS, wip_bearerStop(br));
            ASSERT_EQ(0, wip_bearerClose(br));
        }
    });
    for (int i = 0; i < 1000; i++) {
        OpenAndStart("ETHER");
        oat_shim_settle();
        in_task([&] {
            ASSERT_EQ(WIP_BERR_OK_INPROGRESS, wip_bearerStop(br));
            ASSERT_EQ(0, wip_bearerClose(br));
        });
    }
    oat_shim_advance_ms(10000);
    EXPECT_EQ(1000u, g_events.size());   // one IP_CONNECTED per ETHER round, nothing else
    EXPECT_FALSE(ip_up());
    in_task([&] { EXPECT_EQ(0, wip_bearerOpen(&br, "GPRS", handler, nullptr)); });
}

TEST(BearerSpec, CheckAcceptsTheDocumentedKeysAndRejectsTheRest)
{
    char err[256] = "";
    EXPECT_EQ(0, oat_bearer_config_check("", err, sizeof err));
    EXPECT_EQ(0, oat_bearer_config_check("delay=2s,apn=internet,login=u,password=p,"
                                         "fail=GPRS_FAILED,drop=30s,dns1=1.1.1.1", err, sizeof err));
    EXPECT_EQ(-1, oat_bearer_config_check("delay=soon", err, sizeof err));
    EXPECT_NE(nullptr, strstr(err, "delay='soon' is not a duration"));
    EXPECT_EQ(-1, oat_bearer_config_check("fail=BAD_HDL", err, sizeof err));
    EXPECT_EQ(-1, oat_bearer_config_check("colour=blue", err, sizeof err));
    EXPECT_NE(nullptr, strstr(err, "unknown key 'colour'"));
    EXPECT_EQ(-1, oat_bearer_config_check("apn", err, sizeof err));
    oat_bearer_cfg c;
    ASSERT_EQ(0, oat_bearer_config_parse("fail=ppp-auth-failed", &c, err, sizeof err));
    EXPECT_EQ(WIP_BERR_PPP_AUTH_FAILED, c.fail);
    EXPECT_EQ(-1, c.delay_us);
    EXPECT_EQ(-1, c.drop_us);
}

}  // namespace
