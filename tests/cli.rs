//! The command line itself: help, completions, man page, and the README staying in step.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rds-inventory");

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("RDS_INVENTORY_CONFIG")
        .output()
        .expect("run rds-inventory");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

#[test]
fn completions_render_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, Some(0), "{shell}: {err}");
        assert!(out.contains("rds-inventory"), "{shell}");
        assert!(out.contains("tag-column"), "{shell} completes the flags");
    }
    let (code, _, _) = run(&["completions", "tcsh"]);
    assert_eq!(code, Some(2));
}

#[test]
fn man_page_renders() {
    let (code, out, _) = run(&["man"]);
    assert_eq!(code, Some(0));
    assert!(
        out.starts_with(".ie") || out.contains(".TH"),
        "roff: {:.200}",
        out
    );
    assert!(out.contains("rds\\-inventory") || out.contains("rds-inventory"));
    assert!(out.contains("summary"));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let (code, out, err) = run(&["--no-such-flag"]);
    assert_eq!(code, Some(2));
    assert!(out.is_empty());
    assert!(err.contains("--no-such-flag"));
}

/// Every long flag in `--help` is documented in the README.
#[test]
fn readme_documents_every_flag() {
    let (code, help, _) = run(&["--help"]);
    assert_eq!(code, Some(0));
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let flags: Vec<&str> = help
        .split_whitespace()
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| w.trim_end_matches([',', '.', ')']))
        .filter(|w| !w.contains('=') && *w != "--help" && *w != "--version")
        .collect();
    assert!(flags.len() >= 15, "{flags:?}");
    for flag in flags {
        let flag = flag.split('<').next().unwrap_or(flag);
        assert!(readme.contains(flag), "README does not mention {flag}");
    }
    for command in ["plan", "completions", "man"] {
        assert!(
            readme.contains(&format!("rds-inventory {command}")),
            "README: {command}"
        );
    }
}
