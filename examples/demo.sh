#!/usr/bin/env bash
# Runs `hh-gitops sync` on a throwaway git copy of the bundled example GitOps repository
# (tests/fixtures/gitops-test-1: two fabrics whose raw/ files were never processed) and
# shows the commit it made. Set HH_GITOPS to use an already built binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${HH_GITOPS:-}
if [ -z "$bin" ]; then
  cargo build --quiet --manifest-path "$root/Cargo.toml"
  bin="$root/target/debug/hh-gitops"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/hh-gitops-demo.XXXXXX")
cp -R "$root/tests/fixtures/gitops-test-1/." "$work/"
git -C "$work" init -q -b main
git -C "$work" add -A
git -C "$work" -c user.name=demo -c user.email=demo@example.com commit -q -m "example GitOps repository"

status=0
"$bin" sync --repo "$work" || status=$?
echo
echo "--- the commit hh-gitops made:"
git -C "$work" log -1 --format='%h %B'
git -C "$work" show --stat --format= HEAD | tail -n 1
echo "--- raw/ now holds: $(cd "$work/gitops/hedgehog/fabric-1/raw" && ls -A)"
echo "--- the example repository is in $work"
exit "$status"
