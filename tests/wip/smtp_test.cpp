// smtp_test.cpp: the SMTP client against a real SMTP server (aiosmtpd, smtp_peer.h) reached
// through the host map as mail.test:25: greeting, EHLO and AUTH (PLAIN and LOGIN) before
// OPEN, the data channel's events, the body byte-exact (CRLF, dot-stuffing), the header it
// builds, big bodies paced by WRITE events, every refusal with its reply code, a server that
// drops or never answers, QUIT and the finalizer on close, and no leak over many mails.
#include "host_peer.h"
#include "process_resources.h"
#include "smtp_peer.h"
#include "smtp_servers.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>

#include "wip_smtp.h"

namespace {

int g_finalized;
void count_finalizer(void *) { g_finalized++; }

std::string after_header(const std::string &content)
{
    size_t p = content.find("\r\n\r\n");
    return p == std::string::npos ? std::string("<no header end>") : content.substr(p + 4);
}

std::string header_of(const std::string &content)
{
    size_t p = content.find("\r\n\r\n");
    return p == std::string::npos ? content : content.substr(0, p + 2);
}

class Smtp : public WipTest {
protected:
    char sctx = 's', dctx = 'd';
    wip_channel_t session = nullptr, data = nullptr;
    // The body writer: on every WRITE of the data channel, as much as it takes; a short
    // write waits for the next WRITE; all written: wip_close(data).
    std::string body;
    size_t off = 0, chunk = 65536;
    bool ended = false;
    int short_writes = 0, write_error = 0;

    void SetUp() override
    {
        g_finalized = 0;
        on_event = [this](wip_event_t *ev, void *ctx) {
            if (ctx == &dctx && ev->kind == WIP_CEV_WRITE && !ended)
                feed(ev->channel);
            else if (ctx == &dctx && ev->kind == WIP_CEV_ERROR && !ended) {
                ended = true;
                wip_close(ev->channel);
            }
        };
    }
    void feed(wip_channel_t d)
    {
        while (off < body.size()) {
            size_t want = std::min(chunk, body.size() - off);
            int n = wip_write(d, body.data() + off, (u32)want);
            if (n < 0) {
                write_error = n;
                return;
            }
            off += (size_t)n;
            if ((size_t)n < want) {
                short_writes++;
                return;
            }
        }
        ended = true;
        EXPECT_EQ(0, wip_close(d));
    }

    void boot_to(int host_port, std::vector<std::string> more = {})
    {
        more.push_back("--host-map=mail.test:25=127.0.0.1:" + std::to_string(host_port));
        boot(more);
        start_bearer();
    }
    void create(const char *user = nullptr, const char *password = nullptr,
                int auth = WIP_SMTP_AUTH_NONE, u32 timeout_ms = 0)
    {
        task([&] {
            if (user)
                session = wip_SMTPClientCreateOpts("mail.test", handler, &sctx, WIP_COPT_PEER_PORT, 25,
                                                   WIP_COPT_USER, user, WIP_COPT_PASSWORD, password,
                                                   WIP_COPT_SMTP_AUTH_TYPE, auth, WIP_COPT_FINALIZER,
                                                   count_finalizer, WIP_COPT_END);
            else
                session = wip_SMTPClientCreateOpts("mail.test", handler, &sctx, WIP_COPT_PEER_PORT, 25,
                                                   WIP_COPT_FINALIZER, count_finalizer, WIP_COPT_END);
            ASSERT_NE(nullptr, session);
            if (timeout_ms)
                ASSERT_EQ(0, wip_setOpts(session, WIP_COPT_TIMEOUT, timeout_ms, WIP_COPT_END));
        });
    }
    bool has(int kind, wip_channel_t ch, int n = 1, long long ms = 10000)
    {
        return wait_until([&] { return count(kind, ch) >= n; }, ms);
    }
    bool session_open(const char *user = nullptr, const char *password = nullptr,
                      int auth = WIP_SMTP_AUTH_NONE)
    {
        create(user, password, auth);
        return session && has(WIP_CEV_OPEN, session);
    }
    // A mail with the usual options; returns the data channel (nullptr: refused).
    // then: run in the same handler run, right after wip_putFileOpts returned.
    wip_channel_t put(const std::string &b, const char *to = "<alice@x.test>", size_t chunk_size = 65536,
                      const std::function<void()> &then = nullptr)
    {
        body = b;
        off = 0;
        ended = false;
        chunk = chunk_size;
        data = nullptr;
        task([&] {
            data = wip_putFileOpts(session, nullptr, handler, &dctx, WIP_COPT_SMTP_SENDER,
                                   "dev@module.test", WIP_COPT_SMTP_REC, to, WIP_COPT_SMTP_SUBJ,
                                   "test", WIP_COPT_END);
            if (then)
                then();
        });
        return data;
    }
    // Session reply code and text.
    std::pair<u32, std::string> status(wip_channel_t ch)
    {
        u32 code = 0;
        ascii *text = nullptr;
        int rc = -1;
        task([&] { rc = wip_getOpts(ch, WIP_COPT_SMTP_STATUS_CODE, &code, &text, WIP_COPT_END); });
        EXPECT_EQ(0, rc);
        return { code, text ? text : "" };
    }
    void close_session()
    {
        task([&] { EXPECT_EQ(0, wip_close(session)); });
    }
    size_t index_of(int kind, wip_channel_t ch) const
    {
        for (size_t i = 0; i < events.size(); i++)
            if (events[i].kind == kind && events[i].ch == ch)
                return i;
        return SIZE_MAX;
    }
};

// ---- session opening ----

TEST_F(Smtp, SessionOpensAfterGreetingEhloAndAuthPlain)
{
    SmtpPeer peer({ "devuser", "s3cret" });
    ASSERT_NE(0, peer.port());
    boot_to(peer.port());
    ASSERT_TRUE(session_open("devuser", "s3cret", WIP_SMTP_AUTH_CLEAR)) << traces();
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN }), kinds(session));
    EXPECT_EQ("CONNECT\nEHLO openat-module\nAUTH PLAIN ok\n", peer.log());
    EXPECT_EQ(235u, status(session).first);
    EXPECT_EQ(WIP_CSTATE_READY, wip_getState(session));
}

TEST_F(Smtp, SessionOpensAfterGreetingEhloAndAuthLogin)
{
    SmtpPeer peer({ "devuser", "s3cret" });
    ASSERT_NE(0, peer.port());
    boot_to(peer.port());
    ASSERT_TRUE(session_open("devuser", "s3cret", WIP_SMTP_AUTH_MIME64)) << traces();
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN }), kinds(session));
    EXPECT_EQ("CONNECT\nEHLO openat-module\nAUTH LOGIN ok\n", peer.log());
    // And a mail goes through the authenticated session.
    put("hello\n");
    ASSERT_TRUE(has(WIP_CEV_DONE, session)) << traces();
    EXPECT_EQ(1, peer.mails());
}

// ---- one mail ----

TEST_F(Smtp, DataChannelOpensThenWritesAndCloseEndsTheMailWithDone)
{
    SmtpPeer peer;
    boot_to(peer.port());
    ASSERT_TRUE(session_open());
    ASSERT_NE(nullptr, put("Hello from the module.\n"));
    ASSERT_TRUE(has(WIP_CEV_DONE, session)) << traces();
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN, WIP_CEV_WRITE }), kinds(data));
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN, WIP_CEV_DONE }), kinds(session));
    EXPECT_LT(index_of(WIP_CEV_OPEN, session), index_of(WIP_CEV_OPEN, data));
    EXPECT_LT(index_of(WIP_CEV_OPEN, data), index_of(WIP_CEV_WRITE, data));
    EXPECT_LT(index_of(WIP_CEV_WRITE, data), index_of(WIP_CEV_DONE, session));
    auto st = status(session);
    EXPECT_EQ(250u, st.first);
    EXPECT_NE(std::string::npos, st.second.find("OK queued as 1")) << st.second;
    ASSERT_EQ(1, peer.mails());
    auto m = peer.mail(1);
    EXPECT_EQ("dev@module.test", m.from);
    EXPECT_EQ((std::vector<std::string>{ "alice@x.test" }), m.rcpt);
    EXPECT_EQ("Hello from the module.\r\n", after_header(m.content));
    EXPECT_EQ(WIP_CSTATE_READY, wip_getState(session));
}

TEST_F(Smtp, BodyArrivesByteExactWithDotLinesBlankLinesAndBareLf)
{
    SmtpPeer peer;
    boot_to(peer.port());
    ASSERT_TRUE(session_open());
    const std::string in = "first line\n"
                           "crlf line\r\n"
                           ".a line starting with a dot\n"
                           "..two dots\r\n"
                           ".\n"
                           "\n"
                           "\r\n"
                           "bare cr\rafter the bare cr\n"
                           ". dot space\r"
                           "\r"
                           "split crlf at a write boundary\r\n"
                           "no newline at the end";
    // 3-byte writes: line ends and dots split across writes.
    ASSERT_NE(nullptr, put(in, "<alice@x.test>", 3));
    ASSERT_TRUE(has(WIP_CEV_DONE, session)) << traces();
    ASSERT_EQ(1, peer.mails());
    EXPECT_EQ(crlf(in) + "\r\n", after_header(peer.mail(1).content));
}

TEST_F(Smtp, FormatHeaderBuildsDateFromToCcSubjectAndBccIsNotInTheHeader)
{
    SmtpPeer peer;
    boot_to(peer.port(), { "--rtc=2030-01-02T03:04:05" });
    ASSERT_TRUE(session_open());
    body = "body\n";
    off = 0;
    task([&] {
        data = wip_putFileOpts(session, nullptr, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@module.test",
                               WIP_COPT_SMTP_SENDERNAME, "Unit 7", WIP_COPT_SMTP_REC,
                               "<alice@x.test>,bob@x.test", WIP_COPT_SMTP_CC_REC, "<carol@x.test>",
                               WIP_COPT_SMTP_BCC_REC, "<dave@x.test>", WIP_COPT_SMTP_SUBJ,
                               "Status report", WIP_COPT_END);
    });
    ASSERT_NE(nullptr, data);
    ASSERT_TRUE(has(WIP_CEV_DONE, session)) << traces();
    ASSERT_EQ(1, peer.mails());
    auto m = peer.mail(1);
    EXPECT_EQ("dev@module.test", m.from);
    EXPECT_EQ((std::vector<std::string>{ "alice@x.test", "bob@x.test", "carol@x.test", "dave@x.test" }),
              m.rcpt);
    std::string h = header_of(m.content);
    // The RTC runs with emulated time: --rtc at boot plus the seconds until the data opened.
    const WipEv *opened = last(WIP_CEV_OPEN, data);
    ASSERT_NE(nullptr, opened);
    struct tm base{};
    base.tm_year = 130, base.tm_mon = 0, base.tm_mday = 2, base.tm_hour = 3, base.tm_min = 4,
    base.tm_sec = 5;
    time_t when = timegm(&base);
    char expect_boot[64], expect_now[64];
    strftime(expect_boot, sizeof expect_boot, "%a, %d %b %Y %H:%M:%S +0000", gmtime(&when));
    EXPECT_STREQ("Wed, 02 Jan 2030 03:04:05 +0000", expect_boot);
    time_t now = when + (time_t)(opened->at_ms / 1000);
    strftime(expect_now, sizeof expect_now, "%a, %d %b %Y %H:%M:%S +0000", gmtime(&now));
    EXPECT_NE(std::string::npos, h.find(std::string("Date: ") + expect_now + "\r\n"))
        << h << "(data opened at " << opened->at_ms << " ms)";
    EXPECT_NE(std::string::npos, h.find("From: \"Unit 7\" <dev@module.test>\r\n")) << h;
    EXPECT_NE(std::string::npos, h.find("To: <alice@x.test>,bob@x.test\r\n")) << h;
    EXPECT_NE(std::string::npos, h.find("Cc: <carol@x.test>\r\n")) << h;
    EXPECT_NE(std::string::npos, h.find("Subject: Status report\r\n")) << h;
    EXPECT_EQ(std::string::npos, h.find("dave")) << h;
    EXPECT_EQ(std::string::npos, h.find("Bcc")) << h;
    EXPECT_EQ("body\r\n", after_header(m.content));
}

TEST_F(Smtp, FormatHeaderOffSendsTheApplicationsOwnHeader)
{
    SmtpPeer peer;
    boot_to(peer.port());
    ASSERT_TRUE(session_open());
    body = "From: Meter 12 <dev@module.test>\r\nTo: ops@x.test\r\nSubject: own header\r\n"
           "X-Meter: 12\r\n\r\nreading 42\r\n";
    off = 0;
    task([&] {
        data = wip_putFileOpts(session, nullptr, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@module.test",
                               WIP_COPT_SMTP_REC, "<ops@x.test>", WIP_COPT_SMTP_SUBJ, "not used",
                               WIP_COPT_SMTP_FORMAT_HEADER, FALSE, WIP_COPT_END);
    });
    ASSERT_NE(nullptr, data);
    ASSERT_TRUE(has(WIP_CEV_DONE, session)) << traces();
    ASSERT_EQ(1, peer.mails());
    EXPECT_EQ(body, peer.mail(1).content);
}

TEST_F(Smtp, BigBodiesPacedByWriteEventsArriveIntact)
{
    SmtpPeer peer;
    boot_to(peer.port());
    ASSERT_TRUE(session_open());
    std::mt19937 rng(7);
    int done = 0;
    for (size_t size : { size_t(64 * 1024), size_t(1024 * 1024) }) {
        std::string b;
        while (b.size() < size) {
            size_t len = rng() % 120;
            std::string line(len, 'x');
            for (auto &c : line)
                c = (char)(' ' + rng() % 95);
            if (rng() % 10 == 0)
                line.insert(0, ".");
            b += line + "\r\n";
        }
        ASSERT_NE(nullptr, put(b, "<alice@x.test>", 8192));
        ASSERT_TRUE(has(WIP_CEV_DONE, session, ++done, 60000)) << size << " bytes\n" << traces();
        EXPECT_EQ(0, write_error);
        ASSERT_EQ(done, peer.mails());
        std::string got = after_header(peer.mail(done).content);
        EXPECT_EQ(b.size(), got.size());
        EXPECT_TRUE(b == got) << "first difference at "
                              << std::mismatch(b.begin(), b.end(), got.begin(), got.end()).first - b.begin();
    }
    EXPECT_GT(short_writes, 0);     // the 1 MB body cannot go in at once
    EXPECT_EQ(0, count(WIP_CEV_ERROR));
}

// ---- refusals ----

TEST_F(Smtp, WrongPasswordGivesSessionErrorWithCode535)
{
    SmtpPeer peer({ "devuser", "s3cret" });
    boot_to(peer.port());
    create("devuser", "wrong", WIP_SMTP_AUTH_CLEAR);
    ASSERT_TRUE(has(WIP_CEV_ERROR, session)) << traces();
    EXPECT_EQ((std::vector<int>{ WIP_CEV_ERROR }), kinds(session));
    EXPECT_EQ(535, last(WIP_CEV_ERROR, session)->err);
    auto st = status(session);
    EXPECT_EQ(535u, st.first);
    EXPECT_NE(std::string::npos, st.second.find("Authentication credentials invalid")) << st.second;
    EXPECT_EQ(1, peer.count_in_log("AUTH PLAIN bad")) << peer.log();
    close_session();
    EXPECT_TRUE(wait_until([&] { return g_finalized == 1; }));
}

TEST_F(Smtp, RejectedRecipientGivesErrorWithCode550)
{
    SmtpPeer::Options o;
    o.reject_rcpt = "bob@x.test";
    SmtpPeer peer(o);
    boot_to(peer.port());
    ASSERT_TRUE(session_open());
    ASSERT_NE(nullptr, put("never sent\n", "<alice@x.test>,<bob@x.test>"));
    ASSERT_TRUE(has(WIP_CEV_ERROR, session)) << traces();
    EXPECT_EQ(550, last(WIP_CEV_ERROR, session)->err);
    auto st = status(session);
    EXPECT_EQ(550u, st.first);
    EXPECT_NE(std::string::npos, st.second.find("no such user")) << st.second;
    // The mail's channel hears it too, and never opened.
    EXPECT_EQ((std::vector<int>{ WIP_CEV_ERROR }), kinds(data));
    EXPECT_EQ(550, last(WIP_CEV_ERROR, data)->err);
    EXPECT_EQ(0, peer.mails());
    EXPECT_EQ(0, count(WIP_CEV_DONE));
}

TEST_F(Smtp, ServerDroppingDuringDataGivesAnErrorAndTheNextSessionWorks)
{
    SmtpPeer::Options o;
    o.drop_in_data_once = true;
    SmtpPeer peer(o);
    boot_to(peer.port());
    ASSERT_TRUE(session_open());
    ASSERT_NE(nullptr, put(std::string(20000, 'a') + "\n"));
    ASSERT_TRUE(has(WIP_CEV_ERROR, session)) << traces();
    EXPECT_LT(last(WIP_CEV_ERROR, session)->err, 0) << "a socket error (WIP_CERR_*)";
    std::cerr << "[ info ] drop during DATA: session errnum " << last(WIP_CEV_ERROR, session)->err
              << "\n";
    EXPECT_EQ(0, count(WIP_CEV_DONE));
    EXPECT_EQ(1, peer.count_in_log("DROPPED"));
    close_session();
    ASSERT_TRUE(wait_until([&] { return g_finalized == 1; }));
    // A new session sends the next mail.
    events.clear();
    ASSERT_TRUE(session_open()) << traces();
    ASSERT_NE(nullptr, put("second try\n"));
    ASSERT_TRUE(has(WIP_CEV_DONE, session)) << traces();
    ASSERT_EQ(1, peer.mails());
    EXPECT_EQ("second try\r\n", after_header(peer.mail(1).content));
}

TEST_F(Smtp, RejectionAtTheEndOfDataGivesErrorWithItsCode)
{
    SmtpPeer::Options o;
    o.reject_data_end = true;
    SmtpPeer peer(o);
    boot_to(peer.port());
    ASSERT_TRUE(session_open());
    ASSERT_NE(nullptr, put("spam spam spam\n"));
    ASSERT_TRUE(has(WIP_CEV_ERROR, session)) << traces();
    EXPECT_EQ(554, last(WIP_CEV_ERROR, session)->err);
    auto st = status(session);
    EXPECT_EQ(554u, st.first);
    EXPECT_NE(std::string::npos, st.second.find("refused by policy")) << st.second;
    EXPECT_EQ(0, count(WIP_CEV_DONE));
    EXPECT_EQ(1, peer.count_in_log("REJECTED"));
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN, WIP_CEV_WRITE }), kinds(data));
}

// ---- closing and timeouts ----

TEST_F(Smtp, CloseSendsQuitAndTheFinalizerRunsOnce)
{
    SmtpPeer peer;
    boot_to(peer.port());
    ASSERT_TRUE(session_open());
    put("bye\n");
    ASSERT_TRUE(has(WIP_CEV_DONE, session));
    EXPECT_EQ(0, g_finalized);
    int fds = open_descriptors();
    close_session();
    ASSERT_TRUE(wait_until([&] { return peer.count_in_log("QUIT") == 1; })) << peer.log() << traces();
    ASSERT_TRUE(wait_until([&] { return g_finalized == 1; })) << traces();
    oat_shim_advance_ms(120000);    // past any reply timeout: nothing more
    EXPECT_EQ(1, g_finalized);
    EXPECT_EQ(1, peer.count_in_log("QUIT"));
    EXPECT_EQ(1, peer.count_in_log("CONNECT"));
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN, WIP_CEV_DONE }), kinds(session));
    EXPECT_TRUE(wait_until([&] { return open_descriptors() < fds; })) << "the TCP socket is closed";
}

TEST_F(Smtp, NoReplyTimesOutWithWipCerrTimeout)
{
    HostPeer peer(HostPeer::Silent);
    boot_to(peer.port());
    long long t0 = oat_shim_now_ms();
    create(nullptr, nullptr, WIP_SMTP_AUTH_NONE, 2000);
    ASSERT_TRUE(wait_until([&] { return peer.accepted() == 1; }));
    // Emulated time runs only when the test lets it: the jump to the 2 s alarm waits for the
    // greeting up to 2 s of host time, then the timeout fires.
    auto h0 = std::chrono::steady_clock::now();
    oat_shim_advance_ms(3000);
    long long host_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - h0).count();
    ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces();
    EXPECT_GE(host_ms, 1500) << "the clock held for the reply in host time";
    EXPECT_LT(host_ms, 10000);
    EXPECT_EQ((std::vector<int>{ WIP_CEV_ERROR }), kinds(session));
    const WipEv *e = last(WIP_CEV_ERROR, session);
    EXPECT_EQ(WIP_CERR_TIMEOUT, e->err);
    EXPECT_GE(e->at_ms - t0, 2000);
    EXPECT_LT(e->at_ms - t0, 4000);
    EXPECT_EQ(1, peer.accepted());
    EXPECT_NE(std::string::npos, traces().find("no reply from the server in time"));
    close_session();
    EXPECT_TRUE(wait_until([&] { return g_finalized == 1; }));
}

// ---- misuse ----

TEST_F(Smtp, PutFileWithoutSenderOrRecipientsIsRefusedWithATrace)
{
    SmtpPeer peer;
    boot_to(peer.port());
    ASSERT_TRUE(session_open());
    traces();
    wip_channel_t d1 = (wip_channel_t)1, d2 = (wip_channel_t)1;
    task([&] {
        d1 = wip_putFileOpts(session, nullptr, handler, &dctx, WIP_COPT_SMTP_REC, "<alice@x.test>",
                             WIP_COPT_END);
    });
    EXPECT_EQ(nullptr, d1);
    EXPECT_NE(std::string::npos, traces().find("WIP_COPT_SMTP_SENDER is required"));
    task([&] {
        d2 = wip_putFileOpts(session, nullptr, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@module.test",
                             WIP_COPT_END);
    });
    EXPECT_EQ(nullptr, d2);
    EXPECT_NE(std::string::npos, traces().find("WIP_COPT_SMTP_REC is required"));
    // The session is unharmed.
    oat_shim_advance_ms(100);
    EXPECT_EQ((std::vector<int>{ WIP_CEV_OPEN }), kinds(session));
    ASSERT_NE(nullptr, put("still fine\n"));
    ASSERT_TRUE(has(WIP_CEV_DONE, session)) << traces();
    EXPECT_EQ(1, peer.mails());
}

TEST_F(Smtp, PutFileWhileAMailIsInProgressIsRefused)
{
    SmtpPeer peer;
    boot_to(peer.port());
    ASSERT_TRUE(session_open());
    wip_channel_t second = (wip_channel_t)1;
    // the second in the same handler run as the first: the first mail cannot have ended yet
    ASSERT_NE(nullptr, put("the first\n", "<alice@x.test>", 65536, [&] {
        second = wip_putFileOpts(session, nullptr, handler, &dctx, WIP_COPT_SMTP_SENDER,
                                 "dev@module.test", WIP_COPT_SMTP_REC, "<bob@x.test>", WIP_COPT_END);
    }));
    EXPECT_EQ(nullptr, second);
    EXPECT_NE(std::string::npos, traces().find("sending a mail already"));
    ASSERT_TRUE(has(WIP_CEV_DONE, session)) << traces();
    ASSERT_EQ(1, peer.mails());
    EXPECT_EQ((std::vector<std::string>{ "alice@x.test" }), peer.mail(1).rcpt);
    EXPECT_EQ(1, count(WIP_CEV_DONE));
}

// ---- resources ----

TEST_F(Smtp, TwentyMailsInOneSessionLeaveNoDescriptorOrMemoryBehind)
{
    SmtpPeer peer;
    boot_to(peer.port());
    auto one_session = [&](int mails, int fin_after) {
        ASSERT_TRUE(session_open()) << traces();
        for (int i = 0; i < mails; i++) {
            int before = count(WIP_CEV_DONE, session);
            ASSERT_NE(nullptr, put("mail number " + std::to_string(i) + "\n.\nend\n"));
            ASSERT_TRUE(has(WIP_CEV_DONE, session, before + 1)) << traces();
        }
        close_session();
        ASSERT_TRUE(wait_until([&] { return g_finalized == fin_after; })) << traces();
        oat_shim_advance_ms(100);
        events.clear();
        traces();
    };
    one_session(2, 1);   // warm-up: allocator pools, first-use caches
    int fds = open_descriptors();
    size_t heap = heap_in_use();
    one_session(20, 2);
    if (HasFatalFailure())
        return;
    EXPECT_EQ(22, peer.mails());
    EXPECT_EQ(2, g_finalized);
    EXPECT_TRUE(wait_until([&] { return open_descriptors() == fds; })) << open_descriptors() << " vs " << fds;
    EXPECT_LT(heap_in_use(), heap + 16 * 1024) << "heap grew from " << heap;
    EXPECT_EQ("mail number 19\r\n.\r\nend\r\n", after_header(peer.mail(22).content));
}

}  // namespace
