// loopback_test.cpp: the channel rules of behaviour §4 on module loopback pairs (a WIP
// client connecting to 127.0.0.1, i.e. to a WIP TCP server of the same module): events,
// buffer limits, short writes, edge-triggered reads, peer close, close and finalizers.
#include "wip_fixture.h"

#include <cstring>
#include <random>

namespace {

constexpr u16 kPort = 2000;

class Loopback : public WipTest {
protected:
    char srv_ctx = 's', cli_ctx = 'c';
    wip_channel_t server = nullptr, client = nullptr, spawned = nullptr;

    // A server on kPort and a client connected to it; spawned = the server's side.
    void pair()
    {
        task([&] {
            server = wip_TCPServerCreate(kPort, handler, &srv_ctx);
            client = wip_TCPClientCreate("127.0.0.1", kPort, handler, &cli_ctx);
        });
        ASSERT_NE(nullptr, server);
        ASSERT_NE(nullptr, client);
        find_spawned();
        ASSERT_NE(nullptr, spawned);
    }

    void find_spawned()
    {
        for (const auto &e : events.snapshot())
            if (e.kind == WIP_CEV_OPEN && e.ctx == &srv_ctx)
                spawned = e.ch;
    }

    // Write until wip_write takes nothing; returns the counts it returned.
    static std::vector<int> write_until_short(wip_channel_t c, size_t chunk)
    {
        std::vector<char> buf(chunk, 'x');
        std::vector<int> got;
        for (;;) {
            int n = wip_write(c, buf.data(), (u32)buf.size());
            got.push_back(n);
            if (n <= 0)
                return got;
        }
    }

    static std::string drain(wip_channel_t c)
    {
        std::string all;
        char buf[3000];
        int n;
        while ((n = wip_read(c, buf, sizeof buf)) > 0)
            all.append(buf, (size_t)n);
        return all;
    }
};

TEST_F(Loopback, CreationIsAsynchronousAndTheChannelStartsBusy)
{
    wip_cstate_t st = WIP_CSTATE_READY;
    int wr = 0;
    size_t events_inside = 99;
    task([&] {
        wip_TCPServerCreate(kPort, handler, &srv_ctx);
        client = wip_TCPClientCreate("127.0.0.1", kPort, handler, &cli_ctx);
        st = wip_getState(client);
        wr = wip_write(client, "x", 1);
        events_inside = events.size();
    });
    EXPECT_EQ(WIP_CSTATE_BUSY, st);
    EXPECT_EQ(WIP_CERR_CSTATE, wr);
    EXPECT_EQ(0u, events_inside) << "no event may be delivered inside a wip_* call";
    EXPECT_EQ(WIP_CSTATE_READY, wip_getState(client));
}

TEST_F(Loopback, OpenIsFollowedByOneWriteOnBothSides)
{
    pair();
    oat_shim_advance_ms(10000);
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN, WIP_CEV_WRITE }), kinds(client));
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN, WIP_CEV_WRITE }), kinds(spawned));
    EXPECT_NE(spawned, server);
    EXPECT_EQ(5840u, last(WIP_CEV_WRITE, client)->writable);
}

TEST_F(Loopback, DefaultBuffersAre5840WithLowWatermarks1460And1)
{
    pair();
    u32 snd = 0, rcv = 0, slo = 0, rlo = 0;
    task([&] {
        ASSERT_EQ(0, wip_getOpts(client, WIP_COPT_SND_BUFSIZE, &snd, WIP_COPT_RCV_BUFSIZE, &rcv,
                                 WIP_COPT_SND_LOWAT, &slo, WIP_COPT_RCV_LOWAT, &rlo, WIP_COPT_END));
    });
    EXPECT_EQ(5840u, snd);
    EXPECT_EQ(5840u, rcv);
    EXPECT_EQ(1460u, slo);
    EXPECT_EQ(1u, rlo);
}

TEST_F(Loopback, WritesComeUpShortAtExactlySendPlusReceiveBufferBytes)
{
    pair();
    std::vector<int> counts;
    task([&] { counts = write_until_short(client, 64 * 1024); });
    EXPECT_EQ((std::vector<int>{ 5840, 5840, 0 }), counts);
    oat_shim_advance_ms(60000);   // nothing moves while the server does not read
    task([&] { counts = write_until_short(client, 64 * 1024); });
    EXPECT_EQ((std::vector<int>{ 0 }), counts);
    std::string got;
    task([&] { got = drain(spawned); });
    EXPECT_EQ(11680u, got.size()) << "the receive buffer never drops what was accepted";
}

TEST_F(Loopback, BiggerBuffersMoveTheLimitExactly)
{
    task([&] {
        server = wip_TCPServerCreateOpts(kPort, handler, &srv_ctx, WIP_COPT_RCV_BUFSIZE, 10000,
                                         WIP_COPT_END);
        client = wip_TCPClientCreateOpts("127.0.0.1", kPort, handler, &cli_ctx,
                                         WIP_COPT_SND_BUFSIZE, 2000, WIP_COPT_END);
    });
    std::vector<int> counts;
    task([&] { counts = write_until_short(client, 64 * 1024); });
    int total = 0;
    for (int n : counts)
        total += n;
    EXPECT_EQ(12000, total);
}

TEST_F(Loopback, AWriterThatIgnoresTheCountLosesData)
{
    pair();
    std::string sent, got;
    task([&] { sent = write_ignoring_the_count(client); });
    on_event = [&](wip_event_t *ev, void *ctx) {
        if (ctx == &srv_ctx && ev->kind == WIP_CEV_READ)
            got += drain(ev->channel);
    };
    task([&] { got += drain(spawned); });
    oat_shim_advance_ms(1000);
    EXPECT_EQ(65536u, sent.size());
    EXPECT_EQ(11680u, got.size()) << "only what fitted in the two buffers arrives";
    EXPECT_EQ(1, count(WIP_CEV_PEER_CLOSE, spawned));
}

TEST_F(Loopback, AWriterPacedByWriteEventsDelivers4MBByteExact)
{
    const size_t total = 4u << 20;
    std::vector<char> data(total);
    std::mt19937 rng(42);
    for (auto &b : data)
        b = (char)rng();
    size_t off = 0;
    std::string got;
    got.reserve(total);
    on_event = [&](wip_event_t *ev, void *ctx) {
        if (ctx == &cli_ctx && ev->kind == WIP_CEV_WRITE) {
            while (off < total) {
                int n = wip_write(ev->channel, data.data() + off, (u32)std::min<size_t>(8192, total - off));
                ASSERT_GE(n, 0);
                off += (size_t)n;
                if (n == 0)
                    return;
            }
            wip_close(ev->channel);
        } else if (ctx == &srv_ctx && ev->kind == WIP_CEV_READ) {
            got += drain(ev->channel);
        }
    };
    pair();
    oat_shim_advance_ms(1000);
    ASSERT_EQ(total, got.size());
    EXPECT_TRUE(memcmp(data.data(), got.data(), total) == 0);
    EXPECT_EQ(1, count(WIP_CEV_PEER_CLOSE, spawned));
}

TEST_F(Loopback, WriteFiresOnlyAfterAShortWriteOnceSndLowatBytesAreFree)
{
    pair();
    events.clear();
    task([&] { ASSERT_EQ(1000, wip_write(client, std::string(1000, 'a').data(), 1000)); });
    task([&] { ASSERT_EQ(1000u, drain(spawned).size()); });
    EXPECT_EQ(0, count(WIP_CEV_WRITE, client)) << "a write that was not short arms nothing";

    task([&] { write_until_short(client, 4096); });   // both buffers full now
    EXPECT_EQ(0, count(WIP_CEV_WRITE, client));
    char buf[1000];
    task([&] { ASSERT_EQ(1000, wip_read(spawned, buf, 1000)); });
    EXPECT_EQ(0, count(WIP_CEV_WRITE, client)) << "1000 free bytes are below SND_LOWAT 1460";
    task([&] { ASSERT_EQ(500, wip_read(spawned, buf, 500)); });
    ASSERT_EQ(1, count(WIP_CEV_WRITE, client));
    EXPECT_EQ(1500u, last(WIP_CEV_WRITE, client)->writable);
    task([&] { ASSERT_EQ(1000, wip_read(spawned, buf, 1000)); });
    EXPECT_EQ(1, count(WIP_CEV_WRITE, client)) << "one WRITE per short write";
}

TEST_F(Loopback, ReadIsEdgeTriggeredAndRearmedOnlyAfterDraining)
{
    pair();
    events.clear();
    char buf[4096];
    task([&] { wip_write(client, std::string(100, 'a').data(), 100); });
    ASSERT_EQ(1, count(WIP_CEV_READ, spawned));
    EXPECT_EQ(100u, last(WIP_CEV_READ, spawned)->readable);
    task([&] { ASSERT_EQ(50, wip_read(spawned, buf, 50)); });
    task([&] { wip_write(client, std::string(100, 'b').data(), 100); });
    EXPECT_EQ(1, count(WIP_CEV_READ, spawned)) << "not drained: no new READ";
    task([&] {
        ASSERT_EQ(150, wip_read(spawned, buf, sizeof buf));
        ASSERT_EQ(0, wip_read(spawned, buf, sizeof buf));
    });
    task([&] { wip_write(client, std::string(10, 'c').data(), 10); });
    ASSERT_EQ(2, count(WIP_CEV_READ, spawned));
    EXPECT_EQ(10u, last(WIP_CEV_READ, spawned)->readable);
}

TEST_F(Loopback, ReadableIsCountedWhenTheEventIsDelivered)
{
    pair();
    events.clear();
    task([&] {
        wip_write(client, std::string(100, 'a').data(), 100);
        wip_write(client, std::string(200, 'b').data(), 200);
    });
    ASSERT_EQ(1, count(WIP_CEV_READ, spawned));
    EXPECT_EQ(300u, last(WIP_CEV_READ, spawned)->readable);
}

TEST_F(Loopback, RcvLowatHoldsReadUntilEnoughBytesArrived)
{
    pair();
    events.clear();
    task([&] { ASSERT_EQ(0, wip_setOpts(spawned, WIP_COPT_RCV_LOWAT, 100, WIP_COPT_END)); });
    task([&] { wip_write(client, std::string(60, 'a').data(), 60); });
    EXPECT_EQ(0, count(WIP_CEV_READ, spawned));
    task([&] { wip_write(client, std::string(40, 'a').data(), 40); });
    ASSERT_EQ(1, count(WIP_CEV_READ, spawned));
    EXPECT_EQ(100u, last(WIP_CEV_READ, spawned)->readable);
}

TEST_F(Loopback, PeerCloseLeavesBufferedBytesReadableUntilClose)
{
    pair();
    events.clear();
    task([&] {
        wip_write(client, std::string(100, 'z').data(), 100);
        wip_close(client);
    });
    EXPECT_EQ((std::vector<int>{ WIP_CEV_READ, WIP_CEV_PEER_CLOSE }), kinds(spawned));
    EXPECT_EQ(WIP_CSTATE_TO_CLOSE, wip_getState(spawned));
    std::string got;
    int wr = 0;
    task([&] {
        got = drain(spawned);
        wr = wip_write(spawned, "x", 1);
    });
    EXPECT_EQ(std::string(100, 'z'), got);
    EXPECT_EQ(WIP_CERR_CSTATE, wr);
    EXPECT_TRUE(client != nullptr);
}

TEST_F(Loopback, DataAcceptedBeforeCloseIsStillDelivered)
{
    pair();
    std::string got;
    on_event = [&](wip_event_t *ev, void *ctx) {
        if (ctx == &srv_ctx && ev->kind == WIP_CEV_READ)
            got += drain(ev->channel);
    };
    int accepted = 0;
    task([&] {
        for (int n : write_until_short(client, 1000))
            accepted += n;
        wip_close(client);
    });
    task([&] { got += drain(spawned); });
    oat_shim_advance_ms(100);
    EXPECT_EQ(11680, accepted);
    EXPECT_EQ((size_t)accepted, got.size());
    EXPECT_EQ(1, count(WIP_CEV_PEER_CLOSE, spawned));
}

TEST_F(Loopback, CloseInsideItsOwnHandlerStopsEveryLaterEvent)
{
    on_event = [&](wip_event_t *ev, void *ctx) {
        if (ctx == &cli_ctx && ev->kind == WIP_CEV_OPEN)
            EXPECT_EQ(0, wip_close(ev->channel));
    };
    pair();
    oat_shim_advance_ms(1000);
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN }), kinds(client)) << "the WRITE after OPEN is gone";
    EXPECT_EQ(1, count(WIP_CEV_PEER_CLOSE, spawned));
}

int g_finalized;
void *g_final_ctx;
s32 g_final_task;
bool g_closing;

void finalizer(void *ctx)
{
    EXPECT_FALSE(g_closing) << "the finalizer must never run inside wip_close";
    g_finalized++;
    g_final_ctx = ctx;
    g_final_task = adl_ctxGetID();
}

TEST_F(Loopback, FinalizerRunsOnceAfterCloseReturnsInTheOwnerTaskWithTheCtx)
{
    g_finalized = 0;
    g_final_task = -1;
    s32 owner_task = -2;
    task([&] {
        wip_TCPServerCreate(kPort, handler, &srv_ctx);
        client = wip_TCPClientCreateOpts("127.0.0.1", kPort, handler, &cli_ctx, WIP_COPT_FINALIZER,
                                         finalizer, WIP_COPT_END);
        owner_task = adl_ctxGetID();
    }, 1);
    task([&] {
        g_closing = true;
        EXPECT_EQ(0, wip_close(client));
        g_closing = false;
        EXPECT_EQ(0, g_finalized);
    });
    oat_shim_advance_ms(1000);
    EXPECT_EQ(1, g_finalized);
    EXPECT_EQ(&cli_ctx, g_final_ctx);
    EXPECT_EQ(owner_task, g_final_task) << "the finalizer runs in the task that created the channel";
}

TEST_F(Loopback, NothingListeningGivesRefusedThenCstate)
{
    int rd = 0, wr = 0;
    task([&] { client = wip_TCPClientCreate("127.0.0.1", 999, handler, &cli_ctx); });
    ASSERT_EQ(1, count(WIP_CEV_ERROR, client));
    EXPECT_EQ(WIP_CERR_REFUSED, last(WIP_CEV_ERROR, client)->err);
    EXPECT_EQ(WIP_CSTATE_TO_CLOSE, wip_getState(client));
    char buf[8];
    s32 err = 0;
    task([&] {
        rd = wip_read(client, buf, sizeof buf);
        wr = wip_write(client, "x", 1);
        wip_getOpts(client, WIP_COPT_ERROR, &err, WIP_COPT_END);
    });
    EXPECT_EQ(WIP_CERR_CSTATE, rd);
    EXPECT_EQ(WIP_CERR_CSTATE, wr);
    EXPECT_EQ(WIP_CERR_REFUSED, err);
    task([&] { EXPECT_EQ(0, wip_close(client)); });
}

TEST_F(Loopback, ConnectToOnePeerRepeatedMoreThan1000TimesInOneSecondIsTraced)
{
    task([&] {
        for (int i = 0; i < 1100; i++)
            wip_close(wip_TCPClientCreate("127.0.0.1", 999, handler, &cli_ctx));
    });
    std::string tr = traces();
    EXPECT_NE(std::string::npos, tr.find("connect to 127.0.0.1:999 repeated 1001 times"));
    EXPECT_EQ(tr.find("repeated 1001 times"), tr.rfind("repeated 1001 times")) << "once";
}

TEST_F(Loopback, AbortResetsThePeerAndLaterCallsSayAborted)
{
    pair();
    events.clear();
    int wr = 0, rd = 0;
    char buf[4];
    task([&] {
        EXPECT_EQ(0, wip_abort(client));
        wr = wip_write(client, "x", 1);
        rd = wip_read(client, buf, sizeof buf);
    });
    EXPECT_EQ(WIP_CERR_ABORTED, wr);
    EXPECT_EQ(WIP_CERR_ABORTED, rd);
    EXPECT_TRUE(kinds(client).empty()) << "no event after an abort";
    ASSERT_EQ(1, count(WIP_CEV_ERROR, spawned));
    EXPECT_EQ(WIP_CERR_PIPE_BROKEN, last(WIP_CEV_ERROR, spawned)->err);
    task([&] { EXPECT_EQ(0, wip_close(client)); });
}

TEST_F(Loopback, ShutdownOfTheWriteSideSendsFinAndKeepsReading)
{
    pair();
    events.clear();
    task([&] { EXPECT_EQ(5, wip_write(spawned, "hello", 5)); });
    task([&] { EXPECT_EQ(0, wip_shutdown(client, FALSE, TRUE)); });
    EXPECT_EQ(1, count(WIP_CEV_PEER_CLOSE, spawned));
    int wr = 0;
    std::string got;
    task([&] {
        wr = wip_write(client, "x", 1);
        got = drain(client);
    });
    EXPECT_EQ(WIP_CERR_CSTATE, wr);
    EXPECT_EQ("hello", got);
    EXPECT_EQ(WIP_CSTATE_READY, wip_getState(client));
}

TEST_F(Loopback, AddressOptionsNameBothEndsOfThePair)
{
    pair();
    u16 cport = 0, cpeer = 0, sport = 0, speer = 0;
    char addr[16] = "";
    task([&] {
        ASSERT_EQ(0, wip_getOpts(client, WIP_COPT_PORT, &cport, WIP_COPT_PEER_PORT, &cpeer,
                                 WIP_COPT_PEER_STRADDR, addr, (u16)sizeof addr, WIP_COPT_END));
        ASSERT_EQ(0, wip_getOpts(spawned, WIP_COPT_PORT, &sport, WIP_COPT_PEER_PORT, &speer,
                                 WIP_COPT_END));
    });
    EXPECT_EQ(kPort, cpeer);
    EXPECT_EQ(kPort, sport);
    EXPECT_EQ(cport, speer);
    EXPECT_STREQ("127.0.0.1", addr);
}

TEST_F(Loopback, AClientLocalPortIsTheOneAskedAndFixedOnceConnected)
{
    u16 port = 0, seen = 0;
    int late = 0;
    task([&] {
        server = wip_TCPServerCreate(kPort, handler, &srv_ctx);
        client = wip_TCPClientCreateOpts("127.0.0.1", kPort, handler, &cli_ctx, WIP_COPT_PORT,
                                         4321, WIP_COPT_END);
    });
    find_spawned();
    task([&] {
        wip_getOpts(client, WIP_COPT_PORT, &port, WIP_COPT_END);
        wip_getOpts(spawned, WIP_COPT_PEER_PORT, &seen, WIP_COPT_END);
        late = wip_setOpts(client, WIP_COPT_PORT, 1111, WIP_COPT_END);
    });
    EXPECT_EQ(4321, port);
    EXPECT_EQ(4321, seen);
    EXPECT_EQ(WIP_CERR_CSTATE, late);
}

// ---- the TCP server's spawn model ----

TEST_F(Loopback, SpawnedChannelsReportToTheServerHandlerWithItsCtxOpenFirst)
{
    pair();
    const WipEv *open = last(WIP_CEV_OPEN, spawned);
    ASSERT_NE(nullptr, open);
    EXPECT_EQ(&srv_ctx, open->ctx);
    EXPECT_EQ(WIP_CEV_OPEN, kinds(spawned).front());
    EXPECT_EQ(0, count(WIP_CEV_OPEN, server)) << "the server channel itself gets no event";
    static char conn_ctx;
    task([&] { wip_setCtx(spawned, &conn_ctx); });
    task([&] { wip_write(client, "hi", 2); });
    EXPECT_EQ(&conn_ctx, last(WIP_CEV_READ, spawned)->ctx);
}

TEST_F(Loopback, OptionsSetOnTheServerAreInheritedBySpawnedChannels)
{
    task([&] {
        server = wip_TCPServerCreateOpts(kPort, handler, &srv_ctx, WIP_COPT_RCV_BUFSIZE, 10000,
                                         WIP_COPT_SND_BUFSIZE, 7000, WIP_COPT_NODELAY, TRUE,
                                         WIP_COPT_RCV_LOWAT, 10, WIP_COPT_END);
        client = wip_TCPClientCreate("127.0.0.1", kPort, handler, &cli_ctx);
    });
    find_spawned();
    ASSERT_NE(nullptr, spawned);
    u32 rcv = 0, snd = 0, rlo = 0;
    bool nodelay = false;
    task([&] {
        ASSERT_EQ(0, wip_getOpts(spawned, WIP_COPT_RCV_BUFSIZE, &rcv, WIP_COPT_SND_BUFSIZE, &snd,
                                 WIP_COPT_RCV_LOWAT, &rlo, WIP_COPT_NODELAY, &nodelay, WIP_COPT_END));
    });
    EXPECT_EQ(10000u, rcv);
    EXPECT_EQ(7000u, snd);
    EXPECT_EQ(10u, rlo);
    EXPECT_TRUE(nodelay);
}

TEST_F(Loopback, ASecondServerOnAPortInUseIsRefusedWithATrace)
{
    wip_channel_t second = (wip_channel_t)1;
    task([&] {
        server = wip_TCPServerCreate(kPort, handler, &srv_ctx);
        second = wip_TCPServerCreate(kPort, handler, &srv_ctx);
    });
    EXPECT_NE(nullptr, server);
    EXPECT_EQ(nullptr, second);
    EXPECT_NE(std::string::npos, traces().find("WIP_CERR_PORT_IN_USE"));
}

TEST_F(Loopback, AServerCarriesNoData)
{
    task([&] { server = wip_TCPServerCreate(kPort, handler, &srv_ctx); });
    char buf[4];
    task([&] {
        EXPECT_EQ(WIP_CERR_NOT_SUPPORTED, wip_read(server, buf, sizeof buf));
        EXPECT_EQ(WIP_CERR_NOT_SUPPORTED, wip_write(server, "x", 1));
    });
}

TEST_F(Loopback, PendSrvMaxRefusesConnectionsBeyondTheLimit)
{
    wip_channel_t second = nullptr;
    task([&] {
        server = wip_TCPServerCreateOpts(kPort, handler, &srv_ctx, WIP_COPT_PEND_SRV_MAX, 1,
                                         WIP_COPT_END);
        client = wip_TCPClientCreate("127.0.0.1", kPort, handler, &cli_ctx);
        second = wip_TCPClientCreate("127.0.0.1", kPort, handler, &cli_ctx);
    });
    EXPECT_EQ(1, count(WIP_CEV_OPEN, client));
    ASSERT_EQ(1, count(WIP_CEV_ERROR, second));
    EXPECT_EQ(WIP_CERR_REFUSED, last(WIP_CEV_ERROR, second)->err);
}

TEST_F(Loopback, ClosingTheServerKeepsSpawnedChannelsAndRefusesNewOnes)
{
    pair();
    events.clear();
    wip_channel_t late = nullptr;
    task([&] { EXPECT_EQ(0, wip_close(server)); });
    task([&] {
        EXPECT_EQ(2, wip_write(client, "ok", 2));
        late = wip_TCPClientCreate("127.0.0.1", kPort, handler, &cli_ctx);
    });
    EXPECT_EQ(1, count(WIP_CEV_READ, spawned));
    ASSERT_EQ(1, count(WIP_CEV_ERROR, late));
    EXPECT_EQ(WIP_CERR_REFUSED, last(WIP_CEV_ERROR, late)->err);
}

}  // namespace
