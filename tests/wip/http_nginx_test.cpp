// http_nginx_test.cpp: the HTTP client against Debian's nginx, started by the test on a free
// 127.0.0.1 port: static files with their headers, keep-alive (two GETs, one connection in
// nginx's access log), a chunked body (SSI), Range, 301 reported and followed, 404, Basic
// authentication, HEAD, HTTPS with the test PKI, and 200 GETs without descriptor growth.
#include "http_servers.h"

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

}  // namespace
