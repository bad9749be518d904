/* pcap.h: --pcap=<file>, the capture of what went over the module's link: every host TCP
 * connection and UDP datagram as synthesised IPv4 frames, and each SSL channel's decrypted
 * stream as a flow of its own (docs/decisions.md). The transports call these hooks with the
 * WIP lock held; no hook fails or changes what the channel does. */
#ifndef OAT_PCAP_H
#define OAT_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include "wip/wip_internal.h"

typedef struct oat_pcap_flow oat_pcap_flow;

/* The option --pcap (registered by wip_options.c): parse, validate, store a file path; 0, or
 * -1 with a one-line message in err. Reset: no capture. */
int oat_pcap_option_set(const char *value, char *err, size_t errlen);
void oat_pcap_option_reset(void);

/* Module start: create the file (0), or -1 with a message in err (the module does not
 * start). Module stop, after the channels went: write what waits, close the file and forget
 * the option (a module booted next in the same process captures only if told again). */
int oat_pcap_start(char *err, size_t errlen);
void oat_pcap_stop(void);

/* Host TCP (lock held). open: the connection on fd is up, module_opened: the module sent
 * the SYN (a client), else the peer did (an exposed server's connection). */
void oat_pcap_tcp_open(oat_chan *c, int fd, bool module_opened);
/* Bytes that went over the flow (out: from the module). */
void oat_pcap_tcp_data(oat_chan *c, bool out, const void *buf, size_t len);
/* The n bytes at the head of ring r went out. */
void oat_pcap_tcp_ring_sent(oat_chan *c, const oat_ring *r, uint32_t n);
void oat_pcap_tcp_fin(oat_chan *c, bool from_module);
void oat_pcap_tcp_reset(oat_chan *c, bool from_module);
/* The channel is freed: a flow still open ends (a FIN from the module unless it failed). */
void oat_pcap_chan_gone(oat_chan *c);
/* The SSL channel c finished its handshake: its decrypted flow opens, the addresses of its
 * TCP channel's flow with a module port of its own. Then oat_pcap_tcp_data on c. */
void oat_pcap_plain_open(oat_chan *c);

/* A UDP datagram through host socket fd to or from peer. */
void oat_pcap_udp(int fd, const struct sockaddr_in *peer, bool out, const void *buf, size_t len);

#endif
