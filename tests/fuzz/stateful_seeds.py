#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Seeds for the stateful fuzz target (fuzz_stateful.c): sequences of
frames with fragments of every kind and seq feeds from many sources.
Usage: stateful_seeds.py OUTDIR"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcapgen as pg  # noqa: E402

US, PEER = "02:00:00:00:00:01", "02:00:00:00:00:02"
END, EXPIRE, NOSEND = 1, 2, 4


def rec(frame, ctl=0):
    return struct.pack("!BH", ctl, len(frame)) + frame


def seq_input(flags, frames, ctl_last=END):
    body = b"".join(rec(f) for f in frames[:-1]) + rec(frames[-1], ctl_last)
    return bytes([flags]) + body


def e4(p):
    return pg.pad60(pg.eth(US, PEER, 0x0800, p))


def e6(p):
    return pg.pad60(pg.eth(US, PEER, 0x86DD, p))


def seeds():
    out = {}
    payload = bytes(k % 251 for k in range(3000))
    big = bytes(k % 253 for k in range(12000))
    # complete datagrams, in order and reversed, both families
    f4 = [e4(p) for p in pg.fragment4("10.1.0.2", "10.1.0.1", 4000, 9, payload, 1000, 1)]
    f6 = [e6(p) for p in pg.fragment6("2001:db8::2", "2001:db8::1", 4000, 9, payload, 1000, 2)]
    out["frag4_in_order"] = seq_input(1, f4)
    out["frag4_reversed"] = seq_input(1, f4[::-1])
    out["frag6_in_order"] = seq_input(1, f6)
    out["frag6_interleaved"] = seq_input(0, [x for pair in zip(f4, f6) for x in pair])
    # jumbo fragments: frames of several segments
    j4 = [e4(p) for p in pg.fragment4("10.1.0.2", "10.1.0.1", 4000, 9, big, 4000, 3)]
    j6 = [e6(p) for p in pg.fragment6("2001:db8::2", "2001:db8::1", 4000, 9, big, 4000, 4)]
    out["jumbo4"] = seq_input(1, j4)
    out["jumbo6_half_then_expire"] = seq_input(1, j6[:2], END | EXPIRE)
    # incomplete, expired between bursts, and the rest arriving late
    out["frag4_expire_then_rest"] = (bytes([1]) + rec(f4[0], END | EXPIRE) +
                                     b"".join(rec(f) for f in f4[1:]))
    # duplicates and overlaps
    out["frag4_duplicate"] = seq_input(1, [f4[0], f4[0]] + f4[1:])
    ov = pg.fragment4("10.1.0.2", "10.1.0.1", 4000, 9, payload, 1000, 5)
    shifted = pg.ipv4_fragments("10.1.0.2", "10.1.0.1", 17,
                                pg.udp4("10.1.0.2", "10.1.0.1", 4000, 9, payload)[20 + 504:],
                                1000, 5)
    out["frag4_overlap"] = seq_input(1, [e4(ov[0])] + [e4(p) for p in shifted[:1]] +
                                     [e4(p) for p in ov[1:]])
    out["frag4_duplicate_middle"] = seq_input(1, [f4[0], f4[1], f4[1]] + f4[2:])
    out["frag6_duplicate_reversed"] = seq_input(1, f6[::-1] [:2] + f6[::-1])
    # IPv6 destination options before the fragment header
    d6 = []
    for p in pg.ipv6_fragments("2001:db8::2", "2001:db8::1", 17,
                               pg.udp6("2001:db8::2", "2001:db8::1", 4000, 9, payload)[40:],
                               1000, 11):
        ip = bytearray(p[:40]) + bytes([44, 0, 1, 4, 0, 0, 0, 0]) + p[40:]
        ip[6] = 60
        ip[4:6] = struct.pack("!H", len(ip) - 40)
        d6.append(e6(bytes(ip)))
    out["frag6_dstopt_first"] = seq_input(1, d6)
    # options in the first fragment only
    rr = bytes([7, 7, 4, 0, 0, 0, 0, 0])
    fo = [e4(p) for p in pg.fragment4("10.1.0.2", "10.1.0.1", 4000, 9, payload, 1000, 6, rr)]
    out["frag4_options_first"] = seq_input(1, fo)
    out["frag4_options_first_reversed"] = seq_input(1, fo[::-1])
    # nested IPv6 fragments, and after an atomic fragment
    inner = struct.pack("!BBHI", 17, 0, 1, 0x77) + pg.udp6("2001:db8::2", "2001:db8::1",
                                                            4000, 9, payload)[40:]
    nested = [e6(p) for p in pg.ipv6_fragments("2001:db8::2", "2001:db8::1", 44, inner, 1000, 7)]
    out["frag6_nested"] = seq_input(1, nested)
    atomic = struct.pack("!BBHI", 44, 0, 0, 8) + struct.pack("!BBHI", 17, 0, 1, 9) + \
        pg.udp6("2001:db8::2", "2001:db8::1", 4000, 9, payload[:100])[40:]
    out["frag6_atomic_then_fragment"] = seq_input(1, [e6(pg.ipv6("2001:db8::2", "2001:db8::1",
                                                                 44, atomic))])
    # more fragments than the library takes (8) in one datagram
    many = [e4(p) for p in pg.fragment4("10.1.0.2", "10.1.0.1", 4000, 9, payload, 256, 10)]
    out["frag4_too_many"] = seq_input(1, many)
    # seq feeds: 64 sources of one subnet, gaps, reordering, duplicates
    frames = []
    for n in (1, 2, 4, 3, 3, 6):
        for src in range(64):
            frames.append(e4(pg.udp4("10.1.0.%d" % (2 + src), "10.1.0.1", 7000, 5000,
                                     struct.pack("!I", n))))
    out["seq_many_sources"] = seq_input(1, frames)
    frames6 = [e6(pg.udp6("2001:db8::%x" % (0x100 + s), "2001:db8::1", 7000, 5001,
                          struct.pack("<Q", n))) for n in (1, 3, 2) for s in range(32)]
    out["seq6_le"] = seq_input(1, frames6)
    # echo replies not sent (a full ring)
    echo = [e4(pg.udp4("10.1.0.2", "10.1.0.1", 7000, 7, b"hello")) for _ in range(4)]
    out["echo_not_sent"] = seq_input(1, echo, END | NOSEND)
    return out


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    s = seeds()
    for name, data in s.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(s), d))


if __name__ == "__main__":
    main()
