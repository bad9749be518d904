// ftp_vsftpd_test.cpp: the FTP client against Debian's vsftpd (tests/ftp-servers/
// vsftpd_server.py: run as the test's user, anonymous logins) and against a server of ours
// that drops the data connection mid-transfer (drop_server.py): 1 MB and 10 MB byte-exact
// both ways, passive and active; ASCII uploads arrive with CRLF (vsftpd stores the bytes
// as sent); a broken download ends with ERROR 426 on the data channel and the session; a
// server asking for an account (332) gets WIP_COPT_ACCOUNT's ACCT, and 530 for a wrong one;
// a server that ends the connection instead of answering QUIT releases the session at once.
#include "ftp_suite.h"

namespace {

class FtpVsftpd : public FtpSuite {
protected:
    std::unique_ptr<SpoolServer> server;
    std::string root;
    void start(const char *name, const std::string &options = "")
    {
        server = std::make_unique<SpoolServer>(dir, script(name), options);
        ASSERT_NE(0, server->port());
        root = root_of(*server);
        boot_to(server->port());
    }
    bool open_anonymous(bool passive, char type = 'I')
    {
        return open_session([=] {
            return wip_FTPCreateOpts("ftp.example.com", handler, &sctx, WIP_COPT_USER, "anonymous",
                                     WIP_COPT_PASSWORD, "unit@example.com", WIP_COPT_TYPE, type,
                                     WIP_COPT_PASSIVE, passive, WIP_COPT_END);
        });
    }
};

TEST_F(FtpVsftpd, OneAndTenMegabytesBothWaysPassiveAndActive)
{
    start("vsftpd_server.py");
    std::string one = pattern_bytes(1 << 20, 11), ten = pattern_bytes(10 << 20, 13);
    for (bool passive : { true, false }) {
        events.clear();
        results = 0;
        ASSERT_TRUE(open_anonymous(passive)) << traces() << server->log();
        std::string tag = passive ? "p" : "a";
        ASSERT_EQ(0, put((tag + "1.bin").c_str(), one)) << traces();
        ASSERT_EQ(0, put((tag + "10.bin").c_str(), ten)) << traces();
        EXPECT_TRUE(one == slurp(root + "/" + tag + "1.bin"));
        EXPECT_TRUE(ten == slurp(root + "/" + tag + "10.bin"));
        ASSERT_EQ(0, get((tag + "1.bin").c_str())) << traces();
        EXPECT_TRUE(one == got);
        ASSERT_EQ(0, get((tag + "10.bin").c_str())) << traces();
        EXPECT_TRUE(ten == got);
        close_session();
    }
}

TEST_F(FtpVsftpd, AsciiUploadGoesWithCrlfAndAMissingFileGets550)
{
    start("vsftpd_server.py");
    ASSERT_TRUE(open_anonymous(true, 'A')) << traces();
    ASSERT_EQ(0, put("lines.txt", "one\ntwo\r\nthree\n")) << traces();
    EXPECT_EQ("one\r\ntwo\r\nthree\r\n", slurp(root + "/lines.txt"));
    ASSERT_EQ(0, get("lines.txt")) << traces();
    EXPECT_EQ("one\ntwo\nthree\n", got);
    EXPECT_EQ(550, get("nothing.txt"));
    EXPECT_EQ(550u, status());
    close_session();
}

using FtpDroppingServer = FtpVsftpd;

TEST_F(FtpDroppingServer, ADataConnectionDroppedMidTransferGives426)
{
    start("drop_server.py", "--drop-after 300000");
    ASSERT_TRUE(open_user_session(true)) << traces() << server->log();
    EXPECT_EQ(426, get("big.bin")) << traces();
    EXPECT_EQ(426, last(WIP_CEV_ERROR, data)->err);
    EXPECT_EQ(0, count(WIP_CEV_PEER_CLOSE, data));
    ASSERT_LE(got.size(), 300000u);              // what came is the file's beginning
    std::string sent;
    for (size_t i = 0; i < got.size(); i++)
        sent += (char)(i % 251);
    EXPECT_TRUE(sent == got);
    EXPECT_EQ(WIP_CSTATE_READY, wip_getState(session));
    close_session();
}

TEST_F(FtpDroppingServer, AnAccountAskedFor332GoesAsAcctAndAWrongOneIsRefused)
{
    start("drop_server.py", "--account acme");
    auto with_account = [&](const char *account) {
        return [=] {
            return wip_FTPCreateOpts("ftp.example.com", handler, &sctx, WIP_COPT_USER, "module",
                                     WIP_COPT_PASSWORD, "s3cret", WIP_COPT_ACCOUNT, account,
                                     WIP_COPT_END);
        };
    };
    ASSERT_TRUE(open_session(with_account("acme"))) << traces() << server->log();
    EXPECT_EQ(WIP_CSTATE_READY, wip_getState(session));
    close_session();
    events.clear();
    EXPECT_FALSE(open_session(with_account("other")));
    ASSERT_NE(nullptr, last(WIP_CEV_ERROR, session)) << traces();
    EXPECT_EQ(530, last(WIP_CEV_ERROR, session)->err);
    EXPECT_NE(std::string::npos, traces().find("the account")) << "the trace names the step";
    EXPECT_EQ(WIP_CSTATE_TO_CLOSE, wip_getState(session));
    close_session();
}

// QUIT answered by the end of the control connection, no 221: the closed session is released
// at once (it waited for its timer, which virtual time never reached).
TEST_F(FtpDroppingServer, AConnectionEndedInsteadOfTheQuitReplyReleasesTheSessionAtOnce)
{
    start("drop_server.py", "--quit-closes");
    ASSERT_TRUE(open_session([=] {
        return wip_FTPCreateOpts("ftp.example.com", handler, &sctx, WIP_COPT_USER, "module",
                                 WIP_COPT_PASSWORD, "s3cret", WIP_COPT_FINALIZER, count_release,
                                 WIP_COPT_END);
    })) << traces() << server->log();
    long long took = close_until_released();
    EXPECT_GE(took, 0) << "no release after the server's end" << traces() << server->log();
    EXPECT_LT(took, 1000);
}

} // namespace
