//! Reliability suite: the real binary against our fault-injecting fake AWS endpoint.
//! Every scenario asserts on the fake's counters and compares the output with its inventory.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use fake_aws::{FakeAws, FakeConfig};

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
/// A run that takes longer than this is hung: the test fails instead of waiting forever.
const WATCHDOG: Duration = Duration::from_secs(240);

/// What one run of the binary produced.
struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Run {
    fn code(&self) -> Option<i32> {
        self.status.code()
    }
}

/// An accounts file for every account and region the fake serves.
fn accounts_toml(config: &FakeConfig) -> String {
    let regions: Vec<String> = config.regions.iter().map(|r| format!("{r:?}")).collect();
    let mut text = format!(
        "regions = [{}]\nrole_name = \"InventoryReadOnly\"\nsession_duration = \"1h\"\n",
        regions.join(", ")
    );
    for (i, id) in config.accounts.iter().enumerate() {
        text.push_str(&format!(
            "\n[[accounts]]\nid = \"{id}\"\nname = \"acct-{i}\"\n"
        ));
    }
    text
}

fn fake(config: FakeConfig) -> FakeAws {
    FakeAws::start_in_background(config).expect("fake AWS endpoint starts")
}

fn base_config(accounts: usize, instances: usize) -> FakeConfig {
    FakeConfig {
        regions: REGIONS.iter().map(|r| r.to_string()).collect(),
        instances_per_target: instances,
        ..FakeConfig::with_accounts(accounts)
    }
}

/// The binary with an isolated environment: static base keys, no profiles, no IMDS.
fn command(dir: &Path, endpoint: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rds-inventory"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("AWS_ACCESS_KEY_ID", "AKIDBASEEXAMPLE00001")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "base-secret-not-issued-by-the-fake",
        )
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", dir.join("no-such-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("no-such-credentials"),
        )
        .arg("--endpoint-url")
        .arg(endpoint)
        .arg("--no-progress")
        .arg("--initial-backoff-ms")
        .arg("20")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Collects a child's output on threads and waits for it, failing after [`WATCHDOG`].
fn wait(mut child: Child) -> Run {
    // The caller may have taken stdout already (the closed-pipe test reads it itself).
    let stdout = child.stdout.take();
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(mut stdout) = stdout {
            stdout.read_to_string(&mut s).expect("utf-8 stdout");
        }
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).expect("utf-8 stderr");
        s
    });
    let status = wait_with_watchdog(&mut child);
    Run {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

fn wait_with_watchdog(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + WATCHDOG;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("rds-inventory did not finish within {WATCHDOG:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A scratch directory holding an accounts.toml for every account and region of `fake`.
fn dir_with_accounts_file(fake: &FakeAws) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("accounts.toml"),
        accounts_toml(fake.config()),
    )
    .expect("write");
    dir
}

/// The `error:` lines a run printed on stderr (one per failed target or refused account).
fn error_lines(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect()
}

fn run_against(fake: &FakeAws, args: &[&str]) -> (tempfile::TempDir, Run) {
    let dir = dir_with_accounts_file(fake);
    let started = Instant::now();
    let child = command(dir.path(), &fake.endpoint_url(), args)
        .spawn()
        .expect("spawn rds-inventory");
    let run = wait(child);
    report_figures(fake, &run, started.elapsed());
    (dir, run)
}

/// One line of figures per run, for `cargo test --test faults -- --nocapture`.
fn report_figures(fake: &FakeAws, run: &Run, elapsed: Duration) {
    let c = fake.counters();
    eprintln!(
        "[{}] exit {:?} in {:.1} s; {} AssumeRole for {} accounts; {} DescribeDBInstances; {} expired-key calls; faults {:?}; peak in flight {}; {} connections",
        std::thread::current().name().unwrap_or("?"),
        run.code(),
        elapsed.as_secs_f64(),
        c.assume_role_calls_total,
        fake.config().accounts.len(),
        c.describe_calls_total(),
        c.expired_key_calls,
        c.faults,
        c.peak_in_flight,
        c.connections_accepted
    );
}

type Key = (String, String, String);

/// (account, region, identifier) of every NDJSON record, failing on duplicates.
fn output_keys(stdout: &str) -> BTreeSet<Key> {
    let mut keys = BTreeSet::new();
    for line in stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        let key = (
            v["account_id"].as_str().expect("account_id").to_string(),
            v["region"].as_str().expect("region").to_string(),
            v["db_instance_identifier"]
                .as_str()
                .expect("identifier")
                .to_string(),
        );
        assert!(keys.insert(key.clone()), "duplicate record {key:?}");
    }
    keys
}

fn expected_keys(config: &FakeConfig) -> BTreeSet<Key> {
    config
        .reachable_inventory()
        .into_iter()
        .map(|i| (i.account_id, i.region, i.identifier))
        .collect()
}

/// Output equals the fake's reachable inventory exactly: nothing lost, nothing twice.
fn assert_complete(fake: &FakeAws, run: &Run) {
    let got = output_keys(&run.stdout);
    let want = expected_keys(fake.config());
    assert!(!want.is_empty(), "the scenario must have instances to lose");
    let missing: Vec<&Key> = want.difference(&got).take(5).collect();
    let extra: Vec<&Key> = got.difference(&want).take(5).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "output differs from the inventory: {} missing (e.g. {missing:?}), {} extra (e.g. {extra:?})\nstderr:\n{}",
        want.difference(&got).count(),
        got.difference(&want).count(),
        run.stderr
    );
}

fn assert_no_panic(run: &Run) {
    assert!(
        !run.stderr.contains("panicked"),
        "panic on stderr:\n{}",
        run.stderr
    );
}

/// 1. Credentials live 20 s, the run lasts well past 40 s, expiry is enforced.
#[test]
fn refresh_keeps_a_long_run_alive_with_one_assume_role_per_lifetime() {
    let config = FakeConfig {
        credential_lifetime: Some(Duration::from_secs(20)),
        latency: Duration::from_millis(1000),
        ..base_config(2, 3000)
    };
    let fake = fake(config);
    let started = Instant::now();
    let (_dir, run) = run_against(&fake, &[]);
    let run_secs = started.elapsed().as_secs_f64();
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
    assert!(
        run_secs > 40.0,
        "the run must outlive two credential lifetimes ({run_secs:.0} s)"
    );
    assert_complete(&fake, &run);
    let counters = fake.counters();
    assert_eq!(
        counters.expired_key_calls, 0,
        "no call may be signed with expired keys"
    );
    for account in &fake.config().accounts {
        let assumes = counters.assume_role_calls_for(account);
        let calls: u64 = REGIONS
            .iter()
            .map(|r| counters.describe_calls_for(account, r))
            .sum();
        // Refreshed before expiry: at least one new AssumeRole per lifetime of the longest
        // target, and far fewer than one per call.
        let longest: u64 = REGIONS
            .iter()
            .map(|r| counters.describe_calls_for(account, r))
            .max()
            .unwrap_or(0);
        let lifetimes = longest as f64 * 1.0 / 20.0;
        assert!(
            assumes as f64 >= lifetimes.floor() && assumes >= 2,
            "account {account}: {assumes} AssumeRole for a {longest}-call target"
        );
        assert!(
            assumes * 4 < calls,
            "account {account}: {assumes} AssumeRole for {calls} calls"
        );
        eprintln!("account {account}: {assumes} AssumeRole, {calls} DescribeDBInstances, run {run_secs:.0} s");
    }
}

/// Scenario 2: the client believes keys live 15 s longer than the server honours: ExpiredToken must
/// drop the cached keys, assume the role again and retry the same page.
#[test]
fn clock_skew_expired_token_is_recovered() {
    let config = FakeConfig {
        credential_lifetime: Some(Duration::from_secs(20)),
        expiration_skew: Duration::from_secs(15),
        latency: Duration::from_millis(1000),
        ..base_config(2, 3000)
    };
    let fake = fake(config);
    let (_dir, run) = run_against(&fake, &[]);
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
    assert_complete(&fake, &run);
    let counters = fake.counters();
    assert!(
        counters.expired_key_calls > 0,
        "the scenario must provoke ExpiredToken to test recovery"
    );
    eprintln!(
        "skew: {} calls with expired keys, {} AssumeRole",
        counters.expired_key_calls, counters.assume_role_calls_total
    );
}

/// 3a. 30% throttled and 10% 503 on every call, STS included.
#[test]
fn throttling_and_503_lose_nothing() {
    let config = FakeConfig {
        throttle_rate: 0.3,
        unavailable_rate: 0.1,
        ..base_config(6, 250)
    };
    let fake = fake(config);
    let (_dir, run) = run_against(&fake, &["--max-attempts", "10"]);
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
    assert_complete(&fake, &run);
    let counters = fake.counters();
    assert!(
        counters.faults.throttled > 10 && counters.faults.unavailable > 3,
        "{counters:?}"
    );
}

/// 3b. At scale the SDK's shared retry quota would drain; the run must slow down instead.
#[test]
fn wide_fan_out_under_throttling_loses_no_target() {
    let config = FakeConfig {
        throttle_rate: 0.3,
        ..base_config(200, 120)
    };
    let fake = fake(config);
    let (_dir, run) = run_against(&fake, &["--concurrency", "64"]);
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
    assert_complete(&fake, &run);
    let counters = fake.counters();
    assert!(counters.faults.throttled > 200, "{:?}", counters.faults);
    assert_eq!(counters.assume_role_calls.len(), 200);
}

/// 4a. Requests that are never answered are cut by the per-attempt timeout and retried.
#[test]
fn hung_requests_are_cut_and_retried() {
    let config = FakeConfig {
        hang_rate: 0.15,
        ..base_config(3, 250)
    };
    let fake = fake(config);
    let (_dir, run) = run_against(&fake, &["--timeout", "0.5"]);
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
    assert_complete(&fake, &run);
    assert!(fake.counters().faults.hung > 0);
}

/// 4b. A target whose every request hangs fails within a bounded time; the rest completes.
#[test]
fn a_target_that_always_hangs_fails_in_bounded_time() {
    let mut config = base_config(3, 250);
    let hung = FakeConfig::target(&config.accounts[1], "eu-west-1");
    config.hang_targets.insert(hung.clone());
    let fake = fake(config);
    let started = Instant::now();
    let (_dir, run) = run_against(&fake, &["--timeout", "0.3", "--max-attempts", "3"]);
    let elapsed = started.elapsed();
    assert_eq!(run.code(), Some(3), "stderr:\n{}", run.stderr);
    assert_complete(&fake, &run);
    let line = format!("account {} (acct-1), region eu-west-1", hung.0);
    assert!(run.stderr.contains(&line), "stderr:\n{}", run.stderr);
    assert!(run.stderr.contains("timed out"), "stderr:\n{}", run.stderr);
    // 3 attempts x 0.3 s plus short backoffs: far below the watchdog.
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

/// 5. A denied account and a disabled region: exit 3, each reported once, the rest complete.
#[test]
fn partial_failure_is_reported_once_and_loses_nothing_else() {
    let mut config = base_config(4, 150);
    let denied = config.accounts[0].clone();
    let disabled = FakeConfig::target(&config.accounts[2], "eu-west-1");
    config.denied_accounts.insert(denied.clone());
    config.disabled_regions.insert(disabled.clone());
    let fake = fake(config);
    let (_dir, run) = run_against(&fake, &[]);
    assert_eq!(run.code(), Some(3), "stderr:\n{}", run.stderr);
    assert_complete(&fake, &run);
    let role_lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("cannot assume role"))
        .collect();
    assert_eq!(role_lines.len(), 1, "stderr:\n{}", run.stderr);
    assert!(role_lines[0].contains(&denied) && role_lines[0].contains("AccessDenied"));
    let region_lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("region not enabled for this account"))
        .collect();
    assert_eq!(region_lines.len(), 1, "stderr:\n{}", run.stderr);
    assert!(region_lines[0].contains(&disabled.0) && region_lines[0].contains("region eu-west-1"));
    assert!(region_lines[0].contains("InvalidClientTokenId"));
    assert_eq!(error_lines(&run).len(), 2);
    assert_eq!(
        fake.counters().assume_role_calls_for(&denied),
        1,
        "a refusal is asked once"
    );
    assert!(
        run.stderr.contains("8 targets: 5 ok, 3 failed"),
        "stderr:\n{}",
        run.stderr
    );
}

/// 6. A truncated XML answer fails that target with a clear message; no panic.
#[test]
fn malformed_answer_fails_only_its_target() {
    let mut config = base_config(3, 150);
    let bad = FakeConfig::target(&config.accounts[1], "us-east-1");
    config.malformed_targets.insert(bad.clone());
    let fake = fake(config);
    let (_dir, run) = run_against(&fake, &[]);
    assert_eq!(run.code(), Some(3), "stderr:\n{}", run.stderr);
    assert_no_panic(&run);
    assert_complete(&fake, &run);
    let lines: Vec<&str> = error_lines(&run);
    assert_eq!(lines.len(), 1, "stderr:\n{}", run.stderr);
    assert!(
        lines[0].contains(&bad.0) && lines[0].contains("region us-east-1"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("malformed answer"), "{}", lines[0]);
}

/// 7a. SIGINT mid-run with --output on an existing file: exit 130, file untouched, no temp.
#[cfg(unix)]
#[test]
fn interrupt_leaves_existing_output_untouched() {
    let config = FakeConfig {
        latency: Duration::from_millis(200),
        ..base_config(3, 2000)
    };
    let fake = fake(config);
    let dir = dir_with_accounts_file(&fake);
    let output = dir.path().join("inventory.json");
    std::fs::write(&output, "yesterday's inventory\n").expect("write");
    let child = command(
        dir.path(),
        &fake.endpoint_url(),
        &["-f", "json", "-o", "inventory.json"],
    )
    .spawn()
    .expect("spawn");
    // Mid-run means: pages are already being fetched (and written to the temp file).
    let deadline = Instant::now() + Duration::from_secs(60);
    while fake.counters().describe_calls_total() < 5 {
        assert!(Instant::now() < deadline, "the run never started listing");
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let run = wait(child);
    assert_eq!(run.code(), Some(130), "stderr:\n{}", run.stderr);
    assert_no_panic(&run);
    assert_eq!(
        std::fs::read_to_string(&output).expect("read"),
        "yesterday's inventory\n"
    );
    assert_eq!(
        file_names(dir.path()),
        ["accounts.toml", "inventory.json"],
        "no temp file of any name"
    );
}

/// The names in a directory, sorted: a leftover temp file of any name shows up.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// An `-o` file replaced by a run keeps its permission bits.
#[cfg(unix)]
#[test]
fn output_file_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake(base_config(1, 3));
    let dir = dir_with_accounts_file(&fake);
    let output = dir.path().join("out.csv");
    std::fs::write(&output, "yesterday\n").expect("write");
    std::fs::set_permissions(&output, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let run = wait(
        command(
            dir.path(),
            &fake.endpoint_url(),
            &["-f", "csv", "-o", "out.csv"],
        )
        .spawn()
        .expect("spawn"),
    );
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
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

/// 7b. `| head -1`: the reader goes away; exit 0 and no panic text.
#[test]
fn closed_pipe_exits_zero_quietly() {
    let fake = fake(base_config(3, 400));
    let dir = dir_with_accounts_file(&fake);
    let mut child = command(dir.path(), &fake.endpoint_url(), &[])
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("one line");
    assert!(first.starts_with('{'), "{first}");
    // The reader (and the pipe) is dropped here, like `head -1` exiting.
    let run = wait(child);
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
    assert_no_panic(&run);
    assert!(
        !run.stderr.contains("Broken pipe"),
        "stderr:\n{}",
        run.stderr
    );
}

/// Scenario 8: malformed accounts files: exit 1, the problem and its place named, nothing on stdout,
/// not a single request to AWS.
#[test]
fn bad_accounts_files_are_refused_before_any_aws_call() {
    let fake = fake(base_config(1, 10));
    let ok = "[[accounts]]\nid = \"111111111111\"\n";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "syntax",
            b"regions = [\"us-east-1\"\n".to_vec(),
            "accounts.toml:2",
        ),
        (
            "unknown key",
            format!("regions = [\"us-east-1\"]\ncolour = 1\n{ok}").into_bytes(),
            "unknown field `colour`",
        ),
        (
            "bad id",
            b"regions = [\"us-east-1\"]\n[[accounts]]\nid = \"12ab\"\n".to_vec(),
            "accounts.toml:3: accounts[0].id",
        ),
        (
            "duplicate id",
            format!("regions = [\"us-east-1\"]\n{ok}{ok}").into_bytes(),
            "listed twice",
        ),
        (
            "bad arn",
            format!("regions = [\"us-east-1\"]\n{ok}role_arn = \"arn:aws:s3:::bucket\"\n")
                .into_bytes(),
            "accounts.toml:4: accounts[0].role_arn",
        ),
        (
            "bad region",
            format!("regions = [\"us-east-1\", \"EU\"]\n{ok}").into_bytes(),
            "accounts.toml:1: regions",
        ),
        (
            "empty regions",
            format!("regions = []\n{ok}").into_bytes(),
            "region list is empty",
        ),
        (
            "no accounts",
            b"regions = [\"us-east-1\"]\n".to_vec(),
            "no accounts",
        ),
        (
            "duration",
            format!("regions = [\"us-east-1\"]\nsession_duration = \"13h\"\n{ok}").into_bytes(),
            "accounts.toml:2: session_duration",
        ),
        (
            "not utf-8",
            b"regions = [\"us-east-1\"]\n# caf\xe9\n".to_vec(),
            "UTF-8",
        ),
        ("empty file", Vec::new(), "empty"),
        ("missing regions", ok.as_bytes().to_vec(), "has no regions"),
        (
            "zero concurrency",
            format!("regions = [\"us-east-1\"]\nconcurrency = 0\n{ok}").into_bytes(),
            "accounts.toml:2: concurrency",
        ),
    ];
    for (name, contents, needle) in &cases {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("accounts.toml"), contents).expect("write");
        let run = wait(
            command(dir.path(), &fake.endpoint_url(), &[])
                .spawn()
                .expect("spawn"),
        );
        assert_eq!(run.code(), Some(1), "{name}: stderr:\n{}", run.stderr);
        assert!(run.stdout.is_empty(), "{name}: stdout must be empty");
        assert!(
            run.stderr.contains(needle),
            "{name}: {needle:?} not in:\n{}",
            run.stderr
        );
    }
    // A directory where the file should be.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("accounts.toml")).expect("mkdir");
    let run = wait(
        command(dir.path(), &fake.endpoint_url(), &[])
            .spawn()
            .expect("spawn"),
    );
    assert_eq!(run.code(), Some(1));
    assert!(run.stderr.contains("directory"), "{}", run.stderr);
    assert_eq!(
        fake.counters().requests_total,
        0,
        "no AWS call for a bad file"
    );
}

/// Usage errors exit 2; an unwritable output file is fatal (1) before any AWS call.
#[test]
fn usage_and_output_errors_have_their_own_exit_codes() {
    let fake = fake(base_config(1, 10));
    let (_d, run) = run_against(&fake, &["--format", "xml"]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    let (_d, run) = run_against(&fake, &["--region", "moon-1"]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    let (_d, run) = run_against(&fake, &["--account", "nobody"]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    let (_d, run) = run_against(&fake, &["-o", "/nonexistent-dir/out.json"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("/nonexistent-dir/out.json"),
        "{}",
        run.stderr
    );
    assert_eq!(fake.counters().requests_total, 0);
}

/// 9. With -vv, no access key id, secret key or session token the fake issued is printed.
#[test]
fn secrets_never_reach_stdout_or_stderr() {
    let mut config = base_config(3, 120);
    config.denied_accounts.insert(config.accounts[2].clone());
    config.credential_lifetime = Some(Duration::from_secs(900));
    let fake = fake(config);
    let (_dir, run) = run_against(&fake, &["-v", "-v"]);
    assert_eq!(run.code(), Some(3), "stderr:\n{}", run.stderr);
    let secrets = fake.issued_secrets();
    assert!(
        secrets.len() >= 6,
        "two accounts x (key, secret, token): {}",
        secrets.len()
    );
    for secret in secrets {
        assert!(!run.stdout.contains(&secret), "a secret leaked to stdout");
        assert!(!run.stderr.contains(&secret), "a secret leaked to stderr");
    }
    assert!(!run.stderr.contains("base-secret-not-issued-by-the-fake"));
    assert!(
        run.stderr.contains("ok: account"),
        "-v shows targets:\n{}",
        run.stderr
    );
}

/// One AssumeRole per account however many regions; the first page reaches stdout as a stream.
#[test]
fn one_assume_role_per_account_and_bounded_concurrency() {
    let config = FakeConfig {
        regions: [
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
        ]
        .iter()
        .map(|r| r.to_string())
        .collect(),
        latency: Duration::from_millis(20),
        ..FakeConfig {
            instances_per_target: 150,
            ..FakeConfig::with_accounts(80)
        }
    };
    let fake = fake(config);
    let (_dir, run) = run_against(&fake, &["--concurrency", "8"]);
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
    assert_complete(&fake, &run);
    let counters = fake.counters();
    // 80 accounts exceed the SDK's default 64 cache partitions: still one call each.
    assert_eq!(counters.assume_role_calls.len(), 80);
    for (account, calls) in &counters.assume_role_calls {
        assert_eq!(*calls, 1, "account {account}");
    }
    assert!(
        counters.peak_in_flight <= 8,
        "peak {}",
        counters.peak_in_flight
    );
    // One shared connection pool: about as many sockets as requests in flight, not one pool
    // per account's STS client and per target's RDS client (measured 610 sockets that way).
    assert!(
        counters.connections_accepted <= 16,
        "{} connections for 80 accounts at concurrency 8",
        counters.connections_accepted
    );
}

/// A credential_process profile (--profile) is run once for the whole run, not once per
/// account: AssumeRoleProvider has no cache of its own for the base identity.
#[cfg(unix)]
#[test]
fn credential_process_profile_runs_once_for_all_accounts() {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake(base_config(6, 50));
    let dir = dir_with_accounts_file(&fake);
    let calls = dir.path().join("process-calls");
    let script = dir.path().join("creds.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho run >> '{}'\necho '{{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \"process-secret\", \"SessionToken\": \"process-token\", \"Expiration\": \"2099-01-01T00:00:00Z\"}}'\n",
            calls.display()
        ),
    )
    .expect("write script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let config_file = dir.path().join("aws-config");
    std::fs::write(
        &config_file,
        format!(
            "[profile inventory]\nregion = us-east-1\ncredential_process = {}\n",
            script.display()
        ),
    )
    .expect("write config");
    let run = wait(
        command(
            dir.path(),
            &fake.endpoint_url(),
            &["--profile", "inventory"],
        )
        .env("AWS_CONFIG_FILE", &config_file)
        .spawn()
        .expect("spawn"),
    );
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
    assert_complete(&fake, &run);
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
    let fake = fake(base_config(2, 10));
    let dir = dir_with_accounts_file(&fake);
    let run = wait(
        command(dir.path(), &fake.endpoint_url(), &[])
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .spawn()
            .expect("spawn"),
    );
    assert_eq!(run.code(), Some(1), "stderr:\n{}", run.stderr);
    assert!(
        run.stderr.contains("base credentials"),
        "stderr:\n{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    assert_eq!(fake.counters().requests_total, 0);
}

/// The standard AWS_ENDPOINT_URL works without --endpoint-url, for STS and RDS alike.
#[test]
fn aws_endpoint_url_environment_variable_is_honoured() {
    let fake = fake(base_config(2, 60));
    let dir = dir_with_accounts_file(&fake);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rds-inventory"));
    cmd.env_clear()
        .env("HOME", dir.path())
        .env("AWS_ACCESS_KEY_ID", "AKIDBASEEXAMPLE00001")
        .env("AWS_SECRET_ACCESS_KEY", "base-secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", dir.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
        .env("AWS_ENDPOINT_URL", fake.endpoint_url())
        .args(["-q", "-f", "csv"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let run = wait(cmd.spawn().expect("spawn"));
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
    assert!(
        run.stderr.is_empty(),
        "-q prints nothing on success:\n{}",
        run.stderr
    );
    let rows = csv::Reader::from_reader(run.stdout.as_bytes())
        .records()
        .count();
    assert_eq!(rows, fake.config().reachable_inventory().len());
    assert_eq!(fake.counters().assume_role_calls_total, 2);
}

/// Records are streamed: the first row reaches stdout after one AssumeRole and one page,
/// long before the run has made most of its calls.
#[test]
fn first_row_arrives_after_one_page_not_at_the_end() {
    let config = FakeConfig {
        latency: Duration::from_millis(100),
        ..base_config(2, 1500)
    };
    let fake = fake(config);
    let dir = dir_with_accounts_file(&fake);
    let mut child = command(dir.path(), &fake.endpoint_url(), &["--concurrency", "1"])
        .spawn()
        .expect("spawn");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("first line");
    let at_first_row = fake.counters();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("rest");
    let run = wait(child);
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
    let total = fake.counters().describe_calls_total();
    assert_eq!(at_first_row.assume_role_calls_total, 1, "{at_first_row:?}");
    assert!(
        at_first_row.describe_calls_total() <= 2 && total >= 20,
        "first row after {} of {total} pages",
        at_first_row.describe_calls_total()
    );
}

/// The 17 regions every account has enabled by default (the tool's fallback list).
const STANDARD_REGIONS: [&str; 17] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
];

/// `regions = ["enabled"]`: each account is asked once (Account ListRegions) with its own
/// role; a disabled opt-in region never becomes a failed target; a denied ListRegions falls
/// back to the standard regions with one warning. The role is assumed once per account for
/// both the ListRegions and the RDS calls.
#[test]
fn enabled_regions_are_asked_once_per_account_with_fallback() {
    let mut regions: Vec<String> = STANDARD_REGIONS.iter().map(|r| r.to_string()).collect();
    regions.push("ap-east-1".into()); // opt-in
    let mut config = FakeConfig {
        regions,
        instances_per_target: 3,
        ..FakeConfig::with_accounts(3)
    };
    let (a0, a1, a2) = (
        config.accounts[0].clone(),
        config.accounts[1].clone(),
        config.accounts[2].clone(),
    );
    config
        .disabled_regions
        .insert(FakeConfig::target(&a0, "ap-east-1"));
    config.list_regions_denied.insert(a1.clone());
    let fake = fake(config);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut toml = String::from("regions = [\"enabled\"]\n");
    for (i, id) in fake.config().accounts.iter().enumerate() {
        toml.push_str(&format!(
            "\n[[accounts]]\nid = \"{id}\"\nname = \"acct-{i}\"\n"
        ));
    }
    std::fs::write(dir.path().join("accounts.toml"), toml).expect("write");
    let run = wait(
        command(dir.path(), &fake.endpoint_url(), &[])
            .spawn()
            .expect("spawn"),
    );
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
    let got = output_keys(&run.stdout);
    let want: BTreeSet<Key> = fake
        .config()
        .inventory()
        .into_iter()
        .filter(|i| match i.account_id.as_str() {
            a if a == a0 => i.region != "ap-east-1", // disabled there
            a if a == a1 => STANDARD_REGIONS.contains(&i.region.as_str()), // fallback list
            a if a == a2 => true,                    // every enabled region
            _ => false,
        })
        .map(|i| (i.account_id, i.region, i.identifier))
        .collect();
    assert_eq!(got, want);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "stderr:\n{}", run.stderr);
    assert!(warnings[0].contains(&a1) && warnings[0].contains("cannot list its enabled regions"));
    assert!(
        !run.stderr.contains("error:"),
        "no failed target:\n{}",
        run.stderr
    );
    let counters = fake.counters();
    for account in [&a0, &a1, &a2] {
        assert_eq!(
            counters.list_regions_calls.get(account.as_str()),
            Some(&1),
            "{counters:?}"
        );
        assert_eq!(counters.assume_role_calls_for(account), 1, "{counters:?}");
    }
    assert_eq!(counters.describe_calls_for(&a0, "ap-east-1"), 0);
}

fn read_summary(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("summary written");
    serde_json::from_str(&text).expect("summary is JSON")
}

/// `--summary` on a partial run: counts, failures with phase and code, instances by account,
/// region and engine, AssumeRole calls.
#[test]
fn summary_describes_a_partial_run() {
    let mut config = base_config(3, 400);
    let denied = config.accounts[0].clone();
    let disabled = FakeConfig::target(&config.accounts[1], "eu-west-1");
    config.denied_accounts.insert(denied.clone());
    config.disabled_regions.insert(disabled.clone());
    config.throttle_rate = 0.3;
    let fake = fake(config);
    let (dir, run) = run_against(&fake, &["--summary", "summary.json"]);
    assert_eq!(run.code(), Some(3), "stderr:\n{}", run.stderr);
    let s = read_summary(&dir.path().join("summary.json"));
    assert_eq!(s["status"], "partial");
    assert_eq!(s["exit_code"], 3);
    assert_eq!(s["targets"]["planned"], 6);
    assert_eq!(s["targets"]["ok"], 3);
    assert_eq!(s["targets"]["failed"], 3);
    assert_eq!(s["targets"]["unfinished"], 0);
    let instances = output_keys(&run.stdout).len() as u64;
    assert_eq!(s["instances"], instances);
    let by_account: u64 = s["instances_by_account"]
        .as_array()
        .expect("array")
        .iter()
        .map(|a| a["instances"].as_u64().expect("count"))
        .sum();
    assert_eq!(by_account, instances);
    let by_engine: u64 = s["instances_by_engine"]
        .as_object()
        .expect("object")
        .values()
        .map(|v| v.as_u64().expect("count"))
        .sum();
    assert_eq!(by_engine, instances);
    let failures = s["failures"].as_array().expect("failures");
    assert_eq!(failures.len(), 3);
    let role: Vec<&serde_json::Value> = failures
        .iter()
        .filter(|f| f["phase"] == "assume_role")
        .collect();
    assert_eq!(role.len(), 2, "both regions of the denied account");
    assert!(role
        .iter()
        .all(|f| f["account_id"] == denied.as_str() && f["error_code"] == "AccessDenied"));
    let region: Vec<&serde_json::Value> = failures
        .iter()
        .filter(|f| f["phase"] == "describe")
        .collect();
    assert_eq!(region.len(), 1);
    assert_eq!(region[0]["region"], "eu-west-1");
    assert_eq!(region[0]["error_code"], "InvalidClientTokenId");
    assert_eq!(
        s["assume_role_calls"],
        fake.counters().assume_role_calls_total
    );
    let throttled = fake.counters().faults.throttled;
    assert!(throttled > 0, "the scenario must throttle");
    assert!(
        s["retries"].as_u64().expect("retries") > 0,
        "{throttled} throttled calls, no retry counted"
    );
    assert!(s["started_at"].as_str().expect("time").ends_with('Z'));
    assert!(s["duration_seconds"].as_f64().expect("duration") >= 0.0);
}

/// The summary is written on Ctrl-C and on a fatal error too.
#[cfg(unix)]
#[test]
fn summary_is_written_when_interrupted_and_when_fatal() {
    let fake = fake(FakeConfig {
        latency: Duration::from_millis(200),
        ..base_config(2, 2000)
    });
    let dir = dir_with_accounts_file(&fake);
    let child = command(
        dir.path(),
        &fake.endpoint_url(),
        &["--summary", "s.json", "-o", "out.ndjson"],
    )
    .spawn()
    .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(60);
    while fake.counters().describe_calls_total() < 3 {
        assert!(Instant::now() < deadline, "the run never started listing");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill")
        .success());
    let run = wait(child);
    assert_eq!(run.code(), Some(130), "stderr:\n{}", run.stderr);
    let s = read_summary(&dir.path().join("s.json"));
    assert_eq!(s["status"], "interrupted");
    assert_eq!(s["exit_code"], 130);
    assert!(s["targets"]["unfinished"].as_u64().expect("unfinished") > 0);
    assert_eq!(
        file_names(dir.path()),
        ["accounts.toml", "s.json"],
        "no partial output and no temp file of any name"
    );

    let run = wait(
        command(
            dir.path(),
            &fake.endpoint_url(),
            &["--summary", "fatal.json", "-o", "/nonexistent-dir/out"],
        )
        .spawn()
        .expect("spawn"),
    );
    assert_eq!(run.code(), Some(1));
    assert_eq!(
        file_names(dir.path()),
        ["accounts.toml", "fatal.json", "s.json"]
    );
    let s = read_summary(&dir.path().join("fatal.json"));
    assert_eq!(s["status"], "fatal");
    assert_eq!(s["exit_code"], 1);
    assert!(s["error"]
        .as_str()
        .expect("error")
        .contains("/nonexistent-dir/out"));
}

/// `plan` resolves targets without calling RDS; `plan --check` assumes each role once and
/// exits 3 when one fails.
#[test]
fn plan_lists_targets_without_calling_rds_and_check_finds_denied_roles() {
    let mut config = base_config(3, 10);
    let denied = config.accounts[2].clone();
    config.denied_accounts.insert(denied.clone());
    let fake = fake(config);
    let (_dir, run) = run_against(&fake, &["plan"]);
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
    let rows: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON when piped"))
        .collect();
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r["role_arn"]
        .as_str()
        .expect("arn")
        .ends_with(":role/InventoryReadOnly")));
    assert!(rows.iter().all(|r| r["external_id"] == false));
    let counters = fake.counters();
    assert_eq!(counters.describe_calls_total(), 0, "plan never calls RDS");
    assert_eq!(
        counters.assume_role_calls_total, 0,
        "plan without --check assumes nothing"
    );

    let (_dir, run) = run_against(&fake, &["plan", "--check"]);
    assert_eq!(run.code(), Some(3), "stderr:\n{}", run.stderr);
    let failed: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .filter(|r| {
            r["assume_role"]
                .as_str()
                .is_some_and(|s| s.starts_with("failed"))
        })
        .collect();
    assert_eq!(failed.len(), 2, "both regions of the denied account");
    assert!(failed.iter().all(|r| r["account_id"] == denied.as_str()));
    assert!(
        run.stderr.contains("roles: 2 ok, 1 failed"),
        "stderr:\n{}",
        run.stderr
    );
    assert_eq!(fake.counters().describe_calls_total(), 0);
    assert_eq!(fake.counters().assume_role_calls_total, 3);
}

/// `--columns` and `--tag-column` choose the fields of every format; `table` is aligned.
#[test]
fn columns_and_tag_columns_and_table_format() {
    let fake = fake(base_config(2, 30));
    let (_dir, run) = run_against(
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
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
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
    let by_id: std::collections::HashMap<String, fake_aws::FakeInstance> = fake
        .config()
        .inventory()
        .into_iter()
        .map(|i| (format!("{}/{}", i.region, i.identifier), i))
        .collect();
    for row in &rows {
        let instance = &by_id[&format!("{}/{}", &row[0], &row[1])];
        let env = instance
            .tags
            .iter()
            .find(|(k, _)| k == "env")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        assert_eq!(&row[3], env);
        assert_eq!(&row[2], instance.engine);
    }

    let (_dir, run) = run_against(&fake, &["-f", "ndjson", "--columns", "account_id,tag:env"]);
    assert_eq!(run.code(), Some(0));
    let first: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(run.stdout.lines().next().expect("a line")).expect("json");
    assert_eq!(
        first.keys().cloned().collect::<BTreeSet<_>>(),
        ["account_id".to_string(), "tag:env".to_string()].into()
    );

    let (_dir, run) = run_against(&fake, &["-f", "table"]);
    assert_eq!(run.code(), Some(0), "stderr:\n{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        fake.config().reachable_inventory().len() + 1,
        "a header, then a row per instance"
    );
    let width = lines[0].chars().count();
    assert!(
        lines.iter().all(|l| l.chars().count() <= width + 2),
        "rows align with the header"
    );

    let (_dir, run) = run_against(&fake, &["--columns", "region,nonsense"]);
    assert_eq!(run.code(), Some(2), "unknown column is a usage error");
    assert!(run.stderr.contains("nonsense"));
}

/// An answer cut after a complete instance parses without error in the SDK (fewer instances,
/// no Marker); the tool must fail that target instead of reporting it short.
#[test]
fn truncated_answer_is_never_a_silently_short_target() {
    let mut config = base_config(2, 150);
    let cut = FakeConfig::target(&config.accounts[0], "eu-west-1");
    config.truncated_targets.insert(cut.clone());
    let fake = fake(config);
    let (_dir, run) = run_against(&fake, &[]);
    assert_eq!(run.code(), Some(3), "stderr:\n{}", run.stderr);
    assert_no_panic(&run);
    assert_complete(&fake, &run);
    let lines: Vec<&str> = error_lines(&run);
    assert_eq!(lines.len(), 1, "stderr:\n{}", run.stderr);
    assert!(
        lines[0].contains(&cut.0) && lines[0].contains("truncated XML"),
        "{}",
        lines[0]
    );
    assert!(fake.counters().faults.malformed > 0);
}

/// A server that keeps answering with the Marker it was sent: the target fails after its
/// first page instead of paging (and writing duplicates) forever.
#[test]
fn stuck_pagination_fails_the_target_without_duplicates() {
    let mut config = base_config(2, 400);
    let stuck = FakeConfig::target(&config.accounts[1], "us-east-1");
    config.stuck_pagination_targets.insert(stuck.clone());
    let fake = fake(config);
    let (_dir, run) = run_against(&fake, &[]);
    assert_eq!(run.code(), Some(3), "stderr:\n{}", run.stderr);
    let got = output_keys(&run.stdout); // panics on a duplicate
    let from_stuck = got
        .iter()
        .filter(|(a, r, _)| *a == stuck.0 && *r == stuck.1)
        .count();
    assert_eq!(from_stuck, 100, "only the first page of the stuck target");
    let others: BTreeSet<Key> = got
        .into_iter()
        .filter(|(a, r, _)| !(*a == stuck.0 && *r == stuck.1))
        .collect();
    assert_eq!(others, expected_keys(fake.config()));
    assert!(
        run.stderr.contains("pagination did not advance"),
        "stderr:\n{}",
        run.stderr
    );
    assert!(fake.counters().describe_calls_for(&stuck.0, &stuck.1) <= 2);
}
