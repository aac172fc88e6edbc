//! The findings people hit most, word for word: each says what is wrong and what to do.

use crate::common::{assert_exit, bin, output, stdout};

/// Checks `text` as `f.yaml` and returns the finding lines (the totals line dropped).
fn findings(text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.yaml"), text).unwrap();
    let out = output(bin().current_dir(dir.path()).args(["check", "f.yaml"]));
    assert_exit(&out, 1);
    stdout(&out)
        .lines()
        .filter(|l| {
            !l.starts_with("checked ")
                && !l.starts_with("fabric config: ")
                && !l.starts_with("Hedgehog release: ")
        })
        .map(str::to_owned)
        .collect()
}

const VPC: &str = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n";

#[test]
fn an_unknown_field_names_the_field_it_probably_meant_or_the_fields_allowed() {
    let text = VPC
        .replace("  subnets:", "  subnts:")
        .replace("      vlan: 1001\n", "      vlna: 1001\n      color: red\n");
    assert_eq!(
        findings(&text),
        ["f.yaml:6:3: error: unknown field `subnts`: did you mean `subnets`? (at /spec/subnts)",]
    );
    let text = VPC.replace("      vlan: 1001\n", "      vlna: 1001\n      color: red\n");
    assert_eq!(
        findings(&text),
        [
            "f.yaml:9:7: error: unknown field `vlna`: did you mean `vlan`? (at /spec/subnets/default/vlna)",
            "f.yaml:10:7: error: unknown field `color`: the fields here are `dhcp`, `gateway`, `hostBGP`, `hostBGPExtraPrefixes`, `hostBGPMaxPrefixLen`, `hostBGPMinPrefixLen`, `isolated`, `restricted`, `subnet`, `vlan` (at /spec/subnets/default/color)",
        ]
    );
    let attachment = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCAttachment\nmetadata:\n  name: a\nspec:\n  subnet: vpc-1/default\n  connection: c\n  nativeVlan: true\n";
    assert_eq!(
        findings(attachment),
        [
            "f.yaml:8:3: error: unknown field `nativeVlan`: did you mean `nativeVLAN`? (at /spec/nativeVlan)"
        ]
    );
}

#[test]
fn a_mapping_that_takes_no_fields_names_each_field_at_its_line() {
    let group = "apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: g\nspec:\n  members: [a]\n  type: x\n";
    assert_eq!(
        findings(group),
        [
            "f.yaml:6:3: error: unknown field `members`: this mapping takes no fields (at /spec/members)",
            "f.yaml:7:3: error: unknown field `type`: this mapping takes no fields (at /spec/type)",
        ]
    );
}

#[test]
fn a_quoted_number_or_boolean_says_to_remove_the_quotes() {
    let text = VPC.replace("vlan: 1001", "vlan: \"1023\"") + "  defaultIsolated: 'true'\n";
    assert_eq!(
        findings(&text),
        [
            "f.yaml:9:13: error: `vlan` must be a number, not text: remove the quotes (`vlan: 1023`) (at /spec/subnets/default/vlan)",
            "f.yaml:10:20: error: `defaultIsolated` must be true or false, not text: remove the quotes (`defaultIsolated: true`) (at /spec/defaultIsolated)",
        ]
    );
}

#[test]
fn a_value_where_a_mapping_belongs_says_so_and_points_at_a_key_indented_too_little() {
    // `vlan` one level too shallow: read as a subnet named `vlan`.
    let text = VPC.replace("      vlan: 1001", "    vlan: 1001");
    assert_eq!(
        findings(&text),
        [
            "f.yaml:9:5: error: `vlan` must be a mapping (keys indented under it), not `1001`: it is indented less than `subnet` on the line above (column 5 against 7); if it belongs with `subnet`, indent it to match (at /spec/subnets/vlan)"
        ]
    );
    let text = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets: default\n";
    assert_eq!(
        findings(text),
        [
            "f.yaml:6:3: error: `subnets` must be a mapping (keys indented under it), not `default` (at /spec/subnets)"
        ]
    );
}

#[test]
fn a_kind_in_the_wrong_case_or_group_names_the_right_one() {
    let text = VPC.replace("kind: VPC", "kind: vpc");
    assert_eq!(
        findings(&text),
        [
            "f.yaml:2:7: error: unknown kind `vpc` (vpc.githedgehog.com/v1beta1): did you mean `kind: VPC` with `apiVersion: vpc.githedgehog.com/v1beta1`? (at /kind)"
        ]
    );
    let text = VPC.replace(
        "vpc.githedgehog.com/v1beta1",
        "wiring.githedgehog.com/v1beta1",
    );
    assert_eq!(
        findings(&text),
        [
            "f.yaml:2:7: error: unknown kind `VPC` (wiring.githedgehog.com/v1beta1): did you mean `kind: VPC` with `apiVersion: vpc.githedgehog.com/v1beta1`? (at /kind)"
        ]
    );
}

#[test]
fn a_kubectl_export_names_the_lines_to_delete_and_its_resource_version_and_uid_keep_it_in_raw() {
    // A `kubectl get -o yaml` export with one real mistake, so that the file is reported.
    let export = "apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {\"apiVersion\":\"vpc.githedgehog.com/v1beta1\",\"kind\":\"VPC\"}
  creationTimestamp: \"2025-08-06T07:28:42Z\"
  generation: 1
  name: vpc-1
  namespace: default
  resourceVersion: \"12345\"
  uid: 4b7c1f2e-0000-4000-8000-000000000000
spec:
  subnets:
    default:
      subnet: 10.0.1.0/24
      vlan: 1001
  permit: oops
status: {}
";
    assert_eq!(
        findings(export),
        [
            // Errors first: what keeps the file in raw/ is read before what only warns.
            "f.yaml:11:3: error: this looks like a `kubectl get -o yaml` export: delete lines 11–12 (`metadata.resourceVersion`, `metadata.uid`); the applier refuses them: `kubectl apply` rejects a `resourceVersion` when it creates the object and a stale one when it updates it, and a `uid` that is not the live object's (at /metadata/resourceVersion)",
            "f.yaml:18:11: error: \"oops\" is not of type \"array\" (at /spec/permit)",
            "f.yaml:5:5: warning: this looks like a `kubectl get -o yaml` export: delete lines 5–8, 19 (the `kubectl.kubernetes.io/last-applied-configuration` annotation, `metadata.creationTimestamp`, `metadata.generation`, `status`); the fabric fills these in (at /metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration)",
        ]
    );
}

#[test]
fn an_unknown_field_indented_less_than_the_key_above_says_so() {
    let text = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n  gateway: 10.0.1.1\n";
    assert_eq!(
        findings(text),
        [
            "f.yaml:9:3: error: unknown field `gateway`: the fields here are `defaultIsolated`, `defaultRestricted`, `ipv4Namespace`, `mode`, `permit`, `staticRoutes`, `subnets`, `vlanNamespace`; it is indented less than `subnet` on the line above (column 3 against 7): if it belongs with `subnet`, indent it to match (at /spec/gateway)"
        ]
    );
}

#[test]
fn color_marks_only_a_findings_own_label_never_the_labels_its_message_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let bad = VPC.replace(
        "      vlan: 1001\n",
        "      \"x: error: y: warning: z\": 1\n",
    );
    std::fs::write(dir.path().join("bad.yaml"), bad).unwrap();
    let check = |color: &str| {
        let out = output(
            bin()
                .current_dir(dir.path())
                .args(["check", "--quiet", "--color", color, "bad.yaml"]),
        );
        assert_exit(&out, 1);
        stdout(&out)
    };
    let fields = "the fields here are `dhcp`, `gateway`, `hostBGP`, `hostBGPExtraPrefixes`, `hostBGPMaxPrefixLen`, `hostBGPMinPrefixLen`, `isolated`, `restricted`, `subnet`, `vlan`";
    assert_eq!(
        check("always"),
        format!(
            "bad.yaml:9:7: \x1b[1;31merror\x1b[0m: unknown field `x: error: y: warning: z`: {fields} (at /spec/subnets/default/x: error: y: warning: z)\n\
             checked 1 file: 0 valid (0 resources), 1 rejected (1 error), 0 warnings\n"
        )
    );
    assert_eq!(
        check("never"),
        format!(
            "bad.yaml:9:7: error: unknown field `x: error: y: warning: z`: {fields} (at /spec/subnets/default/x: error: y: warning: z)\n\
             checked 1 file: 0 valid (0 resources), 1 rejected (1 error), 0 warnings\n"
        )
    );
}

#[test]
fn quiet_prints_only_the_errors_and_the_totals_and_color_marks_the_labels() {
    let dir = tempfile::tempdir().unwrap();
    let bad = VPC.replace("      vlan: 1001\n", "      vlna: 1001\n");
    std::fs::write(dir.path().join("bad.yaml"), bad).unwrap();
    std::fs::write(
        dir.path().join("good.yaml"),
        VPC.replace("vpc-1", "vpc-2")
            .replace("10.0.1.", "10.0.2.")
            .replace("1001", "1002"),
    )
    .unwrap();
    let quiet =
        output(
            bin()
                .current_dir(dir.path())
                .args(["check", "--quiet", "bad.yaml", "good.yaml"]),
        );
    assert_exit(&quiet, 1);
    assert_eq!(
        stdout(&quiet),
        "bad.yaml:9:7: error: unknown field `vlna`: did you mean `vlan`? (at /spec/subnets/default/vlna)\nchecked 2 files: 1 valid (1 resource), 1 rejected (1 error), 2 warnings\n"
    );
    let coloured = output(
        bin()
            .current_dir(dir.path())
            .args(["check", "--quiet", "--color", "always", "bad.yaml"]),
    );
    assert!(
        stdout(&coloured).starts_with("bad.yaml:9:7: \x1b[1;31merror\x1b[0m: unknown field"),
        "{:?}",
        stdout(&coloured)
    );
    // Not a terminal, so `auto` (the default) prints no colour; NO_COLOR is honoured too.
    let plain = output(
        bin()
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .args(["check", "bad.yaml"]),
    );
    assert!(!stdout(&plain).contains('\x1b'));
}

#[test]
fn a_kubectl_list_export_is_one_error_saying_to_split_it() {
    let item = |name: &str| {
        format!(
            "- apiVersion: vpc.githedgehog.com/v1beta1\n  kind: VPC\n  metadata:\n    name: {name}\n  spec: {{}}\n"
        )
    };
    let list = |names: &[&str]| {
        let items: String = names.iter().map(|n| item(n)).collect();
        format!("apiVersion: v1\nkind: List\nitems:\n{items}metadata:\n  resourceVersion: \"\"\n")
    };
    assert_eq!(
        findings(&list(&["vpc-1", "vpc-2", "vpc-3", "vpc-4"])),
        [
            "f.yaml:2:7: error: this is a `kind: List` of 4 objects (VPC `vpc-1`, VPC `vpc-2`, VPC `vpc-3`, ...), as `kubectl get -o yaml` writes several: hh-gitops moves one object per document, so write each item as a document of its own (`yq '.items[] | split_doc' FILE` does) and check again (at /kind)"
        ]
    );
    assert_eq!(
        findings(&list(&["vpc-1"]).replace("kind: List", "kind: VPCList")),
        [
            "f.yaml:2:7: error: this is a `kind: VPCList` of 1 object (VPC `vpc-1`), as `kubectl get -o yaml` writes several: hh-gitops moves one object per document, so write each item as a document of its own (`yq '.items[] | split_doc' FILE` does) and check again (at /kind)"
        ]
    );
}
