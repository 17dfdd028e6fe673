//! Command-line definitions only. No defaults here: they live in `config.rs`, so that a
//! value from the accounts file is never overridden by a flag the user did not give.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Parser, Subcommand, ValueEnum};

use crate::record::kinds::{self, KindChoice, CHOICES};
pub use crate::record::{Join, ResourceKind};

const EXAMPLES: &str = "\
Examples:
  # Every account and region in ./accounts.toml, with base credentials from a profile
  rds-inventory --profile security-audit > inventory.ndjson

  # Nightly from cron: a CSV file written atomically, no progress bar, exit code for alerting
  rds-inventory -c /etc/rds-inventory/accounts.toml -f csv -o /var/lib/rds/inventory.csv -q

  # Count instances by engine
  rds-inventory | jq -s 'group_by(.engine) | map({engine: .[0].engine, count: length})'

  # One account, two regions, against a local emulator
  rds-inventory -a prod -r us-east-1 -r eu-west-1 --endpoint-url http://127.0.0.1:5000

Exit codes: 0 every target listed; 3 partial (some targets failed, the rest is complete);
1 fatal (accounts file, base credentials, output file); 2 usage; 130 interrupted.";

/// Inventory Amazon RDS DB instances, DB clusters and snapshots across many AWS accounts and
/// regions.
///
/// Assumes a role in every account listed in the accounts file (one refreshing credential
/// per account, shared by its regions), lists every DB instance (and, with --kind, every DB
/// cluster, DB snapshot and DB cluster snapshot) in every region, and streams one record per
/// resource as NDJSON, JSON or CSV.
#[derive(Debug, Parser)]
#[command(name = "rds-inventory", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Output format [default: ndjson]
    #[arg(short = 'f', long, value_enum, env = "RDS_INVENTORY_FORMAT")]
    pub format: Option<Format>,

    /// Write to FILE (atomically: a temp file renamed at the end) instead of stdout
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Fields to output, in this order, e.g. account_name,region,db_instance_identifier;
    /// a.b reaches into a nested value, tag:KEY names a tag (`rds-inventory fields` lists them)
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub columns: Vec<String>,

    /// Add a `tag:KEY` column holding that tag's value (repeatable)
    #[arg(long, value_name = "KEY")]
    pub tag_column: Vec<String>,

    /// CSV: keep text that starts with = + - @ TAB or CR as it is (by default such a cell
    /// gets a leading ' so a spreadsheet shows it instead of running it as a formula)
    #[arg(long)]
    pub csv_raw: bool,

    /// Write a JSON summary of the run to FILE (atomically), also on failure and Ctrl-C
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,

    /// Resource kinds to list (`rds-inventory fields --kind KIND` shows each kind's fields), or
    /// all; with several kinds, -o must contain {kind} [default: the file's `kinds`, else
    /// instances]
    #[arg(long, value_name = "KIND,...", value_enum, value_delimiter = ',')]
    pub kind: Vec<KindChoice>,

    /// Join more data into instance and cluster records: pending-maintenance
    /// (DescribePendingMaintenanceActions, one call per target), engine-support
    /// (DescribeDBMajorEngineVersions, once per region and engine), price (instances' on-demand
    /// list price: Price List GetProducts with the base identity, once per price key; implies
    /// engine-support), utilization (CloudWatch GetMetricData as the account, daily points,
    /// up to 500 metrics a call per target) [default: the file's `with`, else none]
    #[arg(long, value_name = "DATA,...", value_enum, value_delimiter = ',')]
    pub with: Vec<Join>,

    /// `--with utilization`: whole UTC days of CloudWatch points to read, 1 to 63
    /// [default: the file's `utilization_days`, else 14]
    #[arg(long, value_name = "DAYS")]
    pub utilization_days: Option<u32>,

    /// Write the run's metrics to FILE (Prometheus text format, atomically, for node_exporter's
    /// textfile collector), also on failure and Ctrl-C
    #[arg(long, value_name = "FILE")]
    pub metrics: Option<PathBuf>,

    /// How to reach AWS and how to report: also taken by `plan`, after it.
    #[command(flatten)]
    pub run: RunArgs,
}

/// The options of a run that `plan` takes too: the accounts file, how to reach AWS, how to
/// report. Given before or after `plan`; the other commands take none of them.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RunArgs {
    /// Accounts file [default: ./accounts.toml]
    #[arg(short = 'c', long, env = "RDS_INVENTORY_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Named profile for the base credentials (SSO, credential_process, source_profile...);
    /// AWS_PROFILE is honoured too
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Region to list, replacing the file's regions (repeatable); `enabled` asks each
    /// account which regions it has enabled
    #[arg(short = 'r', long, value_name = "REGION")]
    pub region: Vec<String>,

    /// Keep only this account, by id or name (repeatable)
    #[arg(short = 'a', long, value_name = "ID|NAME")]
    pub account: Vec<String>,

    /// (account, region) targets in flight at once [default: 32]
    #[arg(long, value_name = "N", env = "RDS_INVENTORY_CONCURRENCY")]
    pub concurrency: Option<usize>,

    /// Custom endpoint for every AWS call, e.g. a local emulator; AWS_ENDPOINT_URL works too
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Attempts per AWS call, first try included, with exponential backoff [default: 8]
    #[arg(long, value_name = "N", env = "RDS_INVENTORY_MAX_ATTEMPTS")]
    pub max_attempts: Option<u32>,

    /// Seconds before an unanswered attempt is cut and retried [default: 20]
    #[arg(long, value_name = "SECS", env = "RDS_INVENTORY_TIMEOUT")]
    pub timeout: Option<f64>,

    /// How long a target keeps retrying calls AWS throttles without a break before it fails,
    /// e.g. 10m, 90s, 2 (seconds); 0 = only the --max-attempts of each call [default: 10m]
    #[arg(long, value_name = "DURATION", env = "RDS_INVENTORY_RETRY_BUDGET")]
    pub retry_budget: Option<String>,

    /// First retry backoff in milliseconds (tests use small values) [default: 1000]
    #[arg(long, value_name = "MS", hide = true)]
    pub initial_backoff_ms: Option<u64>,

    /// No progress bar and no summary line; failures are still reported
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// No progress bar (it is only drawn when stderr is a terminal anyway)
    #[arg(long)]
    pub no_progress: bool,

    /// More detail on stderr: the plan, each target as it finishes (-v); never secrets
    #[arg(short = 'v', long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

impl RunArgs {
    /// These options given after `plan`, over those given before it.
    pub fn over(self, before: RunArgs) -> RunArgs {
        fn list(after: Vec<String>, before: Vec<String>) -> Vec<String> {
            if after.is_empty() {
                before
            } else {
                after
            }
        }
        RunArgs {
            config: self.config.or(before.config),
            profile: self.profile.or(before.profile),
            region: list(self.region, before.region),
            account: list(self.account, before.account),
            concurrency: self.concurrency.or(before.concurrency),
            endpoint_url: self.endpoint_url.or(before.endpoint_url),
            max_attempts: self.max_attempts.or(before.max_attempts),
            timeout: self.timeout.or(before.timeout),
            retry_budget: self.retry_budget.or(before.retry_budget),
            initial_backoff_ms: self.initial_backoff_ms.or(before.initial_backoff_ms),
            quiet: self.quiet || before.quiet,
            no_progress: self.no_progress || before.no_progress,
            verbose: self.verbose + before.verbose,
        }
    }
}

/// Commands other than the inventory itself (which runs when no command is given).
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Print the resolved targets (after account and region discovery) without calling RDS:
    /// a table on a terminal, NDJSON when piped
    Plan {
        /// Also assume each account's role once and report which ones fail
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout
    Man,
    /// Compare two outputs of rds-inventory (NDJSON, JSON or CSV) and print what changed:
    /// exit 0 no differences, 1 differences, 2 trouble
    Diff(DiffArgs),
    /// List every resource kind: name, API call, scope, IAM actions, `--with` joins, default
    /// table columns (a table on a terminal, NDJSON when piped)
    Kinds {
        /// How to print the list [default: table on a terminal, else ndjson]
        #[arg(short = 'f', long, value_enum)]
        format: Option<FieldsFormat>,
    },
    /// List every output field: name, type, meaning, source (a table on a terminal, NDJSON
    /// when piped)
    Fields {
        /// How to print the list [default: table on a terminal, else ndjson]
        #[arg(short = 'f', long, value_enum)]
        format: Option<FieldsFormat>,
        /// Whose fields: one kind of `--kind`
        #[arg(long, value_enum, default_value = "instances")]
        kind: OneKind,
    },
}

/// `rds-inventory diff OLD NEW`: needs neither an accounts file nor AWS.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// The earlier inventory (NDJSON, JSON array or CSV written by rds-inventory)
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The later inventory
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// Output format
    #[arg(short = 'f', long, value_enum, default_value_t = DiffFormat::Ndjson)]
    pub format: DiffFormat,

    /// Compare only these fields; `a.b` reaches inside an object (the default ignore list
    /// then does not apply)
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub fields: Vec<String>,

    /// Also ignore these fields (`a.b` reaches inside an object); `none` drops the default
    /// list of fields that change on their own, so everything is compared
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// The `--summary` JSON of the run that wrote NEW: its failed and unfinished targets
    /// become one `unknown` line each instead of mass removals
    #[arg(long, value_name = "NEW_SUMMARY")]
    pub summary: Option<PathBuf>,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// One JSON object per change
    Ndjson,
    /// One readable line per change, for a terminal or a mail
    Table,
    /// One row per changed field, safe to open in a spreadsheet
    Csv,
}

/// Formats of `rds-inventory fields`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FieldsFormat {
    /// Aligned columns
    Table,
    /// One JSON object per line
    Ndjson,
    /// A Markdown table, as docs/ shows it
    Markdown,
}

/// `--with DATA`: clap reads the joins from the domain's list.
impl ValueEnum for Join {
    fn value_variants<'a>() -> &'a [Self] {
        &Join::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()).help(self.fields()))
    }
}

/// `--kind KIND`: clap reads the kinds from the registry, so a new kind needs no line here.
impl ValueEnum for KindChoice {
    fn value_variants<'a>() -> &'a [Self] {
        &CHOICES
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            KindChoice::One(kind) => format!("{} ({})", kind.spec().about, kind.call()),
            KindChoice::All => "every kind".to_owned(),
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

/// `fields --kind KIND`: one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OneKind(pub ResourceKind);

impl ValueEnum for OneKind {
    fn value_variants<'a>() -> &'a [Self] {
        const ONE: [OneKind; kinds::COUNT] = {
            let mut one = [OneKind(kinds::ALL[0]); kinds::COUNT];
            let mut i = 0;
            while i < kinds::COUNT {
                one[i] = OneKind(kinds::ALL[i]);
                i += 1;
            }
            one
        };
        &ONE
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()).help(self.0.spec().about))
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON object per line
    Ndjson,
    /// One JSON array
    Json,
    /// RFC 4180 CSV with a header row
    Csv,
    /// Aligned columns for reading on a terminal
    Table,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_shows_examples_and_exit_codes() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("Examples:"));
        assert!(help.contains("Exit codes:"));
        assert!(
            !help.contains("initial-backoff"),
            "test-only flag stays hidden"
        );
    }
}
