// udp_test.cpp: UDP channels: module loopback datagrams between module ports (sender from
// wip_readOpts, one read = one datagram, truncation, edge-triggered READ, bounded queue),
// explicit peers, rejected input, and a host echo peer run by the test behind a mapped name
// (127.0.0.1 inside the application is the module itself) with the bearer it needs.
#include "wip_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

namespace {

// A UDP echo server on the host, 127.0.0.1 on a free port, on its own thread.
class UdpEcho {
public:
    UdpEcho()
    {
        fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(fd_, (sockaddr *)&a, sizeof a);
        socklen_t len = sizeof a;
        getsockname(fd_, (sockaddr *)&a, &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~UdpEcho()
    {
        stop_ = true;
        thread_.join();
        close(fd_);
    }
    int port() const { return port_; }
    int received() const { return received_; }

private:
    void run()
    {
        while (!stop_) {
            pollfd p{ fd_, POLLIN, 0 };
            if (poll(&p, 1, 20) <= 0)
                continue;
            char buf[65536];
            sockaddr_in from{};
            socklen_t flen = sizeof from;
            ssize_t n = recvfrom(fd_, buf, sizeof buf, 0, (sockaddr *)&from, &flen);
            if (n < 0)
                continue;
            received_++;          // before the echo: the module may read it at once
            sendto(fd_, buf, (size_t)n, 0, (sockaddr *)&from, flen);
        }
    }
    int fd_ = -1, port_ = 0;
    std::atomic<bool> stop_{ false };
    std::atomic<int> received_{ 0 };
    std::thread thread_;
};

constexpr u16 kPortA = 3000, kPortB = 3001;

class Udp : public WipTest {
protected:
    char ctx_a = 'a', ctx_b = 'b';
    wip_channel_t a = nullptr, b = nullptr;

    // a on module port kPortA, b on kPortB bound to a.
    void pair()
    {
        task([&] {
            a = wip_UDPCreateOpts(handler, &ctx_a, WIP_COPT_PORT, kPortA, WIP_COPT_END);
            b = wip_UDPCreateOpts(handler, &ctx_b, WIP_COPT_PORT, kPortB, WIP_COPT_PEER_STRADDR,
                                  "127.0.0.1", WIP_COPT_PEER_PORT, kPortA, WIP_COPT_END);
        });
        ASSERT_NE(nullptr, a);
        ASSERT_NE(nullptr, b);
    }
    void send_b(const std::string &s)
    {
        task([&] { EXPECT_EQ((int)s.size(), wip_write(b, s.data(), (u32)s.size())); });
    }
    bool has(const std::string &text) { return traces().find(text) != std::string::npos; }
};

TEST_F(Udp, OpenThenWriteWhenReady)
{
    pair();
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN, WIP_CEV_WRITE }), kinds(a));
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN, WIP_CEV_WRITE }), kinds(b));
    EXPECT_EQ(&ctx_b, last(WIP_CEV_OPEN, b)->ctx);
    task([&] { EXPECT_EQ(WIP_CSTATE_READY, wip_getState(a)); });
}

TEST_F(Udp, ModuleLoopbackDatagramCarriesTheSenderAddressAndPort)
{
    pair();
    send_b("ping");
    ASSERT_EQ(1, count(WIP_CEV_READ, a));
    EXPECT_EQ(4u, last(WIP_CEV_READ, a)->readable);
    char buf[16] = {}, addr[16] = {};
    u16 port = 0;
    wip_in_addr_t ip = 0;
    int n = 0;
    task([&] {
        n = wip_readOpts(a, buf, sizeof buf, WIP_COPT_PEER_STRADDR, addr, (u16)sizeof addr,
                         WIP_COPT_PEER_PORT, &port, WIP_COPT_PEER_ADDR, &ip, WIP_COPT_END);
    });
    EXPECT_EQ(4, n);
    EXPECT_EQ("ping", std::string(buf, 4));
    EXPECT_STREQ("127.0.0.1", addr);
    EXPECT_EQ(kPortB, port);
    EXPECT_EQ(htonl(INADDR_LOOPBACK), ip);
    // And back: a answers the sender it was given.
    task([&] {
        EXPECT_EQ(4, wip_writeOpts(a, "pong", 4, WIP_COPT_PEER_STRADDR, addr, WIP_COPT_PEER_PORT,
                                   port, WIP_COPT_END));
    });
    ASSERT_EQ(1, count(WIP_CEV_READ, b));
    task([&] { EXPECT_EQ(4, wip_read(b, buf, sizeof buf)); });
    EXPECT_EQ("pong", std::string(buf, 4));
}

TEST_F(Udp, OneReadConsumesExactlyOneDatagram)
{
    pair();
    send_b("abc");
    send_b("defgh");
    send_b("ijklmno");
    ASSERT_EQ(1, count(WIP_CEV_READ, a));
    EXPECT_EQ(3u, last(WIP_CEV_READ, a)->readable);
    std::vector<int> sizes;
    u32 nread = 0;
    task([&] {
        char buf[100];
        wip_getOpts(a, WIP_COPT_NREAD, &nread, WIP_COPT_END);
        int n;
        while ((n = wip_read(a, buf, sizeof buf)) > 0)
            sizes.push_back(n);
        sizes.push_back(n);
    });
    EXPECT_EQ(3u, nread);
    EXPECT_EQ((std::vector<int>{ 3, 5, 7, 0 }), sizes);
}

TEST_F(Udp, ShortBufferTruncatesTheDatagramAndDropsTheRest)
{
    pair();
    send_b("0123456789");
    send_b("next");
    traces();
    std::vector<std::string> got;
    task([&] {
        char buf[4];
        int n;
        while ((n = wip_read(a, buf, sizeof buf)) > 0)
            got.emplace_back(buf, (size_t)n);
    });
    EXPECT_EQ((std::vector<std::string>{ "0123", "next" }), got);
    EXPECT_TRUE(has("datagram of 10 bytes truncated to the 4-byte buffer; the other 6 bytes are dropped"));
}

TEST_F(Udp, ReadIsEdgeTriggeredAndRearmedWhenTheQueueEmpties)
{
    pair();
    send_b("one");
    send_b("two");
    EXPECT_EQ(1, count(WIP_CEV_READ, a));
    task([&] {
        char buf[8];
        EXPECT_EQ(3, wip_read(a, buf, sizeof buf));
    });
    send_b("three");               // the queue was not emptied: no new READ
    EXPECT_EQ(1, count(WIP_CEV_READ, a));
    task([&] {
        char buf[8];
        while (wip_read(a, buf, sizeof buf) > 0) {
        }
    });
    send_b("four");
    EXPECT_EQ(2, count(WIP_CEV_READ, a));
    EXPECT_EQ(4u, last(WIP_CEV_READ, a)->readable);
}

TEST_F(Udp, WriteOptsSendsToAnExplicitPeerFromAnUnboundChannel)
{
    wip_channel_t u = nullptr;
    task([&] {
        a = wip_UDPCreateOpts(handler, &ctx_a, WIP_COPT_PORT, kPortA, WIP_COPT_END);
        u = wip_UDPCreate(handler, &ctx_b);
    });
    ASSERT_NE(nullptr, u);
    bool bound = true;
    u16 uport = 0;
    task([&] {
        EXPECT_EQ(0, wip_getOpts(u, WIP_COPT_BOUND, &bound, WIP_COPT_PORT, &uport, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_INVALID, wip_write(u, "x", 1));
        EXPECT_EQ(5, wip_writeOpts(u, "hello", 5, WIP_COPT_PEER_ADDR, htonl(INADDR_LOOPBACK),
                                   WIP_COPT_PEER_PORT, kPortA, WIP_COPT_END));
    });
    EXPECT_FALSE(bound);
    EXPECT_GE(uport, 49152);
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("wip_write: UDP #"));
    EXPECT_NE(std::string::npos, t.find("has no peer (WIP_CERR_INVALID)"));
    ASSERT_EQ(1, count(WIP_CEV_READ, a));
    u16 from = 0;
    char buf[8] = {};
    task([&] {
        EXPECT_EQ(5, wip_readOpts(a, buf, sizeof buf, WIP_COPT_PEER_PORT, &from, WIP_COPT_END));
    });
    EXPECT_EQ("hello", std::string(buf, 5));
    EXPECT_EQ(uport, from);
}

TEST_F(Udp, FullReceiveQueueDropsDatagramsAndCountsThem)
{
    task([&] {
        a = wip_UDPCreateOpts(handler, &ctx_a, WIP_COPT_PORT, kPortA, WIP_COPT_RCV_BUFSIZE, 600,
                              WIP_COPT_END);
        b = wip_UDPCreateOpts(handler, &ctx_b, WIP_COPT_PEER_STRADDR, "127.0.0.1",
                              WIP_COPT_PEER_PORT, kPortA, WIP_COPT_END);
    });
    traces();
    std::string d(400, 'x');
    send_b(d);
    send_b(d);       // 800 > 600: dropped, the writer is not told (UDP)
    send_b("tail");
    EXPECT_TRUE(has("receive queue full (400 of 600 bytes, WIP_COPT_RCV_BUFSIZE): datagram of "
                    "400 bytes from 127.0.0.1"));
    std::vector<int> sizes;
    task([&] {
        char buf[1000];
        int n;
        while ((n = wip_read(a, buf, sizeof buf)) > 0)
            sizes.push_back(n);
    });
    EXPECT_EQ((std::vector<int>{ 400, 4 }), sizes);
}

TEST_F(Udp, NothingBoundOnTheModulePortDropsTheDatagramWithATrace)
{
    task([&] {
        b = wip_UDPCreateOpts(handler, &ctx_b, WIP_COPT_PEER_STRADDR, "127.0.0.1",
                              WIP_COPT_PEER_PORT, 4444, WIP_COPT_END);
    });
    traces();
    send_b("lost");
    EXPECT_TRUE(has("nothing is bound to module port 4444: datagram of 4 bytes dropped"));
    EXPECT_EQ(0, count(WIP_CEV_ERROR, b));
}

TEST_F(Udp, BadInputGivesTheRightCodeAndATrace)
{
    pair();
    traces();
    wip_channel_t dup = nullptr, half = nullptr, nohandler = nullptr;
    std::vector<char> big(65508, 'x');
    task([&] {
        dup = wip_UDPCreateOpts(handler, nullptr, WIP_COPT_PORT, kPortA, WIP_COPT_END);
        half = wip_UDPCreateOpts(handler, nullptr, WIP_COPT_PEER_STRADDR, "127.0.0.1",
                                 WIP_COPT_END);
        nohandler = wip_UDPCreate(nullptr, nullptr);
        EXPECT_EQ(WIP_CERR_OUT_OF_RANGE, wip_write(b, big.data(), (u32)big.size()));
        EXPECT_EQ(WIP_CERR_INVALID, wip_writeOpts(b, "x", 1, WIP_COPT_PEER_STRADDR, "no.such.name",
                                                  WIP_COPT_PEER_PORT, 9, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_INVALID, wip_writeOpts(b, "x", 1, WIP_COPT_PEER_PORT, 9, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_CSTATE, wip_setOpts(a, WIP_COPT_PORT, 5000, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_OUT_OF_RANGE, wip_setOpts(a, WIP_COPT_RCV_BUFSIZE, 10, WIP_COPT_END));
        EXPECT_EQ(WIP_CERR_NOT_SUPPORTED, wip_shutdown(a, TRUE, TRUE));
    });
    EXPECT_EQ(nullptr, dup);
    EXPECT_EQ(nullptr, half);
    EXPECT_EQ(nullptr, nohandler);
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("module UDP port 3000: already bound by another UDP "
                                        "channel (WIP_CERR_PORT_IN_USE)"));
    EXPECT_NE(std::string::npos, t.find("a peer address without WIP_COPT_PEER_PORT (WIP_CERR_INVALID)"));
    EXPECT_NE(std::string::npos, t.find("wip_UDPCreate: NULL event handler (WIP_CERR_INVALID)"));
    EXPECT_NE(std::string::npos, t.find("65508 bytes do not fit in one datagram (at most 65507): "
                                        "WIP_CERR_OUT_OF_RANGE"));
    EXPECT_NE(std::string::npos, t.find("\"no.such.name\" is not a dotted-quad address"));
    EXPECT_NE(std::string::npos, t.find("no peer address (WIP_CERR_INVALID)"));
    EXPECT_NE(std::string::npos, t.find("set WIP_COPT_PORT: not allowed in this channel state"));
    // Closing gives the port back.
    task([&] {
        EXPECT_EQ(0, wip_close(a));
        a = wip_UDPCreateOpts(handler, nullptr, WIP_COPT_PORT, kPortA, WIP_COPT_END);
    });
    EXPECT_NE(nullptr, a);
}

TEST_F(Udp, CloseInsideTheHandlerStopsEventsAndRunsTheFinalizer)
{
    static int finalized;
    finalized = 0;
    pair();
    on_event = [&](wip_event_t *ev, void *) {
        if (ev->kind == WIP_CEV_READ && ev->channel == a)
            wip_close(a);
    };
    task([&] {
        EXPECT_EQ(0, wip_setOpts(a, WIP_COPT_FINALIZER, +[](void *) { finalized++; }, WIP_COPT_END));
    });
    send_b("bye");
    send_b("more");
    EXPECT_EQ(1, count(WIP_CEV_READ, a));
    EXPECT_EQ(1, finalized);
}

class UdpHost : public WipTest {
protected:
    char ctx = 'h';
    wip_channel_t c = nullptr;
    void SetUp() override {}
};

TEST_F(UdpHost, EchoThroughAHostMappedNameLookedUpAsynchronously)
{
    UdpEcho echo;
    // Mapped to "localhost" on the host: a real (asynchronous) name lookup.
    boot({ "--host-map=echo.test=localhost:" + std::to_string(echo.port()) });
    start_bearer();
    task([&] {
        c = wip_UDPCreateOpts(handler, &ctx, WIP_COPT_PEER_STRADDR, "echo.test",
                              WIP_COPT_PEER_PORT, 7, WIP_COPT_END);
    });
    ASSERT_NE(nullptr, c);
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_WRITE, c) > 0; }));
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN, WIP_CEV_WRITE }), kinds(c));
    task([&] { EXPECT_EQ(5, wip_write(c, "hello", 5)); });
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_READ, c) > 0; }));
    EXPECT_EQ(5u, last(WIP_CEV_READ, c)->readable);
    char buf[16] = {}, addr[16] = {};
    u16 port = 0;
    task([&] {
        EXPECT_EQ(5, wip_readOpts(c, buf, sizeof buf, WIP_COPT_PEER_STRADDR, addr, (u16)sizeof addr,
                                  WIP_COPT_PEER_PORT, &port, WIP_COPT_END));
    });
    EXPECT_EQ("hello", std::string(buf, 5));
    EXPECT_STREQ("127.0.0.1", addr);       // the host's address of the peer, as it came
    EXPECT_EQ(echo.port(), port);
    EXPECT_EQ(1, echo.received());
}

TEST_F(UdpHost, WriteOptsToAMappedNameReachesTheHostPeer)
{
    UdpEcho echo;
    boot({ "--host-map=echo.test=127.0.0.1:" + std::to_string(echo.port()) });
    start_bearer();
    task([&] { c = wip_UDPCreate(handler, &ctx); });
    task([&] {
        EXPECT_EQ(3, wip_writeOpts(c, "abc", 3, WIP_COPT_PEER_STRADDR, "echo.test",
                                   WIP_COPT_PEER_PORT, 7, WIP_COPT_END));
    });
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_READ, c) > 0; }));
    EXPECT_EQ(3u, last(WIP_CEV_READ, c)->readable);
}

TEST_F(UdpHost, WithoutABearerTheHostNetworkIsUnreachable)
{
    boot({ "--host-map=echo.test=127.0.0.1:9" });
    wip_channel_t u = nullptr;
    task([&] {
        c = wip_UDPCreateOpts(handler, &ctx, WIP_COPT_PEER_STRADDR, "echo.test",
                              WIP_COPT_PEER_PORT, 7, WIP_COPT_END);
        u = wip_UDPCreate(handler, &ctx);
    });
    ASSERT_NE(nullptr, c);
    ASSERT_EQ(1, count(WIP_CEV_ERROR, c));
    EXPECT_EQ(WIP_CERR_NETWORK_UNREACHABLE, last(WIP_CEV_ERROR, c)->err);
    EXPECT_EQ(0, count(WIP_CEV_OPEN, c));
    EXPECT_NE(std::string::npos, traces().find("no bearer is up (WIP_CERR_NETWORK_UNREACHABLE)"));
    task([&] {
        EXPECT_EQ(WIP_CSTATE_TO_CLOSE, wip_getState(c));
        EXPECT_EQ(WIP_CERR_CSTATE, wip_write(c, "x", 1));
        EXPECT_EQ(WIP_CERR_NETWORK_UNREACHABLE,
                  wip_writeOpts(u, "x", 1, WIP_COPT_PEER_STRADDR, "192.0.2.1", WIP_COPT_PEER_PORT,
                                9, WIP_COPT_END));
    });
    EXPECT_NE(std::string::npos, traces().find("192.0.2.1:9 is on the host network and no bearer is up"));
}

TEST_F(UdpHost, BearerLossErrorsHostChannelsButNotLoopbackOnes)
{
    UdpEcho echo;
    boot({ "--host-map=echo.test=127.0.0.1:" + std::to_string(echo.port()) });
    start_bearer();
    wip_channel_t lo = nullptr;
    task([&] {
        c = wip_UDPCreateOpts(handler, &ctx, WIP_COPT_PEER_STRADDR, "echo.test",
                              WIP_COPT_PEER_PORT, 7, WIP_COPT_END);
        lo = wip_UDPCreateOpts(handler, &ctx, WIP_COPT_PORT, kPortA, WIP_COPT_END);
    });
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_OPEN, c) > 0; }));
    task([&] { wip_bearerStop(bearer); });
    oat_shim_advance_ms(5000);
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_ERROR, c) > 0; }));
    EXPECT_EQ(WIP_CERR_NETWORK_UNREACHABLE, last(WIP_CEV_ERROR, c)->err);
    EXPECT_EQ(0, count(WIP_CEV_ERROR, lo));
}

} // namespace
