// gprs_test.cpp: the ADL GPRS service: setup, activation after the --bearer delay and its
// failures, drops, deactivation, CID information, rejected calls, the attach event, AT+CGACT,
// and the one context model it shares with WIP's GPRS bearer.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "shim.h"
#include "wip.h"
extern "C" {
#include "core/clock.h"
}

namespace {

struct GprsEv {
    u16 event;
    u8 cid;
    long long at_ms;
};

std::vector<GprsEv> g_ev;
std::vector<s8> g_bev;

void entry() {}
const adl_InitTasks_t kTasks[] = { { entry, 8192, "main", 1 }, { nullptr, 0, nullptr, 0 } };

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

s8 on_gprs(u16 event, u8 cid)
{
    g_ev.push_back({ event, cid, oat_shim_now_ms() });
    return ADL_GPRS_NO_FORWARD;
}

s8 never_subscribed(u16, u8)
{
    return ADL_GPRS_FORWARD;
}

void on_bearer(wip_bearer_t, s8 event, void *)
{
    g_bev.push_back(event);
}

std::string take(char *p)
{
    std::string s = p ? p : "";
    oat_shim_free(p);
    return s;
}

adl_gprsSetupParams_t params(const char *apn)
{
    adl_gprsSetupParams_t p{};
    p.APN = const_cast<ascii *>(apn);
    return p;
}

std::vector<u16> events()
{
    std::vector<u16> v;
    for (const auto &e : g_ev)
        v.push_back(e.event);
    return v;
}

class Gprs : public ::testing::Test {
protected:
    void boot(std::vector<const char *> flags = {})
    {
        g_ev.clear();
        g_bev.clear();
        flags.push_back(nullptr);
        ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, flags.data()));
        in_task([] { EXPECT_EQ(OK, adl_gprsSubscribe(on_gprs)); });
        oat_shim_advance_ms(3000);   // SIM ready, registered
        take(oat_shim_traces());
    }
    void TearDown() override { oat_shim_stop(); }
};

TEST_F(Gprs, GprsAttachAfterRegistrationGivesMeAttach)
{
    boot();
    EXPECT_EQ((std::vector<u16>{ ADL_GPRS_EVENT_ME_ATTACH }), events());
}

TEST_F(Gprs, GprsSetupThenActGivesSetupOkThenActivateOkAfterTheBearerDelay)
{
    boot({ "--bearer=delay=2s" });
    g_ev.clear();
    long long t0 = oat_shim_now_ms();
    in_task([] {
        EXPECT_EQ(OK, adl_gprsSetup(1, params("internet")));
        EXPECT_TRUE(g_ev.empty()) << "no event inside the call";
    });
    ASSERT_EQ(1u, g_ev.size());
    EXPECT_EQ(ADL_GPRS_EVENT_SETUP_OK, g_ev[0].event);
    EXPECT_EQ(1, g_ev[0].cid);
    in_task([] { EXPECT_EQ(OK, adl_gprsActExt(1, ADL_PORT_UART1)); });
    oat_shim_advance_ms(1999);
    EXPECT_EQ(1u, g_ev.size());
    oat_shim_advance_ms(1);
    ASSERT_EQ(2u, g_ev.size());
    EXPECT_EQ(ADL_GPRS_EVENT_ACTIVATE_OK, g_ev[1].event);
    EXPECT_EQ(t0 + 2000, g_ev[1].at_ms);
    adl_gprsInfosCid_t info{};
    in_task([&] { EXPECT_EQ(OK, adl_gprsGetCidInformations(1, &info)); });
    EXPECT_EQ(0x0A400002u, info.LocalIP);   // 10.64.0.2
    EXPECT_EQ(0x0A400001u, info.Gateway);
    EXPECT_EQ(0x08080808u, info.DNS1);
    EXPECT_EQ(0x08080404u, info.DNS2);
}

TEST_F(Gprs, GprsActivationFailsAsTheBearerSpecSays)
{
    boot({ "--bearer=apn=right" });
    g_ev.clear();
    in_task([] {
        adl_gprsSetup(1, params("wrong"));
        adl_gprsAct(1);
    });
    oat_shim_advance_ms(1000);
    EXPECT_EQ((std::vector<u16>{ ADL_GPRS_EVENT_SETUP_OK, ADL_GPRS_EVENT_ACTIVATE_KO }), events());
    oat_shim_stop();
    boot({ "--bearer=fail=no_carrier" });
    g_ev.clear();
    in_task([] {
        adl_gprsSetup(2, params("any"));
        adl_gprsAct(2);
    });
    oat_shim_advance_ms(1000);
    EXPECT_EQ((std::vector<u16>{ ADL_GPRS_EVENT_SETUP_OK, ADL_GPRS_EVENT_ACTIVATE_KO }), events());
}

TEST_F(Gprs, GprsDropAfterActivationIsNwContextDeact)
{
    boot({ "--bearer=drop=5s" });
    g_ev.clear();
    in_task([] {
        adl_gprsSetup(1, params("internet"));
        adl_gprsAct(1);
    });
    oat_shim_advance_ms(6000);
    EXPECT_EQ((std::vector<u16>{ ADL_GPRS_EVENT_SETUP_OK, ADL_GPRS_EVENT_ACTIVATE_OK,
                                 ADL_GPRS_EVENT_NW_CONTEXT_DEACT }), events());
}

TEST_F(Gprs, GprsDeactGivesDeactivateOkAndTheContextCanBeActivatedAgain)
{
    boot();
    g_ev.clear();
    in_task([] {
        adl_gprsSetup(1, params("internet"));
        adl_gprsAct(1);
    });
    oat_shim_advance_ms(1000);
    in_task([] { EXPECT_EQ(OK, adl_gprsDeactExt(1, ADL_PORT_UART1)); });
    in_task([] { EXPECT_EQ(OK, adl_gprsAct(1)); });
    oat_shim_advance_ms(1000);
    EXPECT_EQ((std::vector<u16>{ ADL_GPRS_EVENT_SETUP_OK, ADL_GPRS_EVENT_ACTIVATE_OK,
                                 ADL_GPRS_EVENT_DEACTIVATE_OK, ADL_GPRS_EVENT_ACTIVATE_OK }),
              events());
}

TEST_F(Gprs, GprsRejectsBadCidUndefinedContextWrongStateAndBadArguments)
{
    boot();
    in_task([] {
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_gprsSetup(0, params("x")));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_gprsSetup(5, params("x")));
        adl_gprsSetupParams_t p = params("x");
        p.FixedIP = const_cast<ascii *>("10.0.0.300");
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_gprsSetup(1, p));
        EXPECT_EQ(ADL_GPRS_CID_NOT_DEFINED, adl_gprsAct(3));
        EXPECT_EQ(ADL_RET_ERR_BAD_STATE, adl_gprsDeact(3));
        adl_gprsInfosCid_t info;
        EXPECT_EQ(ADL_RET_ERR_BAD_STATE, adl_gprsGetCidInformations(3, &info));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_gprsGetCidInformations(1, nullptr));
        EXPECT_EQ(OK, adl_gprsSetup(1, params("x")));
        EXPECT_EQ(OK, adl_gprsAct(1));
        EXPECT_EQ(ADL_RET_ERR_BAD_STATE, adl_gprsAct(1));
        EXPECT_EQ(ADL_RET_ERR_BAD_STATE, adl_gprsSetup(1, params("y")));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_gprsSubscribe(nullptr));
        EXPECT_EQ(ADL_RET_ERR_NOT_SUBSCRIBED, adl_gprsUnsubscribe(never_subscribed));
    });
    std::string t = take(oat_shim_traces());
    EXPECT_NE(std::string::npos, t.find("adl_gprsSetup(0): Cid must be 1..4"));
    EXPECT_NE(std::string::npos, t.find("adl_gprsAct(3): the context is not set up"));
    EXPECT_NE(std::string::npos, t.find("adl_gprsAct(1): the context is already activating"));
}

TEST_F(Gprs, GprsIsAnIpAddressTakesDottedQuadsOnly)
{
    boot();
    in_task([] {
        EXPECT_TRUE(adl_gprsIsAnIPAddress("10.0.0.1"));
        EXPECT_TRUE(adl_gprsIsAnIPAddress("255.255.255.255"));
        EXPECT_FALSE(adl_gprsIsAnIPAddress("10.0.0.300"));
        EXPECT_FALSE(adl_gprsIsAnIPAddress("10.0.0"));
        EXPECT_FALSE(adl_gprsIsAnIPAddress("10.0.0.1.2"));
        EXPECT_FALSE(adl_gprsIsAnIPAddress(""));
        EXPECT_FALSE(adl_gprsIsAnIPAddress(nullptr));
    });
}

TEST_F(Gprs, GprsActBeforeTheSimIsReadyIsPinKo)
{
    g_ev.clear();
    const char *flags[] = { "--sim-pin=1234", nullptr };
    ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, flags));
    in_task([] {
        adl_gprsSetup(1, params("x"));
        EXPECT_EQ(ADL_RET_ERR_PIN_KO, adl_gprsAct(1));
    });
}

TEST_F(Gprs, GprsUnsubscribedHandlerGetsNoMoreEvents)
{
    boot();
    g_ev.clear();
    in_task([] {
        adl_gprsSetup(1, params("x"));
        EXPECT_EQ(OK, adl_gprsUnsubscribe(on_gprs));
    });
    EXPECT_TRUE(g_ev.empty());
}

TEST_F(Gprs, CgactActivatesTheContextTheAdlServiceSees)
{
    boot();
    g_ev.clear();
    EXPECT_EQ("\r\nOK\r\n", take(oat_shim_at("AT+CGDCONT=1,\"IP\",\"internet\"")));
    EXPECT_EQ("", take(oat_shim_at("AT+CGACT=1,1")));
    oat_shim_advance_ms(1000);
    EXPECT_EQ("\r\nOK\r\n", take(oat_shim_output()));
    EXPECT_EQ("\r\n+CGACT: 1,1\r\n\r\nOK\r\n", take(oat_shim_at("AT+CGACT?")));
    EXPECT_EQ("\r\n+CGDCONT: 1,\"IP\",\"internet\",\"10.64.0.2\",0,0\r\n\r\nOK\r\n",
              take(oat_shim_at("AT+CGDCONT?")));
    EXPECT_EQ("\r\nOK\r\n", take(oat_shim_at("AT+CGACT=0,1")));
    EXPECT_EQ((std::vector<u16>{ ADL_GPRS_EVENT_ACTIVATE_OK_FROM_EXT,
                                 ADL_GPRS_EVENT_DEACTIVATE_OK_FROM_EXT }), events());
    EXPECT_EQ("\r\n+CGATT: 1\r\n\r\nOK\r\n", take(oat_shim_at("AT+CGATT?")));
    EXPECT_EQ("\r\nOK\r\n", take(oat_shim_at("AT+CGATT=0")));
    EXPECT_EQ("\r\n+CGATT: 0\r\n\r\nOK\r\n", take(oat_shim_at("AT+CGATT?")));
}

TEST_F(Gprs, WipGprsBearerActivatesTheAdlContextAndAdlDeactivationDropsIt)
{
    boot();
    g_ev.clear();
    wip_bearer_t br = nullptr;
    in_task([&] {
        ASSERT_EQ(0, wip_netInit());
        ASSERT_EQ(0, wip_bearerOpen(&br, "GPRS", on_bearer, nullptr));
        wip_bearerSetOpts(br, WIP_BOPT_GPRS_APN, "internet", WIP_BOPT_END);
        EXPECT_EQ(WIP_BERR_OK_INPROGRESS, wip_bearerStart(br));
    });
    oat_shim_advance_ms(1000);
    EXPECT_EQ((std::vector<s8>{ WIP_BEV_IP_CONNECTED }), g_bev);
    EXPECT_EQ((std::vector<u16>{ ADL_GPRS_EVENT_ACTIVATE_OK }), events());
    adl_gprsInfosCid_t info{};
    in_task([&] {
        EXPECT_EQ(OK, adl_gprsGetCidInformations(1, &info));
        EXPECT_EQ(ADL_RET_ERR_BAD_STATE, adl_gprsAct(1));
        EXPECT_EQ(OK, adl_gprsDeact(1));
    });
    oat_shim_advance_ms(10);
    EXPECT_EQ(0x0A400002u, info.LocalIP);
    EXPECT_EQ((std::vector<s8>{ WIP_BEV_IP_CONNECTED, WIP_BEV_IP_DISCONNECTED }), g_bev);
    in_task([&] {
        wip_bearerClose(br);
        wip_netExit();
    });
}

TEST_F(Gprs, AdlActivatedContextIsTheOneWipsGprsBearerUses)
{
    boot({ "--bearer=delay=3s" });
    g_ev.clear();
    in_task([] {
        adl_gprsSetup(1, params("internet"));
        adl_gprsAct(1);
    });
    oat_shim_advance_ms(3000);
    wip_bearer_t br = nullptr;
    long long t0 = oat_shim_now_ms();
    in_task([&] {
        ASSERT_EQ(0, wip_netInit());
        ASSERT_EQ(0, wip_bearerOpen(&br, "GPRS", on_bearer, nullptr));
        EXPECT_EQ(WIP_BERR_OK_INPROGRESS, wip_bearerStart(br));
    });
    oat_shim_advance_ms(0);
    EXPECT_EQ((std::vector<s8>{ WIP_BEV_IP_CONNECTED }), g_bev) << "no second activation delay";
    EXPECT_EQ(t0, oat_shim_now_ms());
    in_task([&] { EXPECT_EQ(WIP_BERR_OK_INPROGRESS, wip_bearerStop(br)); });
    EXPECT_EQ((std::vector<u16>{ ADL_GPRS_EVENT_SETUP_OK, ADL_GPRS_EVENT_ACTIVATE_OK,
                                 ADL_GPRS_EVENT_DEACTIVATE_OK }), events());
    in_task([&] {
        wip_bearerClose(br);
        wip_netExit();
    });
}

}  // namespace
