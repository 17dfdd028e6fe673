//! Reading and validating the accounts file (TOML). Every mistake names the file, the line
//! and the key; nothing here has a default for a run option (see `settings.rs`).

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::regions::{parse_regions, Regions};
use super::rules::{AccountDefaults, AccountRules, ExplicitAccount, OrganizationSettings};
use super::validate;

pub const DEFAULT_ROLE_NAME: &str = "InventoryReadOnly";
pub const DEFAULT_SESSION_NAME: &str = "rds-inventory";
pub const DEFAULT_SESSION_DURATION: std::time::Duration = std::time::Duration::from_secs(3600);

/// The accounts file exactly as written; every key is optional so that defaults stay here.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    regions: Option<Spanned<Vec<Spanned<String>>>>,
    role_name: Option<Spanned<String>>,
    session_name: Option<Spanned<String>>,
    session_duration: Option<Spanned<String>>,
    external_id: Option<Spanned<String>>,
    concurrency: Option<Spanned<usize>>,
    max_attempts: Option<Spanned<u32>>,
    retry_budget: Option<Spanned<String>>,
    with: Option<Vec<crate::cli::Join>>,
    utilization_days: Option<Spanned<u32>>,
    kinds: Option<Vec<crate::record::KindChoice>>,
    organization: Option<Spanned<RawOrganization>>,
    #[serde(default)]
    accounts: Vec<Spanned<RawAccount>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
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
struct RawOrganization {
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

/// The validated file: who to inventory, and the run options it sets.
#[derive(Debug, Clone)]
pub struct FileSettings {
    pub accounts: AccountRules,
    pub concurrency: Option<usize>,
    pub max_attempts: Option<u32>,
    pub retry_budget: Option<std::time::Duration>,
    /// Joined data (`with = ["pending-maintenance", "engine-support"]`).
    pub with: Option<Vec<crate::cli::Join>>,
    /// `--with utilization`'s window in days (`utilization_days = 14`), checked 1 to 63.
    pub utilization_days: Option<u32>,
    /// Resource kinds (`kinds = ["instances", "clusters"]` or `["all"]`).
    pub kinds: Option<Vec<crate::record::KindChoice>>,
}

/// Reads and validates an accounts file.
pub fn read_accounts_file(path: &Path) -> Result<FileSettings, ConfigError> {
    let source = Source { path, text: "" };
    if path.is_dir() {
        return Err(source.whole_file("is a directory, not an accounts file"));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| source.whole_file(&format!("cannot read accounts file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        ConfigError {
            path: path.to_path_buf(),
            line: Some(line_of(e.as_bytes(), offset)),
            message: format!("not valid UTF-8 (byte {offset})"),
        }
    })?;
    parse_accounts(path, &text)
}

/// Parses and validates accounts-file text (split from the file read so tests need no files).
pub fn parse_accounts(path: &Path, text: &str) -> Result<FileSettings, ConfigError> {
    let source = Source { path, text };
    if text.trim().is_empty() {
        return Err(
            source.whole_file("the file is empty: it needs at least one [[accounts]] entry")
        );
    }
    let file: RawFile = toml::from_str(text).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: e.span().map(|s| line_of(text.as_bytes(), s.start)),
        message: e.message().trim_end().to_string(),
    })?;
    let defaults = AccountDefaults {
        regions: source.regions(&file.regions, "regions")?,
        role_name: source
            .text(&file.role_name, "role_name", validate::role_name)?
            .unwrap_or_else(|| DEFAULT_ROLE_NAME.to_string()),
        session_name: source
            .text(&file.session_name, "session_name", validate::session_name)?
            .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_string()),
        session_duration: source
            .parsed(
                &file.session_duration,
                "session_duration",
                validate::session_duration,
            )?
            .unwrap_or(DEFAULT_SESSION_DURATION),
        external_id: source.text(&file.external_id, "external_id", validate::external_id)?,
    };
    let concurrency = source.at_least_one(&file.concurrency, "concurrency")?;
    let max_attempts = source.at_least_one(&file.max_attempts, "max_attempts")?;
    let retry_budget = source.parsed(&file.retry_budget, "retry_budget", validate::retry_budget)?;
    let utilization_days = match &file.utilization_days {
        Some(days) => Some(
            validate::utilization_days(*days.get_ref())
                .map_err(|m| source.at(days.span(), format!("utilization_days: {m}")))?,
        ),
        None => None,
    };
    let organization = match &file.organization {
        Some(table) => source.organization(table, &defaults)?,
        None => None,
    };
    if file.accounts.is_empty() && organization.is_none() {
        return Err(source.whole_file(
            "no accounts: add at least one [[accounts]] entry with an id, or enable [organization]",
        ));
    }
    let mut seen = HashSet::new();
    let explicit = file
        .accounts
        .iter()
        .enumerate()
        .map(|(index, entry)| source.account(index, entry, &defaults, &mut seen))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(FileSettings {
        accounts: AccountRules {
            source: path.to_path_buf(),
            defaults,
            explicit,
            organization,
            filter: Vec::new(),
            region_override: None,
        },
        concurrency,
        max_attempts,
        retry_budget,
        with: file.with,
        utilization_days,
        kinds: file.kinds,
    })
}

/// The file being parsed, to locate errors by line.
struct Source<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Source<'_> {
    fn at(&self, span: Range<usize>, message: String) -> ConfigError {
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(line_of(self.text.as_bytes(), span.start)),
            message,
        }
    }

    fn whole_file(&self, message: &str) -> ConfigError {
        ConfigError {
            path: self.path.to_path_buf(),
            line: None,
            message: message.to_string(),
        }
    }

    /// An optional key: parsed, or refused at its line as `key: why`.
    fn parsed<T>(
        &self,
        value: &Option<Spanned<String>>,
        key: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        value
            .as_ref()
            .map(|v| parse(v.get_ref()).map_err(|m| self.at(v.span(), format!("{key}: {m}"))))
            .transpose()
    }

    /// An optional text key that a validator accepts as it is.
    fn text(
        &self,
        value: &Option<Spanned<String>>,
        key: &str,
        check: fn(&str) -> Result<(), String>,
    ) -> Result<Option<String>, ConfigError> {
        self.parsed(value, key, |s| check(s).map(|()| s.to_owned()))
    }

    fn at_least_one<N: Copy + PartialEq + From<u8>>(
        &self,
        value: &Option<Spanned<N>>,
        key: &str,
    ) -> Result<Option<N>, ConfigError> {
        match value {
            Some(v) if *v.get_ref() == N::from(0) => {
                Err(self.at(v.span(), format!("{key}: must be at least 1")))
            }
            Some(v) => Ok(Some(*v.get_ref())),
            None => Ok(None),
        }
    }

    /// A region list: valid names, `enabled` alone, one AWS partition.
    fn regions(
        &self,
        value: &Option<Spanned<Vec<Spanned<String>>>>,
        key: &str,
    ) -> Result<Option<Regions>, ConfigError> {
        let Some(regions) = value else {
            return Ok(None);
        };
        let names: Vec<String> = regions
            .get_ref()
            .iter()
            .map(|r| r.get_ref().clone())
            .collect();
        let parsed = parse_regions(&names).and_then(|r| r.partition().map(|_| r));
        parsed.map(Some).map_err(|m| {
            // Point at the offending entry when there is one, else at the list.
            let span = regions
                .get_ref()
                .iter()
                .find(|r| m.contains(&format!("{:?}", r.get_ref())))
                .map_or_else(|| regions.span(), Spanned::span);
            self.at(span, format!("{key}: {m}"))
        })
    }

    /// The `[organization]` table; a disabled one is validated too, so a typo does not wait
    /// for the day it is enabled.
    fn organization(
        &self,
        table: &Spanned<RawOrganization>,
        defaults: &AccountDefaults,
    ) -> Result<Option<OrganizationSettings>, ConfigError> {
        let raw = table.get_ref();
        let role_name = self
            .text(
                &raw.role_name,
                "organization.role_name",
                validate::role_name,
            )?
            .unwrap_or_else(|| defaults.role_name.clone());
        let list = |items: &[Spanned<String>], key: &str, check: fn(&str) -> Result<(), String>| {
            items
                .iter()
                .map(|item| {
                    Ok(self
                        .text(&Some(item.clone()), key, check)?
                        .unwrap_or_default())
                })
                .collect::<Result<Vec<String>, ConfigError>>()
        };
        let settings = OrganizationSettings {
            role_name,
            exclude: list(&raw.exclude, "organization.exclude", validate::account_id)?,
            include_ous: list(
                &raw.include_ous,
                "organization.include_ous",
                validate::organizational_unit,
            )?,
        };
        if !raw.enabled {
            return Ok(None);
        }
        if defaults.regions.is_none() {
            return Err(self.at(
                table.span(),
                "organization: discovered accounts need a top-level `regions` (a list, or [\"enabled\"])".into(),
            ));
        }
        Ok(Some(settings))
    }

    fn account(
        &self,
        index: usize,
        entry: &Spanned<RawAccount>,
        defaults: &AccountDefaults,
        seen: &mut HashSet<String>,
    ) -> Result<ExplicitAccount, ConfigError> {
        let key = |k: &str| format!("accounts[{index}].{k}");
        let raw = entry.get_ref();
        let id = self
            .text(&Some(raw.id.clone()), &key("id"), validate::account_id)?
            .unwrap_or_default();
        if !seen.insert(id.clone()) {
            return Err(self.at(
                raw.id.span(),
                format!("{}: account {id} is listed twice", key("id")),
            ));
        }
        if let (Some(_), Some(name)) = (&raw.role_arn, &raw.role_name) {
            return Err(self.at(
                name.span(),
                format!("{}: give role_arn or role_name, not both", key("role_name")),
            ));
        }
        let regions = self.regions(&raw.regions, &key("regions"))?;
        if regions.is_none() && defaults.regions.is_none() {
            return Err(self.at(
                entry.span(),
                format!(
                    "accounts[{index}] (id {id}) has no regions: set `regions` at the top of the file or in this entry"
                ),
            ));
        }
        Ok(ExplicitAccount {
            name: self.text(&raw.name, &key("name"), validate::account_name)?,
            role_arn: self.text(&raw.role_arn, &key("role_arn"), validate::role_arn)?,
            role_name: self.text(&raw.role_name, &key("role_name"), validate::role_name)?,
            regions,
            external_id: self.text(&raw.external_id, &key("external_id"), validate::external_id)?,
            session_name: self.text(
                &raw.session_name,
                &key("session_name"),
                validate::session_name,
            )?,
            id,
        })
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &[u8], offset: usize) -> usize {
    text[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FileSettings, ConfigError> {
        parse_accounts(Path::new("accounts.toml"), text)
    }

    #[test]
    fn shipped_example_file_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("accounts.example.toml");
        let parsed = read_accounts_file(&path).expect("accounts.example.toml must be valid");
        assert!(parsed.accounts.explicit.len() >= 2);
        assert!(parsed
            .accounts
            .explicit
            .iter()
            .any(|a| a.external_id.is_some()));
    }

    /// Each malformed file is refused with the line and the key in the message.
    #[test]
    fn validation_table() {
        let account = "[[accounts]]\nid = \"111111111111\"\n";
        let top = "regions = [\"us-east-1\"]\n";
        let cases: Vec<(String, Option<usize>, &str)> = vec![
            (
                "regions = [\"us-east-1\"\n".into(),
                Some(2),
                "invalid array",
            ),
            (
                format!("{top}colour = \"blue\"\n{account}"),
                Some(2),
                "unknown field `colour`",
            ),
            (
                format!("{top}kinds = [\"instances\", \"volumes\"]\n{account}"),
                Some(2),
                "unknown kind `volumes`",
            ),
            (
                format!("{top}[[accounts]]\nid = \"1234\"\n"),
                Some(3),
                "accounts[0].id: \"1234\" is not a 12-digit",
            ),
            (format!("{top}{account}{account}"), Some(5), "listed twice"),
            (
                format!("{top}{account}role_arn = \"arn:aws:iam::1:role/x\"\n"),
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
            (top.into(), None, "no accounts"),
            (
                format!("{top}session_duration = \"13h\"\n{account}"),
                Some(2),
                "out of range",
            ),
            (
                format!("{top}session_duration = \"5m\"\n{account}"),
                Some(2),
                "out of range",
            ),
            (
                format!("{top}session_duration = \"an hour\"\n{account}"),
                Some(2),
                "not a duration",
            ),
            ("\n  \n".into(), None, "empty"),
            (account.to_string(), Some(1), "has no regions"),
            (
                format!("{top}{account}name = \"\"\n"),
                Some(4),
                "accounts[0].name",
            ),
            (
                format!("{top}{account}role_name = \"a b\"\n"),
                Some(4),
                "accounts[0].role_name",
            ),
            (
                format!("{top}[[accounts]]\nid = 111111111111\n"),
                Some(3),
                "invalid type",
            ),
            (
                format!("regions = [\"us-east-1\", \"us-gov-west-1\"]\n{account}"),
                Some(1),
                "regions: regions span two AWS partitions",
            ),
            (
                format!("{top}{account}regions = [\"cn-north-1\", \"eu-west-1\"]\n"),
                Some(4),
                "accounts[0].regions: regions span two AWS partitions",
            ),
            (
                format!("{top}concurrency = 0\n{account}"),
                Some(2),
                "concurrency: must be at least 1",
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
        let org = parsed.accounts.organization.expect("enabled");
        assert_eq!(org.role_name, DEFAULT_ROLE_NAME);
    }
}
