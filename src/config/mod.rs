//! What the user asked for: the accounts file and the flags, validated and merged into one
//! [`Settings`]. The only place defaults live.

mod file;
mod regions;
mod rules;
mod settings;
pub mod validate;

pub use validate::human_duration;

pub use crate::record::ResourceKind;
#[cfg(test)]
pub use file::parse_accounts;
pub use regions::{partition_of, Regions, STANDARD_REGIONS};
pub use rules::{AccountRules, ExplicitAccount, OrganizationSettings};
pub use settings::{output_path_for, Settings};

#[cfg(test)]
pub(crate) use settings::tests as test_settings;

/// A command-line mistake (exit 2), found while resolving settings or after discovery
/// (e.g. `--account` matching nothing).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}
