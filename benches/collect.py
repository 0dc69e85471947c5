#!/usr/bin/env python3
"""How fast `duban collect` empties a mailbox: N messages, each with one ~KB KB attachment,
on a Dovecot started here on 127.0.0.1 (tests/imap/dovecot.py; run as root).

    python3 benches/collect.py [--n 1000] [--kb 20] [--repeat 3]

Builds duban in release, seeds the messages by IMAP APPEND (names in three forms: RFC 2231,
an RFC 2047 GBK word, raw GBK bytes), senders from samples/contacts.csv, then times, into a
fresh folder each time: collect over plain IMAP, over implicit TLS, and a rerun over TLS
(nothing new: the listing and the log only). Prints the median wall time of each and the
machine, and checks that every attachment was saved once with its bytes.
"""
import argparse
import base64
import datetime as dt
import hashlib
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "imap"))
import dovecot  # noqa: E402

BIN = Path()  # set by main() to wherever cargo built duban


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def units():
    rows = (ROOT / "samples" / "contacts.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    out = []
    for r in rows:
        cols = r.split(",")
        if len(cols) > 2 and cols[1] == "unit":
            out.append((cols[0], cols[2]))
    return out


def message(i, unit, address, data):
    name = f"2020年第一季度_{unit}_任务进展填报表_{i:04d}.xlsx"
    word = "=?GBK?B?" + base64.b64encode(name.encode("gbk", "replace")).decode() + "?="
    forms = [
        (b"filename*=utf-8''" + "".join(f"%{b:02X}" for b in name.encode()).encode()),
        (b'filename="' + word.encode() + b'"'),
        (b'filename="' + name.encode("gbk", "replace") + b'"'),
    ]
    body = base64.encodebytes(data).replace(b"\n", b"\r\n")
    subject = "=?GBK?B?" + base64.b64encode(f"报送：{unit}".encode("gbk", "replace")).decode() + "?="
    return (
        f"Message-ID: <bench.{i}@units.test>\r\nFrom: <{address}>\r\nTo: office@duban.test\r\n"
        f"Subject: {subject}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain; charset=utf-8\r\n\r\n请查收。\r\n--b\r\n"
        "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; "
    ).encode() + forms[i % 3] + b"\r\n\r\n" + body + b"--b--\r\n"


def run(d, into, tls):
    cmd = [str(BIN), "collect", "--into", str(into), "--contacts",
           str(ROOT / "samples" / "contacts.csv"), "--imap-host", "127.0.0.1", "--imap-user", "office"]
    if tls:
        cmd += ["--imap-port", str(d.tls_port), "--imap-security", "tls", "--imap-ca",
                str(d.tmp / "tls" / "ca.pem")]
    else:
        cmd += ["--imap-port", str(d.port), "--imap-security", "none"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, env=dict(os.environ, DUBAN_IMAP_PASSWORD=dovecot.PASSWORD),
                       capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit(f"duban collect failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return (wall, cpu), p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--kb", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    global BIN
    release = subprocess.run([str(ROOT / "scripts" / "build-release")], check=True,
                             stdout=subprocess.PIPE, text=True).stdout.strip()
    BIN = Path(release) / "duban"
    rng = random.Random(7)
    us = units()
    base = dt.datetime(2020, 4, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    datas = [b"PK\x03\x04" + rng.randbytes(a.kb * 1024 - 4) for _ in range(a.n)]
    msgs = [(message(i, *us[i % len(us)], datas[i]), base + dt.timedelta(minutes=7 * i), [])
            for i in range(a.n)]
    work = Path(tempfile.mkdtemp(prefix="duban-bench-collect-"))
    try:
        with dovecot.Dovecot(seconds=1800) as d:
            t = time.perf_counter()
            dovecot.append(d.port, msgs)
            seed = time.perf_counter() - t
            times = {"plain": [], "tls": [], "rerun (tls)": []}
            load = [os.getloadavg()[0]]
            for r in range(a.repeat):
                for tls, key in ((False, "plain"), (True, "tls")):
                    into = work / f"{key}-{r}"
                    wall, out = run(d, into, tls)
                    times[key].append(wall)
                    saved = [p for p in into.iterdir() if p.name != "收件记录.jsonl"]
                    assert len(saved) == a.n, (len(saved), out)
                    want = {hashlib.sha256(x).hexdigest() for x in datas}
                    got = {hashlib.sha256(p.read_bytes()).hexdigest() for p in saved}
                    assert got == want, "bytes differ"
                wall, out = run(d, work / f"tls-{r}", True)
                assert "本次收取 0 封" in out, out
                times["rerun (tls)"].append(wall)
                for p in work.iterdir():
                    shutil.rmtree(p)
                load.append(os.getloadavg()[0])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}; load average "
          f"{min(load):.1f}-{max(load):.1f} during the runs")
    print(f"{a.n} messages × {a.kb} KB, seeded by APPEND in {seed:.1f} s")
    for k, v in times.items():
        walls = [w for w, _ in v]
        cpus = [c for _, c in v]
        print(f"  {k:12} wall median {statistics.median(walls):.2f} s, best {min(walls):.2f} s; "
              f"duban's CPU median {statistics.median(cpus):.2f} s  "
              f"(walls: {', '.join(f'{x:.2f}' for x in walls)})")


if __name__ == "__main__":
    main()
