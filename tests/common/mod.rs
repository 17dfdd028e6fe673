//! Helpers shared by the integration tests: the one way to run the binary, the one
//! accounts-file builder, and the fixtures of the two AWS stand-ins. Write new tests with
//! these; do not spawn the binary or write an accounts file by hand.
//!
//! - [`Tool`]: a builder for one hermetic run of `rds-inventory`: an empty environment but
//!   `PATH`, `HOME` (the working directory, a fresh temp dir unless `.dir(&path)`),
//!   `AWS_REGION=us-east-1`, `AWS_EC2_METADATA_DISABLED=true`, `AWS_CONFIG_FILE` and
//!   `AWS_SHARED_CREDENTIALS_FILE` naming files that do not exist; then what the test adds:
//!   `.endpoint(url)` (`--endpoint-url`, first), `.base_keys(ak, sk)`, `.env(k, v)`,
//!   `.env_remove(k)`, `.arg(a)`, `.args([..])`, `.stdin(bytes)`, `.watchdog(limit)`;
//!   `.workdir()`. `.run() -> Run`, or `.spawn() -> Running` (`take_stdout()` to read as it
//!   streams or drop it like `| head`, `interrupt()` for Ctrl-C, `wait() -> Run`). A run still
//!   going after [`tool::WATCHDOG`] is killed and fails the test with its arguments and stderr.
//! - [`Run`]: `code`, `stdout`, `stderr`, `elapsed`, `args`. `assert_code(n, what)`,
//!   `assert_stderr_contains(s)`, `assert_one_stderr_line(needle, &[parts])` and
//!   `assert_no_panic()` show stderr on failure; `error_lines()`, `warning_lines()`,
//!   `stderr_lines_with(s)`, `json_lines()`, `json_strings(key)`; `path(name)`, `entries()`
//!   (the working directory), `close()` (delete it now, for a run kept in a `static`).
//! - [`AccountsFile`] with [`Account`] and [`Organization`]: `.regions([..])`, `.role_name(s)`,
//!   `.session_name(s)`, `.session_duration(s)`, `.line(raw)`, `.organization(
//!   Organization::enabled().exclude([..]).include_ous([..]).role_name(s))`,
//!   `.account(Account::new(id).name(s).regions([..]).external_id(s).role_arn(s))`,
//!   `.accounts([(id, name), ..])`; `.to_toml()`, `.write(dir)` (dir/accounts.toml),
//!   `.write_as(dir, name)`. Files with deliberate mistakes are raw text in their tests.
//! - [`fake`]: the in-process fault-injecting endpoint. `start(config)`,
//!   `base_config(accounts, instances)`, `accounts_file(&config)`, `tool(&fake)` (a `Tool`
//!   aimed at it with the base keys and an accounts.toml for all its accounts and regions),
//!   `tool_with_accounts(&fake, &file)`, `run(&fake, args)`, `finish(&fake, running)` and
//!   `report(&fake, run)` (these print the run's figures for `--nocapture`); `output_keys`,
//!   `expected_keys`, `assert_complete(&config, &run)`, `wait_for_describe_calls`,
//!   `region_opt_statuses`; `Outcome::new(&fake, run, files)` keeps a run with the fake's
//!   counters and config (`assert_complete(code, what)`, `denied_account()`,
//!   `disabled_target()`, `json_file(name)`, `entries`).
//! - [`once!`]`(T, init)`: a `&'static T` built once per test process, for a scenario several
//!   one-behaviour tests look at.
//! - [`moto`]: a real moto server (`MotoServer::start()`, `.tool(keys)`), the sample fleet
//!   (`Fleet::sample()`, `.accounts_file()`, `.expected()`) and SDK helpers to seed it.
//! - [`docs`]: README.md and docs/*.md (`all()`, `prose()`), the output fields of
//!   docs/fields.md (the schema tests hold the binary to) and the `--help` block of docs/usage.md. [`text`]: `display_width`, `assert_table_aligned`,
//!   `rfc3339_seconds`. [`sdk_config`], [`static_keys`], [`block_on`]: SDK clients for tests.
//!
//! A new scenario against the fake, in ten lines:
//!
//! ```ignore
//! #[test]
//! fn a_denied_account_makes_the_run_partial() {
//!     let mut config = fake::base_config(3, 50);
//!     config.denied_accounts.insert(config.accounts[0].clone());
//!     let fake = fake::start(config);
//!     let run = fake::run(&fake, &["--summary", "summary.json"]);
//!     run.assert_code(3, "one account denied");
//!     fake::assert_complete(fake.config(), &run);
//!     assert!(run.path("summary.json").exists(), "the summary is written");
//! }
//! ```
//!
//! Without the fake: `Tool::new().arg("--help").run().assert_code(0, "help")`. With a file
//! of one's own: `let tool = Tool::new().endpoint(url).base_keys(ak, sk);
//! AccountsFile::new().regions(["us-east-1"]).account(Account::new("111111111111"))
//! .write(tool.workdir()); let run = tool.run();`

/// `once!(T, init)`: a `&'static T` that `init` builds the first time, for a scenario that
/// several tests look at from different sides: it runs once per test process.
macro_rules! once {
    ($ty:ty, $init:expr) => {{
        static CELL: std::sync::OnceLock<$ty> = std::sync::OnceLock::new();
        CELL.get_or_init(|| $init)
    }};
}
pub(crate) use once;

pub mod accounts;
pub mod boto3;
pub mod docs;
pub mod fake;
pub mod moto;
pub mod text;
pub mod tool;

pub use accounts::{Account, AccountsFile, Organization};
pub use tool::{Run, Running, Tool};

use std::time::Duration;

/// Calls `ready` every 10 ms until it gives `Some`, for at most `limit`; `None` if it never
/// did. For watchdogs and readiness checks, never as a stand-in for an event.
pub fn poll<T>(limit: Duration, mut ready: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(value) = ready() {
            return Some(value);
        }
        if std::time::Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// SDK settings for a local stand-in of AWS at `endpoint`: the given credentials, `region`,
/// and nothing read from the environment or the user's AWS files.
pub fn sdk_config(
    endpoint: &str,
    credentials: aws_credential_types::Credentials,
    region: &str,
) -> aws_config::SdkConfig {
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
        )
        .endpoint_url(endpoint)
        .build()
}

/// Static keys without a session token.
pub fn static_keys(
    access_key_id: &str,
    secret_access_key: &str,
) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(access_key_id, secret_access_key, None, None, "test")
}

/// Runs a future to completion on a fresh single-threaded runtime (tests are synchronous).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building a tokio runtime")
        .block_on(future)
}
