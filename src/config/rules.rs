//! The accounts file after validation: defaults, explicit entries and the organization table,
//! plus the flags that narrow them. Turned into the run's accounts by `crate::accounts`.

use std::path::PathBuf;
use std::time::Duration;

use super::regions::Regions;

/// Defaults for every account, from the top of the file.
#[derive(Debug, Clone)]
pub struct AccountDefaults {
    pub regions: Option<Regions>,
    pub role_name: String,
    pub session_name: String,
    pub session_duration: Duration,
    pub external_id: Option<String>,
}

/// An `[[accounts]]` entry: what it sets explicitly, so it can override a discovered account
/// field by field.
#[derive(Debug, Clone)]
pub struct ExplicitAccount {
    pub id: String,
    pub name: Option<String>,
    pub role_arn: Option<String>,
    /// `role_name` of the entry (the ARN is built once the partition is known).
    pub role_name: Option<String>,
    pub regions: Option<Regions>,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
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

/// Which accounts a run covers, and how each is reached.
#[derive(Debug, Clone)]
pub struct AccountRules {
    /// The accounts file, for messages.
    pub source: PathBuf,
    pub defaults: AccountDefaults,
    /// `[[accounts]]` entries in file order.
    pub explicit: Vec<ExplicitAccount>,
    pub organization: Option<OrganizationSettings>,
    /// `--account`: keep only these ids or names (after discovery).
    pub filter: Vec<String>,
    /// `--region`: replaces every account's regions.
    pub region_override: Option<Regions>,
}
