#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""ICMP errors as the kernel sends them (--icmp-errors), end to end over
net_pcap with the replies in tx_pcap:

  errors      every error fastpath builds, checked byte by byte against an
              independent builder and read back with an independent parser
              (checksums, type, code, addresses, TTL, TOS, the quote and
              its 576 / 1280-byte caps), and every case where the kernel
              sends none (broadcast, multicast, a frame to another MAC's
              broadcast, an ICMPv6 error, --icmp-errors off)
  ratelimit   the per-host and global token buckets, expected counts
              derived from the kernel's rules and the run's duration
"""
import os
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import kexpect as kx  # noqa: E402
import pcapgen as pg  # noqa: E402
from test_behaviour import (BCAST, IP4_OK, IP6_OK, L4, L6, PEER, SRC4, SRC6, US,  # noqa: E402
                            compare, run_pcap)

APP = ["--local-ip", L4 + "/24", "--local-ip", L6 + "/64", "--listen", "9=count"]
MAC = pg.mac(US)


def udp4(dport, payload, src=SRC4, dst=L4, dmac=US):
    return pg.pad60(pg.eth(dmac, PEER, 0x0800, pg.udp4(src, dst, 4242, dport, payload)))


def udp6(dport, payload, src=SRC6, dst=L6, dmac=US):
    return pg.pad60(pg.eth(dmac, PEER, 0x86DD, pg.udp6(src, dst, 4242, dport, payload)))


def check_error(c, label, reply, frame, v6, typ, code, info=None):
    """Read the error back independently: what must hold whatever the
    builder says."""
    e = kx.parse_icmp_error(reply)
    l2 = 14
    ip = frame[l2:]
    c.eq(label + ": family", e["family"], 6 if v6 else 4)
    c.true(label + ": ICMP checksum right", e["csum_ok"])
    c.eq(label + ": type, code", (e["type"], e["code"]), (typ, code))
    c.eq(label + ": TTL / hop limit", e["ttl"], 64)
    c.true(label + ": within %d bytes" % (1280 if v6 else 576), e["len"] <= (1280 if v6 else 576))
    if v6:
        c.eq(label + ": to the sender", e["dst"], ip[8:24])
        if info is not None:
            c.eq(label + ": pointer", e["info"], info)
        orig = ip[:40 + struct.unpack("!H", ip[4:6])[0]]
    else:
        c.true(label + ": IP header checksum right", e["ip_csum_ok"])
        c.eq(label + ": from the address it was sent to", e["src"], ip[16:20])
        c.eq(label + ": to the sender", e["dst"], ip[12:16])
        c.eq(label + ": TOS", e["tos"], 0xC0 | (ip[1] & 0x1E))
        c.true(label + ": no DF", not e["df"])
        orig = ip[:struct.unpack("!H", ip[2:4])[0]]
    c.true(label + ": the quote is the packet's start (%d bytes)" % len(e["quote"]),
           len(e["quote"]) > 0 and orig.startswith(e["quote"]))
    c.eq(label + ": Ethernet back to the sender", reply[:12], frame[6:12] + MAC)


def errors():
    c = fr.Checker("icmp_errors")
    e = kx.Expect()
    ids = iter(range(1 << 16))
    cases = []           # (label, frame, v6, type, code, info, expected reply)

    def err4(label, frame, code, snmp, typ=3, ptr=0):
        rep = kx.icmp_error4(frame, code, next(ids), MAC, typ, ptr << 24)
        out = "Icmp.OutDestUnreachs" if typ == 3 else "Icmp.OutParmProbs"
        e.add(frame, "responded", snmp=snmp + ("Icmp.OutMsgs", out), reply=rep)
        cases.append((label, frame, False, typ, code, None, rep))

    def err6(label, frame, typ, code, info, snmp, src=None):
        rep = kx.icmp_error6(frame, typ, code, info, MAC, src=src)
        out = "Icmp6.OutDestUnreachs" if typ == 1 else "Icmp6.OutParmProblems"
        e.add(frame, "responded", snmp=snmp + ("Icmp6.OutMsgs", out), reply=rep)
        cases.append((label, frame, True, typ, code, info, rep))

    # port unreachable: short, and long enough to be cut at 576 bytes
    err4("port4 short", udp4(7777, b"hello"), 3, IP4_OK + ("Udp.NoPorts",))
    err4("port4 cut", udp4(7777, bytes(range(256)) * 4), 3, IP4_OK + ("Udp.NoPorts",))
    # a TOS whose precedence the error replaces, the rest it keeps
    f = bytearray(udp4(7778, b"tos"))
    f[15] = 0xB8
    f[24:26] = b"\0\0"
    f[24:26] = struct.pack("!H", pg.csum(bytes(f[14:34])))
    err4("port4 tos", bytes(f), 3, IP4_OK + ("Udp.NoPorts",))
    # protocol unreachable
    err4("proto4", pg.pad60(pg.eth(US, PEER, 0x0800, pg.ipv4(SRC4, L4, 253, b"data"))), 2,
         ("Ip.InReceives", "Ip.InUnknownProtos"))
    # a bad option: a parameter problem pointing at it (record route
    # with a pointer of 3: the pointer byte, 20 + 2)
    rr = bytes([7, 7, 3]) + bytes(4) + bytes(1)
    udp = pg.udp4(SRC4, L4, 1000, 9, b"opt")[20:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x47, 0, 28 + len(udp), 0, 0, 64, 17, 0,
                      pg.ip4(SRC4), pg.ip4(L4)) + rr
    hdr = hdr[:10] + struct.pack("!H", pg.csum(hdr)) + hdr[12:]
    err4("param4", pg.pad60(pg.eth(US, PEER, 0x0800, hdr + udp)), 0,
         ("Ip.InReceives", "Ip.InHdrErrors"), typ=12, ptr=22)
    # an unknown IPv6 option whose action is "discard and answer" (10):
    # code 2, pointing at the option (40 + 2)
    opt = bytes([0x9e, 4, 0, 0, 0, 0])
    err6("option6", pg.pad60(pg.eth(US, PEER, 0x86DD, pg.ipv6(
        SRC6, L6, 60, bytes([17, 0]) + opt + pg.udp6(SRC6, L6, 1, 9, b"o")[40:]))),
        4, 2, 42, ("Ip6.InReceives", "Ip6.InHdrErrors"))
    # IPv6: port unreachable, cut at 1280 bytes
    err6("port6 short", udp6(7777, b"hello6"), 1, 4, 0, IP6_OK + ("Udp6.NoPorts",))
    err6("port6 cut", udp6(7777, bytes(1400)), 1, 4, 0, IP6_OK + ("Udp6.NoPorts",))
    # unknown next header, behind a destination options header: the
    # pointer is that header's next header field (offset 40)
    dopt = bytes([253, 0, 1, 4, 0, 0, 0, 0])
    err6("param6", pg.pad60(pg.eth(US, PEER, 0x86DD, pg.ipv6(SRC6, L6, 60, dopt + b"xyz!"))),
         4, 1, 40, ("Ip6.InReceives", "Ip6.InUnknownProtos"))
    err6("param6 plain", pg.pad60(pg.eth(US, PEER, 0x86DD, pg.ipv6(SRC6, L6, 253, b"xyz!"))),
         4, 1, 6, ("Ip6.InReceives", "Ip6.InUnknownProtos"))
    # a first fragment without its whole UDP header (4 of 8 bytes): code
    # 3, pointer 0 (ipv6_frag_rcv, RFC 8200 4.5), after ReasmReqds; from
    # another sender (SRC6's per-host burst of 6 is spent here)
    err6("incomplete6", pg.pad60(pg.eth(US, PEER, 0x86DD, pg.ipv6(
        "2001:db8::3", L6, 44, struct.pack("!BBHI", 17, 0, 1, 0x44) + bytes(4)))),
        4, 3, 0, ("Ip6.InReceives", "Ip6.ReasmReqds", "Ip6.InHdrErrors"))
    # parameter problems, code 0 (erroneous header field), each from a
    # sender of its own: a routing header (type 0) with segments left
    # points at its type (unknown_rh: 40 + 2); a first fragment whose
    # length is not a multiple of 8 at the payload length (4)
    rh = bytes([17, 2, 0, 1, 0, 0, 0, 0]) + bytes(16)
    err6("rh0 left 1", pg.pad60(pg.eth(US, PEER, 0x86DD, pg.ipv6(
        "2001:db8::4", L6, 43, rh + pg.udp6("2001:db8::4", L6, 1, 9, b"r")[40:]))),
        4, 0, 42, ("Ip6.InReceives", "Ip6.InHdrErrors"))
    err6("fragment not 8", pg.pad60(pg.eth(US, PEER, 0x86DD, pg.ipv6(
        "2001:db8::5", L6, 44, struct.pack("!BBHI", 17, 0, 1, 0x45) + bytes(12)))),
        4, 0, 4, ("Ip6.InReceives", "Ip6.ReasmReqds", "Ip6.InHdrErrors"))
    # no route: another prefix; from our first IPv6 address
    err6("noroute6", udp6(9, b"elsewhere", dst="2001:db9::5"), 1, 0, 0,
         ("Ip6.InReceives", "Ip6.InNoRoutes"), src=pg.ip6(L6))

    # never answered
    e.add(udp4(7777, b"to a broadcast MAC", dmac=BCAST), "dropped", "NO_SOCKET",
          snmp=IP4_OK + ("Udp.NoPorts",))
    e.add(udp4(7777, b"bcast", dst="10.1.0.255", dmac=BCAST), "dropped", "IGNORED_MULTI",
          snmp=IP4_OK + ("IpExt.InBcastPkts", "Udp.IgnoredMulti"))
    e.add(udp6(7777, b"to a broadcast MAC", dmac=BCAST), "dropped", "NO_SOCKET",
          snmp=IP6_OK + ("Udp6.NoPorts",))
    # an ICMPv6 error with no route is not answered (is_ineligible)
    icmp_err = pg.icmp6(SRC6, "2001:db9::5", 1, 4, bytes(4) + bytes(48))
    e.add(pg.pad60(pg.eth(US, PEER, 0x86DD, icmp_err)), "dropped", "IP_INNOROUTES",
          snmp=("Ip6.InReceives", "Ip6.InNoRoutes"))
    # an unspecified source is not answered
    e.add(udp6(7777, b"from ::", src="::"), "dropped", "NO_SOCKET",
          snmp=IP6_OK + ("Udp6.NoPorts",))

    r, got = run_pcap("icmp_errors", e, APP)
    c.eq("exit status: %s" % r.fp_errors(), r.rc, 0)
    compare(c, e, r.stats, got)
    by_bytes = {bytes(g) for g in got}
    for label, frame, v6, typ, code, info, rep in cases:
        c.true(label + ": sent", rep in by_bytes)
        hit = [g for g in got if g == rep]
        if hit:
            check_error(c, label, hit[0], frame, v6, typ, code, info)
    if r.stats:
        cfg = r.stats["config"]
        c.eq("config: the kernel's defaults",
             [cfg[k] for k in ("icmp_errors", "icmp_ratelimit", "icmp_ratemask",
                               "icmp_msgs_per_sec", "icmp_msgs_burst", "icmp6_ratelimit")],
             ["on", 1000, 0x1818, 1000, 50, 100])

    # --icmp-errors off: the same closed port, nothing sent
    e = kx.Expect()
    e.add(udp4(7777, b"quiet"), "dropped", "NO_SOCKET", snmp=IP4_OK + ("Udp.NoPorts",))
    e.add(udp6(7777, b"quiet"), "dropped", "NO_SOCKET", snmp=IP6_OK + ("Udp6.NoPorts",))
    r, got = run_pcap("icmp_errors_off", e, APP + ["--icmp-errors", "off"])
    c.eq("off: exit status", r.rc, 0)
    compare(c, e, r.stats, got)
    # a sink (no --local-ip) is no host: no errors
    e = kx.Expect()
    e.add(udp4(7777, b"sink"), "dropped", "NO_SOCKET", snmp=IP4_OK + ("Udp.NoPorts",))
    r, got = run_pcap("icmp_errors_sink", e, ["--listen", "9=count"])
    c.eq("sink: exit status", r.rc, 0)
    compare(c, e, r.stats, got)
    return c.done()


def timed_run(name, frames, app):
    """frames through fastpath; (the run, its wall time in seconds)."""
    d = fr.workdir(name)
    rx, tx = os.path.join(d, "rx.pcap"), os.path.join(d, "tx.pcap")
    pg.write_pcap(rx, frames)
    t0 = time.monotonic()
    r = fr.run(name, ["net_pcap0,rx_pcap=%s,tx_pcap=%s" % (rx, tx)], app)
    return r, time.monotonic() - t0


def ratelimit():
    """Derivations (net/ipv4/icmp.c, net/ipv4/inetpeer.c, Linux 6.x):
    a host's bucket starts full with XRLIM_BURST_FACTOR = 6 tokens and
    gains one per `ratelimit` ms; the global bucket starts with
    min(msgs_per_sec, msgs_burst) credits, each error sent takes one
    (fastpath; the kernel 0..2 at random), and refills, once empty, by
    msgs_per_sec x the elapsed time, at most every 20 ms. The whole pcap
    is processed within the run's wall time T, so a bucket can have gained
    at most T x its rate: the bounds below."""
    c = fr.Checker("icmp_ratelimit")

    def bucket(label, frames, app, row, limit, burst, per_sec):
        """Run frames; the errors sent are at least the bucket's burst and
        at most burst + per_sec x the run's time, every other one counted
        under `limit`; returns the run's stats for more checks."""
        r, t = timed_run("icmp_ratelimit_" + label, frames, app)
        c.eq("%s: exit status" % label, r.rc, 0)
        fr.check_invariants(c, r.stats)
        if r.stats:
            s = r.stats["snmp"][row]
            sent = s["OutDestUnreachs"]
            c.true("%s: %d <= sent %d <= %d + %g x %.1f s" % (label, burst, sent, burst,
                                                             per_sec, t),
                   burst <= sent <= burst + int(per_sec * t))
            c.eq("%s: every other one limited" % label, sent + s[limit], len(frames))
        return r.stats

    # one host, 20 closed-port datagrams: 6 sent at once, then at most one
    # more per second of the run
    st = bucket("host", [udp4(7000 + i, b"rl") for i in range(20)], APP, "Icmp",
                "OutRateLimitHost", 6, 1)
    if st:
        s = st["snmp"]["Icmp"]
        c.eq("host: no global limit", s["OutRateLimitGlobal"], 0)
        c.eq("host: responded", st["ports"]["0"]["responded"], s["OutDestUnreachs"])
        c.eq("host: NoPorts for all", st["snmp"]["Udp"]["NoPorts"], 20)

    # 60 hosts, one datagram each, msgs-burst 5 and 5 per second: 5 at
    # once, then one more per 200 ms of the run at most; no host limited
    st = bucket("global", [udp4(9999, b"g", src="10.1.0.%d" % (10 + i)) for i in range(60)],
                APP + ["--icmp-errors", "on,msgs-per-sec=5,msgs-burst=5"], "Icmp",
                "OutRateLimitGlobal", 5, 5)
    if st:
        c.eq("global: no host limited", st["snmp"]["Icmp"]["OutRateLimitHost"], 0)
        cfg = st["config"]
        c.eq("global: config", (cfg["icmp_msgs_per_sec"], cfg["icmp_msgs_burst"]), (5, 5))

    # IPv6, one host, ratelimit6=1000 ms: icmpv6_xrlim_allow halves it
    # for every 32 bits the route's prefix is shorter than /128, so on the
    # /64 a token comes every 250 ms: 6 at once, then at most 4 a second
    st = bucket("host6", [udp6(7000 + i, b"rl6") for i in range(20)],
                APP + ["--icmp-errors", "on,ratelimit6=1000"], "Icmp6", "OutRateLimitHost",
                6, 4)
    if st:
        c.eq("host6: no global limit", st["snmp"]["Icmp"]["OutRateLimitGlobal"], 0)

    # ratelimit=0: no per-host limit (inet_peer_xrlim_allow with timeout 0)
    r, _ = timed_run("icmp_ratelimit_zero", [udp4(7000 + i, b"rl0") for i in range(20)],
                     APP + ["--icmp-errors", "on,ratelimit=0"])
    c.eq("ratelimit=0: exit status", r.rc, 0)
    if r.stats:
        c.eq("ratelimit=0: every one answered", r.stats["snmp"]["Icmp"]["OutDestUnreachs"], 20)
    return c.done()


if __name__ == "__main__":
    fr.main({"errors": errors, "ratelimit": ratelimit})
