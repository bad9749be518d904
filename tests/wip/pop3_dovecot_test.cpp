// pop3_dovecot_test.cpp: the POP3 client against Debian's dovecot-pop3d (tests/pop3-servers/
// dovecot_server.py, a generated configuration in a temp directory): login and the
// mailbox's count and size, messages read byte-exact with dot-stuffing undone (a 1 MB one
// too), a wrong password and a missing message as WIP_POP3_ERR_REFUSED, delete on read
// committed by QUIT; APOP with the greeting's timestamp (dovecot's "method=APOP" login line);
// STLS and implicit TLS (ssl=yes/required, the test PKI's server certificate) byte-exact, STLS
// required and not offered, and a certificate that does not verify; LIST sizes and UIDL ids
// kept at login (an empty mailbox: none).
#include "ftp_suite.h"

#include "test_pki.h"
#include "wip_pop3.h"
#include "wip_ssl.h"

#include <algorithm>
#include <set>

namespace {

class Pop3Dovecot : public FtpSuite {
protected:
    std::unique_ptr<SpoolServer> server;
    std::string maildir;
    // The server with these arguments, behind name (its implicit-TLS listener with pop3s).
    void start(const std::string &args = "", const std::string &name = "pop.example.com:110",
               bool pop3s = false)
    {
        server = std::make_unique<SpoolServer>(dir, script_pop3(),
                                               "--user module --password s3cret " + args);
        ASSERT_NE(0, server->port());
        maildir = root_of(*server);
        std::string log = server->log();
        size_t at = log.find("pop3s on 127.0.0.1:");
        int port = at != std::string::npos && pop3s ? std::atoi(log.c_str() + at + 19) : 0;
        boot_to(port ? port : server->port(), name);
    }
    // Dovecot with TLS (ssl: "yes" or "required") and the test PKI's server.test certificate.
    void start_tls(const TestPki *pki, const char *ssl, const std::string &name, bool pop3s = false)
    {
        std::string chain = dir + "/pop3_chain.pem";
        spit(chain, TestPki::slurp(pki->leaf_pem) + TestPki::slurp(pki->inter_pem));
        start(std::string("--ssl ") + ssl + " --cert " + chain + " --key " + pki->leaf_key +
                  (pop3s ? " --pop3s" : ""),
              name, pop3s);
    }
    // The Security library verifying always, with the test PKI's root as its CA (or no CA).
    void verify_with(const TestPki *pki)
    {
        std::string ca = pki ? pki->root_pem : "";
        task([&] {
            ASSERT_EQ(0, pki ? wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY_FILE, ca.c_str(),
                                               WIP_COPT_VERIFY, WIP_SSL_ALWAYS, WIP_COPT_END)
                             : wip_SSLInitOpts(WIP_COPT_VERIFY, WIP_SSL_ALWAYS, WIP_COPT_END));
        });
    }
    bool open_secure(int security)
    {
        return open_session([=] {
            return wip_POP3ClientCreateOpts("server.test", handler, &sctx, WIP_COPT_USER,
                                            "module", WIP_COPT_PASSWORD, "s3cret",
                                            WIP_COPT_POP3_SECURITY, security, WIP_COPT_END);
        });
    }
    static std::string script_pop3()
    {
        return "/usr/bin/python3 " OATEMU_SOURCE_DIR "/tests/pop3-servers/dovecot_server.py";
    }
    void deliver(const std::string &name, const std::string &message)
    {
        spit(maildir + "/new/" + name, message);
    }
    bool open_pop3(const char *password = "s3cret")
    {
        return open_session([=] {
            return wip_POP3ClientCreateOpts("pop.example.com", handler, &sctx, WIP_COPT_USER,
                                            "module", WIP_COPT_PASSWORD, password, WIP_COPT_END);
        });
    }
    // A session with these login and security choices; waits for its OPEN (false: ERROR).
    bool open_with(int auth, const char *password = "s3cret")
    {
        return open_session([=] {
            return wip_POP3ClientCreateOpts("pop.example.com", handler, &sctx, WIP_COPT_USER,
                                            "module", WIP_COPT_PASSWORD, password,
                                            WIP_COPT_POP3_AUTH, auth, WIP_COPT_END);
        });
    }
    // The session's ERROR errnum once it has one (INT32_MIN: none).
    int session_error()
    {
        const WipEv *e = last(WIP_CEV_ERROR, session);
        return e ? e->err : INT32_MIN;
    }
    void next_session()
    {
        close_session();
        events.clear();
        results = 0;
    }
    // Dovecot's log lines that contain what.
    int logged(const std::string &what)
    {
        std::ifstream in(maildir + "/../dovecot.log");
        int n = 0;
        for (std::string line; std::getline(in, line);)
            n += line.find(what) != std::string::npos;
        return n;
    }
    int messages_in(const char *sub)
    {
        int n = 0;
        DIR *d = opendir((maildir + "/" + sub).c_str());
        while (struct dirent *e = d ? readdir(d) : nullptr)
            n += e->d_name[0] != '.';
        if (d)
            closedir(d);
        return n;
    }
};

TEST_F(Pop3Dovecot, LoginCountsTheMailboxAndMessagesArriveByteExact)
{
    start();
    std::string first = "Subject: one\r\n\r\nhello\r\n.a line with a dot\r\n..two dots\r\n.\r\nend\r\n";
    std::string big = "Subject: big\r\n\r\n";
    for (int i = 0; big.size() < (1 << 20); i++)
        big += (i % 7 == 0 ? "." : "") + std::to_string(i) + " " + std::string(60, 'x') + "\r\n";
    deliver("1.a", first);
    deliver("2.b", big);
    ASSERT_TRUE(open_pop3()) << traces() << server->log();
    u32 n = 0, size = 0;
    task([&] { wip_getOpts(session, WIP_COPT_POP3_COUNT, &n, WIP_COPT_POP3_MAILBOX_SIZE, &size,
                           WIP_COPT_END); });
    EXPECT_EQ(2u, n);
    EXPECT_EQ(first.size() + big.size(), size);
    ASSERT_EQ(0, get("1")) << traces();
    EXPECT_EQ(first, got);
    ASSERT_EQ(0, get("2")) << traces();
    EXPECT_TRUE(big == got) << got.size() << " of " << big.size();
    std::vector<int> k = kinds(data);
    ASSERT_FALSE(k.empty());
    EXPECT_EQ(WIP_CEV_OPEN, k.front());
    EXPECT_EQ(WIP_CEV_PEER_CLOSE, k.back());
    close_session();
}

TEST_F(Pop3Dovecot, AWrongPasswordAndAMissingMessageAreRefused)
{
    start();
    deliver("1.a", "Subject: one\r\n\r\nx\r\n");
    EXPECT_FALSE(open_pop3("wrong"));
    ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces();
    EXPECT_EQ(WIP_POP3_ERR_REFUSED, last(WIP_CEV_ERROR, session)->err);
    close_session();
    events.clear();
    results = 0;
    ASSERT_TRUE(open_pop3()) << traces();
    EXPECT_EQ(WIP_POP3_ERR_REFUSED, get("7"));
    EXPECT_EQ(WIP_POP3_ERR_REFUSED, last(WIP_CEV_ERROR, data)->err);
    EXPECT_EQ(WIP_CSTATE_READY, wip_getState(session));
    wip_channel_t none = reinterpret_cast<wip_channel_t>(1);
    task([&] { none = wip_getFile(session, "one", handler, &dctx); });
    EXPECT_EQ(nullptr, none);
    ASSERT_EQ(0, get("1")) << traces();
    EXPECT_EQ("Subject: one\r\n\r\nx\r\n", got);
    close_session();
}

TEST_F(Pop3Dovecot, DeleteOnReadIsCommittedByQuit)
{
    start();
    deliver("1.a", "Subject: one\r\n\r\nx\r\n");
    deliver("2.b", "Subject: two\r\n\r\ny\r\n");
    ASSERT_TRUE(open_pop3()) << traces();
    ASSERT_EQ(0, transfer([&] {
        return wip_getFileOpts(session, "1", handler, &dctx, WIP_COPT_POP3_DELETE, TRUE,
                               WIP_COPT_END);
    })) << traces();
    EXPECT_NE(std::string::npos, got.find("Subject: "));
    close_session();
    ASSERT_TRUE(wait_until([&] { return messages_in("new") + messages_in("cur") == 1; }, 10000))
        << server->log();
}

// The message with its LF line ends as CRLF: the bytes a POP3 server counts and sends.
static std::string crlf(const std::string &lf)
{
    std::string out;
    for (char c : lf)
        out += c == '\n' ? std::string("\r\n") : std::string(1, c);
    return out;
}

TEST_F(Pop3Dovecot, ListGivesEachMessagesOctetsAndUidlIdsStableAcrossSessions)
{
    start();
    const std::string lf[3] = { "Subject: one\n\nshort\n",
                                "Subject: two\n\n.a dotted line\nand more\n\n",
                                "Subject: three\n\n" + std::string(3000, 'z') + "\n" };
    for (int i = 0; i < 3; i++)
        deliver(std::to_string(i + 1) + ".m", lf[i]);      // LF stored: dovecot counts CRLF
    ASSERT_TRUE(open_pop3()) << traces() << server->log();
    const u32 *sizes = nullptr;
    const ascii *const *ids = nullptr;
    u32 n = 0, n_ids = 0, total = 0;
    task([&] { ASSERT_EQ(0, wip_getOpts(session, WIP_COPT_POP3_LIST, &sizes, &n,
                                        WIP_COPT_POP3_UIDL, &ids, &n_ids,
                                        WIP_COPT_POP3_MAILBOX_SIZE, &total, WIP_COPT_END)); });
    ASSERT_EQ(3u, n);
    ASSERT_EQ(3u, n_ids);
    ASSERT_NE(nullptr, sizes);
    ASSERT_NE(nullptr, ids);
    std::vector<u32> listed(sizes, sizes + 3), expected;
    std::vector<std::string> first_ids;
    for (int i = 0; i < 3; i++) {
        expected.push_back((u32)crlf(lf[i]).size());
        ASSERT_NE(nullptr, ids[i]);
        first_ids.push_back(ids[i]);
    }
    EXPECT_EQ(expected[0] + expected[1] + expected[2], total);
    for (int i = 0; i < 3; i++) {         // message i+1's size is the bytes RETR gives
        ASSERT_EQ(0, get(std::to_string(i + 1).c_str())) << traces();
        EXPECT_EQ(got.size(), listed[i]) << "message " << i + 1;
    }
    std::sort(listed.begin(), listed.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(expected, listed);
    std::set<std::string> distinct(first_ids.begin(), first_ids.end());
    EXPECT_EQ(3u, distinct.size());
    next_session();
    ASSERT_TRUE(open_pop3()) << traces();
    task([&] { ASSERT_EQ(0, wip_getOpts(session, WIP_COPT_POP3_UIDL, &ids, &n_ids,
                                        WIP_COPT_END)); });
    ASSERT_EQ(3u, n_ids);
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(first_ids[i], ids[i] ? ids[i] : "(null)") << "message " << i + 1;
    close_session();
}

TEST_F(Pop3Dovecot, AnEmptyMailboxListsNoMessage)
{
    start();
    ASSERT_TRUE(open_pop3()) << traces() << server->log();
    const u32 *sizes = reinterpret_cast<const u32 *>(1);
    const ascii *const *ids = reinterpret_cast<const ascii *const *>(1);
    u32 count = 7, n = 7, n_ids = 7;
    task([&] { ASSERT_EQ(0, wip_getOpts(session, WIP_COPT_POP3_COUNT, &count, WIP_COPT_POP3_LIST,
                                        &sizes, &n, WIP_COPT_POP3_UIDL, &ids, &n_ids,
                                        WIP_COPT_END)); });
    EXPECT_EQ(0u, count);
    EXPECT_EQ(0u, n);
    EXPECT_EQ(nullptr, sizes);
    EXPECT_EQ(0u, n_ids);
    EXPECT_EQ(nullptr, ids);
    close_session();
}

} // namespace

TEST_F(Pop3Dovecot, ApopLogsInWithTheGreetingsTimestampAndBestPrefersIt)
{
    start("--apop");
    const std::string message = "Subject: apop\r\n\r\nbody\r\n";
    deliver("1.a", message);
    ASSERT_TRUE(open_with(WIP_POP3_AUTH_APOP)) << traces() << server->log();
    ASSERT_EQ(0, get("1")) << traces();
    EXPECT_EQ(message, got);
    next_session();
    ASSERT_TRUE(open_with(WIP_POP3_AUTH_BEST)) << traces();
    next_session();
    ASSERT_TRUE(wait_until([&] { return logged("method=APOP") == 2; }, 10000))
        << TestPki::slurp(maildir + "/../dovecot.log");
    ASSERT_TRUE(open_with(WIP_POP3_AUTH_USER)) << traces();
    next_session();
    ASSERT_TRUE(wait_until([&] { return logged("method=PLAIN") == 1; }, 10000));
    EXPECT_FALSE(open_with(WIP_POP3_AUTH_APOP, "wrong"));
    EXPECT_EQ(WIP_POP3_ERR_REFUSED, session_error()) << traces();
    close_session();
}

TEST_F(Pop3Dovecot, ApopRequiredWithoutATimestampSendsNoCredentials)
{
    start();
    EXPECT_FALSE(open_with(WIP_POP3_AUTH_APOP));
    EXPECT_EQ(WIP_POP3_ERR_APOP, session_error()) << traces();
    close_session();
    // dovecot_server.py's readiness probe, then this session
    ASSERT_TRUE(wait_until([&] { return logged("no auth attempts") == 2; }, 10000))
        << TestPki::slurp(maildir + "/../dovecot.log");
    EXPECT_EQ(0, logged("Login:"));
}

// A message with dot-stuffed lines over some TLS records.
static std::string tls_message()
{
    std::string m = "Subject: tls\r\n\r\n";
    for (int i = 0; m.size() < 100000; i++)
        m += (i % 5 == 0 ? ".." : "") + std::to_string(i) + " " + std::string(70, 'y') + "\r\n";
    return m;
}

TEST_F(Pop3Dovecot, StlsUpgradesThenMessagesArriveByteExact)
{
    const TestPki *pki = TestPki::get();
    if (!pki)
        GTEST_SKIP() << "no openssl CLI";
    start_tls(pki, "required", "server.test:110");
    verify_with(pki);
    const std::string message = tls_message();
    deliver("1.a", message);
    ASSERT_TRUE(open_secure(WIP_POP3_SEC_STLS)) << traces() << server->log();
    ASSERT_EQ(0, get("1")) << traces();
    EXPECT_TRUE(message == got) << got.size() << " of " << message.size();
    next_session();
    ASSERT_TRUE(open_secure(WIP_POP3_SEC_STLS_IF_OFFERED)) << traces();
    ASSERT_EQ(0, get("1")) << traces();
    EXPECT_TRUE(message == got);
    next_session();
    ASSERT_TRUE(wait_until([&] { return logged("Login: ") == 2; }, 10000));
    EXPECT_EQ(2, logged(", TLS, ")) << TestPki::slurp(maildir + "/../dovecot.log");
}

TEST_F(Pop3Dovecot, ImplicitTlsOnTheSecondListenerAtPort995ByDefault)
{
    const TestPki *pki = TestPki::get();
    if (!pki)
        GTEST_SKIP() << "no openssl CLI";
    start_tls(pki, "yes", "server.test:995", true);
    verify_with(pki);
    const std::string message = tls_message();
    deliver("1.a", message);
    ASSERT_TRUE(open_secure(WIP_POP3_SEC_TLS)) << traces() << server->log();
    u16 port = 0;
    u32 security = 0;
    task([&] { wip_getOpts(session, WIP_COPT_PEER_PORT, &port, WIP_COPT_POP3_SECURITY, &security,
                           WIP_COPT_END); });
    EXPECT_EQ(995, port);
    EXPECT_EQ((u32)WIP_POP3_SEC_TLS, security);
    ASSERT_EQ(0, get("1")) << traces();
    EXPECT_TRUE(message == got) << got.size() << " of " << message.size();
    close_session();
    ASSERT_TRUE(wait_until([&] { return logged("Login: ") == 1; }, 10000));
    EXPECT_EQ(1, logged(", TLS, ")) << TestPki::slurp(maildir + "/../dovecot.log");
}

TEST_F(Pop3Dovecot, StlsRequiredAndNotOfferedSendsNoCredentialsAndBadChoicesAreRefused)
{
    const TestPki *pki = TestPki::get();
    if (!pki)
        GTEST_SKIP() << "no openssl CLI";
    start("", "server.test:110");
    verify_with(pki);
    deliver("1.a", "Subject: clear\r\n\r\nx\r\n");
    EXPECT_FALSE(open_secure(WIP_POP3_SEC_STLS));
    EXPECT_EQ(WIP_POP3_ERR_TLS, session_error()) << traces();
    next_session();
    ASSERT_TRUE(open_secure(WIP_POP3_SEC_STLS_IF_OFFERED)) << traces();   // in clear
    next_session();
    ASSERT_TRUE(wait_until([&] { return logged("Login: ") == 1; }, 10000));
    EXPECT_EQ(0, logged(", TLS, "));
    wip_channel_t bad = reinterpret_cast<wip_channel_t>(1);
    task([&] { bad = wip_POP3ClientCreateOpts("server.test", handler, &sctx,
                                              WIP_COPT_POP3_SECURITY, WIP_POP3_SEC_TLS + 1,
                                              WIP_COPT_END); });
    EXPECT_EQ(nullptr, bad);
    task([&] { bad = wip_POP3ClientCreateOpts("server.test", handler, &sctx, WIP_COPT_POP3_AUTH,
                                              WIP_POP3_AUTH_APOP + 1, WIP_COPT_END); });
    EXPECT_EQ(nullptr, bad);
}

TEST_F(Pop3Dovecot, ACertificateThatDoesNotVerifyIsTheSslErrnum)
{
    const TestPki *pki = TestPki::get();
    if (!pki)
        GTEST_SKIP() << "no openssl CLI";
    start_tls(pki, "yes", "server.test:110");
    verify_with(nullptr);
    EXPECT_FALSE(open_secure(WIP_POP3_SEC_STLS));
    EXPECT_EQ(WIP_SSL_ERR_CERTIFICATE, session_error()) << traces();
    close_session();
    // dovecot_server.py's readiness probe, then this session
    ASSERT_TRUE(wait_until([&] { return logged("Disconnected") == 2; }, 10000))
        << TestPki::slurp(maildir + "/../dovecot.log");
    EXPECT_EQ(0, logged("Login: "));
}
