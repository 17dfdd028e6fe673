//! Every `jq` recipe in README.md and docs/*.md, run as written against the tool's output and
//! checked for what it selects and what it leaves out.
//!
//! A recipe is a documented command line (a leading `$ ` and a trailing ` \` aside) that starts
//! with `rds-inventory ` or `jq ` and runs `jq`. It runs in `bash` with `rds-inventory` on the
//! PATH, aimed at moto or at the fake endpoint through `AWS_ENDPOINT_URL`, with
//! `./accounts.toml` and a `security-audit` profile of static keys, so the text in the docs is
//! the command tested. Each recipe must match one [`CHECKS`] entry, which computes the
//! expected answer from the records themselves; each check must match a recipe. Needs `jq` on
//! the PATH (Debian: `apt-get install jq`) and moto (`scripts/setup-moto.sh`).

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};

use common::fake;
use common::moto::{assumed_rds_client, MotoServer, BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY};
use common::{block_on, docs, AccountsFile};
use fake_aws::{FakeAws, FakeConfig};
use serde_json::Value;

/// A documented command line that runs `jq`, and where it is documented.
#[derive(Debug, Clone)]
struct Recipe {
    command: String,
    place: String,
}

/// The recipes of every document, each distinct command once.
fn recipes() -> Vec<Recipe> {
    let mut seen = BTreeSet::new();
    let mut recipes = Vec::new();
    for (path, body) in docs::all() {
        for (index, line) in body.lines().enumerate() {
            let text = line.trim();
            let text = text.strip_prefix("$ ").unwrap_or(text);
            let text = text.strip_suffix(" \\").unwrap_or(text).trim_end();
            let runs_jq = text.starts_with("jq ") || text.contains("| jq ");
            let starts = text.starts_with("rds-inventory ") || text.starts_with("jq ");
            if runs_jq && starts && seen.insert(text.to_string()) {
                recipes.push(Recipe {
                    command: text.to_string(),
                    place: format!("{path}:{}", index + 1),
                });
            }
        }
    }
    recipes
}

/// Where a check runs its recipes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The moto fleet of [`seed_moto`].
    Moto,
    /// The fake endpoint with complete records (certificates, engine lifecycles).
    Fake,
    /// The fake endpoint with one denied account, for the summary recipe.
    PartialFake,
    /// A moto of its own that changes between two runs, for the diff recipe.
    MotoChanging,
}

/// A recipe's expected behaviour: `needle` picks the recipes it checks (a part of the `jq`
/// program), `check` runs one of them and panics on a wrong answer.
struct Check {
    needle: &'static str,
    stage: Stage,
    check: fn(&Env, &Recipe),
}

const CHECKS: &[Check] = &[
    Check {
        needle: "group_by(.engine) | map({engine: .[0].engine, count: length})",
        stage: Stage::Moto,
        check: count_by_engine,
    },
    Check {
        needle: "select(.publicly_accessible) |",
        stage: Stage::Moto,
        check: |env, recipe| {
            assert_selects(env, recipe, &[], |r| r["publicly_accessible"] == true);
        },
    },
    Check {
        needle: "select(.publicly_accessible == true and .effective_deletion_protection != true)",
        stage: Stage::Moto,
        check: public_without_deletion_protection,
    },
    Check {
        needle: "select(.effective_backup_retention_period == 0)",
        stage: Stage::Moto,
        check: |env, recipe| {
            assert_selects(env, recipe, &[], |r| {
                r["effective_backup_retention_period"] == 0
            });
            assert_aurora_rows_not_selected(env, recipe);
        },
    },
    Check {
        needle: "select(.effective_storage_encrypted != true)",
        stage: Stage::Moto,
        check: |env, recipe| {
            assert_selects(env, recipe, &[], |r| {
                r["effective_storage_encrypted"] != true
            });
            assert_aurora_rows_not_selected(env, recipe);
        },
    },
    Check {
        needle:
            "select(.effective_engine_lifecycle_support == \"open-source-rds-extended-support\")",
        stage: Stage::Fake,
        check: |env, recipe| {
            assert_selects(env, recipe, &[], |r| {
                r["effective_engine_lifecycle_support"] == "open-source-rds-extended-support"
            });
        },
    },
    Check {
        needle:
            "select(.deletion_protection != true) | {account_name, region, db_cluster_identifier",
        stage: Stage::Moto,
        check: |env, recipe| {
            assert_selects(env, recipe, &["--kind", "clusters"], |r| {
                r["deletion_protection"] != true
            });
        },
    },
    Check {
        needle: "select(.service == \"rds\")",
        stage: Stage::Fake,
        check: |env, recipe| {
            assert_selects(env, recipe, &["--kind", "clusters"], |r| {
                r["service"] == "rds"
            });
        },
    },
    Check {
        needle: "select(.certificate_days_left != null and .certificate_days_left <= 60)",
        stage: Stage::Fake,
        check: |env, recipe| {
            assert_selects(env, recipe, &[], |r| {
                r["certificate_days_left"]
                    .as_i64()
                    .is_some_and(|days| days <= 60)
            });
        },
    },
    Check {
        needle: "select(.standard_support_end_date != null and .standard_support_end_date < $soon)",
        stage: Stage::Fake,
        check: |env, recipe| {
            let soon = now_seconds() + 180.0 * 86_400.0;
            assert_selects(env, recipe, &["--with", "engine-support"], |r| {
                r["standard_support_end_date"]
                    .as_str()
                    .is_some_and(|date| common::text::rfc3339_seconds(date) < soon)
            });
        },
    },
    Check {
        needle: "select(.publicly_accessible == true and .tls_required == false)",
        stage: Stage::Fake,
        check: |env, recipe| {
            assert_selects(env, recipe, &["--with", "parameters"], |r| {
                r["publicly_accessible"] == true && r["tls_required"] == false
            });
        },
    },
    Check {
        needle: "select(.shared_publicly == true) | {account_name, region, db_snapshot_identifier}",
        stage: Stage::Moto,
        check: |env, recipe| {
            assert_selects_snapshots(env, recipe, |r| r["shared_publicly"] == true);
            assert_snapshot_selected(env, recipe, "prod-public-shared-public");
        },
    },
    Check {
        needle: "select((.shared_with_outside_accounts // []) | length > 0)",
        stage: Stage::Moto,
        check: |env, recipe| {
            assert_selects_snapshots(env, recipe, |r| {
                r["shared_with_outside_accounts"]
                    .as_array()
                    .is_some_and(|ids| !ids.is_empty())
            });
            assert_snapshot_selected(env, recipe, "prod-private-shared-outside");
        },
    },
    Check {
        needle: "select(.snapshot_type == \"manual\" and .source_exists == false)",
        stage: Stage::Moto,
        check: |env, recipe| {
            assert_selects_snapshots(env, recipe, |r| {
                r["snapshot_type"] == "manual" && r["source_exists"] == false
            });
            assert_snapshot_selected(env, recipe, "prod-gone-final");
        },
    },
    Check {
        needle: "group_by(.account_id) | map({account_id: .[0].account_id, monthly: (map(.price_monthly // 0) | add)})",
        stage: Stage::Fake,
        check: monthly_price_by_account,
    },
    Check {
        needle: "sort_by(-(.price_monthly // 0)) | .[:10]",
        stage: Stage::Fake,
        check: ten_most_expensive,
    },
    Check {
        needle: "jq -e '.targets.failed == 0 and .status == \"complete\"' summary.json",
        stage: Stage::PartialFake,
        check: summary_says_complete,
    },
    Check {
        needle: "map(select(.idle == true)) | sort_by(-(.price_monthly // 0))",
        stage: Stage::Fake,
        check: idle_instances_by_price,
    },
    Check {
        needle: "group_by([.region, .class, .engine, .multi_az])",
        stage: Stage::Fake,
        check: reservations_against_running_instances,
    },
    Check {
        needle: "rds_inventory_new_public_instances",
        stage: Stage::MotoChanging,
        check: new_public_instances,
    },
];

#[test]
fn every_recipe_has_a_check_and_every_check_a_recipe() {
    let recipes = recipes();
    assert!(
        recipes.len() >= CHECKS.len(),
        "too few recipes: {recipes:#?}"
    );
    for recipe in &recipes {
        let matching = CHECKS
            .iter()
            .filter(|c| recipe.command.contains(c.needle))
            .count();
        assert_eq!(
            matching, 1,
            "{}: recipe matched by {matching} checks (want 1; add one to CHECKS): {}",
            recipe.place, recipe.command
        );
    }
    for check in CHECKS {
        assert!(
            recipes.iter().any(|r| r.command.contains(check.needle)),
            "no documented recipe contains {:?} any more",
            check.needle
        );
    }
}

#[test]
fn every_recipe_selects_what_it_says_and_nothing_else() {
    assert_jq_installed();
    let recipes = recipes();
    let mut ran = 0;
    for stage in [
        Stage::Moto,
        Stage::Fake,
        Stage::PartialFake,
        Stage::MotoChanging,
    ] {
        let env = Env::start(stage);
        for check in CHECKS.iter().filter(|c| c.stage == stage) {
            for recipe in recipes.iter().filter(|r| r.command.contains(check.needle)) {
                eprintln!("{}: {}", recipe.place, recipe.command);
                (check.check)(&env, recipe);
                ran += 1;
            }
        }
    }
    assert_eq!(ran, recipes.len(), "every recipe ran once");
}

// ---------------------------------------------------------------------------------------------
// The checks.

fn monthly_price_by_account(env: &Env, recipe: &Recipe) {
    let records = env.records(&["--with", "price"]);
    let mut sums: BTreeMap<String, f64> = BTreeMap::new();
    for record in &records {
        let account = record["account_id"].as_str().expect("an account id");
        *sums.entry(account.to_string()).or_default() +=
            record["price_monthly"].as_f64().unwrap_or(0.0);
    }
    assert!(sums.len() >= 2, "the stage has several accounts");
    let out = env.shell(&recipe.command);
    out.assert_status(0, recipe);
    let got: Value = serde_json::from_str(&out.stdout).expect("one JSON array");
    let got = got.as_array().expect("an array");
    assert_eq!(
        got.len(),
        sums.len(),
        "{}: one row per account",
        recipe.place
    );
    for (row, (account, sum)) in got.iter().zip(&sums) {
        assert_eq!(row["account_id"], account.as_str(), "{}", recipe.place);
        let monthly = row["monthly"].as_f64().expect("a number");
        assert!(
            (monthly - sum).abs() < 1e-3,
            "{}: {row} vs {sum}",
            recipe.place
        );
    }
}

/// Every idle instance once, most expensive first; busy and new ones left out.
fn idle_instances_by_price(env: &Env, recipe: &Recipe) {
    let records = env.records(&["--with", "utilization,price"]);
    let idle: BTreeSet<(String, String, String)> = records
        .iter()
        .filter(|r| r["idle"] == true)
        .map(key)
        .collect();
    assert!(
        !idle.is_empty() && idle.len() < records.len(),
        "the stage has idle and other instances"
    );
    let out = env.shell(&recipe.command);
    out.assert_status(0, recipe);
    let rows: Vec<Value> = out
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let got: BTreeSet<(String, String, String)> = rows.iter().map(key).collect();
    assert_eq!(
        got, idle,
        "{}: every idle instance, nothing else",
        recipe.place
    );
    let prices: Vec<f64> = rows
        .iter()
        .map(|r| r["price_monthly"].as_f64().unwrap_or(0.0))
        .collect();
    assert!(
        prices.windows(2).all(|w| w[0] >= w[1]),
        "{}: most expensive first: {prices:?}",
        recipe.place
    );
}

fn ten_most_expensive(env: &Env, recipe: &Recipe) {
    let records = env.records(&["--with", "price"]);
    let mut prices: Vec<f64> = records
        .iter()
        .map(|r| r["price_monthly"].as_f64().unwrap_or(0.0))
        .collect();
    prices.sort_by(|a, b| b.total_cmp(a));
    prices.truncate(10);
    let out = env.shell(&recipe.command);
    out.assert_status(0, recipe);
    let got: Vec<f64> = out
        .stdout
        .lines()
        .map(|line| {
            let row: Value = serde_json::from_str(line).expect("one JSON object per line");
            assert!(row["db_instance_identifier"].is_string(), "{row}");
            row["price_monthly"].as_f64().unwrap_or(0.0)
        })
        .collect();
    assert_eq!(got.len(), prices.len(), "{}: ten rows", recipe.place);
    for (g, e) in got.iter().zip(&prices) {
        assert!(
            (g - e).abs() < 1e-6,
            "{}: {got:?} vs {prices:?}",
            recipe.place
        );
    }
}

fn count_by_engine(env: &Env, recipe: &Recipe) {
    let records = env.records(&[]);
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for record in &records {
        let engine = record["engine"].as_str().expect("an engine");
        *counts.entry(engine.to_string()).or_default() += 1;
    }
    assert!(counts.len() >= 2, "the fleet has several engines");
    let expected: Vec<Value> = counts
        .iter()
        .map(|(engine, count)| serde_json::json!({"engine": engine, "count": count}))
        .collect();
    let out = env.shell(&recipe.command);
    out.assert_status(0, recipe);
    let got: Value = serde_json::from_str(&out.stdout).expect("one JSON array");
    assert_eq!(got, Value::Array(expected), "{}", recipe.place);
}

/// Runs a selecting recipe (one compact object per selected instance) and compares what it
/// printed with the records `selects` accepts; both the selected and the rest must be
/// non-empty, so that the recipe is seen to tell them apart.
fn assert_selects(env: &Env, recipe: &Recipe, with: &[&str], selects: impl Fn(&Value) -> bool) {
    assert_prints_selected(env, recipe, &env.records(with), "instance", selects);
}

/// The snapshot recipes read `snapshots.ndjson`, written with the instances (for
/// `source_exists`) as the documented command writes it; the recipe prints exactly the
/// snapshots `selects` picks, and the fleet holds snapshots on both sides.
fn assert_selects_snapshots(env: &Env, recipe: &Recipe, selects: impl Fn(&Value) -> bool) {
    assert_prints_selected(env, recipe, &env.snapshot_records(), "snapshot", selects);
}

/// The recipe prints one line per record of `records` that `selects` picks, and nothing else;
/// `records` holds `noun`s on both sides.
fn assert_prints_selected(
    env: &Env,
    recipe: &Recipe,
    records: &[Value],
    noun: &str,
    selects: impl Fn(&Value) -> bool,
) {
    let (chosen, rest): (Vec<&Value>, Vec<&Value>) = records.iter().partition(|r| selects(r));
    assert!(
        !chosen.is_empty() && !rest.is_empty(),
        "{}: the stage must hold {noun}s on both sides ({} selected, {} not)",
        recipe.place,
        chosen.len(),
        rest.len()
    );
    let expected: BTreeSet<(String, String, String)> = chosen.iter().map(|r| key(r)).collect();
    let out = env.shell(&recipe.command);
    out.assert_status(0, recipe);
    let got: BTreeSet<(String, String, String)> = out
        .stdout
        .lines()
        .map(|line| key(&serde_json::from_str(line).expect("one JSON object per line")))
        .collect();
    assert_eq!(out.stdout.lines().count(), got.len(), "one line per {noun}");
    assert_eq!(got, expected, "{}: {}", recipe.place, recipe.command);
}

/// The recipe prints the seeded snapshot `id` (so the check is not vacuous about it).
fn assert_snapshot_selected(env: &Env, recipe: &Recipe, id: &str) {
    env.snapshot_records();
    let out = env.shell(&recipe.command);
    assert!(
        out.stdout.contains(&format!("\"{id}\"")),
        "{}: {id} not selected: {}",
        recipe.place,
        out.stdout
    );
}

/// The protected Aurora cluster's public instances say `deletion_protection: false`, as AWS
/// says it: the recipe must leave them out and pick the plain public instance without it.
fn public_without_deletion_protection(env: &Env, recipe: &Recipe) {
    let records = env.records(&[]);
    for record in records
        .iter()
        .filter(|r| r["db_cluster_identifier"] == LEDGER)
    {
        assert_eq!(record["publicly_accessible"], true, "{record}");
        assert_eq!(
            record["deletion_protection"], false,
            "AWS's own value: {record}"
        );
    }
    assert_selects(env, recipe, &[], |r| {
        r["publicly_accessible"] == true && r["effective_deletion_protection"] != true
    });
    let out = env.shell(&recipe.command);
    assert!(
        out.stdout.contains("\"prod-public\""),
        "{}: {}",
        recipe.place,
        out.stdout
    );
    assert_aurora_rows_not_selected(env, recipe);
}

/// None of the protected, encrypted, backed-up Aurora cluster's instances is printed.
fn assert_aurora_rows_not_selected(env: &Env, recipe: &Recipe) {
    let aurora = env
        .records(&[])
        .into_iter()
        .filter(|r| r["db_cluster_identifier"] == LEDGER)
        .count();
    assert_eq!(
        aurora, 2,
        "the moto fleet has the Aurora cluster's two instances"
    );
    let out = env.shell(&recipe.command);
    out.assert_status(0, recipe);
    assert!(
        !out.stdout.contains(&format!("\"{LEDGER}-")),
        "{}: selects an instance of the protected Aurora cluster: {}",
        recipe.place,
        out.stdout
    );
}

/// The summary recipe succeeds (exit 0) on a complete run's summary, fails on a partial one.
fn summary_says_complete(env: &Env, recipe: &Recipe) {
    let denied = env.fake().config().denied_accounts.iter().next().cloned();
    let denied = denied.expect("an account the fake denies");
    let others: Vec<String> = env
        .fake()
        .config()
        .accounts
        .iter()
        .filter(|a| **a != denied)
        .flat_map(|a| ["-a".to_string(), a.clone()])
        .collect();
    let mut args = vec!["--summary".to_string(), "summary.json".to_string()];
    args.extend(others);
    let complete = env.tool(&args);
    complete.assert_status(0, recipe);
    env.shell(&recipe.command).assert_status(0, recipe);

    let partial = env.tool(&["--summary".to_string(), "summary.json".to_string()]);
    partial.assert_status(3, recipe);
    env.shell(&recipe.command).assert_status(1, recipe);
}

/// The reservations recipe: per (region, class, engine, Multi-AZ), the active reservations'
/// instance count and the running instances, computed here from the two files the documented
/// command writes; the fake's `postgresql` reservations meet `postgres` instances.
fn reservations_against_running_instances(env: &Env, recipe: &Recipe) {
    let args: Vec<String> = ["--kind", "instances,reservations", "-o", "{kind}.ndjson"]
        .iter()
        .map(|a| a.to_string())
        .collect();
    env.tool(&args).assert_status(0, recipe);
    let read = |name: &str| -> Vec<Value> {
        let text = std::fs::read_to_string(env.dir.path().join(name)).expect(name);
        text.lines()
            .map(|line| serde_json::from_str(line).expect("NDJSON"))
            .collect()
    };
    type Group = (String, String, String, bool);
    let mut want: BTreeMap<Group, (i64, i64)> = BTreeMap::new();
    let text = |r: &Value, f: &str| r[f].as_str().unwrap_or_default().to_string();
    for r in read("reservations.ndjson")
        .iter()
        .filter(|r| r["active"] == true)
    {
        let engine = match text(r, "product_description").as_str() {
            "postgresql" => "postgres".to_string(),
            other => other.split('(').next().unwrap_or_default().to_string(),
        };
        let group = (
            text(r, "region"),
            text(r, "db_instance_class"),
            engine,
            r["multi_az"] == true,
        );
        want.entry(group).or_default().0 += r["db_instance_count"].as_i64().expect("a count");
    }
    for r in read("instances.ndjson")
        .iter()
        .filter(|r| r["db_instance_status"] == "available")
    {
        let group = (
            text(r, "region"),
            text(r, "db_instance_class"),
            text(r, "engine"),
            r["multi_az"] == true,
        );
        want.entry(group).or_default().1 += 1;
    }
    assert!(
        want.values().any(|(reserved, _)| *reserved > 0)
            && want.values().any(|(_, running)| *running > 0),
        "the stage has active reservations and running instances: {want:?}"
    );
    let out = env.shell(&recipe.command);
    out.assert_status(0, recipe);
    let got: BTreeMap<Group, (i64, i64)> = out
        .stdout
        .lines()
        .map(|line| {
            let row: Value = serde_json::from_str(line).expect("one JSON object per line");
            let group = (
                text(&row, "region"),
                text(&row, "class"),
                text(&row, "engine"),
                row["multi_az"] == true,
            );
            let n = |f: &str| row[f].as_i64().expect("a count");
            (group, (n("reserved"), n("running")))
        })
        .collect();
    assert_eq!(out.stdout.lines().count(), got.len(), "one line per group");
    assert_eq!(got, want, "{}: {}", recipe.place, recipe.command);
}

/// Between two runs one private instance becomes public, and a public and a private one are
/// created: the metric counts the two that became public, not the ones public all along.
fn new_public_instances(env: &Env, recipe: &Recipe) {
    let first = env.tool(&["-o".to_string(), "latest.ndjson".to_string()]);
    first.assert_status(0, recipe);
    let public_before = env
        .records(&[])
        .iter()
        .filter(|r| r["publicly_accessible"] == true)
        .count();
    assert!(public_before > 0, "some instances are public all along");
    block_on(async {
        let rds = moto_client(env.moto().url(), PROD, "us-east-1").await;
        rds.modify_db_instance()
            .db_instance_identifier("prod-private")
            .publicly_accessible(true)
            .apply_immediately(true)
            .send()
            .await
            .expect("making prod-private public");
        create(&rds, Spec::new("prod-new-public", "postgres").public()).await;
        create(&rds, Spec::new("prod-new-private", "mysql")).await;
    });
    let second = env.tool(&[
        "-o".to_string(),
        "today.ndjson".to_string(),
        "--summary".to_string(),
        "summary.json".to_string(),
    ]);
    second.assert_status(0, recipe);
    let out = env.shell(&recipe.command);
    out.assert_status(0, recipe);
    assert_eq!(
        out.stdout, "rds_inventory_new_public_instances 2\n",
        "{}",
        recipe.place
    );
}

// ---------------------------------------------------------------------------------------------
// Where recipes run.

const PROD: &str = "111111111111";
const STAGING: &str = "222222222222";
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
/// The moto fleet's Aurora cluster: deletion protection, encryption and backups on the cluster.
const LEDGER: &str = "prod-ledger";

/// A working directory with `accounts.toml` and a home with an AWS profile, `rds-inventory`
/// on the PATH, and the endpoint the tool is aimed at.
struct Env {
    dir: tempfile::TempDir,
    bin: tempfile::TempDir,
    endpoint: String,
    moto: Option<MotoServer>,
    fake: Option<FakeAws>,
}

/// What a command printed and how it ended.
struct Outcome {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    what: String,
}

impl Outcome {
    fn assert_status(&self, code: i32, recipe: &Recipe) {
        assert_eq!(
            self.status,
            Some(code),
            "{} ({}): `{}` exited {:?}; stderr:\n{}\nstdout:\n{}",
            recipe.place,
            recipe.command,
            self.what,
            self.status,
            self.stderr,
            self.stdout
        );
    }
}

impl Env {
    fn start(stage: Stage) -> Env {
        match stage {
            Stage::Moto | Stage::MotoChanging => {
                let moto = MotoServer::start();
                block_on(seed_moto(moto.url()));
                let accounts = AccountsFile::new()
                    .regions(REGIONS)
                    .role_name(common::moto::ROLE_NAME)
                    .accounts([(PROD, "prod"), (STAGING, "staging")]);
                let keys = (BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY);
                Env::new(moto.url().to_string(), &accounts, keys, Some(moto), None)
            }
            Stage::Fake | Stage::PartialFake => {
                // Configured clusters of every engine, DocumentDB and Neptune included.
                // The custom parameter groups the instances name exist (`--with parameters`).
                let mut config = FakeConfig {
                    complete_records: true,
                    clusters_per_target: 2,
                    attached_parameter_groups: true,
                    ..fake::base_config(3, 30)
                };
                config
                    .kind_counts
                    .insert(fake_aws::ResourceKind::ReservedInstances, 6);
                config
                    .kind_counts
                    .insert(fake_aws::ResourceKind::ParameterGroups, 2);
                if stage == Stage::PartialFake {
                    let denied = config.accounts[0].clone();
                    config.denied_accounts.insert(denied);
                }
                let accounts = fake::accounts_file(&config);
                let fake = fake::start(config);
                let keys = (fake::BASE_ACCESS_KEY_ID, fake::BASE_SECRET_ACCESS_KEY);
                Env::new(fake.endpoint_url(), &accounts, keys, None, Some(fake))
            }
        }
    }

    fn new(
        endpoint: String,
        accounts: &AccountsFile,
        keys: (&str, &str),
        moto: Option<MotoServer>,
        fake: Option<FakeAws>,
    ) -> Env {
        let dir = tempfile::tempdir().expect("a working directory");
        let bin = tempfile::tempdir().expect("a bin directory");
        accounts.write(dir.path());
        let aws = dir.path().join(".aws");
        std::fs::create_dir(&aws).expect("creating .aws");
        let (id, secret) = keys;
        std::fs::write(
            aws.join("config"),
            "[default]\nregion = us-east-1\n\n[profile security-audit]\nregion = us-east-1\n",
        )
        .expect("writing .aws/config");
        std::fs::write(
            aws.join("credentials"),
            format!(
                "[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n\n\
                 [security-audit]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"
            ),
        )
        .expect("writing .aws/credentials");
        std::os::unix::fs::symlink(common::tool::BIN, bin.path().join("rds-inventory"))
            .expect("linking rds-inventory into the bin directory");
        Env {
            dir,
            bin,
            endpoint,
            moto,
            fake,
        }
    }

    fn moto(&self) -> &MotoServer {
        self.moto.as_ref().expect("a moto stage")
    }

    fn fake(&self) -> &FakeAws {
        self.fake.as_ref().expect("a fake stage")
    }

    /// Runs `script` in bash in the working directory, with a clean environment: the PATH
    /// with `rds-inventory` first, the home holding the AWS profile, the endpoint.
    fn shell(&self, script: &str) -> Outcome {
        let home = self.dir.path();
        let path = format!(
            "{}:{}",
            self.bin.path().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let output = Command::new("timeout")
            .args(["120", "bash", "-c", script])
            .env_clear()
            .env("PATH", path)
            .env("HOME", home)
            .env("LC_ALL", "C.UTF-8")
            .env("AWS_CONFIG_FILE", home.join(".aws/config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("NO_PROXY", "127.0.0.1,localhost")
            .current_dir(home)
            .stdin(Stdio::null())
            .output()
            .expect("running bash");
        Outcome {
            status: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            what: script.to_string(),
        }
    }

    /// `rds-inventory ARGS` in the same environment as the recipes.
    fn tool(&self, args: &[String]) -> Outcome {
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        self.shell(&format!("rds-inventory -q {}", quoted.join(" ")))
    }

    /// Writes `instances.ndjson` and `snapshots.ndjson` as the documented command does and
    /// returns the snapshot records.
    fn snapshot_records(&self) -> Vec<Value> {
        let args: Vec<String> = ["--kind", "instances,snapshots", "-o", "{kind}.ndjson"]
            .iter()
            .map(|a| a.to_string())
            .collect();
        let out = self.tool(&args);
        assert_eq!(out.status, Some(0), "reference run: {}", out.stderr);
        let text = std::fs::read_to_string(self.dir.path().join("snapshots.ndjson"))
            .expect("snapshots.ndjson");
        let records: Vec<Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).expect("NDJSON"))
            .collect();
        assert!(!records.is_empty(), "the reference run listed no snapshot");
        records
    }

    /// Every record, as the recipes see them (a complete run).
    fn records(&self, args: &[&str]) -> Vec<Value> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let out = self.tool(&args);
        assert_eq!(out.status, Some(0), "reference run: {}", out.stderr);
        let records: Vec<Value> = out
            .stdout
            .lines()
            .map(|line| serde_json::from_str(line).expect("NDJSON"))
            .collect();
        assert!(!records.is_empty(), "the reference run listed nothing");
        records
    }
}

fn key(record: &Value) -> (String, String, String) {
    let text = |name: &str| {
        record[name]
            .as_str()
            .unwrap_or_else(|| panic!("no {name} in {record}"))
            .to_string()
    };
    let identifier = if record.get("db_snapshot_identifier").is_some() {
        "db_snapshot_identifier"
    } else if record.get("db_instance_identifier").is_some() {
        "db_instance_identifier"
    } else {
        "db_cluster_identifier"
    };
    (text("account_name"), text("region"), text(identifier))
}

fn now_seconds() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs_f64()
}

fn assert_jq_installed() {
    let found = Command::new("jq")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "jq is not on the PATH: the documented recipes need it (Debian: apt-get install jq)"
    );
}

// ---------------------------------------------------------------------------------------------
// The moto fleet: both sides of every moto recipe.

/// What to create for one DB instance.
struct Spec {
    id: &'static str,
    engine: &'static str,
    public: bool,
    protected: bool,
    retention: i32,
}

impl Spec {
    fn new(id: &'static str, engine: &'static str) -> Spec {
        Spec {
            id,
            engine,
            public: false,
            protected: false,
            retention: 7,
        }
    }

    fn public(self) -> Spec {
        Spec {
            public: true,
            ..self
        }
    }

    fn protected(self) -> Spec {
        Spec {
            protected: true,
            ..self
        }
    }

    fn no_backups(self) -> Spec {
        Spec {
            retention: 0,
            ..self
        }
    }
}

async fn moto_client(endpoint: &str, account: &str, region: &str) -> aws_sdk_rds::Client {
    let base = (BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY);
    assumed_rds_client(endpoint, base, account, common::moto::ROLE_NAME, region)
        .await
        .unwrap_or_else(|e| panic!("assuming a role in {account}: {e:?}"))
}

async fn create(rds: &aws_sdk_rds::Client, spec: Spec) {
    let version = match spec.engine {
        "postgres" => "16.3",
        "mysql" => "8.0.35",
        _ => "10.11.6",
    };
    rds.create_db_instance()
        .db_instance_identifier(spec.id)
        .db_instance_class("db.t3.micro")
        .engine(spec.engine)
        .engine_version(version)
        .allocated_storage(20)
        .master_username("inventory")
        .master_user_password("not-a-secret-1")
        .publicly_accessible(spec.public)
        .deletion_protection(spec.protected)
        .backup_retention_period(spec.retention)
        .send()
        .await
        .unwrap_or_else(|e| panic!("creating {}: {e:?}", spec.id));
}

async fn seed_moto(endpoint: &str) {
    let fleet: [(&str, &str, Vec<Spec>); 4] = [
        (
            PROD,
            "us-east-1",
            vec![
                Spec::new("prod-public", "postgres").public(),
                Spec::new("prod-public-protected", "mysql")
                    .public()
                    .protected(),
                Spec::new("prod-private", "postgres").protected(),
            ],
        ),
        (
            PROD,
            "eu-west-1",
            vec![Spec::new("prod-eu-no-backups", "postgres").no_backups()],
        ),
        (
            STAGING,
            "us-east-1",
            vec![Spec::new("staging-public-no-backups", "mariadb")
                .public()
                .no_backups()],
        ),
        (
            STAGING,
            "eu-west-1",
            vec![Spec::new("staging-eu-private", "mysql")],
        ),
    ];
    for (account, region, specs) in fleet {
        let rds = moto_client(endpoint, account, region).await;
        for spec in specs {
            create(&rds, spec).await;
        }
    }
    seed_clusters(&moto_client(endpoint, PROD, "us-east-1").await).await;
    seed_snapshots(&moto_client(endpoint, PROD, "us-east-1").await).await;
}

/// Manual snapshots that anyone, an account outside the run, an account of the run or nobody
/// else may restore, and one whose instance is gone (moto adds the automated ones).
async fn seed_snapshots(rds: &aws_sdk_rds::Client) {
    let shares: [(&str, &str, &[&str]); 4] = [
        ("prod-public-shared-public", "prod-public", &["all"]),
        (
            "prod-private-shared-outside",
            "prod-private",
            &["999999999999"],
        ),
        ("prod-private-shared-staging", "prod-private", &[STAGING]),
        ("prod-private-manual", "prod-private", &[]),
    ];
    for (id, instance, with) in shares {
        rds.create_db_snapshot()
            .db_snapshot_identifier(id)
            .db_instance_identifier(instance)
            .send()
            .await
            .unwrap_or_else(|e| panic!("creating snapshot {id}: {e:?}"));
        if !with.is_empty() {
            rds.modify_db_snapshot_attribute()
                .db_snapshot_identifier(id)
                .attribute_name("restore")
                .set_values_to_add(Some(with.iter().map(|a| a.to_string()).collect()))
                .send()
                .await
                .unwrap_or_else(|e| panic!("sharing snapshot {id}: {e:?}"));
        }
    }
    create(rds, Spec::new("prod-gone", "postgres")).await;
    rds.delete_db_instance()
        .db_instance_identifier("prod-gone")
        .final_db_snapshot_identifier("prod-gone-final")
        .skip_final_snapshot(false)
        .send()
        .await
        .unwrap_or_else(|e| panic!("deleting prod-gone: {e:?}"));
}

/// An Aurora cluster with deletion protection, encryption and backups on the cluster, whose
/// two public instances report their own (unused) values, and an Aurora cluster without any.
async fn seed_clusters(rds: &aws_sdk_rds::Client) {
    for (id, protected) in [(LEDGER, true), ("prod-scratch", false)] {
        rds.create_db_cluster()
            .db_cluster_identifier(id)
            .engine("aurora-postgresql")
            .engine_version("16.4")
            .master_username("ledger_admin")
            .master_user_password("not-a-secret-1")
            .deletion_protection(protected)
            .storage_encrypted(protected)
            .backup_retention_period(7)
            .send()
            .await
            .unwrap_or_else(|e| panic!("creating cluster {id}: {e:?}"));
    }
    for member in ["1", "2"] {
        let id = format!("{LEDGER}-{member}");
        rds.create_db_instance()
            .db_instance_identifier(&id)
            .db_instance_class("db.r6g.large")
            .engine("aurora-postgresql")
            .db_cluster_identifier(LEDGER)
            .publicly_accessible(true)
            .send()
            .await
            .unwrap_or_else(|e| panic!("creating {id}: {e:?}"));
    }
}
