// smtp_chunking_test.cpp: CHUNKING (RFC 3030) against tests/smtp-servers/chunking_server.py,
// the only test server that speaks BDAT (smtp-sink 3.7, aiosmtpd and the npm smtp-server
// answer it with 500): BDAT chunks without dot-stuffing, byte-exact bodies and attachments,
// a refused chunk, CHUNKING turned off, pipelined MAIL and RCPT before the first chunk, and
// a session over IPv6 (the server on ::1 behind the host map).
#include "smtp_servers.h"

#include "wip_smtp.h"

namespace {

const std::string kServer = "/usr/bin/python3 " OATEMU_SOURCE_DIR "/tests/smtp-servers/chunking_server.py";

class SmtpChunking : public SmtpSuite {
protected:
    void plain_session(bool chunking = true)
    {
        create([=] {
            return wip_SMTPClientCreateOpts("smtp.example.com", handler, &ctx,
                                            WIP_COPT_SMTP_CHUNKING, chunking ? TRUE : FALSE,
                                            WIP_COPT_END);
        });
    }
    bool finished()
    {
        return wait_until([&] { return ended(); }, 20000);
    }
};

// Lines that dot-stuffing would change, blank lines, bare LF, 998 octets, 8-bit.
std::string tricky(size_t at_least)
{
    std::string unit = ".\n..\n.leading dot\n\n\nbare LF\nCRLF\r\n" + std::string(998, 'x') +
                       "\n8-bit \xe9\xff UTF-8 \xe2\x82\xac\n";
    std::string s;
    while (s.size() < at_least)
        s += unit;
    return s;
}

TEST_F(SmtpChunking, BdatChunksCarryTheMessageWithoutDotStuffingByteExact)
{
    SpoolServer server(dir, kServer);
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    std::string text = tricky(100000);
    mail_on_open(text);
    plain_session();
    ASSERT_TRUE(finished()) << traces() << server.log();
    ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces() << server.log();
    ASSERT_TRUE(wait_until([&] { return server.received() == 1; }));
    std::string log = server.log();
    EXPECT_EQ(std::string::npos, log.find("\nDATA\n")) << log;
    int chunks = 0;
    for (size_t at = 0; (at = log.find("\nBDAT ", at)) != std::string::npos; at++)
        chunks++;
    EXPECT_GE(chunks, 12) << "100 KB in chunks of at most 8 KB\n" << log;
    EXPECT_EQ(1u, log.find(" LAST\n") != std::string::npos) << log;
    // The server stores the BDAT octets as they came: no dot was doubled, none removed.
    EXPECT_TRUE(crlf(text) == server.body(1)) << "the body differs";
    EXPECT_NE(std::string::npos, server.env(1).find("via: BDAT")) << server.env(1);
    EXPECT_EQ(250u, end_code);
}

TEST_F(SmtpChunking, PipeliningSendsMailAndEveryRcptInOneWriteBeforeTheFirstChunk)
{
    SpoolServer server(dir, kServer);
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    open_mail = [this](wip_channel_t s) {
        return wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@example.com",
                               WIP_COPT_SMTP_REC, "a@example.com", WIP_COPT_SMTP_BCC_REC,
                               "b@example.com", WIP_COPT_END);
    };
    mail_on_open("short\n");
    plain_session();
    ASSERT_TRUE(finished()) << traces();
    ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces() << server.log();
    EXPECT_NE(std::string::npos, server.log().find("read 3 lines from MAIL")) << server.log();
    EXPECT_NE(std::string::npos, server.log().find("BDAT 7 LAST")) << server.log();
    EXPECT_EQ(std::string::npos, server.message(1).find("b@example.com")) << "Bcc stays out";
    EXPECT_EQ("short\r\n", server.body(1));
}

TEST_F(SmtpChunking, AMegabyteAttachmentInBdatChunksArrivesDecodedByteExact)
{
    SpoolServer server(dir, kServer);
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    std::string blob(1 << 20, '\0');
    for (size_t i = 0; i < blob.size(); i++)
        blob[i] = (char)((i * 131 + (i >> 9)) & 0xff);
    open_mail = [&](wip_channel_t s) {
        return wip_putFileOpts(s, NULL, handler, &dctx, WIP_COPT_SMTP_SENDER, "dev@example.com",
                               WIP_COPT_SMTP_REC, "rcpt@example.com", WIP_COPT_SMTP_ATTACH,
                               "readings.bin", "application/octet-stream", blob.data(),
                               (u32)blob.size(), WIP_COPT_END);
    };
    mail_on_open(".a dot line in the text part\n");
    plain_session();
    ASSERT_TRUE(finished()) << traces();
    ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces() << server.log();
    ASSERT_TRUE(wait_until([&] { return server.received() == 1; }));
    std::string out = dir + "/parts-bdat";
    EXPECT_EQ("0 multipart/mixed - 0\n"
              "1 text/plain - 29\n"
              "2 application/octet-stream readings.bin 1048576\n",
              mime_parts(server.file(1, "eml"), out));
    EXPECT_EQ(".a dot line in the text part\n", slurp(out + "/1"));
    EXPECT_TRUE(slurp(out + "/2") == blob) << "the attachment differs";
}

TEST_F(SmtpChunking, ARefusedChunkEndsTheMailWithTheServersCode)
{
    SpoolServer server(dir, kServer + " --fail-bdat 2");
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    mail_on_open(std::string(30000, 'z') + "\n");
    plain_session();
    ASSERT_TRUE(finished()) << traces();
    ASSERT_EQ(1, count(WIP_CEV_ERROR, session)) << traces() << server.log();
    EXPECT_EQ(552, last(WIP_CEV_ERROR, session)->err);
    EXPECT_EQ(1, count(WIP_CEV_ERROR, data)) << "the data channel hears it too";
    EXPECT_EQ(552u, end_code);
    EXPECT_NE(std::string::npos, end_text.find("chunk refused")) << end_text;
    EXPECT_EQ(0, server.received());
    EXPECT_NE(std::string::npos, traces().find("the server refused a BDAT chunk: 552"));
}

TEST_F(SmtpChunking, ChunkingTurnedOffSendsDataWithDotStuffing)
{
    SpoolServer server(dir, kServer);
    ASSERT_NE(0, server.port());
    boot_to(server.port());
    std::string text = tricky(5000);
    mail_on_open(text);
    plain_session(false);
    ASSERT_TRUE(finished()) << traces();
    ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces() << server.log();
    ASSERT_TRUE(wait_until([&] { return server.received() == 1; }));
    EXPECT_EQ(std::string::npos, server.log().find("BDAT"));
    EXPECT_NE(std::string::npos, server.env(1).find("via: DATA"));
    EXPECT_TRUE(crlf(text) == server.body(1)) << "the body differs";   // stuffed, then undone
}

TEST_F(SmtpChunking, ASessionOverIpv6ReachesAServerOnTheHostsLoopback)
{
    SpoolServer server(dir, kServer + " --bind ::1");
    if (server.port() == 0 && server.log().find("Address family not supported") != std::string::npos)
        GTEST_SKIP() << "no IPv6 on this host: " << server.log();
    ASSERT_NE(0, server.port()) << server.log();
    boot({ "--host-map=smtp.example.com:25=::1:" + std::to_string(server.port()) });
    start_bearer();
    mail_on_open("over IPv6\n");
    plain_session();
    ASSERT_TRUE(finished()) << traces();
    ASSERT_EQ(1, count(WIP_CEV_DONE, session)) << traces() << server.log();
    ASSERT_TRUE(wait_until([&] { return server.received() == 1; }));
    EXPECT_EQ("over IPv6\r\n", server.body(1));
    EXPECT_NE(std::string::npos, traces().find("::1")) << traces();
}

}  // namespace
