// http_hostile_test.cpp: the HTTP client against our own server (tests/http-servers/
// http_server.py) for what nginx cannot do: slow bodies, a reset in the middle of a body, a
// malformed status line, a silent server (timeout), a close-delimited body, 10 MB byte-exact;
// request bodies echoed (chunked and Content-Length, POST and PUT, ended by wip_shutdown or by
// wip_close), DELETE, a proxy, HTTP/1.0 with the session's User-Agent and default headers.
#include "http_servers.h"

namespace {

class HttpHostile : public HttpSuite {
protected:
    std::unique_ptr<PyHttpServer> server;
    char sctx = 's';
    void start()
    {
        server = std::make_unique<PyHttpServer>();
        ASSERT_NE(0, server->port());
        std::string p = std::to_string(server->port());
        boot_to("www.example.com:80=127.0.0.1:" + p + ",proxy.example.com:3128=127.0.0.1:" + p);
    }
    // A put of body to url with the options of open; waits for its end.
    bool put(const std::string &url, std::string text,
             std::function<wip_channel_t(const char *)> open = nullptr)
    {
        to_send = std::move(text);
        sent = 0;
        short_writes = 0;
        return get(url, open ? open : [&](const char *u) {
            return wip_putFile(session, u, handler, &reply);
        });
    }
};

static std::string pattern(size_t n)
{
    std::string s(n, '\0');
    for (size_t i = 0; i < n; i++)
        s[i] = (char)((i * 7 + i / 251) % 256);
    return s;
}

TEST_F(HttpHostile, ASlowBodyComesInSeveralReads)
{
    start();
    ASSERT_TRUE(get("http://www.example.com/slow")) << traces();
    EXPECT_EQ(200, reply.status);
    EXPECT_EQ("00000000000000000001000000000200000000030000000004", reply.body);
    EXPECT_GE(reply.reads, 2);
}

TEST_F(HttpHostile, AResetInTheMiddleOfTheBodyIsAnError)
{
    start();
    ASSERT_TRUE(get("http://www.example.com/reset")) << traces();
    EXPECT_TRUE(reply.opened);
    EXPECT_EQ(WIP_CERR_PIPE_BROKEN, reply.error) << traces();
    EXPECT_LE(reply.body.size(), 1000u);
}

TEST_F(HttpHostile, AMalformedStatusLineIsAProtocolError)
{
    start();
    ASSERT_TRUE(get("http://www.example.com/malformed")) << traces();
    EXPECT_FALSE(reply.opened);
    EXPECT_EQ(WIP_HTTP_ERR_PROTOCOL, reply.error);
    EXPECT_NE(std::string::npos, traces().find("a malformed status line"));
}

TEST_F(HttpHostile, ASilentServerTimesOut)
{
    start();
    task([&] { session = wip_HTTPClientCreateOpts(NULL, NULL, WIP_COPT_TIMEOUT, 1000, WIP_COPT_END); });
    SetUpHandler();
    task([&] { reply.ch = wip_getFile(session, "http://www.example.com/silent", handler, &reply); });
    ASSERT_TRUE(wait_until([&] { return server->log().find("GET /silent") != std::string::npos; }))
        << traces();
    long long t0 = oat_shim_now_ms();
    oat_shim_advance_ms(1500);
    ASSERT_TRUE(wait_until([&] { return reply.ended; })) << traces();
    EXPECT_EQ(WIP_CERR_TIMEOUT, reply.error);
    EXPECT_LE(last(WIP_CEV_ERROR)->at_ms - t0, 1100);
}

TEST_F(HttpHostile, ACloseDelimitedBodyEndsWithTheConnection)
{
    start();
    ASSERT_TRUE(get("http://www.example.com/close-delimited")) << traces();
    EXPECT_EQ(0, reply.error);
    std::string want;
    for (int i = 0; i < 100; i++)
        want += "until the end\n";
    EXPECT_EQ(want, reply.body);
    ASSERT_TRUE(get("http://www.example.com/headers")) << traces();   // a new connection
    EXPECT_EQ(200, reply.status);
}

TEST_F(HttpHostile, TenMegabytesArriveByteExact)
{
    start();
    ASSERT_TRUE(get("http://www.example.com/big", nullptr, 120000)) << traces();
    EXPECT_EQ(0, reply.error);
    ASSERT_EQ(10u * 1024 * 1024, reply.body.size());
    EXPECT_TRUE(reply.body == pattern(10u * 1024 * 1024));
}

TEST_F(HttpHostile, AChunkedPostIsEchoedWithShortWritesHonoured)
{
    start();
    want_header = "X-Chunked";
    std::string body = pattern(100000);
    ASSERT_TRUE(put("http://www.example.com/echo", body)) << traces();
    EXPECT_EQ(200, reply.status);
    EXPECT_EQ("1", reply.header_value);
    EXPECT_TRUE(body == reply.body) << reply.body.size();
    EXPECT_GT(short_writes, 0);
    EXPECT_NE(std::string::npos, server->log().find("request POST /echo chunked=1 length=100000"));
}

TEST_F(HttpHostile, AContentLengthPutIsEchoedAndAShortBodyRefused)
{
    start();
    want_header = "X-Method";
    std::string body = pattern(20000);
    ASSERT_TRUE(put("http://www.example.com/echo", body, [&](const char *u) {
        return wip_putFileOpts(session, u, handler, &reply, WIP_COPT_HTTP_METHOD,
                               WIP_HTTP_METHOD_PUT, WIP_COPT_HTTP_DATA_ENCOD, FALSE,
                               WIP_COPT_HTTP_HEADER, "Content-Length", "20000", WIP_COPT_END);
    })) << traces();
    EXPECT_EQ("PUT", reply.header_value);
    EXPECT_TRUE(body == reply.body);
    EXPECT_NE(std::string::npos, server->log().find("request PUT /echo chunked=0 length=20000"));
    ASSERT_TRUE(put("http://www.example.com/echo", "short", [&](const char *u) {
        return wip_putFileOpts(session, u, handler, &reply, WIP_COPT_HTTP_DATA_ENCOD, FALSE,
                               WIP_COPT_HTTP_HEADER, "Content-Length", "10", WIP_COPT_END);
    })) << traces();
    EXPECT_EQ(WIP_HTTP_ERR_LENGTH, reply.error);
    wip_channel_t none = (wip_channel_t)1;
    task([&] {
        none = wip_putFileOpts(session, "http://www.example.com/echo", handler, &reply,
                               WIP_COPT_HTTP_DATA_ENCOD, FALSE, WIP_COPT_END);
    });
    EXPECT_EQ(nullptr, none);
    EXPECT_NE(std::string::npos, traces().find("needs a Content-Length header"));
}

TEST_F(HttpHostile, WipCloseEndsTheBodyAndTheSessionGetsDone)
{
    start();
    end_with_close = true;
    task([&] { session = wip_HTTPClientCreate(handler, &sctx); });
    ASSERT_NE(nullptr, session);
    to_send = "closed, not shut down";
    SetUpHandler();
    task([&] { reply.ch = wip_putFile(session, "http://www.example.com/echo", handler, &reply); });
    ASSERT_TRUE(wait_until([&] { return count(WIP_CEV_DONE, session) == 1; })) << traces();
    s32 code = 0;
    task([&] { wip_getOpts(session, WIP_COPT_HTTP_STATUS_CODE, &code, WIP_COPT_END); });
    EXPECT_EQ(200, code);
    EXPECT_NE(std::string::npos, server->log().find("request POST /echo chunked=1 length=21"));
}

TEST_F(HttpHostile, DeleteGoesWithoutABody)
{
    start();
    ASSERT_TRUE(get("http://www.example.com/thing", [&](const char *u) {
        return wip_getFileOpts(session, u, handler, &reply, WIP_COPT_HTTP_METHOD,
                               WIP_HTTP_METHOD_DELETE, WIP_COPT_END);
    })) << traces();
    EXPECT_EQ(404, reply.status);
    EXPECT_NE(std::string::npos, server->log().find("request DELETE /thing chunked=0 length=0"));
}

TEST_F(HttpHostile, AProxyGetsTheWholeUrlOnTheRequestLine)
{
    start();
    task([&] {
        session = wip_HTTPClientCreateOpts(NULL, NULL, WIP_COPT_HTTP_PROXY_HOST, "proxy.example.com",
                                           WIP_COPT_HTTP_PROXY_PORT, 3128, WIP_COPT_END);
    });
    ASSERT_TRUE(get("http://www.example.com/via/proxy?q=1")) << traces();
    EXPECT_EQ("GET http://www.example.com/via/proxy?q=1", reply.body);
}

TEST_F(HttpHostile, Http10WithTheSessionsUserAgentAndHeaders)
{
    start();
    task([&] {
        session = wip_HTTPClientCreateOpts(NULL, NULL, WIP_COPT_HTTP_VERSION, WIP_HTTP_VERSION_1_0,
                                           WIP_COPT_HTTP_USER_AGENT, "unit/1", WIP_COPT_HTTP_HEADER,
                                           "X-Unit", "7", WIP_COPT_HTTP_HEADER, "Accept", "*/*",
                                           WIP_COPT_END);
    });
    ASSERT_TRUE(get("http://www.example.com/headers", [&](const char *u) {
        return wip_getFileOpts(session, u, handler, &reply, WIP_COPT_HTTP_HEADER, "Accept",
                               "text/plain", WIP_COPT_END);
    })) << traces();
    const std::string &b = reply.body;
    EXPECT_EQ(0u, b.find("GET /headers HTTP/1.0\n")) << b;
    for (const char *h : { "Host: www.example.com\n", "User-Agent: unit/1\n", "X-Unit: 7\n",
                           "Connection: close\n", "Accept: text/plain\n" })
        EXPECT_NE(std::string::npos, b.find(h)) << h << " in " << b;
    EXPECT_EQ(std::string::npos, b.find("*/*")) << b;
    wip_channel_t none = (wip_channel_t)1;
    task([&] {
        none = wip_getFileOpts(session, "http://www.example.com/headers", handler, &reply,
                               WIP_COPT_HTTP_HEADER, "X-Evil", "a\r\nInjected: 1", WIP_COPT_END);
    });
    EXPECT_EQ(nullptr, none);
}

}  // namespace
