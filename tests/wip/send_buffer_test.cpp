// send_buffer_test.cpp: the module's send buffer on host channels (behaviour §4): one handler
// run never hands over more than SND_BUFSIZE bytes, a short write is followed by WRITE, a
// writer paced by WRITE events delivers a 300 KB stream byte-exact to a real echo peer (TCP
// and SSL), and a writer that ignores the count loses data as on the module. Link: lan.
#include "host_peer.h"
#include "test_pki.h"
#include "tls_peer.h"
#include "wip_fixture.h"

#include "wip_ssl.h"

#include <algorithm>
#include <memory>
#include <random>

namespace {

constexpr size_t kTotal = 300 * 1000;
constexpr u32 kChunk = 1000;

std::vector<char> random_bytes(size_t n, unsigned seed)
{
    std::vector<char> d(n);
    std::mt19937 rng(seed);
    for (auto &b : d)
        b = (char)rng();
    return d;
}

// A WRITE handler that streams data in 1000-byte writes until one comes up short (TCP: a
// count below the asked one; SSL: -1), noting the most one run handed over.
struct PacedWriter {
    std::vector<char> data = random_bytes(kTotal, 5);
    size_t off = 0, most_in_one_run = 0;
    int short_writes = 0, bad = 0;
    void run(wip_channel_t ch)
    {
        size_t this_run = 0;
        while (off < kTotal) {
            u32 want = (u32)std::min<size_t>(kChunk, kTotal - off);
            int n = wip_write(ch, data.data() + off, want);
            if (n < -1 || n > (int)want) {
                bad++;
                return;
            }
            if (n > 0) {
                off += (size_t)n;
                this_run += (size_t)n;
            }
            if (n != (int)want) {
                short_writes++;
                break;
            }
        }
        most_in_one_run = std::max(most_in_one_run, this_run);
    }
    // A handler: run() on WRITE, what comes back on READ appended to echoed.
    std::function<void(wip_event_t *, void *)> echoing_into(std::string &echoed)
    {
        return [this, &echoed](wip_event_t *ev, void *) {
            if (ev->kind == WIP_CEV_WRITE)
                run(ev->channel);
            else if (ev->kind == WIP_CEV_READ)
                echoed += drain(ev->channel);
        };
    }
};

class SendBuffer : public WipTest {
protected:
    char ctx = 'c';
    wip_channel_t client = nullptr;
    void SetUp() override {}
    void boot_to(int host_port)
    {
        boot({ "--host-map=peer.test=127.0.0.1:" + std::to_string(host_port) });
        start_bearer();
    }
};

TEST_F(SendBuffer, OneWriteHandlerRunHandsOverAtMostTheSendBufferThenWriteFollows)
{
    HostPeer peer(HostPeer::Echo);
    boot_to(peer.port());
    PacedWriter w;
    std::string echoed;
    on_event = w.echoing_into(echoed);
    task([&] { client = wip_TCPClientCreate("peer.test", 7, handler, &ctx); });
    ASSERT_NE(nullptr, client);
    ASSERT_TRUE(wait_until([&] { return echoed.size() >= kTotal || w.bad; }, 30000))
        << "sent " << w.off << ", echoed " << echoed.size();
    EXPECT_EQ(0, w.bad);
    EXPECT_LE(w.most_in_one_run, 5840u) << "one handler run never hands over more than the buffer";
    EXPECT_GE(w.short_writes, (int)(kTotal / 5840) - 1);
    EXPECT_GE(count(WIP_CEV_WRITE, client), w.short_writes) << "every short write gets a WRITE";
    ASSERT_EQ(kTotal, peer.received_size());
    EXPECT_TRUE(peer.received() == std::string(w.data.begin(), w.data.end()));
    EXPECT_TRUE(echoed == std::string(w.data.begin(), w.data.end()));
}

TEST_F(SendBuffer, TheRoomIsSndBufsizeAndGrowsOnlyBetweenHandlerRuns)
{
    HostPeer peer(HostPeer::Sink);
    boot_to(peer.port());
    task([&] {
        client = wip_TCPClientCreateOpts("peer.test", 7, handler, &ctx, WIP_COPT_SND_BUFSIZE, 3000,
                                         WIP_COPT_END);
    });
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_WRITE, client) > 0; }));
    std::vector<char> data = random_bytes(4000, 9);
    int first = -1, second = -1;
    u32 room = 0;
    task([&] {
        first = wip_write(client, data.data(), 2000);
        second = wip_write(client, data.data() + 2000, 2000);
        wip_getOpts(client, WIP_COPT_NWRITE, &room, WIP_COPT_END);
    });
    EXPECT_EQ(2000, first);
    EXPECT_EQ(1000, second) << "the bytes accepted in this run still fill the buffer";
    EXPECT_EQ(0u, room);
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_WRITE, client) > 1; }));
    task([&] { wip_getOpts(client, WIP_COPT_NWRITE, &room, WIP_COPT_END); });
    EXPECT_EQ(3000u, room) << "the link took them after the handler";
    ASSERT_TRUE(wait_until([&] { return peer.received_size() == 3000; }));
    EXPECT_TRUE(peer.received() == std::string(data.begin(), data.begin() + 3000));
}

TEST_F(SendBuffer, AWriterThatIgnoresTheCountLosesDataOverHostTcp)
{
    HostPeer peer(HostPeer::Sink);
    boot_to(peer.port());
    task([&] { client = wip_TCPClientCreate("peer.test", 7, handler, &ctx); });
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_WRITE, client) > 0; }));
    std::string sent;
    task([&] { sent = write_ignoring_the_count(client); });
    ASSERT_TRUE(wait_until([&] { return peer.received_size() >= 5840; }));
    oat_shim_advance_ms(1000);
    EXPECT_EQ(65536u, sent.size());
    EXPECT_EQ(5840u, peer.received_size()) << "only what fitted in the send buffer arrives";
    EXPECT_TRUE(peer.received() == sent.substr(0, 5840));
}

class SendBufferSsl : public WipTest {
protected:
    char ctx = 'c';
    wip_channel_t ch = nullptr;
    std::unique_ptr<TlsPeer> peer;
    void SetUp() override
    {
        if (!TlsPeer::can_echo())
            GTEST_SKIP() << "a byte-exact TLS echo peer needs socat";
    }
    void TearDown() override
    {
        WipTest::TearDown();
        peer.reset();
    }
    // A TLS echo peer behind server.test:443 (with these flags too), the bearer up and the
    // Security library trusting the peer's root.
    void boot_to_tls_peer(std::vector<std::string> flags = {})
    {
        const TestPki *pki = TestPki::get();
        ASSERT_NE(nullptr, pki);
        TlsPeer::Config cfg;
        cfg.chain = pki->leaf_chain;
        peer = std::make_unique<TlsPeer>(cfg);
        ASSERT_TRUE(peer->ready()) << peer->log();
        flags.push_back("--host-map=server.test=127.0.0.1:" + std::to_string(peer->port()));
        boot(flags);
        start_bearer();
        task([&] {
            EXPECT_EQ(0, wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY, pki->root_text.c_str(),
                                         WIP_COPT_VERIFY, WIP_SSL_ALWAYS, WIP_COPT_END));
        });
    }
};

TEST_F(SendBufferSsl, ThreeHundredKilobytesPacedByWriteEventsArriveIntactOverSsl)
{
    boot_to_tls_peer();
    if (HasFatalFailure())
        return;
    PacedWriter w;
    std::string echoed;
    on_event = w.echoing_into(echoed);
    task([&] { ch = wip_SSLClientCreateOpts("server.test", 443, handler, &ctx, WIP_COPT_END); });
    ASSERT_NE(nullptr, ch);
    ASSERT_TRUE(wait_until([&] { return echoed.size() >= kTotal || w.bad ||
                                        count(WIP_CEV_ERROR, ch); }, 60000))
        << "sent " << w.off << ", echoed " << echoed.size() << traces();
    EXPECT_EQ(0, w.bad);
    // A write is taken whole while the records before it left: the TCP channel under the SSL
    // channel holds 5840 + 5840 / 8 bytes (plaintext and its records' overhead); the last
    // write taken may still wait behind it. So every run but the last ends in a short write,
    // and there are at least as many runs as that bound allows.
    const u32 most = 5840u + 730u + kChunk;
    EXPECT_LE(w.most_in_one_run, most);
    EXPECT_GE(w.short_writes, (int)(kTotal / most));
    EXPECT_TRUE(echoed == std::string(w.data.begin(), w.data.end()));
}

// wip_close while records still wait behind a full TCP send buffer: the SSL channel goes
// once they are out, or at once when the connection can take no more. Here it breaks
// (a reset) or the peer ends it (a close) before they are out; the finalizer must still
// come, once (it hung: the close waited for records that could never leave).
class SendBufferSslClosed : public SendBufferSsl,
                            public ::testing::WithParamInterface<const char *> {};

TEST_P(SendBufferSslClosed, WithRecordsQueuedBehindTheSendBufferTheChannelIsStillReleased)
{
    // The handshake sends about 2 KB; the fault hits inside the first 6570 bytes of records.
    boot_to_tls_peer({ std::string("--fault=server.test:443:") + GetParam() });
    if (HasFatalFailure())
        return;
    PacedWriter w;
    int close_rc = 1;
    on_event = [&](wip_event_t *ev, void *) {
        if (ev->kind != WIP_CEV_WRITE || close_rc != 1)
            return;
        w.run(ev->channel);             // up to the refused write: records wait
        close_rc = wip_close(ev->channel);
    };
    task([&] {
        ch = wip_SSLClientCreateOpts("server.test", 443, handler, &ctx, WIP_COPT_FINALIZER,
                                     count_release, WIP_COPT_END);
    });
    ASSERT_NE(nullptr, ch);
    ASSERT_TRUE(wait_until([&] { return released > 0; }, 20000))
        << "closed after " << w.off << " bytes (rc " << close_rc << "), never released"
        << traces();
    EXPECT_EQ(0, close_rc);
    EXPECT_EQ(1, w.short_writes);
    EXPECT_GT(w.off, 5840u);
    oatemu_advance_ms(2000);
    EXPECT_EQ(1, released);
}

INSTANTIATE_TEST_SUITE_P(ConnectionEnds, SendBufferSslClosed,
                         ::testing::Values("reset-after=6000", "close-after=6000"));

} // namespace
