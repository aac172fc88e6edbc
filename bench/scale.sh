#!/usr/bin/env bash
# How `hh-gitops sync --dry-run` grows with a fabric (issue 8): one consistent fabric from
# bench/gen_fabric.py at 1x (about 20,000 documents), 2x and 4x, in both layouts (all in
# raw/, a first import; all in managed/ with a few new raw files, the everyday run).
# Prints the median time (hyperfine), the peak RSS, and each step's ratio of time to
# n log n (it stays near 1 when the run grows no faster than n log n).
#   bench/scale.sh            HH_GITOPS_BIN=path measures that binary instead of a `release-lto` build
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${HH_GITOPS_BIN:-}
if [ -z "$bin" ]; then
  cargo build --profile release-lto --quiet --manifest-path "$root/Cargo.toml"
  bin="$root/target/release-lto/hh-gitops"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-8s %-6s %9s %10s %10s %12s\n' layout scale documents median_ms rss_kib 'ratio/nlogn'
for layout in raw managed; do
  previous=""
  for scale in 1 2 4; do
    dir="$work/$layout-$scale"
    docs=$(python3 "$root/bench/gen_fabric.py" "$dir" --scale "$scale" --layout "$layout" | cut -d' ' -f1)
    git -C "$dir" init -q && git -C "$dir" add -A && git -C "$dir" -c user.name=b -c user.email=b@b commit -qm fabric
    hyperfine -N -i -w 1 -r 5 --export-json "$work/t.json" "$bin sync --repo $dir --dry-run --format json" >/dev/null
    median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"]*1000)' "$work/t.json")
    rss=$( { /usr/bin/time -f '%M' "$bin" sync --repo "$dir" --dry-run --format json >/dev/null; } 2>&1 | tail -1)
    ratio=$(python3 -c '
import math, sys
n, t, prev = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
if not prev:
    print("-")
else:
    pn, pt = map(float, prev.split(":"))
    print("%.2f" % ((t / pt) / ((n * math.log(n)) / (pn * math.log(pn)))))
' "$docs" "$median" "$previous")
    printf '%-8s %-6s %9s %10.1f %10s %12s\n' "$layout" "${scale}x" "$docs" "$median" "$rss" "$ratio"
    previous="$docs:$median"
  done
done
