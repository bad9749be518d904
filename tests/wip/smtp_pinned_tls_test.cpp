// smtp_pinned_tls_test.cpp: the SMTP client against npm smtp-server instances whose TLS is
// pinned on the server side: ECDHE-only TLS 1.2 (an AES-GCM and a CBC-SHA suite), TLS
// 1.3-only, a client that asks for TLS 1.3 against a TLS 1.2 server, a server that sends its
// leaf without the intermediate, a certificate that does not name the host, and reply
// timeouts while TLS is up (implicit TLS, and DATA and the end of data after STARTTLS).
#include "smtp_servers.h"

#include <chrono>

#include "wip_smtp.h"

namespace {

class SmtpTls : public SmtpSuite {
protected:
    void SetUp() override
    {
        if (!node_ready())
            GTEST_SKIP() << "tests/smtp-servers/setup.sh was not run (npm smtp-server)";
    }
    // The emulator booted with host:25 mapped to the server, the Security library loaded
    // with the CA files given.
    void boot_with(int port, std::vector<std::string> cas, int min_version = 0,
                   const char *host = "smtp.example.com")
    {
        boot({ std::string("--host-map=") + host + ":25=127.0.0.1:" + std::to_string(port) });
        start_bearer();
        task([&] {
            s8 rc = cas.size() == 1
                        ? wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY_FILE, cas[0].c_str(),
                                          WIP_COPT_SSL_MIN_VERSION,
                                          min_version ? min_version : WIP_SSL_TLS_1_2, WIP_COPT_END)
                        : wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY_FILE, cas[0].c_str(),
                                          WIP_COPT_CERT_AUTHORITY_FILE, cas[1].c_str(),
                                          WIP_COPT_END);
            ASSERT_EQ(0, rc) << traces();
        });
    }
    void session_to(int security, const char *host = "smtp.example.com", u32 timeout_ms = 0)
    {
        create([=] {
            wip_channel_t s = wip_SMTPClientCreateOpts(host, handler, &ctx, WIP_COPT_SMTP_SECURITY,
                                                       security, WIP_COPT_USER, "mailer",
                                                       WIP_COPT_PASSWORD, "s3cret",
                                                       WIP_COPT_SMTP_AUTH_TYPE, WIP_SMTP_AUTH_PLAIN,
                                                       WIP_COPT_END);
            if (s && timeout_ms)
                EXPECT_EQ(0, wip_setOpts(s, WIP_COPT_TIMEOUT, timeout_ms, WIP_COPT_END));
            return s;
        });
    }
    void expect_done(const SpoolServer &server)
    {
        ASSERT_TRUE(wait_until([&] { return ended(); }, 20000)) << traces() << server.log();
        ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces() << server.log();
        ASSERT_TRUE(wait_until([&] { return server.received() == 1; })) << server.log();
    }
    // The session failed on TLS before anything was authenticated or sent.
    void expect_tls_failure(const SpoolServer &server)
    {
        ASSERT_TRUE(wait_until([&] { return ended(); }, 20000)) << traces() << server.log();
        ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces() << server.log();
        EXPECT_EQ(WIP_SMTP_ERR_TLS, last(WIP_CEV_ERROR, session)->err) << traces();
        EXPECT_EQ(0, count(WIP_CEV_OPEN, session));
        EXPECT_EQ(std::string::npos, server.log().find("AUTH")) << "no credentials sent";
        EXPECT_EQ(0, server.received());
    }
    std::string ca() const { return pki() + "/ca.pem"; }
    std::string auth_methods = " --auth-methods PLAIN";
};

TEST_F(SmtpTls, AnEcdheOnlyTls12ServerIsReachedWithAnEcdheGcmSuite)
{
    SpoolServer server(dir, node_server(pki(), "--ciphers ECDHE-ECDSA-AES128-GCM-SHA256 "
                                               "--max-tls TLSv1.2" + auth_methods));
    ASSERT_NE(0, server.port());
    boot_with(server.port(), { ca() });
    mail_on_open("ECDHE over TLS 1.2\n");
    session_to(WIP_SMTP_SEC_STARTTLS);
    expect_done(server);
    EXPECT_NE(std::string::npos, server.log().find("TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256"))
        << server.log();
    EXPECT_NE(std::string::npos, server.log().find("AUTH PLAIN ok"));
}

TEST_F(SmtpTls, AnEcdheCbcShaOnlyServerIsReachedToo)
{
    // The suite family ip_app_smtp could not negotiate (TLS_ECDHE_*_WITH_AES_256_CBC_SHA).
    SpoolServer server(dir, node_server(pki(), "--ciphers ECDHE-ECDSA-AES256-SHA "
                                               "--max-tls TLSv1.2" + auth_methods));
    ASSERT_NE(0, server.port());
    boot_with(server.port(), { ca() });
    mail_on_open("ECDHE CBC-SHA\n");
    session_to(WIP_SMTP_SEC_STARTTLS);
    expect_done(server);
    EXPECT_NE(std::string::npos, server.log().find("TLSv1.2 ECDHE-ECDSA-AES256-SHA")) << server.log();
}

TEST_F(SmtpTls, ATls13OnlyServerIsReachedWithImplicitTls)
{
    SpoolServer server(dir, node_server(pki(), "--secure --min-tls TLSv1.3" + auth_methods));
    ASSERT_NE(0, server.port());
    boot_with(server.port(), { ca() });
    mail_on_open("TLS 1.3 only\n");
    session_to(WIP_SMTP_SEC_TLS);
    expect_done(server);
    EXPECT_NE(std::string::npos, server.log().find("TLSv1.3")) << server.log();
    EXPECT_NE(std::string::npos, server.env(1).find("tls: yes"));
}

TEST_F(SmtpTls, AClientAskingForTls13FailsAgainstATls12OnlyServer)
{
    SpoolServer server(dir, node_server(pki(), "--max-tls TLSv1.2" + auth_methods));
    ASSERT_NE(0, server.port());
    boot_with(server.port(), { ca() }, WIP_SSL_TLS_1_3);
    mail_on_open("never sent\n");
    session_to(WIP_SMTP_SEC_STARTTLS);
    expect_tls_failure(server);
    EXPECT_NE(std::string::npos, traces().find("TLS failed: no common version or suite")) << traces();
}

TEST_F(SmtpTls, ALeafSentWithoutItsIntermediateFailsUnlessTheIntermediateIsTrusted)
{
    std::string opts = "--secure" + auth_methods;
    SpoolServer server(dir, "node " OATEMU_SOURCE_DIR "/tests/smtp-servers/node_server.js --cert " +
                                pki() + "/leaf.pem --key " + pki() + "/server.key " + opts);
    ASSERT_NE(0, server.port());
    boot_with(server.port(), { ca() });
    mail_on_open("never sent\n");
    session_to(WIP_SMTP_SEC_TLS);
    expect_tls_failure(server);
    std::string why = traces();    // the trace says what is missing
    EXPECT_NE(std::string::npos, why.find("certificate did not verify")) << why;
    EXPECT_NE(std::string::npos, why.find("the server's chain is incomplete")) << why;

    // The intermediate trusted as well: the chain is complete on the client's side.
    oat_shim_stop();
    events.clear();
    boot_with(server.port(), { ca(), pki() + "/intermediate.pem" });
    mail_on_open("the intermediate is trusted\n");
    session_to(WIP_SMTP_SEC_TLS);
    expect_done(server);
}

TEST_F(SmtpTls, ACertificateThatDoesNotNameTheHostFailsBeforeAnyCredential)
{
    SpoolServer server(dir, node_server(pki(), "--secure" + auth_methods));
    ASSERT_NE(0, server.port());
    boot_with(server.port(), { ca() }, 0, "mail.wrong-name.test");
    mail_on_open("never sent\n");
    session_to(WIP_SMTP_SEC_TLS, "mail.wrong-name.test");
    expect_tls_failure(server);
    EXPECT_NE(std::string::npos, traces().find("mail.wrong-name.test")) << traces();
}

TEST_F(SmtpTls, NoReplyUnderImplicitTlsTimesOut)
{
    SpoolServer server(dir, node_server(pki(), "--secure --delay-reply EHLO:30000" + auth_methods));
    ASSERT_NE(0, server.port());
    boot_with(server.port(), { ca() });
    mail_on_open("never sent\n");
    session_to(WIP_SMTP_SEC_TLS, "smtp.example.com", 2000);
    ASSERT_TRUE(wait_until([&] { return server.log().find("delaying the reply to EHLO") !=
                                        std::string::npos; }, 20000)) << traces() << server.log();
    long long t0 = oat_shim_now_ms();
    auto h0 = std::chrono::steady_clock::now();
    oat_shim_advance_ms(3000);      // the clock holds for the reply up to 2 s of host time
    long long host_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - h0).count();
    ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces();
    EXPECT_EQ(WIP_CERR_TIMEOUT, last(WIP_CEV_ERROR, session)->err);
    EXPECT_LE(last(WIP_CEV_ERROR, session)->at_ms - t0, 2000);
    EXPECT_LT(host_ms, 10000);
    EXPECT_NE(std::string::npos, traces().find("no reply from the server in time"));
}

TEST_F(SmtpTls, NoReplyToDataAfterStarttlsTimesOutTheDataChannelAndTheSession)
{
    SpoolServer server(dir, node_server(pki(), "--delay-reply DATA:30000" + auth_methods));
    ASSERT_NE(0, server.port());
    boot_with(server.port(), { ca() });
    mail_on_open("never sent: no 354\n");
    session_to(WIP_SMTP_SEC_STARTTLS, "smtp.example.com", 2000);
    ASSERT_TRUE(wait_until([&] { return server.log().find("delaying the reply to DATA") !=
                                        std::string::npos; }, 20000)) << traces() << server.log();
    oat_shim_advance_ms(3000);
    ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces();
    EXPECT_EQ(WIP_CERR_TIMEOUT, last(WIP_CEV_ERROR, session)->err);
    ASSERT_NE(nullptr, data);
    ASSERT_EQ(1, count(WIP_CEV_ERROR, data)) << "the open data channel hears it";
    EXPECT_EQ(WIP_CERR_TIMEOUT, last(WIP_CEV_ERROR, data)->err);
    EXPECT_NE(std::string::npos, server.log().find("AUTH PLAIN ok")) << "after TLS";
    EXPECT_EQ(0, server.received());
}

TEST_F(SmtpTls, NoReplyToTheEndOfDataAfterStarttlsTimesOut)
{
    SpoolServer server(dir, node_server(pki(), "--delay-reply .:30000" + auth_methods));
    ASSERT_NE(0, server.port());
    boot_with(server.port(), { ca() });
    mail_on_open("the reply to the end of this comes late\n");
    session_to(WIP_SMTP_SEC_STARTTLS, "smtp.example.com", 2000);
    ASSERT_TRUE(wait_until([&] { return server.log().find("delaying the reply to .") !=
                                        std::string::npos; }, 20000)) << traces() << server.log();
    oat_shim_advance_ms(3000);
    ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces();
    EXPECT_EQ(WIP_CERR_TIMEOUT, last(WIP_CEV_ERROR, session)->err);
    EXPECT_EQ(0, count(WIP_CEV_DONE, session)) << "no success without the server's 250";
    // The application ended the mail by closing its data channel: a closed channel hears
    // nothing, the session's ERROR is the outcome. The server did store it: SMTP's own
    // ambiguity (a retry after a late 250 delivers twice).
    EXPECT_EQ(0, count(WIP_CEV_ERROR, data));
    EXPECT_EQ(1, server.received());
    EXPECT_NE(std::string::npos, server.log().find("TLS established"));
}

}  // namespace
