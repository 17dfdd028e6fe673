//! The fully resolved settings of a run: flag > env > file > default, decided here once.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cli::{Cli, Format};
use crate::record::{KindChoice, ResourceKind};

use super::file::{read_accounts_file, FileSettings};
use super::regions::parse_regions;
use super::rules::AccountRules;
use super::UsageError;

/// Targets in flight when neither flag, env nor file says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 32;
/// Attempts per AWS call (first try included); a nightly inventory prefers complete over fast.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 8;
/// Per-attempt timeout: a request that gets no answer in this time is cut and retried.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a target keeps retrying calls AWS throttles without a break: a nightly run
/// slows down rather than drop a target.
pub const DEFAULT_RETRY_BUDGET: Duration = Duration::from_secs(600);
/// First retry backoff; the SDK doubles it (with jitter) up to 20 s.
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_secs(1);
pub const DEFAULT_CONFIG_PATH: &str = "accounts.toml";
/// `--with utilization`'s window: two weeks of daily points.
pub const DEFAULT_UTILIZATION_DAYS: u32 = 14;

/// Everything a run needs, decided before any AWS call (accounts may still be discovered).
#[derive(Debug, Clone)]
pub struct Settings {
    pub accounts: AccountRules,
    pub format: Format,
    /// `--columns`, checked against the record schema when the output is opened.
    pub columns: Vec<String>,
    pub tag_columns: Vec<String>,
    /// `--csv-raw`: no formula guard on CSV text cells.
    pub csv_raw: bool,
    pub output: Option<PathBuf>,
    pub summary: Option<PathBuf>,
    pub metrics: Option<PathBuf>,
    /// Data joined into the records.
    pub with: Vec<crate::cli::Join>,
    /// `--with utilization`'s window, in whole UTC days.
    pub utilization_days: u32,
    /// Resource kinds listed, each once, in `ResourceKind::ALL` order.
    pub kinds: Vec<ResourceKind>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub concurrency: usize,
    pub max_attempts: u32,
    pub call_timeout: Duration,
    pub retry_budget: Duration,
    pub initial_backoff: Duration,
    pub quiet: bool,
    pub progress: bool,
    pub verbose: u8,
}

impl Settings {
    /// Reads the accounts file named by the command line and merges the two. A file mistake
    /// is a `ConfigError`, a flag mistake a `UsageError`.
    pub fn load(cli: &Cli) -> anyhow::Result<Settings> {
        let path = cli
            .run
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_PATH));
        let file = read_accounts_file(&path)?;
        let settings = Settings::resolve(cli, file)?;
        if settings.endpoint_url.is_none() {
            check_endpoint_variables(|name| std::env::var_os(name))?;
        }
        Ok(settings)
    }

    /// Merges flags (clap has already put env values into them) over the file over defaults.
    pub fn resolve(cli: &Cli, file: FileSettings) -> Result<Settings, UsageError> {
        let usage = |m: &str| UsageError(m.to_string());
        let region_override = match cli.run.region.as_slice() {
            [] => None,
            names => Some(
                parse_regions(names)
                    .and_then(|r| r.partition().map(|_| r))
                    .map_err(|m| usage(&format!("--region: {m}")))?,
            ),
        };
        let concurrency = cli
            .run
            .concurrency
            .or(file.concurrency)
            .unwrap_or(DEFAULT_CONCURRENCY);
        if concurrency == 0 {
            return Err(usage("--concurrency must be at least 1"));
        }
        let max_attempts = cli
            .run
            .max_attempts
            .or(file.max_attempts)
            .unwrap_or(DEFAULT_MAX_ATTEMPTS);
        if max_attempts == 0 {
            return Err(usage("--max-attempts must be at least 1"));
        }
        let call_timeout = match cli.run.timeout {
            Some(secs) if secs <= 0.0 || !secs.is_finite() => {
                return Err(usage("--timeout must be a positive number of seconds"))
            }
            Some(secs) => Duration::from_secs_f64(secs),
            None => DEFAULT_CALL_TIMEOUT,
        };
        let retry_budget = match &cli.run.retry_budget {
            Some(text) => super::validate::retry_budget(text)
                .map_err(|m| usage(&format!("--retry-budget: {m}")))?,
            None => file.retry_budget.unwrap_or(DEFAULT_RETRY_BUDGET),
        };
        if let Some(url) = &cli.run.endpoint_url {
            super::validate::endpoint_url(url)
                .map_err(|m| usage(&format!("--endpoint-url {m}")))?;
        }
        let utilization_days = match cli.utilization_days {
            Some(days) => super::validate::utilization_days(days)
                .map_err(|m| usage(&format!("--utilization-days: {m}")))?,
            None => file.utilization_days.unwrap_or(DEFAULT_UTILIZATION_DAYS),
        };
        let kinds = KindChoice::resolve(match cli.kind.as_slice() {
            [] => file.kinds.as_deref().unwrap_or_default(),
            flags => flags,
        });
        if kinds.len() > 1 && cli.command.is_none() {
            check_output_per_kind(cli.output.as_deref(), &kinds)?;
        }
        Ok(Settings {
            accounts: AccountRules {
                filter: cli.run.account.clone(),
                region_override,
                ..file.accounts
            },
            format: cli.format.unwrap_or(Format::Ndjson),
            columns: cli.columns.clone(),
            tag_columns: cli.tag_column.clone(),
            csv_raw: cli.csv_raw,
            output: cli.output.clone(),
            summary: cli.summary.clone(),
            metrics: cli.metrics.clone(),
            with: match cli.with.as_slice() {
                [] => file.with.unwrap_or_default(),
                flags => flags.to_vec(),
            },
            utilization_days,
            kinds,
            profile: cli.run.profile.clone(),
            endpoint_url: cli.run.endpoint_url.clone(),
            concurrency,
            max_attempts,
            call_timeout,
            retry_budget,
            initial_backoff: cli
                .run
                .initial_backoff_ms
                .map_or(DEFAULT_INITIAL_BACKOFF, Duration::from_millis),
            quiet: cli.run.quiet,
            progress: !cli.run.quiet && !cli.run.no_progress,
            verbose: cli.run.verbose,
        })
    }
}

/// What stands for the kind's name in `-o` when a run lists several kinds.
pub const KIND_PLACEHOLDER: &str = "{kind}";

/// Several kinds need one file each: `-o` must name them with `{kind}`.
fn check_output_per_kind(output: Option<&Path>, kinds: &[ResourceKind]) -> Result<(), UsageError> {
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    let example = format!(
        "e.g. -o inventory-{KIND_PLACEHOLDER}.ndjson writes {}",
        names
            .iter()
            .map(|n| format!("inventory-{n}.ndjson"))
            .collect::<Vec<_>>()
            .join(" and ")
    );
    match output {
        None => Err(UsageError(format!(
            "listing several kinds ({}) needs one output file per kind: give -o with \
             {KIND_PLACEHOLDER} in the path ({example}), or --kind with one kind for stdout",
            names.join(", ")
        ))),
        Some(path) if !path.to_string_lossy().contains(KIND_PLACEHOLDER) => {
            Err(UsageError(format!(
                "-o {}: listing several kinds ({}) writes one file per kind, so the path must \
                 contain {KIND_PLACEHOLDER} ({example})",
                path.display(),
                names.join(", ")
            )))
        }
        Some(_) => Ok(()),
    }
}

/// The output file of `kind`: `{kind}` in `path` replaced by its name.
pub fn output_path_for(path: &Path, kind: ResourceKind) -> PathBuf {
    let text = path.to_string_lossy();
    if text.contains(KIND_PLACEHOLDER) {
        PathBuf::from(text.replace(KIND_PLACEHOLDER, kind.name()))
    } else {
        path.to_path_buf()
    }
}

/// The SDK's endpoint variables for the services the tool calls (read by aws-config when no
/// `--endpoint-url` is given).
const ENDPOINT_VARIABLES: [&str; 6] = [
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_RDS",
    "AWS_ENDPOINT_URL_PRICING",
    "AWS_ENDPOINT_URL_ORGANIZATIONS",
    "AWS_ENDPOINT_URL_ACCOUNT",
];

/// A set endpoint variable that is not a URL would fail every call (an empty one makes the
/// SDK panic): a usage error before any call, unless the SDK is told to ignore them.
fn check_endpoint_variables(
    var: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Result<(), UsageError> {
    let ignored = var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .is_some_and(|v| v.to_string_lossy().eq_ignore_ascii_case("true"));
    if ignored {
        return Ok(());
    }
    for name in ENDPOINT_VARIABLES {
        if let Some(value) = var(name) {
            super::validate::endpoint_url(&value.to_string_lossy())
                .map_err(|m| UsageError(format!("{name} {m}")))?;
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::parse_accounts;
    use clap::Parser;
    use std::path::Path;

    pub fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("rds-inventory").chain(args.iter().copied()))
            .expect("valid args")
    }

    pub const GOOD: &str = r#"
regions = ["us-east-1", "eu-west-1"]
role_name = "Inventory"
session_duration = "1h30m"
external_id = "shared-secret-id"

[[accounts]]
id = "111111111111"
name = "prod"

[[accounts]]
id = "222222222222"
role_arn = "arn:aws:iam::222222222222:role/team/Custom"
regions = ["eu-west-1"]
external_id = "other-id"
"#;

    pub fn settings(args: &[&str], text: &str) -> Result<Settings, UsageError> {
        let file = parse_accounts(Path::new("accounts.toml"), text).expect("valid file");
        Settings::resolve(&cli(args), file)
    }

    #[test]
    fn an_endpoint_url_that_is_not_a_url_is_a_usage_error() {
        let message = |args: &[&str]| settings(args, GOOD).expect_err("refused").0;
        assert!(message(&["--endpoint-url", ""]).contains("--endpoint-url is empty"));
        assert!(message(&["--endpoint-url", "localhost:4566"]).contains("http://"));
        let s = settings(&["--endpoint-url", "http://127.0.0.1:5000"], GOOD).expect("a URL");
        assert_eq!(s.endpoint_url.as_deref(), Some("http://127.0.0.1:5000"));
    }

    #[test]
    fn endpoint_variables_are_checked_unless_the_sdk_ignores_them() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        assert!(check_endpoint_variables(env(&[])).is_ok());
        assert!(
            check_endpoint_variables(env(&[("AWS_ENDPOINT_URL", "http://127.0.0.1:1")])).is_ok()
        );
        let empty = check_endpoint_variables(env(&[("AWS_ENDPOINT_URL", "")]));
        assert!(empty
            .expect_err("empty")
            .0
            .starts_with("AWS_ENDPOINT_URL is empty"));
        let pricing = check_endpoint_variables(env(&[("AWS_ENDPOINT_URL_PRICING", "pricing:80")]));
        assert!(pricing
            .expect_err("no scheme")
            .0
            .starts_with("AWS_ENDPOINT_URL_PRICING"));
        let ignored = env(&[
            ("AWS_ENDPOINT_URL", ""),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ]);
        assert!(check_endpoint_variables(ignored).is_ok());
    }

    #[test]
    fn file_beats_default() {
        let s = settings(&[], &format!("concurrency = 7\nmax_attempts = 4\n{GOOD}")).expect("ok");
        assert_eq!((s.concurrency, s.max_attempts), (7, 4));
    }

    #[test]
    fn flag_beats_file() {
        let s = settings(
            &["--concurrency", "3", "--max-attempts", "2"],
            &format!("concurrency = 7\nmax_attempts = 4\n{GOOD}"),
        )
        .expect("ok");
        assert_eq!((s.concurrency, s.max_attempts), (3, 2));
    }

    #[test]
    fn defaults_fill_what_nobody_set() {
        let s = settings(&[], GOOD).expect("ok");
        assert_eq!(s.concurrency, DEFAULT_CONCURRENCY);
        assert_eq!(s.max_attempts, DEFAULT_MAX_ATTEMPTS);
        assert_eq!(s.call_timeout, DEFAULT_CALL_TIMEOUT);
        assert_eq!(s.format, Format::Ndjson);
        assert!(s.progress);
        assert!(!s.csv_raw, "CSV cells are guarded unless asked");
    }

    #[test]
    fn csv_raw_flag_reaches_the_settings() {
        assert!(settings(&["--csv-raw"], GOOD).expect("ok").csv_raw);
    }

    #[test]
    fn with_comes_from_the_file_unless_the_flag_says_otherwise() {
        use crate::cli::Join;
        let file = format!("with = [\"engine-support\"]\n{GOOD}");
        assert_eq!(
            settings(&[], &file).expect("ok").with,
            [Join::EngineSupport]
        );
        let flag = settings(&["--with", "pending-maintenance"], &file).expect("ok");
        assert_eq!(flag.with, [Join::PendingMaintenance]);
        assert!(settings(&[], GOOD).expect("ok").with.is_empty());
    }

    #[test]
    fn kinds_come_from_the_flag_over_the_file_over_the_default() {
        let (instances, clusters) = (ResourceKind::INSTANCES, ResourceKind::named("clusters"));
        assert_eq!(settings(&[], GOOD).expect("ok").kinds, [instances]);
        let file = format!("kinds = [\"clusters\"]\n{GOOD}");
        assert_eq!(settings(&[], &file).expect("ok").kinds, [clusters]);
        let both = settings(
            &["--kind", "clusters,instances", "-o", "x-{kind}.csv"],
            &file,
        );
        assert_eq!(both.expect("ok").kinds, [instances, clusters]);
        let all = settings(&["--kind", "all,clusters", "-o", "{kind}"], GOOD).expect("ok");
        assert_eq!(all.kinds, crate::record::kinds::ALL);
        let snaps = settings(
            &["--kind", "cluster-snapshots,snapshots", "-o", "{kind}"],
            GOOD,
        );
        assert_eq!(
            snaps.expect("ok").kinds,
            [
                ResourceKind::named("snapshots"),
                ResourceKind::named("cluster-snapshots")
            ]
        );
    }

    #[test]
    fn several_kinds_need_an_output_path_with_the_kind_in_it() {
        let stdout = settings(&["--kind", "all"], GOOD).expect_err("stdout");
        assert!(
            stdout.0.contains("-o inventory-{kind}.ndjson"),
            "{}",
            stdout.0
        );
        let plain = settings(&["--kind", "all", "-o", "out.ndjson"], GOOD).expect_err("no {kind}");
        assert!(plain.0.contains("must contain {kind}"), "{}", plain.0);
        let path = Path::new("/var/lib/rds/{kind}.ndjson");
        assert_eq!(
            output_path_for(path, ResourceKind::named("clusters")),
            Path::new("/var/lib/rds/clusters.ndjson")
        );
        assert_eq!(
            output_path_for(Path::new("a.csv"), ResourceKind::INSTANCES),
            Path::new("a.csv")
        );
    }

    #[test]
    fn bad_flags_are_usage_errors() {
        for args in [
            &["-r", "moon-1"][..],
            &["-r", "enabled", "-r", "us-east-1"],
            &["--concurrency", "0"],
            &["--max-attempts", "0"],
            &["--timeout", "0"],
        ] {
            assert!(settings(args, GOOD).is_err(), "{args:?}");
        }
    }
}
