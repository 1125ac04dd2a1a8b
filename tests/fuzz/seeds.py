#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write fuzz seeds: every frame of the given pcaps, once per control byte
(see fuzz_rx.c), one file each. Usage: seeds.py OUTDIR PCAP..."""
import hashlib
import os
import struct
import sys

CONTROLS = (0x00, 0x01, 0x03, 0x15, 0x29, 0x41, 0xC1)


def frames(path):
    data = open(path, "rb").read()
    if len(data) < 24:
        return
    end = {b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<",
           b"\xa1\xb2\xc3\xd4": ">", b"\xa1\xb2\x3c\x4d": ">"}.get(data[:4])
    if end is None:
        return
    off = 24
    while off + 16 <= len(data):
        cap = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        off += 16
        if cap > len(data) - off:
            return
        yield data[off:off + cap]
        off += cap


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    n = 0
    for p in sys.argv[2:]:
        for fr in frames(p):
            if len(fr) > 9000:
                continue
            for c in CONTROLS:
                seed = bytes([c]) + fr
                name = hashlib.sha1(seed).hexdigest()
                with open(os.path.join(out, name), "wb") as f:
                    f.write(seed)
                n += 1
    print("%d seeds in %s" % (n, out))


if __name__ == "__main__":
    main()
