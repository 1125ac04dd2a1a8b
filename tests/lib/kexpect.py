# SPDX-License-Identifier: BSD-3-Clause
"""What the kernel would count for the frames a test writes: the
statements a generator makes frame by frame (fate, drop reason, SNMP
counters, listener counters, the reply's bytes), summed.

Besides the counters a test names, `Expect.add` derives from the frame's
own bytes the counters every IP packet moves at fixed points of the
kernel's path (Documentation: docs/counters.md):
  - ip_rcv_core / ip6_rcv_core: InOctets (the IP bytes with the Ethernet
    padding) for every packet counted InReceives, and the ECN counter of
    its TOS / traffic class once the header's version and length are good;
  - ip_rcv_finish_core / ip6_mc_input: InMcastOctets, InBcastOctets (the
    IP length) with InMcastPkts, InBcastPkts;
  - icmp_rcv / icmpv6_rcv: the IcmpMsg / Icmp6 InType of a message that
    passed its checksum and length checks (InMsgs without InCsumErrors,
    8 bytes or more);
  - a reply sent (its bytes given): OutRequests, OutTransmits, OutOctets
    (its IP length) and, for ICMP, the OutType of its type.
"""
import collections
import struct

import pcapgen as pg

ECN = ("InNoECTPkts", "InECT1Pkts", "InECT0Pkts", "InCEPkts")

# The Icmp and Icmp6 rows' per-type columns (icmp_put,
# snmp6_seq_show_icmpv6msg): read from the per-type tables, so derived here
# from the types; a test naming one is not counted twice.
ICMP_COLUMNS = {3: "DestUnreachs", 11: "TimeExcds", 12: "ParmProbs", 4: "SrcQuenchs",
                5: "Redirects", 8: "Echos", 0: "EchoReps", 13: "Timestamps",
                14: "TimestampReps", 17: "AddrMasks", 18: "AddrMaskReps"}
ICMP6_COLUMNS = {1: "DestUnreachs", 2: "PktTooBigs", 3: "TimeExcds", 4: "ParmProblems",
                 128: "Echos", 129: "EchoReplies", 130: "GroupMembQueries",
                 131: "GroupMembResponses", 132: "GroupMembReductions", 133: "RouterSolicits",
                 134: "RouterAdvertisements", 135: "NeighborSolicits",
                 136: "NeighborAdvertisements", 137: "Redirects", 143: "MLDv2Reports"}
COLUMNS = {"Icmp.%s%s" % (d, n) for n in ICMP_COLUMNS.values() for d in ("In", "Out")} | \
    {"Icmp6.%s%s" % (d, n) for n in ICMP6_COLUMNS.values() for d in ("In", "Out")}


def columns(counters):
    """The per-type columns of a Counter of type counters."""
    out = collections.Counter()
    for key, v in counters.items():
        g, f = key.split(".")
        if g in ("IcmpMsgIn", "IcmpMsgOut", "Icmp6MsgIn", "Icmp6MsgOut"):
            d = "In" if f.startswith("In") else "Out"
            t = int(f[len(d) + 4:])
            names = ICMP_COLUMNS if g.startswith("IcmpMsg") else ICMP6_COLUMNS
            if t in names:
                out["%s.%s%s" % ("Icmp" if g.startswith("IcmpMsg") else "Icmp6", d,
                                 names[t])] += v
    return out


def _l3(frame, fcs=False):
    """(ethertype, IP bytes with padding) of an Ethernet frame."""
    if fcs:
        frame = frame[:-4]
    if len(frame) < 14:
        return None, b""
    off, et = 14, struct.unpack("!H", frame[12:14])[0]
    while et in (0x8100, 0x88A8) and len(frame) >= off + 4:
        et = struct.unpack("!H", frame[off + 2:off + 4])[0]
        off += 4
    return et, frame[off:]


def _upper(ip, v6):
    """(protocol, L4 bytes) of a packet (an IPv4 datagram's first
    fragment) without IPv6 extension headers; (None, b"") for a later
    fragment."""
    if v6:
        pl = struct.unpack("!H", ip[4:6])[0]
        return ip[6], ip[40:40 + pl]
    hl = (ip[0] & 15) * 4
    tot = struct.unpack("!H", ip[2:4])[0]
    if struct.unpack("!H", ip[6:8])[0] & 0x1fff:
        return None, b""          # a later fragment: no upper header
    return ip[9], ip[hl:tot]


def derived(frame, keys, fcs=False):
    """The counters `frame` moves besides `keys` (the ones named)."""
    out = collections.Counter()
    et, ip = _l3(frame, fcs)
    if et == 0x0800 and "Ip.InReceives" in keys:
        out["IpExt.InOctets"] += len(ip)
        if len(ip) >= 20 and ip[0] >> 4 == 4 and ip[0] & 15 >= 5:
            out["IpExt." + ECN[ip[1] & 3]] += 1
        tot = struct.unpack("!H", ip[2:4])[0] if len(ip) >= 4 else 0
        if "IpExt.InMcastPkts" in keys:
            out["IpExt.InMcastOctets"] += tot
        if "IpExt.InBcastPkts" in keys:
            out["IpExt.InBcastOctets"] += tot
        if "Icmp.InMsgs" in keys and "Icmp.InCsumErrors" not in keys:
            proto, l4 = _upper(ip, False)
            if proto == 1 and len(l4) >= 8:
                out["IcmpMsgIn.InType%d" % l4[0]] += 1
    if et == 0x86DD and "Ip6.InReceives" in keys:
        out["Ip6.InOctets"] += len(ip)
        if len(ip) >= 40 and ip[0] >> 4 == 6:
            out["Ip6." + ECN[(ip[1] >> 4) & 3]] += 1
        if "Ip6.InMcastPkts" in keys:
            out["Ip6.InMcastOctets"] += 40 + struct.unpack("!H", ip[4:6])[0]
        if "Icmp6.InMsgs" in keys and "Icmp6.InCsumErrors" not in keys:
            proto, l4 = _upper(ip, True)
            if proto == 58 and len(l4) >= 8:
                out["Icmp6MsgIn.InType%d" % l4[0]] += 1
    return out


def sent(reply):
    """The counters sending `reply` (an Ethernet frame) moves."""
    out = collections.Counter()
    et, ip = _l3(reply)
    if et == 0x0800:
        tot = struct.unpack("!H", ip[2:4])[0]
        out.update({"Ip.OutRequests": 1, "Ip.OutTransmits": 1, "IpExt.OutOctets": tot})
        proto, l4 = _upper(ip, False)
        if proto == 1:
            out["IcmpMsgOut.OutType%d" % l4[0]] += 1
    elif et == 0x86DD:
        out.update({"Ip6.OutRequests": 1, "Ip6.OutTransmits": 1,
                    "Ip6.OutOctets": 40 + struct.unpack("!H", ip[4:6])[0]})
        proto, l4 = _upper(ip, True)
        if proto == 58:
            out["Icmp6MsgOut.OutType%d" % l4[0]] += 1
    return out


class Expect:
    """What the kernel would do with each frame written; summed."""

    def __init__(self, fcs=False):
        self.fcs = fcs
        self.frames, self.replies = [], []
        self.snmp, self.drops = collections.Counter(), collections.Counter()
        self.fates = collections.Counter()
        self.listener = collections.defaultdict(collections.Counter)

    def add(self, frame, fate, reason=None, snmp=(), listener=None, reply=None, frames=1):
        """One datagram; `frames` Ethernet frames (fragments) carry it."""
        each = list(frame) if isinstance(frame, (list, tuple)) else [frame]
        self.frames.extend(each)
        self.fates[fate] += frames
        if reason:
            self.drops[reason] += frames
        for k in snmp:
            if k not in COLUMNS:
                self.snmp[k] += 1
        for f in each:
            d = derived(f, snmp, self.fcs)
            self.snmp.update(d)
            self.snmp.update(columns(d))
        if listener:
            lid, counters = listener
            for k, v in counters.items():
                self.listener[lid][k] += v
        if reply is not None:
            self.replies.append(reply)
            s = sent(reply)
            self.snmp.update(s)
            self.snmp.update(columns(s))


# --------------------------------------------------------------- ICMP errors
# What the kernel sends about a received packet (RFC 792 / RFC 4443 and
# net/ipv4/icmp.c __icmp_send, net/ipv6/icmp.c icmp6_send), built here
# from the offending frame alone, to compare with fastpath's bytes.

def _csum(data):
    return pg.csum(bytes(data))


def _quoted(ip, v6):
    """The offending IP packet as the kernel holds it when it answers: cut
    to its length (padding off); a UDP datagram cut to its UDP length."""
    if v6:
        n = 40 + struct.unpack("!H", ip[4:6])[0]
        if ip[6] == 17 and len(ip) >= 48:
            n = min(n, 40 + struct.unpack("!H", ip[44:46])[0])
        return ip[:n]
    hl = (ip[0] & 15) * 4
    n = struct.unpack("!H", ip[2:4])[0]
    if ip[9] == 17 and len(ip) >= hl + 8:
        n = min(n, hl + struct.unpack("!H", ip[hl + 4:hl + 6])[0])
    return ip[:n]


def icmp_error4(frame, code, ip_id, us, typ=3, info=0):
    """An error (destination unreachable, type 3, unless `typ`; `info`
    the 4 bytes after the checksum, a parameter problem's pointer << 24)
    about IPv4 `frame`, from its destination back to its sender: TOS 0xc0
    | (tos & 0x1e), no DF, TTL 64, as much of the packet as keeps the
    error within 576 bytes."""
    l2 = 14 + 4 * (frame[12:14] in (b"\x81\x00", b"\x88\xa8"))
    ip = frame[l2:]
    q = _quoted(ip, False)[:576 - 28]
    icmp = struct.pack("!BBHI", typ, code, 0, info) + q
    icmp = icmp[:2] + struct.pack("!H", _csum(icmp)) + icmp[4:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0 | (ip[1] & 0x1E), 28 + len(q), ip_id,
                      0, 64, 1, 0, ip[16:20], ip[12:16])
    hdr = hdr[:10] + struct.pack("!H", _csum(hdr)) + hdr[12:]
    return frame[6:12] + us + frame[12:l2] + hdr + icmp


def icmp_error6(frame, typ, code, info, us, src=None):
    """ICMPv6 error `typ`/`code` (pointer or unused `info`) about IPv6
    `frame`, from `src` (default: its destination), hop limit 64, as much
    of the packet as keeps the error within 1280 bytes."""
    l2 = 14 + 4 * (frame[12:14] in (b"\x81\x00", b"\x88\xa8"))
    ip = frame[l2:]
    q = _quoted(ip, True)[:1280 - 48]
    src = src or ip[24:40]
    body = struct.pack("!BBHI", typ, code, 0, info) + q
    pseudo = src + ip[8:24] + struct.pack("!IxxxB", len(body), 58)
    body = body[:2] + struct.pack("!H", _csum(pseudo + body)) + body[4:]
    hdr = struct.pack("!IHBB", 6 << 28, len(body), 58, 64) + src + ip[8:24]
    return frame[6:12] + us + frame[12:l2] + hdr + body


def parse_icmp_error(reply):
    """An independent reading of an ICMP / ICMPv6 error frame: its fields,
    whether its checksums are right, and the quoted bytes."""
    l2 = 14 + 4 * (reply[12:14] in (b"\x81\x00", b"\x88\xa8"))
    ip = reply[l2:]
    if ip[0] >> 4 == 4:
        hl = (ip[0] & 15) * 4
        tot = struct.unpack("!H", ip[2:4])[0]
        icmp = ip[hl:tot]
        return {"family": 4, "len": tot, "ttl": ip[8], "tos": ip[1], "df": bool(ip[6] & 0x40),
                "src": ip[12:16], "dst": ip[16:20], "proto": ip[9],
                "ip_csum_ok": _csum(ip[:hl]) == 0, "csum_ok": _csum(icmp) == 0,
                "type": icmp[0], "code": icmp[1], "info": icmp[4:8], "quote": icmp[8:]}
    pl = struct.unpack("!H", ip[4:6])[0]
    icmp = ip[40:40 + pl]
    pseudo = ip[8:40] + struct.pack("!IxxxB", pl, 58)
    return {"family": 6, "len": 40 + pl, "ttl": ip[7], "src": ip[8:24], "dst": ip[24:40],
            "proto": ip[6], "csum_ok": _csum(pseudo + icmp) == 0,
            "type": icmp[0], "code": icmp[1], "info": struct.unpack("!I", icmp[4:8])[0],
            "quote": icmp[8:]}
