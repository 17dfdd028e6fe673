//! `rds-inventory diff` from the outside: exit codes 0, 1 and 2, with no accounts file and
//! no AWS around.

use std::path::Path;

use crate::common::{Run, Tool};

/// Runs the binary in `dir`, which holds no accounts file.
fn run(dir: &Path, args: &[&str]) -> Run {
    Tool::new().dir(dir).args(args).run()
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
    let run = run(dir.path(), &["diff", "old.ndjson", "new.ndjson"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (Some(0), "", "")
    );
}

#[test]
fn differences_exit_1_and_print_one_line_per_change() {
    let new = ORDERS.replace("16.3", "16.4").replace(
        "\"deletion_protection\":true",
        "\"deletion_protection\":false",
    );
    let dir = scratch(&format!("{ORDERS}\n"), &format!("{new}\n"));
    let run = run(
        dir.path(),
        &["diff", "-f", "table", "old.ndjson", "new.ndjson"],
    );
    run.assert_code(1, "one change");
    assert_eq!(
        run.stdout,
        "changed  111111111111 (prod) eu-west-1 orders: deletion_protection true -> false, \
         engine_version 16.3 -> 16.4\n"
    );
}

#[test]
fn unreadable_file_exits_2() {
    let dir = scratch("", "");
    let run = run(dir.path(), &["diff", "old.ndjson", "missing.ndjson"]);
    run.assert_code(2, "a missing file");
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .starts_with("diff: error: missing.ndjson: cannot read"),
        "{}",
        run.stderr
    );
}

#[test]
fn line_that_is_not_a_record_exits_2_naming_file_and_line() {
    let dir = scratch(&format!("{ORDERS}\nnot json\n"), "");
    run(dir.path(), &["diff", "old.ndjson", "new.ndjson"])
        .assert_code(2, "a line that is not JSON")
        .assert_stderr_contains("old.ndjson:2: not JSON");
}

#[test]
fn usage_mistakes_exit_2() {
    let dir = scratch("", "");
    run(
        dir.path(),
        &["diff", "-f", "xml", "old.ndjson", "new.ndjson"],
    )
    .assert_code(2, "an unknown format");
    run(dir.path(), &["diff", "old.ndjson"]).assert_code(2, "one file");
    run(
        dir.path(),
        &["diff", "--fields", "a..b", "old.ndjson", "new.ndjson"],
    )
    .assert_code(2, "a bad --fields")
    .assert_stderr_contains("--fields");
}
