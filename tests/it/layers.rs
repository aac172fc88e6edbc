//! Issue 20, item 4: the top-level modules form layers whose arrows only point down. This
//! reads every `crate::<module>` path in src/ (outside test code and comments) and fails on any cycle
//! between top-level modules, naming each module of the cycle and one line per arrow; and it
//! holds the pure core (parse, validate, plan and what they use) apart from the shell: no
//! arrow from the core reaches a shell module, and no core file does I/O or reads the
//! clock or the environment.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file that is not test code: test-only files are skipped, and a file's
/// `#[cfg(test)]` module (always its last item here) is cut off.
fn production_code(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if name == "tests.rs" || name.ends_with("_tests.rs") || name == "test_support.rs" {
        return None;
    }
    let text = std::fs::read_to_string(path).unwrap();
    Some(match text.find("#[cfg(test)]") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    })
}

/// The arrows between top-level modules: from module, to module, one place it is written.
fn arrows(src: &Path) -> BTreeMap<(String, String), String> {
    let top_level: BTreeSet<String> = std::fs::read_dir(src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let stem = p.file_stem()?.to_str()?.to_owned();
            (p.is_dir() || p.extension().is_some_and(|e| e == "rs")).then_some(stem)
        })
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut found = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src).unwrap();
        let from = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        if !top_level.contains(&from) {
            continue;
        }
        let Some(code) = production_code(&file) else {
            continue;
        };
        for (number, line) in code.lines().enumerate() {
            // A doc link is no dependency.
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (at, _) in line.match_indices("crate::") {
                let rest = &line[at + "crate::".len()..];
                assert!(
                    !rest.starts_with('{'),
                    "src/{}:{}: `crate::{{...}}` hides its modules from this scan: write a path per module",
                    relative.display(),
                    number + 1
                );
                let to: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if to != from && top_level.contains(&to) {
                    found
                        .entry((from.clone(), to))
                        .or_insert_with(|| format!("src/{}:{}", relative.display(), number + 1));
                }
            }
        }
    }
    found
}

/// The pure core: reading documents, judging them alone and against the fabric, planning
/// the move, and the leaves those stages use. Plain data in, plain data out.
const CORE: &[&str] = &[
    "crosscheck",
    "finding",
    "limits",
    "manifest",
    "names",
    "parallel",
    "paths",
    "plan",
    "release",
    "rules",
    "schema",
    "similar",
    "validate",
];

/// The shell: files, git, GitHub, the command line, the environment and the printers of
/// reports. The core hands it data and never calls it.
const SHELL: &[&str] = &[
    "backend",
    "cli",
    "console",
    "flags",
    "gha",
    "init",
    "pipeline",
    "report",
    "repo_config",
    "source",
];

/// What the core's production code may not name: I/O, the clock, the environment, the
/// process, and printing.
const IMPURE: &[&str] = &[
    "std::fs",
    "std::env",
    "std::process",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "std::time",
    "SystemTime",
    "Instant::",
    "stdin()",
    "stdout()",
    "stderr()",
    "print!",
    "println!",
];

/// The `.rs` files of top-level module `module` (a folder or a file) under `src`.
fn module_files(src: &Path, module: &str) -> Vec<PathBuf> {
    let folder = src.join(module);
    let mut files = Vec::new();
    if folder.is_dir() {
        rust_files(&folder, &mut files);
    }
    let file = src.join(format!("{module}.rs"));
    if file.is_file() {
        files.push(file);
    }
    files
}

/// Where the production code of the `modules` under `src` names one of `IMPURE`: one line
/// per place, `src/<path>:<line>: <name>`.
fn impure_lines(src: &Path, modules: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for module in modules {
        for file in module_files(src, module) {
            let Some(code) = production_code(&file) else {
                continue;
            };
            for (number, line) in code.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for name in IMPURE.iter().filter(|name| line.contains(**name)) {
                    let relative = file.strip_prefix(src).unwrap().display();
                    found.push(format!("src/{relative}:{}: {name}", number + 1));
                }
            }
        }
    }
    found
}

/// The modules reachable from `start` along `arrows`.
fn reachable(start: &str, arrows: &BTreeMap<(String, String), String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![start.to_owned()];
    while let Some(module) = todo.pop() {
        for (from, to) in arrows.keys() {
            if *from == module && seen.insert(to.clone()) {
                todo.push(to.clone());
            }
        }
    }
    seen
}

#[test]
fn no_two_top_level_modules_depend_on_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let arrows = arrows(&src);
    assert!(
        arrows.len() > 20,
        "the scan finds the modules' arrows: {arrows:?}"
    );
    let mut back_arrows = Vec::new();
    for ((from, to), place) in &arrows {
        if reachable(to, &arrows).contains(from) {
            back_arrows.push(format!("{from} -> {to} ({place})"));
        }
    }
    assert!(
        back_arrows.is_empty(),
        "these arrows lie on cycles between top-level modules; move the shared item down a layer:\n{}",
        back_arrows.join("\n")
    );
}

#[test]
fn the_core_reaches_no_shell_module_and_does_no_io() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for module in CORE.iter().chain(SHELL) {
        assert!(
            !module_files(&src, module).is_empty(),
            "`{module}` is no module of src/: update the layer lists"
        );
    }
    let arrows = arrows(&src);
    let mut upward = Vec::new();
    for core in CORE {
        for shell in reachable(core, &arrows).intersection(
            &SHELL
                .iter()
                .map(|m| (*m).to_owned())
                .collect::<BTreeSet<_>>(),
        ) {
            upward.push(format!("{core} reaches {shell}"));
        }
    }
    assert!(
        upward.is_empty(),
        "the core must not depend on the shell:\n{}",
        upward.join("\n")
    );
    let impure = impure_lines(&src, CORE);
    assert!(
        impure.is_empty(),
        "the core does I/O, or reads the clock or the environment; let the shell hand it data:\n{}",
        impure.join("\n")
    );
}

#[test]
fn the_purity_scan_sees_io_in_production_code_only() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir(src.join("plan")).unwrap();
    std::fs::write(
        src.join("plan/mod.rs"),
        "// std::fs in a comment is none\npub fn f() {}\n#[cfg(test)]\nmod tests { fn g() { std::fs::read(\"x\"); } }\n",
    )
    .unwrap();
    assert_eq!(impure_lines(src, &["plan"]), Vec::<String>::new());
    std::fs::write(
        src.join("plan/read.rs"),
        "fn h() { let _ = std::env::var(\"A\"); }\n",
    )
    .unwrap();
    assert_eq!(
        impure_lines(src, &["plan"]),
        ["src/plan/read.rs:1: std::env"]
    );
}

#[test]
fn the_scan_sees_a_cycle_when_there_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::write(src.join("lib.rs"), "pub mod a;\npub mod b;\n").unwrap();
    std::fs::write(src.join("a.rs"), "use crate::b::B;\n").unwrap();
    std::fs::create_dir(src.join("b")).unwrap();
    std::fs::write(
        src.join("b/mod.rs"),
        "pub struct B;\n#[cfg(test)]\nmod tests { use crate::a; }\n",
    )
    .unwrap();
    let found = arrows(src);
    assert_eq!(found.len(), 1, "test code is no arrow: {found:?}");
    std::fs::write(src.join("b/inner.rs"), "fn f() { crate::a::g() }\n").unwrap();
    let found = arrows(src);
    assert_eq!(found[&("b".into(), "a".into())], "src/b/inner.rs:1");
    assert!(reachable("a", &found).contains("a"));
}
