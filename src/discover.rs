//! Discovery before the plan: accounts from AWS Organizations (with the base identity) and
//! each account's enabled regions (Account API ListRegions, with the account's own role).

use std::collections::BTreeSet;

use anyhow::Context;
use aws_config::{Region, SdkConfig};
use aws_sdk_account::types::RegionOptStatus;
use aws_sdk_organizations::error::DisplayErrorContext;
use aws_sdk_organizations::types::{AccountState, AccountStatus};
use aws_sdk_rds::config::SharedCredentialsProvider;

use crate::aws::{classify, CallFailure};
use crate::config::{DiscoveredAccount, OrganizationSettings};

/// ACTIVE accounts of the organization (or of the listed OUs, searched recursively), minus
/// `exclude`. Any error is fatal: a partial account list would look like a complete inventory.
pub async fn discover_accounts(
    base: &SdkConfig,
    org: &OrganizationSettings,
) -> anyhow::Result<Vec<DiscoveredAccount>> {
    let client = aws_sdk_organizations::Client::new(base);
    let explain = "the base identity must be in the organization's management account or a delegated administrator, with organizations:ListAccounts (and ListAccountsForParent, ListOrganizationalUnitsForParent for include_ous)";
    let mut accounts = Vec::new();
    if org.include_ous.is_empty() {
        let mut pages = client.list_accounts().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page
                .map_err(|e| anyhow::anyhow!("{}", DisplayErrorContext(&e)))
                .with_context(|| format!("cannot list the organization's accounts ({explain})"))?;
            accounts.extend(page.accounts().iter().filter_map(active_account));
        }
    } else {
        // Breadth-first over the OU tree; BTreeSet keeps an OU reached twice from repeating.
        let mut pending: Vec<String> = org.include_ous.clone();
        let mut visited = BTreeSet::new();
        while let Some(parent) = pending.pop() {
            if !visited.insert(parent.clone()) {
                continue;
            }
            let mut pages = client
                .list_accounts_for_parent()
                .parent_id(&parent)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page
                    .map_err(|e| anyhow::anyhow!("{}", DisplayErrorContext(&e)))
                    .with_context(|| format!("cannot list the accounts of {parent} ({explain})"))?;
                accounts.extend(page.accounts().iter().filter_map(active_account));
            }
            let mut pages = client
                .list_organizational_units_for_parent()
                .parent_id(&parent)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page
                    .map_err(|e| anyhow::anyhow!("{}", DisplayErrorContext(&e)))
                    .with_context(|| format!("cannot list the OUs under {parent} ({explain})"))?;
                pending.extend(
                    page.organizational_units()
                        .iter()
                        .filter_map(|ou| ou.id().map(str::to_owned)),
                );
            }
        }
    }
    let mut seen = BTreeSet::new();
    accounts
        .retain(|a: &DiscoveredAccount| !org.exclude.contains(&a.id) && seen.insert(a.id.clone()));
    Ok(accounts)
}

/// An account that is ACTIVE (by the newer `State` or the older `Status` field).
fn active_account(account: &aws_sdk_organizations::types::Account) -> Option<DiscoveredAccount> {
    let active = match (account.state(), account.status()) {
        (Some(state), _) => *state == AccountState::Active,
        (None, Some(status)) => *status == AccountStatus::Active,
        (None, None) => false,
    };
    let id = account.id()?;
    active.then(|| DiscoveredAccount {
        id: id.to_owned(),
        name: account.name().unwrap_or_default().to_owned(),
    })
}

/// The regions enabled in one account (ENABLED and ENABLED_BY_DEFAULT), asked with the
/// account's own assumed-role credentials.
pub async fn enabled_regions(
    base: &SdkConfig,
    credentials: SharedCredentialsProvider,
) -> Result<Vec<String>, CallFailure> {
    let mut config = aws_sdk_account::config::Builder::from(base)
        // The Account API lives in us-east-1 for the commercial partition.
        .region(Region::from_static("us-east-1"));
    config.set_credentials_provider(Some(credentials));
    let client = aws_sdk_account::Client::from_conf(config.build());
    let mut pages = client
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .into_paginator()
        .send();
    let mut regions = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e))?;
        for region in page.regions() {
            let enabled = matches!(
                region.region_opt_status(),
                Some(RegionOptStatus::Enabled | RegionOptStatus::EnabledByDefault)
            );
            if let (true, Some(name)) = (enabled, region.region_name()) {
                regions.push(name.to_owned());
            }
        }
    }
    regions.sort();
    regions.dedup();
    Ok(regions)
}
