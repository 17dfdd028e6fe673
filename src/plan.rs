//! Settings -> the list of (account, region) targets. No AWS types here.

use std::sync::Arc;

use crate::config::AccountSpec;

/// One unit of work: list every DB instance of one account in one region.
#[derive(Debug, Clone)]
pub struct Target {
    /// Index into [`Plan::accounts`]; all regions of an account share its credentials.
    pub account_index: usize,
    pub account: Arc<AccountSpec>,
    pub region: String,
}

/// Every target of a run, account by account, so one account's regions run close together.
#[derive(Debug, Clone)]
pub struct Plan {
    pub accounts: Vec<Arc<AccountSpec>>,
    pub targets: Vec<Target>,
}

impl Plan {
    pub fn new(accounts: &[AccountSpec]) -> Plan {
        let accounts: Vec<Arc<AccountSpec>> = accounts.iter().cloned().map(Arc::new).collect();
        let targets = accounts
            .iter()
            .enumerate()
            .flat_map(|(account_index, account)| {
                account.regions.iter().map(move |region| Target {
                    account_index,
                    account: Arc::clone(account),
                    region: region.clone(),
                })
            })
            .collect();
        Plan { accounts, targets }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn account(id: &str, regions: &[&str]) -> AccountSpec {
        AccountSpec {
            id: id.into(),
            name: format!("n{id}"),
            role_arn: format!("arn:aws:iam::{id}:role/R"),
            external_id: None,
            session_name: "s".into(),
            session_duration: Duration::from_secs(3600),
            regions: regions.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn every_account_region_pair_once_in_account_order() {
        let plan = Plan::new(&[
            account("111111111111", &["us-east-1", "eu-west-1"]),
            account("222222222222", &["eu-west-1"]),
        ]);
        let pairs: Vec<(usize, &str, &str)> = plan
            .targets
            .iter()
            .map(|t| (t.account_index, t.account.id.as_str(), t.region.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                (0, "111111111111", "us-east-1"),
                (0, "111111111111", "eu-west-1"),
                (1, "222222222222", "eu-west-1"),
            ]
        );
        assert_eq!(plan.accounts.len(), 2);
    }

    #[test]
    fn no_accounts_no_targets() {
        assert!(Plan::new(&[]).targets.is_empty());
    }
}
