//! Reliability suite: the real binary against our fault-injecting fake AWS endpoint.
//! Every scenario asserts on the fake's counters and compares the output with its inventory;
//! every run prints one line of figures (`cargo test --test it faults:: -- --nocapture`).
//!
//! A scenario that several tests look at from different sides runs once per test process
//! (`common::once!`); each test checks one behaviour of its [`Outcome`].

use crate::common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{BufRead, Read};
use std::time::Duration;

use common::fake::{
    self, assert_complete, base_config, expected_keys, output_keys, Key, Outcome, REGIONS,
};
use common::text::{assert_table_aligned, display_width, rfc3339_seconds};
use common::Tool;
use fake_aws::{CountersSnapshot, FakeConfig, Target};
use serde_json::Value;

/// Starts `config`, runs the binary with `args` and keeps the outcome and `files`.
fn outcome_with_files(config: FakeConfig, args: &[&str], files: &[&str]) -> Outcome {
    let fake = fake::start(config);
    let run = fake::run(&fake, args);
    Outcome::new(&fake, run, files)
}

/// Starts `config`, runs the binary with `args` and keeps the outcome.
fn outcome(config: FakeConfig, args: &[&str]) -> Outcome {
    outcome_with_files(config, args, &[])
}

/// `base_config(accounts, instances)` in which the role of account `index` is refused.
fn with_denied_account(accounts: usize, instances: usize, index: usize) -> FakeConfig {
    let mut config = base_config(accounts, instances);
    let denied = config.accounts[index].clone();
    config.denied_accounts.insert(denied);
    config
}

/// `base_config(accounts, instances)` with one broken target, (account `index`, `region`),
/// in the set of targets `broken` picks; and that target.
fn with_broken_target(
    (accounts, instances): (usize, usize),
    (index, region): (usize, &str),
    broken: fn(&mut FakeConfig) -> &mut HashSet<Target>,
) -> (FakeConfig, Target) {
    let mut config = base_config(accounts, instances);
    let target = FakeConfig::target(&config.accounts[index], region);
    broken(&mut config).insert(target.clone());
    (config, target)
}

// ---------------------------------------------------------------------------------------------
// Credentials that expire during the run.

/// Credentials live 20 s; the run lasts well past two lifetimes; expiry is enforced.
fn long_run() -> &'static Outcome {
    let o = common::once!(Outcome, {
        let config = FakeConfig {
            credential_lifetime: Some(Duration::from_secs(20)),
            latency: Duration::from_millis(1000),
            ..base_config(2, 3000)
        };
        outcome(config, &[])
    });
    let secs = o.run.elapsed.as_secs_f64();
    assert!(
        secs > 40.0,
        "the run must outlive two credential lifetimes ({secs:.0} s)"
    );
    o
}

#[test]
fn refreshed_credentials_keep_a_long_run_complete() {
    let o = long_run();
    o.assert_complete(0, "a run longer than two credential lifetimes");
}

#[test]
fn credentials_are_renewed_before_they_expire() {
    let o = long_run();
    assert_eq!(
        o.counters.expired_key_calls, 0,
        "no call may be signed with expired keys"
    );
}

/// At least one new AssumeRole per lifetime of the longest target, and far fewer than one per
/// call.
#[test]
fn each_role_is_assumed_about_once_per_credential_lifetime() {
    let o = long_run();
    for account in &o.config.accounts {
        let assumes = o.counters.assume_role_calls_for(account);
        let per_region: Vec<u64> = REGIONS
            .iter()
            .map(|r| o.counters.describe_calls_for(account, r))
            .collect();
        let calls: u64 = per_region.iter().sum();
        let longest = per_region.iter().copied().max().unwrap_or(0);
        let lifetimes = longest as f64 * 1.0 / 20.0;
        assert!(
            assumes as f64 >= lifetimes.floor() && assumes >= 2,
            "account {account}: {assumes} AssumeRole for a {longest}-call target"
        );
        assert!(
            assumes * 4 < calls,
            "account {account}: {assumes} AssumeRole for {calls} calls"
        );
        eprintln!("account {account}: {assumes} AssumeRole, {calls} DescribeDBInstances");
    }
}

/// Runs `config` with `args`; the fault must have been injected (`provoked` holds on the
/// fake's counters) and the run must still exit 0 with the whole inventory.
fn assert_survives(
    config: FakeConfig,
    args: &[&str],
    provoked: impl Fn(&CountersSnapshot) -> bool,
    what: &str,
) -> Outcome {
    let o = outcome(config, args);
    assert!(
        provoked(&o.counters),
        "{what}: the scenario must provoke its fault: {:?}",
        o.counters
    );
    o.assert_complete(0, what);
    o
}

/// The client believes keys live 15 s longer than the server honours: ExpiredToken must drop
/// the cached keys, assume the role again and retry the same page.
#[test]
fn clock_skew_expired_token_is_recovered() {
    let config = FakeConfig {
        credential_lifetime: Some(Duration::from_secs(20)),
        expiration_skew: Duration::from_secs(15),
        latency: Duration::from_millis(1000),
        ..base_config(2, 3000)
    };
    assert_survives(config, &[], |c| c.expired_key_calls > 0, "ExpiredToken");
}

// ---------------------------------------------------------------------------------------------
// Throttling, 5xx, hung and broken answers.

/// 30% throttled and 10% 503 on every call, STS included.
#[test]
fn throttling_and_503_lose_nothing() {
    let config = FakeConfig {
        throttle_rate: 0.3,
        unavailable_rate: 0.1,
        ..base_config(6, 250)
    };
    let provoked = |c: &CountersSnapshot| c.faults.throttled > 10 && c.faults.unavailable > 3;
    assert_survives(
        config,
        &["--max-attempts", "10"],
        provoked,
        "throttling and 503",
    );
}

/// At scale the SDK's shared retry quota would drain; the run must slow down instead.
#[test]
fn wide_fan_out_under_throttling_loses_no_target() {
    let config = FakeConfig {
        throttle_rate: 0.3,
        ..base_config(200, 120)
    };
    let provoked = |c: &CountersSnapshot| c.faults.throttled > 200;
    let o = assert_survives(config, &["--concurrency", "64"], provoked, "200 accounts");
    assert_eq!(o.counters.assume_role_calls.len(), 200);
}

/// Requests that are never answered are cut by the per-attempt timeout and retried.
#[test]
fn hung_requests_are_cut_and_retried() {
    let config = FakeConfig {
        hang_rate: 0.15,
        ..base_config(3, 250)
    };
    assert_survives(
        config,
        &["--timeout", "0.5"],
        |c| c.faults.hung > 0,
        "hung requests",
    );
}

/// A target whose every request hangs fails within a bounded time; the rest completes.
#[test]
fn a_target_that_always_hangs_fails_in_bounded_time() {
    let (config, hung) = with_broken_target((3, 250), (1, "eu-west-1"), |c| &mut c.hang_targets);
    let o = outcome(config, &["--timeout", "0.3", "--max-attempts", "3"]);
    o.assert_complete(3, "one target always hangs");
    let line = format!("account {} (acct-1), region eu-west-1", hung.0);
    o.run.assert_stderr_contains(&line);
    o.run.assert_stderr_contains("timed out");
    // 3 attempts x 0.3 s plus short backoffs: far below the watchdog.
    assert!(
        o.run.elapsed < Duration::from_secs(30),
        "took {:?}",
        o.run.elapsed
    );
}

/// A truncated XML answer fails that target with a clear message; no panic.
#[test]
fn malformed_answer_fails_only_its_target() {
    let (config, bad) =
        with_broken_target((3, 150), (1, "us-east-1"), |c| &mut c.malformed_targets);
    let o = outcome(config, &[]);
    o.assert_complete(3, "one malformed target");
    o.run.assert_no_panic();
    o.run
        .assert_one_stderr_line("error:", &[&bad.0, "region us-east-1", "malformed answer"]);
}

/// An answer cut after a complete instance parses without error in the SDK (fewer instances,
/// no Marker); the tool must fail that target instead of reporting it short.
#[test]
fn truncated_answer_is_never_a_silently_short_target() {
    let (config, cut) =
        with_broken_target((2, 150), (0, "eu-west-1"), |c| &mut c.truncated_targets);
    let o = outcome(config, &[]);
    assert!(
        o.counters.faults.malformed > 0,
        "the scenario must truncate"
    );
    o.assert_complete(3, "one truncated target");
    o.run.assert_no_panic();
    o.run
        .assert_one_stderr_line("error:", &[&cut.0, "truncated XML"]);
}

/// A server that keeps answering with the Marker it was sent: the target fails after its
/// first page instead of paging (and writing duplicates) forever.
#[test]
fn stuck_pagination_fails_the_target_without_duplicates() {
    let (config, stuck) = with_broken_target((2, 400), (1, "us-east-1"), |c| {
        &mut c.stuck_pagination_targets
    });
    let o = outcome(config, &[]);
    o.run.assert_code(3, "one target's pagination is stuck");
    o.run.assert_stderr_contains("pagination did not advance");
    let got = output_keys(&o.run.stdout); // panics on a duplicate
    let (from_stuck, others): (BTreeSet<Key>, BTreeSet<Key>) = got
        .into_iter()
        .partition(|(a, r, _)| *a == stuck.0 && *r == stuck.1);
    assert_eq!(
        from_stuck.len(),
        100,
        "only the first page of the stuck target"
    );
    assert_eq!(others, expected_keys(&o.config));
    assert!(o.counters.describe_calls_for(&stuck.0, &stuck.1) <= 2);
}

// ---------------------------------------------------------------------------------------------
// Partial failure: a denied account and a disabled region.

/// 4 accounts x 2 regions: account 0's role is denied, account 2 has eu-west-1 disabled.
fn partial_run() -> &'static Outcome {
    common::once!(Outcome, {
        let mut config = with_denied_account(4, 150, 0);
        let disabled = FakeConfig::target(&config.accounts[2], "eu-west-1");
        config.disabled_regions.insert(disabled);
        outcome(config, &[])
    })
}

#[test]
fn partial_failure_exits_3_and_loses_nothing_else() {
    partial_run().assert_complete(3, "a denied account and a disabled region");
}

#[test]
fn a_denied_account_is_reported_once_not_once_per_region() {
    let o = partial_run();
    let parts = [o.denied_account(), "AccessDenied"];
    o.run.assert_one_stderr_line("cannot assume role", &parts);
}

#[test]
fn a_denied_role_is_asked_for_once() {
    let o = partial_run();
    let asked = o.counters.assume_role_calls_for(o.denied_account());
    assert_eq!(asked, 1, "a refusal is asked once");
}

#[test]
fn a_disabled_region_is_reported_with_its_account_region_and_code() {
    let o = partial_run();
    let (account, region) = o.disabled_target();
    let region = format!("region {region}");
    o.run.assert_one_stderr_line(
        "region not enabled for this account",
        &[account, &region, "InvalidClientTokenId"],
    );
}

#[test]
fn each_failure_is_one_error_line() {
    let run = &partial_run().run;
    assert_eq!(run.error_lines().len(), 2, "stderr:\n{}", run.stderr);
}

#[test]
fn summary_line_counts_ok_and_failed_targets() {
    partial_run()
        .run
        .assert_stderr_contains("8 targets: 5 ok, 3 failed");
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C and closed pipes.

/// Spawns a slow run with `args` after `prepare`, sends SIGINT once it is listing, and keeps
/// the outcome and `files`.
#[cfg(unix)]
fn interrupted(args: &[&str], prepare: impl FnOnce(&Tool), files: &[&str]) -> Outcome {
    let fake = fake::start(FakeConfig {
        latency: Duration::from_millis(200),
        ..base_config(3, 2000)
    });
    let tool = fake::tool(&fake).args(args);
    prepare(&tool);
    let running = tool.spawn();
    // Mid-run means: pages are already being fetched (and written to the temp file).
    fake::wait_for_describe_calls(&fake, 5);
    running.interrupt();
    Outcome::new(&fake, fake::finish(&fake, running), files)
}

/// An interrupted run over an existing output file, with the summary on.
#[cfg(unix)]
fn interrupted_over_yesterday() -> &'static Outcome {
    common::once!(Outcome, {
        let args = ["-f", "json", "-o", "inventory.json"];
        let yesterday = |tool: &Tool| {
            let path = tool.workdir().join("inventory.json");
            std::fs::write(path, "yesterday's inventory\n").expect("writing the old output");
        };
        interrupted(&args, yesterday, &["inventory.json"])
    })
}

/// An interrupted run whose output file does not exist yet, with the summary on.
#[cfg(unix)]
fn interrupted_first_run() -> &'static Outcome {
    common::once!(Outcome, {
        let args = ["--summary", "summary.json", "-o", "out.ndjson"];
        interrupted(&args, |_| {}, &["summary.json"])
    })
}

#[cfg(unix)]
#[test]
fn interrupt_exits_130() {
    let o = interrupted_over_yesterday();
    o.run.assert_code(130, "SIGINT").assert_no_panic();
}

#[cfg(unix)]
#[test]
fn interrupt_leaves_an_existing_output_file_untouched() {
    let o = interrupted_over_yesterday();
    assert_eq!(
        o.files.get("inventory.json").map(String::as_str),
        Some("yesterday's inventory\n")
    );
    assert_eq!(
        o.entries,
        BTreeSet::from(["accounts.toml".to_string(), "inventory.json".to_string()]),
        "no temporary file is left beside the output"
    );
}

#[cfg(unix)]
#[test]
fn interrupt_creates_no_output_file() {
    let o = interrupted_first_run();
    o.run.assert_code(130, "SIGINT");
    assert_eq!(
        o.entries,
        BTreeSet::from(["accounts.toml".to_string(), "summary.json".to_string()]),
        "no partial output and no temporary file of any name"
    );
}

#[cfg(unix)]
#[test]
fn summary_is_written_when_interrupted() {
    let s = interrupted_first_run().json_file("summary.json");
    assert_eq!(s["status"], "interrupted");
    assert_eq!(s["exit_code"], 130);
    assert!(s["targets"]["unfinished"].as_u64().expect("unfinished") > 0);
}

/// An `-o` file replaced by a run keeps its permission bits.
#[cfg(unix)]
#[test]
fn output_file_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake::start(base_config(1, 3));
    let tool = fake::tool(&fake).args(["-f", "csv", "-o", "out.csv"]);
    let output = tool.workdir().join("out.csv");
    std::fs::write(&output, "yesterday\n").expect("write");
    std::fs::set_permissions(&output, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    // The run owns its working directory: keep it until the file is checked.
    let run = tool.run();
    run.assert_code(0, "complete run");
    let output = run.path("out.csv");
    assert_ne!(
        std::fs::read_to_string(&output).expect("read"),
        "yesterday\n"
    );
    let mode = std::fs::metadata(&output)
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640, "{mode:o}");
}

/// `| head -1`: the reader goes away; exit 0 and no panic text.
#[test]
fn closed_pipe_exits_zero_quietly() {
    let fake = fake::start(base_config(3, 400));
    let mut running = fake::tool(&fake).spawn();
    let mut first = String::new();
    running
        .take_stdout()
        .read_line(&mut first)
        .expect("one line");
    assert!(first.starts_with('{'), "{first}");
    // The reader (and the pipe) was dropped above, like `head -1` exiting.
    let run = fake::finish(&fake, running);
    run.assert_code(0, "reader went away").assert_no_panic();
    assert!(
        !run.stderr.contains("Broken pipe"),
        "stderr:\n{}",
        run.stderr
    );
}

/// Records are streamed: the first row reaches stdout after one AssumeRole and one page,
/// long before the run has made most of its calls.
#[test]
fn first_row_arrives_after_one_page_not_at_the_end() {
    let fake = fake::start(FakeConfig {
        latency: Duration::from_millis(100),
        ..base_config(2, 1500)
    });
    let mut running = fake::tool(&fake).args(["--concurrency", "1"]).spawn();
    let mut stdout = running.take_stdout();
    let mut first = String::new();
    stdout.read_line(&mut first).expect("first line");
    let at_first_row = fake.counters();
    stdout.read_to_string(&mut String::new()).expect("rest");
    let run = fake::finish(&fake, running);
    run.assert_code(0, "streamed run");
    let total = fake.counters().describe_calls_total();
    assert_eq!(at_first_row.assume_role_calls_total, 1, "{at_first_row:?}");
    assert!(
        at_first_row.describe_calls_total() <= 2 && total >= 20,
        "first row after {} of {total} pages",
        at_first_row.describe_calls_total()
    );
}

// ---------------------------------------------------------------------------------------------
// Malformed accounts files: exit 1, the problem and its place named, nothing on stdout, not a
// single request to AWS.

fn assert_refused(contents: impl AsRef<[u8]>, needle: &str) {
    let fake = fake::start(base_config(1, 10));
    let tool = fake::tool(&fake);
    std::fs::write(tool.workdir().join("accounts.toml"), contents).expect("writing the file");
    let run = tool.run();
    run.assert_code(1, "a bad accounts file");
    assert_eq!(run.stdout, "", "stdout must be empty");
    run.assert_stderr_contains(needle);
    assert_eq!(
        fake.counters().requests_total,
        0,
        "no AWS call for a bad file"
    );
}

/// One test per mistake: `name: file contents => what stderr must say`.
macro_rules! refused_accounts_files {
    ($($name:ident: $contents:expr => $needle:expr;)*) => {
        $(
            #[test]
            fn $name() {
                assert_refused($contents, $needle);
            }
        )*
    };
}

const OK_ACCOUNT: &str = "[[accounts]]\nid = \"111111111111\"\n";

refused_accounts_files! {
    accounts_file_syntax_error_is_refused:
        "regions = [\"us-east-1\"\n" => "accounts.toml:2";
    accounts_file_unknown_key_is_refused:
        format!("regions = [\"us-east-1\"]\ncolour = 1\n{OK_ACCOUNT}") => "unknown field `colour`";
    accounts_file_bad_account_id_is_refused:
        "regions = [\"us-east-1\"]\n[[accounts]]\nid = \"12ab\"\n" => "accounts.toml:3: accounts[0].id";
    accounts_file_duplicate_account_id_is_refused:
        format!("regions = [\"us-east-1\"]\n{OK_ACCOUNT}{OK_ACCOUNT}") => "listed twice";
    accounts_file_malformed_role_arn_is_refused:
        format!("regions = [\"us-east-1\"]\n{OK_ACCOUNT}role_arn = \"arn:aws:s3:::bucket\"\n")
            => "accounts.toml:4: accounts[0].role_arn";
    accounts_file_bad_region_is_refused:
        format!("regions = [\"us-east-1\", \"EU\"]\n{OK_ACCOUNT}") => "accounts.toml:1: regions";
    accounts_file_empty_region_list_is_refused:
        format!("regions = []\n{OK_ACCOUNT}") => "region list is empty";
    accounts_file_without_accounts_is_refused:
        "regions = [\"us-east-1\"]\n" => "no accounts";
    accounts_file_session_duration_out_of_range_is_refused:
        format!("regions = [\"us-east-1\"]\nsession_duration = \"13h\"\n{OK_ACCOUNT}")
            => "accounts.toml:2: session_duration";
    accounts_file_not_utf8_is_refused:
        b"regions = [\"us-east-1\"]\n# caf\xe9\n" => "UTF-8";
    accounts_file_empty_is_refused:
        "" => "empty";
    accounts_file_without_regions_is_refused:
        OK_ACCOUNT => "has no regions";
    accounts_file_zero_concurrency_is_refused:
        format!("regions = [\"us-east-1\"]\nconcurrency = 0\n{OK_ACCOUNT}")
            => "accounts.toml:2: concurrency";
}

#[test]
fn accounts_file_that_is_a_directory_is_refused() {
    let fake = fake::start(base_config(1, 10));
    let tool = fake::tool(&fake);
    let path = tool.workdir().join("accounts.toml");
    std::fs::remove_file(&path).expect("removing the file");
    std::fs::create_dir(&path).expect("mkdir");
    let run = tool.run();
    run.assert_code(1, "a directory where the file should be");
    run.assert_stderr_contains("directory");
    assert_eq!(fake.counters().requests_total, 0);
}

// ---------------------------------------------------------------------------------------------
// Usage errors exit 2, an unwritable output file is fatal (1): before any AWS call.

fn assert_refused_flags(args: &[&str], code: i32, needle: &str) {
    let fake = fake::start(base_config(1, 10));
    let run = fake::run(&fake, args);
    run.assert_code(code, &format!("{args:?}"));
    run.assert_stderr_contains(needle);
    assert_eq!(fake.counters().requests_total, 0, "no AWS call");
}

#[test]
fn unknown_format_is_a_usage_error() {
    assert_refused_flags(&["--format", "xml"], 2, "xml");
}

#[test]
fn malformed_region_flag_is_a_usage_error() {
    assert_refused_flags(&["--region", "moon-1"], 2, "moon-1");
}

#[test]
fn account_flag_that_matches_nothing_is_a_usage_error() {
    assert_refused_flags(&["--account", "nobody"], 2, "nobody");
}

#[test]
fn unwritable_output_file_is_fatal() {
    assert_refused_flags(
        &["-o", "/nonexistent-dir/out.json"],
        1,
        "/nonexistent-dir/out.json",
    );
}

#[test]
fn unknown_column_is_a_usage_error() {
    assert_refused_flags(&["--columns", "region,nonsense"], 2, "nonsense");
}

// ---------------------------------------------------------------------------------------------
// Credentials.

struct VerboseRun {
    outcome: Outcome,
    /// Every key id, secret and session token the fake issued.
    secrets: Vec<String>,
}

/// With -vv, one account denied, so that failures are printed too.
fn verbose_run() -> &'static VerboseRun {
    common::once!(VerboseRun, {
        let mut config = with_denied_account(3, 120, 2);
        config.credential_lifetime = Some(Duration::from_secs(900));
        let fake = fake::start(config);
        let run = fake::run(&fake, &["-v", "-v"]);
        VerboseRun {
            secrets: fake.issued_secrets(),
            outcome: Outcome::new(&fake, run, &[]),
        }
    })
}

/// No access key id, secret key or session token the fake issued is printed, nor the base
/// secret, even with -vv.
#[test]
fn secrets_never_reach_stdout_or_stderr() {
    let v = verbose_run();
    let run = &v.outcome.run;
    run.assert_code(3, "one account denied");
    assert!(
        v.secrets.len() >= 6,
        "two accounts x (key, secret, token): {}",
        v.secrets.len()
    );
    let base = fake::BASE_SECRET_ACCESS_KEY.to_string();
    for secret in v.secrets.iter().chain([&base]) {
        assert!(!run.stdout.contains(secret), "a secret leaked to stdout");
        assert!(!run.stderr.contains(secret), "a secret leaked to stderr");
    }
}

#[test]
fn verbose_reports_each_target() {
    verbose_run()
        .outcome
        .run
        .assert_stderr_contains("ok: account");
}

/// A credential_process profile (--profile) is run once for the whole run, not once per
/// account: AssumeRoleProvider has no cache of its own for the base identity.
#[cfg(unix)]
#[test]
fn credential_process_profile_runs_once_for_all_accounts() {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake::start(base_config(6, 50));
    let tool = fake::tool(&fake);
    let dir = tool.workdir().to_path_buf();
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("writing {name}: {e}"));
        path
    };
    let calls = dir.join("process-calls");
    let script = write(
        "creds.sh",
        format!(
            "#!/bin/sh\necho run >> '{}'\necho '{{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \"process-secret\", \"SessionToken\": \"process-token\", \"Expiration\": \"2099-01-01T00:00:00Z\"}}'\n",
            calls.display()
        ),
    );
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let config_file = write(
        "aws-config",
        format!(
            "[profile inventory]\nregion = us-east-1\ncredential_process = {}\n",
            script.display()
        ),
    );
    let run = fake::report(
        &fake,
        tool.env("AWS_CONFIG_FILE", &config_file)
            .args(["--profile", "inventory"])
            .run(),
    );
    run.assert_code(0, "credential_process profile");
    assert_complete(fake.config(), &run);
    let runs = std::fs::read_to_string(&calls)
        .expect("the process ran")
        .lines()
        .count();
    assert_eq!(
        runs, 1,
        "credential_process must run once, not once per account"
    );
    assert_eq!(fake.counters().assume_role_calls_total, 6);
}

/// No base credentials anywhere: fatal (1) before any AWS call, with a message that says so.
#[test]
fn missing_base_credentials_is_fatal() {
    let fake = fake::start(base_config(2, 10));
    let tool = fake::tool(&fake)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    let run = fake::report(&fake, tool.run());
    run.assert_code(1, "no base credentials");
    run.assert_stderr_contains("base credentials");
    assert!(run.stdout.is_empty());
    assert_eq!(fake.counters().requests_total, 0);
}

/// The standard AWS_ENDPOINT_URL works without --endpoint-url, for STS and RDS alike.
#[test]
fn aws_endpoint_url_environment_variable_is_honoured() {
    let fake = fake::start(base_config(2, 60));
    let tool = Tool::new()
        .base_keys(fake::BASE_ACCESS_KEY_ID, "base-secret")
        .env("AWS_ENDPOINT_URL", fake.endpoint_url());
    fake::accounts_file(fake.config()).write(tool.workdir());
    let run = fake::report(&fake, tool.args(["-f", "csv"]).run());
    run.assert_code(0, "endpoint from the environment");
    let rows = csv::Reader::from_reader(run.stdout.as_bytes())
        .records()
        .count();
    assert_eq!(rows, fake.config().reachable_inventory().len());
    assert_eq!(fake.counters().assume_role_calls_total, 2);
}

#[test]
fn quiet_prints_nothing_on_stderr_when_complete() {
    let fake = fake::start(base_config(2, 60));
    let run = fake::run(&fake, &["-q"]);
    run.assert_code(0, "-q");
    assert_eq!(run.stderr, "", "-q prints nothing on success");
}

// ---------------------------------------------------------------------------------------------
// One AssumeRole per account, bounded concurrency, one connection pool.

/// 80 accounts (more than the SDK's 64 identity-cache partitions) x 6 regions at
/// concurrency 8.
fn eighty_accounts() -> &'static Outcome {
    common::once!(Outcome, {
        let regions = [
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
        ];
        let config = FakeConfig {
            regions: regions.iter().map(|r| r.to_string()).collect(),
            latency: Duration::from_millis(20),
            instances_per_target: 150,
            ..FakeConfig::with_accounts(80)
        };
        outcome(config, &["--concurrency", "8"])
    })
}

#[test]
fn one_assume_role_per_account_however_many_regions() {
    let o = eighty_accounts();
    o.assert_complete(0, "80 accounts x 6 regions");
    assert_eq!(o.counters.assume_role_calls.len(), 80);
    for (account, calls) in &o.counters.assume_role_calls {
        assert_eq!(*calls, 1, "account {account}");
    }
}

#[test]
fn concurrency_flag_bounds_requests_in_flight() {
    let peak = eighty_accounts().counters.peak_in_flight;
    assert!(peak <= 8, "{peak} requests in flight at --concurrency 8");
}

/// About as many sockets as requests in flight, not one pool per account's STS client and
/// per target's RDS client.
#[test]
fn one_connection_pool_serves_every_client() {
    let sockets = eighty_accounts().counters.connections_accepted;
    assert!(sockets <= 16, "{sockets} connections at --concurrency 8");
}

// ---------------------------------------------------------------------------------------------
// `regions = ["enabled"]`: Account ListRegions, once per account, with the account's role.

/// An opt-in region the fake serves (AWS lists it ENABLED once opted in).
const OPT_IN_REGION: &str = "ap-east-1";

struct EnabledRegions {
    outcome: Outcome,
    /// The binary's fallback list, from `plan` for an account that refuses ListRegions.
    fallback: BTreeSet<String>,
    /// The fake's opt status of every region it serves.
    statuses: BTreeMap<String, String>,
    /// Account 0 has the opt-in region disabled.
    opted_out: String,
    /// Account 1 refuses ListRegions.
    refusing: String,
    /// Account 2 has every served region enabled.
    opted_in: String,
}

/// What the binary falls back to when an account refuses ListRegions, asked of `plan`.
fn fallback_regions() -> BTreeSet<String> {
    let mut config = FakeConfig::with_accounts(1);
    config
        .list_regions_denied
        .insert(config.accounts[0].clone());
    let fake = fake::start(config);
    let accounts = fake::accounts_file(fake.config()).regions(["enabled"]);
    let run = fake::report(
        &fake,
        fake::tool_with_accounts(&fake, &accounts).arg("plan").run(),
    );
    run.assert_code(0, "plan for an account that refuses ListRegions");
    run.json_strings("region")
}

/// The fallback regions plus one opt-in region, 3 accounts, `regions = ["enabled"]`.
fn enabled_regions() -> &'static EnabledRegions {
    common::once!(EnabledRegions, {
        let fallback = fallback_regions();
        let mut config = FakeConfig {
            regions: fallback.iter().cloned().collect(),
            instances_per_target: 3,
            ..FakeConfig::with_accounts(3)
        };
        config.regions.push(OPT_IN_REGION.into());
        let [opted_out, refusing, opted_in] =
            <[String; 3]>::try_from(config.accounts.clone()).expect("three accounts");
        config
            .disabled_regions
            .insert(FakeConfig::target(&opted_out, OPT_IN_REGION));
        config.list_regions_denied.insert(refusing.clone());
        let fake = fake::start(config);
        let statuses = fake::region_opt_statuses(&fake);
        let accounts = fake::accounts_file(fake.config()).regions(["enabled"]);
        let run = fake::report(&fake, fake::tool_with_accounts(&fake, &accounts).run());
        EnabledRegions {
            outcome: Outcome::new(&fake, run, &[]),
            fallback,
            statuses,
            opted_out,
            refusing,
            opted_in,
        }
    })
}

impl EnabledRegions {
    /// Fails unless the run listed exactly the instances of `account` in the regions `keep`
    /// accepts.
    #[track_caller]
    fn assert_lists(&self, account: &str, keep: impl Fn(&str) -> bool) {
        let o = &self.outcome;
        let got: BTreeSet<Key> = output_keys(&o.run.stdout)
            .into_iter()
            .filter(|(a, _, _)| a == account)
            .collect();
        let want: BTreeSet<Key> = o
            .config
            .inventory()
            .into_iter()
            .filter(|i| i.account_id == account && keep(&i.region))
            .map(|i| (i.account_id, i.region, i.identifier))
            .collect();
        assert_eq!(got, want, "instances of account {account}");
    }
}

#[test]
fn enabled_regions_leave_out_a_disabled_opt_in_region_without_failing() {
    let s = enabled_regions();
    s.outcome.run.assert_code(0, "a disabled opt-in region");
    assert_eq!(
        s.outcome.run.error_lines(),
        Vec::<&str>::new(),
        "no failed target"
    );
    s.assert_lists(&s.opted_out, |r| r != OPT_IN_REGION);
    let calls = s
        .outcome
        .counters
        .describe_calls_for(&s.opted_out, OPT_IN_REGION);
    assert_eq!(calls, 0, "no RDS call in the disabled region");
}

#[test]
fn enabled_regions_list_every_enabled_region() {
    let s = enabled_regions();
    s.assert_lists(&s.opted_in, |_| true);
}

#[test]
fn refused_list_regions_falls_back_to_the_default_regions() {
    let s = enabled_regions();
    s.assert_lists(&s.refusing, |r| s.fallback.contains(r));
}

/// The README promises the 17 default (non-opt-in) regions; the fake knows which are opt-in.
#[test]
fn fallback_regions_are_the_17_enabled_by_default_regions() {
    let s = enabled_regions();
    assert_eq!(s.fallback.len(), 17, "{:?}", s.fallback);
    assert_eq!(
        s.statuses.get(OPT_IN_REGION).map(String::as_str),
        Some("ENABLED"),
        "the fake marks {OPT_IN_REGION} opt-in"
    );
    for region in &s.fallback {
        assert_eq!(
            s.statuses.get(region).map(String::as_str),
            Some("ENABLED_BY_DEFAULT"),
            "fallback region {region}"
        );
    }
}

#[test]
fn refused_list_regions_is_one_warning() {
    let s = enabled_regions();
    s.outcome.run.assert_one_stderr_line(
        "warning:",
        &[&s.refusing, "cannot list its enabled regions"],
    );
}

#[test]
fn enabled_regions_are_asked_once_per_account() {
    let s = enabled_regions();
    let c = &s.outcome.counters;
    for account in [&s.opted_out, &s.refusing, &s.opted_in] {
        assert_eq!(
            c.list_regions_calls.get(account.as_str()),
            Some(&1),
            "{c:?}"
        );
    }
}

#[test]
fn enabled_regions_and_rds_share_one_assume_role() {
    let s = enabled_regions();
    let c = &s.outcome.counters;
    for account in [&s.opted_out, &s.refusing, &s.opted_in] {
        assert_eq!(c.assume_role_calls_for(account), 1, "{c:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// `--summary`.

/// 3 accounts x 2 regions, account 0 denied, account 1's eu-west-1 disabled, 30% throttled;
/// with its `--summary` document.
fn partial_summary() -> &'static (Outcome, Value) {
    common::once!((Outcome, Value), {
        let mut config = with_denied_account(3, 400, 0);
        let disabled = FakeConfig::target(&config.accounts[1], "eu-west-1");
        config.disabled_regions.insert(disabled);
        config.throttle_rate = 0.3;
        let args = ["--summary", "summary.json"];
        let outcome = outcome_with_files(config, &args, &["summary.json"]);
        let summary = outcome.json_file("summary.json");
        (outcome, summary)
    })
}

#[test]
fn summary_of_a_partial_run_says_partial_and_its_exit_code() {
    let (o, summary) = partial_summary();
    o.run.assert_code(3, "partial run");
    assert_eq!(summary["status"], "partial");
    assert_eq!(summary["exit_code"], 3);
}

#[test]
fn summary_counts_targets() {
    let targets = &partial_summary().1["targets"];
    assert_eq!(
        targets,
        &serde_json::json!({"planned": 6, "ok": 3, "failed": 3, "unfinished": 0})
    );
}

#[test]
fn summary_counts_instances_by_account_region_and_engine() {
    let (o, s) = partial_summary();
    let written = output_keys(&o.run.stdout).len() as u64;
    assert_eq!(s["instances"], written);
    let by_account: u64 = s["instances_by_account"]
        .as_array()
        .expect("instances_by_account")
        .iter()
        .map(|a| a["instances"].as_u64().expect("count"))
        .sum();
    assert_eq!(by_account, written, "instances_by_account");
    for key in ["instances_by_region", "instances_by_engine"] {
        let sum: u64 = s[key]
            .as_object()
            .unwrap_or_else(|| panic!("{key} is an object"))
            .values()
            .map(|v| v.as_u64().expect("count"))
            .sum();
        assert_eq!(sum, written, "{key}");
    }
}

#[test]
fn summary_lists_each_failure_with_its_phase_and_code() {
    let (o, summary) = partial_summary();
    let failures = summary["failures"].as_array().expect("failures");
    assert_eq!(failures.len(), 3, "{failures:?}");
    let in_phase =
        |phase: &str| -> Vec<&Value> { failures.iter().filter(|f| f["phase"] == phase).collect() };
    let role = in_phase("assume_role");
    assert_eq!(role.len(), 2, "both regions of the denied account");
    assert!(role
        .iter()
        .all(|f| f["account_id"] == o.denied_account() && f["error_code"] == "AccessDenied"));
    let region = in_phase("describe");
    assert_eq!(region.len(), 1);
    assert_eq!(region[0]["region"], "eu-west-1");
    assert_eq!(region[0]["error_code"], "InvalidClientTokenId");
}

#[test]
fn summary_counts_assume_role_calls() {
    let (o, summary) = partial_summary();
    assert_eq!(
        summary["assume_role_calls"],
        o.counters.assume_role_calls_total
    );
}

#[test]
fn summary_counts_retries() {
    let (o, summary) = partial_summary();
    let throttled = o.counters.faults.throttled;
    assert!(throttled > 0, "the scenario must throttle");
    let retries = summary["retries"].as_u64().expect("retries");
    assert!(retries > 0, "{throttled} throttled calls, no retry counted");
}

/// `duration_seconds` is the wall time: positive, no longer than the process ran, and what
/// `started_at` and `finished_at` (whole seconds) span.
#[test]
fn summary_duration_is_the_time_between_its_timestamps() {
    let (o, s) = partial_summary();
    let duration = s["duration_seconds"].as_f64().unwrap_or_else(|| {
        panic!(
            "duration_seconds is not a number: {}",
            s["duration_seconds"]
        )
    });
    let started = rfc3339_seconds(s["started_at"].as_str().expect("started_at"));
    let finished = rfc3339_seconds(s["finished_at"].as_str().expect("finished_at"));
    assert!(duration > 0.0, "duration_seconds {duration}");
    let elapsed = o.run.elapsed.as_secs_f64();
    assert!(
        duration <= elapsed,
        "duration_seconds {duration} > the {elapsed:.3} s the process ran"
    );
    let spanned = finished - started;
    assert!(
        (spanned - duration).abs() <= 1.0,
        "started_at..finished_at spans {spanned} s, duration_seconds says {duration}"
    );
}

#[test]
fn summary_is_written_when_fatal() {
    let fake = fake::start(base_config(2, 10));
    let run = fake::run(
        &fake,
        &["--summary", "fatal.json", "-o", "/nonexistent-dir/out"],
    );
    run.assert_code(1, "unwritable output");
    let o = Outcome::new(&fake, run, &["fatal.json"]);
    assert_eq!(
        o.entries,
        BTreeSet::from(["accounts.toml".to_string(), "fatal.json".to_string()]),
        "no temporary file of any name"
    );
    let s = o.json_file("fatal.json");
    assert_eq!(s["status"], "fatal");
    assert_eq!(s["exit_code"], 1);
    let error = s["error"].as_str().expect("error");
    assert!(error.contains("/nonexistent-dir/out"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// `plan`.

/// `plan` and `plan --check` against 3 accounts x 2 regions, account 2 denied.
fn plans() -> &'static (Outcome, Outcome) {
    common::once!((Outcome, Outcome), {
        let config = with_denied_account(3, 10, 2);
        let plan = outcome(config.clone(), &["plan"]);
        (plan, outcome(config, &["plan", "--check"]))
    })
}

#[test]
fn plan_lists_every_target_with_its_role() {
    let run = &plans().0.run;
    run.assert_code(0, "plan");
    let rows = run.json_lines();
    assert_eq!(rows.len(), 6, "3 accounts x 2 regions");
    for row in &rows {
        let arn = row["role_arn"].as_str().expect("role_arn");
        assert!(arn.ends_with(":role/InventoryReadOnly"), "{row}");
        assert_eq!(row["external_id"], false, "{row}");
    }
}

#[test]
fn plan_calls_neither_rds_nor_sts() {
    let c = &plans().0.counters;
    assert_eq!(c.describe_calls_total(), 0, "plan never calls RDS");
    assert_eq!(
        c.assume_role_calls_total, 0,
        "plan without --check assumes nothing"
    );
}

#[test]
fn plan_check_exits_3_and_marks_the_denied_role() {
    let check = &plans().1;
    let run = &check.run;
    run.assert_code(3, "plan --check with a denied role");
    run.assert_stderr_contains("roles: 2 ok, 1 failed");
    let failed: Vec<Value> = run
        .json_lines()
        .into_iter()
        .filter(|r| {
            r["assume_role"]
                .as_str()
                .is_some_and(|s| s.starts_with("failed"))
        })
        .collect();
    assert_eq!(failed.len(), 2, "both regions of the denied account");
    assert!(failed
        .iter()
        .all(|r| r["account_id"] == check.denied_account()));
}

#[test]
fn plan_check_assumes_each_role_once_and_never_calls_rds() {
    let c = &plans().1.counters;
    assert_eq!(c.assume_role_calls_total, 3);
    assert_eq!(c.describe_calls_total(), 0);
}

// ---------------------------------------------------------------------------------------------
// `--columns`, `--tag-column` and the table format.

#[test]
fn columns_and_tag_column_choose_the_csv_fields() {
    let fake = fake::start(base_config(2, 30));
    let run = fake::run(
        &fake,
        &[
            "-f",
            "csv",
            "--columns",
            "region,db_instance_identifier,engine",
            "--tag-column",
            "env",
        ],
    );
    run.assert_code(0, "csv with chosen columns");
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        ["region", "db_instance_identifier", "engine", "tag:env"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), fake.config().reachable_inventory().len());
    let by_id: BTreeMap<(String, String), fake_aws::FakeInstance> = fake
        .config()
        .inventory()
        .into_iter()
        .map(|i| ((i.region.clone(), i.identifier.clone()), i))
        .collect();
    for row in &rows {
        let instance = &by_id[&(row[0].to_string(), row[1].to_string())];
        let env = instance
            .tags
            .iter()
            .find(|(k, _)| k == "env")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        assert_eq!(&row[2], instance.engine);
        assert_eq!(&row[3], env);
    }
}

#[test]
fn columns_choose_the_ndjson_keys() {
    let fake = fake::start(base_config(2, 30));
    let run = fake::run(&fake, &["-f", "ndjson", "--columns", "account_id,tag:env"]);
    run.assert_code(0, "ndjson with chosen columns");
    assert!(!run.stdout.is_empty(), "records to look at");
    for (line, record) in run.stdout.lines().zip(run.json_lines()) {
        let keys: BTreeSet<&str> = record
            .as_object()
            .expect("a JSON object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, BTreeSet::from(["account_id", "tag:env"]), "{line}");
        assert!(
            line.starts_with("{\"account_id\":"),
            "in --columns order: {line}"
        );
    }
}

fn table_run() -> &'static Outcome {
    common::once!(Outcome, outcome(base_config(2, 30), &["-f", "table"]))
}

#[test]
fn table_is_a_header_then_a_row_per_instance() {
    let o = table_run();
    o.run.assert_code(0, "table");
    assert_eq!(
        o.run.stdout.lines().count(),
        o.config.reachable_inventory().len() + 1,
        "a header, then a row per instance"
    );
}

#[test]
fn table_rows_align_with_the_header() {
    let o = table_run();
    assert_table_aligned(&o.run.stdout);
    let widths: BTreeSet<usize> = o.run.stdout.lines().map(display_width).collect();
    assert_eq!(
        widths.len(),
        1,
        "every line is as wide as the header: {widths:?}"
    );
}

/// The alignment check itself fails on a row shifted by one display column (a wide character
/// counted as one), so the test above can fail.
#[test]
#[should_panic(expected = "is misaligned")]
fn table_alignment_check_catches_a_row_shifted_by_a_wide_character() {
    assert_table_aligned(concat!(
        "NAME              ENGINE  \n",
        "plain             mysql   \n",
        "emoji \u{1F680} one       mysql   \n",
    ));
}
