// smtp_aiosmtpd_test.cpp: the SMTP client's extensions against Debian's aiosmtpd (through
// scripts/smtp_server.py): STARTTLS required by the server then AUTH LOGIN, implicit TLS with
// AUTH PLAIN, AUTH ANONYMOUS with its trace, SIZE against aiosmtpd's limit, SMTPUTF8 and
// 8BITMIME with a UTF-8 sender and an 8-bit body received byte-exact.
#include "smtp_servers.h"

#include "wip_smtp.h"

namespace {

class SmtpAiosmtpd : public SmtpSuite {
protected:
    std::string server(const std::string &options)
    {
        return "/usr/bin/python3 " OATEMU_SOURCE_DIR "/scripts/smtp_server.py --cert " + pki() +
               "/server.pem --key " + pki() + "/server.key " + options;
    }
    void session_with(int security, const char *user, const char *password, int auth)
    {
        create([=] {
            return user ? wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx,
                                                   WIP_COPT_SMTP_SECURITY, security, WIP_COPT_USER,
                                                   user, WIP_COPT_PASSWORD, password,
                                                   WIP_COPT_SMTP_AUTH_TYPE, auth, WIP_COPT_END)
                        : wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx,
                                                   WIP_COPT_SMTP_SECURITY, security, WIP_COPT_END);
        });
    }
    void expect_done(const SpoolServer &s, int mails = 1)
    {
        ASSERT_TRUE(wait_until([&] { return ended(); }, 20000)) << traces() << s.log();
        ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces() << s.log();
        ASSERT_TRUE(wait_until([&] { return s.received() == mails; })) << s.log();
    }
};

TEST_F(SmtpAiosmtpd, StarttlsRequiredByTheServerThenAuthLoginDelivers)
{
    SpoolServer s(dir, server("--require-starttls --user mailer --password s3cret "
                              "--auth-methods PLAIN,LOGIN"));
    ASSERT_NE(0, s.port());
    boot_to(s.port());
    mail_on_open("STARTTLS then LOGIN\n");
    session_with(WIP_SMTP_SEC_STARTTLS, "mailer", "s3cret", WIP_SMTP_AUTH_LOGIN);
    expect_done(s);
    std::string log = s.log();
    size_t tls = log.find("STARTTLS"), auth = log.find("auth LOGIN ok");
    ASSERT_NE(std::string::npos, tls) << log;
    ASSERT_NE(std::string::npos, auth) << log;
    EXPECT_LT(tls, auth);
    EXPECT_EQ("STARTTLS then LOGIN\r\n", s.body(1));
}

TEST_F(SmtpAiosmtpd, ImplicitTlsWithAuthPlainDeliversAndAWrongPasswordGets535)
{
    SpoolServer s(dir, server("--user mailer --password s3cret --auth-methods PLAIN"));
    ASSERT_NE(0, s.port());
    boot_to(s.port());
    mail_on_open("implicit TLS, PLAIN\n");
    session_with(WIP_SMTP_SEC_TLS, "mailer", "s3cret", WIP_SMTP_AUTH_PLAIN);
    expect_done(s);
    EXPECT_NE(std::string::npos, s.log().find("auth PLAIN ok")) << s.log();

    events.clear();
    session_with(WIP_SMTP_SEC_TLS, "mailer", "wrong", WIP_SMTP_AUTH_PLAIN);
    ASSERT_TRUE(wait_until([&] { return ended(); }, 20000)) << traces();
    ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces();
    EXPECT_EQ(535, last(WIP_CEV_ERROR, session)->err);
    EXPECT_EQ(535u, end_code);
}

TEST_F(SmtpAiosmtpd, AuthAnonymousSendsItsTrace)
{
    SpoolServer s(dir, server("--starttls --auth-methods ANONYMOUS"));
    ASSERT_NE(0, s.port());
    boot_to(s.port());
    mail_on_open("anonymous\n");
    session_with(WIP_SMTP_SEC_STARTTLS, "unit7@example.com", "", WIP_SMTP_AUTH_ANONYMOUS);
    expect_done(s);
    EXPECT_NE(std::string::npos, s.log().find("auth ANONYMOUS ok trace=unit7@example.com")) << s.log();
}

TEST_F(SmtpAiosmtpd, SizeIsDeclaredWithinAiosmtpdsLimitAndRefusedEarlyAboveIt)
{
    SpoolServer s(dir, server("--size 50000"));
    ASSERT_NE(0, s.port());
    boot_to(s.port());
    u32 declared = 1000;
    wip_channel_t second = (wip_channel_t)1;
    open_mail = [&](wip_channel_t session) {
        wip_channel_t d = wip_putFileOpts(session, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER,
                                          "dev@example.com", WIP_COPT_SMTP_REC, "rcpt@example.com",
                                          WIP_COPT_SMTP_SIZE, declared, WIP_COPT_END);
        if (declared > 50000) {
            second = d;
            wip_close(session);
            return (wip_channel_t)&second;   // not a channel: only for the fixture's check
        }
        return d;
    };
    mail_on_open("declared\n");
    session_with(WIP_SMTP_SEC_TLS, nullptr, nullptr, WIP_SMTP_AUTH_NONE);
    expect_done(s);
    EXPECT_NE(std::string::npos, s.env(1).find("SIZE=1000")) << s.env(1);

    events.clear();
    declared = 60000;
    mail_on_open("too big\n");
    session_with(WIP_SMTP_SEC_TLS, nullptr, nullptr, WIP_SMTP_AUTH_NONE);
    ASSERT_TRUE(wait_until([&] { return second != (wip_channel_t)1; }, 20000)) << traces();
    EXPECT_EQ(nullptr, second);
    EXPECT_NE(std::string::npos, traces().find("over the server's SIZE limit"));
    EXPECT_EQ(1, s.received());
}

TEST_F(SmtpAiosmtpd, Smtputf8And8bitmimeWithAUtf8SenderAndAn8BitBody)
{
    SpoolServer s(dir, server("--smtputf8"));
    ASSERT_NE(0, s.port());
    boot_to(s.port());
    open_mail = [this](wip_channel_t session) {
        return wip_putFileOpts(session, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER,
                               "z\xc3\xa4hler@example.com", WIP_COPT_SMTP_REC, "rcpt@example.com",
                               WIP_COPT_END);
    };
    std::string text = "Z\xc3\xa4hlerstand 4711 kWh\n\xe9t\xe9 (latin-1)\n";
    mail_on_open(text);
    session_with(WIP_SMTP_SEC_TLS, nullptr, nullptr, WIP_SMTP_AUTH_NONE);
    expect_done(s);
    std::string env = s.env(1);
    EXPECT_NE(std::string::npos, env.find("SMTPUTF8")) << env;
    EXPECT_NE(std::string::npos, env.find("BODY=8BITMIME")) << env;
    EXPECT_NE(std::string::npos, env.find("from: z\xc3\xa4hler@example.com")) << env;
    EXPECT_EQ(crlf(text), s.body(1));
}

}  // namespace
