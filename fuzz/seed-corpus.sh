#!/usr/bin/env bash
# Seeds the yaml_readers corpus with every YAML file under tests/fixtures (each named by
# its SHA-1, as libFuzzer names what it adds), so the fuzzer starts from real manifests
# instead of finding block YAML by chance. The corpus itself is not committed.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=fuzz/corpus/yaml_readers
mkdir -p "$corpus"
find tests/fixtures -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 |
  while IFS= read -r -d '' file; do
    cp "$file" "$corpus/$(sha1sum <"$file" | cut -c1-40)"
  done
echo "seed corpus: $(find "$corpus" -type f | wc -l) files in $corpus"
