// tls_peer.h: a TLS peer on the host for the SSL suites: socat (preferred; a byte-exact echo)
// or openssl s_server (fallback; no echo) listening on 127.0.0.1, on a free port, serving a
// certificate chain (leaf then intermediate) as the test configures it: versions, cipher
// suites, a client certificate required, echo or "greet then end the session". The
// constructor returns once the port listens (bounded polling of /proc/net/tcp, so no probe
// connection is spent); the destructor kills the peer's process group and reaps it.
#ifndef TLS_PEER_H
#define TLS_PEER_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

class TlsPeer {
public:
    enum Mode { Echo, GreetThenClose };

    struct Config {
        Mode mode = Echo;
        std::string chain;        // PEM file: leaf, intermediate(s), private key
        std::string min_version;  // "TLS1.2", "TLS1.3" or empty
        std::string max_version;
        std::string ciphers;      // OpenSSL cipher list (TLS 1.2)
        std::string client_ca;    // non-empty: require a client certificate from these CAs
        std::string greeting = "hello";
        int rcvbuf = 0;           // > 0: the peer's socket receive buffer (a small window)
    };

    static constexpr const char *kSocat = "/usr/bin/socat";
    static constexpr const char *kOpenssl = "/usr/bin/openssl";
    static bool have_socat() { return access(kSocat, X_OK) == 0; }
    static bool have_openssl() { return access(kOpenssl, X_OK) == 0; }
    static bool available() { return have_socat() || have_openssl(); }
    // Byte-exact echo needs socat.
    static bool can_echo() { return have_socat(); }

    explicit TlsPeer(const Config &cfg) : cfg_(cfg)
    {
        port_ = free_port();
        char logt[] = "/tmp/oatemu-tlspeer-XXXXXX";
        int lfd = mkstemp(logt);
        log_path_ = logt;
        std::vector<std::string> args = have_socat() ? socat_args() : s_server_args();
        std::vector<char *> argv;   // built before fork: the child only calls exec-safe code
        for (auto &a : args)
            argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(nullptr);
        pid_ = fork();
        if (pid_ == 0) {
            setpgid(0, 0);
            int devnull = open("/dev/null", O_RDONLY);
            dup2(devnull, 0);
            dup2(lfd, 1);
            dup2(lfd, 2);
            execv(argv[0], argv.data());
            _exit(127);
        }
        if (pid_ > 0) {
            setpgid(pid_, pid_);   // both sides, so the group exists before we kill it
            pgid_ = pid_;
        }
        close(lfd);
        ready_ = wait_listening(5000);
    }
    ~TlsPeer()
    {
        if (pgid_ > 0)
            kill(-pgid_, SIGTERM);
        if (pid_ > 0) {
            int st;
            for (int i = 0; i < 200; i++) {   // up to 2 s, then force
                if (waitpid(pid_, &st, WNOHANG) == pid_) {
                    pid_ = -1;
                    break;
                }
                struct timespec ts = { 0, 10 * 1000 * 1000 };
                nanosleep(&ts, nullptr);
            }
            if (pid_ > 0) {
                kill(-pid_, SIGKILL);
                waitpid(pid_, &st, 0);
            }
        }
        if (pgid_ > 0)
            kill(-pgid_, SIGKILL);   // stragglers of the group (forked children), if any
        unlink(log_path_.c_str());
    }
    TlsPeer(const TlsPeer &) = delete;
    TlsPeer &operator=(const TlsPeer &) = delete;

    int port() const { return port_; }
    bool ready() const { return ready_; }
    std::string log() const
    {
        std::ifstream in(log_path_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    std::string tool() const { return have_socat() ? "socat" : "openssl s_server"; }

private:
    std::vector<std::string> socat_args() const
    {
        std::string l = "OPENSSL-LISTEN:" + std::to_string(port_) +
                        ",bind=127.0.0.1,reuseaddr,fork,cert=" + cfg_.chain;
        if (!cfg_.client_ca.empty())
            l += ",cafile=" + cfg_.client_ca + ",verify=1";
        else
            l += ",verify=0";
        if (!cfg_.min_version.empty())
            l += ",openssl-min-proto-version=" + cfg_.min_version;
        if (!cfg_.max_version.empty())
            l += ",openssl-max-proto-version=" + cfg_.max_version;
        if (!cfg_.ciphers.empty())
            l += ",cipher=" + cfg_.ciphers;
        if (cfg_.rcvbuf > 0)
            l += ",rcvbuf=" + std::to_string(cfg_.rcvbuf);
        std::string r = cfg_.mode == Echo ? "EXEC:cat" : "SYSTEM:printf '" + cfg_.greeting + "'";
        return { kSocat, l, r };
    }
    std::vector<std::string> s_server_args() const
    {
        // s_server wants the key and the extra chain apart; the chain file holds both, and
        // it takes the first certificate for -cert and the key from -key.
        std::vector<std::string> a = { kOpenssl, "s_server", "-quiet", "-accept",
                                       "127.0.0.1:" + std::to_string(port_), "-cert",
                                       cfg_.chain, "-key", cfg_.chain, "-cert_chain",
                                       cfg_.chain };
        if (cfg_.max_version == "TLS1.2")
            a.push_back("-no_tls1_3");
        if (cfg_.min_version == "TLS1.3")
            a.push_back("-tls1_3");
        if (!cfg_.ciphers.empty()) {
            a.push_back("-cipher");
            a.push_back(cfg_.ciphers);
        }
        if (!cfg_.client_ca.empty()) {
            a.push_back("-Verify");
            a.push_back("2");
            a.push_back("-CAfile");
            a.push_back(cfg_.client_ca);
        }
        return a;
    }
    static int free_port()
    {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(fd, (sockaddr *)&a, sizeof a);
        socklen_t len = sizeof a;
        getsockname(fd, (sockaddr *)&a, &len);
        close(fd);
        return ntohs(a.sin_port);
    }
    bool listening() const
    {
        std::ifstream in("/proc/net/tcp");
        std::string line;
        char want[32];
        std::snprintf(want, sizeof want, "0100007F:%04X", port_);
        while (std::getline(in, line)) {
            std::istringstream ss(line);
            std::string sl, local, remote, st;
            ss >> sl >> local >> remote >> st;
            if (local == want && st == "0A")
                return true;
        }
        return false;
    }
    bool wait_listening(int timeout_ms)
    {
        for (int waited = 0; waited < timeout_ms; waited += 5) {
            if (listening())
                return true;
            if (pid_ <= 0 || waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                return false;   // the peer died (bad options): see log()
            }
            struct timespec ts = { 0, 5 * 1000 * 1000 };
            nanosleep(&ts, nullptr);
        }
        return false;
    }

    Config cfg_;
    int port_ = 0;
    pid_t pid_ = -1, pgid_ = -1;
    bool ready_ = false;
    std::string log_path_;
};

#endif
