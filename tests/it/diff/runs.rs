//! `diff` end to end: two runs of the tool against the fake, whose inventory changes between
//! them (fake-aws generation 0, then 1), the second with one target failing; the changes
//! `diff` reports are exactly the fake's, and the failed target is `unknown`, not removed.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use common::fake::{self, base_config};
use common::moto::run_python;
use common::Tool;
use fake_aws::{ChangeKind, FakeConfig, TargetFailure};
use serde_json::Value;

/// (change, account, region, identifier) of every line `diff` printed.
type Line = (String, String, String, String);

fn line_of(change: &Value) -> Line {
    let text = |k: &str| change[k].as_str().unwrap_or_default().to_string();
    (
        text("change"),
        text("account_id"),
        text("region"),
        text("db_instance_identifier"),
    )
}

#[test]
fn diff_of_two_runs_reports_the_fakes_changes_and_a_failed_target_as_unknown() {
    let config = FakeConfig {
        ..base_config(3, 12)
    };
    let fake = fake::start(config.clone());
    let first = fake::run(&fake, &["-o", "old.ndjson", "-q"]);
    first.assert_code(0, "first night");

    fake.set_generation(1);
    // A target that has instances in both nights fails on the second.
    let served = fake.served_config();
    let failed = served
        .reachable_inventory()
        .iter()
        .map(|i| (i.account_id.clone(), i.region.clone()))
        .find(|(a, r)| *a != config.accounts[0] || *r != config.regions[0])
        .expect("a non-empty target");
    assert!(fake.set_target_failure(&failed.0, &failed.1, Some(TargetFailure::AccessDenied)));
    let second = fake::run(
        &fake,
        &["-o", "new.ndjson", "--summary", "summary.json", "-q"],
    );
    second.assert_code(3, "second night, one target denied");

    let tool = Tool::new().args(["diff", "--summary"]);
    let dir = tool.workdir().to_path_buf();
    for (run, name) in [(&first, "old.ndjson"), (&second, "new.ndjson")] {
        std::fs::copy(run.path(name), dir.join(name)).expect("copy output");
    }
    std::fs::copy(second.path("summary.json"), dir.join("summary.json")).expect("copy summary");
    let diff = tool
        .args(["summary.json", "old.ndjson", "new.ndjson"])
        .run();
    diff.assert_code(1, "differences");
    let lines: BTreeSet<Line> = diff.json_lines().iter().map(line_of).collect();

    let mut expected = BTreeSet::new();
    for change in served.generation_changes() {
        if (change.account_id.as_str(), change.region.as_str())
            == (failed.0.as_str(), failed.1.as_str())
        {
            continue;
        }
        let (kind, identifier) = match change.kind {
            ChangeKind::Added => ("added", change.new_identifier),
            ChangeKind::Removed => ("removed", change.old_identifier),
            ChangeKind::Renamed => ("renamed", change.new_identifier),
            ChangeKind::Modified => ("changed", change.new_identifier),
        };
        expected.insert((
            kind.to_string(),
            change.account_id.clone(),
            change.region.clone(),
            identifier.unwrap_or_default(),
        ));
    }
    expected.insert((
        "unknown".into(),
        failed.0.clone(),
        failed.1.clone(),
        String::new(),
    ));
    assert_eq!(lines, expected);
    assert!(
        expected.iter().any(|l| l.0 == "renamed") && expected.iter().any(|l| l.0 == "changed"),
        "the scenario must contain a rename and a change"
    );
}

#[test]
fn a_changed_instance_names_the_fields_that_changed() {
    let fake = fake::start(base_config(1, 6));
    let first = fake::run(&fake, &["-o", "old.ndjson", "-q"]);
    first.assert_code(0, "first night");
    fake.set_generation(1);
    let second = fake::run(&fake, &["-o", "new.ndjson", "-q"]);
    second.assert_code(0, "second night");
    let tool = Tool::new().arg("diff");
    let dir = tool.workdir().to_path_buf();
    std::fs::copy(first.path("old.ndjson"), dir.join("old.ndjson")).expect("copy");
    std::fs::copy(second.path("new.ndjson"), dir.join("new.ndjson")).expect("copy");
    let diff = tool.args(["old.ndjson", "new.ndjson"]).run();
    diff.assert_code(1, "differences");
    let changes = diff.json_lines();
    let record_keys: BTreeSet<String> = serde_json::from_str::<Value>(
        std::fs::read_to_string(dir.join("new.ndjson"))
            .expect("new")
            .lines()
            .next()
            .expect("a record"),
    )
    .expect("JSON")
    .as_object()
    .expect("object")
    .keys()
    .cloned()
    .collect();
    for change in fake.served_config().generation_changes() {
        if change.kind != ChangeKind::Modified {
            continue;
        }
        let identifier = change.new_identifier.clone().unwrap_or_default();
        let line = changes
            .iter()
            .find(|c| {
                c["change"] == "changed" && c["db_instance_identifier"] == identifier.as_str()
            })
            .unwrap_or_else(|| panic!("no change line for {identifier}"));
        // The fake names the tag list `tag_list`; the record calls it `tags`.
        let want: BTreeSet<String> = change
            .fields
            .iter()
            .map(|f| {
                if f.field == "tag_list" {
                    "tags".into()
                } else {
                    f.field.clone()
                }
            })
            // An instance outside a cluster shows its own value in `effective_<field>` too.
            .flat_map(|f| [format!("effective_{f}"), f])
            .filter(|f| record_keys.contains(f))
            .collect();
        let got: BTreeSet<String> = line["fields"]
            .as_object()
            .expect("fields")
            .keys()
            .cloned()
            .collect();
        assert_eq!(got, want, "{identifier}");
    }
}

/// Rewrites NDJSON file argv[1] to argv[2] as Python's json.dumps writes each record (`, ` and
/// `: `; with argv[3] `ascii`, a `\u` escape for everything not ASCII).
const REFORMAT: &str = r#"
import json, sys
ensure_ascii = sys.argv[3] == "ascii"
with open(sys.argv[1], encoding="utf-8") as i, open(sys.argv[2], "w", encoding="utf-8") as o:
    for line in i:
        o.write(json.dumps(json.loads(line), ensure_ascii=ensure_ascii) + "\n")
"#;

fn python_reformat(from: &Path, to: &Path, escapes: &str) {
    run_python(
        REFORMAT,
        &[from.as_os_str(), to.as_os_str(), escapes.as_ref()],
    );
}

#[test]
fn records_rewritten_by_python_diff_as_the_tools_own() {
    let fake = fake::start(base_config(2, 12));
    let first = fake::run(&fake, &["-o", "old.ndjson", "-q"]);
    first.assert_code(0, "first night");
    fake.set_generation(1);
    let second = fake::run(&fake, &["-o", "new.ndjson", "-q"]);
    second.assert_code(0, "second night");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = |name: &str| dir.path().join(name);
    std::fs::copy(first.path("old.ndjson"), file("old.ndjson")).expect("copy");
    std::fs::copy(second.path("new.ndjson"), file("new.ndjson")).expect("copy");
    for side in ["old", "new"] {
        let own = file(&format!("{side}.ndjson"));
        python_reformat(&own, &file(&format!("{side}.py.ndjson")), "ascii");
        python_reformat(&own, &file(&format!("{side}.utf8.ndjson")), "utf8");
    }
    let read = |name: &str| std::fs::read_to_string(file(name)).expect("read");
    let (own_text, escaped) = (read("old.ndjson"), read("old.py.ndjson"));
    assert!(
        !own_text.is_ascii(),
        "the fake's tags hold text that is not ASCII"
    );
    assert!(
        escaped.is_ascii() && escaped.contains("\\u"),
        "json.dumps escapes it"
    );
    assert!(escaped.contains("\": \""), "json.dumps' own spacing");

    let diff = |old: &str, new: &str| {
        let tool = Tool::new().arg("diff").dir(dir.path());
        tool.args([old, new]).run()
    };
    let own = diff("old.ndjson", "new.ndjson");
    own.assert_code(1, "the fake's changes");
    assert!(own.stdout.contains("\"changed\""), "{}", own.stdout);
    for (old, new) in [
        ("old.py.ndjson", "new.py.ndjson"),
        ("old.ndjson", "new.py.ndjson"),
        ("old.py.ndjson", "new.ndjson"),
        ("old.utf8.ndjson", "new.py.ndjson"),
    ] {
        let run = diff(old, new);
        run.assert_code(1, &format!("{old} {new}"));
        assert_eq!(run.stdout, own.stdout, "{old} {new}");
    }
    for (old, new) in [
        ("old.ndjson", "old.py.ndjson"),
        ("new.utf8.ndjson", "new.ndjson"),
    ] {
        let run = diff(old, new);
        run.assert_code(0, &format!("{old} {new}: the same records"));
        assert_eq!(run.stdout, "", "{old} {new}");
    }
}
