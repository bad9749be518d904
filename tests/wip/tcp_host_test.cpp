// tcp_host_test.cpp: TCP channels to the host network through real sockets: peers run by
// the test on 127.0.0.1 and reached through the host map (127.0.0.1 inside the application
// is the module itself), every connect failure mapped to its WIP_CERR_*, flow control
// without loss, exposed servers, and the bearer the host network needs.
#include "host_peer.h"
#include "wip_fixture.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>

namespace {

class TcpHost : public WipTest {
protected:
    char cli_ctx = 'c', srv_ctx = 's';
    wip_channel_t client = nullptr;

    void SetUp() override {}
    // Boot with peer.test mapped to the host port, and the bearer up.
    void boot_to(int host_port, std::vector<std::string> more = {})
    {
        more.push_back("--host-map=peer.test=127.0.0.1:" + std::to_string(host_port));
        boot(more);
        start_bearer();
    }
    void connect(u16 port = 7)
    {
        task([&] { client = wip_TCPClientCreate("peer.test", port, handler, &cli_ctx); });
        ASSERT_NE(nullptr, client);
    }
    bool has(int kind, wip_channel_t ch)
    {
        return wait_until([&] { return count(kind, ch) > 0; });
    }
};

TEST_F(TcpHost, EchoThroughAHostMappedNameOpenThenWriteThenRead)
{
    HostPeer peer(HostPeer::Echo);
    boot_to(peer.port());
    connect();
    ASSERT_TRUE(has(WIP_CEV_WRITE, client));
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN, WIP_CEV_WRITE }), kinds(client));
    task([&] { EXPECT_EQ(5, wip_write(client, "hello", 5)); });
    ASSERT_TRUE(has(WIP_CEV_READ, client));
    std::string got;
    task([&] { got = drain(client); });
    EXPECT_EQ("hello", got);
    EXPECT_NE(std::string::npos, traces().find("host map: peer.test:7"));
}

TEST_F(TcpHost, WithoutABearerTheHostNetworkIsUnreachable)
{
    boot({ "--host-map=peer.test=127.0.0.1:9" });
    connect();
    ASSERT_TRUE(has(WIP_CEV_ERROR, client));
    EXPECT_EQ(WIP_CERR_NETWORK_UNREACHABLE, last(WIP_CEV_ERROR, client)->err);
    EXPECT_NE(std::string::npos, traces().find("no bearer is up"));
}

TEST_F(TcpHost, NothingListeningOnTheHostGivesRefused)
{
    int port;
    {
        HostPeer gone(HostPeer::Echo);
        port = gone.port();
    }
    boot_to(port);
    connect();
    ASSERT_TRUE(has(WIP_CEV_ERROR, client));
    EXPECT_EQ(WIP_CERR_REFUSED, last(WIP_CEV_ERROR, client)->err);
    EXPECT_EQ(WIP_CSTATE_TO_CLOSE, wip_getState(client));
}

TEST_F(TcpHost, AnUnknownNameGivesDnsFailure)
{
    boot({});
    start_bearer();
    task([&] { client = wip_TCPClientCreate("no-such-host.invalid", 80, handler, &cli_ctx); });
    ASSERT_TRUE(has(WIP_CEV_ERROR, client));
    EXPECT_EQ(WIP_CERR_DNS_FAILURE, last(WIP_CEV_ERROR, client)->err);
}

TEST_F(TcpHost, AConnectNobodyAnswersGivesTimeout)
{
    // A listener that never accepts, its one backlog slot taken: later SYNs go unanswered.
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(lfd, (sockaddr *)&a, sizeof a);
    listen(lfd, 0);
    socklen_t len = sizeof a;
    getsockname(lfd, (sockaddr *)&a, &len);
    int filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_EQ(0, ::connect(filler, (sockaddr *)&a, sizeof a));
    boot_to(ntohs(a.sin_port), { "--connect-timeout=300ms" });
    connect();
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_ERROR, client) > 0; }, 10000));
    EXPECT_EQ(WIP_CERR_TIMEOUT, last(WIP_CEV_ERROR, client)->err);
    close(filler);
    close(lfd);
}

TEST_F(TcpHost, AResetByThePeerGivesPipeBroken)
{
    HostPeer peer(HostPeer::Reset);
    boot_to(peer.port());
    connect();
    ASSERT_TRUE(has(WIP_CEV_ERROR, client));
    EXPECT_EQ(WIP_CERR_PIPE_BROKEN, last(WIP_CEV_ERROR, client)->err);
    int wr = 0;
    task([&] { wr = wip_write(client, "x", 1); });
    EXPECT_EQ(WIP_CERR_CSTATE, wr);
}

TEST_F(TcpHost, BytesSentJustBeforeAResetAreReadBeforeTheError)
{
    // A server's last reply then a reset (it closed with unread input): the reply is read.
    HostPeer peer(HostPeer::Reset, "550 last words\r\n");
    boot_to(peer.port());
    std::string got;
    on_event = [&](wip_event_t *ev, void *) {
        if (ev->kind == WIP_CEV_READ)
            got += drain(ev->channel);
    };
    connect();
    ASSERT_TRUE(has(WIP_CEV_ERROR, client)) << traces();
    EXPECT_EQ("550 last words\r\n", got) << traces();
    EXPECT_EQ(WIP_CERR_PIPE_BROKEN, last(WIP_CEV_ERROR, client)->err);
    auto k = kinds(client);
    auto read_at = std::find(k.begin(), k.end(), WIP_CEV_READ);
    ASSERT_NE(k.end(), read_at);
    EXPECT_LT(read_at - k.begin(), std::find(k.begin(), k.end(), WIP_CEV_ERROR) - k.begin());
}

// A write once the connection broke behind unread bytes is refused as on a module loopback
// channel whose peer aborted: WIP_CERR_CSTATE, and the channel fails with the break's code
// (docs/decisions.md, "A write after the connection broke"). The break is a scripted reset
// after 4 received bytes over gprs, where those bytes wait in the receive buffer when it hits.
TEST_F(TcpHost, AWriteAfterTheConnectionBrokeGetsCstateAndTheError)
{
    HostPeer peer(HostPeer::Silent, "550 last words\r\n");
    boot_to(peer.port(), { "--link=gprs", "--fault=peer.test:7:reset-after-recv=4" });
    connect();
    for (int i = 0; i < 200 && count(WIP_CEV_READ, client) == 0; i++)
        if (!wait_until([&] { return count(WIP_CEV_READ, client) > 0; }, 20))
            oatemu_advance_ms(50);
    ASSERT_EQ(1, count(WIP_CEV_READ, client)) << traces();
    EXPECT_EQ(0, count(WIP_CEV_ERROR, client)) << "the 4 bytes are still there to be read";
    int wr = 0;
    task([&] { wr = wip_write(client, "QUIT\r\n", 6); });
    EXPECT_EQ(WIP_CERR_CSTATE, wr);
    ASSERT_TRUE(has(WIP_CEV_ERROR, client)) << traces();
    EXPECT_EQ(WIP_CERR_PIPE_BROKEN, last(WIP_CEV_ERROR, client)->err);
    task([&] { wr = wip_write(client, "QUIT\r\n", 6); });
    EXPECT_EQ(WIP_CERR_CSTATE, wr);
}

// Virtual time waits for host traffic, but it follows host time while it waits: a peer that
// sends a line every 5 ms (for 20 s) cannot hold the emulated clock at one instant, so a
// second of emulated time passes in about a second of host time, not in 20.
TEST_F(TcpHost, ATricklingPeerDoesNotHoldTheClockBehindHostTime)
{
    HostPeer peer(HostPeer::Trickle, "250-still talking\r\n");
    boot_to(peer.port());
    size_t got = 0;
    on_event = [&](wip_event_t *ev, void *) {
        if (ev->kind == WIP_CEV_READ)
            got += drain(ev->channel).size();
    };
    connect();
    ASSERT_TRUE(has(WIP_CEV_READ, client)) << traces();
    long long t0 = oat_shim_now_ms();
    auto host0 = std::chrono::steady_clock::now();
    oat_shim_advance_ms(1000);
    long long host_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - host0).count();
    EXPECT_GE(oat_shim_now_ms(), t0 + 1000);
    EXPECT_LT(host_ms, 5000) << "the emulated clock stood still while the peer trickled";
    // The peer goes on trickling: the handler lets go of got in its own task, then it is read.
    task([&] { on_event = nullptr; });
    EXPECT_GT(got, 50u * 19) << "the peer trickled during the second";
}

TEST_F(TcpHost, PeerCloseLeavesTheLastBytesReadable)
{
    HostPeer peer(HostPeer::SendThenClose, "bye");
    boot_to(peer.port());
    connect();
    ASSERT_TRUE(has(WIP_CEV_PEER_CLOSE, client));
    EXPECT_EQ(WIP_CSTATE_TO_CLOSE, wip_getState(client));
    std::string got;
    task([&] { got = drain(client); });
    EXPECT_EQ("bye", got);
    auto k = kinds(client);
    EXPECT_EQ(WIP_CEV_READ, k[k.size() - 2]) << "READ comes before PEER_CLOSE";
}

TEST_F(TcpHost, APeerThatDoesNotReadThrottlesWithoutLoss)
{
    HostPeer peer(HostPeer::Silent);
    boot_to(peer.port());
    connect();
    ASSERT_TRUE(has(WIP_CEV_WRITE, client));
    // More than the host kernel holds for a peer that does not read: its 64 KB receive
    // buffer plus our socket's send buffer (autotuned up to tcp_wmem's maximum, 4 MB).
    const size_t total = 16u << 20;
    std::vector<char> data(total);
    std::mt19937 rng(7);
    for (auto &b : data)
        b = (char)rng();
    size_t off = 0;
    bool short_seen = false;
    auto pump = [&] {
        while (off < total) {
            int n = wip_write(client, data.data() + off, (u32)std::min<size_t>(16384, total - off));
            ASSERT_GE(n, 0);
            off += (size_t)n;
            if (n == 0) {
                short_seen = true;
                return;
            }
        }
        wip_close(client);
    };
    on_event = [&](wip_event_t *ev, void *) {
        if (ev->kind == WIP_CEV_WRITE && off < total)
            pump();
    };
    task(pump);
    ASSERT_TRUE(short_seen) << "a peer that does not read must make writes come up short";
    EXPECT_LT(off, total);
    peer.start_reading();
    ASSERT_TRUE(wait_until([&] { return peer.received_size() == total; }, 20000));
    EXPECT_TRUE(peer.received() == std::string(data.begin(), data.end()));
}

TEST_F(TcpHost, AnExposedServerIsReachableFromTheHost)
{
    int host_port;
    {
        HostPeer probe(HostPeer::Echo);   // a port that was free a moment ago
        host_port = probe.port();
    }
    boot({ "--expose=2000:" + std::to_string(host_port) });
    wip_channel_t server = nullptr;
    task([&] { server = wip_TCPServerCreate(2000, handler, &srv_ctx); });
    ASSERT_NE(nullptr, server);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons((u16)host_port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(0, ::connect(fd, (sockaddr *)&a, sizeof a));
    ASSERT_EQ(4, send(fd, "ping", 4, 0));
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_READ) > 0; }));
    wip_channel_t spawned = last(WIP_CEV_READ)->ch;
    EXPECT_EQ(WIP_CEV_OPEN, kinds(spawned).front());
    EXPECT_EQ(&srv_ctx, last(WIP_CEV_READ)->ctx);
    std::string got;
    task([&] {
        got = drain(spawned);
        wip_write(spawned, "pong", 4);
    });
    EXPECT_EQ("ping", got);
    char buf[8] = {};
    ASSERT_EQ(4, recv(fd, buf, sizeof buf, 0));
    EXPECT_STREQ("pong", buf);
    close(fd);
}

TEST_F(TcpHost, AnIpv6PeerIsReachedThroughTheHostMap)
{
    int lfd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    if (lfd < 0 || bind(lfd, (sockaddr *)&a, sizeof a) != 0 || listen(lfd, 4) != 0) {
        if (lfd >= 0)
            close(lfd);
        GTEST_SKIP() << "no IPv6 loopback on this host";
    }
    socklen_t len = sizeof a;
    getsockname(lfd, (sockaddr *)&a, &len);
    boot({ "--host-map=v6.test:7=::1:" + std::to_string(ntohs(a.sin6_port)) });
    start_bearer();
    task([&] { client = wip_TCPClientCreate("v6.test", 7, handler, &cli_ctx); });
    int fd = accept(lfd, nullptr, nullptr);
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(has(WIP_CEV_WRITE, client));
    char addr[64] = "";
    task([&] {
        EXPECT_EQ(4, wip_write(client, "ping", 4));
        EXPECT_EQ(0, wip_getOpts(client, WIP_COPT_PEER_STRADDR, addr, (u16)sizeof addr,
                                 WIP_COPT_END));
    });
    EXPECT_STREQ("::1", addr);
    char buf[8] = {};
    ASSERT_EQ(4, recv(fd, buf, sizeof buf, 0));
    EXPECT_STREQ("ping", buf);
    close(fd);
    close(lfd);
}

TEST_F(TcpHost, ABearerDropErrorsHostChannelsOnly)
{
    HostPeer peer(HostPeer::Echo);
    boot_to(peer.port(), { "--bearer=drop=5s" });
    connect();
    ASSERT_TRUE(has(WIP_CEV_WRITE, client));
    wip_channel_t loop_client = nullptr;
    task([&] {
        wip_TCPServerCreate(3000, handler, &srv_ctx);
        loop_client = wip_TCPClientCreate("127.0.0.1", 3000, handler, &cli_ctx);
    });
    oat_shim_advance_ms(6000);
    ASSERT_EQ(1, count(WIP_CEV_ERROR, client));
    EXPECT_EQ(WIP_CERR_NETWORK_UNREACHABLE, last(WIP_CEV_ERROR, client)->err);
    EXPECT_EQ(0, count(WIP_CEV_ERROR, loop_client)) << "module loopback needs no bearer";
    EXPECT_NE(bearer_events.end(),
              std::find(bearer_events.begin(), bearer_events.end(), WIP_BEV_IP_DISCONNECTED));
}

}  // namespace
