/* pcap_frame.c: builds the bytes of the capture file (pcap_frame.h): headers in the byte
 * orders the formats want, checksums that a reader verifies. It keeps no state. */
#include "wip/pcap_frame.h"

#include <string.h>

static void put16(uint8_t *p, uint16_t v)       /* network byte order */
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static void put32le(uint8_t *p, uint32_t v)     /* the pcap headers: little-endian file */
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void oat_pcap_file_header(uint8_t out[OAT_PCAP_FILE_HEADER_LEN])
{
    put32le(out, 0xa1b2c3d4u);
    out[4] = 2, out[5] = 0;                     /* version 2.4 */
    out[6] = 4, out[7] = 0;
    put32le(out + 8, 0);                        /* thiszone */
    put32le(out + 12, 0);                       /* sigfigs */
    put32le(out + 16, OAT_PCAP_MAX_FRAME);
    put32le(out + 20, OAT_PCAP_LINKTYPE_RAW);
}

void oat_pcap_record_header(uint8_t out[OAT_PCAP_RECORD_HEADER_LEN], int64_t us, uint32_t len)
{
    if (us < 0)
        us = 0;
    put32le(out, (uint32_t)(us / 1000000));
    put32le(out + 4, (uint32_t)(us % 1000000));
    put32le(out + 8, len);
    put32le(out + 12, len);
}

uint32_t oat_inet_sum(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    return sum;
}

uint16_t oat_inet_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFFu) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The IPv4 header of a frame of total bytes; its checksum filled. */
static void ip_header(uint8_t *ip, uint32_t src, uint32_t dst, uint8_t proto, uint16_t ip_id,
                      size_t total)
{
    memset(ip, 0, OAT_PCAP_IP_HEADER_LEN);
    ip[0] = 0x45;                               /* version 4, 5 words */
    put16(ip + 2, (uint16_t)total);
    put16(ip + 4, ip_id);
    put16(ip + 6, 0x4000);                      /* don't fragment */
    ip[8] = 64;                                 /* TTL */
    ip[9] = proto;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, oat_inet_fold(oat_inet_sum(0, ip, OAT_PCAP_IP_HEADER_LEN)));
}

/* The transport checksum over the pseudo-header (addresses, protocol, length) and segment. */
static uint16_t transport_sum(const uint8_t *ip, const uint8_t *seg, size_t seg_len)
{
    uint8_t pseudo[12];
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = ip[9];
    put16(pseudo + 10, (uint16_t)seg_len);
    return oat_inet_fold(oat_inet_sum(oat_inet_sum(0, pseudo, sizeof pseudo), seg, seg_len));
}

size_t oat_pcap_tcp_frame(uint8_t *out, const oat_pcap_tcp_seg *s, uint16_t ip_id,
                          const void *payload, size_t len)
{
    size_t total = OAT_PCAP_IP_HEADER_LEN + OAT_PCAP_TCP_HEADER_LEN + len;
    if (total > OAT_PCAP_MAX_FRAME)
        return 0;
    ip_header(out, s->src.addr, s->dst.addr, 6, ip_id, total);
    uint8_t *tcp = out + OAT_PCAP_IP_HEADER_LEN;
    memset(tcp, 0, OAT_PCAP_TCP_HEADER_LEN);
    put16(tcp, s->src.port);
    put16(tcp + 2, s->dst.port);
    put32(tcp + 4, s->seq);
    put32(tcp + 8, s->flags & OAT_TCP_ACK ? s->ack : 0);
    tcp[12] = 5 << 4;                           /* 5 words, no options */
    tcp[13] = s->flags;
    put16(tcp + 14, s->window);
    if (len)
        memcpy(tcp + OAT_PCAP_TCP_HEADER_LEN, payload, len);
    put16(tcp + 16, transport_sum(out, tcp, OAT_PCAP_TCP_HEADER_LEN + len));
    return total;
}

size_t oat_pcap_udp_frame(uint8_t *out, oat_pcap_end src, oat_pcap_end dst, uint16_t ip_id,
                          const void *payload, size_t len)
{
    size_t total = OAT_PCAP_IP_HEADER_LEN + OAT_PCAP_UDP_HEADER_LEN + len;
    if (total > OAT_PCAP_MAX_FRAME)
        return 0;
    ip_header(out, src.addr, dst.addr, 17, ip_id, total);
    uint8_t *udp = out + OAT_PCAP_IP_HEADER_LEN;
    put16(udp, src.port);
    put16(udp + 2, dst.port);
    put16(udp + 4, (uint16_t)(OAT_PCAP_UDP_HEADER_LEN + len));
    put16(udp + 6, 0);
    if (len)
        memcpy(udp + OAT_PCAP_UDP_HEADER_LEN, payload, len);
    uint16_t sum = transport_sum(out, udp, OAT_PCAP_UDP_HEADER_LEN + len);
    put16(udp + 6, sum ? sum : 0xFFFFu);        /* 0 means "no checksum" in UDP */
    return total;
}
