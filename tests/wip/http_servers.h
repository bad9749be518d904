// http_servers.h: the HTTP client suites' common parts. Nginx runs Debian's nginx as the test
// user on a free 127.0.0.1 port with a config generated in a temporary directory (static
// files, SSI for a chunked body, Basic auth, a 301, TLS with the test PKI; access log with
// $connection); PyHttpServer runs tests/http-servers/http_server.py (echo, slow, reset,
// malformed, silent, close-delimited, big). HttpSuite is the fixture: the emulator booted with
// www.example.com:80 (and server.test:443) mapped to the servers, one session, and requests
// whose events it records: body read on READ until 0, status at OPEN, the data channel closed
// at PEER_CLOSE or ERROR; a body to send written on WRITE events, short writes honoured.
#ifndef HTTP_SERVERS_H
#define HTTP_SERVERS_H

#include "wip_fixture.h"
#include "test_pki.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "wip_http.h"
#include "wip_ssl.h"

inline std::string http_slurp(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline void http_spit(const std::string &path, const std::string &text)
{
    std::ofstream f(path, std::ios::binary);
    f << text;
}

// A port free on 127.0.0.1 now (the kernel's choice).
inline int http_free_port()
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (bind(fd, (sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

inline bool http_port_open(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    bool ok = connect(fd, (sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

class Nginx {
public:
    static bool available() { return ::access("/usr/sbin/nginx", X_OK) == 0; }
    // The document root holds hello.txt, part.txt, ssi/page.txt (includes part.txt),
    // auth/secret.txt (user "dev", password "s3cret") and whatever the test adds.
    explicit Nginx(const TestPki *pki = nullptr)
    {
        char tmpl[] = "/tmp/oatemu-nginx-XXXXXX";
        dir_ = mkdtemp(tmpl);
        chmod(dir_.c_str(), 0755);     // the workers run as nobody when the tests run as root
        mkdir((dir_ + "/www").c_str(), 0755);
        mkdir((dir_ + "/www/ssi").c_str(), 0755);
        mkdir((dir_ + "/www/auth").c_str(), 0755);
        http_spit(dir_ + "/www/hello.txt", "hello from nginx\n");
        http_spit(dir_ + "/www/part.txt", "included part\n");
        http_spit(dir_ + "/www/ssi/page.txt", "before\n<!--# include virtual=\"/part.txt\" -->after\n");
        http_spit(dir_ + "/www/auth/secret.txt", "the secret\n");
        std::string pw = run("/usr/bin/openssl passwd -apr1 s3cret");
        http_spit(dir_ + "/htpasswd", "dev:" + pw);
        port_ = http_free_port();
        std::string tls;
        if (pki) {
            tls_port_ = http_free_port();
            http_spit(dir_ + "/chain.pem", http_slurp(pki->leaf_pem) + http_slurp(pki->inter_pem));
            tls = "    listen 127.0.0.1:" + std::to_string(tls_port_) + " ssl;\n"
                  "    ssl_certificate " + dir_ + "/chain.pem;\n"
                  "    ssl_certificate_key " + pki->leaf_key + ";\n";
        }
        std::string conf =
            "worker_processes 1;\n"
            "pid " + dir_ + "/nginx.pid;\n"
            "error_log " + dir_ + "/error.log;\n"
            "events { worker_connections 64; }\n"
            "http {\n"
            "  log_format conn '$connection $request_method $uri $status $body_bytes_sent';\n"
            "  access_log " + dir_ + "/access.log conn;\n"
            "  client_body_temp_path " + dir_ + "/body;\n"
            "  proxy_temp_path " + dir_ + "/proxy;\n"
            "  fastcgi_temp_path " + dir_ + "/fastcgi;\n"
            "  uwsgi_temp_path " + dir_ + "/uwsgi;\n"
            "  scgi_temp_path " + dir_ + "/scgi;\n"
            "  keepalive_requests 1000;\n"
            "  absolute_redirect off;\n"
            "  default_type text/plain;\n"
            "  server {\n"
            "    listen 127.0.0.1:" + std::to_string(port_) + ";\n" + tls +
            "    root " + dir_ + "/www;\n"
            "    location /ssi/ { ssi on; ssi_types text/plain; }\n"
            "    location /auth/ { auth_basic \"oatemu\"; auth_basic_user_file " + dir_ + "/htpasswd; }\n"
            "    location = /old { return 301 /hello.txt; }\n"
            "    location = /loop { return 302 /loop; }\n"
            "  }\n"
            "}\n";
        http_spit(dir_ + "/nginx.conf", conf);
        pid_ = fork();
        if (pid_ == 0) {
            execl("/usr/sbin/nginx", "nginx", "-p", dir_.c_str(), "-c", (dir_ + "/nginx.conf").c_str(),
                  "-g", "daemon off;", (char *)nullptr);
            _exit(127);
        }
        for (int i = 0; i < 400 && !http_port_open(port_); i++)
            usleep(25000);   // a separate process starting: bounded polling, 10 s at most
    }
    ~Nginx()
    {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
        std::system(("rm -rf " + dir_).c_str());
    }
    Nginx(const Nginx &) = delete;
    Nginx &operator=(const Nginx &) = delete;

    int port() const { return port_; }
    int tls_port() const { return tls_port_; }
    const std::string &root() const { return dir_; }
    void add_file(const std::string &name, const std::string &text) const
    {
        http_spit(dir_ + "/www/" + name, text);
    }
    // Access-log lines so far ("<connection> <method> <uri> <status> <bytes>").
    std::vector<std::string> access() const
    {
        std::vector<std::string> lines;
        std::istringstream in(http_slurp(dir_ + "/access.log"));
        for (std::string l; std::getline(in, l);)
            lines.push_back(l);
        return lines;
    }
    std::string errors() const { return http_slurp(dir_ + "/error.log"); }
    static std::string run(const std::string &cmd)
    {
        std::string out;
        FILE *p = popen(cmd.c_str(), "r");
        char buf[512];
        while (p && fgets(buf, sizeof buf, p))
            out += buf;
        if (p)
            pclose(p);
        return out;
    }

private:
    std::string dir_;
    int port_ = 0, tls_port_ = 0;
    pid_t pid_ = -1;
};

class PyHttpServer {
public:
    PyHttpServer()
    {
        char tmpl[] = "/tmp/oatemu-httpd-XXXXXX";
        dir_ = mkdtemp(tmpl);
        log_ = dir_ + "/log";
        std::string cmd = "exec /usr/bin/python3 " OATEMU_SOURCE_DIR
                          "/tests/http-servers/http_server.py --port 0 >" + log_ + " 2>&1";
        pid_ = fork();
        if (pid_ == 0) {
            execl("/bin/sh", "sh", "-c", cmd.c_str(), (char *)nullptr);
            _exit(127);
        }
        for (int i = 0; i < 400 && port_ == 0; i++) {
            std::string l = http_slurp(log_);
            size_t at = l.find("listening on "), end = l.find('\n', at);
            if (at != std::string::npos && end != std::string::npos)
                port_ = std::atoi(l.c_str() + l.rfind(':', end) + 1);
            else
                usleep(25000);   // a separate process starting: bounded polling, 10 s at most
        }
    }
    ~PyHttpServer()
    {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
        std::system(("rm -rf " + dir_).c_str());
    }
    PyHttpServer(const PyHttpServer &) = delete;
    PyHttpServer &operator=(const PyHttpServer &) = delete;
    int port() const { return port_; }
    std::string log() const { return http_slurp(log_); }

private:
    std::string dir_, log_;
    pid_t pid_ = -1;
    int port_ = 0;
};

// One request's record.
struct HttpReply {
    wip_channel_t ch = nullptr;
    std::string body;
    s32 status = 0;
    std::string reason;
    std::string header_value;       // of the header named in HttpSuite::want_header
    bool opened = false, ended = false;
    int error = 0;
    int reads = 0;
};

class HttpSuite : public WipTest {
protected:
    wip_channel_t session = nullptr;
    HttpReply reply;
    std::string want_header = "Content-Type";
    std::string to_send;            // a put's body
    size_t sent = 0;
    bool end_with_close = false;    // wip_close instead of wip_shutdown(write) after the body
    int short_writes = 0;

    void SetUp() override {}
    void boot_to(const std::string &map)
    {
        boot({ "--host-map=" + map });
        start_bearer();
    }
    void trust(const TestPki *pki)
    {
        std::string ca = pki->root_pem;
        task([&] {
            wip_SSLClose();
            ASSERT_EQ(0, wip_SSLInitOpts(WIP_COPT_CERT_AUTHORITY_FILE, ca.c_str(), WIP_COPT_VERIFY,
                                         WIP_SSL_ALWAYS, WIP_COPT_END));
        });
    }
    void take_status(wip_channel_t d)
    {
        char reason[128] = "", value[256] = "";
        wip_getOpts(d, WIP_COPT_HTTP_STATUS_CODE, &reply.status, WIP_COPT_HTTP_STATUS_REASON,
                    reason, (u16)sizeof reason, WIP_COPT_END);
        reply.reason = reason;
        if (!want_header.empty() &&
            wip_getOpts(d, WIP_COPT_HTTP_HEADER, want_header.c_str(), value, (u16)sizeof value,
                        WIP_COPT_END) == 0)
            reply.header_value = value;
    }
    void record(wip_event_t *ev)
    {
        HttpReply &r = reply;
        wip_channel_t d = ev->channel;
        switch (ev->kind) {
        case WIP_CEV_OPEN:
            r.opened = true;
            if (to_send.empty())    // a put's response comes after its body
                take_status(d);
            break;
        case WIP_CEV_WRITE:
            while (sent < to_send.size()) {
                int n = wip_write(d, to_send.data() + sent, (u32)(to_send.size() - sent));
                if (n <= 0) {
                    short_writes++;
                    return;
                }
                sent += (size_t)n;
                if (sent < to_send.size())
                    short_writes++;
            }
            if (end_with_close)
                wip_close(d);
            else
                wip_shutdown(d, FALSE, TRUE);
            break;
        case WIP_CEV_READ: {
            r.reads++;
            char buf[3000];
            int n;
            while ((n = wip_read(d, buf, sizeof buf)) > 0)
                r.body.append(buf, (size_t)n);
            break;
        }
        case WIP_CEV_PEER_CLOSE: {
            char buf[3000];
            int n;
            while ((n = wip_read(d, buf, sizeof buf)) > 0)
                r.body.append(buf, (size_t)n);
            if (!to_send.empty())
                take_status(d);
            r.ended = true;
            wip_close(d);
            break;
        }
        case WIP_CEV_ERROR:
            r.error = ev->content.error.errnum;
            r.ended = true;
            wip_close(d);
            break;
        default:
            break;
        }
    }
    void SetUpHandler()
    {
        on_event = [this](wip_event_t *ev, void *ctx) {
            if (ctx == &reply)
                record(ev);
        };
    }
    // A session (made on first use with the options of make) and one GET of url; waits for
    // its end (PEER_CLOSE or ERROR).
    bool get(const std::string &url, std::function<wip_channel_t(const char *)> open = nullptr,
             long long timeout_ms = 20000)
    {
        SetUpHandler();
        reply = HttpReply{};
        task([&] {
            if (!session)
                session = wip_HTTPClientCreate(NULL, NULL);
            ASSERT_NE(nullptr, session);
            reply.ch = open ? open(url.c_str())
                            : wip_getFile(session, url.c_str(), handler, &reply);
        });
        if (!reply.ch)
            return false;
        return wait_until([&] { return reply.ended; }, timeout_ms);
    }
    void TearDown() override
    {
        if (session)
            task([&] { wip_close(session); });
        session = nullptr;
        WipTest::TearDown();
    }
};

#endif
