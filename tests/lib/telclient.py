# SPDX-License-Identifier: BSD-3-Clause
"""A minimal DPDK telemetry client (the protocol dpdk-telemetry.py speaks):
one SOCK_SEQPACKET connection, a JSON greeting, then one JSON reply per
command. Used where a test needs many queries fast or the raw reply."""
import json
import socket

MAX_REPLY = 16384


class Client:
    def __init__(self, path, timeout=5.0):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.info = json.loads(self.s.recv(MAX_REPLY * 2).decode())

    def raw(self, cmd):
        """The reply to cmd as bytes."""
        self.s.send(cmd.encode())
        return self.s.recv(MAX_REPLY * 2)

    def query(self, cmd):
        """The value of the reply to cmd (None for a refused command)."""
        (value,) = json.loads(self.raw(cmd).decode()).values()
        return value

    def pages(self, cmd):
        """Every page of a paged list command: [(raw length, dict), ...],
        following "next" until a page has none."""
        out, param = [], None
        base = cmd.split(",")[0]
        for _ in range(1000):
            full = cmd if param is None else "%s,%s" % (base, param)
            raw = self.raw(full)
            (value,) = json.loads(raw.decode()).values()
            if not isinstance(value, dict):
                raise AssertionError("%s: %r" % (full, value))
            param = value.pop("next", None)
            out.append((len(raw), value))
            if param is None:
                return out
        raise AssertionError("%s: more than 1000 pages" % cmd)

    def close(self):
        self.s.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()
