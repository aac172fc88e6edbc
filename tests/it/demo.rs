//! The README's two set-up commands, `./examples/demo.sh` and `cargo test`, are in its
//! "Try it / develop" section, and the demo does what the README says: it syncs the bundled
//! example repository and shows the one commit.

use crate::common::{assert_exit, bin, output, readme_section, stdout};

#[test]
fn the_readme_demo_moves_the_example_fabric() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo.sh");
    let binary = bin().get_program().to_owned();
    let out = output(
        std::process::Command::new("bash")
            .arg(script)
            .env("HH_GITOPS", binary),
    );
    let text = stdout(&out);
    assert_exit(&out, 0);
    assert!(text.contains("committed "), "{text}");
    assert!(
        text.contains("hh-gitops: move 4 raw files to managed (49 resources)"),
        "{text}"
    );
    assert!(text.contains("--- raw/ now holds: .gitkeep\n"), "{text}");
    let work = text
        .lines()
        .last()
        .unwrap()
        .trim_start_matches("--- the example repository is in ");
    std::fs::remove_dir_all(work).unwrap();
}

#[test]
fn the_readme_shows_both_set_up_commands_in_its_try_it_section() {
    let section = readme_section("## Try it / develop");
    for command in ["./examples/demo.sh ", "cargo test "] {
        assert!(
            section.lines().any(|line| line.starts_with(command)),
            "the Try it section lacks `{command}`:\n{section}"
        );
    }
    assert!(section.contains("](CONTRIBUTING.md)"), "{section}");
}
