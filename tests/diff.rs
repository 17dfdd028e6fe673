//! `rds-inventory diff` from the outside: exit codes 0, 1 and 2, with no accounts file and
//! no AWS around.

use std::path::Path;
use std::process::Command;

/// Runs the binary in `dir` with a clean environment; (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rds-inventory"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .output()
        .expect("run rds-inventory");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("utf-8");
    (out.status.code(), text(out.stdout), text(out.stderr))
}

const ORDERS: &str = r#"{"account_id":"111111111111","account_name":"prod","region":"eu-west-1","db_instance_identifier":"orders","engine":"postgres","engine_version":"16.3","deletion_protection":true}"#;

fn scratch(old: &str, new: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("old.ndjson"), old).expect("write old");
    std::fs::write(dir.path().join("new.ndjson"), new).expect("write new");
    dir
}

#[test]
fn no_differences_exits_0_without_an_accounts_file() {
    let line = format!("{ORDERS}\n");
    let dir = scratch(&line, &line);
    let (code, out, err) = run(dir.path(), &["diff", "old.ndjson", "new.ndjson"]);
    assert_eq!((code, out.as_str(), err.as_str()), (Some(0), "", ""));
}

#[test]
fn differences_exit_1_and_print_one_line_per_change() {
    let new = ORDERS.replace("16.3", "16.4").replace(
        "\"deletion_protection\":true",
        "\"deletion_protection\":false",
    );
    let dir = scratch(&format!("{ORDERS}\n"), &format!("{new}\n"));
    let (code, out, err) = run(
        dir.path(),
        &["diff", "-f", "table", "old.ndjson", "new.ndjson"],
    );
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(
        out,
        "changed  111111111111 (prod) eu-west-1 orders: deletion_protection true -> false, \
         engine_version 16.3 -> 16.4\n"
    );
}

#[test]
fn unreadable_file_exits_2() {
    let dir = scratch("", "");
    let (code, out, err) = run(dir.path(), &["diff", "old.ndjson", "missing.ndjson"]);
    assert_eq!(code, Some(2));
    assert!(out.is_empty());
    assert!(
        err.starts_with("diff: error: missing.ndjson: cannot read"),
        "{err}"
    );
}

#[test]
fn line_that_is_not_a_record_exits_2_naming_file_and_line() {
    let dir = scratch(&format!("{ORDERS}\nnot json\n"), "");
    let (code, _, err) = run(dir.path(), &["diff", "old.ndjson", "new.ndjson"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("old.ndjson:2: not JSON"), "{err}");
}

#[test]
fn usage_mistakes_exit_2() {
    let dir = scratch("", "");
    let (code, _, _) = run(
        dir.path(),
        &["diff", "-f", "xml", "old.ndjson", "new.ndjson"],
    );
    assert_eq!(code, Some(2));
    let (code, _, _) = run(dir.path(), &["diff", "old.ndjson"]);
    assert_eq!(code, Some(2));
    let (code, _, err) = run(
        dir.path(),
        &["diff", "--fields", "a..b", "old.ndjson", "new.ndjson"],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("--fields"), "{err}");
}
