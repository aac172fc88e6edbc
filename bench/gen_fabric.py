#!/usr/bin/env python3
"""One large, consistent Hedgehog fabric, for the cross-object benchmark (issue 8).

At scale 1 the fabric holds 1 IPv4Namespace, 1 VLANNamespace, 2,000 VPCs, 8,000
VPCAttachments, 200 switches (10 spines, 190 leaves on the built-in `vs` profile), 1,900
servers and 7,980 connections (7,600 unbundled, 380 fabric): about 20,000 documents, every
one valid against every other (no overlapping subnets, no VLAN or port used twice, every
reference present; VLANs 1000-2999 taken, 100-999 free). Scale N repeats that as N pods, each with its own VLANNamespace (VLANs
are unique per namespace and a namespace holds at most 2,000 here) and switches, sharing
the one IPv4Namespace, so checking cost grows with N alone.

Layouts:
  raw      every document in raw/, 200 per file (a fabric's first import)
  managed  every document in managed/<plural>/<name>.yaml (what hh-gitops writes), plus
           raw/new.yaml with 10 new VPCs and their attachments (the everyday run)

Usage: gen_fabric.py OUT_DIR [--scale 1] [--layout raw|managed]
Writes OUT_DIR/gitops/hedgehog/big/. Same arguments, same bytes. Standard library only.
"""
import argparse
import os

VPC_API = "vpc.githedgehog.com/v1beta1"
WIRING_API = "wiring.githedgehog.com/v1beta1"

VPCS_PER_POD = 2000
SPINES = 10
LEAVES = 190
SERVER_PORTS_PER_LEAF = 40  # E1/1..E1/40; E1/47 and E1/48 go to the spines
PORTS_PER_SERVER = 4
ATTACHMENTS_PER_POD = 8000


def doc(api, kind, name, spec_lines):
    head = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\nspec:"
    if not spec_lines:
        return head + " {}\n"
    return head + "\n" + "".join(f"  {line}\n" for line in spec_lines)


def vpc_subnet(global_index):
    return f"10.{global_index // 256 % 256}.{global_index % 256}.0/24"


def pod(p, documents):
    """Appends pod p's documents as (plural, name, text)."""
    vlan_ns = "default" if p == 0 else f"pod-{p}"
    documents.append(("vlannamespaces", vlan_ns, doc(WIRING_API, "VLANNamespace", vlan_ns,
                      ["ranges:", "- from: 100", "  to: 2999"])))
    prefix = f"p{p}-"
    for s in range(SPINES):
        documents.append(("switches", f"{prefix}spine-{s:02}", doc(WIRING_API, "Switch", f"{prefix}spine-{s:02}",
                          ["role: spine", "profile: vs", "vlanNamespaces:", f"- {vlan_ns}"])))
    for l in range(LEAVES):
        documents.append(("switches", f"{prefix}leaf-{l:03}", doc(WIRING_API, "Switch", f"{prefix}leaf-{l:03}",
                          ["role: server-leaf", "profile: vs", "vlanNamespaces:", f"- {vlan_ns}"])))
    servers = LEAVES * SERVER_PORTS_PER_LEAF // PORTS_PER_SERVER
    for s in range(servers):
        documents.append(("servers", f"{prefix}server-{s:04}", doc(WIRING_API, "Server", f"{prefix}server-{s:04}", [])))
    unbundled = []
    for l in range(LEAVES):
        for port in range(SERVER_PORTS_PER_LEAF):
            index = l * SERVER_PORTS_PER_LEAF + port
            server = f"{prefix}server-{index // PORTS_PER_SERVER:04}"
            leaf = f"{prefix}leaf-{l:03}"
            name = f"{server}--unbundled--{leaf}--e1-{port + 1}"
            unbundled.append(name)
            documents.append(("connections", name, doc(WIRING_API, "Connection", name, [
                "unbundled:", "  link:", "    server:",
                f"      port: {server}/enp2s{index % PORTS_PER_SERVER + 1}",
                "    switch:", f"      port: {leaf}/E1/{port + 1}"])))
        for k, spine in enumerate((l % SPINES, (l + 1) % SPINES)):
            spine_name = f"{prefix}spine-{spine:02}"
            leaf = f"{prefix}leaf-{l:03}"
            # Each spine meets 38 leaves; its port is the leaf's place among them.
            spine_port = (l // SPINES) * 2 + k + 1
            name = f"{spine_name}--fabric--{leaf}"
            documents.append(("connections", name, doc(WIRING_API, "Connection", name, [
                "fabric:", "  links:", "  - spine:", f"      port: {spine_name}/E1/{spine_port}",
                "    leaf:", f"      port: {leaf}/E1/{47 + k}"])))
    for v in range(VPCS_PER_POD):
        global_index = p * VPCS_PER_POD + v
        name = f"{prefix}v{v:04}"
        documents.append(("vpcs", name, doc(VPC_API, "VPC", name, [
            f"vlanNamespace: {vlan_ns}", "subnets:", "  default:",
            f"    subnet: {vpc_subnet(global_index)}", f"    vlan: {1000 + v}"])))
    for a in range(ATTACHMENTS_PER_POD):
        connection = unbundled[a % len(unbundled)]
        vpc = f"{prefix}v{a % VPCS_PER_POD:04}"
        name = f"{prefix}a{a:05}"
        documents.append(("vpcattachments", name, doc(VPC_API, "VPCAttachment", name, [
            f"subnet: {vpc}/default", f"connection: {connection}"])))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--layout", choices=["raw", "managed"], default="raw")
    args = parser.parse_args()
    fabric = os.path.join(args.out, "gitops", "hedgehog", "big")
    os.makedirs(os.path.join(fabric, "raw"), exist_ok=True)
    documents = [("ipv4namespaces", "default",
                  doc(VPC_API, "IPv4Namespace", "default", ["subnets:", "- 10.0.0.0/8"]))]
    for p in range(args.scale):
        pod(p, documents)
    if args.layout == "raw":
        for start in range(0, len(documents), 200):
            chunk = documents[start:start + 200]
            with open(os.path.join(fabric, "raw", f"part-{start // 200:04}.yaml"), "w") as out:
                out.write("---\n".join(text for _, _, text in chunk))
    else:
        for plural, name, text in documents:
            folder = os.path.join(fabric, "managed", plural)
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, name + ".yaml"), "w") as out:
                out.write(text)
        new = []
        for v in range(10):
            name = f"new-{v}"
            global_index = args.scale * VPCS_PER_POD + v
            new.append(doc(VPC_API, "VPC", name, [
                "subnets:", "  default:", f"    subnet: {vpc_subnet(global_index)}",
                f"    vlan: {100 + v}"]))
        with open(os.path.join(fabric, "raw", "new.yaml"), "w") as out:
            out.write("---\n".join(new))
    print(f"{len(documents)} documents in {fabric} ({args.layout})")


if __name__ == "__main__":
    main()
