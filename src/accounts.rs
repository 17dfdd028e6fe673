//! The accounts of a run: the file's entries merged over the accounts discovered in AWS
//! Organizations, `--region` applied and `--account` kept. Decided once per run.

use std::sync::Arc;
use std::time::Duration;

use crate::config::{AccountRules, ExplicitAccount, Regions, UsageError};

/// One account to inventory, with everything needed to assume its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    pub id: String,
    pub name: String,
    /// `aws`, `aws-us-gov`, `aws-cn`...: from the account's regions (`aws` for `enabled`).
    pub partition: &'static str,
    pub role_arn: String,
    pub external_id: Option<String>,
    pub session_name: String,
    pub session_duration: Duration,
    pub regions: Regions,
}

#[cfg(test)]
impl AccountSpec {
    /// A minimal account for unit tests: role `R`, no external id, these regions.
    pub fn for_tests(id: &str, name: &str, regions: &[&str]) -> AccountSpec {
        AccountSpec {
            id: id.into(),
            name: name.into(),
            partition: "aws",
            role_arn: format!("arn:aws:iam::{id}:role/R"),
            external_id: None,
            session_name: "s".into(),
            session_duration: Duration::from_secs(3600),
            regions: Regions::Listed(regions.iter().map(|r| r.to_string()).collect()),
        }
    }
}

/// An account found in AWS Organizations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredAccount {
    pub id: String,
    pub name: String,
}

/// The run's accounts: explicit entries first (file order), then discovered accounts not
/// listed explicitly; an explicit entry overrides a discovered account field by field.
pub fn select(
    rules: &AccountRules,
    discovered: &[DiscoveredAccount],
) -> Result<Vec<Arc<AccountSpec>>, UsageError> {
    let found = |id: &str| discovered.iter().find(|d| d.id == id);
    let explicit = rules.explicit.iter().map(|e| merge(rules, e, found(&e.id)));
    let only_discovered = discovered
        .iter()
        .filter(|d| !rules.explicit.iter().any(|e| e.id == d.id))
        .map(|d| from_discovery(rules, d));
    let accounts: Vec<AccountSpec> = explicit.chain(only_discovered).collect();
    let matches = |a: &AccountSpec, wanted: &String| &a.id == wanted || &a.name == wanted;
    if let Some(unknown) = rules
        .filter
        .iter()
        .find(|w| !accounts.iter().any(|a| matches(a, w)))
    {
        let or_org = if rules.organization.is_some() {
            " or the organization"
        } else {
            ""
        };
        return Err(UsageError(format!(
            "--account {unknown:?} matches no account id or name in {}{or_org}",
            rules.source.display()
        )));
    }
    Ok(accounts
        .into_iter()
        .filter(|a| rules.filter.is_empty() || rules.filter.iter().any(|w| matches(a, w)))
        .map(Arc::new)
        .collect())
}

/// An account's regions: `--region`, else the entry's, else the file's.
fn regions(rules: &AccountRules, entry: Option<&ExplicitAccount>) -> Regions {
    rules
        .region_override
        .clone()
        .or_else(|| entry.and_then(|e| e.regions.clone()))
        .or_else(|| rules.defaults.regions.clone())
        // Validated with the file: an entry without regions has file defaults.
        .unwrap_or(Regions::Listed(Vec::new()))
}

/// The partition of validated regions (one per list, checked at load time).
fn partition(regions: &Regions) -> &'static str {
    regions.partition().ok().flatten().unwrap_or("aws")
}

/// The role of an account: an explicit ARN as written, else `role_name` (the entry's, the
/// organization's for discovered accounts, or the file's) in the account's partition.
fn role_arn(
    rules: &AccountRules,
    id: &str,
    partition: &str,
    entry: Option<&ExplicitAccount>,
    discovered: bool,
) -> String {
    if let Some(arn) = entry.and_then(|e| e.role_arn.clone()) {
        return arn;
    }
    let explicit_name = entry.and_then(|e| e.role_name.as_ref());
    let name = match (explicit_name, &rules.organization) {
        (Some(name), _) => name,
        (None, Some(org)) if discovered => &org.role_name,
        _ => &rules.defaults.role_name,
    };
    format!("arn:{partition}:iam::{id}:role/{name}")
}

fn merge(
    rules: &AccountRules,
    entry: &ExplicitAccount,
    discovered: Option<&DiscoveredAccount>,
) -> AccountSpec {
    let defaults = &rules.defaults;
    let regions = regions(rules, Some(entry));
    let partition = partition(&regions);
    AccountSpec {
        id: entry.id.clone(),
        name: entry
            .name
            .clone()
            .or_else(|| discovered.map(|d| d.name.clone()))
            .unwrap_or_else(|| entry.id.clone()),
        partition,
        role_arn: role_arn(
            rules,
            &entry.id,
            partition,
            Some(entry),
            discovered.is_some(),
        ),
        external_id: entry
            .external_id
            .clone()
            .or_else(|| defaults.external_id.clone()),
        session_name: entry
            .session_name
            .clone()
            .unwrap_or_else(|| defaults.session_name.clone()),
        session_duration: defaults.session_duration,
        regions,
    }
}

fn from_discovery(rules: &AccountRules, found: &DiscoveredAccount) -> AccountSpec {
    let defaults = &rules.defaults;
    let regions = regions(rules, None);
    let partition = partition(&regions);
    AccountSpec {
        id: found.id.clone(),
        name: if found.name.is_empty() {
            found.id.clone()
        } else {
            found.name.clone()
        },
        partition,
        role_arn: role_arn(rules, &found.id, partition, None, true),
        external_id: defaults.external_id.clone(),
        session_name: defaults.session_name.clone(),
        session_duration: defaults.session_duration,
        regions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_settings::{settings, GOOD};

    fn accounts(args: &[&str], text: &str, found: &[DiscoveredAccount]) -> Vec<Arc<AccountSpec>> {
        let s = settings(args, text).expect("settings");
        select(&s.accounts, found).expect("accounts")
    }

    #[test]
    fn good_file_resolves_every_default() {
        let accounts = accounts(&[], GOOD, &[]);
        assert_eq!(accounts.len(), 2);
        let prod = &accounts[0];
        assert_eq!(prod.name, "prod");
        assert_eq!(prod.role_arn, "arn:aws:iam::111111111111:role/Inventory");
        assert_eq!(prod.regions.listed(), ["us-east-1", "eu-west-1"]);
        assert_eq!(prod.external_id.as_deref(), Some("shared-secret-id"));
        assert_eq!(prod.session_name, "rds-inventory");
        assert_eq!(prod.session_duration, Duration::from_secs(5400));
        let other = &accounts[1];
        assert_eq!(other.name, "222222222222", "name defaults to the id");
        assert_eq!(other.role_arn, "arn:aws:iam::222222222222:role/team/Custom");
        assert_eq!(other.regions.listed(), ["eu-west-1"]);
        assert_eq!(other.external_id.as_deref(), Some("other-id"));
    }

    #[test]
    fn region_flag_replaces_file_regions() {
        let found = accounts(&["-r", "ap-south-1", "-r", "ap-south-1"], GOOD, &[]);
        assert!(found.iter().all(|a| a.regions.listed() == ["ap-south-1"]));
        let found = accounts(&["-r", "enabled"], GOOD, &[]);
        assert!(found.iter().all(|a| a.regions == Regions::Enabled));
    }

    #[test]
    fn role_arns_follow_the_partition_of_the_regions() {
        let text = |regions: &str| {
            format!(
                "regions = [{regions}]\nrole_name = \"R\"\n[[accounts]]\nid = \"111111111111\"\n"
            )
        };
        let gov = accounts(&[], &text("\"us-gov-west-1\""), &[]);
        assert_eq!(gov[0].role_arn, "arn:aws-us-gov:iam::111111111111:role/R");
        assert_eq!(gov[0].partition, "aws-us-gov");
        let china = accounts(&[], &text("\"cn-north-1\", \"cn-northwest-1\""), &[]);
        assert_eq!(china[0].role_arn, "arn:aws-cn:iam::111111111111:role/R");
        let flag = accounts(&["-r", "us-gov-east-1"], &text("\"us-east-1\""), &[]);
        assert_eq!(flag[0].role_arn, "arn:aws-us-gov:iam::111111111111:role/R");
    }

    #[test]
    fn an_explicit_role_arn_is_kept_as_written() {
        let text = "regions = [\"cn-north-1\"]\n[[accounts]]\nid = \"111111111111\"\nrole_arn = \"arn:aws:iam::111111111111:role/X\"\n";
        assert_eq!(
            accounts(&[], text, &[])[0].role_arn,
            "arn:aws:iam::111111111111:role/X"
        );
    }

    #[test]
    fn a_region_flag_spanning_partitions_is_a_usage_error() {
        assert!(settings(&["-r", "us-east-1", "-r", "cn-north-1"], GOOD).is_err());
    }

    #[test]
    fn account_flag_keeps_accounts_by_name_or_id() {
        let by_name = accounts(&["-a", "prod"], GOOD, &[]);
        assert_eq!(by_name.len(), 1);
        assert_eq!(by_name[0].id, "111111111111");
        let by_id = accounts(&["-a", "222222222222"], GOOD, &[]);
        assert_eq!(by_id.len(), 1);
        assert_eq!(by_id[0].id, "222222222222");
    }

    #[test]
    fn unknown_account_flag_is_a_usage_error() {
        let s = settings(&["-a", "nobody"], GOOD).expect("settings");
        let err = select(&s.accounts, &[]).expect_err("no such account");
        assert!(err.0.contains("\"nobody\" matches no account"), "{err}");
    }

    const ORG: &str = r#"
regions = ["enabled"]
role_name = "Inventory"
external_id = "ext-default"

[organization]
enabled = true
role_name = "OrgInventory"
exclude = ["999999999999"]
include_ous = ["ou-ab12-cd34ef56"]

[[accounts]]
id = "222222222222"
name = "analytics-override"
regions = ["eu-west-1"]

[[accounts]]
id = "333333333333"
"#;

    fn discovered() -> Vec<DiscoveredAccount> {
        ["111111111111", "222222222222"]
            .iter()
            .map(|id| DiscoveredAccount {
                id: id.to_string(),
                name: format!("org-{id}"),
            })
            .collect()
    }

    #[test]
    fn explicit_entries_override_discovered_accounts_field_by_field() {
        let accounts = accounts(&[], ORG, &discovered());
        let ids: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["222222222222", "333333333333", "111111111111"]);
        let analytics = &accounts[0];
        assert_eq!(analytics.name, "analytics-override", "explicit name wins");
        assert_eq!(analytics.regions, Regions::Listed(vec!["eu-west-1".into()]));
        assert_eq!(
            analytics.role_arn,
            "arn:aws:iam::222222222222:role/OrgInventory"
        );
        assert_eq!(analytics.external_id.as_deref(), Some("ext-default"));
        let not_in_org = &accounts[1];
        assert_eq!(not_in_org.name, "333333333333");
        assert_eq!(
            not_in_org.role_arn,
            "arn:aws:iam::333333333333:role/Inventory"
        );
        let only_discovered = &accounts[2];
        assert_eq!(only_discovered.name, "org-111111111111");
        assert_eq!(only_discovered.regions, Regions::Enabled);
        assert_eq!(
            only_discovered.role_arn,
            "arn:aws:iam::111111111111:role/OrgInventory"
        );
    }

    #[test]
    fn organization_settings_come_from_the_table() {
        let s = settings(&[], ORG).expect("settings");
        let org = s.accounts.organization.expect("enabled");
        assert_eq!(org.role_name, "OrgInventory");
        assert_eq!(org.exclude, vec!["999999999999"]);
        assert_eq!(org.include_ous, vec!["ou-ab12-cd34ef56"]);
    }

    #[test]
    fn account_filter_applies_after_discovery() {
        let s = settings(&["-a", "org-111111111111"], ORG).expect("settings");
        let found = select(&s.accounts, &discovered()).expect("matches a discovered name");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "111111111111");
        let err = select(&s.accounts, &[]).expect_err("not discovered");
        assert!(err.0.contains("or the organization"), "{err}");
    }
}
