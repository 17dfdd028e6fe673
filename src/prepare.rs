//! Settings -> the run's plan: base credentials, accounts discovered in Organizations, one
//! credential per account, and each account's regions resolved (Account API when "enabled").

use std::sync::Arc;

use aws_config::{Region, SdkConfig};
use futures::StreamExt;

use crate::accounts::{self, AccountSpec};
use crate::aws::{
    self, discover, AccountWarning, AwsContext, AwsOptions, BaseCredentials, CallFailure, Phase,
    WarningSink,
};
use crate::config::{OrganizationSettings, Regions, Settings};
use crate::plan::{Plan, PlannedAccount};

/// Everything decided before the first RDS call: credentials per account and the targets.
pub struct Prepared {
    pub aws: Arc<AwsContext>,
    pub plan: Plan,
    /// Accounts that would not list their enabled regions (standard regions used instead).
    pub warnings: Vec<AccountWarning>,
    /// The ids a snapshot may be shared with without leaving the fold: every account the
    /// accounts file names and, with discovery, every ACTIVE account of the organization,
    /// whatever `--account`, `include_ous` and `exclude` leave out of this run.
    pub organization_accounts: Vec<String>,
}

/// The plan, when building it needs no AWS call: no organization to discover and no account
/// asking for its enabled regions. `None` otherwise.
pub fn plan_without_aws(settings: &Settings) -> anyhow::Result<Option<Plan>> {
    if settings.accounts.organization.is_some() {
        return Ok(None);
    }
    let accounts = accounts::select(&settings.accounts, &[])?;
    let planned: Option<Vec<PlannedAccount>> = accounts
        .into_iter()
        .map(|account| match &account.regions {
            Regions::Listed(regions) => Some(PlannedAccount {
                regions: regions.clone(),
                spec: account,
            }),
            Regions::Enabled => None,
        })
        .collect();
    Ok(planned.map(|p| Plan::new(p).with_kinds(&settings.kinds)))
}

/// Base config -> discovered accounts -> one credential per account -> resolved regions.
/// Warnings from AWS calls during and after preparing (AssumeRole, joined calls) go to `warn`.
pub async fn prepare(settings: &Settings, warn: WarningSink) -> anyhow::Result<Prepared> {
    let rules = &settings.accounts;
    let mut organization_accounts: Vec<String> =
        rules.explicit.iter().map(|a| a.id.clone()).collect();
    let (base, base_credentials, accounts) = match &rules.organization {
        None => {
            // Without discovery the accounts, and a bad --account, are known before any call.
            let accounts = accounts::select(rules, &[])?;
            let fallback = aws::fallback_region(accounts.iter().map(|a| &a.regions));
            let (base, base_credentials) = load_base(settings, fallback).await?;
            (base, base_credentials, accounts)
        }
        Some(org) => {
            let regions = rules
                .region_override
                .as_ref()
                .or(rules.defaults.regions.as_ref());
            let fallback = aws::fallback_region(regions);
            let (base, base_credentials) = load_base(settings, fallback).await?;
            let found = discover::discover_accounts(&base, org).await?;
            if found.is_empty() {
                // An empty inventory would look like a clean run to cron.
                anyhow::bail!(
                    "organization discovery found no ACTIVE accounts (after include_ous and exclude); is the base identity in the organization's management account?"
                );
            }
            let accounts = accounts::select(rules, &found)?;
            organization_accounts.extend(found.into_iter().map(|a| a.id));
            if !org.include_ous.is_empty() || !org.exclude.is_empty() {
                // Accounts left out of the run are still ours. If the whole list is refused,
                // the discovered ones stand in for it.
                let whole = OrganizationSettings {
                    include_ous: Vec::new(),
                    exclude: Vec::new(),
                    ..org.clone()
                };
                if let Ok(all) = discover::discover_accounts(&base, &whole).await {
                    organization_accounts.extend(all.into_iter().map(|a| a.id));
                }
            }
            (base, base_credentials, accounts)
        }
    };
    let options = aws_options(settings);
    let aws = Arc::new(AwsContext::new(
        base,
        base_credentials,
        &accounts,
        &options,
        warn,
    ));
    let (planned, warnings) = resolve_regions(&aws, accounts, settings.concurrency).await;
    Ok(Prepared {
        aws,
        plan: Plan::new(planned).with_kinds(&settings.kinds),
        warnings,
        organization_accounts,
    })
}

/// The AWS layer's part of the settings.
fn aws_options(settings: &Settings) -> AwsOptions {
    AwsOptions {
        profile: settings.profile.clone(),
        endpoint_url: settings.endpoint_url.clone(),
        concurrency: settings.concurrency,
        max_attempts: settings.max_attempts,
        initial_backoff: settings.initial_backoff,
        call_timeout: settings.call_timeout,
    }
}

async fn load_base(
    settings: &Settings,
    fallback: Region,
) -> anyhow::Result<(SdkConfig, Arc<BaseCredentials>)> {
    let base = aws::load_base_config(&aws_options(settings), fallback).await?;
    let credentials = BaseCredentials::load(&base, settings.profile.as_deref()).await?;
    Ok((base, credentials))
}

/// Each account's regions; accounts with `regions = ["enabled"]` are asked once each, a few
/// at a time, with the account's own role.
async fn resolve_regions(
    aws: &Arc<AwsContext>,
    accounts: Vec<Arc<AccountSpec>>,
    concurrency: usize,
) -> (Vec<PlannedAccount>, Vec<AccountWarning>) {
    let lookups = accounts.into_iter().map(|account| {
        let aws = Arc::clone(aws);
        async move {
            let regions = match &account.regions {
                Regions::Listed(regions) => Ok(regions.clone()),
                Regions::Enabled => {
                    let (_, credentials) = aws.credentials(&account).current();
                    discover::enabled_regions(aws.base(), credentials).await
                }
            };
            (account, regions)
        }
    });
    // `buffered` keeps the accounts in order.
    let found: Vec<_> = futures::stream::iter(lookups)
        .buffered(concurrency)
        .collect()
        .await;
    let mut warnings = Vec::new();
    let planned = found
        .into_iter()
        .map(|(account, result)| {
            let regions = match result {
                Ok(regions) => regions,
                Err(failure) => {
                    // A role that cannot be assumed is reported with its targets, once;
                    // anything else (ListRegions denied) falls back to the standard regions.
                    if failure.phase == Phase::Describe {
                        warnings.push(AccountWarning {
                            account: Arc::clone(&account),
                            failure: CallFailure {
                                phase: Phase::ListRegions,
                                ..failure
                            },
                        });
                    }
                    Regions::standard().listed().to_vec()
                }
            };
            PlannedAccount {
                spec: account,
                regions,
            }
        })
        .collect();
    (planned, warnings)
}
