#!/usr/bin/python3
"""pcap_flows.py: reads an oatemu capture (--pcap) with dpkt and checks it as a reader sees it.
Usage: pcap_flows.py <file> <peer port> <needle>...  Finds the TLS flow to the peer port and the
decrypted flow beside it (module port 61000 and up), checks every TCP flow opens with
SYN/SYN-ACK/ACK, has no sequence gap or overlap, ends with FIN or RST and carries valid IP and
TCP checksums; the TLS flow must hold only TLS records, the decrypted one each needle."""
import struct
import sys

import dpkt


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def fail(msg):
    print("pcap_flows: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def read(path):
    with open(path, "rb") as f:
        r = dpkt.pcap.Reader(f)
        if r.datalink() != 101:
            fail("link type %d, LINKTYPE_RAW (101) expected" % r.datalink())
        return [(ts, bytes(buf)) for ts, buf in r]


def main():
    path, peer_port, needles = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    frames = read(path)
    if not frames:
        fail("no frame in " + path)
    flows = {}      # (module addr, module port, peer addr, peer port) -> list of (from module, tcp)
    last_ts = 0
    for ts, buf in frames:
        if ts < last_ts:
            fail("time stamps go back")
        last_ts = ts
        ip = dpkt.ip.IP(buf)
        if checksum(buf[:20]) != 0xFFFF:
            fail("bad IPv4 header checksum")
        if ip.p != dpkt.ip.IP_PROTO_TCP:
            continue
        seg = buf[20:ip.len]
        pseudo = ip.src + ip.dst + struct.pack("!BBH", 0, 6, len(seg))
        if checksum(pseudo + seg) != 0xFFFF:
            fail("bad TCP checksum")
        tcp = ip.data
        # the module's side: the lower address is not known, the SYN sender of a client is
        key_out = (ip.src, tcp.sport, ip.dst, tcp.dport)
        key_in = (ip.dst, tcp.dport, ip.src, tcp.sport)
        if key_in in flows:
            flows[key_in].append((False, tcp))
        else:
            flows.setdefault(key_out, []).append((True, tcp))
    streams = {}
    for key, segs in flows.items():
        flags = [t.flags for _, t in segs[:3]]
        if flags != [dpkt.tcp.TH_SYN, dpkt.tcp.TH_SYN | dpkt.tcp.TH_ACK, dpkt.tcp.TH_ACK]:
            fail("flow %r does not open with SYN, SYN-ACK, ACK: %r" % (key[1], flags))
        if not any(t.flags & (dpkt.tcp.TH_FIN | dpkt.tcp.TH_RST) for _, t in segs):
            fail("flow from port %d has no FIN or RST" % key[1])
        nxt = {True: segs[0][1].seq + 1, False: segs[1][1].seq + 1}
        data = {True: b"", False: b""}
        for out, t in segs[2:]:
            if t.seq != nxt[out]:
                fail("flow from port %d: seq %d where %d was next" % (key[1], t.seq, nxt[out]))
            if t.flags & dpkt.tcp.TH_ACK and t.ack != nxt[not out]:
                fail("flow from port %d: ack %d, %d expected" % (key[1], t.ack, nxt[not out]))
            nxt[out] += len(t.data) + (1 if t.flags & dpkt.tcp.TH_FIN else 0)
            data[out] += bytes(t.data)
        streams[key] = data
    tls = [k for k in streams if k[3] == peer_port and k[1] < 61000]
    plain = [k for k in streams if k[3] == peer_port and k[1] >= 61000]
    if len(tls) != 1 or len(plain) != 1:
        fail("one TLS and one decrypted flow to port %d expected, found %d and %d"
             % (peer_port, len(tls), len(plain)))
    if tls[0][0] != plain[0][0] or tls[0][2] != plain[0][2]:
        fail("the decrypted flow has other addresses than the TLS flow")
    if tls[0][0][0] != 10:
        fail("the module's address %s is not the bearer's (10.x)" % ".".join(map(str, tls[0][0])))
    for out in (True, False):
        records, rest = 0, streams[tls[0]][out]
        while rest:
            if len(rest) < 5 or rest[0] not in (20, 21, 22, 23) or rest[1] != 3:
                fail("the TLS flow holds bytes that are no TLS record")
            n = struct.unpack("!H", rest[3:5])[0]
            rest = rest[5 + n:]
            records += 1
        if records == 0:
            fail("the TLS flow carries no record " + ("out" if out else "in"))
    joined = streams[tls[0]][True] + streams[tls[0]][False]
    for needle in needles:
        if needle.encode() in joined:
            fail("'%s' is readable in the TLS flow" % needle)
    sent, got = streams[plain[0]][True], streams[plain[0]][False]
    for needle in needles:
        if needle.encode() not in sent:
            fail("'%s' not in the decrypted flow" % needle)
    if not got.startswith(b"220"):
        fail("the decrypted flow does not start with the server's 220 greeting")
    print("pcap_flows: %d frames, %d TCP flows; TLS flow %d+%d bytes, decrypted flow %d+%d bytes"
          % (len(frames), len(streams), len(streams[tls[0]][True]), len(streams[tls[0]][False]),
             len(sent), len(got)))


main()
