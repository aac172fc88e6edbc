//! The README's first command, `./examples/demo.sh`, does what the README says: it syncs
//! the bundled example repository and shows the one commit.

mod common;

use common::{assert_exit, bin, output, stdout};

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
