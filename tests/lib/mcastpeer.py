# SPDX-License-Identifier: BSD-3-Clause
"""The querier's side of a membership comparison, run in the peer's
namespace: `python3 mcastpeer.py DEV HOST_MAC STEPS_JSON`. After a settle
time it sends each step's frames (hex) from a raw socket on DEV and
captures, for the step's window, the IGMP and MLD messages from HOST_MAC;
then prints "queried", waits for a line on stdin (the host is stopping)
and captures the last window (the leaves). Prints one JSON document: per
step, the distinct messages seen, each [family, type, record type or
null, sorted groups (hex)]."""
import json
import select
import socket
import sys
import time

import mcastref as mr

SETTLE = 2.0         # the host's unsolicited reports (interval 100 ms) pass


def messages(sock, host_mac, seconds, until_stdin=False):
    seen = set()
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([sock], [], [], 0.05)
        if not r:
            continue
        f = sock.recv(4096)
        if f[6:12] != host_mac:
            continue
        if f[12:14] == b"\x08\x00" and f[23] == 2:
            pass
        elif f[12:14] == b"\x86\xdd" and f[20] == 0 and f[54] == 58 and \
                f[62] in (130, 131, 132, 143):
            pass
        else:
            continue
        p = mr.parse(f)
        if "records" in p:
            by_type = {}
            for t, g in p["records"]:
                by_type.setdefault(t, []).append(g.hex())
            for t, gs in by_type.items():
                seen.add((p["family"], p["type"], t, tuple(sorted(gs))))
        else:
            seen.add((p["family"], p["type"], None, (p["group"].hex(),)))
    return sorted([list(m[:3]) + [list(m[3])] for m in seen], key=repr)


def main():
    dev, host_mac, steps = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", "")), \
        json.load(open(sys.argv[3]))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((dev, 0))
    messages(s, host_mac, SETTLE)
    out = []
    for frames, window in steps:
        for f in frames:
            s.send(bytes.fromhex(f))
        out.append(messages(s, host_mac, window))
    print("queried", flush=True)
    sys.stdin.readline()
    out.append(messages(s, host_mac, 2.0))
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
