//! The accounts file (TOML) and the fully resolved settings of a run.
//!
//! This is the only place where defaults live: the command line and the file both
//! produce `Option`s, and [`Settings::resolve`] decides flag > env > file > default.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::cli::{Cli, Format};
use crate::record::{select_columns, Column};

/// Targets in flight when neither flag, env nor file says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 32;
/// Attempts per AWS call (first try included); a nightly inventory prefers complete over fast.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 8;
/// Per-attempt timeout: a request that gets no answer in this time is cut and retried.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(20);
/// First retry backoff; the SDK doubles it (with jitter) up to 20 s.
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_secs(1);
pub const DEFAULT_ROLE_NAME: &str = "InventoryReadOnly";
pub const DEFAULT_SESSION_NAME: &str = "rds-inventory";
pub const DEFAULT_SESSION_DURATION: Duration = Duration::from_secs(3600);
pub const DEFAULT_CONFIG_PATH: &str = "accounts.toml";
const MIN_SESSION: Duration = Duration::from_secs(15 * 60);
const MAX_SESSION: Duration = Duration::from_secs(12 * 3600);

/// Regions enabled in every account by default (not opt-in): the fallback when an account
/// will not say which regions it has enabled.
pub const STANDARD_REGIONS: [&str; 17] = [
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

/// The word that asks each account for its enabled regions instead of a list.
pub const ENABLED_REGIONS: &str = "enabled";

/// The accounts file exactly as written; every key is optional so that defaults stay here.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountsFile {
    regions: Option<Spanned<Vec<Spanned<String>>>>,
    role_name: Option<Spanned<String>>,
    session_name: Option<Spanned<String>>,
    session_duration: Option<Spanned<String>>,
    external_id: Option<Spanned<String>>,
    concurrency: Option<Spanned<usize>>,
    max_attempts: Option<Spanned<u32>>,
    organization: Option<Spanned<OrganizationTable>>,
    #[serde(default)]
    accounts: Vec<Spanned<AccountEntry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountEntry {
    id: Spanned<String>,
    name: Option<Spanned<String>>,
    role_arn: Option<Spanned<String>>,
    role_name: Option<Spanned<String>>,
    regions: Option<Spanned<Vec<Spanned<String>>>>,
    external_id: Option<Spanned<String>>,
    session_name: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationTable {
    #[serde(default)]
    enabled: bool,
    role_name: Option<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    include_ous: Vec<Spanned<String>>,
}

/// A mistake in the accounts file, located by file and line.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Which regions an account is listed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Regions {
    Listed(Vec<String>),
    /// Ask the account (Account API ListRegions) once per run.
    Enabled,
}

impl Regions {
    /// The listed regions; empty until `Enabled` has been resolved into a list.
    pub fn listed(&self) -> &[String] {
        match self {
            Regions::Listed(regions) => regions,
            Regions::Enabled => &[],
        }
    }
}

/// One account to inventory, with everything needed to assume its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    pub id: String,
    pub name: String,
    pub role_arn: String,
    pub external_id: Option<String>,
    pub session_name: String,
    pub session_duration: Duration,
    pub regions: Regions,
}

#[cfg(test)]
impl AccountSpec {
    /// A minimal account for unit tests: role `R`, no external id, these regions.
    pub fn for_tests(id: &str, name: &str, regions: &[&str]) -> AccountSpec {
        AccountSpec {
            id: id.into(),
            name: name.into(),
            role_arn: format!("arn:aws:iam::{id}:role/R"),
            external_id: None,
            session_name: "s".into(),
            session_duration: Duration::from_secs(3600),
            regions: Regions::Listed(regions.iter().map(|r| r.to_string()).collect()),
        }
    }
}

/// An account found in AWS Organizations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredAccount {
    pub id: String,
    pub name: String,
}

/// The `[organization]` table: discover accounts with the base identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationSettings {
    /// Role assumed in discovered accounts (default: the file's `role_name`).
    pub role_name: String,
    pub exclude: Vec<String>,
    /// Organizational units searched recursively; empty means the whole organization.
    pub include_ous: Vec<String>,
}

/// Everything a run needs, decided before any AWS call (accounts may still be discovered).
#[derive(Debug, Clone)]
pub struct Settings {
    pub file: ParsedFile,
    /// `--account`: keep only these ids or names (after discovery).
    pub account_filter: Vec<String>,
    /// `--region`: replaces every account's regions.
    pub region_override: Option<Regions>,
    pub format: Format,
    pub columns: Vec<Column>,
    pub output: Option<PathBuf>,
    pub summary: Option<PathBuf>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub concurrency: usize,
    pub max_attempts: u32,
    pub call_timeout: Duration,
    pub initial_backoff: Duration,
    pub quiet: bool,
    pub progress: bool,
    pub verbose: u8,
}

/// Why settings could not be resolved: the file is wrong (exit 1) or the flags are (exit 2).
#[derive(Debug)]
pub enum SettingsError {
    File(ConfigError),
    Usage(String),
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingsError::File(e) => e.fmt(f),
            SettingsError::Usage(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for SettingsError {}

impl Settings {
    /// Reads the accounts file named by the command line and merges the two.
    pub fn load(cli: &Cli) -> Result<Settings, SettingsError> {
        let path = cli
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_PATH));
        let file = read_accounts_file(&path).map_err(SettingsError::File)?;
        Settings::resolve(cli, file)
    }

    /// Merges flags (clap has already put env values into them) over the file over defaults.
    pub fn resolve(cli: &Cli, file: ParsedFile) -> Result<Settings, SettingsError> {
        let region_override = if cli.region.is_empty() {
            None
        } else {
            Some(
                parse_regions(&cli.region)
                    .map_err(|m| SettingsError::Usage(format!("--region: {m}")))?,
            )
        };
        let concurrency = cli
            .concurrency
            .or(file.concurrency)
            .unwrap_or(DEFAULT_CONCURRENCY);
        if concurrency == 0 {
            return Err(SettingsError::Usage(
                "--concurrency must be at least 1".into(),
            ));
        }
        let max_attempts = cli
            .max_attempts
            .or(file.max_attempts)
            .unwrap_or(DEFAULT_MAX_ATTEMPTS);
        if max_attempts == 0 {
            return Err(SettingsError::Usage(
                "--max-attempts must be at least 1".into(),
            ));
        }
        let format = cli.format.unwrap_or(Format::Ndjson);
        let columns =
            select_columns(&cli.columns, &cli.tag_column, format).map_err(SettingsError::Usage)?;
        let call_timeout = match cli.timeout {
            Some(secs) if secs <= 0.0 || !secs.is_finite() => {
                return Err(SettingsError::Usage(
                    "--timeout must be a positive number of seconds".into(),
                ))
            }
            Some(secs) => Duration::from_secs_f64(secs),
            None => DEFAULT_CALL_TIMEOUT,
        };
        let settings = Settings {
            file,
            account_filter: cli.account.clone(),
            region_override,
            format,
            columns,
            output: cli.output.clone(),
            summary: cli.summary.clone(),
            profile: cli.profile.clone(),
            endpoint_url: cli.endpoint_url.clone(),
            concurrency,
            max_attempts,
            call_timeout,
            initial_backoff: cli
                .initial_backoff_ms
                .map(Duration::from_millis)
                .unwrap_or(DEFAULT_INITIAL_BACKOFF),
            quiet: cli.quiet,
            progress: !cli.quiet && !cli.no_progress,
            verbose: cli.verbose,
        };
        // Without discovery, a bad --account can be refused before any AWS call.
        if settings.file.organization.is_none() {
            settings.select_accounts(&[])?;
        }
        Ok(settings)
    }

    /// The accounts of this run: the file's entries merged over the discovered accounts,
    /// `--region` applied, and `--account` kept.
    pub fn select_accounts(
        &self,
        discovered: &[DiscoveredAccount],
    ) -> Result<Vec<AccountSpec>, SettingsError> {
        let mut accounts = self.file.accounts(discovered);
        if let Some(regions) = &self.region_override {
            for account in &mut accounts {
                account.regions = regions.clone();
            }
        }
        if !self.account_filter.is_empty() {
            let matches = |a: &AccountSpec, w: &String| &a.id == w || &a.name == w;
            for wanted in &self.account_filter {
                if !accounts.iter().any(|a| matches(a, wanted)) {
                    return Err(SettingsError::Usage(format!(
                        "--account {wanted:?} matches no account id or name in {}{}",
                        self.file.path.display(),
                        if self.file.organization.is_some() {
                            " or the organization"
                        } else {
                            ""
                        }
                    )));
                }
            }
            accounts.retain(|a| self.account_filter.iter().any(|w| matches(a, w)));
        }
        Ok(accounts)
    }
}

/// Defaults for every account, from the top of the file.
#[derive(Debug, Clone)]
struct AccountDefaults {
    regions: Option<Regions>,
    role_name: String,
    session_name: String,
    session_duration: Duration,
    external_id: Option<String>,
}

/// An `[[accounts]]` entry: what it sets explicitly, so it can override a discovered account
/// field by field.
#[derive(Debug, Clone)]
struct ExplicitAccount {
    id: String,
    name: Option<String>,
    role_arn: Option<String>,
    regions: Option<Regions>,
    external_id: Option<String>,
    session_name: Option<String>,
}

/// The accounts file after validation; run options still optional.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub path: PathBuf,
    defaults: AccountDefaults,
    explicit: Vec<ExplicitAccount>,
    pub organization: Option<OrganizationSettings>,
    pub concurrency: Option<usize>,
    pub max_attempts: Option<u32>,
}

impl ParsedFile {
    /// Explicit entries first (file order), then discovered accounts not listed explicitly.
    /// An explicit entry overrides a discovered account field by field.
    pub fn accounts(&self, discovered: &[DiscoveredAccount]) -> Vec<AccountSpec> {
        let found = |id: &str| discovered.iter().find(|d| d.id == id);
        let role_for = |id: &str, discovered: bool| {
            let name = match (&self.organization, discovered) {
                (Some(org), true) => &org.role_name,
                _ => &self.defaults.role_name,
            };
            format!("arn:aws:iam::{id}:role/{name}")
        };
        let mut accounts: Vec<AccountSpec> = self
            .explicit
            .iter()
            .map(|e| {
                let discovered = found(&e.id);
                AccountSpec {
                    id: e.id.clone(),
                    name: e
                        .name
                        .clone()
                        .or_else(|| discovered.map(|d| d.name.clone()))
                        .unwrap_or_else(|| e.id.clone()),
                    role_arn: e
                        .role_arn
                        .clone()
                        .unwrap_or_else(|| role_for(&e.id, discovered.is_some())),
                    external_id: e
                        .external_id
                        .clone()
                        .or_else(|| self.defaults.external_id.clone()),
                    session_name: e
                        .session_name
                        .clone()
                        .unwrap_or_else(|| self.defaults.session_name.clone()),
                    session_duration: self.defaults.session_duration,
                    // Validated at parse time: an entry without regions needs file defaults.
                    regions: e
                        .regions
                        .clone()
                        .or_else(|| self.defaults.regions.clone())
                        .unwrap_or(Regions::Listed(Vec::new())),
                }
            })
            .collect();
        for d in discovered {
            if self.explicit.iter().any(|e| e.id == d.id) {
                continue;
            }
            accounts.push(AccountSpec {
                id: d.id.clone(),
                name: if d.name.is_empty() {
                    d.id.clone()
                } else {
                    d.name.clone()
                },
                role_arn: role_for(&d.id, true),
                external_id: self.defaults.external_id.clone(),
                session_name: self.defaults.session_name.clone(),
                session_duration: self.defaults.session_duration,
                regions: self
                    .defaults
                    .regions
                    .clone()
                    .unwrap_or(Regions::Listed(Vec::new())),
            });
        }
        accounts
    }
}

/// Reads and validates an accounts file; every mistake names the file, the line and the key.
pub fn read_accounts_file(path: &Path) -> Result<ParsedFile, ConfigError> {
    let fail = |message: String| ConfigError {
        path: path.to_path_buf(),
        line: None,
        message,
    };
    if path.is_dir() {
        return Err(fail("is a directory, not an accounts file".into()));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read accounts file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..offset]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        ConfigError {
            path: path.to_path_buf(),
            line: Some(line),
            message: format!("not valid UTF-8 (byte {offset})"),
        }
    })?;
    parse_accounts(path, &text)
}

/// Parses and validates accounts-file text (split from the file read so tests need no files).
pub fn parse_accounts(path: &Path, text: &str) -> Result<ParsedFile, ConfigError> {
    let at = |span: Range<usize>, message: String| ConfigError {
        path: path.to_path_buf(),
        line: Some(line_of(text, span.start)),
        message,
    };
    let whole_file = |message: &str| ConfigError {
        path: path.to_path_buf(),
        line: None,
        message: message.to_string(),
    };
    if text.trim().is_empty() {
        return Err(whole_file(
            "the file is empty: it needs at least one [[accounts]] entry",
        ));
    }
    let file: AccountsFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        ConfigError {
            path: path.to_path_buf(),
            line,
            message: e.message().trim_end().to_string(),
        }
    })?;

    let default_regions = match &file.regions {
        Some(regions) => Some(validate_regions(regions, "regions", &at)?),
        None => None,
    };
    let role_name = match &file.role_name {
        Some(name) => {
            validate_role_name(name.get_ref())
                .map_err(|m| at(name.span(), format!("role_name: {m}")))?;
            name.get_ref().clone()
        }
        None => DEFAULT_ROLE_NAME.to_string(),
    };
    let session_name = match &file.session_name {
        Some(name) => {
            validate_session_name(name.get_ref())
                .map_err(|m| at(name.span(), format!("session_name: {m}")))?;
            name.get_ref().clone()
        }
        None => DEFAULT_SESSION_NAME.to_string(),
    };
    let session_duration = match &file.session_duration {
        Some(text) => parse_session_duration(text.get_ref())
            .map_err(|m| at(text.span(), format!("session_duration: {m}")))?,
        None => DEFAULT_SESSION_DURATION,
    };
    let external_id = match &file.external_id {
        Some(id) => {
            validate_external_id(id.get_ref())
                .map_err(|m| at(id.span(), format!("external_id: {m}")))?;
            Some(id.get_ref().clone())
        }
        None => None,
    };
    if let Some(c) = &file.concurrency {
        if *c.get_ref() == 0 {
            return Err(at(c.span(), "concurrency: must be at least 1".into()));
        }
    }
    if let Some(m) = &file.max_attempts {
        if *m.get_ref() == 0 {
            return Err(at(m.span(), "max_attempts: must be at least 1".into()));
        }
    }
    let organization = match &file.organization {
        Some(table) if table.get_ref().enabled => {
            if default_regions.is_none() {
                return Err(at(
                    table.span(),
                    "organization: discovered accounts need a top-level `regions` (a list, or [\"enabled\"])".into(),
                ));
            }
            Some(validate_organization(table.get_ref(), &role_name, &at)?)
        }
        Some(table) => {
            // Validate a disabled table too, so a typo does not wait for the day it is enabled.
            validate_organization(table.get_ref(), &role_name, &at)?;
            None
        }
        None => None,
    };
    if file.accounts.is_empty() && organization.is_none() {
        return Err(whole_file(
            "no accounts: add at least one [[accounts]] entry with an id, or enable [organization]",
        ));
    }

    let mut seen = HashSet::new();
    let mut explicit = Vec::with_capacity(file.accounts.len());
    for (index, entry) in file.accounts.iter().enumerate() {
        let key = |k: &str| format!("accounts[{index}].{k}");
        let entry_span = entry.span();
        let entry = entry.get_ref();
        let id = entry.id.get_ref();
        validate_account_id(id).map_err(|m| at(entry.id.span(), format!("{}: {m}", key("id"))))?;
        if !seen.insert(id.clone()) {
            return Err(at(
                entry.id.span(),
                format!("{}: account {id} is listed twice", key("id")),
            ));
        }
        let role_arn = match (&entry.role_arn, &entry.role_name) {
            (Some(_), Some(name)) => {
                return Err(at(
                    name.span(),
                    format!("{}: give role_arn or role_name, not both", key("role_name")),
                ))
            }
            (Some(arn), None) => {
                validate_role_arn(arn.get_ref())
                    .map_err(|m| at(arn.span(), format!("{}: {m}", key("role_arn"))))?;
                Some(arn.get_ref().clone())
            }
            (None, Some(name)) => {
                validate_role_name(name.get_ref())
                    .map_err(|m| at(name.span(), format!("{}: {m}", key("role_name"))))?;
                Some(format!("arn:aws:iam::{id}:role/{}", name.get_ref()))
            }
            (None, None) => None,
        };
        let regions = match &entry.regions {
            Some(regions) => Some(validate_regions(regions, &key("regions"), &at)?),
            None if default_regions.is_some() => None,
            None => {
                return Err(at(
                    entry_span,
                    format!(
                        "accounts[{index}] (id {id}) has no regions: set `regions` at the top of the file or in this entry"
                    ),
                ))
            }
        };
        let external_id = match &entry.external_id {
            Some(ext) => {
                validate_external_id(ext.get_ref())
                    .map_err(|m| at(ext.span(), format!("{}: {m}", key("external_id"))))?;
                Some(ext.get_ref().clone())
            }
            None => None,
        };
        let session_name = match &entry.session_name {
            Some(name) => {
                validate_session_name(name.get_ref())
                    .map_err(|m| at(name.span(), format!("{}: {m}", key("session_name"))))?;
                Some(name.get_ref().clone())
            }
            None => None,
        };
        let name = match &entry.name {
            Some(name) if name.get_ref().trim().is_empty() => {
                return Err(at(
                    name.span(),
                    format!("{}: must not be empty", key("name")),
                ))
            }
            Some(name) => Some(name.get_ref().clone()),
            None => None,
        };
        explicit.push(ExplicitAccount {
            id: id.clone(),
            name,
            role_arn,
            regions,
            external_id,
            session_name,
        });
    }
    Ok(ParsedFile {
        path: path.to_path_buf(),
        defaults: AccountDefaults {
            regions: default_regions,
            role_name,
            session_name,
            session_duration,
            external_id,
        },
        explicit,
        organization,
        concurrency: file.concurrency.map(Spanned::into_inner),
        max_attempts: file.max_attempts.map(Spanned::into_inner),
    })
}

fn validate_organization(
    table: &OrganizationTable,
    default_role_name: &str,
    at: &impl Fn(Range<usize>, String) -> ConfigError,
) -> Result<OrganizationSettings, ConfigError> {
    let role_name = match &table.role_name {
        Some(name) => {
            validate_role_name(name.get_ref())
                .map_err(|m| at(name.span(), format!("organization.role_name: {m}")))?;
            name.get_ref().clone()
        }
        None => default_role_name.to_string(),
    };
    let mut exclude = Vec::new();
    for id in &table.exclude {
        validate_account_id(id.get_ref())
            .map_err(|m| at(id.span(), format!("organization.exclude: {m}")))?;
        exclude.push(id.get_ref().clone());
    }
    let mut include_ous = Vec::new();
    for ou in &table.include_ous {
        let ok = ou.get_ref().starts_with("ou-") || ou.get_ref().starts_with("r-");
        if !ok {
            return Err(at(
                ou.span(),
                format!(
                    "organization.include_ous: {:?} is not an OU id like ou-ab12-cd34ef56 (or a root id r-ab12)",
                    ou.get_ref()
                ),
            ));
        }
        include_ous.push(ou.get_ref().clone());
    }
    Ok(OrganizationSettings {
        role_name,
        exclude,
        include_ous,
    })
}

fn validate_account_id(id: &str) -> Result<(), String> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("{id:?} is not a 12-digit account id"))
    }
}

fn validate_regions(
    regions: &Spanned<Vec<Spanned<String>>>,
    key: &str,
    at: &impl Fn(Range<usize>, String) -> ConfigError,
) -> Result<Regions, ConfigError> {
    let names: Vec<String> = regions
        .get_ref()
        .iter()
        .map(|r| r.get_ref().clone())
        .collect();
    parse_regions(&names).map_err(|m| {
        // Point at the offending entry when there is one, else at the list.
        let span = regions
            .get_ref()
            .iter()
            .find(|r| m.contains(&format!("{:?}", r.get_ref())))
            .map(Spanned::span)
            .unwrap_or_else(|| regions.span());
        at(span, format!("{key}: {m}"))
    })
}

/// A region list, or `["enabled"]` alone.
fn parse_regions(names: &[String]) -> Result<Regions, String> {
    if names.is_empty() {
        return Err("the region list is empty".into());
    }
    if names.iter().any(|n| n == ENABLED_REGIONS) {
        if names.len() > 1 {
            return Err(format!(
                "{ENABLED_REGIONS:?} must be the only entry: it stands for every enabled region"
            ));
        }
        return Ok(Regions::Enabled);
    }
    for name in names {
        if !is_region_shaped(name) {
            return Err(format!(
                "{name:?} is not a region name like us-east-1 (or \"enabled\")"
            ));
        }
    }
    let mut seen = HashSet::new();
    Ok(Regions::Listed(
        names.iter().filter(|r| seen.insert(*r)).cloned().collect(),
    ))
}

/// `us-east-1`, `us-gov-west-1`, `ap-southeast-2`, `cn-north-1`: letters, dashes, a final number.
pub fn is_region_shaped(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

fn validate_role_arn(arn: &str) -> Result<(), String> {
    let bad = || format!("{arn:?} is not an IAM role ARN like arn:aws:iam::123456789012:role/Name");
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(bad());
    };
    if !partition.starts_with("aws")
        || account.len() != 12
        || !account.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let Some(path_and_name) = resource.strip_prefix("role/") else {
        return Err(bad());
    };
    let name = path_and_name.rsplit('/').next().unwrap_or_default();
    validate_role_name(name).map_err(|_| bad())
}

fn validate_role_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!("{name:?} is not a valid IAM role name"))
    }
}

fn validate_session_name(name: &str) -> Result<(), String> {
    let ok = (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{name:?} must be 2 to 64 characters of letters, digits and +=,.@_-"
        ))
    }
}

fn validate_external_id(id: &str) -> Result<(), String> {
    let ok = (2..=1224).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@:/_-".contains(c));
    if ok {
        Ok(())
    } else {
        Err("must be 2 to 1224 characters of letters, digits and +=,.@:/_-".into())
    }
}

/// Parses `"1h"`, `"90m"`, `"1h30m"`, `"3600s"` and checks STS's 15 min .. 12 h range.
pub fn parse_session_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("{text:?} is not a duration like \"1h\", \"90m\" or \"1h30m\"");
    let mut total = 0u64;
    let mut number = String::new();
    let mut saw_unit = false;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let value: u64 = number.parse().map_err(|_| bad())?;
        total = total.saturating_add(value.saturating_mul(unit));
        number.clear();
        saw_unit = true;
    }
    if !number.is_empty() || !saw_unit {
        return Err(bad());
    }
    let duration = Duration::from_secs(total);
    if duration < MIN_SESSION || duration > MAX_SESSION {
        return Err(format!("{text:?} is out of range: STS allows 15m to 12h"));
    }
    Ok(duration)
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(text: &str) -> Result<ParsedFile, ConfigError> {
        parse_accounts(Path::new("accounts.toml"), text)
    }

    const GOOD: &str = r#"
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

    #[test]
    fn good_file_resolves_every_default() {
        let parsed = parse(GOOD).expect("valid file");
        let accounts = parsed.accounts(&[]);
        assert_eq!(accounts.len(), 2);
        let prod = &accounts[0];
        assert_eq!(prod.name, "prod");
        assert_eq!(prod.role_arn, "arn:aws:iam::111111111111:role/Inventory");
        assert_eq!(prod.regions.listed(), ["us-east-1", "eu-west-1"]);
        assert_eq!(prod.external_id.as_deref(), Some("shared-secret-id"));
        assert_eq!(prod.session_name, DEFAULT_SESSION_NAME);
        assert_eq!(prod.session_duration, Duration::from_secs(5400));
        let other = &accounts[1];
        assert_eq!(other.name, "222222222222", "name defaults to the id");
        assert_eq!(other.role_arn, "arn:aws:iam::222222222222:role/team/Custom");
        assert_eq!(other.regions.listed(), ["eu-west-1"]);
        assert_eq!(other.external_id.as_deref(), Some("other-id"));
    }

    #[test]
    fn shipped_example_file_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("accounts.example.toml");
        let parsed = read_accounts_file(&path).expect("accounts.example.toml must be valid");
        let accounts = parsed.accounts(&[]);
        assert!(accounts.len() >= 2);
        assert!(accounts.iter().any(|a| a.external_id.is_some()));
    }

    /// Each malformed file is refused with the line and the key in the message.
    #[test]
    fn validation_table() {
        let account = "[[accounts]]\nid = \"111111111111\"\n";
        let cases: Vec<(String, Option<usize>, &str)> = vec![
            (
                "regions = [\"us-east-1\"\n".into(),
                Some(2),
                "invalid array",
            ),
            (
                format!("regions = [\"us-east-1\"]\ncolour = \"blue\"\n{account}"),
                Some(2),
                "unknown field `colour`",
            ),
            (
                "regions = [\"us-east-1\"]\n[[accounts]]\nid = \"1234\"\n".to_string(),
                Some(3),
                "accounts[0].id: \"1234\" is not a 12-digit",
            ),
            (
                format!("regions = [\"us-east-1\"]\n{account}{account}"),
                Some(5),
                "listed twice",
            ),
            (
                format!(
                    "regions = [\"us-east-1\"]\n{account}role_arn = \"arn:aws:iam::1:role/x\"\n"
                ),
                Some(4),
                "accounts[0].role_arn",
            ),
            (
                format!("regions = [\"us-east-1\", \"Mars\"]\n{account}"),
                Some(1),
                "regions: \"Mars\" is not a region",
            ),
            (
                format!("regions = []\n{account}"),
                Some(1),
                "region list is empty",
            ),
            ("regions = [\"us-east-1\"]\n".into(), None, "no accounts"),
            (
                format!("regions = [\"us-east-1\"]\nsession_duration = \"13h\"\n{account}"),
                Some(2),
                "out of range",
            ),
            (
                format!("regions = [\"us-east-1\"]\nsession_duration = \"5m\"\n{account}"),
                Some(2),
                "out of range",
            ),
            (
                format!("regions = [\"us-east-1\"]\nsession_duration = \"an hour\"\n{account}"),
                Some(2),
                "not a duration",
            ),
            ("\n  \n".into(), None, "empty"),
            (account.to_string(), Some(1), "has no regions"),
            (
                format!("regions = [\"us-east-1\"]\n{account}name = \"\"\n"),
                Some(4),
                "accounts[0].name",
            ),
            (
                format!("regions = [\"us-east-1\"]\n{account}role_name = \"a b\"\n"),
                Some(4),
                "accounts[0].role_name",
            ),
            (
                "regions = [\"us-east-1\"]\n[[accounts]]\nid = 111111111111\n".to_string(),
                Some(3),
                "invalid type",
            ),
        ];
        for (text, line, needle) in cases {
            let err = parse(&text).expect_err(&text);
            assert_eq!(err.line, line, "line for {text:?}: {err}");
            assert!(
                err.to_string().contains(needle),
                "{err} should contain {needle:?}"
            );
            assert!(err.to_string().starts_with("accounts.toml"), "{err}");
        }
    }

    #[test]
    fn not_utf8_and_directory_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = read_accounts_file(dir.path()).expect_err("directory");
        assert!(err.to_string().contains("directory"), "{err}");
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, b"regions = [\"us-east-1\"]\nname = \"\xff\"\n").expect("write");
        let err = read_accounts_file(&file).expect_err("latin-1");
        assert_eq!(err.line, Some(2));
        assert!(err.to_string().contains("UTF-8"), "{err}");
    }

    #[test]
    fn region_shapes() {
        for ok in [
            "us-east-1",
            "us-gov-west-1",
            "ap-southeast-2",
            "cn-north-1",
            "il-central-1",
        ] {
            assert!(is_region_shaped(ok), "{ok}");
        }
        for bad in [
            "",
            "us-east",
            "US-EAST-1",
            "us-east-x",
            "useast1",
            "u-east-1",
            "us--1",
            "enabled",
        ] {
            assert!(!is_region_shaped(bad), "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_session_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_session_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(
            parse_session_duration("12h"),
            Ok(Duration::from_secs(43200))
        );
        assert_eq!(
            parse_session_duration("3600s"),
            Ok(Duration::from_secs(3600))
        );
        assert!(parse_session_duration("14m59s").is_err());
        assert!(parse_session_duration("1").is_err());
        assert!(parse_session_duration("h").is_err());
    }

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("rds-inventory").chain(args.iter().copied()))
            .expect("valid args")
    }

    fn file_with_options() -> ParsedFile {
        let text = format!("concurrency = 7\nmax_attempts = 4\n{GOOD}");
        parse(&text).expect("valid")
    }

    #[test]
    fn flag_beats_file_beats_default() {
        let s = Settings::resolve(&cli(&[]), file_with_options()).expect("ok");
        assert_eq!(
            (s.concurrency, s.max_attempts),
            (7, 4),
            "file beats default"
        );
        let s = Settings::resolve(
            &cli(&["--concurrency", "3", "--max-attempts", "2"]),
            file_with_options(),
        )
        .expect("ok");
        assert_eq!((s.concurrency, s.max_attempts), (3, 2), "flag beats file");
        let s = Settings::resolve(&cli(&[]), parse(GOOD).expect("valid")).expect("ok");
        assert_eq!(s.concurrency, DEFAULT_CONCURRENCY);
        assert_eq!(s.max_attempts, DEFAULT_MAX_ATTEMPTS);
        assert_eq!(s.call_timeout, DEFAULT_CALL_TIMEOUT);
        assert_eq!(s.format, Format::Ndjson);
        assert!(s.progress);
    }

    #[test]
    fn region_flag_replaces_file_regions_and_account_flag_filters() {
        let s = Settings::resolve(
            &cli(&["-r", "ap-south-1", "-r", "ap-south-1", "-a", "prod"]),
            parse(GOOD).expect("valid"),
        )
        .expect("ok");
        let accounts = s.select_accounts(&[]).expect("ok");
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].regions.listed(), ["ap-south-1"]);
        let s = Settings::resolve(&cli(&["-a", "222222222222"]), parse(GOOD).expect("valid"))
            .expect("ok");
        assert_eq!(s.select_accounts(&[]).expect("ok")[0].id, "222222222222");
        let s =
            Settings::resolve(&cli(&["-r", "enabled"]), parse(GOOD).expect("valid")).expect("ok");
        assert!(s
            .select_accounts(&[])
            .expect("ok")
            .iter()
            .all(|a| a.regions == Regions::Enabled));
    }

    const ORG: &str = r#"
regions = ["enabled"]
role_name = "Inventory"
external_id = "ext-default"

[organization]
enabled = true
role_name = "OrgInventory"
exclude = ["999999999999"]
include_ous = ["ou-ab12-cd34ef56"]

[[accounts]]
id = "222222222222"
name = "analytics-override"
regions = ["eu-west-1"]

[[accounts]]
id = "333333333333"
"#;

    fn discovered() -> Vec<DiscoveredAccount> {
        ["111111111111", "222222222222"]
            .iter()
            .map(|id| DiscoveredAccount {
                id: id.to_string(),
                name: format!("org-{id}"),
            })
            .collect()
    }

    #[test]
    fn explicit_entries_override_discovered_accounts_field_by_field() {
        let parsed = parse(ORG).expect("valid");
        let org = parsed.organization.clone().expect("enabled");
        assert_eq!(org.role_name, "OrgInventory");
        assert_eq!(org.exclude, vec!["999999999999"]);
        assert_eq!(org.include_ous, vec!["ou-ab12-cd34ef56"]);
        let accounts = parsed.accounts(&discovered());
        let ids: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["222222222222", "333333333333", "111111111111"]);
        let analytics = &accounts[0];
        assert_eq!(analytics.name, "analytics-override", "explicit name wins");
        assert_eq!(analytics.regions, Regions::Listed(vec!["eu-west-1".into()]));
        assert_eq!(
            analytics.role_arn,
            "arn:aws:iam::222222222222:role/OrgInventory"
        );
        assert_eq!(analytics.external_id.as_deref(), Some("ext-default"));
        let not_in_org = &accounts[1];
        assert_eq!(not_in_org.name, "333333333333");
        assert_eq!(
            not_in_org.role_arn,
            "arn:aws:iam::333333333333:role/Inventory"
        );
        let only_discovered = &accounts[2];
        assert_eq!(only_discovered.name, "org-111111111111");
        assert_eq!(only_discovered.regions, Regions::Enabled);
        assert_eq!(
            only_discovered.role_arn,
            "arn:aws:iam::111111111111:role/OrgInventory"
        );
    }

    #[test]
    fn organization_table_is_validated() {
        let cases = [
            ("[organization]\nenabled = true\n", Some(1), "top-level `regions`"),
            ("regions = [\"us-east-1\"]\n[organization]\nenabled = true\nexclude = [\"12\"]\n", Some(4), "organization.exclude"),
            ("regions = [\"us-east-1\"]\n[organization]\nenabled = true\ninclude_ous = [\"sales\"]\n", Some(4), "organization.include_ous"),
            ("regions = [\"us-east-1\"]\n[organization]\nenabled = true\nroles = 1\n", Some(4), "unknown field `roles`"),
            ("regions = [\"us-east-1\"]\n[organization]\nenabled = false\n", None, "no accounts"),
            ("regions = [\"enabled\", \"us-east-1\"]\n[[accounts]]\nid = \"111111111111\"\n", Some(1), "must be the only entry"),
        ];
        for (text, line, needle) in cases {
            let err = parse(text).expect_err(text);
            assert_eq!(err.line, line, "{text:?}: {err}");
            assert!(
                err.to_string().contains(needle),
                "{err} should contain {needle:?}"
            );
        }
        let parsed =
            parse("regions = [\"us-east-1\"]\n[organization]\nenabled = true\n").expect("org only");
        assert_eq!(
            parsed.organization.expect("enabled").role_name,
            DEFAULT_ROLE_NAME
        );
    }

    #[test]
    fn account_filter_applies_after_discovery() {
        let s = Settings::resolve(
            &cli(&["-a", "org-111111111111"]),
            parse(ORG).expect("valid"),
        )
        .expect("a discovered name cannot be checked before discovery");
        let accounts = s
            .select_accounts(&discovered())
            .expect("matches a discovered name");
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].id, "111111111111");
        match s.select_accounts(&[]) {
            Err(SettingsError::Usage(m)) => assert!(m.contains("or the organization"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_flags_are_usage_errors() {
        for args in [
            &["-r", "moon-1"][..],
            &["-r", "enabled", "-r", "us-east-1"],
            &["-a", "nobody"],
            &["--concurrency", "0"],
            &["--max-attempts", "0"],
            &["--timeout", "0"],
        ] {
            match Settings::resolve(&cli(args), parse(GOOD).expect("valid")) {
                Err(SettingsError::Usage(_)) => {}
                other => panic!("{args:?} gave {other:?}"),
            }
        }
    }
}
