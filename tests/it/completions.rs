//! `hh-gitops completions SHELL` and `hh-gitops man`: generated from the CLI definition, so
//! every subcommand and flag is in them; the bash script is valid bash.

use std::process::Command;

use crate::common::{assert_exit, bin, output, stdout};

/// Words every completion script and the manual page must hold: the subcommands, and flags
/// of `check` and `sync` added late in the project's life.
const WORDS: &[&str] = &[
    "check",
    "sync",
    "list",
    "init",
    "free",
    "refs",
    "schemas",
    "completions",
    "man",
];

/// Flags, as every shell's script names them (fish writes `-l changed-since`).
const FLAGS: &[&str] = &[
    "changed-since",
    "hedgehog-release",
    "references",
    "fabric-config",
];

#[test]
fn each_shell_s_completions_name_every_subcommand_and_the_main_flags() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = output(bin().args(["completions", shell]));
        assert_exit(&out, 0);
        let script = stdout(&out);
        for word in WORDS.iter().chain(FLAGS) {
            assert!(script.contains(word), "{shell}: no `{word}`");
        }
    }
    let out = output(bin().args(["completions", "tcsh"]));
    assert_exit(&out, 2);
}

#[test]
fn the_bash_completions_are_valid_bash() {
    let script = stdout(&output(bin().args(["completions", "bash"])));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hh-gitops.bash");
    std::fs::write(&path, script).unwrap();
    let checked = output(Command::new("bash").arg("-n").arg(&path));
    assert_exit(&checked, 0);
}

#[test]
fn the_manual_page_names_every_subcommand_and_out_writes_a_page_for_each() {
    let out = output(bin().arg("man"));
    assert_exit(&out, 0);
    let page = stdout(&out);
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{page}");
    assert!(page.contains("\n.TH hh-gitops 1 "), "{page}");
    for word in WORDS {
        assert!(
            page.contains(&format!("\nhh\\-gitops\\-{word}(1)\n")),
            "no `{word}`"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    let out = output(bin().args(["man", "--out"]).arg(&pages));
    assert_exit(&out, 0);
    let mut written: Vec<String> = std::fs::read_dir(&pages)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    let mut expected: Vec<String> = WORDS
        .iter()
        .map(|word| format!("hh-gitops-{word}.1"))
        .chain(["hh-gitops.1".to_owned()])
        .chain(["import", "list"].map(|sub| format!("hh-gitops-schemas-{sub}.1")))
        .chain(["vlan", "subnet", "port"].map(|sub| format!("hh-gitops-free-{sub}.1")))
        .collect();
    expected.sort();
    assert_eq!(written, expected);
    let check = std::fs::read_to_string(pages.join("hh-gitops-check.1")).unwrap();
    assert!(check.contains("changed\\-since"), "{check}");
}
