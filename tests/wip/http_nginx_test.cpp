// http_nginx_test.cpp: the HTTP client against Debian's nginx, started by the test on a free
// 127.0.0.1 port: static files with their headers, keep-alive (two GETs, one connection in
// nginx's access log), a chunked body (SSI), Range, 301 reported and followed, 404, Basic
// authentication, HEAD, HTTPS with the test PKI, and 200 GETs without descriptor growth.
#include "http_servers.h"
#include "process_resources.h"

#include <memory>
#include <set>

namespace {

class HttpNginx : public HttpSuite {
protected:
    std::unique_ptr<Nginx> nginx;
    void start(const TestPki *pki = nullptr)
    {
        if (!Nginx::available())
            GTEST_SKIP() << "nginx is not installed (scripts/setup-deps test)";
        nginx = std::make_unique<Nginx>(pki);
        ASSERT_TRUE(http_port_open(nginx->port())) << nginx->errors();
        std::string map = "www.example.com:80=127.0.0.1:" + std::to_string(nginx->port());
        if (pki)
            map += ",server.test:443=127.0.0.1:" + std::to_string(nginx->tls_port());
        boot_to(map);
    }
    std::set<std::string> connections() const
    {
        std::set<std::string> ids;
        for (const auto &l : nginx->access())
            ids.insert(l.substr(0, l.find(' ')));
        return ids;
    }
};

TEST_F(HttpNginx, GetsAStaticFileWithItsStatusReasonAndHeaders)
{
    start();
    ASSERT_TRUE(get("http://www.example.com/hello.txt")) << traces();
    EXPECT_EQ(0, reply.error) << traces();
    EXPECT_TRUE(reply.opened);
    EXPECT_EQ(200, reply.status);
    EXPECT_EQ("OK", reply.reason);
    EXPECT_EQ("text/plain", reply.header_value);
    EXPECT_EQ("hello from nginx\n", reply.body);
}

TEST_F(HttpNginx, TwoGetsReuseOneKeptAliveConnection)
{
    start();
    ASSERT_TRUE(get("http://www.example.com/hello.txt")) << traces();
    ASSERT_TRUE(get("http://www.example.com/part.txt")) << traces();
    EXPECT_EQ("included part\n", reply.body);
    ASSERT_TRUE(wait_until([&] { return nginx->access().size() == 2; })) << nginx->errors();
    EXPECT_EQ(1u, connections().size()) << nginx->access()[0] << " / " << nginx->access()[1];
}

TEST_F(HttpNginx, AnSsiPageComesChunkedAndWhole)
{
    start();
    want_header = "Transfer-Encoding";
    ASSERT_TRUE(get("http://www.example.com/ssi/page.txt")) << traces();
    EXPECT_EQ(200, reply.status);
    EXPECT_EQ("chunked", reply.header_value);
    EXPECT_EQ("before\nincluded part\nafter\n", reply.body);
}

TEST_F(HttpNginx, ARangeRequestGetsA206WithThoseBytes)
{
    start();
    want_header = "Content-Range";
    ASSERT_TRUE(get("http://www.example.com/hello.txt", [&](const char *url) {
        return wip_getFileOpts(session, url, handler, &reply, WIP_COPT_HTTP_HEADER, "Range",
                               "bytes=6-9", WIP_COPT_END);
    })) << traces();
    EXPECT_EQ(206, reply.status);
    EXPECT_EQ("bytes 6-9/17", reply.header_value);
    EXPECT_EQ("from", reply.body);
}

TEST_F(HttpNginx, A301IsReportedUnlessFollowingIsAskedAnd404Too)
{
    start();
    want_header = "Location";
    ASSERT_TRUE(get("http://www.example.com/old")) << traces();
    EXPECT_EQ(301, reply.status);
    EXPECT_EQ("/hello.txt", reply.header_value);
    ASSERT_TRUE(get("http://www.example.com/old", [&](const char *url) {
        return wip_getFileOpts(session, url, handler, &reply, WIP_COPT_HTTP_FOLLOW_REDIRECT, TRUE,
                               WIP_COPT_END);
    })) << traces();
    EXPECT_EQ(200, reply.status);
    EXPECT_EQ("hello from nginx\n", reply.body);
    ASSERT_TRUE(get("http://www.example.com/loop", [&](const char *url) {
        return wip_getFileOpts(session, url, handler, &reply, WIP_COPT_HTTP_FOLLOW_REDIRECT, TRUE,
                               WIP_COPT_END);
    })) << traces();
    EXPECT_EQ(WIP_HTTP_ERR_REDIRECTS, reply.error);
    ASSERT_TRUE(get("http://www.example.com/nothing-here")) << traces();
    EXPECT_EQ(404, reply.status);
    EXPECT_EQ("Not Found", reply.reason);
    EXPECT_NE(std::string::npos, reply.body.find("404")) << reply.body;
}

TEST_F(HttpNginx, BasicAuthenticationFromTheSessionOrTheUrl)
{
    start();
    ASSERT_TRUE(get("http://www.example.com/auth/secret.txt")) << traces();
    EXPECT_EQ(401, reply.status);
    ASSERT_TRUE(get("http://dev:s3cret@www.example.com/auth/secret.txt")) << traces();
    EXPECT_EQ(200, reply.status);
    EXPECT_EQ("the secret\n", reply.body);
    task([&] { wip_close(session); });
    task([&] {
        session = wip_HTTPClientCreateOpts(NULL, NULL, WIP_COPT_USER, "dev", WIP_COPT_PASSWORD,
                                           "s3cret", WIP_COPT_END);
    });
    ASSERT_TRUE(get("http://www.example.com/auth/secret.txt")) << traces();
    EXPECT_EQ(200, reply.status);
    ASSERT_TRUE(get("http://dev:wrong@www.example.com/auth/secret.txt")) << traces();
    EXPECT_EQ(401, reply.status);
}

TEST_F(HttpNginx, HeadGivesTheHeadersAndNoBody)
{
    start();
    want_header = "Content-Length";
    ASSERT_TRUE(get("http://www.example.com/hello.txt", [&](const char *url) {
        return wip_getFileOpts(session, url, handler, &reply, WIP_COPT_HTTP_METHOD,
                               WIP_HTTP_METHOD_HEAD, WIP_COPT_END);
    })) << traces();
    EXPECT_EQ(200, reply.status);
    EXPECT_EQ("17", reply.header_value);
    EXPECT_EQ("", reply.body);
    ASSERT_TRUE(get("http://www.example.com/part.txt")) << traces();   // the same connection
    EXPECT_EQ("included part\n", reply.body);
    EXPECT_EQ(1u, connections().size());
}

TEST_F(HttpNginx, HttpsWithTheTestPkiAndAnUntrustedServerRefused)
{
    const TestPki *pki = TestPki::get();
    if (!pki)
        GTEST_SKIP() << "no openssl CLI";
    start(pki);
    task([] { ASSERT_EQ(0, wip_SSLInitOpts(WIP_COPT_VERIFY, WIP_SSL_ALWAYS, WIP_COPT_END)); });
    ASSERT_TRUE(get("https://server.test/hello.txt")) << traces();
    EXPECT_EQ(WIP_SSL_ERR_CERTIFICATE, reply.error) << traces();   // no CA given yet
    trust(pki);
    ASSERT_TRUE(get("https://server.test/hello.txt")) << traces();
    EXPECT_EQ(0, reply.error) << traces();
    EXPECT_EQ(200, reply.status);
    EXPECT_EQ("hello from nginx\n", reply.body);
    ASSERT_TRUE(get("https://server.test/part.txt")) << traces();
    EXPECT_EQ("included part\n", reply.body);
    ASSERT_TRUE(wait_until([&] { return nginx->access().size() == 2; }));
    EXPECT_EQ(1u, connections().size());
}

TEST_F(HttpNginx, TwoHundredGetsLeaveNoDescriptorAndNoMemoryBehind)
{
    start();
    ASSERT_TRUE(get("http://www.example.com/hello.txt")) << traces();
    traces();
    int before = open_descriptors();
    size_t heap = heap_in_use();
    for (int i = 0; i < 200; i++) {
        ASSERT_TRUE(get("http://www.example.com/hello.txt", [&](const char *url) {
            // every other request closes its connection: new sockets as well as reuse
            return i % 2 ? wip_getFileOpts(session, url, handler, &reply, WIP_COPT_HTTP_HEADER,
                                           "Connection", "close", WIP_COPT_END)
                         : wip_getFile(session, url, handler, &reply);
        })) << i << traces();
        ASSERT_EQ("hello from nginx\n", reply.body) << i;
        events.clear();                            // the test's own record of the events
    }
    task([&] { wip_close(session); });
    session = nullptr;
    ASSERT_TRUE(wait_until([&] { return open_descriptors() <= before; })) << open_descriptors() << " > " << before;
    EXPECT_EQ(201u, nginx->access().size());
    traces();
    // 200 requests' state (about 1 KB each) would show; allocator slack stays under 16 KB
    EXPECT_LT(heap_in_use(), heap + 16 * 1024) << "heap grew from " << heap << " to " << heap_in_use();
}

TEST_F(HttpNginx, ABadUrlGivesNoChannelAndATrace)
{
    start();
    task([&] { session = wip_HTTPClientCreate(NULL, NULL); });
    for (const char *url : { "ftp://www.example.com/x", "http:///x", "http://h:99999/",
                             "http://h:x/", "no url" }) {
        wip_channel_t d = (wip_channel_t)1;
        task([&] { d = wip_getFile(session, url, handler, &reply); });
        EXPECT_EQ(nullptr, d) << url;
    }
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("not an http:// or https:// URL")) << t;
    EXPECT_NE(std::string::npos, t.find("no host in the URL")) << t;
    EXPECT_NE(std::string::npos, t.find("a bad port in the URL")) << t;
}

}  // namespace
