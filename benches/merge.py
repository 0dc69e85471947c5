#!/usr/bin/env python3
"""Times `duban merge` beside the baselines, in one run, on the same files.

    python3 benches/merge.py                 # N = 100, 1000, 5000
    python3 benches/merge.py 100 1000        # chosen sizes
    RUNS=5 python3 benches/merge.py 1000     # more repetitions (median is reported)
    ONLY="floor par cm" python3 benches/merge.py 5000   # duban and chosen programs only

The Python baselines take minutes at N = 5,000; from N = 2,000 on (or at every N when
PY_RUNS is set) they run PY_RUNS times (default 1), the Rust programs RUNS times (default 3).

For each N it generates a city-scale catalog (max(N, 1000) units) and N returns of its
units in the shape of our templates, a tenth with typical problems
(`cargo run --release --example bench_data`), then runs, each RUNS times:

  duban       duban merge, release build: full check, 总表/明细/统计/指标/问题 sheets,
              one summary per leader, CSV and JSON report
  duban -c6   the same at zip compression level 6 (the floor's and rust_xlsxwriter's default)
  floor       benches/baselines/floor `par cm`: a bare calamine read of every cell and a bare
              rust_xlsxwriter write of them (constant memory), nothing else
  openpyxl    benches/baselines/merge_openpyxl.py, what an office programmer writes
  pandas      benches/baselines/merge_pandas.py (calamine engine, XlsxWriter)

The baselines are ../shared/bench's, unchanged but for the header lookup (our header is
on row 3 of sheet 任务进展, as theirs). Wall time and peak resident memory (ru_maxrss of the
process) and CPU time (user + system) are measured here with os.wait4; CPU time is the
steadier figure when other work shares the cores; ratios compare medians of the same run, because
these machines are shared and absolute times drift. The Python packages (openpyxl, pandas,
python-calamine, xlsxwriter) are installed with pip when missing.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE = os.path.join(ROOT, "benches", "baselines")
ROUND = "2020年第一季度"


def sh(*cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def measure(cmd, cwd=None):
    """(wall seconds, peak RSS MiB, exit code, stderr, CPU seconds) of one run."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    return wall, usage.ru_maxrss / 1024, p.returncode, err, usage.ru_utime + usage.ru_stime


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000, 5000]
    runs = int(os.environ.get("RUNS", "3"))
    py_runs = int(os.environ.get("PY_RUNS", "1"))
    py_all = "PY_RUNS" in os.environ

    need = [m for m in ("openpyxl", "pandas", "python_calamine", "xlsxwriter")
            if subprocess.run([sys.executable, "-c", f"import {m}"],
                              capture_output=True).returncode]
    if need:
        pip = [n.replace("_", "-") for n in need]
        sh(sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *pip)
    print("building release binaries …", file=sys.stderr)
    # Wherever cargo builds ($CARGO_TARGET_DIR, a config's target-dir or target/).
    release = subprocess.run([os.path.join(ROOT, "scripts", "build-release"), "--example",
                              "bench_data"], check=True, stdout=subprocess.PIPE,
                             text=True).stdout.strip()
    target = os.path.dirname(release)
    env = dict(os.environ, CARGO_TARGET_DIR=target)
    sh("cargo", "build", "--release", "--quiet", "--manifest-path",
       os.path.join(BASE, "floor", "Cargo.toml"), cwd=ROOT, env=env)
    duban = os.path.join(target, "release", "duban")
    gen = os.path.join(target, "release", "examples", "bench_data")
    floor = os.path.join(target, "release", "floor")

    cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"],
                         capture_output=True, text=True).stdout.strip()
    print(f"machine: {os.cpu_count()} cores, {cpu}; load before: {os.getloadavg()[0]:.2f}; "
          f"runs per program: {runs} (median; Python "
          f"{'at every N' if py_all else 'from N = 2,000'}: {py_runs})\n")
    print("| N | program | wall s | wall vs duban | CPU s | CPU vs duban | peak MiB |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    work = tempfile.mkdtemp(prefix="duban-bench-")
    try:
        for n in sizes:
            data = os.path.join(work, f"n{n}")
            sh(gen, str(n), data, stdout=subprocess.DEVNULL)
            returns = os.path.join(data, "returns")
            out = os.path.join(work, "out")
            programs = [
                ("duban", [duban, "--catalog", os.path.join(data, "catalog.toml"), "merge",
                           returns, "--round", ROUND, "--out", out, "--force"], {1}),
                ("duban -c6", [duban, "--catalog", os.path.join(data, "catalog.toml"), "merge",
                               returns, "--round", ROUND, "--out", out + "6", "--force",
                               "--compression", "6"], {1}),
                ("floor par cm", [floor, returns, os.path.join(work, "floor.xlsx"), "par", "cm"],
                 set()),
                ("openpyxl", [sys.executable, os.path.join(BASE, "merge_openpyxl.py"), returns,
                              os.path.join(work, "openpyxl.xlsx")], set()),
                ("pandas", [sys.executable, os.path.join(BASE, "merge_pandas.py"), returns,
                            os.path.join(work, "pandas.xlsx")], set()),
            ]
            only = os.environ.get("ONLY")
            if only:  # e.g. ONLY="duban,floor par cm" for a quick Rust-only run
                keep = {p.strip() for p in only.split(",")} | {"duban"}
                programs = [p for p in programs if p[0] in keep]
            results = {}
            for rep in range(runs):
                # Interleaved, so that a burst of load hits every program alike.
                for name, cmd, ok_codes in programs:
                    if (n >= 2000 or py_all) and rep >= py_runs and cmd[0] == sys.executable:
                        continue
                    wall, rss, code, err, cpu = measure(cmd)
                    if code != 0 and code not in ok_codes:
                        sys.exit(f"{name} failed ({code}) at N={n}:\n{err}")
                    results.setdefault(name, []).append((wall, rss, cpu))
            base = statistics.median(w for w, _, _ in results["duban"])
            base_cpu = statistics.median(c for _, _, c in results["duban"])
            for name, _, _ in programs:
                wall = statistics.median(w for w, _, _ in results[name])
                cpu = statistics.median(c for _, _, c in results[name])
                rss = max(r for _, r, _ in results[name])
                print(f"| {n} | {name} | {wall:.2f} | {wall / base:.2f}× | {cpu:.2f} | "
                      f"{cpu / base_cpu:.2f}× | {rss:.0f} |")
            def size(d):
                return sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)) / 1e6
            at6 = (f", {size(out + '6'):.1f} MB at level 6" if os.path.isdir(out + "6") else "")
            print(f"|  | duban's {len(os.listdir(out))} output files: {size(out):.1f} MB{at6} "
                  f"| | | | | |", flush=True)
            shutil.rmtree(data)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nload after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
