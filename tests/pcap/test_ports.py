#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Port set-up on a device with RSS (net_null offers it; net_pcap does not):
multi-queue RSS with the symmetric key configures and runs, and the hash
functions in use are the ones the device offers."""
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402

# RTE_ETH_RSS_IP, RTE_ETH_RSS_UDP, RTE_ETH_RSS_TCP of DPDK 22.11's rte_ethdev.h
RSS_IP = 0xA38C
RSS_UDP = 0x20820
RSS_TCP = 0x10410


def run_null(name, app_args):
    p, stats_path = fr.start(name, ["net_null0"], app_args, lcores="0@0,1@1,2@1")
    try:
        fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20)
        time.sleep(0.5)
        cfg = fr.telemetry(name, "/fastpath/config")["/fastpath/config"]
    finally:
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=10)
        fr.cleanup(name)
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    return p.returncode, cfg, stats, err


def rss_symmetric():
    name = "rss_symmetric"
    c = fr.Checker(name)
    rc, cfg, stats, err = run_null(name, ["--rss-key", "symmetric"])
    c.eq("exit status", rc, 0)
    c.eq("config rss_key", cfg["rss_key"], "symmetric")
    port = cfg["port_0"]
    c.eq("rx queues (one per worker)", port["rx_queues"], 2)
    c.true("RSS hash functions in use: %#x" % port["rss_hf"], port["rss_hf"] != 0)
    c.eq("only IP/UDP/TCP hash functions",
         port["rss_hf"] & ~(RSS_IP | RSS_UDP | RSS_TCP), 0)
    fr.check_invariants(c, stats)
    if stats:
        for q in ("0_0", "0_1"):
            c.true("queue %s received" % q, stats["queues"][q]["packets"] > 0)
    return c.done()


def single_queue_no_rss():
    """One queue: no RSS requested even where the device has it."""
    name = "single_queue_no_rss"
    c = fr.Checker(name)
    rc, cfg, stats, err = run_null(name, ["--rxq", "1"])
    c.eq("exit status", rc, 0)
    c.eq("rx queues", cfg["port_0"]["rx_queues"], 1)
    c.eq("rss_hf", cfg["port_0"]["rss_hf"], 0)
    c.true("worker without a queue is warned about",
           "lcore 2 has no queue to poll" in err)
    fr.check_invariants(c, stats)
    return c.done()


def many_queues():
    """48 queues on one port: /fastpath/queues would outgrow DPDK 22.11's
    16 KiB reply and is replaced by a message saying how to ask for a
    part; per queue (<port>_<queue>) it answers. (net_null sums only its
    first 16 queues into ipackets, so the checks against ipackets are left
    out here.)"""
    name = "many_queues"
    c = fr.Checker(name)
    p, stats_path = fr.start(name, ["net_null0"], ["--rxq", "48"], lcores="0,1",
                             port_counts_every_queue=False)
    try:
        c.true("running", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        time.sleep(0.3)
        r = fr.telemetry(name, "/fastpath/queues", "/fastpath/queues,0", "/fastpath/queues,0_31",
                         "/fastpath/queues,0_48", "/fastpath/softnet_stat")
    finally:
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=10)
        fr.cleanup(name)
    for cmd in ("/fastpath/queues", "/fastpath/queues,0"):
        c.true("%s: a message, not a cut reply: %r" % (cmd, str(r[cmd])[:80]),
               isinstance(r[cmd], str) and "exceeds the telemetry limit" in r[cmd])
    c.eq("one queue", sorted(r["/fastpath/queues,0_31"] or {}), ["0_31"])
    c.true("that queue received", (r["/fastpath/queues,0_31"] or {}).get("0_31", {})
           .get("packets", 0) > 0)
    c.eq("no such queue", r["/fastpath/queues,0_48"], None)
    c.eq("softnet_stat still whole", sorted(r["/fastpath/softnet_stat"]), ["1"])
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    fr.check_invariants(c, stats, port_counts_every_queue=False)
    if stats:
        c.eq("--stats-json has every queue (no telemetry limit there)", len(stats["queues"]), 48)
    return c.done()


if __name__ == "__main__":
    fr.main({"rss_symmetric": rss_symmetric, "single_queue_no_rss": single_queue_no_rss,
             "many_queues": many_queues})
