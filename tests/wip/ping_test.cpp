// ping_test.cpp: ping channels in virtual time: the module (127.0.0.1) answering itself at
// the requested intervals, then DONE; options and rejected input; host destinations needing
// a bearer and an ICMP socket (replies from the host's own 127.0.0.1 behind a mapped name,
// timeouts, and the clear error when the host allows no ICMP socket).
#include "wip_fixture.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

struct PingEv {
    bool timeout;
    int idx;
    u32 time;
    long long at_ms;
};

bool host_allows_icmp()
{
    for (int type : { SOCK_DGRAM, SOCK_RAW }) {
        int fd = socket(AF_INET, type, IPPROTO_ICMP);
        if (fd >= 0) {
            close(fd);
            return true;
        }
    }
    return false;
}

class Ping : public WipTest {
protected:
    char ctx = 'p';
    wip_channel_t c = nullptr;
    std::vector<PingEv> pings;
    long long t0 = 0;

    void SetUp() override
    {
        boot();
        watch();
    }
    void watch()
    {
        on_event = [this](wip_event_t *ev, void *) {
            if (ev->kind == WIP_CEV_PING)
                pings.push_back({ ev->content.ping.timeout, ev->content.ping.packet_idx,
                                  ev->content.ping.time, oat_shim_now_ms() - t0 });
            if (ev->kind == WIP_CEV_DONE)
                wip_close(ev->channel);
        };
    }
    long long done_at() const
    {
        const WipEv *e = last(WIP_CEV_DONE, c);
        return e ? e->at_ms - t0 : -1;
    }
};

TEST_F(Ping, ModuleAnswersRepeatThreeAtTheIntervalThenDone)
{
    t0 = oat_shim_now_ms();
    task([&] {
        c = wip_pingCreateOpts("127.0.0.1", handler, &ctx, WIP_COPT_REPEAT, 3, WIP_COPT_INTERVAL,
                               1000, WIP_COPT_END);
    });
    ASSERT_NE(nullptr, c);
    ASSERT_EQ(1u, pings.size());
    oat_shim_advance_ms(999);
    EXPECT_EQ(1u, pings.size());
    oat_shim_advance_ms(1);
    EXPECT_EQ(2u, pings.size());
    EXPECT_EQ(0, count(WIP_CEV_DONE, c));
    oat_shim_advance_ms(1000);
    ASSERT_EQ(3u, pings.size());
    for (int i = 0; i < 3; i++) {
        EXPECT_FALSE(pings[i].timeout);
        EXPECT_EQ(i + 1, pings[i].idx);
        EXPECT_EQ(0u, pings[i].time);
        EXPECT_EQ(1000LL * i, pings[i].at_ms);
    }
    EXPECT_EQ(1, count(WIP_CEV_DONE, c));
    EXPECT_EQ(2000, done_at());
    EXPECT_EQ((std::vector<int>{ WIP_CEV_PING, WIP_CEV_PING, WIP_CEV_PING, WIP_CEV_DONE }),
              kinds(c));
    oat_shim_advance_ms(10000);
    EXPECT_EQ(3u, pings.size());
}

TEST_F(Ping, DefaultsAreOneRequestEveryTwoSecondsWithTwoSecondTimeoutAndSixtyFourBytes)
{
    on_event = nullptr;
    u32 repeat = 0, interval = 0, timeout = 0, size = 0;
    u8 ttl = 0;
    task([&] {
        c = wip_pingCreate("localhost", handler, &ctx);
        EXPECT_EQ(0, wip_getOpts(c, WIP_COPT_REPEAT, &repeat, WIP_COPT_INTERVAL, &interval,
                                 WIP_COPT_TIMEOUT, &timeout, WIP_COPT_NWRITE, &size, WIP_COPT_TTL,
                                 &ttl, WIP_COPT_END));
    });
    EXPECT_EQ(1u, repeat);
    EXPECT_EQ(2000u, interval);
    EXPECT_EQ(2000u, timeout);
    EXPECT_EQ(64u, size);
    EXPECT_EQ(64, ttl);
    EXPECT_EQ((std::vector<int>{ WIP_CEV_PING, WIP_CEV_DONE }), kinds(c));
    task([&] { EXPECT_EQ(0, wip_close(c)); });
}

TEST_F(Ping, CloseStopsTheRemainingRequests)
{
    t0 = oat_shim_now_ms();
    on_event = [this](wip_event_t *ev, void *) {
        if (ev->kind == WIP_CEV_PING) {
            pings.push_back({ ev->content.ping.timeout, ev->content.ping.packet_idx,
                              ev->content.ping.time, oat_shim_now_ms() - t0 });
            if (pings.size() == 2)
                wip_close(ev->channel);
        }
    };
    task([&] {
        c = wip_pingCreateOpts("127.0.0.1", handler, &ctx, WIP_COPT_REPEAT, 5, WIP_COPT_END);
    });
    oat_shim_advance_ms(20000);
    EXPECT_EQ(2u, pings.size());
    EXPECT_EQ(0, count(WIP_CEV_DONE));
}

TEST_F(Ping, BadInputGivesNoChannelOrTheRightCodeWithATrace)
{
    wip_channel_t none = nullptr, zero = nullptr, nohandler = nullptr;
    task([&] {
        none = wip_pingCreate(nullptr, handler, &ctx);
        nohandler = wip_pingCreate("127.0.0.1", nullptr, &ctx);
        zero = wip_pingCreateOpts("127.0.0.1", handler, &ctx, WIP_COPT_REPEAT, 0, WIP_COPT_END);
        c = wip_pingCreateOpts("127.0.0.1", handler, &ctx, WIP_COPT_REPEAT, 2, WIP_COPT_END);
        char buf[4];
        EXPECT_EQ(WIP_CERR_NOT_SUPPORTED, wip_read(c, buf, sizeof buf));
        EXPECT_EQ(WIP_CERR_NOT_SUPPORTED, wip_write(c, "x", 1));
        EXPECT_EQ(WIP_CERR_OUT_OF_RANGE, wip_setOpts(c, WIP_COPT_TTL, 0, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_OUT_OF_RANGE, wip_setOpts(c, WIP_COPT_INTERVAL, 0, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_NOT_SUPPORTED, wip_setOpts(c, WIP_COPT_NODELAY, TRUE, WIP_COPT_END));
    });
    EXPECT_EQ(nullptr, none);
    EXPECT_EQ(nullptr, nohandler);
    EXPECT_EQ(nullptr, zero);
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("wip_pingCreate: no host to ping (WIP_CERR_INVALID)"));
    EXPECT_NE(std::string::npos, t.find("wip_pingCreate: NULL event handler (WIP_CERR_INVALID)"));
    EXPECT_NE(std::string::npos, t.find("set WIP_COPT_REPEAT: value out of range (WIP_CERR_OUT_OF_RANGE)"));
    EXPECT_NE(std::string::npos, t.find("wip_read: ping cannot be read (WIP_CERR_NOT_SUPPORTED)"));
    EXPECT_NE(std::string::npos, t.find("set WIP_COPT_TTL: value out of range"));
}

class PingHost : public Ping {
protected:
    void SetUp() override {}
    void boot_with(std::vector<std::string> flags, bool bearer = true)
    {
        boot(flags);
        watch();
        if (bearer)
            start_bearer();
    }
};

TEST_F(PingHost, WithoutABearerTheHostNetworkIsUnreachable)
{
    boot_with({}, false);
    task([&] { c = wip_pingCreate("192.0.2.1", handler, &ctx); });
    ASSERT_NE(nullptr, c);
    ASSERT_EQ(1, count(WIP_CEV_ERROR, c));
    EXPECT_EQ(WIP_CERR_NETWORK_UNREACHABLE, last(WIP_CEV_ERROR, c)->err);
    EXPECT_TRUE(pings.empty());
    EXPECT_NE(std::string::npos, traces().find("no bearer is up (WIP_CERR_NETWORK_UNREACHABLE)"));
}

TEST_F(PingHost, HostPeerBehindAMappedNameAnswersEachRequest)
{
    if (!host_allows_icmp())
        GTEST_SKIP() << "this host allows no ICMP socket (see NoIcmpSocketGivesAClearError)";
    // The port of a host-map entry means nothing to ICMP: any valid one does.
    boot_with({ "--host-map=pinghost.test=127.0.0.1:7" });
    t0 = oat_shim_now_ms();
    task([&] {
        c = wip_pingCreateOpts("pinghost.test", handler, &ctx, WIP_COPT_REPEAT, 2,
                               WIP_COPT_INTERVAL, 500, WIP_COPT_NWRITE, 32, WIP_COPT_END);
    });
    ASSERT_TRUE(wait_until([&] { return pings.size() == 1; }));
    oat_shim_advance_ms(500);
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_DONE, c) == 1; }));
    ASSERT_EQ(2u, pings.size());
    for (int i = 0; i < 2; i++) {
        EXPECT_FALSE(pings[i].timeout);
        EXPECT_EQ(i + 1, pings[i].idx);
        EXPECT_EQ(500LL * i, pings[i].at_ms);   // the virtual clock waited for the host
    }
}

TEST_F(PingHost, UnansweredRequestsTimeOutAtTheTimeoutThenDone)
{
    if (!host_allows_icmp())
        GTEST_SKIP() << "this host allows no ICMP socket";
    // TTL 1 towards an address beyond the first hop: no echo reply can come back (a router
    // answers Time Exceeded at most, which is not a reply; no route at all also times out).
    boot_with({ "--host-map=silent.test=198.51.100.7:7" });
    t0 = oat_shim_now_ms();
    task([&] {
        c = wip_pingCreateOpts("silent.test", handler, &ctx, WIP_COPT_REPEAT, 2, WIP_COPT_INTERVAL,
                               100, WIP_COPT_TIMEOUT, 300, WIP_COPT_TTL, 1, WIP_COPT_END);
    });
    oat_shim_advance_ms(299);
    EXPECT_TRUE(pings.empty());
    oat_shim_advance_ms(1);
    ASSERT_EQ(1u, pings.size());
    oat_shim_advance_ms(300);
    ASSERT_EQ(2u, pings.size());
    for (int i = 0; i < 2; i++) {
        EXPECT_TRUE(pings[i].timeout);
        EXPECT_EQ(i + 1, pings[i].idx);
        EXPECT_EQ(300u, pings[i].time);
        EXPECT_EQ(300LL * (i + 1), pings[i].at_ms);   // the next request leaves at the timeout
    }
    EXPECT_EQ(600, done_at());
}

TEST_F(PingHost, NoIcmpSocketGivesAClearError)
{
    if (host_allows_icmp())
        GTEST_SKIP() << "this host allows ICMP sockets (ping_group_range or root)";
    boot_with({});
    task([&] { c = wip_pingCreate("192.0.2.1", handler, &ctx); });
    ASSERT_EQ(1, count(WIP_CEV_ERROR, c));
    EXPECT_EQ(WIP_CERR_NOT_SUPPORTED, last(WIP_CEV_ERROR, c)->err);
    EXPECT_NE(std::string::npos,
              traces().find("unprivileged ICMP is disabled: sysctl net.ipv4.ping_group_range"));
}

} // namespace
