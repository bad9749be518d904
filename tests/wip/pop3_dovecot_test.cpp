// pop3_dovecot_test.cpp: the POP3 client against Debian's dovecot-pop3d (tests/pop3-servers/
// dovecot_server.py, a generated configuration in a temp directory): login and the
// mailbox's count and size, messages read byte-exact with dot-stuffing undone (a 1 MB one
// too), a wrong password and a missing message as WIP_POP3_ERR_REFUSED, delete on read
// committed by QUIT.
#include "ftp_suite.h"

#include "wip_pop3.h"

namespace {

class Pop3Dovecot : public FtpSuite {
protected:
    std::unique_ptr<SpoolServer> server;
    std::string maildir;
    void start()
    {
        server = std::make_unique<SpoolServer>(dir, script_pop3(), "--user module --password s3cret");
        ASSERT_NE(0, server->port());
        maildir = root_of(*server);
        boot_to(server->port(), "pop.example.com:110");
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

} // namespace
