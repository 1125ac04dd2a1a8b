#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Differential test against this machine's kernel.

The same frames go to a Linux host in a network namespace (the same MAC,
addresses and UDP sockets as fastpath's listeners; raw frames over a veth
from a second namespace; tests/lib/khost.py) and to fastpath over
net_pcap, and every receive-side counter both keep is compared. The
kernel's counters are read after every frame, so a divergence names the
frames that moved the counter there; fastpath is then bisected down to a
single frame. A divergence fails the test unless the frame's class is on
the documented list (DIFFERENT, docs/counters.md).

  fixed    templates of every header fastpath parses and mutations of
           their fields: IPv4, IPv6, the UDP, TCP, ICMP and ICMPv6
           headers, VLAN tags (the set CI runs)
  random   FP_DIFF_SEED (default: time) and FP_DIFF_COUNT (default 2000)
           random mutations, for a longer run by hand
"""
import json
import os
import random
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import kexpect as kx  # noqa: E402
import netns  # noqa: E402
import pcapgen as pg  # noqa: E402

US, PEER = "02:70:63:61:70:00", "02:00:00:00:00:02"
BCAST, MC4, MC6 = "ff:ff:ff:ff:ff:ff", "01:00:5e:01:01:01", "33:33:00:00:00:99"
L4, L6, SRC4, SRC6 = "10.1.0.1", "2001:db8::1", "10.1.0.2", "2001:db8::2"
GROUP4, GROUP6 = "239.1.1.1", "ff05::99"
# ICMP errors without rate limits on both sides (net.ipv4.icmp_ratelimit
# 0 ... in the kernel's namespace): every frame's errors are its own, so
# the errors sent compare frame by frame (test_icmp.py tests the limits)
APP = ["--local-ip", L4 + "/24", "--local-ip", L6 + "/64", "--listen", "9=count",
       "--listen", "%s:6000=count" % GROUP4, "--listen", "[%s]:6001=count" % GROUP6,
       "--icmp-errors", "on,ratelimit=0,ratelimit6=0,msgs-per-sec=100000,msgs-burst=100000",
       # no announcements of its own: per frame, what frames bring
       "--igmp", "off", "--mld", "off"]
KERNEL_SYSCTLS = ("net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0",
                  "net.ipv4.icmp_msgs_per_sec=100000", "net.ipv4.icmp_msgs_burst=100000")
# the kernel's sockets for the same listeners: [address, port, group]
SOCKETS = [["::", 9, None], [GROUP4, 6000, GROUP4], [GROUP6, 6001, GROUP6]]

# The receive-side counters compared (both keep them).
RX = ["Ip." + f for f in ("InReceives", "InHdrErrors", "InAddrErrors", "InUnknownProtos",
                          "InDelivers", "ReasmReqds", "ReasmOKs", "ReasmFails")] + \
     ["IpExt." + f for f in ("InTruncatedPkts", "InMcastPkts", "InBcastPkts", "InOctets",
                             "InMcastOctets", "InBcastOctets", "InCsumErrors", "InNoECTPkts",
                             "InECT1Pkts", "InECT0Pkts", "InCEPkts")] + \
     ["Icmp." + f for f in ("InMsgs", "InErrors", "InCsumErrors", "InEchos", "InEchoReps")] + \
     ["Udp." + f for f in ("InDatagrams", "NoPorts", "InErrors", "InCsumErrors",
                           "IgnoredMulti")] + \
     ["Tcp." + f for f in ("InSegs", "InCsumErrors")] + \
     ["Ip6." + f for f in ("InReceives", "InHdrErrors", "InNoRoutes", "InAddrErrors",
                           "InUnknownProtos", "InTruncatedPkts", "InDelivers", "InMcastPkts",
                           "InOctets", "InMcastOctets", "InNoECTPkts", "InECT1Pkts",
                           "InECT0Pkts", "InCEPkts", "ReasmReqds", "ReasmOKs", "ReasmFails")] + \
     ["Icmp6." + f for f in ("InMsgs", "InErrors", "InCsumErrors")] + \
     ["Udp6." + f for f in ("InDatagrams", "NoPorts", "InErrors", "InCsumErrors",
                            "IgnoredMulti")] + \
     ["%s.%s" % (g, f) for g in ("UdpLite", "UdpLite6")
      for f in ("InDatagrams", "NoPorts", "InErrors", "InCsumErrors", "IgnoredMulti")]
RX_PREFIXES = ("IcmpMsgIn.", "Icmp6MsgIn.")   # and every In type
# What fastpath sends in answer, compared too: its errors and replies.
OUT = ["Icmp." + f for f in ("OutMsgs", "OutDestUnreachs", "OutEchoReps", "OutRateLimitGlobal",
                             "OutRateLimitHost")] + \
      ["Icmp6." + f for f in ("OutMsgs", "OutDestUnreachs", "OutParmProblems", "OutEchoReplies",
                              "OutNeighborAdvertisements", "OutRateLimitHost")] + \
      ["Ip6.OutNoRoutes"]
OUT_PREFIXES = ("IcmpMsgOut.", "Icmp6MsgOut.")
# Frames the kernel answers with an error fastpath does not send
# (docs/counters.md): their output is not compared.
NOT_SENT = ()
NOT_SENT_MUTATIONS = ()


def not_sent(cls):
    return bool(NOT_SENT) and cls.startswith(NOT_SENT) or \
        bool(NOT_SENT_MUTATIONS) and cls.endswith(NOT_SENT_MUTATIONS)

# Frame classes where fastpath differs from the kernel on purpose
# (docs/counters.md, "Where fastpath differs"): left out of the comparison.
DIFFERENT = {
    "overlap4": "DPDK's ip_frag reassembles: a datagram with overlapping fragments fails "
                "(ReasmFails) when its sizes do not add up, as the kernel's does at once "
                "(ReasmOverlaps, ReasmFails); a fragment still held when fastpath stops "
                "counts ReasmFails then, the kernel's 30 s later",
}


def eth4(payload, dmac=US):
    return pg.pad60(pg.eth(dmac, PEER, 0x0800, payload))


def eth6(payload, dmac=US):
    return pg.pad60(pg.eth(dmac, PEER, 0x86DD, payload))


def fix4(ip):
    """Recompute an IPv4 header's checksum after a mutation."""
    ip = bytearray(ip)
    hl = (ip[0] & 15) * 4
    ip[10:12] = b"\0\0"
    if 20 <= hl <= len(ip):
        ip[10:12] = struct.pack("!H", pg.csum(bytes(ip[:hl])))
    return bytes(ip)


def templates():
    """(class, frame): one valid frame of every kind."""
    t = []
    t.append(("udp4", eth4(pg.udp4(SRC4, L4, 1000, 9, b"hello"))))
    t.append(("udp4-noport", eth4(pg.udp4(SRC4, L4, 1000, 7777, b"closed"))))
    t.append(("udp4-bcast", eth4(pg.udp4(SRC4, "10.1.0.255", 1000, 9, b"b"), BCAST)))
    t.append(("udp4-lbcast", eth4(pg.udp4(SRC4, "255.255.255.255", 1000, 7777, b"b"), BCAST)))
    t.append(("udp4-mcast", eth4(pg.udp4(SRC4, GROUP4, 1000, 6000, b"m"), MC4)))
    t.append(("udp4-mcast-noport", eth4(pg.udp4(SRC4, GROUP4, 1000, 6999, b"m"), MC4)))
    t.append(("udp4-mcast-unjoined", eth4(pg.udp4(SRC4, "239.9.9.9", 1000, 6000, b"m"),
                                          "01:00:5e:09:09:09")))
    t.append(("icmp4-echo", eth4(pg.icmp4(SRC4, L4, 8, 0, struct.pack("!HH", 1, 1) + b"ping"))))
    t.append(("icmp4-echoreply", eth4(pg.icmp4(SRC4, L4, 0, 0, struct.pack("!HH", 1, 1)))))
    quoted = pg.udp4(L4, SRC4, 9, 1000, b"q")[:28]
    t.append(("icmp4-unreach", eth4(pg.icmp4(SRC4, L4, 3, 3, bytes(4) + quoted))))
    t.append(("tcp4-syn", eth4(pg.ipv4(SRC4, L4, 6, tcp(SRC4, L4, False)))))
    t.append(("ip4-proto253", eth4(pg.ipv4(SRC4, L4, 253, b"unknown"))))
    t.append(("udp6", eth6(pg.udp6(SRC6, L6, 1000, 9, b"hello6"))))
    t.append(("udp6-noport", eth6(pg.udp6(SRC6, L6, 1000, 7777, b"closed6"))))
    t.append(("udp6-mcast", eth6(pg.udp6(SRC6, GROUP6, 1000, 6001, b"m6"), MC6)))
    t.append(("udp6-mcast-noport", eth6(pg.udp6(SRC6, GROUP6, 1000, 6999, b"m6"), MC6)))
    t.append(("udp4-mcast-long", eth4(pg.udp4(SRC4, GROUP4, 1000, 6999, bytes(100)), MC4)))
    t.append(("icmp6-echo", eth6(pg.icmp6(SRC6, L6, 128, 0, struct.pack("!HH", 1, 1)))))
    q6 = pg.udp6(L6, SRC6, 9, 1000, b"q")[:48]
    t.append(("icmp6-unreach", eth6(pg.icmp6(SRC6, L6, 1, 4, bytes(4) + q6))))
    t.append(("tcp6-syn", eth6(pg.ipv6(SRC6, L6, 6, tcp(SRC6, L6, True)))))
    t.append(("ip6-nh253", eth6(pg.ipv6(SRC6, L6, 253, b"unknown"))))
    dopt = bytes([17, 0, 1, 4, 0, 0, 0, 0])
    udp = pg.udp6(SRC6, L6, 1000, 9, b"ext")[40:]
    t.append(("udp6-destopt", eth6(pg.ipv6(SRC6, L6, 60, dopt + udp))))
    return t


def ext6(headers, nh, body, dst=L6, dmac=US):
    """IPv6 with extension headers [(type, 8n bytes after the first two)]
    chained in order, then `body` of protocol `nh`."""
    types = [h for h, _ in headers] + [nh]
    raw = b""
    for i, (h, rest) in enumerate(headers):
        ln = (2 + len(rest)) // 8 - 1
        raw += bytes([types[i + 1], ln]) + rest
    return eth6(pg.ipv6(SRC6, dst, types[0], raw + body), dmac)


def specials():
    """One frame for each rule of the kernel's the templates' mutations
    do not reach (docs/counters.md lists them)."""
    t = []
    udp = pg.udp6(SRC6, L6, 1000, 9, b"x")[40:]
    pad6 = bytes([1, 4, 0, 0, 0, 0])
    t.append(("ext6/hbh-after-dest", ext6([(60, pad6), (0, pad6)], 17, udp)))
    t.append(("ext6/nine-dest", ext6([(60, pad6)] * 9, 17, udp)))
    t.append(("ext6/padn-nonzero", ext6([(60, bytes([1, 4, 0, 0, 1, 0]))], 17, udp)))
    t.append(("ext6/pad-over-7", ext6([(60, bytes([1, 4, 0, 0, 0, 0]) + bytes([0]) * 2 +
                                       bytes([1, 4, 0, 0, 0, 0]))], 17, udp)))
    t.append(("ext6/nine-options", ext6([(60, bytes([0x1e, 0]) * 9 + bytes(4))], 17, udp)))
    t.append(("ext6/ra-len3", ext6([(0, bytes([5, 3, 0, 0, 0, 1]))], 17, udp)))
    t.append(("ext6/ra-ok", ext6([(0, bytes([5, 2, 0, 0, 1, 0]))], 17, udp)))
    t.append(("ext6/unknown-skip", ext6([(60, bytes([0x1e, 4, 0, 0, 0, 0]))], 17, udp)))
    t.append(("ext6/unknown-discard", ext6([(60, bytes([0x5e, 4, 0, 0, 0, 0]))], 17, udp)))
    for typ in (0, 2, 3, 4):
        for left in (0, 1):
            t.append(("ext6/rh%d-left%d" % (typ, left),
                      ext6([(43, bytes([typ, left]) + bytes(4) + bytes(16))], 17, udp)))
    t.append(("ext6/rh0-mcast", ext6([(43, bytes([0, 0]) + bytes(4))], 17,
                                     pg.udp6(SRC6, GROUP6, 1000, 6001, b"x")[40:],
                                     dst=GROUP6, dmac=MC6)))
    t.append(("ext6/rh0-l2bcast", ext6([(43, bytes([0, 0]) + bytes(4))], 17, udp, dmac=BCAST)))
    t.append(("frag6/atomic", ext6([(44, struct.pack("!HI", 0, 7))], 17, udp)))
    t.append(("frag6/not-8", ext6([(44, struct.pack("!HI", 1, 8))], 17, udp + b"abc")))
    # a first fragment without the whole upper-layer header (TCP: 20
    # bytes, 8 here): ipv6_frag_rcv's RFC 8200 4.5 check
    t.append(("frag6/first-truncated", ext6([(44, struct.pack("!HI", 1, 9))], 6, bytes(8))))
    t.append(("frag6/first-truncated-udp",
              ext6([(60, bytes([1, 4, 0, 0, 0, 0])), (44, struct.pack("!HI", 1, 10))], 17,
                   bytes(4))))
    t.append(("udp6/len0", eth6(udp6_len(0))))
    # a datagram in three fragments, the second sent twice
    f4 = pg.fragment4(SRC4, L4, 1000, 9, bytes(range(100)), 40, 0x77)
    t.extend([("frag4/dup-%d" % i, eth4(f)) for i, f in enumerate([f4[0], f4[1], f4[1], f4[2]])])
    f6 = pg.fragment6(SRC6, L6, 1000, 9, bytes(range(100)), 40, 0x78)
    t.extend([("frag6/dup-%d" % i, eth6(f)) for i, f in enumerate([f6[0], f6[1], f6[1], f6[2]])])
    # a last fragment ending inside the first: the kernel discards the
    # datagram (ip_frag_queue's checks before the insert), no duplicate
    lf4 = pg.fragment4(SRC4, L4, 1000, 9, bytes(range(100)), 40, 0x7B)
    b = bytearray(lf4[1])
    b[6:8] = struct.pack("!H", 8 // 8)               # last, at offset 8
    b[2:4] = struct.pack("!H", 20 + 8)
    t.extend([("frag4/last-inside-%d" % i, eth4(f))
              for i, f in enumerate([lf4[0], fix4(bytes(b[:28]))])])
    lf6 = pg.ipv6_fragments(SRC6, L6, 17, pg.udp6(SRC6, L6, 1000, 9, bytes(100))[40:], 48, 0x7C)
    b = bytearray(lf6[1][:48 + 8])
    b[42:44] = struct.pack("!H", 8)                  # last, at offset 8
    b[4:6] = struct.pack("!H", 16)
    t.extend([("frag6/last-inside-%d" % i, eth6(f)) for i, f in enumerate([lf6[0], bytes(b)])])
    # a destination options header before the fragment header, in every
    # fragment (RFC 8200 4.5's unfragmentable part)
    for i, pk in enumerate(pg.ipv6_fragments(SRC6, L6, 17,
                                             pg.udp6(SRC6, L6, 1000, 9, bytes(100))[40:],
                                             48, 0x7A)):
        ip = bytearray(pk[:40]) + bytes([44, 0, 1, 4, 0, 0, 0, 0]) + pk[40:]
        ip[6] = 60
        ip[4:6] = struct.pack("!H", len(ip) - 40)
        t.append(("frag6/dstopt-%d" % i, eth6(bytes(ip))))
    # overlapping fragments: the second one moved back 8 bytes
    o4 = pg.fragment4(SRC4, L4, 1000, 9, bytes(range(100)), 40, 0x79)
    b = bytearray(o4[1])
    b[6:8] = struct.pack("!H", 0x2000 | (32 // 8))
    t.extend([("overlap4/%d" % i, eth4(f)) for i, f in enumerate([o4[0], fix4(b), o4[2]])])
    t.append(("tcp4/l2-bcast", eth4(pg.ipv4(SRC4, L4, 6, tcp(SRC4, L4, False)), BCAST)))
    t.append(("tcp6/l2-mcast", eth6(pg.ipv6(SRC6, L6, 6, tcp(SRC6, L6, True)), MC6)))
    for proto in (2, 103, 136):
        t.append(("proto4/%d" % proto, eth4(pg.ipv4(SRC4, L4, proto, bytes(16)))))
    for proto in (103, 136):
        t.append(("proto6/%d" % proto, eth6(pg.ipv6(SRC6, L6, proto, bytes(16)))))
    for label, opts in (("rr", bytes([7, 7, 4]) + bytes(4) + bytes(1)),
                        ("rr-ptr3", bytes([7, 7, 3]) + bytes(4) + bytes(1)),
                        ("rr-twice", bytes([7, 7, 4]) + bytes(4) + bytes([7, 7, 4]) + bytes(4) +
                         bytes(2)),
                        ("rr-full", bytes([7, 7, 8]) + bytes(4) + bytes(1)),
                        ("ts", bytes([68, 8, 5, 0]) + bytes(4)),
                        ("ts-ptr4", bytes([68, 8, 4, 0]) + bytes(4)),
                        ("ts-overflow15", bytes([68, 8, 9, 0xF0]) + bytes(4)),
                        ("ts-overflow3", bytes([68, 8, 9, 0x30]) + bytes(4)),
                        ("ts-addr-short", bytes([68, 8, 5, 1]) + bytes(4)),
                        ("ra", bytes([148, 4, 0, 0])),
                        ("ra-len2", bytes([148, 2, 1, 0])),
                        ("cipso", bytes([134, 10, 0, 0, 0, 1, 1, 4, 0, 0]) + bytes(2)),
                        ("lsrr", bytes([131, 7, 4]) + pg.ip4("10.1.0.9") + bytes(1)),
                        ("ssrr", bytes([137, 7, 4]) + pg.ip4("10.1.0.9") + bytes(1)),
                        ("unknown", bytes([0x99, 4, 0, 0])),
                        ("too-long", bytes([0x99, 9, 0, 0])),
                        ("nop-eol", bytes([1, 1, 0, 0]))):
        t.append(("opt4/" + label, eth4(ip4_options(opts, pg.udp4(SRC4, L4, 1000, 9, b"o")[20:]))))
    for cov in (0, 8, 12, 4, 200):
        t.append(("udplite4/cov%d" % cov, eth4(udplite(SRC4, L4, cov, False))))
        t.append(("udplite6/cov%d" % cov, eth6(udplite(SRC6, L6, cov, True))))
    t.append(("udplite4/nocsum", eth4(pg.ipv4(SRC4, L4, 136, struct.pack("!HHHH", 1, 2, 0, 0)))))
    t.append(("icmp4/type42", eth4(pg.icmp4(SRC4, L4, 42, 0, bytes(12)))))
    t.append(("icmp4/unreach-short", eth4(pg.icmp4(SRC4, L4, 3, 1, bytes(4) + bytes(10)))))
    q24 = pg.udp4(L4, SRC4, 9, 1000, b"quote")[:24]
    # no error about an ICMP error (or an unknown type): __icmp_send
    for typ in (3, 200):
        t.append(("icmp4/bad-option-type%d" % typ,
                  eth4(ip4_options(bytes([148, 2, 1, 0]),
                                   pg.icmp4(SRC4, L4, typ, 1, bytes(4) + q24)[20:], proto=1))))
    # icmp_redirect / icmp_socket_deliver: 8 bytes past the quoted header
    t.append(("icmp4/redirect-short", eth4(pg.icmp4(SRC4, L4, 5, 1, pg.ip4("10.1.0.9") + q24[:24]))))
    # icmp_unreach: a code past 15 goes no further, short quote or not
    t.append(("icmp4/unreach-code20", eth4(pg.icmp4(SRC4, L4, 3, 20, bytes(4) + q24))))
    # icmp_timestamp: fewer than 4 bytes after the header
    t.append(("icmp4/timestamp-short", eth4(pg.icmp4(SRC4, L4, 13, 0, bytes(4) + bytes(2)))))
    t.append(("udplite6/mcast-noport", eth6(udplite(SRC6, GROUP6, 0, True), MC6)))
    t.append(("icmp4/unreach-bcast", eth4(pg.icmp4(SRC4, "10.1.0.255", 3, 1, bytes(32)), BCAST)))
    t.append(("icmp4/echo-bcast", eth4(pg.icmp4(SRC4, "10.1.0.255", 8, 0, bytes(8)), BCAST)))
    t.append(("icmp6/unreach-short", eth6(pg.icmp6(SRC6, L6, 1, 4, bytes(4) + bytes(20)))))
    t.append(("icmp6/type100-short", eth6(pg.icmp6(SRC6, L6, 100, 0, bytes(4)))))
    t.append(("icmp6/ns-linklocal", eth6(pg.icmp6(SRC6, "ff02::1:ff61:7000", 135, 0,
                                                  bytes(4) + pg.ip6("fe80::70:63ff:fe61:7000"),
                                                  hops=255), "33:33:ff:61:70:00")))
    t.append(("udp6/to-linklocal", eth6(pg.udp6(SRC6, "fe80::70:63ff:fe61:7000", 1, 9, b"ll"))))
    return t


def ip4_options(opts, l4, proto=17):
    """IPv4 from SRC4 to L4 with `opts` (padded to 4 bytes) and `l4`."""
    opts += bytes(-len(opts) % 4)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45 + len(opts) // 4, 0, 20 + len(opts) + len(l4), 0,
                      0, 64, proto, 0, pg.ip4(SRC4), pg.ip4(L4)) + opts
    return fix4(hdr) + l4


def udplite(src, dst, cov, v6, body=b"lite-payload!"):
    """A UDP-Lite datagram to a closed port, checksum over `cov` bytes
    (0: all) and the pseudo header with the whole length."""
    seg = bytearray(struct.pack("!HHHH", 1000, 7777, cov, 0) + body)
    n = len(seg) if cov in (0,) or cov > len(seg) else cov
    if v6:
        pseudo = pg.ip6(src) + pg.ip6(dst) + struct.pack("!IxxxB", len(seg), 136)
    else:
        pseudo = pg.ip4(src) + pg.ip4(dst) + struct.pack("!BBH", 0, 136, len(seg))
    seg[6:8] = struct.pack("!H", pg.csum(pseudo + bytes(seg[:n])) or 0xffff)
    return (pg.ipv6(src, dst, 136, bytes(seg)) if v6 else pg.ipv4(src, dst, 136, bytes(seg)))


def udp6_len(n):
    p = bytearray(pg.udp6(SRC6, L6, 1000, 9, b"zero-length"))
    p[44:46] = struct.pack("!H", n)
    p[46:48] = b"\0\0"
    c = pg.l4_csum6(SRC6, L6, 17, bytes(p[40:]))
    p[46:48] = struct.pack("!H", c)
    return bytes(p)


def tcp(src, dst, v6):
    seg = struct.pack("!HHIIBBHHH", 1000, 80, 1, 0, 0x50, 0x02, 1024, 0, 0)
    if v6:
        c = pg.l4_csum6(src, dst, 6, seg)
    else:
        pseudo = pg.ip4(src) + pg.ip4(dst) + struct.pack("!BBH", 0, 6, len(seg))
        c = pg.csum(pseudo + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def mutations4(cls, frame):
    """Field mutations of an IPv4 frame, each a (class, frame)."""
    ip = frame[14:]
    out = []

    def put(name, off, val, fix=True):
        b = bytearray(ip)
        b[off:off + len(val)] = val
        out.append(("%s/%s" % (cls, name), frame[:14] + (fix4(b) if fix else bytes(b))))
    put("version5", 0, bytes([0x55]))
    put("ihl4", 0, bytes([0x44]))
    put("ihl6", 0, bytes([0x46]))
    put("csum", 10, bytes([ip[10] ^ 0xff, ip[11]]), fix=False)
    tot = struct.unpack("!H", ip[2:4])[0]
    put("totlen-long", 2, struct.pack("!H", tot + 40))
    put("totlen-short", 2, struct.pack("!H", 19))
    for ecn in (1, 2, 3):
        put("ecn%d" % ecn, 1, bytes([ecn]))
    put("ttl0", 8, bytes([0]))
    for name, a in (("0.0.0.0", "0.0.0.0"), ("127.0.0.1", "127.0.0.1"),
                    ("224.1.1.1", "224.1.1.1"), ("255.255.255.255", "255.255.255.255"),
                    ("own", L4), ("other", "192.0.2.7"), ("zeronet", "0.1.2.3")):
        # (a subnet's broadcast address as source is valid to the kernel,
        # which then answers to the broadcast and receives its own reply:
        # its counters move for frames it sent itself; not compared)
        put("src-" + name, 12, pg.ip4(a))
    for name, a in (("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "0.0.0.0"),
                    ("0.1.2.3", "0.1.2.3"), ("not-local", "10.1.0.99")):
        put("dst-" + name, 16, pg.ip4(a))
    return out


def mutations6(cls, frame):
    ip = frame[14:]
    out = []

    def put(name, off, val):
        b = bytearray(ip)
        b[off:off + len(val)] = val
        body = bytes(b)
        out.append(("%s/%s" % (cls, name), frame[:14] + body))
    put("version4", 0, bytes([0x40 | (ip[0] & 15)]))
    pl = struct.unpack("!H", ip[4:6])[0]
    put("paylen-long", 4, struct.pack("!H", pl + 40))
    for ecn in (1, 2, 3):
        put("ecn%d" % ecn, 0, bytes([0x60, ecn << 4]))
    for name, a in (("::1", "::1"), ("ff02::1", "ff02::1"), ("::", "::")):
        put("src-" + name, 8, pg.ip6(a))
    for name, a in (("::1", "::1"), ("ff00::1", "ff00::1"), ("ff01::1", "ff01::1"),
                    ("on-link", "2001:db8::99"), ("no-route", "2001:db9::1"),
                    ("link-local", "fe80::99")):
        put("dst-" + name, 24, pg.ip6(a))
    return out


def fix_l4(ip, v6):
    """Recompute the upper-layer checksum of an IP packet (no IPv6
    extension headers, no IPv4 options), after a field mutation."""
    b = bytearray(ip)
    hl, proto = (40, b[6]) if v6 else ((b[0] & 15) * 4, b[9])
    tot = (40 + struct.unpack("!H", bytes(b[4:6]))[0]) if v6 else struct.unpack("!H", bytes(b[2:4]))[0]
    at = {17: 6, 6: 16, 1: 2, 58: 2}.get(proto)
    if at is None or hl + at + 2 > min(tot, len(b)):
        return bytes(b)
    seg = b[hl:tot]
    seg[at:at + 2] = b"\0\0"
    if proto == 1:
        c = pg.csum(bytes(seg))
    elif v6:
        c = pg.csum(bytes(b[8:40]) + struct.pack("!IxxxB", len(seg), proto) + bytes(seg))
    else:
        c = pg.csum(bytes(b[12:20]) + struct.pack("!BBH", 0, proto, len(seg)) + bytes(seg))
    if proto == 17 and c == 0:
        c = 0xffff
    seg[at:at + 2] = struct.pack("!H", c)
    b[hl:tot] = seg
    return bytes(b)


def mutations_l4(cls, frame):
    """Field mutations of the upper-layer header right after the fixed IP
    header (UDP, TCP, ICMP, ICMPv6), the checksum recomputed unless it is
    the field mutated; and, for UDP, VLAN tags in front (a priority tag,
    two, another VLAN's id)."""
    v6 = frame[12:14] == b"\x86\xdd"
    ip = frame[14:]
    hl, proto = (40, ip[6]) if v6 else ((ip[0] & 15) * 4, ip[9])
    out = []

    def put(name, off, val, fix=True):
        b = bytearray(ip)
        b[hl + off:hl + off + len(val)] = val
        body = fix_l4(bytes(b), v6) if fix else bytes(b)
        out.append(("%s/l4-%s" % (cls, name), frame[:14] + body))
    if proto == 17:
        ulen = struct.unpack("!H", ip[hl + 4:hl + 6])[0]
        put("len-long", 4, struct.pack("!H", ulen + 1))
        put("len-7", 4, struct.pack("!H", 7))
        put("len-short", 4, struct.pack("!H", ulen - 1) if ulen > 8 else struct.pack("!H", 8))
        put("csum-flip", 6, bytes([ip[hl + 6] ^ 0x5a]), fix=False)
        put("csum-0", 6, b"\0\0", fix=False)
        put("dport-0", 2, b"\0\0")
        for name, tags in (("vlan0", [0]), ("vlan0-0", [0, 0]), ("vlan100", [100])):
            l2 = frame[:12] + b"".join(struct.pack("!HH", 0x8100, t) for t in tags)
            out.append(("%s/%s" % (cls, name), l2 + frame[12:]))
    elif proto == 6:
        put("doff4", 12, bytes([0x40]))
        put("doff15", 12, bytes([0xF0]))
        put("csum-flip", 16, bytes([ip[hl + 16] ^ 0x5a]), fix=False)
        put("rst", 13, bytes([0x04]))
    elif proto in (1, 58):
        put("type200", 0, bytes([200]))
        put("code255", 1, bytes([255]))
        put("csum-flip", 2, bytes([ip[hl + 2] ^ 0x5a]), fix=False)
    return out


def fixed_set():
    frames = list(specials())
    for cls, f in templates():
        frames.append((cls, f))
        v6 = f[12:14] == b"\x86\xdd"
        frames.extend(mutations6(cls, f) if v6 else mutations4(cls, f))
        frames.extend(mutations_l4(cls, f))
    return frames


def random_set(seed, count):
    rnd = random.Random(seed)
    base = templates()
    frames = []
    for i in range(count):
        cls, f = rnd.choice(base)
        b = bytearray(f)
        for _ in range(rnd.randrange(1, 4)):
            b[rnd.randrange(14, len(b))] = rnd.randrange(256)
        frames.append(("%s/rand%d" % (cls, i), bytes(b)))
    return frames


class KernelHost:
    """The kernel's side: namespaces, veth, addresses, neighbours."""

    def __init__(self, tag):
        self.h, self.p = "fpkh" + tag, "fpkp" + tag
        self.vh, self.vp = "fpkh" + tag, "fpkp" + tag

    def __enter__(self):
        sh = netns.sh
        try:
            netns.linked(self.h, self.p, self.vh, self.vp, US, PEER)
            sh("ip", "netns", "exec", self.p, "sysctl", "-qw",
               "net.ipv6.conf.all.disable_ipv6=1")
            for k in KERNEL_SYSCTLS + (
                      "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                      "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.default.accept_ra=0",
                      "net.ipv6.conf.default.router_solicitations=0"):
                sh("ip", "netns", "exec", self.h, "sysctl", "-qw", k)
            for k in ("accept_dad=0", "accept_ra=0", "router_solicitations=0"):
                sh("ip", "netns", "exec", self.h, "sysctl", "-qw",
                   "net.ipv6.conf.%s.%s" % (self.vh, k))
            sh("ip", "netns", "exec", self.h, "sysctl", "-qw",
               "net.ipv4.conf.%s.rp_filter=0" % self.vh)
            sh("ip", "-n", self.h, "addr", "add", L4 + "/24", "dev", self.vh)
            sh("ip", "-n", self.h, "addr", "add", L6 + "/64", "dev", self.vh, "nodad")
            for ns, dev in ((self.h, self.vh), (self.p, self.vp), (self.h, "lo")):
                sh("ip", "-n", ns, "link", "set", dev, "up")
            sh("ip", "-n", self.h, "neigh", "replace", SRC4, "lladdr", PEER, "dev", self.vh)
            sh("ip", "-n", self.h, "neigh", "replace", SRC6, "lladdr", PEER, "dev", self.vh)
            time.sleep(0.5)       # the link-local address and MLD settle
        except Exception:
            self.__exit__()
            raise
        return self

    def replay(self, frames):
        """Per-frame counter deltas of the kernel host."""
        helper = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib",
                              "khost.py")
        spec = [s + [self.vh] for s in SOCKETS]
        p = subprocess.run(["ip", "netns", "exec", self.h, sys.executable, helper, self.p,
                            self.vp, json.dumps(spec)],
                           input="\n".join(f.hex() for _, f in frames), capture_output=True,
                           text=True, timeout=600)
        if p.returncode != 0:
            raise RuntimeError("khost: " + p.stderr.strip())
        return json.loads(p.stdout)

    def __exit__(self, *exc):
        for ns in (self.h, self.p):
            netns.sh("ip", "netns", "del", ns, check=False)
        return False


def compared(key):
    return key in RX or key in OUT or key in kx.COLUMNS or \
        key.startswith(RX_PREFIXES + OUT_PREFIXES)


def is_out(key):
    return key in OUT or key.startswith(OUT_PREFIXES) or \
        (key in kx.COLUMNS and ".Out" in key)


def fastpath_counters(name, frames):
    d = fr.workdir(name)
    rx = os.path.join(d, "rx.pcap")
    pg.write_pcap(rx, [f for _, f in frames])
    r = fr.run(name, ["net_pcap0,rx_pcap=%s,tx_pcap=%s" % (rx, os.path.join(d, "tx.pcap"))],
               APP)
    if r.rc != 0 or not r.stats:
        raise RuntimeError("fastpath failed: %s" % r.fp_errors())
    return {"%s.%s" % (g, f): v for g, fields in r.stats["snmp"].items()
            for f, v in fields.items()}, r


def bisect(name, frames, kdeltas, key, c):
    """Narrow a divergence in `key` down to single frames."""
    lo = [(frames, kdeltas)]
    found = []
    runs = 0
    while lo and runs < 40 and len(found) < 3:
        fs, ks = lo.pop()
        got, _ = fastpath_counters(name + "_bisect", fs)
        runs += 1
        want = sum(k.get(key, 0) for k in ks)
        if got.get(key, 0) == want:
            continue
        if len(fs) == 1:
            found.append((fs[0][0], want, got.get(key, 0)))
            continue
        mid = len(fs) // 2
        lo.append((fs[mid:], ks[mid:]))
        lo.append((fs[:mid], ks[:mid]))
    for cls, want, got in found:
        c.eq("%s: frame %s" % (key, cls), got, want)


def compare(c, name, frames):
    keep = [(cls, f) for cls, f in frames if cls.split("/")[0] not in DIFFERENT
            and cls not in DIFFERENT]
    tag = str(os.getpid() % 100000)
    with KernelHost(tag) as k:
        kdeltas = k.replay(keep)
    ktotal = {}
    for (cls, _), dlt in zip(keep, kdeltas):
        # the kernel resolves a new on-link sender before it answers
        # (neighbour solicitations); fastpath answers the sender's MAC
        ns = dlt.pop("Icmp6MsgOut.OutType135", 0)
        if ns:
            dlt["Icmp6.OutMsgs"] = dlt.get("Icmp6.OutMsgs", 0) - ns
            dlt["Icmp6.OutNeighborSolicits"] = dlt.get("Icmp6.OutNeighborSolicits", 0) - ns
        for key, v in dlt.items():
            if is_out(key) and not_sent(cls):
                continue
            ktotal[key] = ktotal.get(key, 0) + v
    got, r = fastpath_counters(name, keep)
    fr.check_invariants(c, r.stats)
    keys = sorted({k for k in list(ktotal) + list(got) if compared(k)})
    diverged = []
    for key in keys:
        c.eq("%s (kernel %d)" % (key, ktotal.get(key, 0)), got.get(key, 0),
             ktotal.get(key, 0))
        if got.get(key, 0) != ktotal.get(key, 0):
            movers = [cls for (cls, _), dl in zip(keep, kdeltas) if dl.get(key)]
            print("  %s: the kernel moved it for %d frame(s): %s" % (
                key, len(movers), ", ".join(movers[:12])))
            diverged.append(key)
    if diverged and os.environ.get("FP_DIFF_PERFRAME"):
        # by hand: every frame alone through fastpath, against the
        # kernel's delta for it
        for (cls, f), kd in zip(keep, kdeltas):
            one, _ = fastpath_counters(name + "_one", [(cls, f)])
            bad = {k: (one.get(k, 0), kd.get(k, 0)) for k in set(one) | set(kd)
                   if compared(k) and one.get(k, 0) != kd.get(k, 0)}
            if bad:
                print("  frame %s: %s" % (cls, ", ".join(
                    "%s fastpath %d kernel %d" % (k, a, b) for k, (a, b) in sorted(bad.items()))))
    else:
        for key in diverged[:3]:
            bisect(name, keep, kdeltas, key, c)
    return c.done()


def fixed():
    if not netns.available():
        return fr.skip("differential_fixed", "needs root, ip, ethtool")
    c = fr.Checker("differential_fixed")
    return compare(c, "differential_fixed", fixed_set())


def random_():
    if not netns.available():
        return fr.skip("differential_random", "needs root, ip, ethtool")
    seed = int(os.environ.get("FP_DIFF_SEED", int(time.time())))
    count = int(os.environ.get("FP_DIFF_COUNT", "2000"))
    print("seed %d, %d frames (FP_DIFF_SEED, FP_DIFF_COUNT)" % (seed, count))
    c = fr.Checker("differential_random")
    return compare(c, "differential_random", random_set(seed, count))


if __name__ == "__main__":
    fr.main({"fixed": fixed, "random": random_})
