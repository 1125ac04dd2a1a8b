#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Users' handlers (--listen PORT=plugin,path=FILE[,arg=S]) end to end: the
examples over net_pcap with counters derived from what the generator
wrote, replies checked byte by byte in tx_pcap, bad plugins refused at
start (one line, status 2), and a handler built out of the tree against
the installed header and pkg-config file."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import pcapgen as pg  # noqa: E402

US, PEER = "02:70:63:61:70:00", "02:00:00:00:00:02"
EXAMPLES = os.environ.get("FP_EXAMPLES", os.path.join(fr.ROOT, "build", "examples"))
BUILD = os.environ.get("FP_BUILD_DIR", os.path.join(fr.ROOT, "build"))


def so(name):
    return os.path.join(EXAMPLES, name + ".so")


def udp(src, sport, dport, payload, v6=False):
    if v6:
        return pg.eth(US, PEER, 0x86DD, pg.udp6(src, "2001:db8::1", sport, dport, payload))
    return pg.pad60(pg.eth(US, PEER, 0x0800, pg.udp4(src, "10.1.0.1", sport, dport, payload)))


def msg(seq, body):
    return struct.pack("!HI", 6 + len(body), seq) + body


def feed():
    """The feed example: per source, messages in order, gaps (and how many
    lost), late messages, malformed datagrams dropped (SOCKET_FILTER, Udp
    InErrors). Expected counters from a model fed what was written."""
    c = fr.Checker("handlers_feed")
    frames, model = [], {}
    e = dict(messages=0, body_bytes=0, gaps=0, lost=0, late=0, malformed=0, sources=0)
    ok_dgrams = ok_bytes = 0

    def send(src, sport, msgs, v6=False):
        nonlocal ok_dgrams, ok_bytes
        payload = b"".join(msg(s, b) for s, b in msgs)
        frames.append(udp(src, sport, 5000, payload, v6))
        key = (src, sport)
        ok_dgrams += 1
        ok_bytes += len(payload)
        for s, b in msgs:
            e["messages"] += 1
            e["body_bytes"] += len(b)
            if key not in model:
                e["sources"] += 1
                model[key] = s + 1
            elif s == model[key]:
                model[key] = s + 1
            elif s > model[key]:
                e["gaps"] += 1
                e["lost"] += s - model[key]
                model[key] = s + 1
            else:
                e["late"] += 1

    for k in range(20):               # three sources, both families
        send("10.0.0.2", 7000, [(3 * k + 1, b"a" * (k % 5)), (3 * k + 2, b"bc")])
        send("10.0.0.3", 7001, [(k * 2 + 1 + (k == 7) * 3, b"xyz")])    # a jump at k=7
        send("2001:db8::5", 7002, [(k + 100, b"")], v6=True)
    send("10.0.0.3", 7001, [(10, b"late")])                               # behind
    bad = [b"\x00\x03bad", struct.pack("!HI", 40, 1) + b"short", msg(1, b"ok") + b"\x00"]
    for b in bad:
        frames.append(udp("10.0.0.9", 7009, 5000, b))
    e["malformed"] = len(bad)
    path = os.path.join(fr.workdir("handlers_feed"), "feed.pcap")
    pg.write_pcap(path, frames)
    r = fr.run("handlers_feed", ["net_pcap0,rx_pcap=" + path],
               ["--listen", "5000=plugin,path=%s,arg=64" % so("feed")])
    c.eq("exit status", r.rc, 0)
    fr.check_invariants(c, r.stats)
    if r.stats:
        u = r.stats["udp"]["0"]
        c.eq("handler", u.get("handler"), "feed")
        for k, v in e.items():
            c.eq("counter " + k, u.get(k), v)
        c.eq("datagrams taken", u["datagrams"], ok_dgrams)
        c.eq("payload bytes taken", u["bytes"], ok_bytes)
        c.eq("listener drops", u["drops"], len(bad))
        c.eq("SOCKET_FILTER", r.stats["drops"]["SOCKET_FILTER"], len(bad))
        sn = r.stats["snmp"]
        c.eq("Udp InErrors", sn["Udp"]["InErrors"], len(bad))
        c.eq("Udp+Udp6 InDatagrams", sn["Udp"]["InDatagrams"] + sn["Udp6"]["InDatagrams"],
             ok_dgrams)
        c.eq("delivered frames", r.stats["ports"]["0"]["delivered"], ok_dgrams)
    return c.done()


def from_config_file():
    """The same plugin listener from an INI file's [listen] section: the
    handler runs, its counters appear under the entry's listener."""
    c = fr.Checker("handlers_ini")
    d = fr.workdir("handlers_ini")
    ini = os.path.join(d, "fp.ini")
    with open(ini, "w") as f:
        f.write("[listen]\nfirst = 5000=plugin,path=%s\n" % so("first8"))
    frames = [udp("10.0.0.2", 7000, 5000, b"%08d" % k) for k in range(5)]
    frames.append(udp("10.0.0.2", 7000, 5000, b"abc"))      # shorter than 8
    pcap = os.path.join(d, "in.pcap")
    pg.write_pcap(pcap, frames)
    r = fr.run("handlers_ini", ["net_pcap0,rx_pcap=" + pcap], ["--config-file", ini])
    c.eq("exit status", r.rc, 0)
    fr.check_invariants(c, r.stats)
    if r.stats:
        u = r.stats["udp"]["0"]
        c.eq("handler", u.get("handler"), "first8")
        c.eq("datagrams", u["datagrams"], len(frames))
        c.eq("its counter: payloads shorter than 8", u.get("short"), 1)
    return c.done()


def read_pcap(path):
    data = open(path, "rb").read()
    off, out = 24, []
    while off + 16 <= len(data):
        cap = struct.unpack("<I", data[off + 8:off + 12])[0]
        out.append(data[off + 16:off + 16 + cap])
        off += 16 + cap
    return out


def kv():
    """The kv example: a reply per request, the value for a known key, '?'
    else, from the address and port asked, with valid checksums; a value
    longer than the request's buffer allows is PKT_TOO_BIG."""
    c = fr.Checker("handlers_kv")
    d = fr.workdir("handlers_kv")
    table = {"apple": "red", "banana": "yellow", "k" * 64: "v" * 200, "big": "x" * 1800}
    with open(os.path.join(d, "kv.txt"), "w") as f:
        f.write("# fruit\n")
        for k, v in table.items():
            f.write("%s %s\n" % (k, v))
    reqs = [("10.0.0.2", 7000, b"apple", False), ("10.0.0.3", 7001, b"nokey", False),
            ("2001:db8::2", 7002, b"banana", True), ("10.0.0.4", 7003, b"k" * 64, False),
            ("10.0.0.5", 7004, b"big", False)]
    frames = [udp(s, p, 6000, k, v6) for s, p, k, v6 in reqs]
    path, txp = os.path.join(d, "kv.pcap"), os.path.join(d, "tx.pcap")
    pg.write_pcap(path, frames)
    r = fr.run("handlers_kv", ["net_pcap0,rx_pcap=%s,tx_pcap=%s" % (path, txp)],
               ["--listen", "6000=plugin,path=%s,arg=%s" % (so("kv"), os.path.join(d, "kv.txt"))])
    c.eq("exit status", r.rc, 0)
    fr.check_invariants(c, r.stats)
    want = []
    for s, p, k, v6 in reqs:
        v = table.get(k.decode(), "?").encode()
        if len(v) > 1400:
            continue          # too big for the frame: PKT_TOO_BIG
        # the reply: from the address and port asked, to the sender
        if v6:
            want.append(pg.mac(PEER) + pg.mac(US) + b"\x86\xdd" +
                        pg.udp6("2001:db8::1", s, 6000, p, v))
        else:
            ip = pg.udp4("10.1.0.1", s, 6000, p, v)
            want.append(pg.mac(PEER) + pg.mac(US) + b"\x08\x00" + ip)
    got = read_pcap(txp) if os.path.exists(txp) else []
    c.eq("replies sent", len(got), len(want))
    for i, (g, w) in enumerate(zip(got, want)):
        c.eq("reply %d bytes" % i, g.hex(), w.hex())
    if r.stats:
        u = r.stats["udp"]["0"]
        c.eq("requests", u["requests"], len(reqs))
        c.eq("hits", u["hits"], sum(1 for _, _, k, _ in reqs if k.decode() in table))
        c.eq("misses", u["misses"], sum(1 for _, _, k, _ in reqs if k.decode() not in table))
        c.eq("replies sent (echoed)", u["echoed"], len(want))
        c.eq("PKT_TOO_BIG", r.stats["drops"]["PKT_TOO_BIG"], len(reqs) - len(want))
        c.eq("Udp OutDatagrams + Udp6", r.stats["snmp"]["Udp"]["OutDatagrams"] +
             r.stats["snmp"]["Udp6"]["OutDatagrams"], len(want))
    return c.done()


def compile_so(path, source, cflags=()):
    src = path + ".c"
    with open(src, "w") as f:
        f.write(source)
    subprocess.run(["cc", "-shared", "-fPIC", "-o", path, src] + list(cflags), check=True,
                   capture_output=True, text=True)
    return path


TINY = r'''
#include <fastpath/handler.h>
static void b(void *s, const void *c, const struct fp_dgram_batch *k,
              struct fp_dgram *d, uint16_t n, uint8_t *v)
{
	uint16_t i;
	(void)s; (void)c; (void)d;
	for (i = 0; i < n; i++) { v[i] = FP_VERDICT_CONSUMED; k->counters[0]++; }
}
static const char *const names[] = { "seen", 0 };
static const struct fp_handler h = { .abi_version = ABI, .name = "tiny",
	.counter_names = names, .burst = b, .view_skip = SKIP };
const struct fp_handler *fastpath_handler(void);
const struct fp_handler *fastpath_handler(void) { return &h; }
'''


# A handler that keeps the datagrams it gets (TAKEN) and frees them in
# its flush once the lcore's queues are drained: unless fastpath calls
# flush (and with drained before the lcore stops), mbufs are missing at
# exit.
GATHER = r'''
#include <stdlib.h>
#include <rte_mbuf.h>
#include <fastpath/handler.h>
struct st { unsigned int n; struct rte_mbuf *m[8192]; };
static int li(const void *c, unsigned int lcore, void **s)
{
	(void)c; (void)lcore;
	*s = calloc(1, sizeof(struct st));
	return *s == NULL ? -1 : 0;
}
static void b(void *s, const void *c, const struct fp_dgram_batch *k,
              struct fp_dgram *d, uint16_t n, uint8_t *v)
{
	struct st *t = s;
	(void)c;
	for (uint16_t i = 0; i < n; i++) {
		if (t->n == 8192)
			continue;               /* consumed: fastpath frees it */
		t->m[t->n++] = d[i].mbuf;
		v[i] = FP_VERDICT_TAKEN;
		k->counters[0]++;
	}
}
static void f(void *s, const void *c, bool drained, uint64_t tsc)
{
	struct st *t = s;
	(void)c; (void)tsc;
	if (drained && t->n != 0) {
		rte_pktmbuf_free_bulk(t->m, t->n);
		t->n = 0;
	}
}
static void lf(void *s, const void *c) { (void)c; free(s); }
static const char *const names[] = { "taken", 0 };
static const struct fp_handler h = { .abi_version = FP_HANDLER_ABI_VERSION,
	.name = "gather", .counter_names = names, .lcore_init = li, .burst = b,
	.flush = f, .lcore_fini = lf };
const struct fp_handler *fastpath_handler(void);
const struct fp_handler *fastpath_handler(void) { return &h; }
'''


def flush():
    """A user's handler with a flush (built with pkg-config fastpath and
    libdpdk): it takes every datagram and frees them when flush says the
    queues are drained; every mbuf is back at exit."""
    c = fr.Checker("handlers_flush")
    d = fr.workdir("handlers_flush")
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(BUILD, "meson-uninstalled"))
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "fastpath", "libdpdk"],
                           capture_output=True, text=True, env=env)
    c.eq("pkg-config fastpath libdpdk: %s" % flags.stderr, flags.returncode, 0)
    h = compile_so(os.path.join(d, "gather.so"), GATHER, flags.stdout.split())
    frames = [udp("10.0.0.2", 7000 + k, 5000, b"%d" % k) for k in range(3000)]
    pcap = os.path.join(d, "in.pcap")
    pg.write_pcap(pcap, frames)
    r = fr.run("handlers_flush", ["net_pcap0,rx_pcap=" + pcap],
               ["--listen", "5000=plugin,path=" + h])
    c.eq("exit status", r.rc, 0)
    if r.stats:
        c.eq("it took every datagram", r.stats["udp"]["0"].get("taken"), len(frames))
        c.eq("and freed them in its flush: mempools' in_use",
             sum(m["in_use"] for m in r.stats["mempools"].values()), 0)
    return c.done()


def bad_plugins():
    """Every way a plugin can be wrong: one line naming it, status 2,
    before any port starts."""
    c = fr.Checker("handlers_bad")
    d = fr.workdir("handlers_bad")
    inc = os.path.join(fr.ROOT, "include")
    abi = compile_so(os.path.join(d, "abi99.so"),
                     TINY.replace("ABI", "99").replace("SKIP", "0"), ["-I" + inc])
    skip = compile_so(os.path.join(d, "skip.so"),
                      TINY.replace("ABI", "FP_HANDLER_ABI_VERSION").replace("SKIP", "0x10"),
                      ["-I" + inc])
    libc = next((p for p in ("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6")
                 if os.path.exists(p)), None)
    cases = [
        ("missing file", "5000=plugin,path=/nonexistent/h.so", "cannot load it"),
        ("no path", "5000=plugin", "plugin needs path=FILE"),
        ("unknown option", "5000=plugin,path=%s,frob=1" % so("first8"), "unknown plugin option"),
        ("ABI mismatch", "5000=plugin,path=%s" % abi, "ABI 99"),
        ("unknown view_skip bits", "5000=plugin,path=%s" % skip, "view_skip 0x10"),
        ("init refuses its arg", "5000=plugin,path=%s,arg=7" % so("feed"), "power of two"),
        ("init without its arg", "5000=plugin,path=%s" % so("kv"), "needs arg=FILE"),
    ]
    if libc:
        cases.append(("not a handler", "5000=plugin,path=%s" % libc, "not a handler"))
    pcap = os.path.join(d, "one.pcap")
    pg.write_pcap(pcap, [pg.udp_frame()])
    for what, spec, text in cases:
        cmd = [fr.BINARY] + fr.eal_args("handlers_bad", ["net_pcap0,rx_pcap=" + pcap]) + \
            ["--", "--listen", spec]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        fr.cleanup("handlers_bad")
        lines = [l for l in p.stderr.splitlines() if l.startswith("fastpath:")]
        c.eq("%s: status" % what, p.returncode, 2)
        c.true("%s: one line saying %r: %r" % (what, text, lines),
               len(lines) == 1 and text in lines[0])
    return c.done()


def out_of_tree():
    """A handler built as a user would: meson install into a staging
    directory, then cc with pkg-config's flags for fastpath, and run."""
    c = fr.Checker("handlers_out_of_tree")
    if shutil.which("pkg-config") is None or shutil.which("cc") is None:
        return fr.skip("handlers_out_of_tree", "needs pkg-config and cc")
    stage = tempfile.mkdtemp(prefix="fpstage")
    try:
        p = subprocess.run(["meson", "install", "-C", BUILD, "--destdir", stage, "--quiet"],
                           capture_output=True, text=True, timeout=300)
        c.eq("meson install: %s" % p.stderr[-300:], p.returncode, 0)
        pcs = [os.path.join(dp, f) for dp, _, fs in os.walk(stage) for f in fs
               if f == "fastpath.pc"]
        c.eq("one fastpath.pc installed", len(pcs), 1)
        hdr = [os.path.join(dp, f) for dp, _, fs in os.walk(stage) for f in fs
               if f == "handler.h" and dp.endswith(os.path.join("include", "fastpath"))]
        c.eq("the header installed", len(hdr), 1)
        if len(pcs) != 1:
            return c.done()
        # the staged tree as if it were /: pkg-config puts the stage
        # directory in front of the paths it prints
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]),
                   PKG_CONFIG_SYSROOT_DIR=stage)
        flags = subprocess.run(["pkg-config", "--cflags", "fastpath"],
                               capture_output=True, text=True, env=env)
        c.eq("pkg-config --cflags fastpath", flags.returncode, 0)
        d = fr.workdir("handlers_out_of_tree")
        h = compile_so(os.path.join(d, "tiny.so"), TINY.replace("ABI", "FP_HANDLER_ABI_VERSION")
                       .replace("SKIP", "FP_VIEW_SKIP_ADDRS"),
                       flags.stdout.split())
        # without installing, as the README says: the uninstalled package
        unenv = dict(os.environ, PKG_CONFIG_PATH=os.path.join(BUILD, "meson-uninstalled"))
        unflags = subprocess.run(["pkg-config", "--cflags", "fastpath"], capture_output=True,
                                 text=True, env=unenv)
        c.true("pkg-config --cflags fastpath, uninstalled: %r" % unflags.stdout,
               "-I" + os.path.join(fr.ROOT, "include") in unflags.stdout.split())
        compile_so(os.path.join(d, "tiny-uninstalled.so"),
                   TINY.replace("ABI", "FP_HANDLER_ABI_VERSION").replace("SKIP", "0"),
                   unflags.stdout.split())
        frames = [udp("10.0.0.2", 7000, 5000, b"%d" % k) for k in range(7)]
        pcap = os.path.join(d, "in.pcap")
        pg.write_pcap(pcap, frames)
        r = fr.run("handlers_out_of_tree", ["net_pcap0,rx_pcap=" + pcap],
                   ["--listen", "5000=plugin,path=" + h])
        c.eq("exit status", r.rc, 0)
        fr.check_invariants(c, r.stats)
        if r.stats:
            c.eq("its counter", r.stats["udp"]["0"].get("seen"), len(frames))
            c.eq("datagrams", r.stats["udp"]["0"]["datagrams"], len(frames))
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    fr.main({"feed": feed, "kv": kv, "bad_plugins": bad_plugins, "out_of_tree": out_of_tree,
             "flush": flush,
             "from_config_file": from_config_file})
