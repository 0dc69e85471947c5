#!/usr/bin/env bash
# Times `duban templates` generating every unit's template for one round (74 workbooks with
# the 2020 catalog), in a release build. Uses hyperfine when installed
# (`apt-get install -y hyperfine`), else the mean of a plain loop of 10 runs.
#
#   benches/templates.sh            # 10 runs
#   RUNS=20 benches/templates.sh   # prints mean, median and best run
set -euo pipefail
bin="$("$(dirname "$0")/../scripts/build-release")/duban"
cd "$(dirname "$0")/.."
runs="${RUNS:-10}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cmd="$bin templates --round 2020年第一季度 --deadline 2020-04-05 --out $out/t --force"

"$bin" templates --round 2020年第一季度 --deadline 2020-04-05 --out "$out/t" --force
echo "files: $(ls "$out/t" | wc -l), bytes: $(du -sb "$out/t" | cut -f1), threads: $(nproc)"

if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs "$runs" --prepare "rm -rf $out/t" --export-json "$out/h.json" \
    "$cmd 2>/dev/null"
  # On a shared machine the mean drifts with other load; the median and the best run say
  # more about duban itself.
  python3 - "$out/h.json" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
t = sorted(r["times"])
print(f"median {statistics.median(t) * 1000:.0f} ms, best {t[0] * 1000:.0f} ms, "
      f"mean CPU (user + system) {(r['user'] + r['system']) * 1000:.0f} ms")
PY
else
  start=$(date +%s.%N)
  for _ in $(seq "$runs"); do
    rm -rf "$out/t"
    $cmd 2>/dev/null
  done
  end=$(date +%s.%N)
  echo "mean over $runs runs: $(echo "($end - $start) / $runs" | bc -l | cut -c1-6) s"
fi
