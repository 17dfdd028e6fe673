//! `--with parameters` against the fake: each instance's `tls_required*` from its group's
//! user value, else its family's engine default (the fake's `group_parameters` and
//! `engine_default_parameters` are the truth); each custom group listed once per
//! account-region, `default.*` groups never; engine defaults once per (region, family) for a
//! run of 100 accounts; a denied listing is one warning per account with the fields null and
//! the exit code unchanged; throttled calls retried; the parameter-group kinds with
//! `modified_parameters` over more than a page of groups.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::fake::{self, base_config};
use fake_aws::{FakeConfig, ResourceKind};
use serde_json::Value;

/// Instances with their parameter groups (complete records), the custom groups they name
/// existing, and a couple of generated groups per target.
fn attached(accounts: usize, instances: usize) -> FakeConfig {
    let mut config = FakeConfig {
        complete_records: true,
        attached_parameter_groups: true,
        ..base_config(accounts, instances)
    };
    config.kind_counts.insert(ResourceKind::ParameterGroups, 2);
    config
        .kind_counts
        .insert(ResourceKind::ClusterParameterGroups, 2);
    config
}

/// The in-transit parameter of an engine whose setting is in its DB parameter group.
fn instance_parameter(engine: &str) -> Option<&'static str> {
    if engine == "postgres" || engine.starts_with("sqlserver-") {
        Some("rds.force_ssl")
    } else if engine == "mysql" || engine == "mariadb" {
        Some("require_secure_transport")
    } else {
        None
    }
}

fn text<'a>(record: &'a Value, field: &str) -> &'a str {
    record[field].as_str().unwrap_or_default()
}

/// The instance's group and its apply status, when its record names one.
fn group_of(record: &Value) -> Option<(String, String)> {
    let group = record["db_parameter_groups"].as_array()?.first()?;
    Some((
        text(group, "db_parameter_group_name").to_owned(),
        text(group, "parameter_apply_status").to_owned(),
    ))
}

/// (value, source) the fake says `parameter` has in `group` (of `family`, when the name does
/// not say it).
fn fake_value(
    group: &str,
    family: Option<&str>,
    parameter: &str,
) -> (Option<String>, Option<&'static str>) {
    let value = |p: &fake_aws::FakeResource| {
        p.record_json()["parameter_value"]
            .as_str()
            .map(str::to_owned)
    };
    if let Some(user) = fake_aws::group_parameters(group, false)
        .iter()
        .find(|p| p.status == "user" && p.identifier == parameter)
    {
        return (value(user), Some("user"));
    }
    let family = family
        .or_else(|| group.strip_prefix("default."))
        .or_else(|| group.strip_suffix("-custom"))
        .unwrap_or(group);
    match fake_aws::engine_default_parameters(family, false)
        .iter()
        .find(|p| p.identifier == parameter)
    {
        Some(default) => (value(default), Some("engine-default")),
        None => (None, None),
    }
}

/// The user-set parameters the fake serves for a group, as `modified_parameters` holds them.
fn fake_user_values(group: &str, cluster: bool) -> Value {
    fake_aws::group_parameters(group, cluster)
        .iter()
        .filter(|p| p.status == "user")
        .map(|p| {
            (
                p.identifier.clone(),
                p.record_json()["parameter_value"].clone(),
            )
        })
        .collect::<serde_json::Map<String, Value>>()
        .into()
}

/// `calls[account][region]` of one operation.
fn per_target(fake: &fake_aws::FakeAws, operation: &str) -> BTreeMap<(String, String), u64> {
    let counters = fake.counters();
    let mut out = BTreeMap::new();
    if let Some(accounts) = counters.kind_calls.get(operation) {
        for (account, regions) in accounts {
            for (region, n) in regions {
                out.insert((account.clone(), region.clone()), *n);
            }
        }
    }
    out
}

#[test]
fn every_instance_reads_its_groups_value_or_the_family_default_and_each_group_is_listed_once() {
    let fake = fake::start(attached(3, 40));
    let run = fake::run(&fake, &["-q", "--with", "parameters"]);
    run.assert_code(0, "--with parameters");
    assert!(
        run.stderr_lines_with("warning").is_empty(),
        "no warning: {}",
        run.stderr
    );
    let records = run.json_lines();
    let mut custom_groups: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let (mut checked, mut required, mut plaintext, mut pending) = (0, 0, 0, 0);
    for record in &records {
        let engine = text(record, "engine");
        let Some((group, status)) = group_of(record) else {
            continue;
        };
        if engine.starts_with("oracle") {
            assert!(record["tls_required"].is_null());
            assert!(text(record, "tls_required_reason").contains("option group"));
            continue;
        }
        let Some(parameter) = instance_parameter(engine) else {
            continue;
        };
        if !group.starts_with("default.") {
            custom_groups
                .entry((
                    text(record, "account_id").into(),
                    text(record, "region").into(),
                ))
                .or_default()
                .insert(group.clone());
        }
        let (value, source) = fake_value(&group, None, parameter);
        let id = text(record, "db_instance_identifier");
        assert_eq!(record["tls_required_parameter"], parameter, "{id}");
        assert_eq!(record["tls_required_group"], group.as_str(), "{id}");
        assert_eq!(
            record["tls_required_value"].as_str(),
            value.as_deref(),
            "{id}"
        );
        assert_eq!(record["tls_required_source"].as_str(), source, "{id}");
        assert_eq!(
            record["tls_required_pending"].as_bool(),
            Some(status == "pending-reboot"),
            "{id}"
        );
        let want = value.as_deref().map(|v| v == "1" || v == "ON");
        assert_eq!(record["tls_required"].as_bool(), want, "{id}: {record}");
        if want.is_none() {
            assert!(
                !text(record, "tls_required_reason").is_empty(),
                "{id}: why null"
            );
        }
        checked += 1;
        match want {
            Some(true) => required += 1,
            Some(false) => plaintext += 1,
            None => {}
        }
        pending += usize::from(status == "pending-reboot");
    }
    eprintln!("{checked} checked: {required} require TLS, {plaintext} accept plaintext, {pending} pending");
    assert!(
        checked > 20 && required > 0 && plaintext > 0,
        "the scenario has both"
    );
    // One Source=user listing per distinct custom group of each account-region; none for
    // `default.*` groups, whose values are the engine defaults.
    let listings = per_target(&fake, "DescribeDBParameters");
    let wanted: BTreeMap<(String, String), u64> = custom_groups
        .iter()
        .map(|(target, groups)| (target.clone(), groups.len() as u64))
        .collect();
    assert_eq!(listings, wanted, "DescribeDBParameters per target");
    for ((account, region), n) in per_target(&fake, "DescribeDBParameterGroups") {
        assert!(
            n <= 1,
            "{account} {region}: the groups' families listed {n} times"
        );
    }
}

#[test]
fn engine_defaults_are_asked_once_per_region_and_family_for_a_hundred_accounts() {
    let fake = fake::start(attached(100, 6));
    let run = fake::run(&fake, &["-q", "--with", "parameters"]);
    run.assert_code(0, "100 accounts");
    let records = run.json_lines();
    let mut families: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for record in &records {
        if record["tls_required_source"] == "engine-default" {
            let group = text(record, "tls_required_group");
            let family = group
                .strip_prefix("default.")
                .or_else(|| group.strip_suffix("-custom"))
                .unwrap_or(group);
            if instance_parameter(text(record, "engine")).is_some() {
                families
                    .entry(text(record, "region").to_owned())
                    .or_default()
                    .insert(family.to_owned());
            }
        }
    }
    let mut by_region: BTreeMap<String, u64> = BTreeMap::new();
    for ((_, region), n) in per_target(&fake, "DescribeEngineDefaultParameters") {
        *by_region.entry(region).or_default() += n;
    }
    assert!(!families.is_empty());
    for (region, wanted) in &families {
        let asked = by_region.get(region).copied().unwrap_or_default();
        eprintln!(
            "{region}: {asked} engine-default calls for {} families",
            wanted.len()
        );
        // Families the records show, plus those whose defaults lack the parameter (sqlserver).
        assert!(
            asked >= wanted.len() as u64 && asked <= 12,
            "{region}: {asked} calls for {wanted:?} over 100 accounts"
        );
    }
}

#[test]
fn a_denied_listing_is_one_warning_per_account_and_leaves_the_fields_null() {
    let mut config = attached(3, 40);
    let denied = config.accounts[0].clone();
    config
        .denied_operations
        .insert(("DescribeDBParameters".into(), denied.clone()));
    let fake = fake::start(config);
    let run = fake::run(&fake, &["-q", "--with", "parameters"]);
    run.assert_code(0, "a denied optional call does not change the exit code");
    let warnings = run.stderr_lines_with(&denied);
    assert_eq!(
        warnings.len(),
        1,
        "one warning for the account: {}",
        run.stderr
    );
    assert!(
        warnings[0].contains("rds:DescribeDBParameters"),
        "{}",
        warnings[0]
    );
    assert_eq!(run.stderr_lines_with("warning").len(), 1, "{}", run.stderr);
    let mut nulls = 0;
    for record in run.json_lines() {
        let Some((group, _)) = group_of(&record) else {
            continue;
        };
        if instance_parameter(text(&record, "engine")).is_none() {
            continue;
        }
        let custom = !group.starts_with("default.");
        if record["account_id"] == denied.as_str() && custom {
            assert!(record["tls_required"].is_null(), "{record}");
            assert_eq!(
                record["tls_required_reason"], "DescribeDBParameters failed: AccessDenied",
                "{record}"
            );
            nulls += 1;
        } else {
            assert!(
                record["tls_required_source"].is_string()
                    || record["tls_required_reason"].is_string()
            );
        }
    }
    assert!(nulls > 0);
}

#[test]
fn throttled_parameter_calls_are_retried_to_an_answer() {
    // Random faults: one lucky pass proves little, so five seeds in a row.
    for seed in 0..5 {
        let config = FakeConfig {
            throttle_rate: 0.1,
            seed,
            ..attached(3, 40)
        };
        let fake = fake::start(config);
        let run = fake::run(&fake, &["-q", "--with", "parameters"]);
        run.assert_code(0, "throttled");
        assert!(
            fake.counters().faults.throttled > 0,
            "seed {seed}: some calls were throttled"
        );
        for record in run.json_lines() {
            let Some((group, _)) = group_of(&record) else {
                continue;
            };
            let Some(parameter) = instance_parameter(text(&record, "engine")) else {
                continue;
            };
            let (value, _) = fake_value(&group, None, parameter);
            assert_eq!(
                record["tls_required_value"].as_str(),
                value.as_deref(),
                "seed {seed}: {record}"
            );
        }
    }
}

#[test]
fn with_the_group_kinds_and_the_join_each_custom_group_is_still_listed_once() {
    let fake = fake::start(attached(2, 30));
    let run = fake::run(
        &fake,
        &[
            "-q",
            "--kind",
            "instances,clusters,parameter-groups,cluster-parameter-groups",
            "--with",
            "parameters",
            "-o",
            "{kind}.ndjson",
        ],
    );
    run.assert_code(0, "instances, clusters and the group kinds");
    let records = |name: &str| -> Vec<Value> {
        std::fs::read_to_string(run.path(name))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    };
    let instances = records("instances.ndjson");
    let attached_custom = instances
        .iter()
        .filter_map(group_of)
        .filter(|(group, _)| !group.starts_with("default."))
        .count();
    assert!(attached_custom > 0, "instances name custom groups");
    assert!(
        instances.iter().any(|r| r["tls_required_source"] == "user"),
        "the join read the user's values"
    );
    for (file, name_field, operation) in [
        (
            "parameter-groups.ndjson",
            "db_parameter_group_name",
            "DescribeDBParameters",
        ),
        (
            "cluster-parameter-groups.ndjson",
            "db_cluster_parameter_group_name",
            "DescribeDBClusterParameters",
        ),
    ] {
        let groups = records(file);
        let custom: Vec<&Value> = groups
            .iter()
            .filter(|g| !text(g, name_field).starts_with("default."))
            .collect();
        assert!(!custom.is_empty(), "{file}: custom groups listed");
        let cluster = operation.contains("Cluster");
        for group in &custom {
            // The whole user listing, not only the parameters the TLS rules read.
            assert_eq!(
                group["modified_parameters"],
                fake_user_values(text(group, name_field), cluster),
                "{file}: {group}"
            );
        }
        assert!(
            custom
                .iter()
                .any(|g| g["modified_parameters"]["log_connections"] == "1"),
            "{file}: user values beyond the TLS parameter"
        );
        let listings: u64 = per_target(&fake, operation).values().sum();
        assert_eq!(
            listings,
            custom.len() as u64,
            "{operation}: one listing per custom group, whether the join or the kind needed it first"
        );
    }
}

#[test]
fn the_group_kinds_carry_their_user_values_over_more_than_a_page_of_groups() {
    let mut config = attached(2, 10);
    config
        .kind_counts
        .insert(ResourceKind::ParameterGroups, 150);
    let fake = fake::start(config);
    let run = fake::run(
        &fake,
        &[
            "-q",
            "--kind",
            "parameter-groups,cluster-parameter-groups",
            "--with",
            "parameters",
            "-o",
            "{kind}.ndjson",
        ],
    );
    run.assert_code(0, "group kinds");
    let text_of = |name: &str| std::fs::read_to_string(run.path(name)).unwrap_or_default();
    let groups: Vec<Value> = text_of("parameter-groups.ndjson")
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let want = fake
        .config()
        .reachable_resources(ResourceKind::ParameterGroups);
    assert_eq!(groups.len(), want.len(), "every group once");
    assert!(groups.len() > 200, "more than a page per target");
    let mut asked = 0;
    for group in &groups {
        let name = text(group, "db_parameter_group_name");
        assert_eq!(
            group["modified_parameters"],
            fake_user_values(name, false),
            "{name}"
        );
        let family = text(group, "db_parameter_group_family");
        let parameter = if family.starts_with("postgres") {
            "rds.force_ssl"
        } else {
            "require_secure_transport"
        };
        let (value, source) = fake_value(name, Some(family), parameter);
        assert_eq!(
            group["tls_required_value"].as_str(),
            value.as_deref(),
            "{name}"
        );
        assert_eq!(group["tls_required_source"].as_str(), source, "{name}");
        asked += usize::from(!name.starts_with("default."));
    }
    let listings: u64 = per_target(&fake, "DescribeDBParameters").values().sum();
    assert_eq!(
        listings, asked as u64,
        "one listing per custom group, none for default ones"
    );
    let clusters = text_of("cluster-parameter-groups.ndjson");
    assert!(clusters.lines().count() > 0);
    for line in clusters.lines() {
        let group: Value = serde_json::from_str(line).expect("a record");
        assert!(group["modified_parameters"].is_object(), "{group}");
        assert_eq!(group["tls_required_parameter"], "rds.force_ssl", "{group}");
    }
}

#[test]
fn the_metric_counts_the_instances_that_accept_plaintext() {
    let fake = fake::start(attached(3, 40));
    let run = fake::run(
        &fake,
        &["-q", "--with", "parameters", "--metrics", "run.prom"],
    );
    run.assert_code(0, "--metrics");
    let mut want: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for record in run.json_lines() {
        if record["tls_required_parameter"].is_string() || record["tls_required_reason"].is_string()
        {
            let key = (
                text(&record, "account_id").to_owned(),
                text(&record, "region").to_owned(),
                text(&record, "engine").to_owned(),
            );
            *want.entry(key).or_default() += u64::from(record["tls_required"] == false);
        }
    }
    let prom = std::fs::read_to_string(run.path("run.prom")).expect("run.prom");
    let mut got: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for line in prom
        .lines()
        .filter(|l| l.starts_with("rds_inventory_tls_not_required{"))
    {
        let label = |name: &str| {
            let start = line.find(&format!("{name}=\"")).expect("label") + name.len() + 2;
            line[start..]
                .split('"')
                .next()
                .unwrap_or_default()
                .to_owned()
        };
        let value: f64 = line
            .rsplit(' ')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("value");
        got.insert(
            (label("account_id"), label("region"), label("engine")),
            value as u64,
        );
    }
    assert!(prom.contains("# TYPE rds_inventory_tls_not_required gauge"));
    assert!(want.values().sum::<u64>() > 0, "some accept plaintext");
    assert_eq!(got, want, "one sample per account, region and engine asked");
}
