//! Helpers shared by the integration tests: the one way to run the binary, the one
//! accounts-file builder, and the fixtures of the two AWS stand-ins.
//!
//! - [`Tool`]: a builder for one hermetic run of `rds-inventory` (empty environment but `PATH`,
//!   `HOME` in a temp dir, `AWS_REGION`, `AWS_EC2_METADATA_DISABLED=true`, no AWS config or
//!   credentials file; then what the test adds). `.dir(&path)`, `.endpoint(url)`,
//!   `.base_keys(ak, sk)`, `.env(k, v)`, `.env_remove(k)`, `.arg(a)`, `.args([..])`,
//!   `.stdin(bytes)`, `.watchdog(limit)`; `.run() -> Run` or `.spawn() -> Running`
//!   (`take_stdout()`, `interrupt()`, `wait() -> Run`). A run still going after
//!   [`tool::WATCHDOG`] is killed and fails the test with its arguments and stderr.
//! - [`Run`]: `code`, `stdout`, `stderr`, `elapsed`, `args`; `assert_code(n, what)` and
//!   `assert_stderr_contains(s)` print stderr on failure; `error_lines()`, `warning_lines()`,
//!   `stderr_lines_with(s)`, `json_lines()`, `assert_no_panic()`, `path(name)` (a file in the
//!   run's working directory).
//! - [`AccountsFile`] with [`Account`] and [`Organization`]: `.regions([..])`, `.role_name()`,
//!   `.session_name()`, `.session_duration()`, `.line(raw)`, `.organization(..)`,
//!   `.account(Account::new(id).name(..).regions([..]).external_id(..).role_arn(..))`,
//!   `.accounts([(id, name), ..])`; `.to_toml()`, `.write(dir)` (dir/accounts.toml),
//!   `.write_as(dir, name)`.
//! - [`fake`]: the in-process fault-injecting endpoint. `start(config)`,
//!   `base_config(accounts, instances)`, `tool(&fake)` (a `Tool` aimed at it, with an
//!   accounts.toml for all its accounts and regions in the working directory), `run(&fake,
//!   args)` and `finish(&fake, running)` (which print the run's figures for `--nocapture`),
//!   `output_keys`, `expected_keys`, `assert_complete`, `wait_for_describe_calls`.
//! - [`moto`]: a real moto server and the sample fleet seeded into it.
//! - [`readme`]: the README's output fields (the schema) and its generated `--help` block.
//! - [`text`]: `display_width`, `assert_table_aligned`, `rfc3339_seconds`.
//!
//! A new scenario against the fake, in ten lines:
//!
//! ```ignore
//! #[test]
//! fn a_denied_account_exits_partial() {
//!     let mut config = fake::base_config(3, 50);
//!     config.denied_accounts.insert(config.accounts[0].clone());
//!     let fake = fake::start(config);
//!     let run = fake::run(&fake, &["--summary", "summary.json"]);
//!     run.assert_code(3, "one account denied");
//!     fake::assert_complete(&fake, &run);
//!     assert!(run.path("summary.json").exists());
//! }
//! ```
//!
//! Without the fake: `Tool::new().args(["--help"]).run().assert_code(0, "help")`; with a file:
//! `let tool = Tool::new(); AccountsFile::new().regions(["us-east-1"]).account(Account::new(
//! "111111111111")).write(tool.workdir()); let run = tool.endpoint(url).base_keys(ak, sk).run();`

// Each test crate uses a different part of these helpers.
#![allow(dead_code, unused_macros)]

/// `once!(T, init)`: a `&'static T` that `init` builds the first time, for a scenario that
/// several tests look at from different sides: it runs once per test binary.
macro_rules! once {
    ($ty:ty, $init:expr) => {{
        static CELL: std::sync::OnceLock<$ty> = std::sync::OnceLock::new();
        CELL.get_or_init(|| $init)
    }};
}
#[allow(unused_imports)]
pub(crate) use once;

pub mod accounts;
pub mod fake;
pub mod moto;
pub mod readme;
pub mod text;
pub mod tool;

// Not every test crate uses every re-export.
#[allow(unused_imports)]
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
