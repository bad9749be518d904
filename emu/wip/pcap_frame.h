/* pcap_frame.h: the bytes of a classic pcap file (libpcap format, LINKTYPE_RAW): the file
 * header, record headers and synthesised IPv4/TCP and IPv4/UDP frames with their checksums.
 * Pure functions on caller buffers: no state, no I/O, no lock (the capture is in pcap.c). */
#ifndef OAT_PCAP_FRAME_H
#define OAT_PCAP_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define OAT_PCAP_LINKTYPE_RAW 101u      /* the frame starts with its IP header */
#define OAT_PCAP_FILE_HEADER_LEN 24u
#define OAT_PCAP_RECORD_HEADER_LEN 16u
#define OAT_PCAP_IP_HEADER_LEN 20u
#define OAT_PCAP_TCP_HEADER_LEN 20u
#define OAT_PCAP_UDP_HEADER_LEN 8u
#define OAT_PCAP_MSS 1460u              /* TCP payload per frame, as on the module's link */
#define OAT_PCAP_MAX_FRAME 65535u

/* TCP header flags. */
#define OAT_TCP_FIN 0x01u
#define OAT_TCP_SYN 0x02u
#define OAT_TCP_RST 0x04u
#define OAT_TCP_PSH 0x08u
#define OAT_TCP_ACK 0x10u

/* One end of a flow; address and port in host byte order. */
typedef struct {
    uint32_t addr;
    uint16_t port;
} oat_pcap_end;

/* A TCP segment as written. */
typedef struct {
    oat_pcap_end src, dst;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t window;
} oat_pcap_tcp_seg;

/* The 24-byte global header: microsecond magic, version 2.4, snaplen 65535, LINKTYPE_RAW. */
void oat_pcap_file_header(uint8_t out[OAT_PCAP_FILE_HEADER_LEN]);
/* A 16-byte record header: time stamp (µs) and the frame's length (captured = original). */
void oat_pcap_record_header(uint8_t out[OAT_PCAP_RECORD_HEADER_LEN], int64_t us, uint32_t len);
/* The Internet checksum (RFC 1071) of len bytes, folded into sum (start with 0). */
uint32_t oat_inet_sum(uint32_t sum, const uint8_t *p, size_t len);
uint16_t oat_inet_fold(uint32_t sum);
/* IPv4 + TCP (or UDP) frame with payload len into out (room for 40 (28) + len bytes, at most
 * OAT_PCAP_MAX_FRAME in all); returns the frame's length, 0 if it does not fit. ip_id: the
 * IPv4 identification field. */
size_t oat_pcap_tcp_frame(uint8_t *out, const oat_pcap_tcp_seg *s, uint16_t ip_id,
                          const void *payload, size_t len);
size_t oat_pcap_udp_frame(uint8_t *out, oat_pcap_end src, oat_pcap_end dst, uint16_t ip_id,
                          const void *payload, size_t len);

#endif
