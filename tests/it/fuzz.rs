//! Fuzzing the pure core: parse -> validate -> plan on arbitrary bytes, on YAML-shaped token
//! soup and on mutations of the real fixtures under `tests/fixtures/`. No input may panic,
//! a moved document must stay the same valid resource when checked alone, and time must
//! grow in proportion to the input, never faster.
//!
//! The case count is bounded for CI (about 30 s in all on a loaded machine);
//! `PROPTEST_CASES=100000 cargo test --release --test it fuzz::` searches longer.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use hh_gitops::plan::{self, FabricInput, Plan, RawFile, RawOutcome, TargetState};
use hh_gitops::rules::Context;
use hh_gitops::schema::Registry;
use hh_gitops::validate::{self, Resource};
use proptest::prelude::*;
use proptest::sample::Index;

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::embedded);
static RULES: LazyLock<Context> = LazyLock::new(Context::fabricator_defaults);

/// Held by each test of this file while it runs: the timing test must not share the
/// machine with the fuzzing ones (the test harness runs tests on parallel threads).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Every YAML file under tests/fixtures, the seeds of the mutation strategy.
static FIXTURES: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let mut found = Vec::new();
    collect_yaml(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        &mut found,
    );
    assert!(found.len() > 20, "fixtures missing: {}", found.len());
    found
});

fn collect_yaml(dir: &Path, found: &mut Vec<Vec<u8>>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_yaml(&path, found);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            found.push(std::fs::read(&path).unwrap());
        }
    }
}

/// Pieces of YAML and of Hedgehog resources that, shuffled, reach deep into the parser and
/// the validator far more often than random bytes do.
const FRAGMENTS: &[&str] = &[
    "\n",
    "\r\n",
    "\r",
    "  ",
    "\t",
    ": ",
    "- ",
    "---\n",
    "...\n",
    "# c\n",
    "|+\n",
    "|-\n",
    ">\n",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!set ",
    "!!str ",
    "!!int ",
    "!foo ",
    "%YAML 1.1\n",
    "%TAG !e! tag:x:\n",
    "{",
    "}",
    "[",
    "]",
    ", ",
    "\"",
    "'",
    "? ",
    "~",
    "null",
    "yes",
    "0x1F",
    "1e3",
    "\u{feff}",
    "\u{2028}",
    "é",
    "apiVersion: vpc.githedgehog.com/v1beta1\n",
    "apiVersion: wiring.githedgehog.com/v1beta1\n",
    "kind: VPC\n",
    "kind: Connection\n",
    "kind: SwitchGroup\n",
    "metadata:\n  name: vpc-1\n",
    "metadata: {name: a}\n",
    "  namespace: default\n",
    "spec:\n",
    "  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n",
    "  vlan: 1001\n",
    "  unknown: 1\n",
    "10.0.0.0/24",
];

fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..80)
        .prop_map(|pieces| pieces.concat().into_bytes())
}

/// One edit of a fixture.
#[derive(Debug, Clone)]
enum Mutation {
    Delete(Index, u8),
    Insert(Index, &'static str),
    SetByte(Index, u8),
    Duplicate(Index, u8),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<Index>(), prop::sample::select(FRAGMENTS))
            .prop_map(|(at, f)| Mutation::Insert(at, f)),
        (any::<Index>(), any::<u8>()).prop_map(|(at, b)| Mutation::SetByte(at, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        let len = bytes.len();
        let at = |index: &Index| if len == 0 { 0 } else { index.index(len + 1) };
        match mutation {
            Mutation::Delete(index, n) => {
                let from = at(index).min(len);
                let to = (from + usize::from(*n)).min(len);
                bytes.drain(from..to);
            }
            Mutation::Insert(index, fragment) => {
                let from = at(index).min(len);
                bytes.splice(from..from, fragment.bytes());
            }
            Mutation::SetByte(index, byte) => {
                if len > 0 {
                    let i = index.index(len);
                    bytes[i] = *byte;
                }
            }
            Mutation::Duplicate(index, n) => {
                let from = at(index).min(len);
                let to = (from + usize::from(*n)).min(len);
                let copy = bytes[from..to].to_vec();
                bytes.splice(to..to, copy);
            }
            Mutation::Truncate(index) => bytes.truncate(at(index)),
        }
    }
    bytes
}

fn mutated_fixture() -> impl Strategy<Value = Vec<u8>> {
    (any::<Index>(), prop::collection::vec(mutation(), 1..6)).prop_map(|(pick, mutations)| {
        let seed = &FIXTURES[pick.index(FIXTURES.len())];
        apply(seed.clone(), &mutations)
    })
}

/// What a managed path holds before the move, chosen per case.
fn target_state(choice: u8, resource: &Resource) -> TargetState {
    match choice % 4 {
        0 => TargetState::Absent,
        1 => TargetState::File(resource.text.clone().into_bytes()),
        2 => TargetState::File(b"old: text\n".to_vec()),
        _ => TargetState::Uncommitted,
    }
}

/// Runs one input through the pure pipeline and checks what must hold for every input.
fn drive(bytes: &[u8], target_choice: u8) -> Result<(), TestCaseError> {
    let outcome = match validate::check_file(&REGISTRY, &RULES, bytes) {
        Ok(resources) => {
            for resource in &resources {
                // What lands in managed/ is still that resource, valid, when checked alone.
                let alone = validate::check_file(&REGISTRY, &RULES, resource.text.as_bytes())
                    .map_err(|findings| {
                        TestCaseError::fail(format!(
                            "{:?} is rejected alone: {findings:?}",
                            resource.text
                        ))
                    })?;
                prop_assert_eq!(alone.len(), 1);
                prop_assert_eq!(&alone[0].kind, &resource.kind);
                prop_assert_eq!(&alone[0].name, &resource.name);
            }
            RawOutcome::Valid(resources)
        }
        Err(findings) => {
            prop_assert!(!findings.is_empty());
            RawOutcome::Rejected(findings)
        }
    };
    let targets: BTreeMap<String, TargetState> = match &outcome {
        RawOutcome::Valid(resources) => resources
            .iter()
            .map(|r| (r.managed_path(), target_state(target_choice, r)))
            .collect(),
        _ => BTreeMap::new(),
    };
    let input = FabricInput {
        dir: "gitops/hedgehog/f".to_owned(),
        files: vec![RawFile {
            path: "raw/fuzz.yaml".to_owned(),
            outcome,
            names: Vec::new(),
            untouched: false,
            displaces: Default::default(),
        }],
        targets,
        config: Default::default(),
        managed: Vec::new(),
        managed_findings: Vec::new(),
        deleted: Vec::new(),
        edited: Vec::new(),
        strays: Vec::new(),
        cluster: Vec::new(),
        missing: Vec::new(),
    };
    let fabric = plan::plan_fabric(&input);
    prop_assert_eq!(fabric.moved.len() + fabric.rejected.len(), 1);
    let changes = Plan {
        fabrics: vec![fabric],
    }
    .changes();
    for write in &changes.writes {
        prop_assert!(
            write.path.starts_with("gitops/hedgehog/f/"),
            "{}",
            write.path
        );
    }
    Ok(())
}

/// Drives one case and fails it when it takes grossly longer than its size warrants: a
/// bound far above normal (a few ms here) so that only blow-ups trip it on a busy machine.
fn drive_in_time(bytes: &[u8], target_choice: u8) -> Result<(), TestCaseError> {
    let started = Instant::now();
    drive(bytes, target_choice)?;
    let elapsed = started.elapsed();
    let bound = Duration::from_secs(3) + Duration::from_micros(200) * bytes.len() as u32;
    prop_assert!(
        elapsed < bound,
        "{} bytes took {elapsed:?} (bound {bound:?}): {:?}",
        bytes.len(),
        String::from_utf8_lossy(bytes)
    );
    Ok(())
}

/// Cases per strategy: bounded for CI, raised with `PROPTEST_CASES`.
fn config(default_cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default_cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(5_000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048), choice in any::<u8>()) {
        let _alone = one_at_a_time();
        drive_in_time(&bytes, choice)?;
    }
}

proptest! {
    #![proptest_config(config(10_000))]

    #[test]
    fn yaml_token_soup_never_panics(bytes in token_soup(), choice in any::<u8>()) {
        let _alone = one_at_a_time();
        drive_in_time(&bytes, choice)?;
    }

    #[test]
    fn mutated_fixtures_never_panic(bytes in mutated_fixture(), choice in any::<u8>()) {
        let _alone = one_at_a_time();
        drive_in_time(&bytes, choice)?;
    }
}

/// Time to check `bytes` once.
fn time_to_check(bytes: &[u8]) -> Duration {
    let started = Instant::now();
    let _ = validate::check_file(&REGISTRY, &RULES, bytes);
    started.elapsed()
}

const VPC_HEAD: &str = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n";

/// Inputs that once took, or could take, quadratic time, made with `n` repetitions.
fn worst_cases(n: usize) -> Vec<(&'static str, String)> {
    let unknown_keys: String = (0..n).map(|i| format!("  u{i}: 1\n")).collect();
    let bad_subnets: String = (0..n)
        .map(|i| format!("    s{i}:\n      subnet: 10.0.1.0/24\n      vlan: x\n"))
        .collect();
    let documents: String = (0..n / 8)
        .map(|i| VPC_HEAD.replace("vpc-1", &format!("v{i}")) + "---\n")
        .collect();
    let same_name: String = (0..n / 8).map(|_| format!("{VPC_HEAD}---\n")).collect();
    let flow: String = (0..n).map(|i| format!("{i}, ")).collect();
    vec![
        ("unknown spec keys", format!("{VPC_HEAD}{unknown_keys}")),
        (
            "wrong-typed subnets",
            format!(
                "{}spec:\n  subnets:\n{bad_subnets}",
                &VPC_HEAD[..VPC_HEAD.find("spec:").unwrap()]
            ),
        ),
        ("many documents", documents),
        ("one resource many times", same_name),
        ("a long flow sequence", format!("{VPC_HEAD}  x: [{flow}]\n")),
    ]
}

/// Timing: a wall-clock ratio, which a loaded machine can upset; run it with
/// `cargo test --release --test it fuzz:: -- --ignored`.
#[test]
#[ignore = "timing: wall-clock ratio of two input sizes (run with -- --ignored)"]
fn checking_time_grows_in_proportion_to_the_input() {
    let _alone = one_at_a_time();
    let small = worst_cases(2_500);
    let large = worst_cases(20_000);
    for ((shape, small), (_, large)) in small.iter().zip(&large) {
        // The best of five runs each, taken in turns, so that load from elsewhere on the
        // machine weighs on both sizes alike.
        let (mut t_small, mut t_large) = (Duration::MAX, Duration::MAX);
        for _ in 0..5 {
            t_small = t_small.min(time_to_check(small.as_bytes()));
            t_large = t_large.min(time_to_check(large.as_bytes()));
        }
        // Eight times the input: linear work takes about 8x as long, quadratic 64x. Only a
        // gross departure fails.
        assert!(
            t_large < t_small * 24 + Duration::from_millis(250),
            "{shape}: {} bytes took {t_small:?}, {} bytes took {t_large:?}",
            small.len(),
            large.len()
        );
    }
}
