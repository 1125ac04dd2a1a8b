# SPDX-License-Identifier: BSD-3-Clause
"""Frame builders and a pcap writer for the tests (standard library only).

Every test computes its expected counters from the frames it wrote here,
never from an earlier run's output.
"""
import struct

LINKTYPE_ETHERNET = 1
ETH_HLEN = 14


def csum(data: bytes) -> int:
    """RFC 1071 Internet checksum."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(s: str) -> bytes:
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(s: str) -> bytes:
    return bytes(int(x) for x in s.split("."))


def eth(dst: str, src: str, ethertype: int, payload: bytes) -> bytes:
    return mac(dst) + mac(src) + struct.pack("!H", ethertype) + payload


def ipv4(src: str, dst: str, proto: int, payload: bytes, ttl=64, ident=0) -> bytes:
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0,
                      ttl, proto, 0, ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def udp4(src: str, dst: str, sport: int, dport: int, payload: bytes) -> bytes:
    """An IPv4 packet holding a UDP datagram with a valid checksum."""
    length = 8 + len(payload)
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 17, length)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    c = csum(pseudo + hdr + payload) or 0xFFFF
    return ipv4(src, dst, 17, hdr[:6] + struct.pack("!H", c) + payload)


def udp_frame(size=64, flow=0, seq=0, dport=9) -> bytes:
    """An Ethernet/IPv4/UDP frame of `size` bytes (without FCS), padded to
    the 60-byte Ethernet minimum; `flow` varies the source address/port."""
    payload_len = max(size - ETH_HLEN - 20 - 8, 0)
    payload = struct.pack("!I", seq & 0xFFFFFFFF)[:payload_len]
    payload += bytes(payload_len - len(payload))
    pkt = udp4("10.0.%d.%d" % ((flow >> 8) & 0xFF, flow & 0xFF), "10.1.0.1",
               10000 + (flow & 0x3FFF), dport, payload)
    frame = eth("02:00:00:00:00:01", "02:00:00:00:00:02", 0x0800, pkt)
    if len(frame) < 60:
        frame += bytes(60 - len(frame))
    return frame


def write_pcap(path, frames, snaplen=65535):
    """Write frames as a classic little-endian microsecond pcap file."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen,
                            LINKTYPE_ETHERNET))
        for i, fr in enumerate(frames):
            cap = fr[:snaplen]
            f.write(struct.pack("<IIII", i // 1000000, i % 1000000, len(cap),
                                len(fr)))
            f.write(cap)
    return frames


# ---- more protocols, for the mixed-traffic tests ----

def ip6(s: str) -> bytes:
    import socket
    return socket.inet_pton(socket.AF_INET6, s)


def vlan(tpid: int, vid: int, ethertype: int) -> bytes:
    """A VLAN tag as it follows the MAC addresses: TPID is written by eth()."""
    return struct.pack("!HH", vid, ethertype)


def eth_vlan(dst, src, vid, ethertype, payload, tpid=0x8100):
    return mac(dst) + mac(src) + struct.pack("!HHH", tpid, vid, ethertype) + payload


def ipv6(src: str, dst: str, nh: int, payload: bytes, hops=64) -> bytes:
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, hops,
                       ip6(src), ip6(dst)) + payload


def l4_csum6(src, dst, proto, data):
    pseudo = ip6(src) + ip6(dst) + struct.pack("!IxxxB", len(data), proto)
    return csum(pseudo + data)


def udp6(src, dst, sport, dport, payload):
    length = 8 + len(payload)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    c = l4_csum6(src, dst, 17, hdr + payload) or 0xFFFF
    return ipv6(src, dst, 17, hdr[:6] + struct.pack("!H", c) + payload)


def icmp4(src, dst, typ, code, body):
    msg = struct.pack("!BBH", typ, code, 0) + body
    msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
    return ipv4(src, dst, 1, msg)


def icmp6(src, dst, typ, code, body, hops=64):
    msg = struct.pack("!BBH", typ, code, 0) + body
    c = l4_csum6(src, dst, 58, msg)
    return ipv6(src, dst, 58, msg[:2] + struct.pack("!H", c) + msg[4:], hops)


def arp_request(sender_mac, sender_ip, target_ip):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(sender_mac),
                       ip4(sender_ip), bytes(6), ip4(target_ip))


def pad60(frame: bytes) -> bytes:
    return frame + bytes(max(0, 60 - len(frame)))


def ipv4_fragments(src, dst, proto, data, chunk, ident, first_options=b""):
    """IPv4 packets carrying `data` (an upper-layer message) in fragments of
    `chunk` bytes (a multiple of 8). `first_options` (a multiple of 4
    bytes) go into the first fragment's header only, as RFC 791 has it for
    options without the copy flag (record route, for one)."""
    out = []
    for off in range(0, len(data), chunk):
        part = data[off:off + chunk]
        mf = 0x2000 if off + chunk < len(data) else 0
        opts = first_options if off == 0 else b""
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45 + len(opts) // 4, 0,
                          20 + len(opts) + len(part), ident, mf | (off // 8),
                          64, proto, 0, ip4(src), ip4(dst)) + opts
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        out.append(hdr + part)
    return out


def fragment4(src, dst, sport, dport, payload, chunk, ident, first_options=b""):
    """A UDP/IPv4 datagram cut into fragments of `chunk` bytes (a multiple
    of 8) of IP payload; returns the IPv4 packets."""
    udp = udp4(src, dst, sport, dport, payload)[20:]
    return ipv4_fragments(src, dst, 17, udp, chunk, ident, first_options)


def ipv6_fragments(src, dst, nh, data, chunk, ident):
    """IPv6 packets carrying `data` (what follows the fragment header in
    the reassembled datagram, starting with header type `nh`) in fragments
    of `chunk` bytes, the fragment header right after the fixed header."""
    out = []
    for off in range(0, len(data), chunk):
        part = data[off:off + chunk]
        m = 1 if off + chunk < len(data) else 0
        fh = struct.pack("!BBHI", nh, 0, off | m, ident)
        out.append(ipv6(src, dst, 44, fh + part))
    return out


def fragment6(src, dst, sport, dport, payload, chunk, ident):
    """A UDP/IPv6 datagram cut into fragments (fragment header right after
    the fixed header); returns the IPv6 packets."""
    udp = udp6(src, dst, sport, dport, payload)[40:]
    return ipv6_fragments(src, dst, 17, udp, chunk, ident)
