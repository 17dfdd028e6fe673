//! `rds-inventory fields` and `--columns` checked against it, through the real binary. No
//! AWS call is made: both are decided before the first one.

use crate::common::{Account, AccountsFile, Run, Tool};

/// Runs the binary in a scratch directory holding a one-account accounts file.
fn run(args: &[&str]) -> Run {
    let tool = Tool::new()
        // Nothing may answer: a call that got this far would fail, not reach AWS.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    AccountsFile::new()
        .regions(["us-east-1"])
        .account(Account::new("111111111111"))
        .write(tool.workdir());
    tool.args(args).run()
}

#[test]
fn fields_piped_is_one_json_object_per_field() {
    let rows = run(&["fields"]).assert_code(0, "fields").json_lines();
    assert!(rows.len() > 100, "{}", rows.len());
    for row in &rows {
        for key in ["name", "type", "meaning", "source"] {
            assert!(row[key].is_string(), "{key} in {row}");
        }
    }
    assert_eq!(rows[0]["name"], "account_id");
    assert_eq!(rows[23]["name"], "tags");
}

#[test]
fn fields_as_markdown_is_a_table_with_one_row_per_field() {
    let markdown = run(&["fields", "-f", "markdown"]);
    let table = &markdown.assert_code(0, "fields -f markdown").stdout;
    let names = run(&["fields"]).stdout;
    let mut lines = table.lines();
    assert_eq!(lines.next(), Some("| field | type | meaning | source |"));
    assert_eq!(lines.next(), Some("| --- | --- | --- | --- |"));
    for (row, line) in lines.zip(names.lines()) {
        let name: serde_json::Value = serde_json::from_str(line).expect("a JSON row");
        let name = name["name"].as_str().expect("a name");
        assert!(row.starts_with(&format!("| `{name}` | ")), "{row}");
    }
    assert_eq!(table.lines().count(), names.lines().count() + 2);
}

#[test]
fn a_mistyped_column_is_a_usage_error_that_suggests_the_name() {
    let run = run(&["--columns", "db_instance_identifier,engine_verison"]);
    run.assert_code(2, "a mistyped column")
        .assert_stderr_contains("did you mean engine_version?");
    assert!(run.stdout.is_empty());
}

#[test]
fn a_mistyped_nested_member_is_a_usage_error_that_suggests_the_member() {
    run(&["-f", "csv", "--columns", "certificate_details.valid_til"])
        .assert_code(2, "a mistyped member")
        .assert_stderr_contains("did you mean valid_till?");
}

#[test]
fn fields_lists_the_price_fields_last_for_instances() {
    let rows = run(&["fields"]).assert_code(0, "fields").json_lines();
    let names: Vec<&str> = rows.iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(
        names[names.len() - 5..],
        [
            "price_currency",
            "price_hourly",
            "price_monthly",
            "price_components",
            "price_missing"
        ],
        "the price fields come after the existing instance fields"
    );
    let components = rows
        .iter()
        .find(|r| r["name"] == "price_components")
        .expect("price_components");
    assert!(
        components["source"]
            .as_str()
            .is_some_and(|s| s.contains("GetProducts")),
        "{components}"
    );
}
