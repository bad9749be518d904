// host_peer.h: a TCP peer on the host for the WIP suites: listens on 127.0.0.1 (free port),
// runs on its own thread and behaves as the test asks (echo, accept and never read, send
// then close, reset at once or after its greeting, or trickle: its greeting line again every
// 5 ms, for at most 20 s). Stopped and joined by its destructor.
#ifndef HOST_PEER_H
#define HOST_PEER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

class HostPeer {
public:
    enum Mode { Echo, Silent, SendThenClose, Reset, Sink, Trickle };
    static constexpr int kTrickleMs = 5, kTrickleTurns = 4000;

    explicit HostPeer(Mode mode, std::string greeting = "", int backlog = 16)
        : mode_(mode), greeting_(std::move(greeting))
    {
        lfd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (mode == Silent) {   // a small window: the peer holds little unread data
            int small = 64 * 1024;
            setsockopt(lfd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        }
        bind(lfd_, (sockaddr *)&a, sizeof a);
        listen(lfd_, backlog);
        socklen_t len = sizeof a;
        getsockname(lfd_, (sockaddr *)&a, &len);
        port_ = ntohs(a.sin_port);
        pipe(stop_);
        thread_ = std::thread([this] { run(); });
    }
    ~HostPeer()
    {
        char c = 1;
        (void)!write(stop_[1], &c, 1);
        thread_.join();
        for (int fd : conns_)
            close(fd);
        close(lfd_);
        close(stop_[0]);
        close(stop_[1]);
    }
    int port() const { return port_; }
    int accepted() const { return accepted_; }
    std::string received()
    {
        std::lock_guard<std::mutex> g(mu_);
        return received_;
    }
    size_t received_size()
    {
        std::lock_guard<std::mutex> g(mu_);
        return received_.size();
    }
    // Silent peers start reading (Sink) when asked.
    void start_reading() { mode_ = Sink; }

private:
    void run()
    {
        for (;;) {
            std::vector<pollfd> p{ { stop_[0], POLLIN, 0 }, { lfd_, POLLIN, 0 } };
            for (int fd : conns_)
                p.push_back({ fd, (short)(mode_ == Silent ? 0 : POLLIN), 0 });
            if (poll(p.data(), p.size(), mode_ == Trickle ? kTrickleMs : 50) < 0)
                return;
            if (p[0].revents)
                return;
            if (mode_ == Trickle && trickled_ < kTrickleTurns && !conns_.empty()) {
                trickled_++;
                for (int fd : conns_)
                    (void)!send(fd, greeting_.data(), greeting_.size(), MSG_NOSIGNAL);
            }
            if (p[1].revents)
                on_accept();
            for (size_t i = 2; i < p.size(); i++)
                if (p[i].revents)
                    on_data(p[i].fd);
        }
    }
    void on_accept()
    {
        int fd = accept4(lfd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            return;
        accepted_++;
        if (mode_ == Reset) {               // the greeting, then a reset (SO_LINGER 0)
            if (!greeting_.empty())
                (void)!send(fd, greeting_.data(), greeting_.size(), MSG_NOSIGNAL);
            linger lg{ 1, 0 };
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            close(fd);
            return;
        }
        if (!greeting_.empty())
            (void)!send(fd, greeting_.data(), greeting_.size(), MSG_NOSIGNAL);
        if (mode_ == SendThenClose) {
            shutdown(fd, SHUT_WR);
        }
        conns_.push_back(fd);
    }
    void on_data(int fd)
    {
        char buf[65536];
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n <= 0) {
            for (auto it = conns_.begin(); it != conns_.end(); ++it)
                if (*it == fd) {
                    conns_.erase(it);
                    break;
                }
            close(fd);
            return;
        }
        {
            std::lock_guard<std::mutex> g(mu_);
            received_.append(buf, (size_t)n);
        }
        if (mode_ == Echo)
            for (ssize_t off = 0; off < n;) {
                ssize_t w = send(fd, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
                if (w <= 0)
                    break;
                off += w;
            }
    }

    std::atomic<Mode> mode_;
    std::string greeting_;
    int lfd_ = -1, port_ = 0, stop_[2] = { -1, -1 };
    std::atomic<int> accepted_{ 0 };
    int trickled_ = 0;
    std::vector<int> conns_;
    std::mutex mu_;
    std::string received_;
    std::thread thread_;
};

#endif
