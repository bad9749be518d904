// smtp_modern_test.cpp: the SMTP client's extensions against the npm smtp-server (installed
// by tests/smtp-servers/setup.sh): STARTTLS (required, if offered) and implicit TLS with the
// Security library, modern AUTH methods and no credentials in clear, PIPELINING and a refused
// pipelined MAIL, SIZE, 8BITMIME, SMTPUTF8, DSN, VRFY and ETRN, Reply-To and Message-ID,
// attachments from memory and streamed, and bodies received byte-exact up to 10 MB.
#include "smtp_servers.h"

#include <random>

#include "wip_smtp.h"

namespace {

std::string random_bytes(size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto &c : s)
        c = (char)(rng() & 0xff);
    return s;
}

class SmtpModern : public SmtpSuite {
protected:
    // A session to smtp.example.com with a security mode and, when user is given, AUTH.
    void create_session(int security, const char *user = nullptr, const char *password = nullptr,
                        int auth = WIP_SMTP_AUTH_NONE)
    {
        create([=] {
            return user ? wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx,
                                                   WIP_COPT_SMTP_SECURITY, security,
                                                   WIP_COPT_USER, user, WIP_COPT_PASSWORD, password,
                                                   WIP_COPT_SMTP_AUTH_TYPE, auth, WIP_COPT_END)
                        : wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx,
                                                   WIP_COPT_SMTP_SECURITY, security, WIP_COPT_END);
        });
    }
    void expect_done(const SpoolServer &server)
    {
        ASSERT_TRUE(wait_until([&] { return ended(); }, 20000)) << traces() << server.log();
        ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces() << server.log();
        ASSERT_TRUE(wait_until([&] { return server.received() >= 1; })) << server.log();
    }
    void expect_error(int err)
    {
        ASSERT_TRUE(wait_until([&] { return ended(); }, 20000)) << traces();
        ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces();
        EXPECT_EQ(err, last(WIP_CEV_ERROR, session)->err) << traces();
    }
};

#define NEED_NODE()                                                                     \
    if (!node_ready())                                                                  \
    GTEST_SKIP() << "tests/smtp-servers/setup.sh was not run (npm smtp-server)"

// ---- security and authentication ----

TEST_F(SmtpModern, StarttlsRequiredUpgradesEhloesAgainAndAuthenticatesWithCramMd5)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--auth-methods PLAIN,LOGIN,CRAM-MD5"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    mail_on_open("Hello over STARTTLS\n");
    create_session(WIP_SMTP_SEC_STARTTLS, "mailer", "s3cret", WIP_SMTP_AUTH_CRAM_MD5);
    expect_done(server);
    std::string log = server.log();
    size_t tls = log.find("STARTTLS"), auth = log.find("AUTH CRAM-MD5 ok");
    ASSERT_NE(std::string::npos, tls);
    ASSERT_NE(std::string::npos, auth);
    EXPECT_LT(tls, auth) << "credentials only after TLS";
    EXPECT_NE(std::string::npos, log.find("EHLO", tls)) << "EHLO again after STARTTLS";
    EXPECT_NE(std::string::npos, server.env(1).find("tls: yes"));
    EXPECT_EQ("Hello over STARTTLS\r\n", server.body(1));
}

TEST_F(SmtpModern, StarttlsRequiredButNotOfferedFailsAndSendsNoCredentials)
{
    NEED_NODE();
    // STARTTLS stripped from the EHLO reply (a man in the middle would do the same).
    SpoolServer server(dir, node_server(pki(), "--hide-starttls --auth-methods PLAIN "
                                               "--allow-insecure-auth"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    mail_on_open("never sent\n");
    create_session(WIP_SMTP_SEC_STARTTLS, "mailer", "s3cret", WIP_SMTP_AUTH_PLAIN);
    expect_error(WIP_SMTP_ERR_TLS);
    EXPECT_EQ(0, count(WIP_CEV_OPEN, session));
    EXPECT_NE(std::string::npos, traces().find("STARTTLS is required and the server does not offer it"));
    EXPECT_EQ(std::string::npos, server.log().find("AUTH")) << "no credentials without TLS";
    EXPECT_EQ(std::string::npos, server.log().find("MAIL")) << "nothing sent";
}

TEST_F(SmtpModern, StarttlsIfOfferedGoesOnInClearWithoutCredentialsAndRefusesToSendThem)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--no-starttls --auth-methods PLAIN "
                                               "--allow-insecure-auth"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    mail_on_open("in clear, no credentials\n");
    create_session(WIP_SMTP_SEC_STARTTLS_IF_OFFERED);
    expect_done(server);
    EXPECT_NE(std::string::npos, server.env(1).find("tls: no"));

    // The same with credentials: not sent in clear, the session fails before AUTH.
    events.clear();
    create_session(WIP_SMTP_SEC_STARTTLS_IF_OFFERED, "mailer", "s3cret", WIP_SMTP_AUTH_PLAIN);
    expect_error(WIP_SMTP_ERR_CLEAR);
    EXPECT_EQ(std::string::npos, server.log().find("AUTH"));

    // Allowed explicitly (WIP_COPT_SMTP_CLEAR_AUTH): AUTH PLAIN in clear.
    events.clear();
    mail_on_open("in clear, credentials allowed\n");
    create([&] {
        return wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx, WIP_COPT_SMTP_SECURITY,
                                        WIP_SMTP_SEC_STARTTLS_IF_OFFERED, WIP_COPT_SMTP_CLEAR_AUTH,
                                        TRUE, WIP_COPT_USER, "mailer", WIP_COPT_PASSWORD, "s3cret",
                                        WIP_COPT_SMTP_AUTH_TYPE, WIP_SMTP_AUTH_PLAIN, WIP_COPT_END);
    });
    ASSERT_TRUE(wait_until([&] { return ended(); }, 20000));
    ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces();
    ASSERT_TRUE(wait_until([&] { return server.received() == 2; })) << server.log();
    EXPECT_NE(std::string::npos, server.log().find("AUTH PLAIN ok"));
    EXPECT_NE(std::string::npos, server.env(2).find("auth: PLAIN mailer"));
}

TEST_F(SmtpModern, ImplicitTlsWithXoauth2DeliversTheMail)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--secure --auth-methods XOAUTH2"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    mail_on_open("Hello over implicit TLS\n");
    create_session(WIP_SMTP_SEC_TLS, "mailer", "tok123", WIP_SMTP_AUTH_XOAUTH2);
    expect_done(server);
    EXPECT_NE(std::string::npos, server.log().find("AUTH XOAUTH2 ok"));
    EXPECT_EQ(std::string::npos, server.log().find("STARTTLS"));
    EXPECT_NE(std::string::npos, server.env(1).find("tls: yes"));
    EXPECT_EQ("Hello over implicit TLS\r\n", server.body(1));
}

TEST_F(SmtpModern, Xoauth2WithAWrongTokenFailsWithTheServersCode)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--secure --auth-methods XOAUTH2"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    mail_on_open("never sent\n");
    create_session(WIP_SMTP_SEC_TLS, "mailer", "expired", WIP_SMTP_AUTH_XOAUTH2);
    ASSERT_TRUE(wait_until([&] { return ended(); }, 20000));
    ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces();
    int err = last(WIP_CEV_ERROR, session)->err;
    EXPECT_TRUE(err == 535 || err == 534) << err << traces();
    EXPECT_NE(std::string::npos, server.log().find("AUTH XOAUTH2 failed"));
    EXPECT_EQ(0, server.received());
}

TEST_F(SmtpModern, AuthPlainAndLoginNamedExplicitlyAuthenticate)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--auth-methods PLAIN,LOGIN --auth-required"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    mail_on_open("plain\n");
    create_session(WIP_SMTP_SEC_STARTTLS, "mailer", "s3cret", WIP_SMTP_AUTH_PLAIN);
    expect_done(server);
    events.clear();
    mail_on_open("login\n");
    create_session(WIP_SMTP_SEC_STARTTLS, "mailer", "s3cret", WIP_SMTP_AUTH_LOGIN);
    ASSERT_TRUE(wait_until([&] { return ended(); }, 20000));
    ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces();
    ASSERT_TRUE(wait_until([&] { return server.received() == 2; })) << server.log();
    EXPECT_NE(std::string::npos, server.env(1).find("auth: PLAIN mailer"));
    EXPECT_NE(std::string::npos, server.env(2).find("auth: LOGIN mailer"));
}

TEST_F(SmtpModern, AuthBestPicksCramMd5AndANamedMethodNotOfferedIsRefused)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--auth-methods PLAIN,CRAM-MD5"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    mail_on_open("best\n");
    create_session(WIP_SMTP_SEC_STARTTLS, "mailer", "s3cret", WIP_SMTP_AUTH_BEST);
    expect_done(server);
    EXPECT_NE(std::string::npos, server.log().find("AUTH CRAM-MD5 ok"));

    events.clear();
    create_session(WIP_SMTP_SEC_STARTTLS, "mailer", "s3cret", WIP_SMTP_AUTH_XOAUTH2);
    expect_error(WIP_SMTP_ERR_AUTH);
    EXPECT_EQ(std::string::npos, server.log().find("AUTH XOAUTH2"));
}

// ---- the envelope: PIPELINING, SIZE, 8BITMIME, SMTPUTF8, DSN ----

TEST_F(SmtpModern, PipeliningSendsMailRcptsAndDataInOneWriteAndCanBeTurnedOff)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--no-starttls"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    open_mail = [this](wip_channel_t s) {
        return wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@example.com",
                               WIP_COPT_SMTP_REC, "a@example.com,b@example.com",
                               WIP_COPT_SMTP_CC_REC, "c@example.com", WIP_COPT_END);
    };
    mail_on_open("pipelined\n");
    create_session(WIP_SMTP_SEC_NONE);
    expect_done(server);
    // MAIL, three RCPT and DATA came in one read.
    EXPECT_NE(std::string::npos, server.log().find("read 5 lines from MAIL")) << server.log();
    EXPECT_NE(std::string::npos, server.env(1).find("to: a@example.com,b@example.com,c@example.com"));

    events.clear();
    mail_on_open("one command at a time\n");
    create([&] {
        return wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx,
                                        WIP_COPT_SMTP_PIPELINING, FALSE, WIP_COPT_END);
    });
    ASSERT_TRUE(wait_until([&] { return ended(); }, 20000));
    ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces();
    ASSERT_TRUE(wait_until([&] { return server.received() == 2; }));
    std::string log = server.log();
    size_t second = log.find("received", log.find("received") + 1);
    EXPECT_NE(std::string::npos, log.rfind("read 1 lines from MAIL", second)) << log;
    EXPECT_EQ(std::string::npos, log.find("read 5 lines", log.find("received"))) << log;
}

TEST_F(SmtpModern, APipelinedMailRefusedEndsTheMailWithAnErrorAndTheServersCode)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--no-starttls --fail-mail dev@example.com"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    mail_on_open("refused\n");
    create_session(WIP_SMTP_SEC_NONE);
    expect_error(550);
    EXPECT_EQ(1, count(WIP_CEV_ERROR, data)) << "the data channel hears it too";
    EXPECT_EQ(550u, end_code);
    EXPECT_NE(std::string::npos, end_text.find("sender refused")) << end_text;
    std::string log = server.log();
    EXPECT_NE(std::string::npos, log.find("read 3 lines from MAIL")) << log;   // MAIL RCPT DATA
    EXPECT_NE(std::string::npos, log.find("refused sender dev@example.com"));
    EXPECT_EQ(0, server.received());
    EXPECT_NE(std::string::npos, traces().find("the server refused the sender (MAIL FROM): 550"));
}

TEST_F(SmtpModern, SizeIsDeclaredAndAMailOverTheServersLimitIsRefusedEarlyOrByTheServer)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--no-starttls --size 100000"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    u32 declared = 2000;
    open_mail = [this, &declared](wip_channel_t s) {
        return wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@example.com",
                               WIP_COPT_SMTP_REC, "rcpt@example.com", WIP_COPT_SMTP_SIZE, declared,
                               WIP_COPT_END);
    };
    mail_on_open("declared\n");
    create_session(WIP_SMTP_SEC_NONE);
    expect_done(server);
    EXPECT_NE(std::string::npos, server.env(1).find("mail-params: SIZE=2000")) << server.env(1);

    // Declared over the limit: no data channel, a trace, nothing sent.
    events.clear();
    declared = 200000;
    wip_channel_t refused = (wip_channel_t)1;
    open_mail = [&](wip_channel_t s) {
        refused = wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@example.com",
                                  WIP_COPT_SMTP_REC, "rcpt@example.com", WIP_COPT_SMTP_SIZE,
                                  declared, WIP_COPT_END);
        wip_close(s);
        return (wip_channel_t)&refused;   // not a channel: only for the fixture's check
    };
    mail_on_open("too big\n");
    create_session(WIP_SMTP_SEC_NONE);
    ASSERT_TRUE(wait_until([&] { return refused != (wip_channel_t)1; }, 20000));
    EXPECT_EQ(nullptr, refused);
    EXPECT_NE(std::string::npos, traces().find("over the server's SIZE limit")) << traces();

    // Not declared and too big: the server's 552 at the end of the data.
    events.clear();
    open_mail = nullptr;
    mail_on_open(std::string(150000, 'x') + "\n");
    create_session(WIP_SMTP_SEC_NONE);
    expect_error(552);
    EXPECT_EQ(1, server.received());
    EXPECT_NE(std::string::npos, server.log().find("rejected oversized message"));
}

TEST_F(SmtpModern, EightBitBodyGoesWithBody8bitmimeAndArrivesByteExact)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--no-starttls"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    std::string text = "caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e\n"
                       "latin-1 \xe9\xe8\xff\x80 bytes\n"
                       "\xe2\x82\xac \xf0\x9f\x93\xa7\n";
    mail_on_open(text);
    create_session(WIP_SMTP_SEC_NONE);
    expect_done(server);
    EXPECT_NE(std::string::npos, server.env(1).find("BODY=8BITMIME")) << server.env(1);
    EXPECT_EQ(crlf(text), server.body(1));
}

TEST_F(SmtpModern, Utf8AddressesGoWithSmtputf8AndAServerWithoutItGetsNoMail)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--no-starttls"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    open_mail = [this](wip_channel_t s) {
        return wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER,
                               "d\xc3\xa9v@example.com", WIP_COPT_SMTP_REC,
                               "j\xc3\xbcrgen@b\xc3\xbc" "cher.example", WIP_COPT_END);
    };
    mail_on_open("utf-8 addresses\n");
    create_session(WIP_SMTP_SEC_NONE);
    expect_done(server);
    std::string env = server.env(1);
    EXPECT_NE(std::string::npos, env.find("SMTPUTF8")) << env;
    EXPECT_NE(std::string::npos, env.find("from: d\xc3\xa9v@example.com")) << env;
    EXPECT_NE(std::string::npos, env.find("to: j\xc3\xbcrgen@b\xc3\xbc" "cher.example")) << env;

    SpoolServer plain(dir, node_server(pki(), "--no-starttls --no-smtputf8"));
    ASSERT_NE(0, plain.port());
    oat_shim_stop();
    events.clear();
    boot_to(plain.port());
    wip_channel_t refused = (wip_channel_t)1;
    open_mail = [&](wip_channel_t s) {
        refused = wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER,
                                  "d\xc3\xa9v@example.com", WIP_COPT_SMTP_REC, "rcpt@example.com",
                                  WIP_COPT_END);
        wip_close(s);
        return (wip_channel_t)&refused;
    };
    mail_on_open("never sent\n");
    create_session(WIP_SMTP_SEC_NONE);
    ASSERT_TRUE(wait_until([&] { return refused != (wip_channel_t)1; }, 20000));
    EXPECT_EQ(nullptr, refused);
    EXPECT_NE(std::string::npos, traces().find("does not offer SMTPUTF8")) << traces();
    EXPECT_EQ(std::string::npos, plain.log().find("MAIL"));
}

TEST_F(SmtpModern, DsnNotifyOrcptRetAndEnvidReachTheServer)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--no-starttls"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    open_mail = [this](wip_channel_t s) {
        return wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@example.com",
                               WIP_COPT_SMTP_REC, "a@example.com,b@example.com",
                               WIP_COPT_SMTP_DSN_NOTIFY, "SUCCESS,FAILURE", WIP_COPT_SMTP_DSN_RET,
                               "HDRS", WIP_COPT_SMTP_DSN_ENVID, "unit7-0042", WIP_COPT_END);
    };
    mail_on_open("dsn\n");
    create_session(WIP_SMTP_SEC_NONE);
    expect_done(server);
    std::string env = server.env(1);
    EXPECT_NE(std::string::npos, env.find("RET=HDRS")) << env;
    EXPECT_NE(std::string::npos, env.find("ENVID=unit7-0042")) << env;
    EXPECT_NE(std::string::npos, env.find("rcpt: a@example.com NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a@example.com")) << env;
    EXPECT_NE(std::string::npos, env.find("rcpt: b@example.com NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.com")) << env;
}

TEST_F(SmtpModern, VrfyAndEtrnReportTheirReplyThroughDoneAndTheStatusCode)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--no-starttls"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    on_event = [](wip_event_t *, void *) {};
    create_session(WIP_SMTP_SEC_NONE);
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_OPEN, session) == 1; }, 20000)) << traces();
    task([&] { ASSERT_EQ(0, wip_setOpts(session, WIP_COPT_SMTP_VRFY, "postmaster", WIP_COPT_END)); });
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_DONE, session) == 1; })) << traces();
    std::string text;
    EXPECT_EQ(252u, status(&text)) << text;
    EXPECT_NE(std::string::npos, server.log().find("VRFY postmaster"));
    // ETRN: this server does not know it; the reply is the result, the session stays open.
    task([&] { ASSERT_EQ(0, wip_setOpts(session, WIP_COPT_SMTP_ETRN, "example.com", WIP_COPT_END)); });
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_DONE, session) == 2; })) << traces();
    EXPECT_EQ(500u, status(&text)) << text;
    EXPECT_EQ(0, count(WIP_CEV_ERROR, session));
    // The session still sends mail afterwards.
    mail_on_open("after VRFY and ETRN\n", true);
    task([&] { data = plain_mail(session); });
    ASSERT_NE(nullptr, data);
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_DONE, session) == 3; }, 20000)) << traces();
    ASSERT_TRUE(wait_until([&] { return server.received() == 1; }));
    task([&] { wip_close(session); });
}

// ---- the message: headers, attachments, bodies ----

TEST_F(SmtpModern, ReplyToAndMessageIdAreInTheHeaderAndBccOnlyInTheEnvelope)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), "--no-starttls"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    open_mail = [this](wip_channel_t s) {
        return wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@example.com",
                               WIP_COPT_SMTP_REC, "to@example.com", WIP_COPT_SMTP_CC_REC,
                               "cc@example.com", WIP_COPT_SMTP_BCC_REC, "hidden@example.com",
                               WIP_COPT_SMTP_REPLY_TO, "support@example.com", WIP_COPT_SMTP_SUBJ,
                               "headers", WIP_COPT_END);
    };
    mail_on_open("headers\n");
    create_session(WIP_SMTP_SEC_NONE);
    expect_done(server);
    std::string msg = server.message(1);
    std::string head = msg.substr(0, msg.find("\r\n\r\n") + 2);
    EXPECT_NE(std::string::npos, head.find("Reply-To: support@example.com\r\n")) << head;
    EXPECT_NE(std::string::npos, head.find("Cc: cc@example.com\r\n")) << head;
    size_t id = head.find("Message-ID: <");
    ASSERT_NE(std::string::npos, id) << head;
    EXPECT_NE(std::string::npos, head.find(">\r\n", id)) << head;
    EXPECT_NE(std::string::npos, head.find("Date: ")) << head;
    EXPECT_EQ(std::string::npos, msg.find("hidden")) << msg;
    EXPECT_NE(std::string::npos, server.env(1).find("to: to@example.com,cc@example.com,hidden@example.com"));
}

TEST_F(SmtpModern, AMegabyteAttachmentFromMemoryArrivesDecodedByteExact)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), ""));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    std::string blob = random_bytes(1 << 20, 7), note = "short note\n";
    open_mail = [&](wip_channel_t s) {
        return wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@example.com",
                               WIP_COPT_SMTP_REC, "rcpt@example.com", WIP_COPT_SMTP_SUBJ, "attached",
                               WIP_COPT_SMTP_ATTACH, "blob.bin", "application/octet-stream",
                               blob.data(), (u32)blob.size(), WIP_COPT_SMTP_ATTACH, "note.txt",
                               "text/plain", note.data(), (u32)note.size(), WIP_COPT_END);
    };
    mail_on_open("See the attachments.\n");
    create_session(WIP_SMTP_SEC_STARTTLS);
    expect_done(server);
    std::string out = dir + "/parts-memory";
    EXPECT_EQ("0 multipart/mixed - 0\n"
              "1 text/plain - 21\n"
              "2 application/octet-stream blob.bin 1048576\n"
              "3 text/plain note.txt 11\n",
              mime_parts(server.file(1, "eml"), out));
    EXPECT_EQ("See the attachments.\n", slurp(out + "/1"));   // Python's line ends
    EXPECT_TRUE(slurp(out + "/2") == blob) << "the 1 MB attachment differs";
    EXPECT_EQ(note, slurp(out + "/3"));
}

TEST_F(SmtpModern, AMegabyteAttachmentStreamedOnWriteEventsArrivesDecodedByteExact)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), ""));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    std::string text = "The log follows.\n", blob = random_bytes(1 << 20, 11);
    open_mail = [this](wip_channel_t s) {
        return wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@example.com",
                               WIP_COPT_SMTP_REC, "rcpt@example.com", WIP_COPT_SMTP_MULTIPART, TRUE,
                               WIP_COPT_END);
    };
    stream_at = text.size();
    stream_name = "log.bin";
    mail_on_open(text + blob);
    create_session(WIP_SMTP_SEC_STARTTLS);
    expect_done(server);
    EXPECT_GT(count(WIP_CEV_WRITE, data), 10) << "paced by WRITE events";
    std::string out = dir + "/parts-streamed";
    EXPECT_EQ("0 multipart/mixed - 0\n"
              "1 text/plain - 17\n"
              "2 application/octet-stream log.bin 1048576\n",
              mime_parts(server.file(1, "eml"), out));
    EXPECT_EQ("The log follows.\n", slurp(out + "/1"));
    EXPECT_TRUE(slurp(out + "/2") == blob) << "the streamed attachment differs";
}

// Lines that trip SMTP clients: dots, blank lines, bare LF, 998 octets, 8-bit and UTF-8.
std::string tricky_lines()
{
    return ".\n"
           "..\n"
           ".leading dot\n"
           "\n"
           "\n"
           "after two blank lines\r\n"
           "bare LF next\nand CRLF\r\n" +
           std::string(998, 'L') + "\n" +
           "8-bit \xe9\xff and UTF-8 \xe2\x82\xac\n"
           "\r\n"
           ".\r\n";
}

TEST_F(SmtpModern, TrickyLinesArriveByteExact)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), ""));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    std::string text = tricky_lines() + "no line end at the end";
    mail_on_open(text);
    create_session(WIP_SMTP_SEC_STARTTLS);
    expect_done(server);
    EXPECT_EQ(crlf(text) + "\r\n", server.body(1));
}

TEST_F(SmtpModern, TenMegabyteBodyOverStarttlsArrivesByteExact)
{
    NEED_NODE();
    SpoolServer server(dir, node_server(pki(), ""));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    std::string text, unit = tricky_lines();
    while (text.size() < (10u << 20))
        text += unit;
    mail_on_open(text);
    create_session(WIP_SMTP_SEC_STARTTLS);
    expect_done(server);
    std::string got = server.body(1);
    EXPECT_EQ(crlf(text).size(), got.size());
    EXPECT_TRUE(crlf(text) == got) << "the 10 MB body differs";
}

}  // namespace
