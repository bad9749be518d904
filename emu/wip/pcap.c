/* pcap.c: the capture (pcap.h): one flow per host TCP channel and per SSL channel's
 * decrypted stream, with sequence numbers a reader reassembles, written to the file in the
 * order the hooks run. It never changes a channel; a failing file only ends the capture. */
#include "wip/pcap.h"
#include "wip/pcap_frame.h"
#include "core/clock.h"
#include "core/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Decrypted flows get module ports from here on, above Linux's ephemeral range (32768 to
 * 60999), so they meet no real connection of the module. */
#define PLAIN_PORT_FIRST 61000u
#define MODULE_WINDOW OAT_WIP_BUF_DEFAULT
#define PEER_WINDOW 65535u

struct oat_pcap_flow {
    oat_pcap_end module, peer;
    uint32_t module_next, peer_next;    /* the next sequence number of each side */
    bool module_fin, peer_fin;
};

/* Guarded by the WIP lock (every hook runs under it; start and stop run with no other
 * thread left). */
static char path[512];
static FILE *file;
static uint16_t ip_id;
static uint16_t next_plain_port = PLAIN_PORT_FIRST;

void oat_pcap_option_reset(void)
{
    path[0] = '\0';
}

int oat_pcap_option_set(const char *value, char *err, size_t errlen)
{
    if (!value || !*value) {
        snprintf(err, errlen, "--pcap: needs a file path (--pcap=mail.pcap)");
        return -1;
    }
    if (strlen(value) >= sizeof path) {
        snprintf(err, errlen, "--pcap: path too long (%zu bytes, at most %zu)", strlen(value),
                 sizeof path - 1);
        return -1;
    }
    snprintf(path, sizeof path, "%s", value);
    return 0;
}

/* A write failed: one trace line, the capture ends, the module goes on. */
static void write_failed(void)
{
    oat_warn("pcap: writing %s failed (%s): capture off", path, strerror(errno));
    fclose(file);
    file = NULL;
}

static void put(const void *p, size_t len)
{
    if (file && fwrite(p, 1, len, file) != len)
        write_failed();
}

int oat_pcap_start(char *err, size_t errlen)
{
    if (!path[0])
        return 0;
    file = fopen(path, "wb");
    if (!file) {
        snprintf(err, errlen, "--pcap: cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    uint8_t h[OAT_PCAP_FILE_HEADER_LEN];
    oat_pcap_file_header(h);
    put(h, sizeof h);
    ip_id = 0;
    next_plain_port = PLAIN_PORT_FIRST;
    return 0;
}

void oat_pcap_stop(void)
{
    if (file && fclose(file) != 0)
        oat_warn("pcap: writing %s failed (%s): the capture is cut short", path,
                 strerror(errno));
    file = NULL;
    path[0] = '\0';                     /* the option was for this module run */
}

static void put_frame(const uint8_t *frame, size_t len)
{
    uint8_t rec[OAT_PCAP_RECORD_HEADER_LEN];
    oat_pcap_record_header(rec, oat_now_us(), (uint32_t)len);
    put(rec, sizeof rec);
    put(frame, len);
}

/* One segment from one side; the sequence moves by the payload (and SYN, FIN). */
static void segment(oat_pcap_flow *f, bool from_module, uint8_t flags, const void *data,
                    size_t len)
{
    static uint8_t frame[OAT_PCAP_IP_HEADER_LEN + OAT_PCAP_TCP_HEADER_LEN + OAT_PCAP_MSS];
    uint32_t *seq = from_module ? &f->module_next : &f->peer_next;
    oat_pcap_tcp_seg s = {
        .src = from_module ? f->module : f->peer,
        .dst = from_module ? f->peer : f->module,
        .seq = *seq,
        .ack = from_module ? f->peer_next : f->module_next,
        .flags = flags,
        .window = from_module ? MODULE_WINDOW : PEER_WINDOW,
    };
    size_t n = oat_pcap_tcp_frame(frame, &s, ip_id++, data, len);
    put_frame(frame, n);
    *seq += (uint32_t)len + ((flags & (OAT_TCP_SYN | OAT_TCP_FIN)) ? 1u : 0u);
}

/* Fixed initial sequence numbers: the same run gives the same file. */
static void handshake(oat_pcap_flow *f, bool module_opened)
{
    f->module_next = 0x4d000000u ^ (uint32_t)f->module.port << 8;
    f->peer_next = 0x50000000u ^ (uint32_t)f->peer.port << 8;
    segment(f, module_opened, OAT_TCP_SYN, NULL, 0);
    segment(f, !module_opened, OAT_TCP_SYN | OAT_TCP_ACK, NULL, 0);
    segment(f, module_opened, OAT_TCP_ACK, NULL, 0);
}

static oat_pcap_flow *flow_new(oat_chan *c)
{
    if (!file || c->pcap)
        return NULL;
    c->pcap = calloc(1, sizeof *c->pcap);
    if (!c->pcap)
        oat_warn("pcap: out of host memory: a connection is not captured");
    return c->pcap;
}

static void flow_end(oat_chan *c)
{
    free(c->pcap);
    c->pcap = NULL;
}

/* An IPv4 end of a socket; false for IPv6 (written as IPv4 only). */
static bool ipv4_end(const struct sockaddr_storage *a, oat_pcap_end *e)
{
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)a;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)a;
        *e = (oat_pcap_end){ ntohl(v4->sin_addr.s_addr), ntohs(v4->sin_port) };
        return true;
    }
    if (a->ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
        uint32_t v;
        memcpy(&v, &v6->sin6_addr.s6_addr[12], 4);
        *e = (oat_pcap_end){ ntohl(v), ntohs(v6->sin6_port) };
        return true;
    }
    return false;
}

/* The module's side is the bearer's address with the socket's port. */
static bool socket_ends(int fd, oat_pcap_end *module, oat_pcap_end *peer)
{
    struct sockaddr_storage local = { 0 }, remote = { 0 };
    socklen_t ll = sizeof local, rl = sizeof remote;
    if (getsockname(fd, (struct sockaddr *)&local, &ll) != 0 ||
        getpeername(fd, (struct sockaddr *)&remote, &rl) != 0 || !ipv4_end(&local, module) ||
        !ipv4_end(&remote, peer)) {
        oat_info("pcap: a connection over IPv6 (or gone already) is not captured");
        return false;
    }
    module->addr = ntohl(oat_bearer_own_addr());
    return true;
}

void oat_pcap_tcp_open(oat_chan *c, int fd, bool module_opened)
{
    oat_pcap_end module, peer;
    if (!file || c->pcap || !socket_ends(fd, &module, &peer))
        return;
    oat_pcap_flow *f = flow_new(c);
    if (!f)
        return;
    f->module = module;
    f->peer = peer;
    handshake(f, module_opened);
}

void oat_pcap_plain_open(oat_chan *c)
{
    oat_chan *in = oat_chan_inner(c);
    if (!file || !in || !in->pcap)
        return;
    oat_pcap_flow *f = flow_new(c);
    if (!f)
        return;
    f->module = (oat_pcap_end){ in->pcap->module.addr, next_plain_port };
    f->peer = in->pcap->peer;
    next_plain_port = (uint16_t)(next_plain_port == 65535u ? PLAIN_PORT_FIRST : next_plain_port + 1u);
    handshake(f, true);
}

void oat_pcap_tcp_data(oat_chan *c, bool out, const void *buf, size_t len)
{
    oat_pcap_flow *f = c->pcap;
    if (!file || !f || len == 0)
        return;
    const uint8_t *p = buf;
    while (len > 0) {
        size_t n = len < OAT_PCAP_MSS ? len : OAT_PCAP_MSS;
        segment(f, out, OAT_TCP_ACK | (n == len ? OAT_TCP_PSH : 0), p, n);
        p += n;
        len -= n;
    }
    segment(f, !out, OAT_TCP_ACK, NULL, 0);
}

void oat_pcap_tcp_ring_sent(oat_chan *c, const oat_ring *r, uint32_t n)
{
    uint32_t first = r->size - r->head < n ? r->size - r->head : n;
    oat_pcap_tcp_data(c, true, r->data + r->head, first);
    oat_pcap_tcp_data(c, true, r->data, n - first);
}

void oat_pcap_tcp_fin(oat_chan *c, bool from_module)
{
    oat_pcap_flow *f = c->pcap;
    bool *sent = f ? (from_module ? &f->module_fin : &f->peer_fin) : NULL;
    if (!file || !f || *sent)
        return;
    *sent = true;
    segment(f, from_module, OAT_TCP_FIN | OAT_TCP_ACK, NULL, 0);
    segment(f, !from_module, OAT_TCP_ACK, NULL, 0);
}

void oat_pcap_tcp_reset(oat_chan *c, bool from_module)
{
    oat_pcap_flow *f = c->pcap;
    if (!f)
        return;
    if (file)
        segment(f, from_module, OAT_TCP_RST | OAT_TCP_ACK, NULL, 0);
    flow_end(c);
}

void oat_pcap_chan_gone(oat_chan *c)
{
    if (!c->pcap)
        return;
    if (c->last_error == 0)
        oat_pcap_tcp_fin(c, true);
    flow_end(c);
}

void oat_pcap_udp(int fd, const struct sockaddr_in *peer, bool out, const void *buf, size_t len)
{
    static uint8_t frame[OAT_PCAP_MAX_FRAME];
    struct sockaddr_storage local = { 0 };
    socklen_t ll = sizeof local;
    oat_pcap_end module, other = { ntohl(peer->sin_addr.s_addr), ntohs(peer->sin_port) };
    if (!file || getsockname(fd, (struct sockaddr *)&local, &ll) != 0 ||
        !ipv4_end(&local, &module))
        return;
    module.addr = ntohl(oat_bearer_own_addr());
    size_t n = out ? oat_pcap_udp_frame(frame, module, other, ip_id++, buf, len)
                   : oat_pcap_udp_frame(frame, other, module, ip_id++, buf, len);
    if (n)
        put_frame(frame, n);
}
