// http_codec_test.cpp: the HTTP client's pure parts without a server: URLs and Locations,
// the request head (Host, Basic authentication, chunked framing, headers of the session and
// the request), and the response parser fed whole or one byte at a time (chunked with
// extensions and trailers, 100 Continue, HEAD, malformed lines, a body cut short).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

extern "C" {
#include "wip/http_internal.h"
}

namespace {

struct Parsed {
    int code = 0;
    std::string body;
    oat_http_rsp_state st = RSP_STATUS;
    bool keep_alive = false;
};

Parsed parse(const std::string &wire, size_t piece, bool head = false, bool eof = false)
{
    oat_http_rsp *r = static_cast<oat_http_rsp *>(calloc(1, sizeof(oat_http_rsp)));
    oat_http_rsp_init(r, head);
    Parsed p;
    uint8_t body[64];
    for (size_t off = 0; off < wire.size() && r->st != RSP_DONE && r->st != RSP_ERROR;) {
        size_t n = std::min(piece, wire.size() - off), nbody = 0;
        size_t used = oat_http_rsp_feed(r, (const uint8_t *)wire.data() + off, n, body, &nbody);
        p.body.append((const char *)body, nbody);
        off += used;
    }
    if (eof)
        oat_http_rsp_eof(r);
    p.code = r->code;
    p.st = r->st;
    p.keep_alive = r->keep_alive;
    oat_http_rsp_free(r);
    free(r);
    return p;
}

TEST(HttpCodec, UrlsSplitIntoServerPortTargetAndCredentials)
{
    oat_http_url u;
    const char *why = nullptr;
    ASSERT_EQ(0, oat_http_url_parse("https://me:pw@Example.com:8443/a/b?c=d#frag", &u, &why));
    EXPECT_TRUE(u.tls);
    EXPECT_STREQ("Example.com", u.host);
    EXPECT_EQ(8443, u.port);
    EXPECT_STREQ("/a/b?c=d", u.target);
    EXPECT_STREQ("me", u.user);
    EXPECT_STREQ("pw", u.password);
    ASSERT_EQ(0, oat_http_url_parse("http://h?x", &u, &why));
    EXPECT_EQ(80, u.port);
    EXPECT_STREQ("/?x", u.target);
    EXPECT_EQ(-1, oat_http_url_parse("http://h:0/", &u, &why));
    EXPECT_EQ(-1, oat_http_url_parse("http://h/a b", &u, &why));
    oat_http_url base, next;
    ASSERT_EQ(0, oat_http_url_parse("https://a.test/x/y", &base, &why));
    ASSERT_EQ(0, oat_http_url_resolve(&base, "/z", &next, &why));
    EXPECT_STREQ("a.test", next.host);
    EXPECT_STREQ("/z", next.target);
    ASSERT_EQ(0, oat_http_url_resolve(&base, "//b.test/w", &next, &why));
    EXPECT_TRUE(next.tls);
    EXPECT_STREQ("b.test", next.host);
    EXPECT_EQ(-1, oat_http_url_resolve(&base, "relative", &next, &why));
}

TEST(HttpCodec, TheRequestHeadCarriesHostAuthFramingAndBothHeaderLists)
{
    oat_http_url u;
    const char *why;
    ASSERT_EQ(0, oat_http_url_parse("http://h.test:8080/p", &u, &why));
    oat_http_headers session{}, request{};
    ASSERT_EQ(0, oat_http_headers_set(&session, "Accept", "*/*", true));
    ASSERT_EQ(0, oat_http_headers_set(&session, "X-Session", "1", true));
    ASSERT_EQ(0, oat_http_headers_set(&request, "Accept", "text/plain", true));
    EXPECT_EQ(WIP_CERR_INVALID, oat_http_headers_set(&request, "X", "a\r\nB: c", true));
    EXPECT_EQ(WIP_CERR_INVALID, oat_http_headers_set(&request, "Bad:Name", "v", true));
    oat_http_request rq{};
    rq.method = WIP_HTTP_METHOD_POST;
    rq.version = WIP_HTTP_VERSION_1_1;
    rq.url = &u;
    rq.user_agent = "ua/1";
    rq.user = "Aladdin";
    rq.password = "open sesame";
    rq.chunked = true;
    rq.session = &session;
    rq.request = &request;
    size_t len = 0;
    char *head = oat_http_request_head(&rq, &len);
    ASSERT_NE(nullptr, head);
    EXPECT_EQ(std::string("POST /p HTTP/1.1\r\nHost: h.test:8080\r\nUser-Agent: ua/1\r\n"
                          "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"
                          "Transfer-Encoding: chunked\r\nX-Session: 1\r\nAccept: text/plain\r\n\r\n"),
              std::string(head, len));
    free(head);
    char frame[12];
    EXPECT_EQ(6u, oat_http_chunk_head(0x1fa0, frame));
    EXPECT_STREQ("1fa0\r\n", frame);
    oat_http_headers_free(&session);
    oat_http_headers_free(&request);
}

TEST(HttpCodec, ChunkedBodiesParseWholeOrByteByByte)
{
    std::string wire = "HTTP/1.1 100 Continue\r\n\r\n"
                       "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                       "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n";
    for (size_t piece : { (size_t)1, (size_t)7, wire.size() }) {
        Parsed p = parse(wire, piece);
        EXPECT_EQ(RSP_DONE, p.st) << piece;
        EXPECT_EQ(200, p.code);
        EXPECT_EQ("hello world", p.body);
        EXPECT_TRUE(p.keep_alive);
    }
}

TEST(HttpCodec, LengthCloseAndHeadBodies)
{
    Parsed p = parse("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabcEXTRA", 4);
    EXPECT_EQ("abc", p.body);
    EXPECT_FALSE(p.keep_alive);     // 1.0 without keep-alive
    p = parse("HTTP/1.1 200 OK\r\n\r\nuntil the end", 100, false, true);
    EXPECT_EQ(RSP_DONE, p.st);
    EXPECT_EQ("until the end", p.body);
    p = parse("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", 100, true);
    EXPECT_EQ(RSP_DONE, p.st);
    p = parse("HTTP/1.1 204 No Content\r\n\r\n", 100);
    EXPECT_EQ(RSP_DONE, p.st);
    p = parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100, false, true);
    EXPECT_EQ(RSP_ERROR, p.st);     // cut short
}

TEST(HttpCodec, MalformedResponsesAreErrors)
{
    for (const char *wire : { "HTPT/1.1 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n",
                              "HTTP/1.1 099 Low\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
                              "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n" })
        EXPECT_EQ(RSP_ERROR, parse(wire, 3).st) << wire;
    std::string long_line = "HTTP/1.1 200 OK\r\nX: " + std::string(9000, 'a') + "\r\n\r\n";
    EXPECT_EQ(RSP_ERROR, parse(long_line, 512).st);
}

}  // namespace
