//! The one accounts-file builder: [`AccountsFile`], with [`Account`] and [`Organization`].
//!
//! Files with deliberate mistakes (syntax, bad bytes, exact line numbers) are test data and
//! are written as raw text by the tests that need them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Builder methods: `text` fields take a `&str`, `list` fields any list of strings.
macro_rules! setters {
    (text: $($text:ident),*; list: $($list:ident),*) => {
        $(
            pub fn $text(mut self, value: &str) -> Self {
                self.$text = Some(value.to_string());
                self
            }
        )*
        $(
            pub fn $list<I, S>(mut self, values: I) -> Self
            where
                I: IntoIterator<Item = S>,
                S: Into<String>,
            {
                self.$list = values.into_iter().map(Into::into).collect::<Vec<String>>().into();
                self
            }
        )*
    };
}

/// An accounts file, rendered as TOML in the documented key order.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct AccountsFile {
    regions: Option<Vec<String>>,
    role_name: Option<String>,
    session_name: Option<String>,
    session_duration: Option<String>,
    /// Raw top-level lines, e.g. `concurrency = 4`.
    lines: Vec<String>,
    organization: Option<Organization>,
    accounts: Vec<Account>,
}

impl AccountsFile {
    /// An empty file: no key, no account.
    pub fn new() -> AccountsFile {
        AccountsFile::default()
    }

    // `regions` (may be `["enabled"]`), `role_name`, `session_name`, `session_duration`.
    setters!(text: role_name, session_name, session_duration; list: regions);

    /// A raw top-level line, written after the keys above.
    pub fn line(mut self, line: &str) -> AccountsFile {
        self.lines.push(line.to_string());
        self
    }

    /// The `[organization]` table.
    pub fn organization(mut self, organization: Organization) -> AccountsFile {
        self.organization = Some(organization);
        self
    }

    /// One `[[accounts]]` entry.
    pub fn account(mut self, account: Account) -> AccountsFile {
        self.accounts.push(account);
        self
    }

    /// `[[accounts]]` entries for `(id, name)` pairs.
    pub fn accounts<'a>(self, accounts: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        accounts.into_iter().fold(self, |file, (id, name)| {
            file.account(Account::new(id).name(name))
        })
    }

    /// The file's text.
    pub fn to_toml(&self) -> String {
        let mut text = String::new();
        if let Some(regions) = &self.regions {
            key(&mut text, "regions", &list(regions));
        }
        for (name, value) in [
            ("role_name", &self.role_name),
            ("session_name", &self.session_name),
            ("session_duration", &self.session_duration),
        ] {
            if let Some(value) = value {
                key(&mut text, name, &quote(value));
            }
        }
        for line in &self.lines {
            text.push_str(line);
            text.push('\n');
        }
        if let Some(org) = &self.organization {
            text.push_str("\n[organization]\nenabled = true\n");
            if let Some(role) = &org.role_name {
                key(&mut text, "role_name", &quote(role));
            }
            if !org.exclude.is_empty() {
                key(&mut text, "exclude", &list(&org.exclude));
            }
            if !org.include_ous.is_empty() {
                key(&mut text, "include_ous", &list(&org.include_ous));
            }
        }
        for account in &self.accounts {
            text.push_str("\n[[accounts]]\n");
            key(&mut text, "id", &quote(&account.id));
            let fields = [
                ("name", account.name.as_ref().map(|v| quote(v))),
                ("role_arn", account.role_arn.as_ref().map(|v| quote(v))),
                ("regions", account.regions.as_ref().map(|v| list(v))),
                (
                    "external_id",
                    account.external_id.as_ref().map(|v| quote(v)),
                ),
            ];
            for (name, value) in fields {
                if let Some(value) = value {
                    key(&mut text, name, &value);
                }
            }
        }
        text
    }

    /// Writes `dir/accounts.toml` (the binary's default path) and returns its path.
    pub fn write(&self, dir: &Path) -> PathBuf {
        self.write_as(dir, "accounts.toml")
    }

    /// Writes `dir/name` and returns its path.
    pub fn write_as(&self, dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, self.to_toml())
            .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        path
    }
}

/// One `[[accounts]]` entry.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct Account {
    id: String,
    name: Option<String>,
    regions: Option<Vec<String>>,
    external_id: Option<String>,
    role_arn: Option<String>,
}

// Every key of an account entry can be set, whether a test sets it yet or not.
#[allow(dead_code)]
impl Account {
    /// An entry with only its `id`.
    pub fn new(id: &str) -> Account {
        Account {
            id: id.to_string(),
            ..Account::default()
        }
    }

    setters!(text: name, external_id, role_arn; list: regions);
}

/// The `[organization]` table (always `enabled = true`).
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct Organization {
    role_name: Option<String>,
    exclude: Vec<String>,
    include_ous: Vec<String>,
}

// Every key of the table can be set, whether a test sets it yet or not.
#[allow(dead_code)]
impl Organization {
    /// Discovery on, every ACTIVE account of the organization.
    pub fn enabled() -> Organization {
        Organization::default()
    }

    setters!(text: role_name; list: exclude, include_ous);
}

fn key(text: &mut String, name: &str, value: &str) {
    let _ = writeln!(text, "{name} = {value}");
}

fn list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| quote(v)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A TOML basic string.
fn quote(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
