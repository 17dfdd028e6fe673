//! `--metrics FILE`: read back by the Prometheus project's own parser (`prometheus_client`,
//! installed beside moto by scripts/setup-moto.sh), and held to the run's summary.

use crate::common;

use std::path::Path;

use common::fake::{self, base_config};
use common::moto::run_python;
use common::Run;
use fake_aws::FakeConfig;
use serde_json::Value;

/// `path` parsed by prometheus_client: `{metric name: [{labels, value}]}`.
fn parse_with_prometheus_client(path: &Path) -> Value {
    let script = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for family in text_string_to_metric_families(open(sys.argv[1], encoding="utf-8").read()):
    for s in family.samples:
        out.setdefault(s.name, []).append({"labels": s.labels, "value": s.value})
print(json.dumps(out))
"#;
    serde_json::from_str(&run_python(script, &[path])).expect("the parser's JSON")
}

fn summary(run: &Run) -> Value {
    let text = std::fs::read_to_string(run.path("summary.json")).expect("summary.json");
    serde_json::from_str(&text).expect("summary JSON")
}

fn value(metrics: &Value, name: &str, label: Option<(&str, &str)>) -> f64 {
    let samples = metrics[name]
        .as_array()
        .unwrap_or_else(|| panic!("no {name}"));
    samples
        .iter()
        .find(|s| label.is_none_or(|(k, v)| s["labels"][k] == v))
        .and_then(|s| s["value"].as_f64())
        .unwrap_or_else(|| panic!("no {name} {label:?} in {samples:?}"))
}

/// A partial run (one account denied): every count in the metrics equals the summary's.
#[test]
fn metrics_parse_and_agree_with_the_summary() {
    let mut config = base_config(3, 20);
    config.denied_accounts.insert(config.accounts[2].clone());
    let fake = fake::start(config);
    let run = fake::run(
        &fake,
        &["--summary", "summary.json", "--metrics", "rds.prom"],
    );
    run.assert_code(3, "one account denied");
    let metrics = parse_with_prometheus_client(&run.path("rds.prom"));
    let s = summary(&run);
    let instances: f64 = metrics["rds_inventory_instances"]
        .as_array()
        .expect("instances")
        .iter()
        .filter_map(|sample| sample["value"].as_f64())
        .sum();
    assert_eq!(instances, s["instances"].as_f64().expect("instances"));
    for status in ["ok", "failed", "unfinished"] {
        assert_eq!(
            value(&metrics, "rds_inventory_targets", Some(("status", status))),
            s["targets"][status].as_f64().expect("count"),
            "{status}"
        );
    }
    assert_eq!(
        value(&metrics, "rds_inventory_assume_role_calls", None),
        s["assume_role_calls"].as_f64().expect("calls")
    );
    assert_eq!(value(&metrics, "rds_inventory_exit_code", None), 3.0);
    assert_eq!(
        value(
            &metrics,
            "rds_inventory_last_complete_run_timestamp_seconds",
            None
        ),
        0.0,
        "no complete run yet"
    );
}

/// Instances are labelled by account id and name, region and engine.
#[test]
fn instances_are_labelled_by_account_region_and_engine() {
    let fake = fake::start(FakeConfig {
        ..base_config(2, 20)
    });
    let run = fake::run(&fake, &["--metrics", "rds.prom"]);
    run.assert_code(0, "complete");
    let metrics = parse_with_prometheus_client(&run.path("rds.prom"));
    let by_engine: f64 = metrics["rds_inventory_instances"]
        .as_array()
        .expect("instances")
        .iter()
        .filter(|s| s["labels"]["account_name"] == fake::account_name(0).as_str())
        .filter_map(|s| s["value"].as_f64())
        .sum();
    let expected = fake
        .config()
        .reachable_inventory()
        .iter()
        .filter(|i| i.account_id == fake.config().accounts[0])
        .count();
    assert_eq!(by_engine, expected as f64);
}

/// A run that is not complete keeps the time of the last complete one.
#[test]
fn an_incomplete_run_keeps_the_last_complete_run_time() {
    let fake = fake::start(base_config(2, 5));
    let first = fake::run(&fake, &["--metrics", "rds.prom"]);
    first.assert_code(0, "complete");
    let complete_at = value(
        &parse_with_prometheus_client(&first.path("rds.prom")),
        "rds_inventory_last_complete_run_timestamp_seconds",
        None,
    );
    assert!(complete_at > 1.6e9, "{complete_at}");
    let tool = fake::tool(&fake).args(["--metrics", "rds.prom", "-o", "/nonexistent-dir/out"]);
    std::fs::copy(first.path("rds.prom"), tool.workdir().join("rds.prom")).expect("copy");
    let fatal = tool.run();
    fatal.assert_code(1, "unwritable output");
    let metrics = parse_with_prometheus_client(&fatal.path("rds.prom"));
    assert_eq!(value(&metrics, "rds_inventory_exit_code", None), 1.0);
    assert_eq!(
        value(
            &metrics,
            "rds_inventory_last_complete_run_timestamp_seconds",
            None
        ),
        complete_at
    );
}
