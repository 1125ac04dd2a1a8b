#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Documented behaviours end to end, each with frames built here and the
counters and reply bytes docs/pipeline.md promises for them, computed from the
frames written (never from a run's output):

  rx_fcs      --rx-fcs cuts the 4-byte FCS, and without it nothing is cut
  vlan        --vlan filters the outer tag only; 0 means untagged
  nd_arp      DAD answered without the Solicited flag, a solicitation for a
              foreign address ignored, ARP with wrong lengths dropped
  boundaries  ICMP type 18 consumed, 19 UNHANDLED_PROTO; an IPv4 option
              ending exactly at the header's end, and one byte past it
  echo        UDP echo never to multicast or broadcast, the MTU boundary
              exactly, reassembled datagrams PKT_TOO_BIG, a reassembled
              ping not answered
  tx_no_queue NO_TX_QUEUE: an lcore without a tx queue on its port
  tx_full     FULL_RING: a tx queue that takes only part of a burst

Every SNMP counter and drop reason fastpath reports is compared (zeros
included), so an unexpected counter moving fails as well."""
import collections
import os
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fastpath_run as fr  # noqa: E402
import kexpect as kx  # noqa: E402
import pcapgen as pg  # noqa: E402
from test_mixed import read_pcap, swap_reply4  # noqa: E402

NO_MEMBERSHIP = ["--igmp", "off", "--mld", "off"]
US = "02:70:63:61:70:00"          # net_pcap's MAC for the first port it creates
PEER = "02:00:00:00:00:02"
BCAST = "ff:ff:ff:ff:ff:ff"
L4, L6 = "10.1.0.1", "2001:db8::1"
SRC4, SRC6 = "10.1.0.2", "2001:db8::2"
IP4_OK = ("Ip.InReceives", "Ip.InDelivers")
IP6_OK = ("Ip6.InReceives", "Ip6.InDelivers")
MTU = 1500                        # net_pcap's MTU (checked in /fastpath/config)


Expect = kx.Expect


def compare(c, e, stats, replies=None, port="0"):
    """Every counter fastpath reports against the expectation."""
    fr.check_invariants(c, stats)
    if not stats:
        return
    p = stats["ports"][port]
    c.eq("ipackets", p["ipackets"], len(e.frames))
    for fate in ("delivered", "dropped", "responded"):
        c.eq(fate, p[fate], e.fates[fate])
    for reason, got in sorted(stats["drops"].items()):
        c.eq("drops %s" % reason, got, e.drops.get(reason, 0))
    c.true("every expected reason exists: %s" % sorted(e.drops),
           set(e.drops) <= set(stats["drops"]))
    for group, fields in sorted(stats["snmp"].items()):
        for field, got in sorted(fields.items()):
            c.eq("snmp %s.%s" % (group, field), got, e.snmp.get("%s.%s" % (group, field), 0))
    c.true("every expected SNMP counter exists: %s" % sorted(e.snmp),
           all(k.split(".")[1] in stats["snmp"].get(k.split(".")[0], {}) for k in e.snmp))
    for lid, counters in sorted(e.listener.items()):
        for k, v in sorted(counters.items()):
            c.eq("listener %d %s" % (lid, k), stats["udp"][str(lid)][k], v)
    if replies is not None:
        c.eq("replies sent", len(replies), len(e.replies))
        for i, (g, w) in enumerate(zip(replies, e.replies)):
            c.eq("reply %d bytes" % i, g.hex(), w.hex())


def run_pcap(name, e, app, extra_vdev="", replies=True, **kw):
    d = fr.workdir(name)
    rx, tx = os.path.join(d, "rx.pcap"), os.path.join(d, "tx.pcap")
    pg.write_pcap(rx, e.frames)
    if os.path.exists(tx):
        os.unlink(tx)
    vdev = "net_pcap0,rx_pcap=%s" % rx + (",tx_pcap=%s" % tx if replies else "") + extra_vdev
    # the replies compared are answers to the frames: a host's own IGMP /
    # MLD announcements are test_membership.py's
    r = fr.run(name, [vdev], list(app) + NO_MEMBERSHIP, **kw)
    got = read_pcap(tx) if replies and os.path.exists(tx) else []
    return r, got


def udp4_frame(dst, dport, payload, sport=4242, dmac=US, src=SRC4):
    return pg.pad60(pg.eth(dmac, PEER, 0x0800, pg.udp4(src, dst, sport, dport, payload)))


def echo_reply4(frame):
    def fix(l4):
        l4[0:2], l4[2:4] = l4[2:4], l4[0:2]
        return bytes(l4)
    return swap_reply4(frame, fix)


def with_fcs(frame):
    """The frame as a NIC that keeps the CRC hands it over: + CRC-32 (LE)."""
    return frame + struct.pack("<I", zlib.crc32(frame) & 0xFFFFFFFF)


# ---------------------------------------------------------------- rx_fcs

def rx_fcs():
    """Three runs over frames whose IP packet fills the frame exactly (no
    padding): (1) the frames with their FCS appended and --rx-fcs: every
    one delivered or answered, the replies without the FCS; (2) the frames
    without FCS and without --rx-fcs: the same; (3) the frames without FCS
    but --rx-fcs: the last 4 bytes are cut, so each IP packet is 4 bytes
    short (PKT_TOO_SMALL + InTruncatedPkts) and the bare ARP (42 bytes)
    is under 28 bytes of ARP (PKT_TOO_SMALL)."""
    app = ["--local-ip", L4 + "/24", "--listen", "9=count", "--listen", "7=echo"]
    rc = 0
    base = []          # (frame without FCS, kind)
    for i in range(6):
        p = bytes([i]) * (30 + 7 * i)        # 30..65 bytes: frames 72..107, no padding
        base.append((pg.eth(US, PEER, 0x0800, pg.udp4(SRC4, L4, 4000 + i, 9, p)), "count", p))
    for i in range(3):
        p = b"echo%d" % i + bytes(40)
        base.append((pg.eth(US, PEER, 0x0800, pg.udp4(SRC4, L4, 5000 + i, 7, p)), "echo", p))
    arp = pg.eth(BCAST, PEER, 0x0806, pg.arp_request(PEER, SRC4, L4))       # 42 bytes
    base.append((arp, "arp", None))

    def arp_reply():
        return pg.eth(PEER, US, 0x0806, struct.pack(
            "!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, pg.mac(US), pg.ip4(L4),
            pg.mac(PEER), pg.ip4(SRC4)))

    for label, fcs, opt in (("fcs_kept", True, True), ("no_fcs", False, False),
                            ("no_fcs_but_flag", False, True)):
        name = "rx_fcs_" + label
        c = fr.Checker(name)
        e = Expect(fcs=opt)       # --rx-fcs: 4 bytes are not the packet's
        for frame, kind, p in base:
            wire = with_fcs(frame) if fcs else frame
            if not fcs and opt:
                # 4 bytes of the packet taken for an FCS
                if kind == "arp":
                    e.add(wire, "dropped", "PKT_TOO_SMALL")
                else:
                    e.add(wire, "dropped", "PKT_TOO_SMALL",
                          snmp=("Ip.InReceives", "IpExt.InTruncatedPkts"))
            elif kind == "count":
                e.add(wire, "delivered", snmp=IP4_OK + ("Udp.InDatagrams",),
                      listener=(0, {"datagrams": 1, "bytes": len(p)}))
            elif kind == "echo":
                e.add(wire, "responded", snmp=IP4_OK + ("Udp.InDatagrams", "Udp.OutDatagrams"),
                      listener=(1, {"datagrams": 1, "bytes": len(p), "echoed": 1}),
                      reply=echo_reply4(frame))          # never the FCS
            else:
                e.add(wire, "responded", reply=arp_reply())
        r, got = run_pcap(name, e, app + (["--rx-fcs"] if opt else []))
        c.eq("exit status", r.rc, 0)
        compare(c, e, r.stats, got)
        if r.stats:
            c.eq("config rx_fcs", r.stats["config"]["rx_fcs"], int(opt))
            # net_pcap has no KEEP_CRC offload (RTE_ETH_RX_OFFLOAD_KEEP_CRC, 1 << 16):
            # fastpath must not claim it
            c.eq("no KEEP_CRC claimed on a device without it",
                 r.stats["config"]["port_0"]["rx_offloads"] & (1 << 16), 0)
        rc |= c.done()
    return rc


# ---------------------------------------------------------------- vlan

def tagged(tags, payload_frame_body, ethertype=0x0800):
    """Ethernet with the given (tpid, vid) tags, outermost first."""
    hdr = pg.mac(US) + pg.mac(PEER)
    for tpid, vid in tags:
        hdr += struct.pack("!HH", tpid, vid)
    return pg.pad60(hdr + struct.pack("!H", ethertype) + payload_frame_body)


def vlan():
    """--vlan 0,100: untagged and outer tag 100 pass, whatever the inner
    tag; outer 200 and outer 300 (inner 100) are VLAN_FILTERED. --vlan 100:
    untagged frames are VLAN_FILTERED (0 stands for untagged). No --vlan:
    what the kernel takes on an interface without VLAN subinterfaces,
    untagged and priority-tagged frames (VLAN id 0, any number of tags)."""
    rc = 0
    cases = [  # (tags, fate with "0,100", with "100", with no --vlan)
        ((), True, False, True),
        (((0x8100, 100),), True, True, False),
        (((0x8100, 200),), False, False, False),
        (((0x88A8, 100), (0x8100, 300)), True, True, False),     # QinQ: inner not filtered
        (((0x88A8, 300), (0x8100, 100)), False, False, False),   # outer decides
        (((0x8100, 0x2000 | 100),), True, True, False),          # priority bits are no VID
        (((0x8100, 0x6000),), True, False, True),                # a priority tag
        (((0x8100, 0), (0x8100, 0), (0x8100, 0)), True, False, True),   # three of them
    ]
    for label, vlans, col in (("0_100", "0,100", 1), ("100", "100", 2), ("default", None, 3)):
        name = "vlan_" + label
        c = fr.Checker(name)
        e = Expect()
        for k, case in enumerate(cases):
            tags, ok = case[0], case[col]
            for i in range(3):
                p = b"v%d-%d" % (k, i)
                fr_ = tagged(tags, pg.udp4(SRC4, L4, 4242, 9, p))
                if ok:
                    e.add(fr_, "delivered", snmp=IP4_OK + ("Udp.InDatagrams",),
                          listener=(0, {"datagrams": 1, "bytes": len(p)}))
                else:
                    e.add(fr_, "dropped", "VLAN_FILTERED")
        r, _ = run_pcap(name, e, ["--local-ip", L4, "--listen", "9=count"] +
                        (["--vlan", vlans] if vlans else []), replies=False)
        c.eq("exit status", r.rc, 0)
        compare(c, e, r.stats)
        if r.stats:
            c.eq("config vlan_filter", r.stats["config"]["vlan_filter"], int(vlans is not None))
        rc |= c.done()
    return rc


# ---------------------------------------------------------------- nd_arp

def sol_node(addr):
    b = pg.ip6(addr)
    import socket
    return socket.inet_ntop(socket.AF_INET6, bytes([0xff, 2] + [0] * 9 + [1, 0xff]) + b[13:])


def sol_mac(addr):
    b = pg.ip6(addr)
    return "33:33:ff:%02x:%02x:%02x" % (b[13], b[14], b[15])


def nd_arp():
    name = "nd_arp"
    c = fr.Checker(name)
    e = Expect()
    NS = ("Icmp6.InMsgs", "Icmp6.InNeighborSolicits")
    # DAD (RFC 4862 5.4.3): source ::, no source link-layer option; the
    # answer goes to all-nodes with Solicited clear (RFC 4861 7.2.4)
    for _ in range(2):
        fr_ = pg.pad60(pg.eth(sol_mac(L6), PEER, 0x86DD,
                              pg.icmp6("::", sol_node(L6), 135, 0, bytes(4) + pg.ip6(L6),
                                       hops=255)))
        na = struct.pack("!I", 0x20000000) + pg.ip6(L6) + bytes([2, 1]) + pg.mac(US)
        rep = pg.eth("33:33:00:00:00:01", US, 0x86DD,
                     pg.icmp6(L6, "ff02::1", 136, 0, na, hops=255))
        e.add(fr_, "responded", snmp=IP6_OK + ("Ip6.InMcastPkts",) + NS +
              ("Icmp6.OutMsgs", "Icmp6.OutNeighborAdvertisements"), reply=rep)
    # a normal solicitation: Solicited and Override, to the solicitor (control)
    body = bytes(4) + pg.ip6(L6) + bytes([1, 1]) + pg.mac(PEER)
    fr_ = pg.eth(sol_mac(L6), PEER, 0x86DD, pg.icmp6(SRC6, sol_node(L6), 135, 0, body, hops=255))
    na = struct.pack("!I", 0x60000000) + pg.ip6(L6) + bytes([2, 1]) + pg.mac(US)
    e.add(fr_, "responded", snmp=IP6_OK + ("Ip6.InMcastPkts",) + NS +
          ("Icmp6.OutMsgs", "Icmp6.OutNeighborAdvertisements"),
          reply=pg.eth(PEER, US, 0x86DD, pg.icmp6(L6, SRC6, 136, 0, na, hops=255)))
    # foreign targets: one sharing our solicited-node group, one unicast to
    # us; consumed, never answered
    for target, dst, dmac, mc in (("2001:db8:1::1", sol_node(L6), sol_mac(L6), True),
                                  ("2001:db8::99", L6, US, False)):
        body = bytes(4) + pg.ip6(target) + bytes([1, 1]) + pg.mac(PEER)
        fr_ = pg.eth(dmac, PEER, 0x86DD, pg.icmp6(SRC6, dst, 135, 0, body, hops=255))
        e.add(fr_, "delivered", snmp=IP6_OK + (("Ip6.InMcastPkts",) if mc else ()) + NS)
    # ARP: a request answered (control); wrong hardware length, wrong
    # protocol length: not Ethernet/IPv4 -> UNHANDLED_PROTO, not answered
    good = pg.arp_request(PEER, SRC4, L4)
    e.add(pg.pad60(pg.eth(BCAST, PEER, 0x0806, good)), "responded",
          reply=pg.eth(PEER, US, 0x0806, struct.pack(
              "!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, pg.mac(US), pg.ip4(L4),
              pg.mac(PEER), pg.ip4(SRC4))))
    for off, val in ((4, 8), (5, 6), (4, 5), (5, 16)):
        bad = bytearray(good)
        bad[off] = val
        e.add(pg.pad60(pg.eth(BCAST, PEER, 0x0806, bytes(bad))), "dropped", "UNHANDLED_PROTO")
    r, got = run_pcap(name, e, ["--local-ip", L4 + "/24", "--local-ip", L6])
    c.eq("exit status", r.rc, 0)
    compare(c, e, r.stats, got)
    return c.done()


# ---------------------------------------------------------------- boundaries

def ipv4_opts(src, dst, proto, opts, payload):
    hl = 20 + len(opts)
    assert hl % 4 == 0
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0, hl + len(payload), 0, 0, 64, proto,
                      0, pg.ip4(src), pg.ip4(dst)) + opts
    return hdr[:10] + struct.pack("!H", pg.csum(hdr)) + hdr[12:] + payload


def boundaries():
    name = "boundaries"
    c = fr.Checker(name)
    e = Expect()
    # ICMP: NR_ICMP_TYPES is 18 (address mask reply): 18 is consumed,
    # 19 is past it (UNHANDLED_PROTO + InErrors, as icmp_rcv)
    for t in (17, 18):
        e.add(pg.pad60(pg.eth(US, PEER, 0x0800, pg.icmp4(SRC4, L4, t, 0, bytes(8)))),
              "delivered", snmp=IP4_OK + ("Icmp.InMsgs",))
    for t in (19, 40):
        e.add(pg.pad60(pg.eth(US, PEER, 0x0800, pg.icmp4(SRC4, L4, t, 0, bytes(8)))),
              "dropped", "UNHANDLED_PROTO", snmp=IP4_OK + ("Icmp.InMsgs", "Icmp.InErrors"))
    # IPv4 options: router alert (148, length 4) ending exactly at the
    # header's end, alone and after NOPs; a timestamp-like TLV one byte
    # past the end; a length below 2; an option type with no room for its
    # length byte
    udp = pg.udp4(SRC4, L4, 4242, 9, b"opts")[20:]
    fits = [bytes([148, 4, 0, 0]),
            bytes([1, 1, 1, 1, 148, 4, 0, 0]),
            bytes([1, 1, 1, 0]),                      # NOPs then end of list
            bytes([7, 8, 4, 0, 0, 0, 0, 0])]          # record route, exactly 8
    past = [bytes([148, 5, 0, 0]),
            bytes([1, 1, 1, 1, 7, 5, 4, 0]),
            bytes([148, 1, 0, 0]),
            bytes([1, 1, 1, 148])]
    for o in fits:
        e.add(pg.pad60(pg.eth(US, PEER, 0x0800, ipv4_opts(SRC4, L4, 17, o, udp))), "delivered",
              snmp=IP4_OK + ("Udp.InDatagrams",), listener=(0, {"datagrams": 1, "bytes": 4}))
    for o in past:
        e.add(pg.pad60(pg.eth(US, PEER, 0x0800, ipv4_opts(SRC4, L4, 17, o, udp))), "dropped",
              "IP_INHDR", snmp=("Ip.InReceives", "Ip.InHdrErrors"))
    r, _ = run_pcap(name, e, ["--local-ip", L4, "--listen", "9=count"], replies=False)
    c.eq("exit status", r.rc, 0)
    compare(c, e, r.stats)
    return c.done()


# ---------------------------------------------------------------- echo

def fragments4(ip_packet, chunk, ident):
    """Cut an IPv4 packet (no options) into fragments of `chunk` bytes."""
    hdr, body = ip_packet[:20], ip_packet[20:]
    out = []
    for off in range(0, len(body), chunk):
        part = body[off:off + chunk]
        mf = 0x2000 if off + chunk < len(body) else 0
        h = bytearray(hdr)
        h[2:4] = struct.pack("!H", 20 + len(part))
        h[4:6] = struct.pack("!H", ident)
        h[6:8] = struct.pack("!H", mf | off // 8)
        h[10:12] = b"\0\0"
        h[10:12] = struct.pack("!H", pg.csum(bytes(h)))
        out.append(pg.pad60(pg.eth(US, PEER, 0x0800, bytes(h) + part)))
    return out


def echo():
    name = "echo"
    c = fr.Checker(name)
    e = Expect()
    GROUP = "239.1.1.7"
    # an echo listener on a group is refused at start-up; the group is
    # joined by a count listener on another port, and the wildcard echo
    # listener on port 7 takes what is sent to the group's port 7
    app = ["--local-ip", L4 + "/24", "--listen", "7=echo", "--listen", GROUP + ":6000=count"]
    # unicast: echoed (control)
    for i in range(3):
        p = b"hello %d" % i
        fr_ = udp4_frame(L4, 7, p, sport=3000 + i)
        e.add(fr_, "responded", snmp=IP4_OK + ("Udp.InDatagrams", "Udp.OutDatagrams"),
              listener=(0, {"datagrams": 1, "bytes": len(p), "echoed": 1}),
              reply=echo_reply4(fr_))
    # multicast to the echo listener's port: delivered, never echoed
    for i in range(2):
        fr_ = pg.pad60(pg.eth("01:00:5e:01:01:07", PEER, 0x0800,
                              pg.udp4(SRC4, GROUP, 3100 + i, 7, b"mc")))
        e.add(fr_, "delivered", snmp=IP4_OK + ("IpExt.InMcastPkts", "Udp.InDatagrams"),
              listener=(0, {"datagrams": 1, "bytes": 2}))
    # broadcast, limited and directed: delivered, never echoed
    for dst in ("255.255.255.255", "10.1.0.255"):
        fr_ = udp4_frame(dst, 7, b"bc", dmac=BCAST)
        e.add(fr_, "delivered", snmp=IP4_OK + ("IpExt.InBcastPkts", "Udp.InDatagrams"),
              listener=(0, {"datagrams": 1, "bytes": 2}))
    # the MTU boundary: an IP packet of exactly MTU bytes is echoed, one
    # byte more is PKT_TOO_BIG (replies are not fragmented)
    for ip_len, ok in ((MTU - 1, True), (MTU, True), (MTU + 1, False), (MTU + 100, False)):
        p = bytes(range(256)) * 6
        p = p[:ip_len - 28]
        fr_ = pg.eth(US, PEER, 0x0800, pg.udp4(SRC4, L4, 3200, 7, p))
        if ok:
            e.add(fr_, "responded", snmp=IP4_OK + ("Udp.InDatagrams", "Udp.OutDatagrams"),
                  listener=(0, {"datagrams": 1, "bytes": len(p), "echoed": 1}),
                  reply=echo_reply4(fr_))
        else:
            e.add(fr_, "dropped", "PKT_TOO_BIG", snmp=IP4_OK + ("Udp.InDatagrams",),
                  listener=(0, {"datagrams": 1, "bytes": len(p), "drops": 1}))
    # a reassembled datagram (2 fragments, 100 bytes): PKT_TOO_BIG for both
    # frames, one datagram; the kernel's reassembly counters
    p = bytes(range(100))
    frags = fragments4(pg.udp4(SRC4, L4, 3300, 7, p), 64, 0x1234)
    e.add(frags, "dropped", "PKT_TOO_BIG", frames=len(frags),
          snmp=("Ip.InReceives",) * len(frags) + ("Ip.ReasmReqds",) * len(frags) +
          ("Ip.ReasmOKs", "Ip.InDelivers", "Udp.InDatagrams"),
          listener=(0, {"datagrams": 1, "bytes": len(p), "drops": 1}))
    # a reassembled ping (3 fragments): consumed, not answered
    frags = fragments4(pg.icmp4(SRC4, L4, 8, 0, struct.pack("!HH", 1, 1) + bytes(150))[:],
                       64, 0x1235)
    e.add(frags, "delivered", frames=len(frags),
          snmp=("Ip.InReceives",) * len(frags) + ("Ip.ReasmReqds",) * len(frags) +
          ("Ip.ReasmOKs", "Ip.InDelivers", "Icmp.InMsgs", "Icmp.InEchos"))
    r, got = run_pcap(name, e, app)
    c.eq("exit status: %s" % r.fp_errors(), r.rc, 0)
    compare(c, e, r.stats, got)
    if r.stats:
        c.eq("the port's MTU is the boundary used", r.stats["config"]["port_0"]["mtu"], MTU)
    return c.done()


# ---------------------------------------------------------------- transmit failures

def requests(n, sport0, size=0):
    """n UDP echo requests of `size` bytes of payload, and what each
    should count when its reply is sent or not."""
    out = []
    for i in range(n):
        p = (b"r%03d" % i) + bytes(size)
        out.append((udp4_frame(L4, 7, p, sport=sport0 + i), p))
    return out


def tx_no_queue():
    """Two rx queues on two worker lcores, one tx queue (net_pcap has as
    many as tx_pcap= arguments): the lcore past the device's limit has no
    tx queue, and every reply it builds is NO_TX_QUEUE: ARP, ICMP echo and
    UDP echo (+ SndbufErrors, the listener's drops), counted in that
    queue's resource drops; the other queue's replies are sent."""
    name = "tx_no_queue"
    c = fr.Checker(name)
    d = fr.workdir(name)
    app = ["--local-ip", L4 + "/24", "--listen", "7=echo", "--listen", "9=count"]
    per_q = []
    for q in range(2):
        e = Expect()
        sent = q == 0
        for frame, p in requests(10, 1000 + 100 * q):
            if sent:
                e.add(frame, "responded", snmp=IP4_OK + ("Udp.InDatagrams", "Udp.OutDatagrams"),
                      listener=(0, {"datagrams": 1, "bytes": len(p), "echoed": 1}),
                      reply=echo_reply4(frame))
            else:
                e.add(frame, "dropped", "NO_TX_QUEUE",
                      snmp=IP4_OK + ("Udp.InDatagrams", "Udp.SndbufErrors"),
                      listener=(0, {"datagrams": 1, "bytes": len(p), "drops": 1}))
        for i in range(4):
            ping = pg.pad60(pg.eth(US, PEER, 0x0800, pg.icmp4(SRC4, L4, 8, 0,
                                                             struct.pack("!HH", q, i))))
            if sent:
                def fix(l4):
                    l4[0] = 0
                    l4[2:4] = b"\0\0"
                    l4[2:4] = struct.pack("!H", pg.csum(bytes(l4)))
                    return bytes(l4)
                e.add(ping, "responded", snmp=IP4_OK + ("Icmp.InMsgs", "Icmp.InEchos",
                                                          "Icmp.OutMsgs", "Icmp.OutEchoReps"),
                      reply=swap_reply4(ping, fix))
            else:
                e.add(ping, "dropped", "NO_TX_QUEUE",
                      snmp=IP4_OK + ("Icmp.InMsgs", "Icmp.InEchos"))
        for i in range(5):
            fr_ = udp4_frame(L4, 9, b"count%d" % i)
            e.add(fr_, "delivered", snmp=IP4_OK + ("Udp.InDatagrams",),
                  listener=(1, {"datagrams": 1, "bytes": 6}))
        per_q.append(e)
    paths = []
    for q, e in enumerate(per_q):
        paths.append(os.path.join(d, "q%d.pcap" % q))
        pg.write_pcap(paths[-1], e.frames)
    tx = os.path.join(d, "tx.pcap")
    if os.path.exists(tx):
        os.unlink(tx)
    r = fr.run(name, ["net_pcap0,rx_pcap=%s,rx_pcap=%s,tx_pcap=%s" % (paths[0], paths[1], tx)],
               app + ["--queue-map", "(0,0,1),(0,1,2)"], lcores="0@0,1@1,2@1")
    c.eq("exit status", r.rc, 0)
    c.true("the lcore without a tx queue is warned about: %r" % r.fp_errors(),
           any("lcore 2 gets none" in l for l in r.err.splitlines()))
    total = Expect()
    for e in per_q:
        total.frames += e.frames
        total.replies += e.replies
        total.snmp.update(e.snmp)
        total.drops.update(e.drops)
        total.fates.update(e.fates)
        for lid, cnt in e.listener.items():
            total.listener[lid].update(cnt)
    compare(c, total, r.stats, read_pcap(tx) if os.path.exists(tx) else [])
    if r.stats:
        c.eq("port tx queues", r.stats["config"]["port_0"]["tx_queues"], 1)
        for q, e in enumerate(per_q):
            s = r.stats["queues"]["0_%d" % q]
            c.eq("queue 0_%d responded" % q, s["responded"], e.fates["responded"])
            c.eq("queue 0_%d app_drops" % q, s["app_drops"], e.fates["dropped"])
            c.eq("queue 0_%d dropped (resource: NO_TX_QUEUE)" % q, s["dropped"],
                 e.drops["NO_TX_QUEUE"])
            c.eq("softnet lcore %d dropped" % (q + 1),
                 r.stats["softnet_stat"][str(q + 1)]["dropped"], e.drops["NO_TX_QUEUE"])
        c.eq("opackets: only the sent replies", r.stats["ports"]["0"]["opackets"],
             len(per_q[0].replies))
    return c.done()


def tx_full():
    """A tx queue that refuses part of a burst: net_pcap sending through
    a veth whose MTU is 68 (tx_iface=): a frame longer than 82 bytes is
    refused by the kernel (EMSGSIZE), and net_pcap stops the burst there
    and returns what it sent, as a full ring does. One rx queue, bursts
    of 32 read in file order: the first burst holds 5 small requests then
    27 large ones, the second 8 large ones: 5 replies sent, 35 FULL_RING
    (SndbufErrors, the listener's drops), every unsent reply freed."""
    if os.getuid() != 0:
        return fr.skip("tx_full", "needs root for a veth pair")
    name = "tx_full"
    c = fr.Checker(name)
    tag = str(os.getpid() % 100000)
    va, vb = "fpfa" + tag, "fpfb" + tag
    try:
        subprocess.run(["ip", "link", "add", va, "type", "veth", "peer", "name", vb],
                       check=True, capture_output=True)
        for v in (va, vb):
            subprocess.run(["ip", "link", "set", v, "mtu", "68", "up"], check=True,
                           capture_output=True)
    except subprocess.CalledProcessError as ex:
        subprocess.run(["ip", "link", "del", va], capture_output=True)
        return fr.skip("tx_full", "cannot make a veth pair: %s" % ex.stderr)
    try:
        e = Expect()
        small, large = requests(5, 1000), requests(35, 2000, size=100)
        for k, (frame, p) in enumerate(small + large):
            if k < 5:
                e.add(frame, "responded", snmp=IP4_OK + ("Udp.InDatagrams", "Udp.OutDatagrams"),
                      listener=(0, {"datagrams": 1, "bytes": len(p), "echoed": 1}),
                      reply=echo_reply4(frame))
            else:
                e.add(frame, "dropped", "FULL_RING",
                      snmp=IP4_OK + ("Udp.InDatagrams", "Udp.SndbufErrors"),
                      listener=(0, {"datagrams": 1, "bytes": len(p), "drops": 1}))
        r, _ = run_pcap(name, e, ["--local-ip", L4, "--listen", "7=echo", "--burst", "32"],
                        extra_vdev=",tx_iface=" + va, replies=False)
    finally:
        subprocess.run(["ip", "link", "del", va], capture_output=True)
    c.eq("exit status", r.rc, 0)
    compare(c, e, r.stats)
    if r.stats:
        q = r.stats["queues"]["0_0"]
        c.eq("queue dropped (resource: FULL_RING)", q["dropped"], 35)
        c.eq("softnet dropped", r.stats["softnet_stat"]["1"]["dropped"], 35)
        c.eq("opackets", r.stats["ports"]["0"]["opackets"], 5)
    return c.done()


if __name__ == "__main__":
    fr.main({f.__name__: f for f in (rx_fcs, vlan, nd_arp, boundaries, echo, tx_no_queue,
                                     tx_full)})
