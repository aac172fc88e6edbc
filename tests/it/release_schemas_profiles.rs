//! The built-in SwitchProfiles of each Hedgehog release, as a fabric of that release checks
//! a Switch: a profile the release does not build in is refused, and a port that is a
//! breakout port only in a newer release cannot be broken out. A raw file goes through the
//! whole check (`validate::check_file`, then `crosscheck::check_fabric`) with the release in
//! the rules' `Context`.

use hh_gitops::crosscheck::{self, Scope};
use hh_gitops::finding::{Finding, Severity};
use hh_gitops::plan::{FabricInput, RawFile, RawOutcome};
use hh_gitops::rules::state::References;
use hh_gitops::rules::{Context, Release};
use hh_gitops::schema::Registry;
use hh_gitops::validate::check_file;

/// The messages of the errors (not the warnings) among `findings`.
fn errors(findings: Vec<Finding>) -> Vec<String> {
    findings
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.message)
        .collect()
}

/// The error messages of `yaml` as the only raw file of an otherwise empty fabric of
/// `release` (no fab.yaml), or `Ok`.
fn check_at(release: Release, yaml: &str) -> Result<(), Vec<String>> {
    let ctx = Context {
        config: None,
        config_given: false,
        release,
    };
    let resources = check_file(&Registry::embedded(), &ctx, yaml.as_bytes()).map_err(errors)?;
    let mut input = FabricInput {
        dir: "fabric".into(),
        files: vec![RawFile {
            path: "raw/switch.yaml".into(),
            outcome: RawOutcome::Valid(resources),
            names: Vec::new(),
            untouched: false,
            displaces: Default::default(),
        }],
        targets: Default::default(),
        config: Default::default(),
        managed: Vec::new(),
        managed_findings: Vec::new(),
        deleted: Vec::new(),
        edited: Vec::new(),
        strays: Vec::new(),
        cluster: Vec::new(),
        missing: Vec::new(),
    };
    input.settle(crosscheck::check_fabric(
        &input,
        &ctx,
        References::Warn,
        &Scope::AlreadyThere,
    ));
    match input.files.remove(0).outcome {
        RawOutcome::Valid(_) => Ok(()),
        RawOutcome::Rejected(findings) => Err(errors(findings)),
        RawOutcome::Ignored => unreachable!("a YAML file"),
    }
}

fn switch(profile: &str, extra: &str) -> String {
    format!(
        "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: leaf-01\nspec:\n  role: server-leaf\n  profile: {profile}\n  asn: 65101\n  ip: 172.30.0.8/21\n  protocolIP: 172.30.8.2/32\n  vtepIP: 172.30.12.0/32\n{extra}"
    )
}

#[test]
fn a_switch_of_a_profile_its_release_does_not_build_in_is_refused() {
    // edgecore-eps202 is built in from 26.03 on, edgecore-dcs240 from 26.02 on
    // (schemas/switchprofiles/<release>/SOURCE.md).
    for (profile, since) in [
        ("edgecore-eps202", Release::V26_03),
        ("edgecore-dcs240", Release::V26_02),
        ("edgecore-eps203", Release::V26_01),
    ] {
        for release in Release::ALL {
            let verdict = check_at(release, &switch(profile, ""));
            if release >= since {
                assert_eq!(verdict, Ok(()), "{profile} at {release}");
            } else {
                let messages = verdict.unwrap_err();
                assert_eq!(messages.len(), 1, "{profile} at {release}: {messages:?}");
                assert!(
                    messages[0].starts_with(&format!(
                        "SwitchProfile `{profile}` does not exist: the fabric has only its built-in profiles (`celestica-ds2000`, "
                    )),
                    "{profile} at {release}: {messages:?}"
                );
                assert!(
                    !messages[0].contains(&format!("`{profile}`,")),
                    "{messages:?}"
                );
            }
        }
    }
}

#[test]
fn eps203_ports_53_and_54_break_out_from_26_03_and_take_speeds_before() {
    let breakout = switch("edgecore-eps203", "  portBreakouts:\n    E1/53: 4x25G\n");
    let speed = switch("edgecore-eps203", "  portSpeeds:\n    E1/53: 40G\n");
    for release in Release::ALL {
        let (breakout, speed) = (check_at(release, &breakout), check_at(release, &speed));
        if release >= Release::V26_03 {
            assert_eq!(breakout, Ok(()), "{release}");
            assert_eq!(
                speed,
                Err(vec![
                    "port `E1/53` of SwitchProfile `edgecore-eps203` takes a breakout mode, not a speed: set it in `portBreakouts`".to_owned()
                ]),
                "{release}"
            );
        } else {
            assert_eq!(
                breakout,
                Err(vec![
                    "port `E1/53` of SwitchProfile `edgecore-eps203` cannot be broken out: remove it from `portBreakouts` (set its speed in `portSpeeds` or `portGroupSpeeds`)".to_owned()
                ]),
                "{release}"
            );
            assert_eq!(speed, Ok(()), "{release}");
        }
    }
}
