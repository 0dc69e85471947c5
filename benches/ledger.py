#!/usr/bin/env python3
"""What the ledger costs: `duban merge` in a workspace against the same merge outside one,
and `history` / `status` on a ledger of a year of rounds, measured in one run.

    python3 benches/ledger.py                  # N = 5,000 returns, 12 rounds
    N=1000 ROUNDS=4 RUNS=5 python3 benches/ledger.py

1. Recording. The city-scale catalog and N returns of `examples/bench_data` for round 2
   (2020年2月), with round 1 already in the ledger. Interleaved, RUNS times each (median):
     plain      duban merge outside any workspace (the merge benchmark's `duban`)
     workspace  the same merge with --workspace: last round's rows read for the check's
                comparisons (照抄上期 and its kin), the history columns, and the round
                recorded in the ledger in one transaction (replacing its earlier record,
                the heavier path)
   The figure is workspace / plain, wall and CPU. Of what the workspace adds, the part that
   is the check's (the comparisons with last round and the workbooks' saved times) is
   measured the same way with `duban check` plain and in the workspace; the rest is the
   history columns and the recording.
2. Queries. The ledger grows to ROUNDS monthly rounds of N units (each round's returns
   generated afresh, with a fifth of the units lagging, a different fifth each round),
   then each query runs RUNS times: history --task, --unit, --leader (text and JSON) and
   status of the latest round (JSON). Wall time per query (median, worst).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(*cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def measure(cmd, cwd=None, ok=(0, 1)):
    """(wall seconds, CPU seconds, peak RSS MiB) of one run."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if code not in ok:
        sys.exit(f"{' '.join(cmd)} failed ({code}):\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main():
    n = int(os.environ.get("N", "5000"))
    rounds = int(os.environ.get("ROUNDS", "12"))
    runs = int(os.environ.get("RUNS", "3"))
    print("building release binaries …", file=sys.stderr)
    # Wherever cargo builds ($CARGO_TARGET_DIR, a config's target-dir or target/).
    release = subprocess.run([os.path.join(ROOT, "scripts", "build-release"), "--example",
                              "bench_data"], check=True, stdout=subprocess.PIPE,
                             text=True).stdout.strip()
    duban = os.path.join(release, "duban")
    gen = os.path.join(release, "examples", "bench_data")
    names = [f"2020年{m}月" for m in range(1, rounds + 1)]

    cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"],
                         capture_output=True, text=True).stdout.strip()
    print(f"machine: {os.cpu_count()} cores, {cpu}; load before: {os.getloadavg()[0]:.2f}; "
          f"N = {n}, {rounds} rounds, runs per measure: {runs} (median)\n")
    work = tempfile.mkdtemp(prefix="duban-ledger-")
    try:
        ws = os.path.join(work, "ws")
        data = os.path.join(work, "data")

        def generate(k):
            shutil.rmtree(data, ignore_errors=True)
            sh(gen, str(n), data, names[k - 1], str(k), stdout=subprocess.DEVNULL)
            return os.path.join(data, "returns")

        def record(k):
            returns = generate(k)
            return measure([duban, "--workspace", ws, "merge", returns, "--round", names[k - 1]])

        generate(1)
        sh(duban, "--catalog", os.path.join(data, "catalog.toml"), "init", ws,
           stdout=subprocess.DEVNULL)
        record(1)
        returns = generate(2)
        plain = [duban, "--catalog", os.path.join(data, "catalog.toml"), "merge", returns,
                 "--round", names[1], "--out", os.path.join(work, "plain"), "--force"]
        in_ws = [duban, "--workspace", ws, "merge", returns, "--round", names[1]]
        check_plain = [duban, "--catalog", os.path.join(data, "catalog.toml"), "check", returns,
                       "--round", names[1]]
        check_ws = [duban, "--workspace", ws, "check", returns, "--round", names[1]]
        results = {"plain": [], "workspace": []}
        checks = {"plain": [], "workspace": []}
        for _ in range(runs):
            results["plain"].append(measure(plain, cwd=work))
            results["workspace"].append(measure(in_ws, cwd=work))
            checks["plain"].append(measure(check_plain, cwd=work))
            checks["workspace"].append(measure(check_ws, cwd=work))
        print("| merge, N = %d, round 2 | wall s | CPU s | peak MiB |" % n)
        print("| --- | ---: | ---: | ---: |")
        med = {}
        for name, rs in results.items():
            med[name] = (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs))
            print(f"| {name} | {med[name][0]:.2f} | {med[name][1]:.2f} | "
                  f"{max(r[2] for r in rs):.0f} |")
        print(f"| workspace / plain | {med['workspace'][0] / med['plain'][0]:.3f}× | "
              f"{med['workspace'][1] / med['plain'][1]:.3f}× | |\n", flush=True)
        cmed = {k: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs))
                for k, rs in checks.items()}
        added = med["workspace"][0] - med["plain"][0]
        by_check = cmed["workspace"][0] - cmed["plain"][0]
        print("| check, N = %d, round 2 | wall s | CPU s |" % n)
        print("| --- | ---: | ---: |")
        for k, (w, c) in cmed.items():
            print(f"| {k} | {w:.2f} | {c:.2f} |")
        print(f"\nthe workspace adds {added:+.2f} s to the merge ({added / med['plain'][0]:+.1%}); "
              f"the check's comparisons and saved times {by_check:+.2f} s "
              f"({by_check / med['plain'][0]:+.1%}); history and recording the rest, "
              f"{added - by_check:+.2f} s ({(added - by_check) / med['plain'][0]:+.1%})\n",
              flush=True)

        grow = []
        for k in range(3, rounds + 1):
            grow.append(record(k)[0])
        db = os.path.join(ws, "督办台账.db")
        if grow:
            print(f"rounds 3-{rounds} merged and recorded: median {statistics.median(grow):.2f} s "
                  f"each; ledger {os.path.getsize(db) / 1e6:.1f} MB\n")
        with open(os.path.join(ws, "任务清单.toml"), "rb") as f:
            leader = tomllib.load(f)["task"][2]["leaders"][0]
        queries = [
            ("history --task 3", ["history", "--task", "3"]),
            ("history --task 3 --format json", ["history", "--task", "3", "--format", "json"]),
            ("history --unit 市直单位00010", ["history", "--unit", "市直单位00010"]),
            ("history --unit … --format json",
             ["history", "--unit", "市直单位00010", "--format", "json"]),
        ]
        queries.append((f"history --leader {leader}", ["history", "--leader", leader]))
        queries.append(("status --format json", ["status", "--format", "json"]))
        print(f"| query, {rounds} rounds × {n} units | median s | worst s |")
        print("| --- | ---: | ---: |")
        for label, q in queries:
            walls = [measure([duban, "--workspace", ws, *q])[0] for _ in range(runs)]
            print(f"| {label} | {statistics.median(walls):.3f} | {max(walls):.3f} |", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nload after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
