#!/usr/bin/env bash
# How fast `free` and `refs` answer on the consistent 20,000-document fabric of
# bench/gen_fabric.py (scale 1, every object in managed/): issue 21 asks for each under
# 0.5 s there. Prints each command's median (hyperfine) and peak RSS, and exits 1 when a
# median is over the limit.
#   bench/answers.sh          HH_GITOPS_BIN=path measures that binary instead of a `release-lto` build
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${HH_GITOPS_BIN:-}
if [ -z "$bin" ]; then
  cargo build --profile release-lto --quiet --manifest-path "$root/Cargo.toml"
  bin="$root/target/release-lto/hh-gitops"
fi
limit_ms=500
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$root/bench/gen_fabric.py" "$work/fabric" --scale 1 --layout managed >/dev/null
cd "$work/fabric"
git init -q && git add -A && git -c user.name=b -c user.email=b@b commit -qm fabric
over=0
printf '%-40s %10s %10s %8s\n' command median_ms rss_kib lines
for args in "free vlan" "free subnet --prefix 24" "free port --switch p0-leaf-000" \
  "refs vpc/p0-v0000" "refs switch/p0-leaf-000" "refs vlannamespace/default"; do
  # shellcheck disable=SC2086 # the arguments are split on purpose
  lines=$("$bin" $args | wc -l)
  hyperfine -N -w 1 -r 10 --export-json "$work/t.json" "$bin $args" >/dev/null
  median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"]*1000)' "$work/t.json")
  # shellcheck disable=SC2086
  rss=$( { /usr/bin/time -f '%M' "$bin" $args >/dev/null; } 2>&1 | tail -1)
  printf '%-40s %10.1f %10s %8s\n' "$args" "$median" "$rss" "$lines"
  if awk -v m="$median" -v l="$limit_ms" 'BEGIN { exit !(m > l) }'; then
    echo "over the ${limit_ms} ms limit: $args" >&2
    over=1
  fi
done
exit "$over"
