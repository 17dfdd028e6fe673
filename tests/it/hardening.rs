//! Hardening: throttling is a slow-down within a budget, every AWS partition gets its own
//! role ARNs and STS, errors read as words, and `plan` needs no credentials it does not use.

use crate::common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::fake::{self, base_config, expected_keys, output_keys};
use common::{Account, AccountsFile, Tool};
use fake_aws::FakeConfig;

// ---------------------------------------------------------------------------------------------
// Throttling.

/// One run of 200 accounts x 2 regions with `rate` of all calls throttled: every target is
/// listed, whatever the draws. Returns the run's throttled answers, from its summary.
fn assert_throttled_run_is_complete(rate: f64, seed: u64) -> u64 {
    let fake = fake::start(FakeConfig {
        throttle_rate: rate,
        seed,
        ..base_config(200, 20)
    });
    let run = fake::run(
        &fake,
        &["--concurrency", "64", "--summary", "summary.json", "-q"],
    );
    run.assert_code(0, &format!("{rate} throttled, seed {seed}"));
    assert_eq!(
        output_keys(&run.stdout),
        expected_keys(fake.config()),
        "output == the fake's inventory (seed {seed})"
    );
    let summary = run.json_file("summary.json");
    assert_eq!(summary["targets"]["failed"], 0, "seed {seed}");
    let throttled = summary["throttled"].as_u64().expect("throttled count");
    let retries = summary["retries"].as_u64().expect("retries count");
    eprintln!(
        "throttle {rate}, seed {seed}: {:.1} s, {throttled} throttled answers, {retries} retries, 0 failed targets",
        run.elapsed.as_secs_f64()
    );
    assert!(throttled > 0, "the scenario must provoke throttling");
    throttled
}

/// Ten runs in a row, each with other draws: a throttled target is never dropped.
#[test]
fn thirty_percent_throttling_drops_no_target_in_ten_runs() {
    for seed in 1..=10 {
        assert_throttled_run_is_complete(0.3, seed);
    }
}

#[test]
fn sixty_percent_throttling_drops_no_target() {
    assert_throttled_run_is_complete(0.6, 7);
}

// ---------------------------------------------------------------------------------------------
// Partitions (`plan` needs no AWS call here, so the ARNs are checked without credentials).

fn plan_rows(file: AccountsFile, args: &[&str]) -> Vec<serde_json::Value> {
    let tool = Tool::new().arg("plan").args(args);
    file.write(tool.workdir());
    let run = tool.run();
    run.assert_code(0, "plan");
    run.json_lines()
}

#[test]
fn govcloud_regions_make_govcloud_role_arns() {
    let file = AccountsFile::new()
        .regions(["us-gov-west-1"])
        .role_name("R")
        .account(Account::new("111111111111"));
    let rows = plan_rows(file, &[]);
    assert_eq!(
        rows[0]["role_arn"],
        "arn:aws-us-gov:iam::111111111111:role/R"
    );
}

#[test]
fn china_regions_make_china_role_arns() {
    let file = AccountsFile::new()
        .regions(["cn-north-1", "cn-northwest-1"])
        .role_name("R")
        .account(Account::new("111111111111"));
    let rows = plan_rows(file, &[]);
    assert!(rows
        .iter()
        .all(|r| r["role_arn"] == "arn:aws-cn:iam::111111111111:role/R"));
}

#[test]
fn an_account_spanning_two_partitions_is_refused_with_its_line() {
    let tool = Tool::new().arg("plan");
    AccountsFile::new()
        .regions(["us-east-1"])
        .account(Account::new("111111111111").regions(["us-east-1", "us-gov-west-1"]))
        .write(tool.workdir());
    let run = tool.run();
    run.assert_code(1, "two partitions");
    run.assert_stderr_contains("accounts.toml:");
    run.assert_stderr_contains("accounts[0].regions: regions span two AWS partitions");
}

// ---------------------------------------------------------------------------------------------
// Messages and credentials.

/// No credentials anywhere (empty environment, no files, no instance metadata): one message in
/// words that says what to do.
#[test]
fn no_credentials_says_what_to_do_without_debug_dumps() {
    let tool = Tool::new();
    AccountsFile::new()
        .regions(["us-east-1"])
        .account(Account::new("111111111111"))
        .write(tool.workdir());
    let run = tool.run();
    run.assert_code(1, "no base credentials");
    assert!(
        !run.stderr.contains('{'),
        "no struct dumps:\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("headers"),
        "no HTTP headers:\n{}",
        run.stderr
    );
    run.assert_stderr_contains("--profile");
    run.assert_stderr_contains("aws sso login");
    assert!(
        run.stderr
            .starts_with("rds-inventory: no base credentials found"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.lines().count() <= 10,
        "a line or a short list:\n{}",
        run.stderr
    );
}

#[test]
fn plan_without_organization_or_enabled_regions_needs_no_credentials() {
    let tool = Tool::new().arg("plan");
    AccountsFile::new()
        .regions(["us-east-1", "eu-west-1"])
        .account(Account::new("111111111111"))
        .write(tool.workdir());
    let run = tool.run();
    run.assert_code(0, "plan offline");
    let regions: BTreeSet<String> = run
        .json_lines()
        .iter()
        .map(|r| r["region"].as_str().expect("region").to_string())
        .collect();
    assert_eq!(
        regions,
        BTreeSet::from(["eu-west-1".into(), "us-east-1".into()])
    );
}

#[test]
fn plan_check_still_needs_credentials() {
    let tool = Tool::new().args(["plan", "--check"]);
    AccountsFile::new()
        .regions(["us-east-1"])
        .account(Account::new("111111111111"))
        .write(tool.workdir());
    tool.run()
        .assert_code(1, "plan --check without credentials");
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C at any moment of the start leaves no temporary file behind.

/// SIGINT sent at many moments of a run's first milliseconds: whenever it lands, the
/// directory holds no temp file of the summary (the handler is in place before it exists).
#[cfg(unix)]
#[test]
fn an_early_interrupt_never_leaves_a_summary_temp_file() {
    let fake = fake::start(FakeConfig {
        latency: Duration::from_millis(50),
        ..base_config(2, 10)
    });
    for step in 0..30u64 {
        let tool = fake::tool(&fake).args(["--summary", "summary.json", "-q"]);
        let running = tool.spawn();
        // Not a wait for a state: SIGINT lands at a different moment of the start each time.
        std::thread::sleep(Duration::from_micros(step * 300));
        running.interrupt();
        let run = running.wait();
        let leftovers: Vec<String> = run
            .entries()
            .into_iter()
            .filter(|name| name.ends_with(".tmp"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "SIGINT after {} us left {leftovers:?}",
            step * 300
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Throttling of one target: waited out within the budget, a failure past it.

#[test]
fn a_target_throttled_for_30_seconds_then_served_is_complete() {
    let mut config = base_config(3, 20);
    let target = FakeConfig::target(&config.accounts[1], &config.regions[0]);
    config
        .throttle_targets_for
        .insert(target.clone(), Duration::from_secs(30));
    let fake = fake::start(config);
    let run = fake::run(&fake, &["-q"]);
    run.assert_code(0, "throttled for 30 s, then served");
    assert_eq!(output_keys(&run.stdout), expected_keys(fake.config()));
    let throttled = fake.counters().throttled_calls_for(&target.0, &target.1);
    eprintln!(
        "throttled 30 s: {:.1} s, {throttled} throttled answers to that target",
        run.elapsed.as_secs_f64()
    );
    assert!(
        throttled > 8,
        "more than one round of attempts was throttled"
    );
}

#[test]
fn a_target_throttled_past_its_budget_fails_alone_and_says_so() {
    let mut config = base_config(3, 20);
    let target = FakeConfig::target(&config.accounts[1], &config.regions[0]);
    config.throttle_forever_targets.insert(target.clone());
    let fake = fake::start(config);
    let run = fake::run(&fake, &["--retry-budget", "2", "--max-attempts", "3"]);
    run.assert_code(3, "one target throttled forever");
    let lines = run.error_lines();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].contains(&format!("region {}", target.1)) && lines[0].contains(&target.0),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("throttled for 2 s (") && lines[0].contains(" attempts)"),
        "{}",
        lines[0]
    );
    let mut expected = expected_keys(fake.config());
    expected.retain(|k| (k.0.as_str(), k.1.as_str()) != (target.0.as_str(), target.1.as_str()));
    assert_eq!(
        output_keys(&run.stdout),
        expected,
        "every other target complete"
    );
}

// ---------------------------------------------------------------------------------------------
// Partitions and session length at the fake.

#[test]
fn a_govcloud_account_assumes_its_govcloud_role_in_govcloud() {
    let fake = fake::start(FakeConfig {
        regions: vec!["us-gov-west-1".into()],
        ..base_config(1, 5)
    });
    let run = fake::run(&fake, &[]);
    run.assert_code(0, "GovCloud account");
    let counters = fake.counters();
    let arn = format!(
        "arn:aws-us-gov:iam::{}:role/InventoryReadOnly",
        fake.config().accounts[0]
    );
    assert_eq!(
        counters.assume_role_arn_calls(&arn),
        1,
        "{:?}",
        counters.assume_role_arns
    );
    assert_eq!(counters.assume_role_region_calls("us-gov-west-1"), 1);
    assert_eq!(
        counters.assume_role_region_calls("us-east-1"),
        0,
        "never the us-east-1 fallback"
    );
    assert_eq!(output_keys(&run.stdout), expected_keys(fake.config()));
}

#[test]
fn a_session_longer_than_the_role_allows_falls_back_to_one_hour_with_one_warning() {
    let mut config = base_config(2, 5);
    let capped = config.accounts[0].clone();
    config
        .max_session_duration
        .insert(capped.clone(), Duration::from_secs(3600));
    let fake = fake::start(config);
    let file = fake::accounts_file(fake.config()).session_duration("12h");
    let tool = fake::tool_with_accounts(&fake, &file).args(["--summary", "summary.json"]);
    let run = fake::report(&fake, tool.run());
    run.assert_code(0, "the capped account is still listed");
    assert_eq!(output_keys(&run.stdout), expected_keys(fake.config()));
    let warnings = run.warning_lines();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(
        warnings[0].contains(&capped) && warnings[0].contains("1 h"),
        "{}",
        warnings[0]
    );
    assert_eq!(
        fake.counters().assume_role_durations_for(&capped),
        [Some(43_200), Some(3_600)],
        "asked 12 h once, then 1 h"
    );
    let summary = run.json_file("summary.json");
    assert_eq!(summary["warnings"][0]["account_id"], capped.as_str());
    assert_eq!(summary["warnings"][0]["phase"], "assume_role");
}
