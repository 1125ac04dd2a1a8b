#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The public corpus (../shared/corpus/tcpdump-eth: real and malformed
captures from tcpdump's tests) through fastpath, several files per run as
several ports: every run exits 0, every port's ipackets is the number of
frames libpcap reads from its file, nothing is unaccounted, and every mbuf
is back in its pool. Skips (77) where the corpus is absent."""
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402

CORPUS = os.environ.get("FP_CORPUS", os.path.join(os.path.dirname(fr.ROOT), "shared", "corpus",
                                                   "tcpdump-eth"))
PCAPCOUNT = os.environ.get("FP_PCAPCOUNT", os.path.join(fr.ROOT, "build", "tests", "tools",
                                                        "pcapcount"))
PER_RUN = 8
SKIP = 77


def corpus():
    files = sorted(glob.glob(os.path.join(CORPUS, "*.pcap")) +
                   glob.glob(os.path.join(CORPUS, "*.pcapng")))
    if not files:
        return fr.skip("corpus", "no captures in %s" % CORPUS)
    c = fr.Checker("corpus")
    out = subprocess.run([PCAPCOUNT] + files, capture_output=True, text=True)
    want = dict(line.rsplit(" ", 1) for line in out.stdout.splitlines())
    c.eq("pcapcount read every file: %s" % out.stderr.strip(), len(want), len(files))
    total = 0
    for i in range(0, len(files), PER_RUN):
        batch = [f for f in files[i:i + PER_RUN] if f in want]
        vdevs = ["net_pcap%d,rx_pcap=%s" % (k, f) for k, f in enumerate(batch)]
        r = fr.run("corpus%d" % (i // PER_RUN), vdevs, [], idle_ms=300, mem=512)
        c.eq("run %d (%s...) exit status" % (i // PER_RUN, os.path.basename(batch[0])),
             r.rc, 0)
        fr.check_invariants(c, r.stats)
        if not r.stats:
            continue
        for k, f in enumerate(batch):
            p = r.stats["ports"].get(str(k))
            c.true("%s: port present" % os.path.basename(f), p is not None)
            if p:
                c.eq("%s: ipackets" % os.path.basename(f), p["ipackets"], int(want[f]))
                total += p["ipackets"]
    print("corpus: %d files, %d frames" % (len(want), total))
    return c.done()


if __name__ == "__main__":
    fr.main({"corpus": corpus})
