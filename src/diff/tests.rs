//! The whole comparison over real files, one behaviour per test.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::*;

/// A record shaped like the tool's, with `extra` merged in.
fn rec(account: &str, region: &str, id: &str, extra: Value) -> Value {
    let mut record = json!({
        "account_id": account, "account_name": format!("name-{account}"), "region": region,
        "db_instance_identifier": id, "dbi_resource_id": format!("db-{account}-{region}-{id}"),
        "engine": "postgres", "engine_version": "16.3", "db_instance_class": "db.t3.micro",
        "deletion_protection": true, "tags": {"owner": "team"},
        "latest_restorable_time": "2024-01-01T00:00:00Z",
    });
    if let (Some(base), Value::Object(extra)) = (record.as_object_mut(), extra) {
        base.extend(extra);
    }
    record
}

fn ndjson(records: &[Value]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

struct Run {
    code: u8,
    out: String,
    err: String,
}

impl Run {
    fn lines(&self) -> Vec<Value> {
        self.out
            .lines()
            .map(|line| serde_json::from_str(line).expect("NDJSON line"))
            .collect()
    }
}

fn args(old: &Path, new: &Path) -> DiffArgs {
    DiffArgs {
        old: old.to_path_buf(),
        new: new.to_path_buf(),
        format: DiffFormat::Ndjson,
        fields: Vec::new(),
        ignore: Vec::new(),
        summary: None,
    }
}

struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Files {
        Files {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        let mut file = std::fs::File::create(&path).expect("create");
        file.write_all(content.as_bytes()).expect("write");
        path
    }

    /// Diffs two contents with `adjust` applied to the arguments.
    fn diff(&self, old: &str, new: &str, adjust: impl FnOnce(&mut DiffArgs)) -> Run {
        let mut args = args(&self.write("old", old), &self.write("new", new));
        adjust(&mut args);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = match diff(&args, &mut out, &mut err) {
            Ok(false) => SAME,
            Ok(true) => DIFFERENT,
            Err(message) => {
                err.extend_from_slice(message.as_bytes());
                TROUBLE
            }
        };
        Run {
            code,
            out: String::from_utf8(out).expect("utf-8"),
            err: String::from_utf8(err).expect("utf-8"),
        }
    }
}

fn no_args(_: &mut DiffArgs) {}

#[test]
fn identical_inventories_have_no_differences() {
    let records = [rec("1", "r", "a", json!({})), rec("1", "r", "b", json!({}))];
    let run = Files::new().diff(&ndjson(&records), &ndjson(&records), no_args);
    assert_eq!(
        (run.code, run.out.as_str(), run.err.as_str()),
        (SAME, "", "")
    );
}

#[test]
fn added_instance_carries_its_record() {
    let old = [rec("1", "r", "a", json!({}))];
    let new = [rec("1", "r", "a", json!({})), rec("1", "r", "b", json!({}))];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), no_args);
    assert_eq!(run.code, DIFFERENT);
    let lines = run.lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["change"], "added");
    assert_eq!(lines[0]["db_instance_identifier"], "b");
    assert_eq!(lines[0]["account_name"], "name-1");
    assert_eq!(lines[0]["record"], new[1]);
}

#[test]
fn removed_instance_carries_its_record() {
    let old = [rec("1", "r", "a", json!({})), rec("1", "r", "b", json!({}))];
    let new = [rec("1", "r", "b", json!({}))];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), no_args);
    let lines = run.lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["change"], "removed");
    assert_eq!(lines[0]["record"], old[0]);
}

#[test]
fn changed_instance_lists_old_and_new_of_each_field() {
    let old = [rec("1", "r", "a", json!({}))];
    let new = [rec(
        "1",
        "r",
        "a",
        json!({"engine_version": "16.4", "deletion_protection": false}),
    )];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), no_args);
    assert_eq!(
        run.lines(),
        vec![
            json!({"change": "changed", "account_id": "1", "account_name": "name-1",
            "region": "r", "db_instance_identifier": "a",
            "fields": {"deletion_protection": {"old": true, "new": false},
                       "engine_version": {"old": "16.3", "new": "16.4"}}})
        ]
    );
}

#[test]
fn output_is_sorted_by_account_region_identifier() {
    let old = [rec("2", "r", "x", json!({})), rec("1", "s", "x", json!({}))];
    let new = [rec("1", "r", "z", json!({})), rec("1", "r", "b", json!({}))];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), no_args);
    let keys: Vec<String> = run
        .lines()
        .iter()
        .map(|l| {
            format!(
                "{} {} {}",
                l["account_id"], l["region"], l["db_instance_identifier"]
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            r#""1" "r" "b""#,
            r#""1" "r" "z""#,
            r#""1" "s" "x""#,
            r#""2" "r" "x""#
        ]
    );
}

#[test]
fn rename_is_one_change_with_its_changed_fields() {
    let old = [rec(
        "1",
        "r",
        "orders",
        json!({"dbi_resource_id": "db-X", "endpoint_port": 5432}),
    )];
    let new = [rec(
        "1",
        "r",
        "orders-v2",
        json!({"dbi_resource_id": "db-X", "endpoint_port": 5433}),
    )];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), no_args);
    assert_eq!(
        run.lines(),
        vec![
            json!({"change": "renamed", "account_id": "1", "account_name": "name-1",
            "region": "r", "db_instance_identifier": "orders-v2",
            "old_db_instance_identifier": "orders",
            "fields": {"endpoint_port": {"old": 5432, "new": 5433}}})
        ]
    );
}

#[test]
fn shared_resource_id_is_no_rename() {
    let same = json!({"dbi_resource_id": "db-SAME"});
    let old = [
        rec("1", "r", "a", same.clone()),
        rec("1", "r", "b", same.clone()),
    ];
    let new = [rec("1", "r", "b", same.clone()), rec("1", "r", "c", same)];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), no_args);
    let kinds: Vec<_> = run.lines().iter().map(|l| l["change"].clone()).collect();
    assert_eq!(kinds, [json!("removed"), json!("added")]);
}

#[test]
fn null_resource_id_is_no_rename() {
    let old = [rec("1", "r", "a", json!({"dbi_resource_id": null}))];
    let new = [rec("1", "r", "b", json!({"dbi_resource_id": null}))];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), no_args);
    let kinds: Vec<_> = run.lines().iter().map(|l| l["change"].clone()).collect();
    assert_eq!(kinds, [json!("removed"), json!("added")]);
}

#[test]
fn fields_that_change_on_their_own_are_ignored_by_default() {
    let old = [rec("1", "r", "a", json!({"certificate_days_left": 30}))];
    let new = [rec(
        "1",
        "r",
        "a",
        json!({"certificate_days_left": 29, "latest_restorable_time": "later"}),
    )];
    let files = Files::new();
    let run = files.diff(&ndjson(&old), &ndjson(&new), no_args);
    assert_eq!((run.code, run.out.as_str()), (SAME, ""));
    let run = files.diff(&ndjson(&old), &ndjson(&new), |a| {
        a.ignore = vec!["none".into()]
    });
    assert_eq!(run.code, DIFFERENT);
    let fields = &run.lines()[0]["fields"];
    assert_eq!(
        fields["certificate_days_left"],
        json!({"old": 30, "new": 29})
    );
    assert!(fields.get("latest_restorable_time").is_some());
}

#[test]
fn fields_with_a_dotted_path_compare_only_that_member() {
    let old = [rec(
        "1",
        "r",
        "a",
        json!({"certificate_details": {"ca": "x", "valid_till": "2025"}}),
    )];
    let new = [rec(
        "1",
        "r",
        "a",
        json!({"engine_version": "17", "certificate_details": {"ca": "y", "valid_till": "2026"}}),
    )];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), |a| {
        a.fields = vec!["certificate_details.valid_till".into()];
    });
    assert_eq!(
        run.lines()[0]["fields"],
        json!({"certificate_details": {"old": {"valid_till": "2025"}, "new": {"valid_till": "2026"}}})
    );
}

#[test]
fn ignore_drops_a_field() {
    let old = [rec("1", "r", "a", json!({}))];
    let new = [rec("1", "r", "a", json!({"tags": {"owner": "other"}}))];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), |a| {
        a.ignore = vec!["tags".into()]
    });
    assert_eq!(run.code, SAME);
}

#[test]
fn hostile_values_keep_one_table_line_per_change() {
    let hostile = "line1\nline2\r\"quoted\" \u{1b}[2J \u{202e}gnp.exe é";
    let old = [rec("1", "r", "a", json!({})), rec("1", "r", "b", json!({}))];
    let new = [
        rec(
            "1",
            "r",
            "a",
            json!({"tags": {"owner": hostile, hostile: "x"}}),
        ),
        rec("1", "r", "b", json!({"engine_version": hostile})),
    ];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), |a| {
        a.format = DiffFormat::Table
    });
    assert_eq!(run.out.lines().count(), 2, "{}", run.out);
    assert!(
        !run.out.contains(['\r', '\u{1b}', '\u{202e}']),
        "{}",
        run.out
    );
    let ndjson_run = Files::new().diff(&ndjson(&old), &ndjson(&new), no_args);
    assert_eq!(
        ndjson_run.lines()[1]["fields"]["engine_version"]["new"],
        hostile
    );
}

#[test]
fn duplicate_key_in_old_names_both_lines() {
    let old = [
        rec("1", "r", "a", json!({})),
        rec("1", "r", "b", json!({})),
        rec("1", "r", "a", json!({})),
    ];
    let run = Files::new().diff(&ndjson(&old), "", no_args);
    assert_eq!(run.code, TROUBLE);
    assert!(
        run.err.contains("old:1 and ") && run.err.contains("old:3: the same instance twice"),
        "{}",
        run.err
    );
}

#[test]
fn duplicate_key_in_new_names_both_lines() {
    let old = [rec("1", "r", "a", json!({}))];
    for dup in ["a", "b"] {
        let new = [
            rec("1", "r", dup, json!({})),
            rec("1", "r", "c", json!({})),
            rec("1", "r", dup, json!({})),
        ];
        let run = Files::new().diff(&ndjson(&old), &ndjson(&new), no_args);
        assert_eq!(run.code, TROUBLE, "{dup}");
        assert!(
            run.err.contains("new:1 and ") && run.err.contains("new:3: the same instance twice"),
            "{}",
            run.err
        );
    }
}

#[test]
fn truncated_last_line_is_trouble() {
    let whole = ndjson(&[rec("1", "r", "a", json!({})), rec("1", "r", "b", json!({}))]);
    let cut = &whole[..whole.len() - 20];
    let run = Files::new().diff(&whole, cut, no_args);
    assert_eq!(run.code, TROUBLE);
    assert!(
        run.err.contains("new:2: truncated last line"),
        "{}",
        run.err
    );
}

#[test]
fn last_line_without_newline_but_complete_is_accepted() {
    let whole = ndjson(&[rec("1", "r", "a", json!({}))]);
    let run = Files::new().diff(&whole, whole.trim_end(), no_args);
    assert_eq!(run.code, SAME, "{}", run.err);
}

#[test]
fn line_that_is_not_a_record_is_named_by_file_and_line() {
    let old = format!("{}[1,2]\n", ndjson(&[rec("1", "r", "a", json!({}))]));
    let run = Files::new().diff(&old, "", no_args);
    assert_eq!(run.code, TROUBLE);
    assert!(run.err.contains("old:2: not a record"), "{}", run.err);
    let no_key = "{\"account_id\": \"1\", \"region\": \"r\"}\n";
    let run = Files::new().diff("", no_key, no_args);
    assert!(
        run.err
            .contains("new:1: not a record: no db_instance_identifier"),
        "{}",
        run.err
    );
}

#[test]
fn empty_file_and_empty_array_are_the_same_empty_inventory() {
    let run = Files::new().diff("", "[]\n", no_args);
    assert_eq!((run.code, run.out.as_str()), (SAME, ""));
}

#[test]
fn json_array_input_compares_with_ndjson() {
    let records = [rec("1", "r", "a", json!({})), rec("1", "r", "b", json!({}))];
    let array = serde_json::to_string_pretty(&records).expect("json");
    let files = Files::new();
    assert_eq!(files.diff(&array, &ndjson(&records), no_args).code, SAME);
    let changed = [
        rec("1", "r", "a", json!({})),
        rec("1", "r", "b", json!({"engine": "mysql"})),
    ];
    let run = files.diff(&array, &ndjson(&changed), no_args);
    assert_eq!(
        run.lines()[0]["fields"]["engine"],
        json!({"old": "postgres", "new": "mysql"})
    );
    let removed = files.diff(&array, &ndjson(&records[..1]), no_args);
    assert_eq!(removed.lines()[0]["record"], records[1]);
}

#[test]
fn csv_input_compares_as_text_with_ndjson() {
    let csv = "account_id,account_name,region,db_instance_identifier,endpoint_port,multi_az,tags\n\
               1,prod,r,a,5432,true,\"{\"\"owner\"\":\"\"x\"\"}\"\n1,prod,r,b,,false,{}\n";
    let records = [
        json!({"account_id": "1", "account_name": "prod", "region": "r", "db_instance_identifier": "a",
               "endpoint_port": 5432, "multi_az": true, "tags": {"owner": "x"}}),
        json!({"account_id": "1", "account_name": "prod", "region": "r", "db_instance_identifier": "b",
               "endpoint_port": null, "multi_az": false, "tags": {}}),
    ];
    let run = Files::new().diff(csv, &ndjson(&records), no_args);
    assert_eq!(
        (run.code, run.out.as_str(), run.err.as_str()),
        (SAME, "", "")
    );
}

const SUMMARY_REGION_FAILED: &str = r#"{"status": "partial", "targets": {"planned": 2, "ok": 1, "failed": 1, "unfinished": 0},
    "failures": [{"account_id": "1", "account_name": "name-1", "region": "r2", "phase": "describe",
                  "error_code": "AccessDenied", "message": "no"}], "unfinished_targets": []}"#;

fn with_summary(files: &Files, summary: &str) -> impl FnOnce(&mut DiffArgs) {
    let path = files.write("summary.json", summary);
    move |a: &mut DiffArgs| a.summary = Some(path)
}

#[test]
fn failed_region_is_one_unknown_line_not_removals() {
    let files = Files::new();
    let old = [
        rec("1", "r1", "a", json!({})),
        rec("1", "r2", "b", json!({})),
        rec("1", "r2", "c", json!({})),
    ];
    let new = [rec("1", "r1", "a", json!({}))];
    let run = files.diff(
        &ndjson(&old),
        &ndjson(&new),
        with_summary(&files, SUMMARY_REGION_FAILED),
    );
    assert_eq!(run.code, DIFFERENT);
    assert_eq!(
        run.lines(),
        vec![
            json!({"change": "unknown", "account_id": "1", "account_name": "name-1", "region": "r2",
                    "reason": "describe failed: AccessDenied: no"})
        ]
    );
    assert!(run.err.is_empty(), "{}", run.err);
}

#[test]
fn failed_account_covers_all_its_regions() {
    let files = Files::new();
    let summary = r#"{"status": "partial", "failures": [{"account_id": "2", "account_name": "b",
        "region": null, "phase": "assume_role", "error_code": null, "message": "denied"}]}"#;
    let old = [
        rec("1", "r1", "a", json!({})),
        rec("2", "r1", "b", json!({})),
        rec("2", "r2", "c", json!({})),
    ];
    let new = [rec("1", "r1", "a", json!({"engine": "mysql"}))];
    let run = files.diff(&ndjson(&old), &ndjson(&new), with_summary(&files, summary));
    let lines = run.lines();
    assert_eq!(lines.len(), 2, "{}", run.out);
    assert_eq!(lines[0]["change"], "changed");
    assert_eq!(lines[1]["change"], "unknown");
    assert_eq!(lines[1]["region"], Value::Null);
}

#[test]
fn unfinished_target_is_unknown() {
    let files = Files::new();
    let summary = r#"{"status": "interrupted", "failures": [],
        "unfinished_targets": [{"account_id": "1", "account_name": "name-1", "region": "r"}]}"#;
    let old = [rec("1", "r", "a", json!({}))];
    let run = files.diff(&ndjson(&old), "", with_summary(&files, summary));
    let lines = run.lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["change"], "unknown");
}

#[test]
fn fatal_summary_is_trouble() {
    let files = Files::new();
    let run = files.diff(
        "",
        "",
        with_summary(&files, r#"{"status": "fatal", "failures": []}"#),
    );
    assert_eq!(run.code, TROUBLE);
}

#[test]
fn vanished_target_without_summary_prints_one_hint() {
    let old = [
        rec("1", "r1", "a", json!({})),
        rec("1", "r2", "b", json!({})),
        rec("1", "r2", "c", json!({})),
    ];
    let new = [rec("1", "r1", "a", json!({}))];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), no_args);
    assert_eq!(run.lines().len(), 2);
    assert_eq!(
        run.err,
        "diff: warning: account 1 (name-1) region r2: 2 instances in OLD, none in NEW — \
         a failed target? pass --summary NEW_SUMMARY\n"
    );
}

#[test]
fn added_and_removed_table_lines_name_the_engine() {
    let old = [rec("1", "r", "a", json!({}))];
    let run = Files::new().diff(&ndjson(&old), "", |a| a.format = DiffFormat::Table);
    assert_eq!(
        run.out,
        "removed  1 (name-1) r a: postgres 16.3 db.t3.micro\n"
    );
}

/// A cluster record shaped like the tool's, with `extra` merged in.
fn cluster(account: &str, region: &str, id: &str, extra: Value) -> Value {
    let mut record = json!({
        "account_id": account, "account_name": format!("name-{account}"), "region": region,
        "db_cluster_identifier": id, "db_cluster_resource_id": format!("cluster-{id}"),
        "engine": "aurora-postgresql", "engine_version": "16.4", "deletion_protection": true,
        "latest_restorable_time": "2024-01-01T00:00:00Z",
        "earliest_restorable_time": "2024-01-01T00:00:00Z", "capacity": 2,
    });
    if let (Some(base), Value::Object(extra)) = (record.as_object_mut(), extra) {
        base.extend(extra);
    }
    record
}

#[test]
fn cluster_files_are_keyed_by_cluster_identifier_without_a_flag() {
    let old = [
        cluster("1", "r", "ledger", json!({})),
        cluster("1", "r", "gone", json!({})),
    ];
    let new = [cluster(
        "1",
        "r",
        "ledger",
        json!({"deletion_protection": false}),
    )];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), no_args);
    assert_eq!(run.code, DIFFERENT, "{}", run.err);
    let lines = run.lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["change"], "removed");
    assert_eq!(lines[0]["db_cluster_identifier"], "gone");
    assert!(lines[0].get("db_instance_identifier").is_none());
    assert_eq!(lines[1]["change"], "changed");
    assert_eq!(lines[1]["db_cluster_identifier"], "ledger");
    assert_eq!(
        lines[1]["fields"],
        json!({"deletion_protection": {"old": true, "new": false}})
    );
}

#[test]
fn a_renamed_cluster_is_found_by_its_resource_id() {
    let rid = json!({"db_cluster_resource_id": "cluster-X"});
    let old = [cluster("1", "r", "ledger", rid.clone())];
    let new = [cluster("1", "r", "ledger-v2", rid)];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), no_args);
    assert_eq!(
        run.lines(),
        vec![
            json!({"change": "renamed", "account_id": "1", "account_name": "name-1",
            "region": "r", "db_cluster_identifier": "ledger-v2",
            "old_db_cluster_identifier": "ledger", "fields": {}})
        ]
    );
}

#[test]
fn a_clusters_volatile_members_are_not_compared_by_default() {
    let old = [cluster("1", "r", "ledger", json!({}))];
    let new = [cluster(
        "1",
        "r",
        "ledger",
        json!({"earliest_restorable_time": "2024-02-01T00:00:00Z", "capacity": 8,
               "latest_restorable_time": "2024-02-02T00:00:00Z"}),
    )];
    let run = Files::new().diff(&ndjson(&old), &ndjson(&new), no_args);
    assert_eq!((run.code, run.out.as_str()), (SAME, ""), "{}", run.err);
    let all = Files::new().diff(&ndjson(&old), &ndjson(&new), |a| {
        a.ignore = vec!["none".into()]
    });
    assert_eq!(all.code, DIFFERENT);
    let refused = Files::new().diff(&ndjson(&old), &ndjson(&new), |a| {
        a.fields = vec!["db_cluster_identifier".into()]
    });
    assert_eq!(refused.code, TROUBLE);
    assert!(refused.err.contains("match key"), "{}", refused.err);
}

#[test]
fn two_files_of_different_kinds_are_trouble() {
    let instances = [rec(
        "1",
        "r",
        "a",
        json!({"db_cluster_identifier": "ledger"}),
    )];
    let clusters = [cluster("1", "r", "ledger", json!({}))];
    let run = Files::new().diff(&ndjson(&instances), &ndjson(&clusters), no_args);
    assert_eq!(run.code, TROUBLE);
    assert!(
        run.err.contains("holds instances")
            && run.err.contains("holds clusters")
            && run.err.contains("one kind"),
        "{}",
        run.err
    );
    let empty_old = Files::new().diff("", &ndjson(&clusters), no_args);
    assert_eq!(empty_old.code, DIFFERENT, "{}", empty_old.err);
    assert_eq!(empty_old.lines()[0]["db_cluster_identifier"], "ledger");
}

#[test]
fn a_cluster_csv_is_read_by_its_identifier_column() {
    let old = "account_id,region,db_cluster_identifier,engine\n1,r,ledger,aurora-mysql\n";
    let new = "account_id,region,db_cluster_identifier,engine\n1,r,ledger,aurora-postgresql\n";
    let run = Files::new().diff(old, new, |a| a.format = DiffFormat::Csv);
    assert_eq!(run.code, DIFFERENT, "{}", run.err);
    assert!(
        run.out.starts_with(
            "change,account_id,account_name,region,db_cluster_identifier,field,old,new\n"
        ),
        "{}",
        run.out
    );
    assert!(run
        .out
        .contains("changed,1,,r,ledger,engine,aurora-mysql,aurora-postgresql"));
}

#[test]
fn a_summary_failure_of_the_other_kind_leaves_this_kind_known() {
    let files = Files::new();
    let summary = files.write(
        "summary.json",
        r#"{"status": "partial", "failures": [
            {"account_id": "1", "account_name": "a", "region": "r", "phase": "describe",
             "kind": "clusters", "error_code": "AccessDenied", "message": "no"}]}"#,
    );
    let old = [rec("1", "r", "a", json!({}))];
    let run = files.diff(&ndjson(&old), "", |a| a.summary = Some(summary.clone()));
    let kinds: Vec<_> = run.lines().iter().map(|l| l["change"].clone()).collect();
    assert_eq!(
        kinds,
        [json!("removed")],
        "an instance diff ignores a clusters failure"
    );
    let clusters = [cluster("1", "r", "ledger", json!({}))];
    let run = files.diff(&ndjson(&clusters), "", |a| {
        a.summary = Some(summary.clone())
    });
    let kinds: Vec<_> = run.lines().iter().map(|l| l["change"].clone()).collect();
    assert_eq!(
        kinds,
        [json!("unknown")],
        "the clusters of that target are unknown"
    );
}
