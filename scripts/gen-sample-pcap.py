#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the demo's sample pcap: UDP over 16 flows in three frame sizes,
with a few runts to show a named drop. Usage: gen-sample-pcap.py OUT [N]"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))
import pcapgen  # noqa: E402


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    n = int(sys.argv[2]) if len(sys.argv) == 3 else 1000
    frames = []
    for i in range(n):
        if i % 100 == 99:
            frames.append(bytes(10))                     # runt: PKT_TOO_SMALL
        else:
            frames.append(pcapgen.udp_frame((64, 128, 512)[i % 3], flow=i % 16, seq=i))
    pcapgen.write_pcap(sys.argv[1], frames)
    print("%s: %d frames, %d runts" % (sys.argv[1], n, sum(len(f) < 14 for f in frames)))


if __name__ == "__main__":
    main()
