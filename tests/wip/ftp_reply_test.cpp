// ftp_reply_test.cpp: the reply reader in its FTP mode (RFC 959 4.2): 1xx preliminary codes,
// multi-line replies whose inner lines are any text up to "ddd " with the first code, and
// what stays refused (a first line that is no reply, a line over the limit).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

extern "C" {
#include "wip/smtp_internal.h"
}

namespace {

struct FtpReply {
    int code;
    std::string text;
    bool complete;
    size_t used;
};

FtpReply read_ftp(const std::string &wire)
{
    oat_smtp_reader r;
    oat_smtp_reader_reset(&r);
    r.ftp = true;
    bool complete = false;
    size_t used = oat_smtp_read(&r, wire.data(), wire.size(), &complete);
    return { r.code, r.text, complete, used };
}

TEST(FtpReply, APreliminaryReplyIsOneReply)
{
    FtpReply r = read_ftp("150 Opening BINARY mode data connection\r\n226 done\r\n");
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(150, r.code);
    EXPECT_EQ("Opening BINARY mode data connection", r.text);
    EXPECT_EQ(strlen("150 Opening BINARY mode data connection\r\n"), r.used);
}

TEST(FtpReply, InnerLinesOfAMultiLineReplyMayBeAnyText)
{
    FtpReply r = read_ftp("230-Welcome\r\n  rules: none\r\n230-more\r\n123 not the end\r\n230 in\r\n");
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(230, r.code);
    EXPECT_EQ("Welcome\n  rules: none\n230-more\n123 not the end\nin", r.text);
}

TEST(FtpReply, WithoutTheFtpModeTheSameLinesAreNotSmtp)
{
    oat_smtp_reader r;
    oat_smtp_reader_reset(&r);
    bool complete = false;
    std::string wire = "150 go\r\n";
    oat_smtp_read(&r, wire.data(), wire.size(), &complete);
    EXPECT_TRUE(complete);
    EXPECT_EQ(-1, r.code);
}

TEST(FtpReply, AFirstLineThatIsNoReplyIsRefused)
{
    EXPECT_EQ(-1, read_ftp("hello\r\n").code);
    EXPECT_EQ(-1, read_ftp("650 no such class\r\n").code);
    EXPECT_EQ(-1, read_ftp(std::string(OAT_SMTP_LINE_MAX + 10, '2') + "\r\n").code);
}

} // namespace
