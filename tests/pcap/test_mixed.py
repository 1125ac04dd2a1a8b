#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Mixed traffic end to end: every category of frame the receive path
judges, in a shuffled order, through net_pcap with tx_pcap capturing the
replies. The generator states, for every frame it writes, what the kernel
would do with it (fate, drop reason, SNMP counters, listener counters, the
reply's bytes); the test compares fastpath's final counters and the
captured replies with the sums of those statements."""
import collections
import os
import random
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import kexpect as kx  # noqa: E402
import pcapgen as pg  # noqa: E402

US = "02:70:63:61:70:00"          # net_pcap's MAC for the first port it creates
PEER = "02:00:00:00:00:02"
OTHER = "02:00:00:00:00:99"
BCAST = "ff:ff:ff:ff:ff:ff"
L4, L6 = "10.1.0.1", "2001:db8::1"
SRC4, SRC6 = "10.1.0.2", "2001:db8::2"
APP = ["--local-ip", L4 + "/24", "--local-ip", L6 + "/64",
       "--listen", "9=count",                               # 0
       "--listen", L4 + ":5000=seq,offset=0,size=4,order=be",  # 1
       "--listen", "7=echo",                                # 2
       "--listen", "239.1.1.1:6000=count",                  # 3
       # ICMP errors with the kernel's per-host burst (6) and no refill
       # within the run: which ones go out depends on the order alone
       "--icmp-errors", "on,ratelimit=86400000,ratelimit6=86400000",
       # the replies are answers to frames: IGMP / MLD is test_membership.py's
       "--igmp", "off", "--mld", "off"]
HOST_BURST = 6                    # inet_peer_xrlim_allow: XRLIM_BURST_FACTOR


Expect = kx.Expect


IP4_OK = ("Ip.InReceives", "Ip.InDelivers")
IP6_OK = ("Ip6.InReceives", "Ip6.InDelivers")


def swap_reply4(frame, l4_fix):
    """The reply the kernel would send to an IPv4 request in `frame`:
    Ethernet swapped from the port, addresses swapped, TTL 64, IP checksum
    redone; l4_fix(l4 bytes) rewrites the L4 message."""
    ip = frame[14:]
    hl = (ip[0] & 15) * 4
    tot = struct.unpack("!H", ip[2:4])[0]
    hdr = bytearray(ip[:hl])
    hdr[12:16], hdr[16:20] = ip[16:20], ip[12:16]
    hdr[8] = 64
    hdr[6] &= 0x40
    hdr[7] = 0
    hdr[10:12] = b"\0\0"
    hdr[10:12] = struct.pack("!H", pg.csum(bytes(hdr)))
    return pg.mac(frame[6:12].hex(":")) + pg.mac(US) + frame[12:14] + bytes(hdr) + \
        l4_fix(bytearray(ip[hl:tot]))


def udp4_frame(dst, dport, payload, sport=4242, dmac=US):
    return pg.pad60(pg.eth(dmac, PEER, 0x0800, pg.udp4(SRC4, dst, sport, dport, payload)))


def build(seed=7):
    e = Expect()
    rnd = random.Random(seed)
    items = []
    tokens = {SRC4: HOST_BURST, SRC6: HOST_BURST}   # per sender
    ip_ids = iter(range(1 << 16))                  # the errors' IPv4 ids

    def icmp_error(frame, fate_if_limited, reason, snmp, v6, err):
        """The kernel answers with an error while the sender's bucket
        has tokens; after, it counts OutRateLimitHost and drops."""
        src = SRC6 if v6 else SRC4
        if tokens[src] > 0:
            tokens[src] -= 1
            if v6:
                typ, code, info = err
                rep = kx.icmp_error6(frame, typ, code, info, pg.mac(US))
                out = ("Icmp6.OutMsgs", "Icmp6.OutDestUnreachs" if typ == 1
                       else "Icmp6.OutParmProblems")
            else:
                rep = kx.icmp_error4(frame, err, next(ip_ids), pg.mac(US))
                out = ("Icmp.OutMsgs", "Icmp.OutDestUnreachs")
            e.add(frame, "responded", snmp=snmp + out, reply=rep)
        else:
            e.add(frame, fate_if_limited, reason,
                  snmp=snmp + ("Icmp6.OutRateLimitHost" if v6 else "Icmp.OutRateLimitHost",))

    def item(n, fn):
        items.extend([fn] * n)

    # delivered to listener 0 (count), IPv4 and IPv6, tagged and not
    def ok4():
        p = bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 200)))
        e.add(udp4_frame(L4, 9, p), "delivered", snmp=IP4_OK + ("Udp.InDatagrams",),
              listener=(0, {"datagrams": 1, "bytes": len(p)}))
    item(40, ok4)

    def ok6():
        p = b"v6-" + bytes(rnd.randrange(0, 50))
        e.add(pg.pad60(pg.eth(US, PEER, 0x86DD, pg.udp6(SRC6, L6, 4242, 9, p))), "delivered",
              snmp=IP6_OK + ("Udp6.InDatagrams",),
              listener=(0, {"datagrams": 1, "bytes": len(p)}))
    item(15, ok6)

    def vlan4():
        # a host without --vlan takes no VLAN (the kernel without VLAN
        # interfaces); a priority tag (VLAN id 0) is stripped
        p = b"tagged"
        fr_ = pg.pad60(pg.eth_vlan(US, PEER, 100, 0x0800, pg.udp4(SRC4, L4, 4242, 9, p)))
        e.add(fr_, "dropped", "VLAN_FILTERED")
        fr_ = pg.pad60(pg.eth_vlan(US, PEER, 0, 0x0800, pg.udp4(SRC4, L4, 4242, 9, p)))
        e.add(fr_, "delivered", snmp=IP4_OK + ("Udp.InDatagrams",),
              listener=(0, {"datagrams": 1, "bytes": len(p)}))
    item(5, vlan4)

    # multicast: a listener on the group; a port nobody listens on
    def mcast_ok():
        fr_ = pg.pad60(pg.eth("01:00:5e:01:01:01", PEER, 0x0800,
                              pg.udp4(SRC4, "239.1.1.1", 4242, 6000, b"md")))
        e.add(fr_, "delivered", snmp=IP4_OK + ("IpExt.InMcastPkts", "Udp.InDatagrams"),
              listener=(3, {"datagrams": 1, "bytes": 2}))
    item(6, mcast_ok)

    def mcast_ignored():
        fr_ = pg.pad60(pg.eth("01:00:5e:01:01:01", PEER, 0x0800,
                              pg.udp4(SRC4, "239.1.1.1", 4242, 6001, b"md")))
        e.add(fr_, "dropped", "IGNORED_MULTI",
              snmp=IP4_OK + ("IpExt.InMcastPkts", "Udp.IgnoredMulti"))
    item(4, mcast_ignored)

    # UDP echo (listener 2)
    def echo4():
        p = b"echo-me-%d" % rnd.randrange(1000)
        fr_ = udp4_frame(L4, 7, p, sport=3333)

        def fix(l4):
            l4[0:2], l4[2:4] = l4[2:4], l4[0:2]
            return bytes(l4)
        e.add(fr_, "responded", snmp=IP4_OK + ("Udp.InDatagrams", "Udp.OutDatagrams"),
              listener=(2, {"datagrams": 1, "bytes": len(p), "echoed": 1}),
              reply=swap_reply4(fr_, fix))
    item(8, echo4)

    # ICMP echo
    def ping4():
        body = struct.pack("!HH", 0x77, rnd.randrange(65536)) + b"payload"
        fr_ = pg.pad60(pg.eth(US, PEER, 0x0800, pg.icmp4(SRC4, L4, 8, 0, body)))

        def fix(l4):
            l4[0] = 0
            l4[2:4] = b"\0\0"
            l4[2:4] = struct.pack("!H", pg.csum(bytes(l4)))
            return bytes(l4)
        e.add(fr_, "responded", snmp=IP4_OK + ("Icmp.InMsgs", "Icmp.InEchos", "Icmp.OutMsgs",
                                                 "Icmp.OutEchoReps"),
              reply=swap_reply4(fr_, fix))
    item(7, ping4)

    # ARP request for our address, and for someone else's
    def arp_us():
        fr_ = pg.pad60(pg.eth(BCAST, PEER, 0x0806, pg.arp_request(PEER, SRC4, L4)))
        rep = pg.eth(PEER, US, 0x0806, struct.pack(
            "!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, pg.mac(US), pg.ip4(L4),
            pg.mac(PEER), pg.ip4(SRC4)))
        e.add(fr_, "responded", reply=rep)
    item(3, arp_us)

    def arp_other():
        e.add(pg.pad60(pg.eth(BCAST, PEER, 0x0806, pg.arp_request(PEER, SRC4, "10.1.0.77"))),
              "delivered")
    item(3, arp_other)

    # neighbour solicitation for our IPv6 address
    def ns():
        sn = "ff02::1:ff00:1"
        body = bytes(4) + pg.ip6(L6) + bytes([1, 1]) + pg.mac(PEER)
        fr_ = pg.eth("33:33:ff:00:00:01", PEER, 0x86DD, pg.icmp6(SRC6, sn, 135, 0, body, hops=255))
        na_body = struct.pack("!I", 0x60000000) + pg.ip6(L6) + bytes([2, 1]) + pg.mac(US)
        rep = pg.eth(PEER, US, 0x86DD, pg.icmp6(L6, SRC6, 136, 0, na_body, hops=255))
        e.add(fr_, "responded", snmp=IP6_OK + ("Ip6.InMcastPkts", "Icmp6.InMsgs",
                                                 "Icmp6.InNeighborSolicits", "Icmp6.OutMsgs",
                                                 "Icmp6.OutNeighborAdvertisements"),
              reply=rep)
    item(2, ns)

    def ping6():
        body = struct.pack("!HH", 0x66, 1) + b"v6ping"
        fr_ = pg.pad60(pg.eth(US, PEER, 0x86DD, pg.icmp6(SRC6, L6, 128, 0, body)))
        rep = pg.eth(PEER, US, 0x86DD, pg.icmp6(L6, SRC6, 129, 0, body))
        e.add(fr_, "responded", snmp=IP6_OK + ("Icmp6.InMsgs", "Icmp6.InEchos", "Icmp6.OutMsgs",
                                                 "Icmp6.OutEchoReplies"),
              reply=rep)
    item(3, ping6)

    # drops, one category each
    def bad_ipcsum():
        fr_ = bytearray(udp4_frame(L4, 9, b"x"))
        fr_[24] ^= 0xFF
        e.add(bytes(fr_), "dropped", "IP_CSUM",
              snmp=("Ip.InReceives", "IpExt.InCsumErrors", "Ip.InHdrErrors"))
    item(5, bad_ipcsum)

    def bad_udpcsum():
        fr_ = bytearray(udp4_frame(L4, 9, b"abcdef"))
        fr_[14 + 20 + 8] ^= 0x01
        e.add(bytes(fr_), "dropped", "UDP_CSUM",
              snmp=IP4_OK + ("Udp.InCsumErrors", "Udp.InErrors"), listener=(0, {"drops": 1}))
    item(4, bad_udpcsum)

    def noport():
        icmp_error(udp4_frame(L4, 9999, b"nobody"), "dropped", "NO_SOCKET",
                   IP4_OK + ("Udp.NoPorts",), False, 3)
    item(6, noport)

    def noport6():
        icmp_error(pg.pad60(pg.eth(US, PEER, 0x86DD, pg.udp6(SRC6, L6, 1, 9999, b"x"))),
                   "dropped", "NO_SOCKET", IP6_OK + ("Udp6.NoPorts",), True, (1, 4, 0))
    item(2, noport6)

    def notlocal():
        e.add(udp4_frame("10.9.9.9", 9, b"x"), "dropped", "IP_INADDRERRORS",
              snmp=("Ip.InReceives", "Ip.InAddrErrors"))
    item(3, notlocal)

    def otherhost():
        e.add(udp4_frame(L4, 9, b"x", dmac=OTHER), "dropped", "OTHERHOST")
    item(3, otherhost)

    def runt():
        e.add(bytes(rnd.randrange(1, 14)), "dropped", "PKT_TOO_SMALL")
    item(4, runt)

    def truncated():
        fr_ = bytearray(pg.eth(US, PEER, 0x0800, pg.udp4(SRC4, L4, 1, 9, bytes(100))))
        e.add(bytes(fr_[:-30]), "dropped", "PKT_TOO_SMALL",
              snmp=("Ip.InReceives", "IpExt.InTruncatedPkts"))
    item(3, truncated)

    def noproto():
        icmp_error(pg.pad60(pg.eth(US, PEER, 0x0800, pg.ipv4(SRC4, L4, 47, bytes(8)))),
                   "dropped", "IP_NOPROTO", ("Ip.InReceives", "Ip.InUnknownProtos"), False, 2)
    item(2, noproto)

    def badext6():
        # a destination-options header whose length runs past the payload
        ext = bytes([17, 4]) + bytes(6)
        e.add(pg.pad60(pg.eth(US, PEER, 0x86DD, pg.ipv6(SRC6, L6, 60, ext))), "dropped",
              "IPV6_BAD_EXTHDR", snmp=("Ip6.InReceives", "Ip6.InHdrErrors"))
    item(2, badext6)

    def ethertype():
        e.add(pg.pad60(pg.eth(US, PEER, 0x88CC, bytes(46))), "dropped", "UNHANDLED_PROTO")
    item(2, ethertype)

    def ping_bcast():
        fr_ = pg.pad60(pg.eth(BCAST, PEER, 0x0800, pg.icmp4(SRC4, "10.1.0.255", 8, 0, bytes(4))))
        e.add(fr_, "dropped", "INVALID_PROTO",
              snmp=IP4_OK + ("IpExt.InBcastPkts", "Icmp.InMsgs", "Icmp.InEchos", "Icmp.InErrors"))
    item(2, ping_bcast)

    rnd.shuffle(items)
    seq_plan = [100, 101, 102, 105, 103, 103, 106, 110, 104, 98]
    seq_pos = sorted(rnd.sample(range(len(items) + len(seq_plan)), len(seq_plan)))
    k = 0
    for pos in range(len(items) + len(seq_plan)):
        if k < len(seq_plan) and pos == seq_pos[k]:
            n = seq_plan[k]
            k += 1
            e.add(udp4_frame(L4, 5000, struct.pack("!I", n) + b"md"), "delivered",
                  snmp=IP4_OK + ("Udp.InDatagrams",), listener=(1, {"datagrams": 1, "bytes": 6}))
        else:
            items[pos - k]()
    # the seq listener's tracker, modelled here from the numbers sent
    for key, v in seq_model(seq_plan).items():
        e.listener[1][key] += v
    return e


def seq_model(nums):
    """fastpath's documented seq semantics, for a window larger than the test."""
    seen, first, mx = set(), None, None
    r = collections.Counter(sources=1)
    for n in nums:
        if mx is None:
            first = mx = n
        elif n in seen:
            r["duplicates"] += 1
            continue
        elif n > mx:
            if n > mx + 1:
                r["gaps"] += 1
                r["lost"] += n - mx - 1
            mx = n
        elif n < first:
            if first - n - 1:
                r["gaps"] += 1
                r["lost"] += first - n - 1
            first = n
            r["reordered"] += 1
        else:
            r["reordered"] += 1
            r["lost"] -= 1
        seen.add(n)
    return r


def read_pcap(path):
    frames = []
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            return frames
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                break
            _, _, caplen, _ = struct.unpack("<IIII", rec)
            frames.append(f.read(caplen))
    return frames


def mixed():
    name = "mixed"
    c = fr.Checker(name)
    e = build()
    d = fr.workdir(name)
    rx, tx = os.path.join(d, "mixed.pcap"), os.path.join(d, "replies.pcap")
    pg.write_pcap(rx, e.frames)
    if os.path.exists(tx):
        os.unlink(tx)
    r = fr.run(name, ["net_pcap0,rx_pcap=%s,tx_pcap=%s" % (rx, tx)], APP)
    c.eq("exit status", r.rc, 0)
    fr.check_invariants(c, r.stats)
    if not r.stats:
        return c.done()
    s = r.stats
    n = len(e.frames)
    p = s["ports"]["0"]
    c.eq("ipackets", p["ipackets"], n)
    c.eq("delivered", p["delivered"], e.fates["delivered"])
    c.eq("dropped", p["dropped"], e.fates["dropped"])
    c.eq("responded", p["responded"], e.fates["responded"])
    # every reason, zeros included
    for reason, got in s["drops"].items():
        c.eq("drops %s" % reason, got, e.drops.get(reason, 0))
    c.true("every expected reason is reported", set(e.drops) <= set(s["drops"]))
    # every SNMP counter fastpath reports: what the generator said, else 0
    for group, fields in s["snmp"].items():
        for field, got in fields.items():
            c.eq("snmp %s.%s" % (group, field), got, e.snmp.get("%s.%s" % (group, field), 0))
    c.true("every expected counter is reported",
           all(k.split(".")[1] in s["snmp"].get(k.split(".")[0], {}) for k in e.snmp))
    # listeners
    udp = s["udp"]
    c.eq("listeners", sorted(udp), ["0", "1", "2", "3"])
    c.eq("listener 0 address", udp["0"]["local_address"], "*:9")
    c.eq("listener 1 address", udp["1"]["local_address"], L4 + ":5000")
    c.eq("listener 1 action", udp["1"]["action"], "seq")
    for lid, counters in e.listener.items():
        for k, v in counters.items():
            c.eq("listener %d %s" % (lid, k), udp[str(lid)][k], v)
    for lid in udp:
        for k in ("datagrams", "bytes", "drops"):
            c.eq("listener %s %s" % (lid, k), udp[lid][k], e.listener[int(lid)].get(k, 0))
    # replies, byte by byte, in order
    got = read_pcap(tx)
    c.eq("replies captured", len(got), len(e.replies))
    for i, (g, want) in enumerate(zip(got, e.replies)):
        c.eq("reply %d bytes" % i, g.hex(), want.hex())
    return c.done()


if __name__ == "__main__":
    fr.main({"mixed": mixed})
