// smtp_codec_test.cpp: the SMTP client's parsers and encoders called directly, with crafted
// input and no module booted: the checked base64 wrappers, AUTH answers (CRAM-MD5 challenges
// and long user names), the reply reader, the EHLO capabilities, the MIME trailer's size.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "wip/base64.h"
#include "wip/smtp_internal.h"
}
#include "wip_smtp.h"

namespace {

std::string b64(const std::string &raw)
{
    std::vector<char> out(oat_base64_size(raw.size()));
    EXPECT_GE(oat_base64_encode(raw.data(), raw.size(), out.data(), out.size()), 0);
    return out.data();
}

std::string unb64(const std::string &text)
{
    std::vector<uint8_t> out(text.size());
    long n = oat_base64_decode(text.data(), text.size(), out.data(), out.size());
    return n < 0 ? std::string("<not base64>") : std::string((const char *)out.data(), (size_t)n);
}

// ---- base64 ----

TEST(Base64, EncodesWithPaddingAndRefusesAnOutputOneByteShort)
{
    EXPECT_EQ("", b64(""));
    EXPECT_EQ("YQ==", b64("a"));
    EXPECT_EQ("YWI=", b64("ab"));
    EXPECT_EQ("YWJj", b64("abc"));
    char out[9];
    memset(out, 'z', sizeof out);
    EXPECT_EQ(-1, oat_base64_encode("abcdef", 6, out, 8)) << "8 characters and the NUL need 9";
    EXPECT_EQ('z', out[0]) << "nothing written";
    EXPECT_EQ(8, oat_base64_encode("abcdef", 6, out, 9));
}

TEST(Base64, DecodesItsPaddingAwayAndNeverWritesPastTheBuffer)
{
    EXPECT_EQ("a", unb64("YQ=="));
    EXPECT_EQ("ab", unb64("YWI="));
    EXPECT_EQ("abc", unb64("YWJj"));
    EXPECT_EQ("<not base64>", unb64("YWJ"));
    EXPECT_EQ("<not base64>", unb64("Y!Jj"));
    // 1016 characters decode to 762 bytes: a 512-byte buffer is refused before OpenSSL writes.
    std::string big(1016, 'A');
    std::vector<uint8_t> out(800, 0xAA);
    EXPECT_EQ(-1, oat_base64_decode(big.data(), big.size(), out.data(), 512));
    for (size_t i = 512; i < out.size(); i++)
        ASSERT_EQ(0xAA, out[i]) << "byte " << i << " written past the buffer";
    EXPECT_EQ(762, oat_base64_decode(big.data(), big.size(), out.data(), 762));
    uint8_t one[2] = { 0, 0xAA };
    EXPECT_EQ(1, oat_base64_decode("YQ==", 4, one, 1)) << "the padding needs no room";
    EXPECT_EQ('a', one[0]);
    EXPECT_EQ(0xAA, one[1]);
    EXPECT_EQ(-1, oat_base64_decode("YWI=", 4, one, 1));
}

// ---- AUTH ----

TEST(SmtpAuth, CramMd5AnswersTheRfc2195Example)
{
    char out[900];
    ASSERT_EQ(0, oat_smtp_auth_answer(WIP_SMTP_AUTH_CRAM_MD5, 0,
                                      "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
                                      "tim", "tanstaaftanstaaf", out, sizeof out));
    EXPECT_STREQ("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw", out);
}

TEST(SmtpAuth, ACramMd5ChallengeOver512BytesOrNotBase64IsABadChallenge)
{
    char out[900];
    std::string big = b64("<" + std::string(760, 'c') + ">");
    ASSERT_EQ(1016u, big.size());
    EXPECT_EQ(OAT_AUTH_BAD_CHALLENGE, oat_smtp_auth_answer(WIP_SMTP_AUTH_CRAM_MD5, 0, big.c_str(),
                                                           "u", "p", out, sizeof out));
    EXPECT_EQ(OAT_AUTH_BAD_CHALLENGE, oat_smtp_auth_answer(WIP_SMTP_AUTH_CRAM_MD5, 0, "<1.2@x>",
                                                           "u", "p", out, sizeof out));
    std::string most = b64(std::string(512, 'c'));
    EXPECT_EQ(0, oat_smtp_auth_answer(WIP_SMTP_AUTH_CRAM_MD5, 0, most.c_str(), "u", "p", out,
                                      sizeof out));
}

TEST(SmtpAuth, ALongUserNameIsAnsweredExactlyOrRefusedNeverWithStackBytes)
{
    std::string chal = b64("<1896.697170952@postoffice.reston.mci.net>");
    int sent = 0, refused = 0;
    for (size_t n = 500; n <= 700; n++) {
        std::string user(n, 'u');
        char out[900];
        int rc = oat_smtp_auth_answer(WIP_SMTP_AUTH_CRAM_MD5, 0, chal.c_str(), user.c_str(), "pw",
                                      out, sizeof out);
        if (rc == 0) {
            std::string plain = unb64(out);
            ASSERT_EQ(n + 1 + 32, plain.size()) << n;
            ASSERT_EQ(user + " ", plain.substr(0, n + 1)) << n;
            ASSERT_EQ(std::string::npos, plain.find_first_not_of("0123456789abcdef", n + 1)) << n;
            sent++;
        } else {
            ASSERT_EQ(OAT_AUTH_TOO_LONG, rc) << n;
            refused++;
        }
    }
    EXPECT_GT(sent, 0);
    EXPECT_GT(refused, 0);
    // LOGIN: a user name whose base64 does not fit is refused, not cut.
    std::string user(700, 'u');
    char out[900];
    EXPECT_EQ(OAT_AUTH_TOO_LONG, oat_smtp_auth_answer(WIP_SMTP_AUTH_LOGIN, 0, "", user.c_str(),
                                                      "pw", out, sizeof out));
}

// ---- replies ----

struct Reply {
    int code;
    std::string text;
    bool complete;
};

Reply read_all(const std::string &wire)
{
    oat_smtp_reader r;
    oat_smtp_reader_reset(&r);
    bool complete = false;
    size_t used = oat_smtp_read(&r, wire.data(), wire.size(), &complete);
    (void)used;
    return { r.code, r.text, complete };
}

TEST(SmtpReply, AContinuationWithAnotherCodeIsNotSmtpEvenAfterAnEmptyText)
{
    Reply r = read_all("250-\r\n354 go ahead\r\n");
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(-1, r.code);
    r = read_all("250-first\r\n354 go ahead\r\n");
    EXPECT_EQ(-1, r.code);
    r = read_all("250-\r\n250 ok\r\n");
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(250, r.code);
    EXPECT_EQ("ok", r.text);
}

// Found by tests/fuzz/fuzz_smtp_reply: "070" was read as code 70, and "000-" lines as no code
// yet, so that a 250 line after them made one 250 reply.
TEST(SmtpReply, ACodeOutsideRfc5321sDigitsIsNotSmtp)
{
    for (const char *wire : { "070 5.7.8 A\r\n", "000 ok\r\n", "199 x\r\n", "600 x\r\n",
                              "260 x\r\n", "2a0 x\r\n" }) {
        Reply r = read_all(wire);
        EXPECT_TRUE(r.complete) << wire;
        EXPECT_EQ(-1, r.code) << wire;
    }
    Reply r = read_all("000-a\r\n250 b\r\n");
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(-1, r.code) << "the lines of one reply share one valid code";
    for (const char *wire : { "200 a\r\n", "559 a\r\n", "354 a\r\n" })
        EXPECT_GT(read_all(wire).code, 0) << wire;
}

TEST(SmtpReply, ALineOverTheLimitIsNotSmtpAtOnce)
{
    Reply r = read_all("220 " + std::string(100 * 1024, 'x'));
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(-1, r.code);
    r = read_all("220 " + std::string(OAT_SMTP_LINE_MAX - 6, 'x') + "\r\n");   // CR kept too
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(220, r.code) << "the longest line that fits";
}

// ---- EHLO capabilities ----

TEST(SmtpCaps, ABareAuthLineOffersNoMethodWhateverTheLineBeforeIt)
{
    oat_smtp_caps caps;
    oat_smtp_capabilities("hostile.test\nX-EXTENSION PLAIN\nAUTH\nHELP", &caps);
    EXPECT_EQ(0u, caps.auth);
    oat_smtp_capabilities("hostile.test\nAUTH PLAIN CRAM-MD5\nAUTH=LOGIN\nSIZE 1000\nPIPELINING",
                          &caps);
    EXPECT_EQ((unsigned)(OAT_AUTH_PLAIN | OAT_AUTH_CRAM | OAT_AUTH_LOGIN), caps.auth);
    EXPECT_EQ(1000u, caps.size);
    EXPECT_TRUE(caps.pipelining);
    EXPECT_FALSE(caps.starttls);
    oat_smtp_capabilities("x\nSIZE", &caps);
    EXPECT_EQ(UINT32_MAX, caps.size) << "offered without a limit";
}

// ---- the MIME trailer ----

TEST(SmtpTrailer, EveryPartHeaderIsCountedWhateverTheNameLength)
{
    for (size_t n : { 1, 255, 330, 340, 1000 }) {
        std::string name(n, 'n'), bytes(100, 'b');
        oat_smtp_attachment a{};
        a.name = name.data();
        a.type = const_cast<char *>("application/octet-stream");
        a.bytes = (uint8_t *)bytes.data();
        a.len = bytes.size();
        size_t len = 0;
        char *out = oat_smtp_trailer(&a, 7, 1700000000, true, &len);
        ASSERT_NE(nullptr, out);
        std::string t(out, len);
        free(out);
        char boundary[64], head[4096];
        oat_smtp_boundary(7, 1700000000, boundary, sizeof boundary);
        size_t h = oat_smtp_part_header(boundary, name.c_str(), a.type, head, sizeof head);
        ASSERT_GT(h, 0u);
        std::string expect = "\r\n" + std::string(head, h) + b64(bytes.substr(0, 57)) + "\r\n" +
                             b64(bytes.substr(57)) + "\r\n--" + boundary + "--\r\n";
        EXPECT_EQ(expect, t) << "name of " << n << " bytes";
    }
}

}  // namespace
