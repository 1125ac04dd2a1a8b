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
