//! Discovery before the plan: accounts from AWS Organizations (with the base identity) and
//! each account's enabled regions (Account API ListRegions, with the account's own role).

use std::collections::BTreeSet;

use aws_config::{Region, SdkConfig};
use aws_sdk_account::types::RegionOptStatus;
use aws_sdk_organizations::types::{AccountState, AccountStatus};
use aws_sdk_rds::config::SharedCredentialsProvider;

use aws_smithy_async::future::pagination_stream::PaginationStream;

use super::{classify, error_chain_text, CallFailure};
use crate::accounts::DiscoveredAccount;
use crate::config::OrganizationSettings;

/// ACTIVE accounts of the organization (or of the listed OUs, searched recursively), minus
/// `exclude`. Any error is fatal: a partial account list would look like a complete inventory.
pub async fn discover_accounts(
    base: &SdkConfig,
    org: &OrganizationSettings,
) -> anyhow::Result<Vec<DiscoveredAccount>> {
    let client = aws_sdk_organizations::Client::new(base);
    let mut accounts = Vec::new();
    let mut keep = |page: &[aws_sdk_organizations::types::Account]| {
        accounts.extend(page.iter().filter_map(active_account))
    };
    if org.include_ous.is_empty() {
        let pages = client.list_accounts().into_paginator().send();
        every_page(pages, |p| keep(p.accounts()))
            .await
            .map_err(|e| listing_failed("the organization's accounts", e))?;
    } else {
        // Depth-first over the OU tree; `visited` keeps an OU reached twice from repeating.
        let mut pending: Vec<String> = org.include_ous.clone();
        let mut visited = BTreeSet::new();
        while let Some(parent) = pending.pop() {
            if !visited.insert(parent.clone()) {
                continue;
            }
            let pages = client
                .list_accounts_for_parent()
                .parent_id(&parent)
                .into_paginator()
                .send();
            every_page(pages, |p| keep(p.accounts()))
                .await
                .map_err(|e| listing_failed(&format!("the accounts of {parent}"), e))?;
            let pages = client
                .list_organizational_units_for_parent()
                .parent_id(&parent)
                .into_paginator()
                .send();
            every_page(pages, |p| {
                let ids = p.organizational_units().iter().filter_map(|ou| ou.id());
                pending.extend(ids.map(str::to_owned))
            })
            .await
            .map_err(|e| listing_failed(&format!("the OUs under {parent}"), e))?;
        }
    }
    let mut seen = BTreeSet::new();
    accounts
        .retain(|a: &DiscoveredAccount| !org.exclude.contains(&a.id) && seen.insert(a.id.clone()));
    Ok(accounts)
}

/// A failed Organizations call, with what the base identity needs.
fn listing_failed(what: &str, error: impl std::error::Error + 'static) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot list {what} (the base identity must be in the organization's management account or a delegated administrator, with organizations:ListAccounts (and ListAccountsForParent, ListOrganizationalUnitsForParent for include_ous)): {}",
        error_chain_text(&error)
    )
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
    let pages = client
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .into_paginator()
        .send();
    let mut regions = Vec::new();
    every_page(pages, |page| {
        for region in page.regions() {
            let enabled = matches!(
                region.region_opt_status(),
                Some(RegionOptStatus::Enabled | RegionOptStatus::EnabledByDefault)
            );
            if let (true, Some(name)) = (enabled, region.region_name()) {
                regions.push(name.to_owned());
            }
        }
    })
    .await
    .map_err(|e| classify(&e))?;
    regions.sort();
    regions.dedup();
    Ok(regions)
}

/// Feeds every page of a paginated call to `each`; stops at the first error.
async fn every_page<P, E>(
    mut pages: PaginationStream<Result<P, E>>,
    mut each: impl FnMut(P),
) -> Result<(), E> {
    while let Some(page) = pages.next().await {
        each(page?);
    }
    Ok(())
}
