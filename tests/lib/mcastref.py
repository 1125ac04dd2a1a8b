# SPDX-License-Identifier: BSD-3-Clause
"""IGMP and MLD messages built and read here from the RFCs alone (RFC 2236,
3376, 2710, 3810) and the kernel's choices of header fields
(net/ipv4/igmp.c igmpv3_newpack / igmp_send_report, net/ipv6/mcast.c
mld_newpack / igmp6_send), to compare with fastpath's bytes; and the
queries and reports of other hosts that tests send to it."""
import socket
import struct

import pcapgen as pg

ALL_HOSTS, ALL_ROUTERS, IGMPV3_ROUTERS = "224.0.0.1", "224.0.0.2", "224.0.0.22"
ALL_NODES, ALL_ROUTERS6, MLDV2_ROUTERS = "ff02::1", "ff02::2", "ff02::16"
IS_EX, TO_IN, TO_EX = 2, 3, 4


def a4(s):
    return socket.inet_pton(socket.AF_INET, s)


def a6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def group_mac(g):
    """RFC 1112 6.4 / RFC 2464 7: the group's Ethernet address."""
    if len(g) == 4:
        return bytes([0x01, 0x00, 0x5E, g[1] & 0x7F, g[2], g[3]])
    return b"\x33\x33" + g[12:16]


def link_local(mac):
    """fe80::/64 with the MAC as modified EUI-64 (RFC 4291 appendix A)."""
    return b"\xfe\x80" + bytes(6) + bytes([mac[0] ^ 2]) + mac[1:3] + b"\xff\xfe" + mac[3:6]


def solicited(addr):
    """RFC 4291 2.7.1: ff02::1:ffXX:XXXX."""
    return a6("ff02::1:ff00:0")[:13] + addr[13:16]


def _igmp_frame(mac, src, dst, msg):
    msg = msg[:2] + struct.pack("!H", pg.csum(msg)) + msg[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x46, 0xC0, 24 + len(msg), 0, 0x4000, 1, 2, 0, src, dst)
    ip += b"\x94\x04\x00\x00"                      # router alert
    ip = ip[:10] + struct.pack("!H", pg.csum(ip)) + ip[12:]
    return group_mac(dst) + mac + b"\x08\x00" + ip + msg


def igmpv3_report(mac, src, records):
    """One IGMPv3 report (type 0x22) to 224.0.0.22 of (record type, group)
    records, no sources."""
    msg = struct.pack("!BBHHH", 0x22, 0, 0, 0, len(records))
    msg += b"".join(struct.pack("!BBH4s", t, 0, 0, g) for t, g in records)
    return _igmp_frame(mac, src, a4(IGMPV3_ROUTERS), msg)


def igmp_v12(mac, src, typ, group):
    """IGMPv1 report 0x12, v2 report 0x16 (to the group), v2 leave 0x17 (to
    224.0.0.2)."""
    dst = a4(ALL_ROUTERS) if typ == 0x17 else group
    return _igmp_frame(mac, src, dst, struct.pack("!BBH4s", typ, 0, 0, group))


def _mld_frame(mac, src, dst, msg):
    pseudo = src + dst + struct.pack("!IxxxB", len(msg), 58)
    msg = msg[:2] + struct.pack("!H", pg.csum(pseudo + msg)) + msg[4:]
    hbh = bytes([58, 0, 5, 2, 0, 0, 1, 0])         # router alert (MLD), PadN
    ip = struct.pack("!IHBB", 6 << 28, 8 + len(msg), 0, 1) + src + dst
    return group_mac(dst) + mac + b"\x86\xdd" + ip + hbh + msg


def mldv2_report(mac, src, records):
    msg = struct.pack("!BBHHH", 143, 0, 0, 0, len(records))
    msg += b"".join(struct.pack("!BBH16s", t, 0, 0, g) for t, g in records)
    return _mld_frame(mac, src, a6(MLDV2_ROUTERS), msg)


def mldv1(mac, src, typ, group):
    """MLDv1 report 131 (to the group), done 132 (to ff02::2)."""
    dst = a6(ALL_ROUTERS6) if typ == 132 else group
    return _mld_frame(mac, src, dst, struct.pack("!BBHHH16s", typ, 0, 0, 0, 0, group))


def split(records, per):
    return [records[i:i + per] for i in range(0, len(records), per)]


def _message(r, msg, v3_type, alen, group_off):
    """An IGMPv3 / MLDv2 report's records (type, group; no sources), or a
    v1/v2 message's group."""
    if msg[0] == v3_type:
        n, size = struct.unpack("!H", msg[6:8])[0], 4 + alen
        r["records"] = [(msg[8 + size * i], msg[12 + size * i:8 + size * (i + 1)])
                        for i in range(n)]
        r["complete"] = len(msg) == 8 + size * n
    else:
        r["group"] = msg[group_off:group_off + alen]
    return r


def parse(frame):
    """An independent reading of a membership frame: header fields, whether
    checksums and the router alert are right, and the message."""
    r = {"dst_mac": frame[0:6], "src_mac": frame[6:12]}
    et = frame[12:14]
    ip = frame[14:]
    if et == b"\x08\x00":
        hl = (ip[0] & 15) * 4
        tot = struct.unpack("!H", ip[2:4])[0]
        msg = ip[hl:tot]
        r.update(family=4, ttl=ip[8], tos=ip[1], df=bool(ip[6] & 0x40), proto=ip[9],
                 ip_id=struct.unpack("!H", ip[4:6])[0], src=ip[12:16], dst=ip[16:20],
                 ra=ip[20:24] == b"\x94\x04\x00\x00" and hl == 24,
                 ip_csum_ok=pg.csum(ip[:hl]) == 0, csum_ok=pg.csum(msg) == 0,
                 ip_len=tot, type=msg[0], msg=msg)
        return _message(r, msg, 0x22, 4, 4)
    pl = struct.unpack("!H", ip[4:6])[0]
    hbh = ip[40:48]
    msg = ip[48:40 + pl]
    pseudo = ip[8:40] + struct.pack("!IxxxB", len(msg), 58)
    r.update(family=6, ttl=ip[7], nh=ip[6], src=ip[8:24], dst=ip[24:40],
             ra=ip[6] == 0 and hbh[0] == 58 and hbh[2:6] == b"\x05\x02\x00\x00",
             csum_ok=pg.csum(pseudo + msg) == 0, ip_len=40 + pl, type=msg[0], msg=msg)
    return _message(r, msg, 143, 16, 8)


# ---- what other hosts send

def igmp_query(src_mac, src, code, group="0.0.0.0", sources=(), length=None, dst=None):
    """An IGMP query: `length` 8 is v1 (code 0) or v2, 12+ v3 (QRV 2,
    QQIC 125, `sources`); a group-specific one goes to its group."""
    g = a4(group)
    msg = struct.pack("!BBH4s", 0x11, code, 0, g)
    if length is None or length >= 12:
        msg += struct.pack("!BBH", 2, 125, len(sources)) + b"".join(a4(s) for s in sources)
    if length is not None:
        msg = (msg + bytes(length))[:length]
    msg = msg[:2] + struct.pack("!H", pg.csum(msg)) + msg[4:]
    d = dst or (ALL_HOSTS if group == "0.0.0.0" else group)
    ip = pg.ipv4(src, d, 2, msg, ttl=1)
    return pg.pad60(group_mac(a4(d)) + pg.mac(src_mac) + b"\x08\x00" + ip)


def igmp_report_v2(src_mac, src, group):
    msg = struct.pack("!BBH4s", 0x16, 0, 0, a4(group))
    msg = msg[:2] + struct.pack("!H", pg.csum(msg)) + msg[4:]
    return pg.pad60(group_mac(a4(group)) + pg.mac(src_mac) + b"\x08\x00" +
                    pg.ipv4(src, group, 2, msg, ttl=1))


def mld_query(src_mac, src, max_delay, group="::", v1=False, sources=(), hop=1, ra=True):
    """An MLD query from `src` (a querier's is link-local): v1 24 bytes,
    v2 28 + sources (QRV 2, QQIC 125); hop limit `hop`, a hop-by-hop
    header with a router alert (MLD) unless `ra` is false (PadN then)."""
    g = a6(group)
    msg = struct.pack("!BBHHH16s", 130, 0, 0, max_delay, 0, g)
    if not v1:
        msg += struct.pack("!BBH", 2, 125, len(sources)) + b"".join(a6(s) for s in sources)
    d = ALL_NODES if group == "::" else group
    sa, da = a6(src), a6(d)
    pseudo = sa + da + struct.pack("!IxxxB", len(msg), 58)
    msg = msg[:2] + struct.pack("!H", pg.csum(pseudo + msg)) + msg[4:]
    hbh = bytes([58, 0, 5, 2, 0, 0, 1, 0]) if ra else bytes([58, 0, 1, 4, 0, 0, 0, 0])
    ip = struct.pack("!IHBB", 6 << 28, 8 + len(msg), 0, hop) + sa + da + hbh + msg
    return group_mac(da) + pg.mac(src_mac) + b"\x86\xdd" + ip
