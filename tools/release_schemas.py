#!/usr/bin/env python3
"""Generates the per-release schema differences that hh-gitops embeds.

hh-gitops embeds one base set of schemas, `schemas/*.json` (imported from the fabric@78827deb
CRDs in `schemas/crds/`), and for each Hedgehog release a JSON merge patch (RFC 7396) per
schema file, `schemas/releases/<release>.json`, that turns the base into that release's
schema. This script writes those patches; `tests/it/release_schemas.rs` proves that base plus
patch equals a fresh import of the release's CRDs.

A release's CRDs are `schemas/crds/<release>/*.yaml` laid over `schemas/crds/*.yaml` (a file
of the release replaces the base file of the same name). 26.03 has no CRD YAML upstream, so
this script first derives its two changed CRDs from the base ones (`derive_2603`), adding
the fields of `schemas/crds/26.03/SOURCE.md` as controller-gen writes them.

Usage (from the repository root, after `cargo build`):
    python3 tools/release_schemas.py [path/to/hh-gitops]
"""

import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CRDS = ROOT / "schemas" / "crds"
RELEASES = ["26.01", "26.02", "26.03"]

# fabric v0.129.1 api/vpc/v1beta1/vpc_types.go:105-128 (VPCSubnet.HostBGP*, VPCSubnetHostBGPPrefix),
# indented as the `hostBGP` property of a subnet in vpc.githedgehog.com_vpcs.yaml.
VPC_FIELDS = """\
                    hostBGPExtraPrefixes:
                      additionalProperties:
                        description: VPCSubnetHostBGPPrefix defines the prefix lengths
                          accepted from the host within an extra hostBGP prefix
                        properties:
                          maxPrefixLen:
                            description: MaxPrefixLen is the longest prefix length
                              accepted within the prefix, defaults to the subnet's hostBGPMaxPrefixLen
                            maximum: 32
                            minimum: 1
                            type: integer
                          minPrefixLen:
                            description: MinPrefixLen is the shortest prefix length
                              accepted within the prefix, defaults to the subnet's hostBGPMinPrefixLen
                            maximum: 32
                            minimum: 1
                            type: integer
                        type: object
                      description: |-
                        HostBGPExtraPrefixes is the set of extra IP prefixes, on top of the subnet's own IP range, to accept from the
                        host over its BGP sessions, keyed by prefix
                      type: object
                    hostBGPMaxPrefixLen:
                      description: HostBGPMaxPrefixLen is the longest prefix length
                        accepted from the host within the subnet's IP range, 32 by default
                      maximum: 32
                      minimum: 1
                      type: integer
                    hostBGPMinPrefixLen:
                      description: HostBGPMinPrefixLen is the shortest prefix length
                        accepted from the host within the subnet's IP range, 32 by default
                      maximum: 32
                      minimum: 1
                      type: integer
"""

# fabric v0.129.1 api/wiring/v1beta1/switch_types.go:145-150 (SwitchSpec.PortLocators), in
# wiring.githedgehog.com_switches.yaml between `portGroupSpeeds` and `portSpeeds`.
SWITCH_FIELDS = """\
              portLocators:
                additionalProperties:
                  type: string
                description: |-
                  PortLocators is a map of port locator LED expire times, key is the port name such as E1/1 (incl. breakout
                  ports such as E1/53/1) or "*" for all ports, value is the expire time: a duration relative to now
                  such as 10m, an exact expire time in the "2026-08-05 18:45:47" (UTC) format or empty for the default 5 minutes.
                  Values are normalized to the exact expire time and clamped to at most 20 minutes from now, already expired
                  entries are removed as well as all per-port ones if "*" is present
                type: object
"""


def insert_before(text, marker, block):
    """Inserts `block` before the one line equal to `marker`."""
    lines = text.splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.rstrip("\n") == marker]
    if len(hits) != 1:
        sys.exit(f"expected one line {marker!r}, found {len(hits)}")
    return "".join(lines[: hits[0]]) + block + "".join(lines[hits[0] :])


def derive_2603():
    out = CRDS / "26.03"
    out.mkdir(exist_ok=True)
    vpcs = "vpc.githedgehog.com_vpcs.yaml"
    text = (CRDS / vpcs).read_text()
    (out / vpcs).write_text(insert_before(text, "                    isolated:", VPC_FIELDS))
    switches = "wiring.githedgehog.com_switches.yaml"
    text = (CRDS / switches).read_text()
    (out / switches).write_text(insert_before(text, "              portSpeeds:", SWITCH_FIELDS))


def merge_patch(base, target):
    """The RFC 7396 merge patch that turns `base` into `target` (which holds no null)."""
    if not (isinstance(base, dict) and isinstance(target, dict)):
        if target is None:
            sys.exit("a schema holds null: a merge patch cannot express it")
        return target
    patch = {key: None for key in base if key not in target}
    for key, value in target.items():
        if key not in base:
            patch[key] = value
        elif base[key] != value:
            patch[key] = merge_patch(base[key], value)
    return patch


def import_schemas(binary, crds, out):
    subprocess.run(
        [binary, "schemas", "import", *map(str, crds), "--out", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return {p.name: json.loads(p.read_text()) for p in sorted(out.glob("*.json"))}


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "debug" / "hh-gitops")
    derive_2603()
    base = {p.name: json.loads(p.read_text()) for p in sorted((ROOT / "schemas").glob("*.json"))}
    (ROOT / "schemas" / "releases").mkdir(exist_ok=True)
    for release in RELEASES:
        crds = {p.name: p for p in sorted(CRDS.glob("*.yaml"))}
        crds.update({p.name: p for p in sorted((CRDS / release).glob("*.yaml"))})
        with tempfile.TemporaryDirectory() as tmp:
            schemas = import_schemas(binary, crds.values(), pathlib.Path(tmp))
        if sorted(schemas) != sorted(base):
            sys.exit(f"{release}: the kinds differ from the base set")
        patches = {}
        for name, schema in schemas.items():
            if schema != base[name]:
                patches[name] = merge_patch(base[name], schema)
        text = json.dumps(patches, indent=1, sort_keys=True, separators=(",", ":")) + "\n"
        (ROOT / "schemas" / "releases" / f"{release}.json").write_text(text)
        print(f"{release}: {len(patches)} schemas differ, {len(text)} bytes")


if __name__ == "__main__":
    main()
