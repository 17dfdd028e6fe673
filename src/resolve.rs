//! Settings -> the run's plan: base credentials, accounts discovered in Organizations, one
//! credential per account, and each account's regions resolved (Account API when "enabled").

use std::sync::Arc;

use futures::StreamExt;

use crate::aws::{self, AwsContext, CallFailure, Phase};
use crate::config::{AccountSpec, Regions, Settings, SettingsError, STANDARD_REGIONS};
use crate::discover;
use crate::plan::Plan;
use crate::summary::FailureEntry;

/// Everything decided before the first RDS call: credentials per account and the targets.
pub struct Prepared {
    pub aws: Arc<AwsContext>,
    pub plan: Plan,
    /// Accounts that would not list their enabled regions (standard regions used instead).
    pub warnings: Vec<FailureEntry>,
}

/// A command-line mistake found only after discovery (e.g. `--account` matching nothing).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Base config -> discovered accounts -> one credential per account -> resolved regions.
pub async fn prepare(settings: &Settings) -> anyhow::Result<Prepared> {
    let base = aws::load_base_config(settings).await?;
    let base_credentials = aws::BaseCredentials::load(&base).await?;
    let discovered = match &settings.file.organization {
        Some(org) => {
            let found = discover::discover_accounts(&base, org).await?;
            if found.is_empty() {
                // An empty inventory would look like a clean run to cron.
                anyhow::bail!(
                    "organization discovery found no ACTIVE accounts (after include_ous and exclude); is the base identity in the organization's management account?"
                );
            }
            found
        }
        None => Vec::new(),
    };
    let accounts: Vec<Arc<AccountSpec>> = match settings.select_accounts(&discovered) {
        Ok(accounts) => accounts.into_iter().map(Arc::new).collect(),
        Err(SettingsError::Usage(message)) => return Err(UsageError(message).into()),
        Err(SettingsError::File(e)) => return Err(e.into()),
    };
    let aws = Arc::new(AwsContext::new(base, base_credentials, &accounts, settings).await);

    // Accounts with `regions = ["enabled"]` are asked once each, a few at a time.
    let lookups = accounts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.regions == Regions::Enabled)
        .map(|(index, _)| {
            let aws = Arc::clone(&aws);
            async move {
                let (_, credentials) = aws.account(index).current();
                (
                    index,
                    discover::enabled_regions(aws.base(), credentials).await,
                )
            }
        });
    let mut found: Vec<(usize, Result<Vec<String>, CallFailure>)> = futures::stream::iter(lookups)
        .buffer_unordered(settings.concurrency)
        .collect()
        .await;
    found.sort_by_key(|(index, _)| *index);
    let mut resolved: Vec<AccountSpec> = accounts.iter().map(|a| (**a).clone()).collect();
    let mut warnings = Vec::new();
    for (index, result) in found {
        let account = &mut resolved[index];
        account.regions = match result {
            Ok(regions) => Regions::Listed(regions),
            Err(failure) => {
                // A role that cannot be assumed is reported with its targets, once; anything
                // else (ListRegions denied) falls back to the standard regions with a warning.
                if failure.phase == Phase::Describe {
                    warnings.push(FailureEntry::new(
                        &account.id,
                        &account.name,
                        None,
                        "list_regions",
                        &failure,
                    ));
                }
                Regions::Listed(STANDARD_REGIONS.iter().map(|r| r.to_string()).collect())
            }
        };
    }
    Ok(Prepared {
        aws,
        plan: Plan::new(&resolved),
        warnings,
    })
}
