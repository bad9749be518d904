// ftp_pyftpdlib_test.cpp: the FTP client against Debian's pyftpdlib (tests/ftp-servers/
// pyftpd_server.py): 1 MB and 10 MB files byte-exact both ways in passive and active mode,
// ASCII line ends both ways, a wrong password (530), a missing file (550) with the session
// still usable, one transfer at a time, the file commands, 50 transfers in one session with
// no descriptor growth, no server (refused), and a session closed mid-transfer.
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
        root = root_of(*server);
        boot_to(server->port());
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

TEST_F(FtpPyftpdlib, TenMegabytesBothWaysPassiveAreByteExact)
{
    start();
    std::string file = pattern_bytes(10 << 20, 7);
    ASSERT_TRUE(open_user_session(true)) << traces();
    ASSERT_EQ(0, put("up10.bin", file)) << traces() << server->log();
    EXPECT_EQ(file.size(), written);
    EXPECT_TRUE(file == slurp(root + "/up10.bin"));
    ASSERT_EQ(0, get("up10.bin")) << traces();
    EXPECT_EQ(file.size(), got.size());
    EXPECT_TRUE(file == got);
    close_session();
}

TEST_F(FtpPyftpdlib, ActiveModeMovesOneAndTenMegabytesBothWays)
{
    start();
    std::string one = pattern_bytes(1 << 20, 3), ten = pattern_bytes(10 << 20, 5);
    spit(root + "/ten.bin", ten);
    ASSERT_TRUE(open_user_session(false)) << traces();
    ASSERT_EQ(0, put("one.bin", one)) << traces() << server->log();
    EXPECT_TRUE(one == slurp(root + "/one.bin"));
    ASSERT_EQ(0, get("one.bin")) << traces();
    EXPECT_TRUE(one == got);
    ASSERT_EQ(0, get("ten.bin")) << traces();
    EXPECT_TRUE(ten == got);
    ASSERT_EQ(0, put("ten-up.bin", ten)) << traces();
    EXPECT_TRUE(ten == slurp(root + "/ten-up.bin"));
    EXPECT_NE(std::string::npos, server->log().find("PORT")) << server->log();
    close_session();
}

TEST_F(FtpPyftpdlib, AsciiModeSendsCrlfAndTheApplicationReadsLf)
{
    start();
    ASSERT_TRUE(open_user_session(true, 'A')) << traces();
    // CRLF on the wire (vsftpd's test sees them), stored with pyftpdlib's own line ends
    ASSERT_EQ(0, put("lines.txt", "one\ntwo\r\nthree\n")) << traces();
    EXPECT_EQ("one\ntwo\nthree\n", slurp(root + "/lines.txt"));
    spit(root + "/crlf.txt", "a\r\nb\r\n\r\nlone\rcr\r\n");
    ASSERT_EQ(0, get("crlf.txt")) << traces();
    EXPECT_EQ("a\nb\n\nlone\rcr\n", got);
    // the type of one transfer: binary, bytes as they are
    ASSERT_EQ(0, transfer([&] {
        return wip_getFileOpts(session, "crlf.txt", handler, &dctx, WIP_COPT_TYPE, 'I', WIP_COPT_END);
    })) << traces();
    EXPECT_EQ("a\r\nb\r\n\r\nlone\rcr\r\n", got);
    close_session();
}

TEST_F(FtpPyftpdlib, AWrongPasswordGets530)
{
    start();
    EXPECT_FALSE(open_user_session(true, 'I', "wrong"));
    ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces();
    EXPECT_EQ(530, last(WIP_CEV_ERROR, session)->err);
    EXPECT_EQ(530u, status());
    EXPECT_EQ(WIP_CSTATE_TO_CLOSE, wip_getState(session));
    close_session();
}

TEST_F(FtpPyftpdlib, AMissingFileGets550AndTheSessionGoesOn)
{
    start();
    spit(root + "/here.txt", "here\n");
    ASSERT_TRUE(open_user_session(true)) << traces();
    EXPECT_EQ(550, get("not-here.bin")) << traces();
    EXPECT_EQ(550, last(WIP_CEV_ERROR, data)->err);
    EXPECT_EQ(0, count(WIP_CEV_PEER_CLOSE, data));
    EXPECT_EQ(WIP_CSTATE_READY, wip_getState(session));
    ASSERT_EQ(0, get("here.txt")) << traces();
    EXPECT_EQ("here\n", got);
    close_session();
}

TEST_F(FtpPyftpdlib, OneTransferAtATime)
{
    start();
    spit(root + "/a.bin", pattern_bytes(100000));
    ASSERT_TRUE(open_user_session(true)) << traces();
    wip_channel_t second = reinterpret_cast<wip_channel_t>(1);
    task([&] {
        data = wip_getFile(session, "a.bin", handler, &dctx);
        second = wip_getFile(session, "a.bin", handler, &dctx);
    });
    EXPECT_NE(nullptr, data);
    EXPECT_EQ(nullptr, second);
    EXPECT_NE(std::string::npos, traces().find("transferring a file already (WIP_CERR_CSTATE)"));
    ASSERT_TRUE(wait_until([&] { return results == 1 && data_closed; }, 20000)) << traces();
    EXPECT_EQ(100000u, got.size());
    close_session();
}

TEST_F(FtpPyftpdlib, FileCommandsGiveDoneOrErrorWithTheReply)
{
    start();
    spit(root + "/f.bin", pattern_bytes(1234));
    ASSERT_TRUE(open_user_session(true)) << traces();
    auto command = [&](std::function<int()> call) {
        int before = results, rc = 0;
        task([&] { rc = call(); });
        if (rc != 0)
            return rc;
        if (!wait_until([&] { return results > before; }, 20000))
            return INT32_MIN;
        const WipEv *e = events.find_last([&](const WipEv &x) {
            return x.ch == session && (x.kind == WIP_CEV_DONE || x.kind == WIP_CEV_ERROR);
        });
        return e->kind == WIP_CEV_DONE ? 0 : e->err;
    };
    u32 size = 0;
    EXPECT_EQ(0, command([&] { return wip_fileInfo(session, "f.bin"); }));
    task([&] { wip_getOpts(session, WIP_COPT_FTP_SIZE, &size, WIP_COPT_END); });
    EXPECT_EQ(1234u, size);
    EXPECT_EQ(0, command([&] { return wip_mkdir(session, "sub"); }));
    EXPECT_EQ(0, command([&] { return wip_renameFile(session, "f.bin", "sub/g.bin"); }));
    EXPECT_EQ(0, access((root + "/sub/g.bin").c_str(), F_OK));
    EXPECT_EQ(0, command([&] { return wip_cwd(session, "sub"); }));
    ASSERT_EQ(0, transfer([&] { return wip_dir(session, nullptr, handler, &dctx); })) << traces();
    EXPECT_NE(std::string::npos, got.find("g.bin")) << got;
    EXPECT_EQ(0, command([&] { return wip_deleteFile(session, "g.bin"); }));
    EXPECT_EQ(550, command([&] { return wip_deleteFile(session, "g.bin"); }));
    EXPECT_EQ(0, command([&] { return wip_cwd(session, "/"); }));
    EXPECT_EQ(0, command([&] { return wip_deleteDir(session, "sub"); })) << server->log();
    EXPECT_NE(0, access((root + "/sub").c_str(), F_OK));
    EXPECT_EQ(WIP_CERR_INVALID, command([&] { return wip_cwd(session, "a\r\nDELE x"); }));
    close_session();
}

TEST_F(FtpPyftpdlib, FiftyTransfersInOneRunLeaveNoDescriptorAndNoMemoryBehind)
{
    start();
    std::string file = pattern_bytes(64 * 1024, 9);
    spit(root + "/f.bin", file);
    ASSERT_TRUE(open_user_session(true)) << traces();
    ASSERT_EQ(0, get("f.bin")) << traces();        // warm-up: buffers, the resolver,
    ASSERT_EQ(0, put("f.bin", file)) << traces();  // the upload's copy
    events.clear();
    traces();
    int before = open_descriptors();
    size_t heap = heap_in_use();
    for (int i = 0; i < 50; i++) {
        if (i % 2)
            ASSERT_EQ(0, get("f.bin")) << i << traces();
        else
            ASSERT_EQ(0, put("f.bin", file)) << i << traces();
        ASSERT_TRUE(i % 2 == 0 || got == file) << i;
        if (i == 25)
            task([&] { wip_setOpts(session, WIP_COPT_PASSIVE, FALSE, WIP_COPT_END); });
        events.clear();                            // the test's own record of the events
    }
    // the data connections close after their transfer: wait for the last one to go
    EXPECT_TRUE(wait_until([&] { return open_descriptors() <= before; }, 5000))
        << before << " -> " << open_descriptors();
    traces();
    // 50 transfers' state would show; allocator slack stays under 32 KB
    EXPECT_LT(heap_in_use(), heap + 32 * 1024) << "heap grew from " << heap << " to " << heap_in_use();
    close_session();
}

TEST_F(FtpPyftpdlib, NoServerGivesAnErrorOnTheSession)
{
    int port;
    {
        SpoolServer gone(dir, script("pyftpd_server.py"));   // a port that was just free
        port = gone.port();
    }
    ASSERT_NE(0, port);
    boot_to(port);
    EXPECT_FALSE(open_user_session(true));
    ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces();
    EXPECT_EQ(WIP_CERR_REFUSED, last(WIP_CEV_ERROR, session)->err);
    close_session();
}

TEST_F(FtpPyftpdlib, ClosingTheSessionMidTransferAbortsTheDataChannel)
{
    start();
    spit(root + "/big.bin", pattern_bytes(10 << 20));
    ASSERT_TRUE(open_user_session(true)) << traces();
    hold_reads = true;
    task([&] { data = wip_getFile(session, "big.bin", handler, &dctx); });
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_READ, data) > 0; }, 20000)) << traces();
    close_session();
    ASSERT_TRUE(wait_until([&] { return data_closed; }, 20000)) << traces();
    EXPECT_EQ(WIP_CERR_ABORTED, last(WIP_CEV_ERROR, data)->err);
    EXPECT_EQ(0, count(WIP_CEV_PEER_CLOSE, data));
}

} // namespace
