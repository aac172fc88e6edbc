#!/usr/bin/env bash
# Benchmark of `hh-gitops check` (the `release-lto` build that ships) on the synthetic
# Hedgehog corpus: 1,000 files x 10 documents, 5% invalid. Needs hyperfine and PyYAML for
# the generator.
#   bench/run.sh [path/to/gen_corpus.py]   (default: bench/gen_corpus.py, a copy of the
#   team's generator from ../shared/bench, so that a fresh clone can run it)
# HH_GITOPS_BIN=path measures that binary (e.g. the static musl build) instead.
# HH_GITOPS_BASE=path also measures that binary (e.g. a build of an earlier commit) on the
# same corpus in the same hyperfine run, and prints the ratio: compare only figures taken
# side by side like this.
# KUBECONFORM=path KUBECONFORM_SCHEMAS=dir also runs `kubeconform -strict` on the corpus
# (schemas converted from schemas/crds/ by kubeconform's scripts/openapi2jsonschema.py with
# DENY_ROOT_ADDITIONAL_PROPERTIES=1 FILENAME_FORMAT='{kind}-{fullgroup}-{version}').
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
gen=${1:-$root/bench/gen_corpus.py}
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
python3 "$gen" --files 1000 --docs 10 "$corpus/c" >/dev/null
bin=${HH_GITOPS_BIN:-}
if [ -z "$bin" ]; then
  cargo build --profile release-lto --quiet --manifest-path "$root/Cargo.toml"
  bin="$root/target/release-lto/hh-gitops"
fi
base=${HH_GITOPS_BASE:-}
echo "corpus: $(find "$corpus/c" -name '*.yaml' | wc -l) files, $(du -sb "$corpus/c" | cut -f1) bytes"
commands=(
  "taskset -c 0 $bin check $corpus/c"
  "$bin check $corpus/c"
  "$bin check $root/tests/fixtures/gitops-test-1"
  "$bin --version"
)
if [ -n "$base" ]; then
  commands+=("taskset -c 0 $base check $corpus/c" "$base check $corpus/c")
fi
kubeconform=${KUBECONFORM:-}
if [ -n "$kubeconform" ]; then
  commands+=("$kubeconform -strict -schema-location ${KUBECONFORM_SCHEMAS}/{{.ResourceKind}}-{{.Group}}-{{.ResourceAPIVersion}}.json $corpus/c")
fi
hyperfine -N -i -w 2 -r 15 --export-json "$corpus/times.json" "${commands[@]}"
python3 -c '
import json, sys
results = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
for command, median in results.items():
    print("median %8.1f ms  %s" % (median * 1000, command))
bin, base, corpus, kubeconform = sys.argv[2:6]
if kubeconform:
    new = results[f"{bin} check {corpus}"]
    kc = next(m for c, m in results.items() if c.startswith(kubeconform))
    print("kubeconform -strict / this build = %.1f (%.1f ms vs %.1f ms)" % (kc / new, kc * 1000, new * 1000))
if base:
    for prefix in ("taskset -c 0 ", ""):
        new, old = results[f"{prefix}{bin} check {corpus}"], results[f"{prefix}{base} check {corpus}"]
        print("%s: this build / base = %.2f (%.1f ms vs %.1f ms)" % (
            "1 core" if prefix else "all cores", new / old, new * 1000, old * 1000))
' "$corpus/times.json" "$bin" "$base" "$corpus/c" "$kubeconform"
/usr/bin/time -f "peak RSS: %M KiB" "$bin" check "$corpus/c" >/dev/null || true
