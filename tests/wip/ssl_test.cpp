// ssl_test.cpp: SSL client channels (wip_ssl.h) against TLS peers on the host (socat or
// openssl s_server) reached through the host map, with a PKI made at test time: chain
// verification up to a loaded root, validity against the module's RTC, host names, verify
// modes, TLS 1.2 / 1.3, whole-buffer writes paced by WRITE events, the peer ending the
// session, tear-down and restart cycles without leaks, the key log and bad inputs.
#include "host_peer.h"
#include "process_resources.h"
#include "test_pki.h"
#include "tls_peer.h"
#include "wip_fixture.h"

#include "wip_ssl.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <cstring>
#include <ctime>
#include <random>
#include <set>

namespace {

constexpr u16 kPort = 443;
constexpr long long kDay = 24LL * 3600;

// OpenSSL 3 keeps global caches (fetched algorithms, property queries) that grow with the
// first several hundred handshakes and then level off: measured without the emulator, a
// handshake loop gains ~350 bytes per handshake until about the 600th. Run that many
// in-memory handshakes first, so the heap measured around the cycles is the emulator's own.
bool warm_openssl_caches(const TestPki &pki, int handshakes)
{
    auto pump = [](SSL *from, SSL *to) {
        char buf[16384];
        int n;
        while ((n = BIO_read(SSL_get_wbio(from), buf, sizeof buf)) > 0)
            BIO_write(SSL_get_rbio(to), buf, n);
    };
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    bool ok = sctx && SSL_CTX_use_certificate_chain_file(sctx, pki.leaf_chain.c_str()) == 1 &&
              SSL_CTX_use_PrivateKey_file(sctx, pki.leaf_key.c_str(), SSL_FILETYPE_PEM) == 1;
    for (int i = 0; ok && i < handshakes; i++) {
        SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_load_verify_locations(cctx, pki.root_pem.c_str(), nullptr);
        SSL *c = SSL_new(cctx), *sv = SSL_new(sctx);
        SSL_set_verify(c, SSL_VERIFY_PEER, nullptr);
        SSL_set1_host(c, "server.test");
        SSL_set_tlsext_host_name(c, "server.test");
        SSL_set_bio(c, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
        SSL_set_bio(sv, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
        SSL_set_connect_state(c);
        SSL_set_accept_state(sv);
        for (int k = 0; k < 10 && !(SSL_is_init_finished(c) && SSL_is_init_finished(sv)); k++) {
            SSL_do_handshake(c);
            pump(c, sv);
            SSL_do_handshake(sv);
            pump(sv, c);
        }
        ok = SSL_is_init_finished(c);
        char x[8];
        SSL_write(c, "ping", 4);
        pump(c, sv);
        SSL_read(sv, x, sizeof x);
        SSL_shutdown(c);
        pump(c, sv);
        SSL_read(sv, x, sizeof x);
        SSL_free(c);
        SSL_free(sv);
        SSL_CTX_free(cctx);
    }
    SSL_CTX_free(sctx);
    ERR_clear_error();
    return ok;
}

int g_finalized;
void count_finalizer(void *) { g_finalized++; }

bool contains(const std::string &hay, const std::string &needle)
{
    return hay.find(needle) != std::string::npos;
}

class Ssl : public WipTest {
protected:
    char ctx = 'c';
    wip_channel_t ch = nullptr;
    const TestPki *pki = nullptr;
    std::unique_ptr<TlsPeer> peer;
    std::string keylog_path;

    void SetUp() override
    {
        if (!TlsPeer::available())
            GTEST_SKIP() << "neither socat nor openssl is installed";
        pki = TestPki::get();
        ASSERT_NE(nullptr, pki) << "the openssl CLI could not make the test PKI";
        g_finalized = 0;
    }
    void TearDown() override
    {
        WipTest::TearDown();
        peer.reset();
        if (!keylog_path.empty())
            unlink(keylog_path.c_str());
    }

    TlsPeer::Config echo_cfg() const
    {
        TlsPeer::Config c;
        c.chain = pki->leaf_chain;
        return c;
    }
    void start_peer(const TlsPeer::Config &cfg)
    {
        peer = std::make_unique<TlsPeer>(cfg);
        ASSERT_TRUE(peer->ready()) << peer->tool() << " did not listen: " << peer->log();
    }
    // Boot with server.test and other.test mapped to the peer, and the bearer up.
    void boot_to_peer(std::vector<std::string> more = {})
    {
        std::string p = std::to_string(peer->port());
        more.push_back("--host-map=server.test=127.0.0.1:" + p + ",other.test=127.0.0.1:" + p);
        boot(more);
        start_bearer();
    }
    static std::string rtc_at(long long epoch) { return "--rtc=" + std::to_string(epoch); }

    void init_root(int verify = WIP_SSL_ALWAYS)
    {
        task([&] {
            EXPECT_EQ(0, wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY, pki->root_text.c_str(),
                                         WIP_COPT_VERIFY, verify, WIP_COPT_END));
        });
    }
    void connect(const char *host = "server.test")
    {
        task([&] { ch = wip_SSLClientCreateOpts(host, kPort, handler, &ctx, WIP_COPT_END); });
        ASSERT_NE(nullptr, ch) << traces();
    }
    bool has(int kind, long long ms = 10000)
    {
        return wait_until([&] { return count(kind, ch) > 0; }, ms);
    }
    // Write msg once the channel is open and collect the echo.
    std::string echo(const std::string &msg)
    {
        std::string got;
        on_event = [&](wip_event_t *ev, void *) {
            if (ev->kind == WIP_CEV_READ)
                got += drain(ev->channel);
        };
        int n = 0;
        task([&] { n = wip_write(ch, msg.data(), (u32)msg.size()); });
        EXPECT_EQ((int)msg.size(), n);
        wait_until([&] { return got.size() >= msg.size(); });
        task([&] { on_event = nullptr; });     // the handler runs in the task: no race with it
        return got;
    }
    void expect_cert_failure(const std::vector<std::string> &words)
    {
        ASSERT_TRUE(has(WIP_CEV_ERROR)) << traces();
        EXPECT_EQ(WIP_SSL_ERR_CERTIFICATE, last(WIP_CEV_ERROR, ch)->err);
        EXPECT_EQ(0, count(WIP_CEV_OPEN, ch));
        std::string t = traces();
        for (const auto &w : words)
            EXPECT_TRUE(contains(t, w)) << "trace lacks \"" << w << "\":\n" << t;
    }
    std::vector<std::string> keylog_lines(const std::string &label) const
    {
        std::vector<std::string> out;
        std::istringstream in(TestPki::slurp(keylog_path));
        std::string line;
        while (std::getline(in, line))
            if (line.rfind(label + " ", 0) == 0)
                out.push_back(line);
        return out;
    }
    std::string new_keylog_path()
    {
        char t[] = "/tmp/oatemu-keylog-XXXXXX";
        int fd = mkstemp(t);
        close(fd);
        unlink(t);   // the emulator creates it
        keylog_path = t;
        return keylog_path;
    }
};

// ---- verification ------------------------------------------------------------------------

TEST_F(Ssl, RootLoadedVerifiesAndOpensAfterTheHandshake)
{
    start_peer(echo_cfg());
    boot_to_peer();
    init_root();
    connect();
    // OPEN only once the handshake is over (the state right after the create is not checked:
    // a fast host peer may have finished the handshake already).
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces() << peer->log();
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN, WIP_CEV_WRITE }), kinds(ch));
    EXPECT_EQ(WIP_CSTATE_READY, wip_getState(ch));
    EXPECT_TRUE(contains(traces(), "server.test")) << "the handshake is traced";
    EXPECT_EQ("hello", echo("hello"));
    EXPECT_EQ(0, count(WIP_CEV_ERROR, ch));
}

// A server that takes the connection and never answers the ClientHello: the handshake ends
// with WIP_CERR_TIMEOUT at the client's WIP_COPT_TIMEOUT, not never (the clock follows host
// time while the handshake is awaited, so the timer fires after a second of either).
TEST_F(Ssl, ASilentServerEndsTheHandshakeWithTimeoutAtTheClientsTimeout)
{
    HostPeer silent(HostPeer::Silent);
    boot({ "--host-map=server.test=127.0.0.1:" + std::to_string(silent.port()) });
    start_bearer();
    init_root();
    long long t0 = oat_shim_now_ms();
    u32 dflt = 0, set = 0;
    task([&] {
        wip_channel_t probe = wip_SSLClientCreate("server.test", kPort, handler, nullptr);
        ASSERT_NE(nullptr, probe);
        EXPECT_EQ(0, wip_getOpts(probe, WIP_COPT_TIMEOUT, &dflt, WIP_COPT_END));
        wip_close(probe);
        ch = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx, WIP_COPT_TIMEOUT, 1000,
                                     WIP_COPT_END);
        ASSERT_NE(nullptr, ch);
        EXPECT_EQ(0, wip_getOpts(ch, WIP_COPT_TIMEOUT, &set, WIP_COPT_END));
    });
    EXPECT_EQ(60000u, dflt);
    EXPECT_EQ(1000u, set);
    oat_shim_advance_ms(2000);
    ASSERT_EQ(1, count(WIP_CEV_ERROR, ch)) << traces();
    EXPECT_EQ(WIP_CERR_TIMEOUT, last(WIP_CEV_ERROR, ch)->err);
    long long took = last(WIP_CEV_ERROR, ch)->at_ms - t0;
    EXPECT_GE(took, 1000);
    EXPECT_LT(took, 1100);
    EXPECT_EQ(0, count(WIP_CEV_OPEN, ch));
    EXPECT_TRUE(contains(traces(), "no TLS handshake with server.test within 1000 ms"));
    EXPECT_EQ(1, silent.accepted() >= 1 ? 1 : 0);
}

TEST_F(Ssl, AWriteDuringTheHandshakeReturnsMinusOneAndOneWriteEventFollowsOpen)
{
    start_peer(echo_cfg());
    boot_to_peer();
    init_root();
    int early = 0;
    task([&] {
        ch = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx, WIP_COPT_END);
        if (ch)
            early = wip_write(ch, "x", 1);   // the handshake is running
    });
    ASSERT_NE(nullptr, ch) << traces();
    EXPECT_EQ(-1, early) << "a write during the handshake returns -1";
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces() << peer->log();
    oat_shim_advance_ms(100);
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN, WIP_CEV_WRITE }), kinds(ch))
        << "the WRITE after OPEN answers the refused write too: one WRITE, not two in a row";
    EXPECT_EQ("x", echo("x"));
}

TEST_F(Ssl, OnlyTheIntermediateLoadedFailsWithErrnum1AndSaysLoadTheRoot)
{
    start_peer(echo_cfg());
    boot_to_peer();
    task([&] {
        EXPECT_EQ(0, wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY, pki->inter_text.c_str(),
                                     WIP_COPT_VERIFY, WIP_SSL_ALWAYS, WIP_COPT_END));
    });
    connect();
    expect_cert_failure({ "intermediate", "root" });
}

TEST_F(Ssl, AnIntermediateWithTheRightNameButAnotherKeyIsSaidToBeSentWithTheWrongKey)
{
    // The server sends its leaf with an intermediate named like the real one but made with
    // another key (so the leaf's signature does not verify with it).
    std::string fake = pki->dir + "/fake_inter";
    std::string cmd = std::string("cd '") + pki->dir + "' && " + TestPki::kOpenssl +
                      " req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                      "-keyout fake_inter.key -config pki.cnf -extensions inter -subj "
                      "'/O=oatemu tests/CN=oatemu test intermediate' -days 30 -out fake_inter.pem "
                      ">fake_inter.log 2>&1 && cat leaf.pem fake_inter.pem leaf.key > fake_chain.pem";
    ASSERT_EQ(0, std::system(cmd.c_str())) << TestPki::slurp(fake + ".log");
    TlsPeer::Config c = echo_cfg();
    c.chain = pki->dir + "/fake_chain.pem";
    start_peer(c);
    boot_to_peer();
    init_root();
    connect();
    expect_cert_failure({ "the server sent a certificate named", "oatemu test intermediate",
                          "its key does not match the signature of" });
    EXPECT_FALSE(contains(traces(), "nor sent by the server")) << traces();
}

TEST_F(Ssl, ExpiredLeafFailsWithErrnum1AndSaysExpired)
{
    start_peer(echo_cfg());
    boot_to_peer({ rtc_at(pki->made_at + (TestPki::kLeafDays + 30) * kDay) });
    init_root();
    connect();
    expect_cert_failure({ "expired" });
}

TEST_F(Ssl, NotYetValidLeafFails)
{
    start_peer(echo_cfg());
    boot_to_peer({ rtc_at(pki->made_at - 2 * kDay) });
    init_root();
    connect();
    expect_cert_failure({ "not valid before" });
}

TEST_F(Ssl, WrongHostNameFails)
{
    start_peer(echo_cfg());   // the leaf names localhost, server.test, 127.0.0.1
    boot_to_peer();
    init_root();
    connect("other.test");
    expect_cert_failure({ "host name", "other.test" });
}

TEST_F(Ssl, TheOtherNameLeafFailsForServerTestButTheHostnameOptionMatchesIt)
{
    TlsPeer::Config c = echo_cfg();
    c.chain = pki->other_chain;   // the leaf names other.test only
    start_peer(c);
    boot_to_peer();
    init_root();
    connect("server.test");
    expect_cert_failure({ "host name", "server.test" });
    task([&] { wip_close(ch); });
    events.clear();
    task([&] {
        ch = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx, WIP_COPT_SSL_HOSTNAME,
                                     "other.test", WIP_COPT_END);
    });
    ASSERT_NE(nullptr, ch);
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces();
    EXPECT_EQ(0, count(WIP_CEV_ERROR, ch));
}

TEST_F(Ssl, VerifyNeverSucceedsWithoutCa)
{
    start_peer(echo_cfg());
    boot_to_peer();
    task([&] { EXPECT_EQ(0, wip_SSLInitOpts(WIP_COPT_VERIFY, WIP_SSL_NEVER, WIP_COPT_END)); });
    connect("other.test");   // not even the name is checked
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces();
    EXPECT_EQ(0, count(WIP_CEV_ERROR, ch));
    EXPECT_EQ("abc", echo("abc"));
}

TEST_F(Ssl, NoCaWithTheDefaultVerifyModeFailsAndSaysNoCaIsLoaded)
{
    start_peer(echo_cfg());
    boot_to_peer();
    task([&] { EXPECT_EQ(0, wip_SSLInit()); });
    connect();
    expect_cert_failure({ "no CA" });
}

TEST_F(Ssl, OptionalVerifyTracesButOpens)
{
    start_peer(echo_cfg());
    boot_to_peer();
    task([&] {
        EXPECT_EQ(0, wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY, pki->inter_text.c_str(),
                                     WIP_COPT_VERIFY, WIP_SSL_OPTIONAL, WIP_COPT_END));
    });
    connect();
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces();
    EXPECT_EQ(0, count(WIP_CEV_ERROR, ch));
    std::string t = traces();
    EXPECT_TRUE(contains(t, "intermediate")) << t;
    EXPECT_EQ("opt", echo("opt"));
}

TEST_F(Ssl, PerChannelCaAndVerifyOverrideTheInitOnes)
{
    start_peer(echo_cfg());
    boot_to_peer();
    task([&] {
        EXPECT_EQ(0, wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY, pki->inter_text.c_str(),
                                     WIP_COPT_END));
    });
    task([&] {
        ch = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx, WIP_COPT_CERT_AUTHORITY,
                                     pki->root_text.c_str(), WIP_COPT_VERIFY, WIP_SSL_ALWAYS,
                                     WIP_COPT_END);
    });
    ASSERT_NE(nullptr, ch) << traces();
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces();
    EXPECT_EQ(0, count(WIP_CEV_ERROR, ch));
}

TEST_F(Ssl, CaAsDerBufferAndAsFileVerify)
{
    start_peer(echo_cfg());
    boot_to_peer();
    task([&] {
        EXPECT_EQ(0, wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY_DER,
                                     (const u8 *)pki->root_der_bytes.data(),
                                     (u32)pki->root_der_bytes.size(), WIP_COPT_END));
    });
    connect();
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces();
    task([&] { wip_close(ch); });
    events.clear();
    task([&] {
        EXPECT_EQ(0, wip_SSLClose());
        EXPECT_EQ(0, wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY_FILE, pki->root_pem.c_str(),
                                     WIP_COPT_END));
    });
    connect();
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces();
    EXPECT_EQ(0, count(WIP_CEV_ERROR, ch));
}

TEST_F(Ssl, AClientCertificateIsSentWhenThePeerRequiresOne)
{
    TlsPeer::Config c = echo_cfg();
    c.max_version = "TLS1.2";   // a refusal then ends the handshake itself
    c.client_ca = pki->root_pem;
    start_peer(c);
    boot_to_peer();
    init_root();
    connect();
    ASSERT_TRUE(has(WIP_CEV_ERROR)) << "no client certificate: the peer refuses";
    // The peer sends its alert and closes with our last flight unread, so a reset may beat
    // the alert: a handshake failure or the socket's PIPE_BROKEN.
    s32 err = last(WIP_CEV_ERROR, ch)->err;
    EXPECT_TRUE(err == WIP_SSL_ERR_HANDSHAKE || err == WIP_CERR_PIPE_BROKEN) << err << traces();
    EXPECT_EQ(0, count(WIP_CEV_OPEN, ch));
    task([&] { wip_close(ch); });
    events.clear();
    task([&] {
        ch = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx, WIP_COPT_SSL_CLIENT_CERT,
                                     pki->client_text.c_str(), WIP_COPT_SSL_CLIENT_KEY,
                                     pki->client_key_text.c_str(), WIP_COPT_END);
    });
    ASSERT_NE(nullptr, ch) << traces();
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces() << peer->log();
    EXPECT_EQ("mutual", echo("mutual"));
}

// ---- versions and suites -----------------------------------------------------------------

TEST_F(Ssl, Tls13Works)
{
    TlsPeer::Config c = echo_cfg();
    c.min_version = "TLS1.3";
    start_peer(c);
    boot_to_peer({ "--ssl-keylog=" + new_keylog_path() });
    init_root();
    task([&] {
        ch = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx,
                                     WIP_COPT_SSL_MIN_VERSION, WIP_SSL_TLS_1_3, WIP_COPT_END);
    });
    ASSERT_NE(nullptr, ch) << traces();
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces() << peer->log();
    EXPECT_EQ("tls13", echo("tls13"));
    EXPECT_EQ(1u, keylog_lines("CLIENT_HANDSHAKE_TRAFFIC_SECRET").size()) << "a TLS 1.3 session";
    EXPECT_EQ(0u, keylog_lines("CLIENT_RANDOM").size());
}

TEST_F(Ssl, Tls12WithAnEcdheSuiteWorks)
{
    TlsPeer::Config c = echo_cfg();
    c.max_version = "TLS1.2";
    c.ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256";
    start_peer(c);
    boot_to_peer({ "--ssl-keylog=" + new_keylog_path() });
    init_root();
    task([&] {
        ch = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx, WIP_COPT_SSL_CIPHERS,
                                     "ECDHE-ECDSA-AES128-GCM-SHA256", WIP_COPT_SSL_MIN_VERSION,
                                     WIP_SSL_TLS_1_2, WIP_COPT_END);
    });
    ASSERT_NE(nullptr, ch) << traces();
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces() << peer->log();
    EXPECT_EQ("tls12", echo("tls12"));
    EXPECT_EQ(1u, keylog_lines("CLIENT_RANDOM").size()) << "a TLS 1.2 session";
    EXPECT_EQ(0u, keylog_lines("CLIENT_HANDSHAKE_TRAFFIC_SECRET").size());
}

TEST_F(Ssl, MinimumTls13AgainstATls12PeerFailsWithErrnum2)
{
    TlsPeer::Config c = echo_cfg();
    c.max_version = "TLS1.2";
    start_peer(c);
    boot_to_peer();
    init_root();
    task([&] {
        ch = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx,
                                     WIP_COPT_SSL_MIN_VERSION, WIP_SSL_TLS_1_3, WIP_COPT_END);
    });
    ASSERT_NE(nullptr, ch) << traces();
    ASSERT_TRUE(has(WIP_CEV_ERROR)) << traces();
    EXPECT_EQ(WIP_SSL_ERR_HANDSHAKE, last(WIP_CEV_ERROR, ch)->err) << traces();
    EXPECT_EQ(0, count(WIP_CEV_OPEN, ch));
}

// ---- data --------------------------------------------------------------------------------

TEST_F(Ssl, OneMegabyteEchoedByteExactPacedByWriteEventsWithMinusOneWritesRetried)
{
    if (!TlsPeer::can_echo())
        GTEST_SKIP() << "a byte-exact echo peer needs socat";
    // A small receive window at the peer: the host kernel cannot absorb the whole megabyte
    // at once, so records wait in the TLS layer and writes meet -1.
    TlsPeer::Config c = echo_cfg();
    c.rcvbuf = 4096;
    start_peer(c);
    boot_to_peer();
    init_root();
    const size_t total = 1u << 20;
    std::vector<char> data(total);
    std::mt19937 rng(11);
    for (auto &b : data)
        b = (char)rng();
    size_t off = 0;
    int refused = 0, writes = 0, bad = 0;
    std::string got;
    bool open = false;
    auto pump = [&] {
        while (off < total) {
            u32 want = (u32)std::min<size_t>(4096 + rng() % (16384 - 4096 + 1), total - off);
            int n = wip_write(ch, data.data() + off, want);
            if (n == -1) {
                refused++;
                return;   // retried on the next WRITE event
            }
            if (n != (int)want) {
                bad++;
                return;
            }
            writes++;
            off += want;
        }
    };
    on_event = [&](wip_event_t *ev, void *) {
        if (ev->kind == WIP_CEV_WRITE) {
            open = true;
            pump();
        } else if (ev->kind == WIP_CEV_READ) {
            got += drain(ev->channel);
        }
    };
    connect();
    ASSERT_TRUE(wait_until([&] { return got.size() >= total || bad || count(WIP_CEV_ERROR, ch); },
                           60000))
        << "sent " << off << ", echoed " << got.size() << ", " << traces();
    EXPECT_TRUE(open);
    EXPECT_EQ(0, bad) << "a write took part of the buffer";
    EXPECT_EQ(0, count(WIP_CEV_ERROR, ch)) << traces();
    EXPECT_EQ(total, off);
    EXPECT_GT(refused, 0) << "writes faster than the link must meet -1";
    EXPECT_EQ(total, got.size());
    EXPECT_TRUE(got == std::string(data.begin(), data.end())) << "the echo differs";
    std::printf("[   INFO   ] %d writes taken, %d refused with -1, %d WRITE events\n", writes,
                refused, count(WIP_CEV_WRITE, ch));
    EXPECT_GE(count(WIP_CEV_WRITE, ch), refused) << "every -1 is followed by a WRITE event";
}

TEST_F(Ssl, WritesAbove16384AreOutOfRange)
{
    start_peer(echo_cfg());
    boot_to_peer();
    init_root();
    connect();
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces();
    std::vector<char> big(WIP_SSL_WRITE_MAX + 1, 'b');
    int over = 0, max = 0;
    task([&] {
        over = wip_write(ch, big.data(), (u32)big.size());
        max = wip_write(ch, big.data(), WIP_SSL_WRITE_MAX);
    });
    EXPECT_EQ(WIP_CERR_OUT_OF_RANGE, over);
    EXPECT_EQ(WIP_SSL_WRITE_MAX, max);
    EXPECT_TRUE(contains(traces(), "16384"));
    EXPECT_EQ(WIP_CSTATE_READY, wip_getState(ch)) << "an out-of-range write changes nothing";
}

TEST_F(Ssl, PeerEndOfSessionGivesInvalidThenCloseThenFinalizerOnce)
{
    TlsPeer::Config c = echo_cfg();
    c.mode = TlsPeer::GreetThenClose;
    c.greeting = "hello";
    start_peer(c);
    boot_to_peer();
    init_root();
    std::string got;
    on_event = [&](wip_event_t *ev, void *) {
        if (ev->kind == WIP_CEV_READ)
            got += drain(ev->channel);
    };
    task([&] {
        ch = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx, WIP_COPT_FINALIZER,
                                     count_finalizer, WIP_COPT_END);
    });
    ASSERT_NE(nullptr, ch) << traces();
    ASSERT_TRUE(has(WIP_CEV_INVALID)) << traces() << peer->log();
    EXPECT_EQ("hello", got);
    auto k = kinds(ch);
    std::string seq;
    for (const auto &e : events.snapshot())
        if (e.ch == ch)
            seq += std::to_string(e.kind) + (e.kind == WIP_CEV_READ ? "(" + std::to_string(e.readable) + ") " : " ");
    EXPECT_EQ(WIP_CEV_OPEN, k.front()) << seq;
    EXPECT_EQ(WIP_CEV_INVALID, k.back()) << "the session ends with INVALID; events: " << seq;
    EXPECT_EQ(1, count(WIP_CEV_INVALID, ch));
    EXPECT_EQ(0, count(WIP_CEV_PEER_CLOSE, ch)) << "SSL channels give INVALID, not PEER_CLOSE";
    EXPECT_EQ(0, count(WIP_CEV_ERROR, ch));
    EXPECT_EQ(0, g_finalized);
    size_t before = events.size();
    task([&] { EXPECT_EQ(0, wip_close(ch)); });
    EXPECT_TRUE(wait_until([&] { return g_finalized > 0; })) << traces();
    oat_shim_advance_ms(2000);
    EXPECT_EQ(1, g_finalized);
    EXPECT_EQ(before, events.size()) << "no event after wip_close";
}

TEST_F(Ssl, FinalizerRunsOnceAfterACloseByTheApplication)
{
    start_peer(echo_cfg());
    boot_to_peer();
    init_root();
    task([&] {
        ch = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx, WIP_COPT_FINALIZER,
                                     count_finalizer, WIP_COPT_END);
    });
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces();
    task([&] {
        EXPECT_EQ(0, wip_close(ch));
        EXPECT_EQ(0, g_finalized) << "the finalizer runs after the shutdown, not inside wip_close";
    });
    EXPECT_TRUE(wait_until([&] { return g_finalized > 0; })) << traces();
    oat_shim_advance_ms(2000);
    EXPECT_EQ(1, g_finalized);
}

// ---- life cycle --------------------------------------------------------------------------

struct CycleState {
    wip_bearer_t bearer = nullptr;
    bool ip_up = false, stopped_done = false;
    int bearer_close_rc = 1, net_exit_rc = 1, ssl_close_rc = 1, stop_rc = 1;
    int finalized = 0;
};
CycleState *g_cycle;

void cycle_bearer_handler(wip_bearer_t b, s8 ev, void *)
{
    if (ev == WIP_BEV_IP_CONNECTED)
        g_cycle->ip_up = true;
    if (ev == WIP_BEV_STOPPED) {
        g_cycle->bearer_close_rc = wip_bearerClose(b);
        g_cycle->net_exit_rc = wip_netExit();
        g_cycle->stopped_done = true;
    }
}

void cycle_finalizer(void *)
{
    g_cycle->finalized++;
    g_cycle->ssl_close_rc = wip_SSLClose();
    g_cycle->stop_rc = wip_bearerStop(g_cycle->bearer);
    if (g_cycle->stop_rc == 0) {   // stopped at once: no STOPPED event to wait for
        g_cycle->bearer_close_rc = wip_bearerClose(g_cycle->bearer);
        g_cycle->net_exit_rc = wip_netExit();
        g_cycle->stopped_done = true;
    }
}

TEST_F(Ssl, TwoHundredCyclesOfInitBearerConnectExchangeCloseLeaveNothingBehind)
{
    if (!TlsPeer::can_echo())
        GTEST_SKIP() << "the exchange needs an echo peer (socat)";
    start_peer(echo_cfg());
    std::string p = std::to_string(peer->port());
    boot({ "--host-map=server.test=127.0.0.1:" + p });
    task([] { EXPECT_EQ(0, wip_netExit()); });   // every cycle starts from wip_netInit
    CycleState st;
    g_cycle = &st;
    std::string got;
    bool wrote = false;
    on_event = [&](wip_event_t *ev, void *) {
        if (ev->kind == WIP_CEV_WRITE && !wrote)
            wrote = wip_write(ev->channel, "ping", 4) == 4;
        if (ev->kind == WIP_CEV_READ) {
            got += drain(ev->channel);
            if (got.size() >= 4)
                wip_close(ev->channel);
        }
        if (ev->kind == WIP_CEV_ERROR || ev->kind == WIP_CEV_INVALID)
            wip_close(ev->channel);
    };
    auto one_cycle = [&](int i) {
        st = CycleState{};
        got.clear();
        wrote = false;
        events.clear();
        task([&] {
            ASSERT_EQ(0, wip_netInit());
            ASSERT_EQ(0, wip_bearerOpen(&st.bearer, "GPRS", cycle_bearer_handler, nullptr));
            s8 rc = wip_bearerStart(st.bearer);
            ASSERT_TRUE(rc == 0 || rc == WIP_BERR_OK_INPROGRESS) << (int)rc;
        });
        oat_shim_advance_ms(5000);
        ASSERT_TRUE(st.ip_up) << "cycle " << i;
        task([&] {
            ASSERT_EQ(0, wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY, pki->root_text.c_str(),
                                         WIP_COPT_VERIFY, WIP_SSL_ALWAYS, WIP_COPT_END));
            ch = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx, WIP_COPT_FINALIZER,
                                         cycle_finalizer, WIP_COPT_END);
            ASSERT_NE(nullptr, ch);
        });
        ASSERT_TRUE(wait_until([&] { return st.finalized > 0; }, 10000))
            << "cycle " << i << ": " << traces();
        ASSERT_EQ("ping", got) << "cycle " << i << ": " << traces();
        oat_shim_advance_ms(5000);   // the bearer stops
        ASSERT_TRUE(st.stopped_done) << "cycle " << i;
        ASSERT_EQ(1, st.finalized);
        ASSERT_EQ(0, st.ssl_close_rc);
        ASSERT_TRUE(st.stop_rc == 0 || st.stop_rc == WIP_BERR_OK_INPROGRESS) << st.stop_rc;
        ASSERT_EQ(0, st.bearer_close_rc);
        ASSERT_EQ(0, st.net_exit_rc);
        ASSERT_EQ(0, count(WIP_CEV_ERROR)) << traces();
        traces();   // drained every cycle, so the trace buffer does not count as a leak
    };
    for (int i = 0; i < 10; i++) {   // warm-up: allocator pools, first-use state
        one_cycle(i);
        if (HasFatalFailure())
            return;
    }
    bool warm = false;
    task([&] { warm = warm_openssl_caches(*pki, 1000); });
    ASSERT_TRUE(warm) << "in-memory handshakes failed";
    traces();
    int fds = open_descriptors();
    size_t heap = heap_in_use();
    for (int i = 0; i < 200; i++) {
        one_cycle(i);
        if (HasFatalFailure())
            return;
    }
    EXPECT_TRUE(wait_until([&] { return open_descriptors() == fds; })) << open_descriptors() << " vs " << fds;
    EXPECT_LT(heap_in_use(), heap + 16 * 1024) << "heap grew from " << heap;
    g_cycle = nullptr;
}

TEST_F(Ssl, KeyLogFileGetsOneSecretLinePerSession)
{
    start_peer(echo_cfg());
    boot_to_peer({ "--ssl-keylog=" + new_keylog_path() });
    init_root();
    const int sessions = 3;
    for (int i = 0; i < sessions; i++) {
        events.clear();
        connect();
        ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces();
        task([&] { wip_close(ch); });
    }
    oat_shim_advance_ms(1000);
    auto lines = keylog_lines("CLIENT_HANDSHAKE_TRAFFIC_SECRET");
    auto lines12 = keylog_lines("CLIENT_RANDOM");
    auto &per_session = lines.empty() ? lines12 : lines;
    ASSERT_EQ((size_t)sessions, per_session.size()) << TestPki::slurp(keylog_path);
    std::set<std::string> randoms;
    for (const auto &l : per_session) {
        std::istringstream ss(l);
        std::string label, random, secret;
        ss >> label >> random >> secret;
        EXPECT_EQ(64u, random.size()) << l;
        EXPECT_GE(secret.size(), 64u) << l;
        EXPECT_EQ(std::string::npos, (random + secret).find_first_not_of("0123456789abcdefABCDEF"))
            << l;
        randoms.insert(random);
    }
    EXPECT_EQ((size_t)sessions, randoms.size()) << "one client random per session";
}

TEST_F(Ssl, SslCloseMakesLaterCreatesFailUntilInitAgain)
{
    start_peer(echo_cfg());
    boot_to_peer();
    init_root();
    task([&] { EXPECT_EQ(0, wip_SSLClose()); });
    traces();
    wip_channel_t none = reinterpret_cast<wip_channel_t>(1);
    task([&] { none = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx, WIP_COPT_END); });
    EXPECT_EQ(nullptr, none);
    std::string t = traces();
    EXPECT_TRUE(contains(t, "wip_SSLClientCreate")) << t;
    task([&] { none = wip_SSLClientCreate("server.test", kPort, handler, &ctx); });
    EXPECT_EQ(nullptr, none);
    init_root();
    connect();
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces();
    EXPECT_EQ("again", echo("again"));
}

TEST_F(Ssl, CreateBeforeAnyInitFails)
{
    start_peer(echo_cfg());
    boot_to_peer();
    wip_channel_t none = reinterpret_cast<wip_channel_t>(1);
    task([&] { none = wip_SSLClientCreate("server.test", kPort, handler, &ctx); });
    EXPECT_EQ(nullptr, none);
    EXPECT_FALSE(traces().empty());
}

TEST_F(Ssl, BadInputs)
{
    start_peer(echo_cfg());
    boot_to_peer();
    traces();
    s8 rc = 0;
    task([&] { rc = wip_SSLInitOpts(WIP_COPT_VERIFY, 7, WIP_COPT_END); });
    EXPECT_LT(rc, 0) << "verify mode 7";
    EXPECT_FALSE(traces().empty());
    task([&] {
        rc = wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY, "-----BEGIN CERTIFICATE-----\ngarbage\n"
                                                      "-----END CERTIFICATE-----\n",
                             WIP_COPT_END);
    });
    EXPECT_LT(rc, 0) << "garbage PEM";
    std::string t = traces();
    EXPECT_TRUE(contains(t, "WIP_COPT_CERT_AUTHORITY")) << t;
    task([&] { rc = wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY, "not a certificate", WIP_COPT_END); });
    EXPECT_LT(rc, 0) << "text without PEM";
    task([&] { rc = wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY_FILE, "/nonexistent/ca.pem", WIP_COPT_END); });
    EXPECT_LT(rc, 0) << "missing CA file";
    task([&] { rc = wip_SSLInitOpts(WIP_COPT_PORT, (u16)80, WIP_COPT_END); });
    EXPECT_LT(rc, 0) << "a TCP option is not an SSL init option";
    traces();

    init_root();
    wip_channel_t c = reinterpret_cast<wip_channel_t>(1);
    task([&] { c = wip_SSLClientCreateOpts(nullptr, kPort, handler, &ctx, WIP_COPT_END); });
    EXPECT_EQ(nullptr, c) << "NULL host";
    EXPECT_FALSE(traces().empty());
    c = reinterpret_cast<wip_channel_t>(1);
    task([&] { c = wip_SSLClientCreateOpts("server.test", 0, handler, &ctx, WIP_COPT_END); });
    EXPECT_EQ(nullptr, c) << "port 0";
    EXPECT_FALSE(traces().empty());
    c = reinterpret_cast<wip_channel_t>(1);
    task([&] {
        c = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx, WIP_COPT_VERIFY, 9,
                                    WIP_COPT_END);
    });
    EXPECT_EQ(nullptr, c) << "verify mode 9";
    c = reinterpret_cast<wip_channel_t>(1);
    task([&] {
        c = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx, WIP_COPT_CERT_AUTHORITY,
                                    "garbage", WIP_COPT_END);
    });
    EXPECT_EQ(nullptr, c) << "garbage per-channel CA";
    c = reinterpret_cast<wip_channel_t>(1);
    task([&] {
        c = wip_SSLClientCreateOpts("server.test", kPort, handler, &ctx, WIP_COPT_SSL_MIN_VERSION,
                                    99, WIP_COPT_END);
    });
    EXPECT_EQ(nullptr, c) << "version 99";
    c = reinterpret_cast<wip_channel_t>(1);
    task([&] { c = wip_SSLClientCreateOpts("server.test", kPort, nullptr, &ctx, WIP_COPT_END); });
    EXPECT_EQ(nullptr, c) << "no event handler";
    // The failures left the library usable.
    connect();
    ASSERT_TRUE(has(WIP_CEV_WRITE)) << traces();
}

}  // namespace
