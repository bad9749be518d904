// link_test.cpp: the link model (--link, oatemu_set_link) in virtual time against a real echo
// peer: under gprs a stream costs its bytes over the up rate plus one round trip and each
// request-response exchange costs the RTT, all in emulated time; under lan (the default) the
// same stream costs no emulated time; bad specs are refused.
#include "host_peer.h"
#include "wip_fixture.h"

#include "oatemu/testing.h"

#include <algorithm>
#include <random>

namespace {

// The gprs profile's figures (emu/wip/link_config.c, docs/decisions.md).
constexpr double kUpBps = 40000, kDownBps = 80000, kRttS = 0.6;
constexpr double kMss = 1460;

class Link : public WipTest {
protected:
    char ctx = 'c';
    wip_channel_t client = nullptr;
    void SetUp() override {}
    void boot_to(int host_port, const std::string &link)
    {
        boot({ "--host-map=peer.test=127.0.0.1:" + std::to_string(host_port), "--link=" + link });
        start_bearer();
    }
    // Let emulated time run in small steps until cond holds (at most limit_ms of it).
    bool run_until(std::function<bool()> cond, long long limit_ms = 60000)
    {
        for (long long t = 0; t < limit_ms; t += 50) {
            if (wait_until(cond, 20))
                return true;
            oat_shim_advance_ms(50);
        }
        return wait_until(cond, 20);
    }
    // Stream n bytes to the echo peer paced by WRITE events; the emulated seconds from the
    // first write to the last echoed byte.
    double echo_stream(size_t n)
    {
        std::vector<char> data(n);
        std::mt19937 rng(3);
        for (auto &b : data)
            b = (char)rng();
        size_t off = 0;
        long long started = -1, ended = -1;
        std::string echoed;
        on_event = [&](wip_event_t *ev, void *) {
            if (ev->kind == WIP_CEV_WRITE) {
                if (started < 0)
                    started = oat_shim_now_ms();
                while (off < n) {
                    int k = wip_write(ev->channel, data.data() + off, (u32)std::min<size_t>(1000, n - off));
                    if (k <= 0)
                        break;
                    off += (size_t)k;
                }
            } else if (ev->kind == WIP_CEV_READ) {
                echoed += drain(ev->channel);
                if (echoed.size() >= n && ended < 0)
                    ended = oat_shim_now_ms();
            }
        };
        task([&] { client = wip_TCPClientCreate("peer.test", 7, handler, &ctx); });
        EXPECT_TRUE(run_until([&] { return ended >= 0; })) << "echoed " << echoed.size();
        EXPECT_TRUE(echoed == std::string(data.begin(), data.end()));
        task([&] { on_event = nullptr; });     // the handler runs in the task: no race with it
        return (double)(ended - started) / 1000.0;
    }
};

TEST_F(Link, UnderGprsAStreamCostsItsBytesOverTheUpRatePlusOneRoundTrip)
{
    HostPeer peer(HostPeer::Echo);
    boot_to(peer.port(), "gprs");
    const size_t n = 20000;
    double took = echo_stream(n);
    // The last byte leaves at n / up rate, reaches the peer RTT/2 later, and its echo comes
    // back RTT/2 later at the down rate (the last segment's air time).
    double predicted = n * 8 / kUpBps + kRttS + kMss * 8 / kDownBps;
    std::printf("[   INFO   ] 20 KB echoed over gprs in %.3f s of emulated time (model %.3f s)\n",
                took, predicted);
    EXPECT_NEAR(predicted, took, predicted * 0.10);
}

TEST_F(Link, UnderGprsEachRequestAndAnswerCostsTheRoundTrip)
{
    HostPeer peer(HostPeer::Echo);
    boot_to(peer.port(), "gprs");
    const int exchanges = 10;
    const std::string request(100, 'q');
    int answered = 0;
    std::string got;
    long long started = -1, ended = -1;
    on_event = [&](wip_event_t *ev, void *) {
        if (ev->kind == WIP_CEV_WRITE && started < 0) {
            started = oat_shim_now_ms();
            wip_write(ev->channel, request.data(), (u32)request.size());
        } else if (ev->kind == WIP_CEV_READ) {
            got += drain(ev->channel);
            while (got.size() >= request.size()) {
                got.erase(0, request.size());
                if (++answered == exchanges)
                    ended = oat_shim_now_ms();
                else
                    wip_write(ev->channel, request.data(), (u32)request.size());
            }
        }
    };
    task([&] { client = wip_TCPClientCreate("peer.test", 7, handler, &ctx); });
    ASSERT_TRUE(run_until([&] { return ended >= 0; })) << answered << " answers";
    double took = (double)(ended - started) / 1000.0;
    double predicted =
        exchanges * (kRttS + request.size() * 8 / kUpBps + request.size() * 8 / kDownBps);
    std::printf("[   INFO   ] %d exchanges over gprs in %.3f s of emulated time (model %.3f s)\n",
                exchanges, took, predicted);
    EXPECT_NEAR(predicted, took, predicted * 0.10);
}

TEST_F(Link, UnderLanTheSameStreamCostsNoEmulatedTime)
{
    HostPeer peer(HostPeer::Echo);
    boot_to(peer.port(), "lan");
    EXPECT_LT(echo_stream(20000), 0.05);
}

TEST_F(Link, TheTestKitChangesTheLinkAndRefusesABadSpec)
{
    boot();
    EXPECT_EQ(0, oatemu_set_link("rate=40k/80k,rtt=600ms,jitter=50ms"));
    EXPECT_EQ(0, oatemu_set_link("gprs,rtt=1s"));
    EXPECT_EQ(-1, oatemu_set_link("gprs,rate=40k"));
    EXPECT_EQ(-1, oatemu_set_link("dialup"));
    EXPECT_EQ(-1, oatemu_set_link("rtt=600ms"));
    EXPECT_NE(std::string::npos, traces().find("oatemu_set_link: --link: rate='40k'"));
    EXPECT_EQ(0, oatemu_set_link("lan"));
}

} // namespace
