// smtp_hostile_test.cpp: the SMTP client against tests/smtp-servers/hostile_server.py, one
// misbehaviour per test (silence after accept or after the ClientHello, a reply that trickles
// for ever, an oversized CRAM-MD5 challenge, a bare "250-AUTH", continuation lines with
// another code, 100 KB without CRLF, close_notify in the middle of DATA, a reset or an end
// instead of the QUIT reply): each session ends with the right event and code within its
// WIP_COPT_TIMEOUT of emulated time, host-bounded.
// Also what the application hands over: header values with CR/LF, attachment names too long.
#include "smtp_servers.h"

#include "wip_smtp.h"

namespace {

constexpr u32 kTimeoutMs = 2000;

class SmtpHostile : public SmtpSuite {
protected:
    long long t0 = 0;

    static std::string hostile(const std::string &mode)
    {
        return "/usr/bin/python3 " OATEMU_SOURCE_DIR "/tests/smtp-servers/hostile_server.py --mode " +
               mode;
    }
    std::string tls_files() const
    {
        return "--cert " + pki() + "/server.pem --key " + pki() + "/server.key";
    }
    // A session with these options and WIP_COPT_TIMEOUT kTimeoutMs; its mail sends body.
    void session_to(int security, int auth, const std::string &body = "hello\n")
    {
        mail_on_open(body);
        t0 = oat_shim_now_ms();
        create([=] {
            wip_channel_t s = auth == WIP_SMTP_AUTH_NONE
                ? wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx, WIP_COPT_SMTP_SECURITY,
                                           security, WIP_COPT_TIMEOUT, kTimeoutMs, WIP_COPT_END)
                : wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx, WIP_COPT_SMTP_SECURITY,
                                           security, WIP_COPT_TIMEOUT, kTimeoutMs, WIP_COPT_USER,
                                           "mailer", WIP_COPT_PASSWORD, "s3cret",
                                           WIP_COPT_SMTP_AUTH_TYPE, auth, WIP_COPT_END);
            return s;
        });
    }
    // The session ended with ERROR errnum, within its timeout of emulated time (plus slack_ms
    // of scheduling in real time); host time is bounded by wait_until (a hang fails here, it
    // does not block).
    void expect_error(int errnum, const SpoolServer &server, long long slack_ms = 0)
    {
        ASSERT_TRUE(wait_until([&] { return ended(); }, 10000)) << traces() << server.log();
        ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces() << server.log();
        EXPECT_EQ(0, count(WIP_CEV_DONE, session));
        const WipEv *e = last(WIP_CEV_ERROR, session);
        EXPECT_EQ(errnum, e->err) << traces();
        EXPECT_LE(e->at_ms - t0, (long long)kTimeoutMs + slack_ms) << "ended within WIP_COPT_TIMEOUT";
    }
    // Emulated time past the timeout (the clock holds for a host reply at most that long).
    void past_the_timeout() { oat_shim_advance_ms(kTimeoutMs + 1000); }
};

TEST_F(SmtpHostile, SilentAfterAcceptTimesOutWithWipCerrTimeout)
{
    SpoolServer server(dir, hostile("silent-after-accept"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    session_to(WIP_SMTP_SEC_NONE, WIP_SMTP_AUTH_NONE);
    ASSERT_TRUE(wait_until([&] { return server.count("accepted") == 1; })) << server.log();
    past_the_timeout();
    expect_error(WIP_CERR_TIMEOUT, server);
    EXPECT_NE(std::string::npos, traces().find("no reply from the server in time"));
}

TEST_F(SmtpHostile, StoppingTheModuleWhileAReplyIsAwaitedFreesItsTimer)
{
    // The greeting's timer is armed when the module stops (the server still up, so the
    // connection does not end the session first): under ASan (LeakSanitizer) or valgrind,
    // nothing of it is left behind.
    SpoolServer server(dir, hostile("silent-after-accept"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    session_to(WIP_SMTP_SEC_NONE, WIP_SMTP_AUTH_NONE);
    ASSERT_TRUE(wait_until([&] { return server.count("accepted") == 1; })) << server.log();
    oat_shim_advance_ms(100);
    EXPECT_FALSE(ended());
    oat_shim_stop();
}

TEST_F(SmtpHostile, SilentAfterTheClientHelloTimesOutWithWipCerrTimeout)
{
    SpoolServer server(dir, hostile("silent-after-clienthello") + " " + tls_files());
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    session_to(WIP_SMTP_SEC_TLS, WIP_SMTP_AUTH_NONE);
    ASSERT_TRUE(wait_until([&] { return server.count("clienthello") == 1; })) << server.log();
    past_the_timeout();
    expect_error(WIP_CERR_TIMEOUT, server);
}

// The same in real time: the timeout fires after as much host time (the clock is not
// stepped: every wait is a bounded host-time wait).
TEST_F(SmtpHostile, SilentAfterTheClientHelloTimesOutWithWipCerrTimeoutInRealTime)
{
    SpoolServer server(dir, hostile("silent-after-clienthello") + " " + tls_files());
    ASSERT_NE(0, server.port());
    boot({ "--clock=real", "--bearer=delay=0",
           "--host-map=smtp.example.com:25=127.0.0.1:" + std::to_string(server.port()) });
    start_bearer();
    std::string ca = pki() + "/ca.pem";
    task([&] { ASSERT_EQ(0, wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY_FILE, ca.c_str(), WIP_COPT_END)); });
    session_to(WIP_SMTP_SEC_TLS, WIP_SMTP_AUTH_NONE);
    ASSERT_TRUE(wait_until([&] { return server.count("clienthello") == 1; })) << server.log();
    expect_error(WIP_CERR_TIMEOUT, server, 100);
    EXPECT_GE(last(WIP_CEV_ERROR, session)->at_ms - t0, (long long)kTimeoutMs);
}

TEST_F(SmtpHostile, ATricklingGreetingTimesOutWithWipCerrTimeout)
{
    SpoolServer server(dir, hostile("trickle"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    session_to(WIP_SMTP_SEC_NONE, WIP_SMTP_AUTH_NONE);
    ASSERT_TRUE(wait_until([&] { return server.count("accepted") == 1; })) << server.log();
    past_the_timeout();
    expect_error(WIP_CERR_TIMEOUT, server);
}

TEST_F(SmtpHostile, AnOversizedCramMd5ChallengeIsAProtocolErrorAndNoAnswerGoes)
{
    SpoolServer server(dir, hostile("cram-oversized"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    for (int auth : { WIP_SMTP_AUTH_CRAM_MD5, WIP_SMTP_AUTH_BEST }) {
        events.clear();
        session_to(WIP_SMTP_SEC_NONE, auth);
        expect_error(WIP_SMTP_ERR_PROTOCOL, server);
        EXPECT_EQ(0, count(WIP_CEV_OPEN, session));
    }
    EXPECT_EQ(2, server.count("C: AUTH CRAM-MD5")) << server.log();
    EXPECT_EQ(4, server.count("C: ")) << "EHLO and AUTH, twice; no answer" << server.log();
    EXPECT_NE(std::string::npos, traces().find("not base64 or decodes to more than 512 bytes"))
        << traces();
}

TEST_F(SmtpHostile, ABareAuthLineOffersNoMethodSoAuthBestSendsNothing)
{
    SpoolServer server(dir, hostile("bare-auth"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    session_to(WIP_SMTP_SEC_NONE, WIP_SMTP_AUTH_BEST);
    expect_error(WIP_SMTP_ERR_AUTH, server);
    EXPECT_EQ(0, server.count("C: AUTH")) << server.log();
    EXPECT_NE(std::string::npos, traces().find("offers no AUTH method")) << traces();
}

TEST_F(SmtpHostile, ContinuationLinesWithAnotherCodeAreAProtocolErrorNotA354)
{
    SpoolServer server(dir, hostile("mismatched-continuation"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    session_to(WIP_SMTP_SEC_NONE, WIP_SMTP_AUTH_NONE);
    expect_error(WIP_SMTP_ERR_PROTOCOL, server);
    EXPECT_EQ(1, server.count("C: DATA")) << server.log();
    EXPECT_EQ(0, server.count("body ")) << "no body after a reply that is not SMTP" << server.log();
    EXPECT_NE(std::string::npos, traces().find("not SMTP")) << traces();
}

TEST_F(SmtpHostile, AHundredKilobytesWithoutCrlfAreAProtocolError)
{
    SpoolServer server(dir, hostile("no-crlf-100k"));
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    session_to(WIP_SMTP_SEC_NONE, WIP_SMTP_AUTH_NONE);
    expect_error(WIP_SMTP_ERR_PROTOCOL, server);
    EXPECT_EQ(0, server.count("C: ")) << server.log();
}

TEST_F(SmtpHostile, CloseNotifyInTheMiddleOfDataEndsTheMailWithPipeBroken)
{
    SpoolServer server(dir, hostile("close-notify-mid-data") + " " + tls_files());
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    session_to(WIP_SMTP_SEC_TLS, WIP_SMTP_AUTH_NONE, std::string(300000, 'x') + "\n");
    expect_error(WIP_CERR_PIPE_BROKEN, server);
    EXPECT_EQ(1, server.count("body ")) << server.log();
    EXPECT_TRUE(data_closed) << "the data channel got its error";
}

// The application closes the session after its mail; the server answers QUIT with a reset
// or with the end of the connection, no 221. The session's finalizer still comes, well
// before the QUIT's timeout: the closed session waits for nothing from a connection that
// ended (on a reset it hung: its error reached nobody and the QUIT timer was stopped).
class SmtpHostileQuit : public SmtpHostile {
protected:
    void quit_answered_by(const std::string &mode, const std::string &logged, int security)
    {
        SpoolServer server(dir, hostile(mode) +
                                    (security == WIP_SMTP_SEC_TLS ? " " + tls_files() : ""));
        ASSERT_NE(0, server.port());
        boot_to(server.port());
        mail_on_open("hello\n");
        create([=] {
            return wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx,
                                            WIP_COPT_SMTP_SECURITY, security, WIP_COPT_TIMEOUT,
                                            kTimeoutMs, WIP_COPT_FINALIZER, count_release,
                                            WIP_COPT_END);
        });
        ASSERT_TRUE(wait_until([&] { return ended(); })) << traces() << server.log();
        EXPECT_EQ(1, count(WIP_CEV_DONE, session)) << traces();
        long long done_ms = last(WIP_CEV_DONE, session)->at_ms;
        ASSERT_TRUE(wait_until([&] { return server.count(logged) == 1; })) << server.log();
        ASSERT_TRUE(wait_until([&] { return released == 1; }))
            << "no release after the " << logged << traces() << server.log();
        EXPECT_LT(released_ms - done_ms, (long long)kTimeoutMs / 2)
            << "released by the QUIT timer, not by the end of the connection";
        past_the_timeout();
        EXPECT_EQ(1, released);
    }
};

TEST_F(SmtpHostileQuit, AResetInsteadOfTheQuitReplyStillReleasesTheSession)
{
    quit_answered_by("reset-on-quit", "quit-reset", WIP_SMTP_SEC_NONE);
}

TEST_F(SmtpHostileQuit, AResetInsteadOfTheQuitReplyStillReleasesTheSessionOverTls)
{
    quit_answered_by("reset-on-quit", "quit-reset", WIP_SMTP_SEC_TLS);
}

TEST_F(SmtpHostileQuit, AConnectionEndedInsteadOfTheQuitReplyReleasesTheSessionAtOnce)
{
    quit_answered_by("close-on-quit", "quit-fin", WIP_SMTP_SEC_NONE);
}

// ---- what the application hands over ----

class SmtpHeaderInput : public SmtpHostile {
protected:
    // The data channel of a mail with this subject on the open session (nullptr: refused).
    wip_channel_t put(const char *subject)
    {
        wip_channel_t d = nullptr;
        task([&] {
            d = wip_putFileOpts(session, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER,
                                "dev@example.com", WIP_COPT_SMTP_REC, "rcpt@example.com",
                                WIP_COPT_SMTP_SUBJ, subject, WIP_COPT_END);
        });
        return d;
    }
};

TEST_F(SmtpHeaderInput, HeaderValuesWithCrOrLfAreRefusedWithATrace)
{
    SpoolServer server(dir, "/usr/bin/python3 " OATEMU_SOURCE_DIR
                            "/tests/smtp-servers/chunking_server.py");
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    on_event = nullptr;
    create([&] { return wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx, WIP_COPT_END); });
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_OPEN, session) == 1; })) << traces();
    traces();
    for (const char *subject : { "a\r\n.\r\nMAIL FROM:<evil@x>", "a\r\nBcc: evil@x", "a\nb",
                                 "a\rb" }) {
        EXPECT_EQ(nullptr, put(subject)) << subject;
        std::string t = traces();
        EXPECT_NE(std::string::npos, t.find("WIP_COPT_SMTP_SUBJ has a CR or LF")) << t;
        EXPECT_NE(std::string::npos, t.find("WIP_CERR_INVALID")) << t;
    }
    wip_channel_t d = nullptr;
    task([&] {
        d = wip_putFileOpts(session, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER,
                            "dev@example.com>\r\nRCPT TO:<evil@x", WIP_COPT_SMTP_REC,
                            "rcpt@example.com", WIP_COPT_END);
    });
    EXPECT_EQ(nullptr, d) << "no command injected through an address";
    EXPECT_NE(std::string::npos, traces().find("WIP_COPT_SMTP_SENDER has a CR or LF"));
    EXPECT_EQ(0, server.count("MAIL")) << server.log();
}

TEST_F(SmtpHeaderInput, AnAttachmentNameOver255BytesIsOutOfRangeAndOneOf255IsSent)
{
    SpoolServer server(dir, "/usr/bin/python3 " OATEMU_SOURCE_DIR
                            "/tests/smtp-servers/chunking_server.py");
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    std::string longest(255, 'n'), over(256, 'n');
    open_mail = [&](wip_channel_t s) {
        wip_channel_t d = wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER,
                                          "dev@example.com", WIP_COPT_SMTP_REC, "rcpt@example.com",
                                          WIP_COPT_SMTP_ATTACH, over.c_str(), "text/plain", "abc",
                                          3, WIP_COPT_END);
        EXPECT_EQ(nullptr, d);
        EXPECT_NE(std::string::npos, traces().find("WIP_CERR_OUT_OF_RANGE"));
        return wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@example.com",
                               WIP_COPT_SMTP_REC, "rcpt@example.com", WIP_COPT_SMTP_ATTACH,
                               longest.c_str(), "text/plain", "abc", 3, WIP_COPT_END);
    };
    mail_on_open("the text\n");
    create([&] { return wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx, WIP_COPT_END); });
    ASSERT_TRUE(wait_until([&] { return ended(); }, 10000)) << traces();
    ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces();
    ASSERT_TRUE(wait_until([&] { return server.received() == 1; })) << server.log();
    std::string parts = mime_parts(server.file(1, "eml"), server.file(1, "parts"));
    EXPECT_NE(std::string::npos, parts.find("text/plain " + longest + " 3")) << parts;
}

}  // namespace
