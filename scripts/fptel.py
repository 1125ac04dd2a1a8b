# SPDX-License-Identifier: BSD-3-Clause
"""A minimal DPDK telemetry client (standard library only).

Same socket rules as dpdk-telemetry.py: /var/run/dpdk/<prefix>/dpdk_telemetry.v2
for root, else $XDG_RUNTIME_DIR/dpdk/<prefix>; $RUNTIME_DIRECTORY when set.
"""
import json
import os
import socket


def socket_path(prefix="rte", instance=None):
    if os.environ.get("RUNTIME_DIRECTORY"):
        base = os.environ["RUNTIME_DIRECTORY"]
    elif os.getuid() == 0:
        base = os.path.join("/var/run/dpdk", prefix)
    else:
        base = os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk", prefix)
    name = "dpdk_telemetry.v2" + ("" if not instance else ":%d" % instance)
    return os.path.join(base, name)


class Client:
    def __init__(self, prefix="rte", instance=None):
        self.path = socket_path(prefix, instance)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.connect(self.path)
        info = json.loads(self.sock.recv(16384).decode())
        self.max_len = info.get("max_output_len", 16384)

    def query(self, cmd):
        """The reply's value (the part under the command's own key)."""
        self.sock.send(cmd.encode())
        reply = json.loads(self.sock.recv(self.max_len).decode())
        (value,) = reply.values()
        return value

    def close(self):
        self.sock.close()
