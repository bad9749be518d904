// smtp_sink_test.cpp: the WIP SMTP client against a real server, Postfix's smtp-sink (run by
// tests/smtp-servers/sink.sh on 127.0.0.1): a clean pipelined mail with DSN parameters, VRFY
// and ETRN as session operations, and smtp-sink's fault injection (-f, -r, -Q, -q, -A, -w):
// each fault gives the session (and a data channel still open) WIP_CEV_ERROR with the right
// code, WIP_COPT_SMTP_STATUS_CODE tells the reply, and a fresh session delivers afterwards.
#include "smtp_servers.h"

#include "wip_smtp.h"

namespace {

const std::string kSink = OATEMU_SOURCE_DIR "/tests/smtp-servers/sink.sh";

class SmtpSink : public SmtpSuite {
protected:
    void SetUp() override
    {
        if (access("/usr/sbin/smtp-sink", X_OK) != 0)
            GTEST_SKIP() << "/usr/sbin/smtp-sink is not installed (apt-get install postfix)";
    }
    // smtp.example.com:25 is the sink with the fault, clean.example.com:25 a clean one.
    void boot_to(int port, int clean_port = 0)
    {
        std::string map = "--host-map=smtp.example.com:25=127.0.0.1:" + std::to_string(port);
        if (clean_port)
            map += ",clean.example.com:25=127.0.0.1:" + std::to_string(clean_port);
        boot({ map });
        start_bearer();
    }
    void connect_to(const char *server = "smtp.example.com", u32 timeout_ms = 0)
    {
        create([=] {
            wip_channel_t s = wip_SMTPClientCreateOpts(server, handler, &ctx, WIP_COPT_END);
            if (s && timeout_ms)
                EXPECT_EQ(0, wip_setOpts(s, WIP_COPT_TIMEOUT, timeout_ms, WIP_COPT_END));
            return s;
        });
    }
    // The session ends with ERROR err; the data channel too when it was still open.
    void expect_error(int err, bool data_too)
    {
        ASSERT_TRUE(wait_until([&] { return ended(); }, 20000)) << traces();
        ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces();
        EXPECT_EQ(0, count(WIP_CEV_DONE, session));
        EXPECT_EQ(err, last(WIP_CEV_ERROR, session)->err) << traces();
        if (data_too) {
            ASSERT_NE(nullptr, data);
            ASSERT_EQ(1, count(WIP_CEV_ERROR, data)) << traces();
            EXPECT_EQ(err, last(WIP_CEV_ERROR, data)->err);
        }
    }
    // After a fault: a new session to the clean sink delivers a mail.
    void clean_mail_is_delivered(const SpoolServer &clean)
    {
        events.clear();
        open_mail = nullptr;
        mail_on_open("after the fault\n");
        connect_to("clean.example.com");
        ASSERT_TRUE(wait_until([&] { return ended(); }, 20000)) << traces();
        ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces() << clean.log();
        EXPECT_EQ(0, count(WIP_CEV_ERROR, session));
        EXPECT_EQ(250u, end_code);
        ASSERT_TRUE(wait_until([&] { return clean.received() == 1; })) << clean.log();
        EXPECT_NE(std::string::npos, clean.body(1).find("after the fault\r\n"));
    }
};

// ---- a clean mail, VRFY and ETRN ----

TEST_F(SmtpSink, PipelinedMailWithDsnParametersIsStoredWithItsEnvelope)
{
    SpoolServer sink(dir, kSink, "");
    ASSERT_NE(0, sink.port()) << sink.log();
    boot_to(sink.port());
    open_mail = [this](wip_channel_t s) {
        return wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@example.com",
                               WIP_COPT_SMTP_REC, "a@example.com,b@example.com",
                               WIP_COPT_SMTP_SUBJ, "to the sink", WIP_COPT_SMTP_DSN_NOTIFY,
                               "SUCCESS,FAILURE", WIP_COPT_SMTP_DSN_RET, "HDRS",
                               WIP_COPT_SMTP_DSN_ENVID, "id42", WIP_COPT_END);
    };
    mail_on_open("Hello, smtp-sink.\nA second line.\n");
    connect_to();
    ASSERT_TRUE(wait_until([&] { return ended(); }, 20000)) << traces();
    ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces() << sink.log();
    EXPECT_EQ(0, count(WIP_CEV_ERROR, session));
    EXPECT_EQ(0, count(WIP_CEV_ERROR, data));
    EXPECT_EQ(250u, end_code);
    ASSERT_TRUE(wait_until([&] { return sink.received() == 1; })) << sink.log();

    std::string eml = sink.message(1);
    EXPECT_NE(std::string::npos, eml.find("Subject: to the sink\r\n")) << eml;
    EXPECT_EQ("Hello, smtp-sink.\r\nA second line.\r\n", sink.body(1));
    std::string env = sink.env(1);
    EXPECT_NE(std::string::npos, env.find("from: dev@example.com\n")) << env;
    EXPECT_NE(std::string::npos, env.find("to: a@example.com,b@example.com\n")) << env;

    // The conversation: MAIL, both RCPT and DATA before the data, with the DSN parameters.
    std::string log = sink.log();
    size_t mail = log.find("\nMAIL FROM:<dev@example.com>");
    size_t r1 = log.find("\nRCPT TO:<a@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a@example.com\n");
    size_t r2 = log.find("\nRCPT TO:<b@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.com\n");
    size_t dat = log.find("\nDATA\n"), dot = log.find("\n.\n");
    ASSERT_NE(std::string::npos, mail) << log;
    ASSERT_NE(std::string::npos, r1) << log;
    ASSERT_NE(std::string::npos, r2) << log;
    ASSERT_NE(std::string::npos, dat) << log;
    ASSERT_NE(std::string::npos, dot) << log;
    EXPECT_LT(mail, r1);
    EXPECT_LT(r1, r2);
    EXPECT_LT(r2, dat);
    EXPECT_LT(dat, dot);
    size_t eol = log.find('\n', mail + 1);
    std::string mail_line = log.substr(mail + 1, eol - mail - 1);
    EXPECT_NE(std::string::npos, mail_line.find(" RET=HDRS")) << mail_line;
    EXPECT_NE(std::string::npos, mail_line.find(" ENVID=id42")) << mail_line;
    EXPECT_NE(std::string::npos, mail_line.find(" BODY=8BITMIME")) << mail_line;
    EXPECT_NE(std::string::npos, env.find("mail-params: BODY=8BITMIME RET=HDRS ENVID=id42\n")) << env;
    EXPECT_NE(std::string::npos,
              env.find("rcpt: a@example.com NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a@example.com\n"))
        << env;
    // The session was closed on DONE: QUIT.
    EXPECT_TRUE(wait_until([&] { return sink.count("QUIT") == 1; })) << sink.log();
}

TEST_F(SmtpSink, VrfyIsDoneWith250AndEtrnIsDoneWithTheServers500)
{
    SpoolServer sink(dir, kSink, "-a");
    ASSERT_NE(0, sink.port()) << sink.log();
    boot_to(sink.port());
    on_event = [](wip_event_t *, void *) {};
    connect_to();
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_OPEN, session) == 1; }, 20000)) << traces();
    task([&] { ASSERT_EQ(0, wip_setOpts(session, WIP_COPT_SMTP_VRFY, "postmaster", WIP_COPT_END)); });
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_DONE, session) == 1; })) << traces();
    std::string text;
    EXPECT_EQ(250u, status(&text));
    EXPECT_NE(std::string::npos, text.find("Ok")) << text;
    // smtp-sink logs a command after it answered it: wait for the line.
    EXPECT_TRUE(wait_until([&] { return sink.count("VRFY postmaster") == 1; })) << sink.log();

    // ETRN: smtp-sink does not know it (500); the reply is the operation's result: DONE, not
    // ERROR, and the session stays usable.
    task([&] { ASSERT_EQ(0, wip_setOpts(session, WIP_COPT_SMTP_ETRN, "example.com", WIP_COPT_END)); });
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_DONE, session) == 2; })) << traces();
    EXPECT_EQ(500u, status(&text));
    EXPECT_NE(std::string::npos, text.find("unknown command")) << text;
    EXPECT_EQ(0, count(WIP_CEV_ERROR, session));
    EXPECT_TRUE(wait_until([&] { return sink.count("ETRN example.com") == 1; })) << sink.log();

    // A mail on the same session afterwards.
    mail_on_open("after VRFY and ETRN\n");
    task([&] { data = plain_mail(session); });
    ASSERT_NE(nullptr, data) << traces();
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_DONE, session) == 3; }, 20000)) << traces();
    ASSERT_TRUE(wait_until([&] { return sink.received() == 1; })) << sink.log();
    EXPECT_EQ("after VRFY and ETRN\r\n", sink.body(1));
}

// ---- fault injection ----

TEST_F(SmtpSink, RcptFailedWith500EndsTheMailWithError500AndNoPipelining)
{
    SpoolServer sink(dir, kSink, "-f RCPT"), clean(dir, kSink);
    ASSERT_NE(0, sink.port()) << sink.log();
    ASSERT_NE(0, clean.port()) << clean.log();
    boot_to(sink.port(), clean.port());
    mail_on_open("never stored\n");
    connect_to();
    expect_error(500, true);
    EXPECT_EQ(500u, end_code);
    EXPECT_NE(std::string::npos, end_text.find("command failed")) << end_text;
    EXPECT_NE(std::string::npos, traces().find("the server refused a recipient (RCPT TO): 500"));
    // -f implies no PIPELINING: MAIL, RCPT and nothing more.
    // smtp-sink logs a command after it answered it: wait for the lines.
    EXPECT_TRUE(wait_until([&] { return sink.count("MAIL FROM:<dev@example.com>") == 1; })) << sink.log();
    EXPECT_TRUE(wait_until([&] { return sink.count("RCPT TO:<rcpt@example.com>") == 1; })) << sink.log();
    EXPECT_EQ(0, sink.count("DATA")) << "not pipelined when not advertised\n" << sink.log();
    EXPECT_EQ(0, sink.received());
    EXPECT_FALSE(sink.stored(1));
    clean_mail_is_delivered(clean);
}

TEST_F(SmtpSink, DataRefusedWith450EndsTheMailWithError450)
{
    SpoolServer sink(dir, kSink, "-r DATA"), clean(dir, kSink);
    ASSERT_NE(0, sink.port()) << sink.log();
    ASSERT_NE(0, clean.port()) << clean.log();
    boot_to(sink.port(), clean.port());
    mail_on_open("never stored\n");
    connect_to();
    expect_error(450, true);
    EXPECT_EQ(0, count(WIP_CEV_OPEN, data)) << "no body without 354";
    EXPECT_EQ(450u, end_code);
    EXPECT_NE(std::string::npos, end_text.find("command failed")) << end_text;
    EXPECT_NE(std::string::npos, traces().find("the server refused DATA: 450"));
    EXPECT_TRUE(wait_until([&] { return sink.count("DATA") == 1; })) << sink.log();
    EXPECT_EQ(0, sink.received());
    EXPECT_FALSE(sink.stored(1));
    clean_mail_is_delivered(clean);
}

TEST_F(SmtpSink, EndOfDataFailedWith500IsAnError500AndNothingIsStored)
{
    SpoolServer sink(dir, kSink, "-f ."), clean(dir, kSink);
    ASSERT_NE(0, sink.port()) << sink.log();
    ASSERT_NE(0, clean.port()) << clean.log();
    boot_to(sink.port(), clean.port());
    mail_on_open("refused at the end\n");
    connect_to();
    // The data channel was closed by the application (all written): only the session hears.
    expect_error(500, false);
    EXPECT_EQ(1, count(WIP_CEV_OPEN, data));
    EXPECT_EQ(0, count(WIP_CEV_ERROR, data));
    EXPECT_EQ(500u, end_code);
    EXPECT_NE(std::string::npos, traces().find("the server refused the mail: 500"));
    ASSERT_TRUE(wait_until([&] { return sink.count("rejected message") == 1; })) << sink.log();
    EXPECT_EQ(0, sink.received());
    EXPECT_FALSE(sink.stored(1));
    clean_mail_is_delivered(clean);
}

TEST_F(SmtpSink, RcptAnsweredWith421AndDisconnectIsAnError421)
{
    SpoolServer sink(dir, kSink, "-Q RCPT"), clean(dir, kSink);
    ASSERT_NE(0, sink.port()) << sink.log();
    ASSERT_NE(0, clean.port()) << clean.log();
    boot_to(sink.port(), clean.port());
    mail_on_open("never stored\n");
    connect_to();
    expect_error(421, true);
    EXPECT_EQ(421u, end_code);
    EXPECT_NE(std::string::npos, end_text.find("closing connection")) << end_text;
    EXPECT_NE(std::string::npos, traces().find("the server refused a recipient (RCPT TO): 421"));
    EXPECT_TRUE(wait_until([&] { return sink.count("disconnect") == 1; })) << sink.log();
    EXPECT_EQ(0, sink.received());
    EXPECT_FALSE(sink.stored(1));
    clean_mail_is_delivered(clean);
}

TEST_F(SmtpSink, GreetingWith421IsAnError421WithoutOpen)
{
    SpoolServer sink(dir, kSink, "-Q CONNECT"), clean(dir, kSink);
    ASSERT_NE(0, sink.port()) << sink.log();
    ASSERT_NE(0, clean.port()) << clean.log();
    boot_to(sink.port(), clean.port());
    mail_on_open("never sent\n");
    connect_to();
    expect_error(421, false);
    EXPECT_EQ((std::vector<int>{ WIP_CEV_ERROR }), kinds(session)) << traces();
    EXPECT_EQ(nullptr, data);
    EXPECT_EQ(421u, end_code);
    EXPECT_NE(std::string::npos, traces().find("the server refused the session (greeting): 421"));
    EXPECT_EQ(0, sink.count("EHLO")) << sink.log();
    clean_mail_is_delivered(clean);
}

TEST_F(SmtpSink, DisconnectWithoutReplyAfterTheDataIsPipeBroken)
{
    SpoolServer sink(dir, kSink, "-q ."), clean(dir, kSink);
    ASSERT_NE(0, sink.port()) << sink.log();
    ASSERT_NE(0, clean.port()) << clean.log();
    boot_to(sink.port(), clean.port());
    mail_on_open("dropped at the end\n");
    connect_to();
    expect_error(WIP_CERR_PIPE_BROKEN, false);
    EXPECT_EQ(0, count(WIP_CEV_ERROR, data)) << "closed by the application already";
    EXPECT_NE(std::string::npos, traces().find("the server closed the connection"));
    ASSERT_TRUE(wait_until([&] { return sink.count("rejected message") == 1; })) << sink.log();
    EXPECT_EQ(0, sink.received());
    EXPECT_FALSE(sink.stored(1));
    clean_mail_is_delivered(clean);
}

// -A 1: "354", a second without reading, "550 This violates SMTP", disconnect. The short body
// and its end went within that second, so smtp-sink's close with unread input is a TCP reset
// just behind the 550: the reply is read before the reset is reported (tcp_host.c broken()).
TEST_F(SmtpSink, ServerThatStopsReadingAfter354AndSends550IsAnError550)
{
    SpoolServer sink(dir, kSink, "-A 1"), clean(dir, kSink);
    ASSERT_NE(0, sink.port()) << sink.log();
    ASSERT_NE(0, clean.port()) << clean.log();
    boot_to(sink.port(), clean.port());
    mail_on_open("a short body that the server will not take\n");
    connect_to();
    expect_error(550, false);
    EXPECT_EQ(550u, end_code);
    EXPECT_NE(std::string::npos, end_text.find("This violates SMTP")) << end_text;
    EXPECT_EQ(1, count(WIP_CEV_OPEN, data));
    EXPECT_EQ(body.size(), written);
    EXPECT_EQ(0, write_error);
    EXPECT_EQ(0, count(WIP_CEV_ERROR, data)) << "closed by the application already";
    EXPECT_NE(std::string::npos, traces().find("the server refused the mail: 550"));
    EXPECT_EQ(0, sink.count(".")) << "the server never read the end of the data\n" << sink.log();
    EXPECT_EQ(0, sink.received());
    EXPECT_FALSE(sink.stored(1));
    clean_mail_is_delivered(clean);
}

// -A 0 and a body bigger than the socket buffers, so the client is certainly sending when the
// 550 comes (server output during the body): the send fails on the reset, the 550 waiting
// is read first and ends the mail with its code.
TEST_F(SmtpSink, ServerOutputDuringABigBodyIsAnError550)
{
    SpoolServer sink(dir, kSink, "-A 0");
    ASSERT_NE(0, sink.port()) << sink.log();
    boot_to(sink.port());
    std::string big;
    while (big.size() < (8u << 20))
        big += "a line of the big body that the server will not read to the end\n";
    mail_on_open(big);
    connect_to();
    expect_error(550, true);
    EXPECT_EQ(550u, end_code);
    EXPECT_LT(written, big.size()) << "the client was still sending";
    EXPECT_EQ(0, sink.received());
}

TEST_F(SmtpSink, DataReplyDelayedPastTheClientTimeoutIsWipCerrTimeout)
{
    SpoolServer sink(dir, kSink, "-w 10"), clean(dir, kSink);
    ASSERT_NE(0, sink.port()) << sink.log();
    ASSERT_NE(0, clean.port()) << clean.log();
    boot_to(sink.port(), clean.port());
    mail_on_open("too slow\n");
    connect_to("smtp.example.com", 2000);
    ASSERT_TRUE(wait_until([&] { return data != nullptr; }, 20000)) << traces();
    ASSERT_TRUE(wait_until([&] { return sink.count("DATA") == 1; })) << sink.log();
    EXPECT_FALSE(ended());
    long long t0 = oat_shim_now_ms();
    // The clock holds at the 2 s alarm for the reply (up to 2 s of host time), then fires.
    oat_shim_advance_ms(3000);
    expect_error(WIP_CERR_TIMEOUT, true);
    const WipEv *e = last(WIP_CEV_ERROR, session);
    EXPECT_LE(e->at_ms - t0, 2000);
    EXPECT_NE(std::string::npos, traces().find("no reply from the server in time"));
    EXPECT_EQ(0, count(WIP_CEV_OPEN, data)) << "no 354: no body";
    EXPECT_EQ(0, sink.received());
    clean_mail_is_delivered(clean);
}

}  // namespace
