//! Fixtures for runs against the in-process fault-injecting endpoint (`fake-aws`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use fake_aws::{CountersSnapshot, FakeAws, FakeConfig};

use super::{poll, AccountsFile, Run, Running, Tool};

/// The two regions of [`base_config`].
pub const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
/// The base identity's access key id (any key the fake did not issue is a base identity).
pub const BASE_ACCESS_KEY_ID: &str = "AKIDBASEEXAMPLE00001";
/// The base identity's secret: never issued by the fake, so a leak of it is visible.
pub const BASE_SECRET_ACCESS_KEY: &str = "base-secret-not-issued-by-the-fake";

/// Starts a fake endpoint on its own runtime; dropping it stops it.
pub fn start(config: FakeConfig) -> FakeAws {
    FakeAws::start_in_background(config).expect("fake AWS endpoint starts")
}

/// `accounts` accounts in [`REGIONS`], about `instances` instances per (account, region).
pub fn base_config(accounts: usize, instances: usize) -> FakeConfig {
    FakeConfig {
        regions: REGIONS.iter().map(|r| r.to_string()).collect(),
        instances_per_target: instances,
        ..FakeConfig::with_accounts(accounts)
    }
}

/// The name the accounts file gives the i-th account of the fake.
pub fn account_name(index: usize) -> String {
    format!("acct-{index}")
}

/// Every account of `config` (named by [`account_name`]) in every region it serves.
pub fn accounts_file(config: &FakeConfig) -> AccountsFile {
    let names: Vec<String> = (0..config.accounts.len()).map(account_name).collect();
    AccountsFile::new()
        .regions(config.regions.iter().cloned())
        .role_name("InventoryReadOnly")
        .session_duration("1h")
        .accounts(
            config
                .accounts
                .iter()
                .map(String::as_str)
                .zip(names.iter().map(String::as_str)),
        )
}

/// The binary aimed at `fake` with the base keys, short retry backoffs and, in its working
/// directory, an accounts.toml of [`accounts_file`].
pub fn tool(fake: &FakeAws) -> Tool {
    tool_with_accounts(fake, &accounts_file(fake.config()))
}

/// [`tool`] with another accounts.toml.
pub fn tool_with_accounts(fake: &FakeAws, accounts: &AccountsFile) -> Tool {
    let tool = Tool::new()
        .endpoint(&fake.endpoint_url())
        .base_keys(BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY)
        .args(["--initial-backoff-ms", "20"]);
    accounts.write(tool.workdir());
    tool
}

/// Runs [`tool`] with `args` and prints the run's figures.
pub fn run(fake: &FakeAws, args: &[&str]) -> Run {
    report(fake, tool(fake).args(args).run())
}

/// Waits for a spawned run and prints its figures.
pub fn finish(fake: &FakeAws, running: Running) -> Run {
    report(fake, running.wait())
}

/// Prints one line of figures per run (see them with `-- --nocapture`).
pub fn report(fake: &FakeAws, run: Run) -> Run {
    let c = fake.counters();
    eprintln!(
        "[{}] exit {:?} in {:.1} s; {} AssumeRole for {} accounts; {} DescribeDBInstances; {} expired-key calls; faults {:?}; peak in flight {}; {} connections",
        std::thread::current().name().unwrap_or("?"),
        run.code,
        run.elapsed.as_secs_f64(),
        c.assume_role_calls_total,
        fake.config().accounts.len(),
        c.describe_calls_total(),
        c.expired_key_calls,
        c.faults,
        c.peak_in_flight,
        c.connections_accepted
    );
    run
}

/// A finished run and what the fake saw, kept for several tests that each check one side of
/// one scenario (held in a `static OnceLock`, so the scenario runs once per test process).
pub struct Outcome {
    pub run: Run,
    pub counters: CountersSnapshot,
    pub config: FakeConfig,
    /// The text of the working-directory files asked for, by name (absent files left out).
    pub files: BTreeMap<String, String>,
    /// The names in the run's working directory when it ended.
    pub entries: BTreeSet<String>,
}

impl Outcome {
    /// Keeps `run`, the fake's counters and config now, and the named files of the run's
    /// working directory, which is then deleted.
    pub fn new(fake: &FakeAws, run: Run, files: &[&str]) -> Outcome {
        let files = files
            .iter()
            .filter_map(|name| {
                let text = std::fs::read_to_string(run.path(name)).ok()?;
                Some((name.to_string(), text))
            })
            .collect();
        let entries = run.entries();
        Outcome {
            run: run.close(),
            counters: fake.counters(),
            config: fake.config().clone(),
            files,
            entries,
        }
    }

    /// Fails unless the run exited `code` with the fake's whole reachable inventory.
    #[track_caller]
    pub fn assert_complete(&self, code: i32, what: &str) {
        self.run.assert_code(code, what);
        assert_complete(&self.config, &self.run);
    }

    /// The one account whose role the fake refuses.
    #[track_caller]
    pub fn denied_account(&self) -> &str {
        let denied: Vec<&String> = self.config.denied_accounts.iter().collect();
        assert_eq!(denied.len(), 1, "the scenario denies one account");
        denied[0]
    }

    /// The one (account, region) the fake has disabled.
    #[track_caller]
    pub fn disabled_target(&self) -> &(String, String) {
        let disabled: Vec<&(String, String)> = self.config.disabled_regions.iter().collect();
        assert_eq!(disabled.len(), 1, "the scenario disables one region");
        disabled[0]
    }

    /// A kept file parsed as JSON; fails when the run did not write it.
    #[track_caller]
    pub fn json_file(&self, name: &str) -> serde_json::Value {
        let text = self
            .files
            .get(name)
            .unwrap_or_else(|| panic!("the run wrote no {name}"));
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
    }
}

/// Blocks until the fake has answered `count` DescribeDBInstances calls (the run is listing).
pub fn wait_for_describe_calls(fake: &FakeAws, count: u64) {
    let listing = poll(Duration::from_secs(60), || {
        (fake.counters().describe_calls_total() >= count).then_some(())
    });
    assert!(listing.is_some(), "the run never started listing");
}

/// (account id, region, identifier) of one DB instance.
pub type Key = (String, String, String);

/// The keys of every NDJSON record on stdout, failing on a duplicate.
pub fn output_keys(stdout: &str) -> BTreeSet<Key> {
    let mut keys = BTreeSet::new();
    for line in stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        let field = |name: &str| {
            v[name]
                .as_str()
                .unwrap_or_else(|| panic!("{name} is not a string in {line}"))
                .to_string()
        };
        let key = (
            field("account_id"),
            field("region"),
            field("db_instance_identifier"),
        );
        assert!(keys.insert(key.clone()), "duplicate record {key:?}");
    }
    keys
}

/// The keys of everything a correct client can report from `config`.
pub fn expected_keys(config: &FakeConfig) -> BTreeSet<Key> {
    config
        .reachable_inventory()
        .into_iter()
        .map(|i| (i.account_id, i.region, i.identifier))
        .collect()
}

/// Output equals the fake's reachable inventory exactly: nothing lost, nothing twice.
#[track_caller]
pub fn assert_complete(config: &FakeConfig, run: &Run) {
    let got = output_keys(&run.stdout);
    let want = expected_keys(config);
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

/// The fake's Account `ListRegions` answer to the base identity (a management account that
/// has every region on): region name -> opt status, e.g. `ENABLED_BY_DEFAULT`.
pub fn region_opt_statuses(fake: &FakeAws) -> BTreeMap<String, String> {
    let keys = super::static_keys(BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY);
    let config = super::sdk_config(&fake.endpoint_url(), keys, "us-east-1");
    let client = aws_sdk_account::Client::new(&config);
    let regions = super::block_on(
        client
            .list_regions()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
    )
    .expect("the fake answers ListRegions");
    regions
        .iter()
        .map(|r| {
            (
                r.region_name().expect("RegionName").to_string(),
                r.region_opt_status()
                    .expect("RegionOptStatus")
                    .as_str()
                    .to_string(),
            )
        })
        .collect()
}
