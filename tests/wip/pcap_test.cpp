// pcap_test.cpp: --pcap on host channels, read back frame by frame: a TCP connection's
// handshake, bytes both ways with their sequence and acknowledgement numbers, the FINs of
// both sides, a RST on wip_abort, UDP datagrams, and a file that fails: capture off, one
// trace line, the module goes on. The SSL flows are checked end to end by
// tests/scripts/pcap_capture.sh.
#include "host_peer.h"
#include "wip_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>

namespace {

struct Frame {
    uint32_t src, dst;
    uint8_t proto;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    std::string data;
};

uint32_t be(const uint8_t *p, int n)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

std::vector<Frame> read_capture(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<Frame> frames;
    const auto *p = (const uint8_t *)raw.data();
    EXPECT_GE(raw.size(), 24u);
    if (raw.size() < 24)
        return frames;
    EXPECT_EQ(0xa1b2c3d4u, le32(p));
    for (size_t at = 24; at + 16 <= raw.size();) {
        uint32_t len = le32(p + at + 8);
        const uint8_t *ip = p + at + 16;
        at += 16 + len;
        EXPECT_LE(at, raw.size());
        if (at > raw.size())
            break;
        Frame f{ be(ip + 12, 4), be(ip + 16, 4), ip[9], 0, 0, 0, 0, 0, "" };
        const uint8_t *l4 = ip + 20;
        f.sport = (uint16_t)be(l4, 2);
        f.dport = (uint16_t)be(l4 + 2, 2);
        size_t hdr = f.proto == IPPROTO_TCP ? 20 : 8;
        if (f.proto == IPPROTO_TCP) {
            f.seq = be(l4 + 4, 4);
            f.ack = be(l4 + 8, 4);
            f.flags = l4[13];
        }
        f.data.assign((const char *)l4 + hdr, len - 20 - hdr);
        frames.push_back(f);
    }
    return frames;
}

class PcapCapture : public WipTest {
protected:
    char ctx = 'c';
    wip_channel_t client = nullptr;
    std::string path = testing::TempDir() + "oatemu_pcap_test_" + std::to_string(getpid()) + ".pcap";

    void SetUp() override {}
    void TearDown() override
    {
        WipTest::TearDown();
        std::remove(path.c_str());
    }
    void boot_to(int host_port, const std::string &pcap)
    {
        boot({ "--pcap=" + pcap, "--host-map=peer.test=127.0.0.1:" + std::to_string(host_port) });
        start_bearer();
    }
    bool has(int kind, wip_channel_t ch)
    {
        return wait_until([&] { return count(kind, ch) > 0; });
    }
    std::vector<Frame> stop_and_read()
    {
        oat_shim_stop();
        return read_capture(path);
    }
};

const uint8_t SYN = 0x02, ACK = 0x10, FIN = 0x01, RST = 0x04;

TEST_F(PcapCapture, TcpFlowShowsHandshakeBytesBothWaysAndTheModulesFin)
{
    HostPeer peer(HostPeer::Echo);
    boot_to(peer.port(), path);
    task([&] { client = wip_TCPClientCreate("peer.test", 7, handler, &ctx); });
    ASSERT_TRUE(has(WIP_CEV_WRITE, client));
    task([&] { EXPECT_EQ(5, wip_write(client, "hello", 5)); });
    ASSERT_TRUE(has(WIP_CEV_READ, client));
    char buf[16] = {};
    task([&] { EXPECT_EQ(5, wip_read(client, buf, sizeof buf)); });
    task([&] { EXPECT_EQ(0, wip_close(client)); });
    auto f = stop_and_read();
    ASSERT_EQ(9u, f.size());
    uint32_t module = f[0].src, m_isn = f[0].seq, p_isn = f[1].seq;
    EXPECT_EQ(0x0Au, module >> 24) << "the bearer's address";
    EXPECT_EQ(0x7F000001u, f[0].dst);
    EXPECT_EQ(peer.port(), f[0].dport);
    EXPECT_EQ(SYN, f[0].flags);
    EXPECT_EQ(SYN | ACK, f[1].flags);
    EXPECT_EQ(m_isn + 1, f[1].ack);
    EXPECT_EQ(ACK, f[2].flags);
    EXPECT_EQ("hello", f[3].data);                       // out, then the peer's ACK
    EXPECT_EQ(m_isn + 1, f[3].seq);
    EXPECT_EQ(p_isn + 1, f[3].ack);
    EXPECT_EQ(m_isn + 6, f[4].ack);
    EXPECT_EQ(f[0].dst, f[5].src);                       // the echo, then the module's ACK
    EXPECT_EQ("hello", f[5].data);
    EXPECT_EQ(p_isn + 1, f[5].seq);
    EXPECT_EQ(p_isn + 6, f[6].ack);
    EXPECT_EQ(FIN | ACK, f[7].flags);                    // wip_close
    EXPECT_EQ(module, f[7].src);
    EXPECT_EQ(m_isn + 6, f[7].seq);
    EXPECT_EQ(m_isn + 7, f[8].ack);
}

TEST_F(PcapCapture, ThePeersFinComesAfterItsLastBytes)
{
    HostPeer peer(HostPeer::SendThenClose, "bye\r\n");
    boot_to(peer.port(), path);
    task([&] { client = wip_TCPClientCreate("peer.test", 7, handler, &ctx); });
    ASSERT_TRUE(has(WIP_CEV_READ, client));
    char buf[16];
    task([&] { EXPECT_EQ(5, wip_read(client, buf, sizeof buf)); });
    ASSERT_TRUE(has(WIP_CEV_PEER_CLOSE, client));
    task([&] { wip_read(client, buf, sizeof buf); });
    auto f = stop_and_read();
    ASSERT_GE(f.size(), 7u);
    EXPECT_EQ("bye\r\n", f[3].data);
    EXPECT_EQ(FIN | ACK, f[5].flags);
    EXPECT_EQ(f[3].seq + 5, f[5].seq) << "the FIN follows the bytes";
    EXPECT_NE(f[0].src, f[5].src) << "from the peer";
}

TEST_F(PcapCapture, AbortIsAResetFromTheModule)
{
    HostPeer peer(HostPeer::Silent);
    boot_to(peer.port(), path);
    task([&] { client = wip_TCPClientCreate("peer.test", 7, handler, &ctx); });
    ASSERT_TRUE(has(WIP_CEV_WRITE, client));
    task([&] { EXPECT_EQ(0, wip_abort(client)); });
    auto f = stop_and_read();
    ASSERT_EQ(4u, f.size());
    EXPECT_EQ(RST | ACK, f[3].flags);
    EXPECT_EQ(f[0].src, f[3].src);
}

TEST_F(PcapCapture, UdpDatagramsAreCapturedBothWays)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{}, from{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a, fl = sizeof from;
    ASSERT_EQ(0, bind(fd, (sockaddr *)&a, sizeof a));
    ASSERT_EQ(0, getsockname(fd, (sockaddr *)&a, &al));
    timeval tv{ 5, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    boot({ "--pcap=" + path, "--host-map=udp.test=127.0.0.1:" + std::to_string(ntohs(a.sin_port)) });
    start_bearer();
    task([&] {
        client = wip_UDPCreateOpts(handler, &ctx, WIP_COPT_PEER_STRADDR, "udp.test",
                                   WIP_COPT_PEER_PORT, 7, WIP_COPT_END);
    });
    ASSERT_TRUE(has(WIP_CEV_WRITE, client));
    task([&] { EXPECT_EQ(4, wip_write(client, "ping", 4)); });
    char buf[16];
    ASSERT_EQ(4, recvfrom(fd, buf, sizeof buf, 0, (sockaddr *)&from, &fl));
    ASSERT_EQ(4, sendto(fd, "pong", 4, 0, (sockaddr *)&from, fl));
    ASSERT_TRUE(has(WIP_CEV_READ, client));
    close(fd);
    auto f = stop_and_read();
    ASSERT_EQ(2u, f.size());
    EXPECT_EQ(IPPROTO_UDP, f[0].proto);
    EXPECT_EQ(0x0Au, f[0].src >> 24);
    EXPECT_EQ(ntohs(from.sin_port), f[0].sport);
    EXPECT_EQ(ntohs(a.sin_port), f[0].dport);
    EXPECT_EQ("ping", f[0].data);
    EXPECT_EQ(f[0].src, f[1].dst);
    EXPECT_EQ(ntohs(a.sin_port), f[1].sport);
    EXPECT_EQ("pong", f[1].data);
}

TEST_F(PcapCapture, AFileThatFailsEndsTheCaptureWithOneTraceAndTheModuleGoesOn)
{
    HostPeer peer(HostPeer::Echo);
    boot_to(peer.port(), "/dev/full");
    task([&] { client = wip_TCPClientCreate("peer.test", 7, handler, &ctx); });
    ASSERT_TRUE(has(WIP_CEV_WRITE, client));
    std::string block(1000, 'x'), got;
    for (int i = 0; i < 20; i++) {
        events.clear();
        task([&] { EXPECT_EQ(1000, wip_write(client, block.data(), 1000)); });
        while (got.size() < (size_t)(i + 1) * 1000) {
            ASSERT_TRUE(has(WIP_CEV_READ, client));
            events.clear();
            task([&] {
                char buf[2000];
                int n;
                while ((n = wip_read(client, buf, sizeof buf)) > 0)
                    got.append(buf, (size_t)n);
            });
        }
    }
    EXPECT_EQ(20000u, got.size());
    std::string t = traces();
    size_t at = t.find("pcap: writing /dev/full failed");
    ASSERT_NE(std::string::npos, at);
    EXPECT_EQ(std::string::npos, t.find("pcap: writing", at + 1)) << "one trace line";
}

}  // namespace
