# SPDX-License-Identifier: BSD-3-Clause
"""A Linux host in a network namespace, for differential tests: the same
MAC, addresses and UDP sockets as a fastpath host, fed raw frames over a
veth from a second namespace, and its receive-side counters read from
/proc/net/snmp, /proc/net/netstat (IpExt) and /proc/net/snmp6 after every
frame, so that each frame's effect is known on its own.

Run as a module inside the host's namespace (`ip netns exec HOST python3
khost.py PEER_NS PEER_DEV`): it opens the sockets and the counter files
there, then moves itself into the peer's namespace (setns) to send; the
frames come on stdin as hex lines, one JSON document of per-frame deltas
goes to stdout."""
import ctypes
import json
import os
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000


def read_counters(files):
    """{'Ip.InReceives': n, ..., 'Ip6.InOctets': n, 'Icmp6MsgIn.InType128': n}:
    the kernel's names, in fastpath's groups."""
    out = {}
    for f in files["rows"]:
        f.seek(0)
        lines = f.read().splitlines()
        for head, vals in zip(lines[0::2], lines[1::2]):
            g, names = head.split(":", 1)
            _, nums = vals.split(":", 1)
            for n, v in zip(names.split(), nums.split()):
                if g == "IcmpMsg":
                    grp = "IcmpMsgIn" if n.startswith("In") else "IcmpMsgOut"
                    out["%s.%s" % (grp, n)] = int(v)
                else:
                    out["%s.%s" % (g, n)] = int(v)
    f = files["snmp6"]
    f.seek(0)
    for line in f.read().splitlines():
        name, v = line.split()
        for g in ("Ip6", "Icmp6", "Udp6", "UdpLite6"):
            if name.startswith(g):
                field = name[len(g):]
                if g == "Icmp6" and (field.startswith("InType") or field.startswith("OutType")):
                    g = "Icmp6MsgIn" if field.startswith("In") else "Icmp6MsgOut"
                out["%s.%s" % (g, field)] = int(v)
                break
    return out


def sockets(spec):
    """UDP sockets like fastpath's listeners: [addr, port, group-or-None]."""
    socks = []
    for addr, port, group, ifname in spec:
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0 if addr == "::" else 1)
        s.bind((addr, port))
        if group and fam == socket.AF_INET:
            # ip_mreqn: the group on the veth (there is no route to pick one)
            mreq = socket.inet_aton(group) + socket.inet_aton("0.0.0.0") + struct.pack(
                "=i", socket.if_nametoindex(ifname))
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        elif group:
            mreq = socket.inet_pton(socket.AF_INET6, group) + struct.pack(
                "=I", socket.if_nametoindex(ifname))
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
        s.setblocking(False)
        socks.append(s)
    return socks


def drain(socks):
    for s in socks:
        try:
            while True:
                s.recv(65536)
        except BlockingIOError:
            pass


def main():
    peer_ns, peer_dev, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    files = {"rows": [open("/proc/self/net/snmp"), open("/proc/self/net/netstat")],
             "snmp6": open("/proc/self/net/snmp6")}
    socks = sockets(spec)
    # joining sends unsolicited IGMP / MLD reports, repeated within the
    # unsolicited report interval (1 s): let them pass first
    time.sleep(1.5)
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/var/run/netns/" + peer_ns, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        sys.exit("setns: errno %d" % ctypes.get_errno())
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((peer_dev, 0))
    frames = [bytes.fromhex(l.strip()) for l in sys.stdin if l.strip()]
    deltas = []
    before = read_counters(files)
    for fr in frames:
        tx.send(fr)
        # the veth hands the frame to the host's backlog; its softirq
        # runs before long: wait until the counters settle. Udp
        # InDatagrams moves when the application reads (udp_recvmsg):
        # read every socket first
        time.sleep(0.002)
        drain(socks)
        after = read_counters(files)
        for _ in range(50):
            time.sleep(0.001)
            drain(socks)
            again = read_counters(files)
            if again == after:
                break
            after = again
        deltas.append({k: after[k] - before.get(k, 0) for k in after
                       if after[k] != before.get(k, 0)})
        before = after
    json.dump(deltas, sys.stdout)


if __name__ == "__main__":
    main()
