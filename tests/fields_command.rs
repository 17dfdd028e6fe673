//! `rds-inventory fields` and `--columns` checked against it, through the real binary. No
//! AWS call is made: both are decided before the first one.

use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_rds-inventory");

/// Runs the binary in a scratch directory holding a one-account accounts file, with no AWS
/// settings from the environment.
fn run(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("a scratch dir");
    std::fs::write(
        dir.path().join("accounts.toml"),
        "regions = [\"us-east-1\"]\n[[accounts]]\nid = \"111111111111\"\n",
    )
    .expect("writing the accounts file");
    let mut command = Command::new(BIN);
    for (name, _) in std::env::vars_os() {
        let text = name.to_string_lossy();
        if text.starts_with("AWS_") || text.starts_with("RDS_INVENTORY_") {
            command.env_remove(&name);
        }
    }
    command
        .current_dir(dir.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/rds-inventory-tests/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rds-inventory-tests/credentials",
        )
        // Nothing may answer: a call that got this far would fail, not reach AWS.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("running rds-inventory")
}

#[test]
fn fields_piped_is_one_json_object_per_field() {
    let output = run(&["fields"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON row"))
        .collect();
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
    assert_eq!(markdown.status.code(), Some(0));
    let table = String::from_utf8(markdown.stdout).expect("UTF-8");
    let names = String::from_utf8(run(&["fields"]).stdout).expect("UTF-8");
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
    let output = run(&["--columns", "db_instance_identifier,engine_verison"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("did you mean engine_version?"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn a_mistyped_nested_member_is_a_usage_error_that_suggests_the_member() {
    let output = run(&["-f", "csv", "--columns", "certificate_details.valid_til"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("did you mean valid_till?"), "{stderr}");
}

#[test]
fn fields_lists_the_price_fields_last_for_instances() {
    let output = run(&["fields"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON row"))
        .collect();
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
