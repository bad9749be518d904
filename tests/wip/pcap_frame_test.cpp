// pcap_frame_test.cpp: the capture's frame writer called directly (no module booted): the pcap
// headers byte for byte, IPv4/TCP/UDP checksums a reader verifies (a published IPv4 header
// vector and the pseudo-header sum), sequence and acknowledgement fields where TCP has them.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

extern "C" {
#include "wip/pcap_frame.h"
}

namespace {

uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

// The ones' complement sum of the pseudo-header and segment: 0xFFFF when the checksum is right.
uint16_t transport_sum(const uint8_t *frame, size_t len)
{
    std::vector<uint8_t> v(frame + 12, frame + 20);
    size_t seg = len - 20;
    v.insert(v.end(), { 0, frame[9], (uint8_t)(seg >> 8), (uint8_t)seg });
    v.insert(v.end(), frame + 20, frame + len);
    return (uint16_t)~oat_inet_fold(oat_inet_sum(0, v.data(), v.size()));
}

uint16_t header_sum(const uint8_t *frame)
{
    return (uint16_t)~oat_inet_fold(oat_inet_sum(0, frame, 20));
}

const oat_pcap_end module_end = { 0x0A400002u, 48444 };   // 10.64.0.2
const oat_pcap_end peer_end = { 0x7F000001u, 465 };       // 127.0.0.1

TEST(PcapFrame, FileHeaderIsClassicMicrosecondsRawIp)
{
    uint8_t h[OAT_PCAP_FILE_HEADER_LEN];
    oat_pcap_file_header(h);
    const uint8_t want[] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
                             0, 0, 0, 0, 0xff, 0xff, 0, 0, 101, 0, 0, 0 };
    EXPECT_EQ(std::string((const char *)h, sizeof h), std::string((const char *)want, sizeof want));
}

TEST(PcapFrame, RecordHeaderSplitsEmulatedMicroseconds)
{
    uint8_t r[OAT_PCAP_RECORD_HEADER_LEN];
    oat_pcap_record_header(r, 61500001LL, 1500);
    const uint8_t want[] = { 61, 0, 0, 0, 0x21, 0xa1, 0x07, 0, 0xdc, 5, 0, 0, 0xdc, 5, 0, 0 };
    EXPECT_EQ(std::string((const char *)r, sizeof r), std::string((const char *)want, sizeof want));
}

// The IPv4 header of the worked example in the Internet checksum literature:
// 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7 (a UDP datagram of 87 payload bytes).
TEST(PcapFrame, Ipv4HeaderChecksumMatchesThePublishedExample)
{
    std::vector<uint8_t> frame(200), payload(87, 'x');
    size_t n = oat_pcap_udp_frame(frame.data(), { 0xC0A80001u, 1 }, { 0xC0A800C7u, 2 }, 0,
                                  payload.data(), payload.size());
    ASSERT_EQ(n, 115u);
    const uint8_t want[] = { 0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11,
                             0xb8, 0x61, 0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0, 0xc7 };
    EXPECT_EQ(std::string((const char *)frame.data(), 20), std::string((const char *)want, 20));
}

TEST(PcapFrame, TcpChecksumCoversPseudoHeaderAndOddPayload)
{
    std::vector<uint8_t> frame(100);
    const std::string data = "EHLO module\r\n";   // odd length: the last byte is padded
    oat_pcap_tcp_seg s = { module_end, peer_end, 1000, 2000, OAT_TCP_ACK | OAT_TCP_PSH, 5840 };
    size_t n = oat_pcap_tcp_frame(frame.data(), &s, 7, data.data(), data.size());
    ASSERT_EQ(n, 40 + data.size());
    EXPECT_EQ(header_sum(frame.data()), 0xFFFF);
    EXPECT_EQ(transport_sum(frame.data(), n), 0xFFFF);
    frame[n - 1] ^= 1;                                // one bit off: the sum says so
    EXPECT_NE(transport_sum(frame.data(), n), 0xFFFF);
}

TEST(PcapFrame, TcpSegmentCarriesSeqAckFlagsAndPorts)
{
    std::vector<uint8_t> frame(100);
    oat_pcap_tcp_seg s = { module_end, peer_end, 0xFFFFFFF0u, 0x12345678u, OAT_TCP_ACK, 5840 };
    size_t n = oat_pcap_tcp_frame(frame.data(), &s, 0, "abc", 3);
    ASSERT_EQ(n, 43u);
    EXPECT_EQ(be32(frame.data() + 12), 0x0A400002u);
    EXPECT_EQ(be32(frame.data() + 16), 0x7F000001u);
    EXPECT_EQ(be32(frame.data() + 20), (48444u << 16) | 465u);
    EXPECT_EQ(be32(frame.data() + 24), 0xFFFFFFF0u);
    EXPECT_EQ(be32(frame.data() + 28), 0x12345678u);
    EXPECT_EQ(frame[32], 0x50);                       // 20-byte header
    EXPECT_EQ(frame[33], OAT_TCP_ACK);
    EXPECT_EQ(frame[34] << 8 | frame[35], 5840);
    EXPECT_EQ(std::string((const char *)frame.data() + 40, 3), "abc");
}

TEST(PcapFrame, SynWithoutAckHasAZeroAckField)
{
    std::vector<uint8_t> frame(40);
    oat_pcap_tcp_seg s = { module_end, peer_end, 77, 99, OAT_TCP_SYN, 5840 };
    ASSERT_EQ(oat_pcap_tcp_frame(frame.data(), &s, 0, nullptr, 0), 40u);
    EXPECT_EQ(be32(frame.data() + 28), 0u);
    EXPECT_EQ(transport_sum(frame.data(), 40), 0xFFFF);
}

TEST(PcapFrame, UdpChecksumVerifiesAndIsNeverZero)
{
    std::vector<uint8_t> frame(100);
    size_t n = oat_pcap_udp_frame(frame.data(), module_end, peer_end, 3, "ping", 4);
    ASSERT_EQ(n, 32u);
    EXPECT_EQ(frame[24] << 8 | frame[25], 12);        // UDP length: header + payload
    EXPECT_NE(frame[26] << 8 | frame[27], 0);
    EXPECT_EQ(transport_sum(frame.data(), n), 0xFFFF);
}

TEST(PcapFrame, FrameAboveTheIpv4LimitIsRefused)
{
    std::vector<uint8_t> frame(70000), payload(65535 - 28 + 1);
    oat_pcap_tcp_seg s = { module_end, peer_end, 0, 0, OAT_TCP_ACK, 5840 };
    EXPECT_EQ(oat_pcap_tcp_frame(frame.data(), &s, 0, payload.data(), 65535 - 40 + 1), 0u);
    EXPECT_EQ(oat_pcap_udp_frame(frame.data(), module_end, peer_end, 0, payload.data(),
                                 payload.size()), 0u);
    EXPECT_EQ(oat_pcap_tcp_frame(frame.data(), &s, 0, payload.data(), 65535 - 40), 65535u);
}

}  // namespace
