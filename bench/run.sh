#!/usr/bin/env bash
# Benchmark of `hh-gitops check` (release build) on the synthetic Hedgehog corpus:
# 1,000 files x 10 documents, 5% invalid. Needs hyperfine and PyYAML for the generator.
#   bench/run.sh [path/to/gen_corpus.py]   (default: ../shared/bench/gen_corpus.py)
# HH_GITOPS_BIN=path measures that binary (e.g. the static musl build) instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
gen=${1:-$root/../shared/bench/gen_corpus.py}
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
python3 "$gen" --files 1000 --docs 10 "$corpus/c" >/dev/null
bin=${HH_GITOPS_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
  bin="$root/target/release/hh-gitops"
fi
echo "corpus: $(find "$corpus/c" -name '*.yaml' | wc -l) files, $(du -sb "$corpus/c" | cut -f1) bytes"
hyperfine -N -i -w 2 -r 15 --export-json "$corpus/times.json" \
  "taskset -c 0 $bin check $corpus/c" \
  "$bin check $corpus/c" \
  "$bin check $root/tests/fixtures/gitops-test-1" \
  "$bin --version"
python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("median %8.1f ms  %s" % (r["median"] * 1000, r["command"]))
' "$corpus/times.json"
/usr/bin/time -f "peak RSS: %M KiB" "$bin" check "$corpus/c" >/dev/null || true
