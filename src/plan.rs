//! The run's accounts, each with its resolved regions -> the list of (account, region)
//! targets. No AWS types here.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::accounts::AccountSpec;
use crate::record::ResourceKind;

/// An account with the regions it will be listed in (`enabled` already resolved).
#[derive(Debug, Clone)]
pub struct PlannedAccount {
    pub spec: Arc<AccountSpec>,
    pub regions: Vec<String>,
}

/// One unit of work: list every DB instance of one account in one region.
#[derive(Debug, Clone)]
pub struct Target {
    /// Position in [`Plan::targets`].
    pub index: usize,
    /// The same `Arc` as the account's credentials are keyed by.
    pub account: Arc<AccountSpec>,
    /// Shared by every target in the region: an organization-wide plan has 17 per account.
    pub region: Arc<str>,
    /// The account's first target, which lists the account-wide kinds (once per account).
    pub lists_account_kinds: bool,
}

/// Every target of a run, interleaved across accounts (each account's first region, then
/// each account's second...): account by account, one account's regions would all wait on
/// its one AssumeRole while holding concurrency slots.
#[derive(Debug, Clone)]
pub struct Plan {
    pub accounts: Vec<PlannedAccount>,
    /// Shared with the fetch, which outlives no part of the run.
    pub targets: Arc<[Target]>,
    /// The kinds every target lists, in order.
    pub kinds: Arc<[ResourceKind]>,
}

impl Plan {
    /// The same plan listing `kinds` in every target.
    pub fn with_kinds(self, kinds: &[ResourceKind]) -> Plan {
        Plan {
            kinds: Arc::from(kinds),
            ..self
        }
    }

    pub fn new(accounts: Vec<PlannedAccount>) -> Plan {
        let rounds = accounts.iter().map(|a| a.regions.len()).max().unwrap_or(0);
        let mut names: HashMap<&str, Arc<str>> = HashMap::new();
        let targets = (0..rounds)
            .flat_map(|round| {
                accounts.iter().filter_map(move |account| {
                    Some((round, &account.spec, account.regions.get(round)?))
                })
            })
            .enumerate()
            .map(|(index, (round, account, region))| Target {
                index,
                lists_account_kinds: round == 0,
                account: Arc::clone(account),
                region: Arc::clone(
                    names
                        .entry(region)
                        .or_insert_with(|| region.as_str().into()),
                ),
            })
            .collect();
        Plan {
            accounts,
            targets,
            kinds: Arc::from([ResourceKind::INSTANCES]),
        }
    }
}

/// One line of `rds-inventory plan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRow {
    pub account_id: String,
    pub account_name: String,
    pub region: String,
    pub role_arn: String,
    pub external_id: bool,
    /// The kinds listed in this target, e.g. `instances,clusters`.
    pub kinds: String,
    /// With `plan --check`: "ok" or the AssumeRole error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assume_role: Option<String>,
}

impl PlanRow {
    /// One row per target, grouped by account in plan order; `checks` holds
    /// (account id, AssumeRole result) from `--check`.
    pub fn all(plan: &Plan, checks: &[(String, Result<(), String>)]) -> Vec<PlanRow> {
        let kinds: Vec<&str> = plan.kinds.iter().map(|k| k.name()).collect();
        let kinds = kinds.join(",");
        plan.accounts
            .iter()
            .flat_map(|a| a.regions.iter().map(move |region| (&a.spec, region)))
            .map(|(account, region)| PlanRow {
                account_id: account.id.clone(),
                account_name: account.name.clone(),
                region: region.clone(),
                role_arn: account.role_arn.clone(),
                external_id: account.external_id.is_some(),
                kinds: kinds.clone(),
                assume_role: checks
                    .iter()
                    .find(|(id, _)| *id == account.id)
                    .map(|(_, result)| match result {
                        Ok(()) => "ok".to_string(),
                        Err(e) => format!("failed: {e}"),
                    }),
            })
            .collect()
    }

    /// The header and cells of the plan table; the assume-role column only after `--check`.
    pub fn table(rows: &[PlanRow]) -> (Vec<&'static str>, Vec<Vec<String>>) {
        let with_check = rows.iter().any(|r| r.assume_role.is_some());
        let mut header = vec![
            "ACCOUNT ID",
            "NAME",
            "REGION",
            "ROLE ARN",
            "EXTERNAL ID",
            "KINDS",
        ];
        if with_check {
            header.push("ASSUME ROLE");
        }
        let cells = rows
            .iter()
            .map(|r| {
                let mut row = vec![
                    r.account_id.clone(),
                    r.account_name.clone(),
                    r.region.clone(),
                    r.role_arn.clone(),
                    if r.external_id { "yes" } else { "no" }.to_string(),
                    r.kinds.clone(),
                ];
                if with_check {
                    row.push(r.assume_role.clone().unwrap_or_default());
                }
                row
            })
            .collect();
        (header, cells)
    }
}

/// The plan as NDJSON, for pipes.
pub fn render_ndjson(rows: &[PlanRow]) -> String {
    rows.iter()
        .filter_map(|r| serde_json::to_string(r).ok())
        .map(|line| line + "\n")
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A plan of these accounts, each listed in its own regions.
    pub fn plan_of(accounts: &[AccountSpec]) -> Plan {
        Plan::new(
            accounts
                .iter()
                .map(|a| PlannedAccount {
                    regions: a.regions.listed().to_vec(),
                    spec: Arc::new(a.clone()),
                })
                .collect(),
        )
    }

    fn account(id: &str, regions: &[&str]) -> AccountSpec {
        AccountSpec::for_tests(id, &format!("n{id}"), regions)
    }

    #[test]
    fn every_account_region_pair_once_interleaved_across_accounts() {
        let plan = plan_of(&[
            account("111111111111", &["us-east-1", "eu-west-1"]),
            account("222222222222", &["eu-west-1"]),
        ]);
        let pairs: Vec<(&str, &str)> = plan
            .targets
            .iter()
            .map(|t| (t.account.id.as_str(), &*t.region))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("111111111111", "us-east-1"),
                ("222222222222", "eu-west-1"),
                ("111111111111", "eu-west-1"),
            ]
        );
    }

    #[test]
    fn plan_rows_show_the_kinds_of_every_target() {
        let plan = plan_of(&[account("111111111111", &["us-east-1"])]);
        let rows = PlanRow::all(&plan, &[]);
        assert_eq!(rows[0].kinds, "instances", "the default kind");
        let plan = plan.with_kinds(&crate::record::kinds::ALL);
        let rows = PlanRow::all(&plan, &[]);
        assert_eq!(
            rows[0].kinds,
            "instances,clusters,snapshots,cluster-snapshots,automated-backups,cluster-automated-backups,proxies,blue-green-deployments,global-clusters,parameter-groups,cluster-parameter-groups"
        );
        let (header, cells) = PlanRow::table(&rows);
        assert_eq!(header.last(), Some(&"KINDS"));
        assert_eq!(
            cells[0].last().map(String::as_str),
            Some("instances,clusters,snapshots,cluster-snapshots,automated-backups,cluster-automated-backups,proxies,blue-green-deployments,global-clusters,parameter-groups,cluster-parameter-groups")
        );
        assert!(render_ndjson(&rows)
            .contains(r#""kinds":"instances,clusters,snapshots,cluster-snapshots,automated-backups,cluster-automated-backups,proxies,blue-green-deployments,global-clusters,parameter-groups,cluster-parameter-groups""#));
    }

    #[test]
    fn targets_share_the_accounts_arc() {
        let plan = plan_of(&[account("111111111111", &["us-east-1", "eu-west-1"])]);
        assert!(plan
            .targets
            .iter()
            .all(|t| Arc::ptr_eq(&t.account, &plan.accounts[0].spec)));
    }

    #[test]
    fn plan_rows_are_grouped_by_account_with_check_results() {
        let mut with_external = account("222222222222", &["eu-west-1"]);
        with_external.external_id = Some("x".into());
        let plan = plan_of(&[
            account("111111111111", &["us-east-1", "eu-west-1"]),
            with_external,
        ]);
        let checks = vec![
            ("111111111111".to_string(), Ok(())),
            (
                "222222222222".to_string(),
                Err("AccessDenied: no".to_string()),
            ),
        ];
        let rows = PlanRow::all(&plan, &checks);
        let regions: Vec<&str> = rows.iter().map(|r| r.region.as_str()).collect();
        assert_eq!(regions, ["us-east-1", "eu-west-1", "eu-west-1"]);
        assert_eq!(rows[0].assume_role.as_deref(), Some("ok"));
        assert_eq!(
            rows[2].assume_role.as_deref(),
            Some("failed: AccessDenied: no")
        );
        let (header, cells) = PlanRow::table(&rows);
        assert_eq!(header.last(), Some(&"ASSUME ROLE"));
        assert_eq!(cells[2][4], "yes");
    }

    #[test]
    fn ndjson_rows_omit_the_check_when_not_asked() {
        let plan = plan_of(&[account("111111111111", &["us-east-1"])]);
        let ndjson = render_ndjson(&PlanRow::all(&plan, &[]));
        let row: serde_json::Value = serde_json::from_str(ndjson.trim_end()).expect("json");
        assert_eq!(row["role_arn"], "arn:aws:iam::111111111111:role/R");
        assert_eq!(row["external_id"], false);
        assert!(row.get("assume_role").is_none(), "{ndjson}");
    }

    #[test]
    fn no_accounts_no_targets() {
        assert!(Plan::new(Vec::new()).targets.is_empty());
    }
}
