// pop3_hostile_test.cpp: the POP3 client's mailbox listing against a server of fixed replies
// (tests/pop3-servers/scripted_server.py): a -ERR to UIDL is no error (the ids stay NULL), a
// LIST line that is not "N size", a message number above STAT's count and a unique id over
// 70 characters end the login with WIP_POP3_ERR_PROTOCOL and a trace naming the line; of
// 5000 messages the first 4096 are listed; a server that ends the connection instead of
// answering QUIT releases the closed session at once.
#include "ftp_suite.h"

#include "wip_pop3.h"

namespace {

class Pop3Hostile : public FtpSuite {
protected:
    std::unique_ptr<SpoolServer> server;
    void start(const std::string &args)
    {
        server = std::make_unique<SpoolServer>(
            dir, "/usr/bin/python3 " OATEMU_SOURCE_DIR "/tests/pop3-servers/scripted_server.py",
            args);
        ASSERT_NE(0, server->port());
        boot_to(server->port(), "pop.example.com:110");
    }
    bool open_pop3()
    {
        return open_session([=] {
            return wip_POP3ClientCreateOpts("pop.example.com", handler, &sctx, WIP_COPT_USER,
                                            "module", WIP_COPT_PASSWORD, "s3cret", WIP_COPT_END);
        });
    }
    // The login fails with WIP_POP3_ERR_PROTOCOL and a trace holding what.
    void expect_protocol_error(const std::string &what)
    {
        EXPECT_FALSE(open_pop3());
        const WipEv *e = last(WIP_CEV_ERROR, session);
        ASSERT_NE(nullptr, e) << traces();
        EXPECT_EQ(WIP_POP3_ERR_PROTOCOL, e->err);
        std::string t = traces();
        EXPECT_NE(std::string::npos, t.find(what)) << t;
        close_session();
    }
};

TEST_F(Pop3Hostile, UidlRefusedIsNoErrorAndLeavesTheIdsNull)
{
    start("--stat '2 30' --list '1 10|2 20'");
    ASSERT_TRUE(open_pop3()) << traces() << server->log();
    const u32 *sizes = nullptr;
    const ascii *const *ids = nullptr;
    u32 n = 0, n_ids = 0;
    task([&] { ASSERT_EQ(0, wip_getOpts(session, WIP_COPT_POP3_LIST, &sizes, &n,
                                        WIP_COPT_POP3_UIDL, &ids, &n_ids, WIP_COPT_END)); });
    ASSERT_EQ(2u, n);
    ASSERT_NE(nullptr, sizes);
    EXPECT_EQ(10u, sizes[0]);
    EXPECT_EQ(20u, sizes[1]);
    ASSERT_EQ(2u, n_ids);
    ASSERT_NE(nullptr, ids);
    EXPECT_EQ(nullptr, ids[0]);
    EXPECT_EQ(nullptr, ids[1]);
    close_session();
}

TEST_F(Pop3Hostile, OnlyTheFirst4096MessagesAreListedAndTheCountKeepsTheRest)
{
    start("--many 5000");
    ASSERT_TRUE(open_pop3()) << traces() << server->log();
    const u32 *sizes = nullptr;
    const ascii *const *ids = nullptr;
    u32 count = 0, n = 0, n_ids = 0;
    task([&] { ASSERT_EQ(0, wip_getOpts(session, WIP_COPT_POP3_COUNT, &count, WIP_COPT_POP3_LIST,
                                        &sizes, &n, WIP_COPT_POP3_UIDL, &ids, &n_ids,
                                        WIP_COPT_END)); });
    EXPECT_EQ(5000u, count);
    ASSERT_EQ(4096u, n);
    ASSERT_EQ(4096u, n_ids);
    ASSERT_NE(nullptr, sizes);
    ASSERT_NE(nullptr, ids);
    EXPECT_EQ(1u, sizes[0]);
    EXPECT_EQ(1u, sizes[4095]);
    EXPECT_STREQ("id-1", ids[0]);
    EXPECT_STREQ("id-4096", ids[4095]);
    close_session();
}

TEST_F(Pop3Hostile, AListLineThatIsNotNumberAndSizeIsAProtocolError)
{
    start("--stat '2 30' --list '1 10|two 20'");
    expect_protocol_error("two 20");
}

TEST_F(Pop3Hostile, AListedNumberAboveTheCountIsAProtocolError)
{
    start("--stat '2 30' --list '1 10|3 20'");
    expect_protocol_error("3 20");
}

TEST_F(Pop3Hostile, AUniqueIdOverSeventyCharactersIsAProtocolError)
{
    start("--stat '1 10' --list '1 10' --uidl '1 " + std::string(71, 'u') + "'");
    expect_protocol_error(std::string(71, 'u'));
}

// QUIT answered by the end of the connection, no +OK: the closed session has nothing more
// to wait for (it waited for its timer, which virtual time never reached).
TEST_F(Pop3Hostile, AConnectionEndedInsteadOfTheQuitReplyReleasesTheSessionAtOnce)
{
    start("--quit-closes");
    ASSERT_TRUE(open_session([=] {
        return wip_POP3ClientCreateOpts("pop.example.com", handler, &sctx, WIP_COPT_USER, "module",
                                        WIP_COPT_PASSWORD, "s3cret", WIP_COPT_FINALIZER,
                                        count_release, WIP_COPT_END);
    })) << traces() << server->log();
    long long took = close_until_released();
    EXPECT_GE(took, 0) << "no release after the server's end" << traces() << server->log();
    EXPECT_LT(took, 1000);
}

} // namespace
