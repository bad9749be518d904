// module_cpu_test.cpp: --module-cpu: an SSL open against a TLS echo peer on 127.0.0.1 comes
// the profile's time for the handshake's public-key operations after the create (virtual
// clock; the expected time counted here from the test PKI and the negotiated handshake), and
// off it comes as fast as the host.
#include "test_pki.h"
#include "tls_peer.h"
#include "wip_fixture.h"

extern "C" {
#include "wip/module_cpu.h"
}
#include "wip_ssl.h"

#include <cstring>
#include <memory>

namespace {

class ModuleCpu : public WipTest {
protected:
    char ctx = 'c';
    wip_channel_t ch = nullptr;
    const TestPki *pki = nullptr;
    std::unique_ptr<TlsPeer> peer;

    void SetUp() override
    {
        if (!TlsPeer::available())
            GTEST_SKIP() << "neither socat nor openssl is installed";
        pki = TestPki::get();
        ASSERT_NE(nullptr, pki);
        TlsPeer::Config cfg;
        cfg.chain = pki->leaf_chain;
        peer = std::make_unique<TlsPeer>(cfg);
        ASSERT_TRUE(peer->ready()) << peer->log();
    }
    void TearDown() override
    {
        WipTest::TearDown();
        peer.reset();
    }
    // Boot, bring the bearer up, open an SSL client; the emulated ms from create to OPEN.
    long long open_ms(std::vector<std::string> flags)
    {
        flags.push_back("--host-map=server.test=127.0.0.1:" + std::to_string(peer->port()));
        boot(flags);
        start_bearer();
        long long created = oatemu_now_ms();
        task([&] {
            EXPECT_EQ(0, wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY, pki->root_text.c_str(),
                                         WIP_COPT_END));
            ch = wip_SSLClientCreate("server.test", 443, handler, &ctx);
        });
        EXPECT_NE(nullptr, ch);
        // The handshake runs against the host peer (host time); then the CPU's span passes
        // in emulated time.
        for (int i = 0; i < 500 && !cpu_traced && count(WIP_CEV_OPEN, ch) == 0; i++) {
            wait_until([&] { return count(WIP_CEV_OPEN, ch) > 0; }, 10);
            seen += traces();
            cpu_traced = seen.find("CPU spends") != std::string::npos;
        }
        oatemu_advance_ms(60000);
        const WipEv *open = last(WIP_CEV_OPEN, ch);
        return open ? open->at_ms - created : -1;
    }
    std::string seen;
    bool cpu_traced = false;
};

TEST_F(ModuleCpu, Arm9OpensAfterTheModelledPublicKeyTime)
{
    long long ms = open_ms({ "--module-cpu=arm9-104mhz" });
    ASSERT_GT(ms, 0) << seen;
    // The test PKI: ECDSA P-256 leaf and intermediate under a root (the trust anchor, not
    // verified): 2 chain verifies + the handshake signature (leaf key), and an ECDHE on a
    // 256-bit group (X25519 or P-256): a key pair and an agreement.
    long long expected = (3 * oat_module_cpu_op_us(OAT_CPU_EC_VERIFY, 256) +
                          2 * oat_module_cpu_op_us(OAT_CPU_EC_MULT, 256)) / 1000;
    ASSERT_GT(expected, 10000) << "tens of seconds on the module's CPU";
    EXPECT_NEAR((double)expected, (double)ms, expected * 0.10);
    EXPECT_TRUE(cpu_traced);
}

TEST_F(ModuleCpu, OffOpensAsFastAsTheHost)
{
    long long ms = open_ms({});
    ASSERT_GE(ms, 0) << seen;
    EXPECT_LT(ms, 1000);
    EXPECT_EQ(0, oat_module_cpu_op_us(OAT_CPU_EC_VERIFY, 256));
}

TEST_F(ModuleCpu, AnUnknownProfileIsRefused)
{
    static const char *const flags[] = { "--module-cpu=pentium", nullptr };
    EXPECT_EQ(-1, oatemu_boot(flags));
    char err[128];
    EXPECT_EQ(-1, oat_module_cpu_option_set("z80", err, sizeof err));
    EXPECT_NE(nullptr, strstr(err, "is not a profile"));
}

}  // namespace
