//! Account `ListRegions` (REST-JSON): each account's regions and their opt status.

use super::shared::{
    caller_arn, error_reply, json_reply, with_request_id, Call, Caller, Reply, Shared,
};
use crate::config::FakeConfig;
use hyper::StatusCode;
use serde_json::{json, Value};

const MAX_LIST_REGIONS_RESULTS: i64 = 50;
/// Regions AWS enables only on opt-in; all others are `ENABLED_BY_DEFAULT`.
const OPT_IN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];
/// Opt-in regions every account reports `DISABLED` (unless served), as real accounts do.
const ALWAYS_DISABLED_REGIONS: &[&str] = &["af-south-1", "me-south-1"];

/// The account ListRegions reports on: `AccountId` if given, else the caller's own.
pub(super) fn list_regions_account(shared: &Shared, call: &Call, caller: &Caller) -> Option<usize> {
    match call.json().get("AccountId").and_then(Value::as_str) {
        Some(account) => shared.account_index.get(account).copied(),
        None => match caller {
            Caller::Issued { account_index, .. } => Some(*account_index),
            Caller::Base => None,
        },
    }
}

const REGION_OPT_STATUSES: &[&str] = &[
    "ENABLED",
    "ENABLING",
    "DISABLING",
    "DISABLED",
    "ENABLED_BY_DEFAULT",
];

pub(super) fn list_regions(shared: &Shared, call: &Call) -> Reply {
    let validation = |message: &str| {
        error_reply(
            shared,
            call.protocol,
            StatusCode::BAD_REQUEST,
            "ValidationException",
            message,
        )
    };
    let params = call.json();
    let requested_account = params.get("AccountId").and_then(Value::as_str);
    let account = match (
        requested_account,
        list_regions_account(shared, call, &call.caller),
    ) {
        (_, Some(index)) => Some(shared.config.accounts[index].as_str()),
        (Some(unknown), None) => {
            return error_reply(
                shared,
                call.protocol,
                StatusCode::FORBIDDEN,
                "AccessDeniedException",
                &format!("Account {unknown} is not a member of your organization."),
            )
        }
        // A base identity asking about itself: a management account with every region on.
        (None, None) => None,
    };
    if let Some(account) = account.filter(|a| shared.config.list_regions_denied.contains(*a)) {
        let caller_arn = caller_arn(shared, &call.caller);
        return error_reply(
            shared,
            call.protocol,
            StatusCode::FORBIDDEN,
            "AccessDeniedException",
            &format!(
                "User: {caller_arn} is not authorized to perform: account:ListRegions on resource: \
                 arn:aws:account::{account}:account"
            ),
        );
    }

    let wanted_statuses: Option<Vec<&str>> = match params.get("RegionOptStatusContains") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => {
            let statuses: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
            match statuses {
                Some(statuses) if statuses.iter().all(|s| REGION_OPT_STATUSES.contains(s)) => {
                    Some(statuses)
                }
                _ => return validation("RegionOptStatusContains holds an unknown status."),
            }
        }
        Some(_) => return validation("RegionOptStatusContains must be a list."),
    };
    let page_size = match params.get("MaxResults") {
        None | Some(Value::Null) => usize::MAX,
        Some(value) => match value.as_i64() {
            Some(size) if (1..=MAX_LIST_REGIONS_RESULTS).contains(&size) => size as usize,
            _ => return validation("MaxResults must be between 1 and 50."),
        },
    };

    let mut regions = region_statuses(&shared.config, account);
    if let Some(wanted) = &wanted_statuses {
        regions.retain(|(_, status)| wanted.contains(status));
    }
    let offset = match params.get("NextToken") {
        None | Some(Value::Null) => 0,
        Some(token) => match token
            .as_str()
            .and_then(|t| t.strip_prefix("r1-"))
            .and_then(|t| t.parse::<usize>().ok())
        {
            Some(offset) if offset <= regions.len() => offset,
            _ => return validation("NextToken is not valid."),
        },
    };
    let end = regions.len().min(offset.saturating_add(page_size));
    let page: Vec<Value> = regions[offset..end]
        .iter()
        .map(|(name, status)| json!({ "RegionName": name, "RegionOptStatus": status }))
        .collect();
    let next_token = (end < regions.len()).then(|| format!("r1-{end}"));
    let request_id = shared.request_id();
    with_request_id(
        json_reply(
            StatusCode::OK,
            &json!({ "Regions": page, "NextToken": next_token }),
        ),
        &request_id,
    )
}

/// Every region the account knows about, sorted by name, with its opt status.
fn region_statuses(config: &FakeConfig, account: Option<&str>) -> Vec<(String, &'static str)> {
    let is_disabled = |region: &str| {
        account.is_some_and(|account| {
            config
                .disabled_regions
                .contains(&(account.to_string(), region.to_string()))
        })
    };
    let mut statuses: Vec<(String, &'static str)> = config
        .regions
        .iter()
        .map(|region| {
            let status = if is_disabled(region) {
                "DISABLED"
            } else if OPT_IN_REGIONS.contains(&region.as_str()) {
                "ENABLED"
            } else {
                "ENABLED_BY_DEFAULT"
            };
            (region.clone(), status)
        })
        .collect();
    let unserved_disabled = config
        .disabled_regions
        .iter()
        .filter(|(a, _)| Some(a.as_str()) == account)
        .map(|(_, region)| region.as_str())
        .chain(ALWAYS_DISABLED_REGIONS.iter().copied());
    for region in unserved_disabled {
        if !statuses.iter().any(|(name, _)| name == region) {
            statuses.push((region.to_string(), "DISABLED"));
        }
    }
    statuses.sort();
    statuses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_statuses_mark_disabled_and_opt_in_regions() {
        let mut config = FakeConfig::with_accounts(1);
        config.regions = vec!["us-east-1".into(), "eu-south-1".into(), "eu-west-1".into()];
        let account = config.accounts[0].clone();
        config
            .disabled_regions
            .insert(FakeConfig::target(&account, "eu-west-1"));
        config
            .disabled_regions
            .insert(FakeConfig::target(&account, "ap-east-1"));
        let statuses = region_statuses(&config, Some(&account));
        let status_of = |name: &str| {
            statuses
                .iter()
                .find(|(region, _)| region == name)
                .map(|(_, status)| *status)
        };
        assert_eq!(status_of("us-east-1"), Some("ENABLED_BY_DEFAULT"));
        assert_eq!(status_of("eu-south-1"), Some("ENABLED"));
        assert_eq!(status_of("eu-west-1"), Some("DISABLED"));
        assert_eq!(status_of("ap-east-1"), Some("DISABLED"));
        assert_eq!(status_of("af-south-1"), Some("DISABLED"));
        assert_eq!(
            region_statuses(&config, None)
                .iter()
                .filter(|(_, s)| *s == "DISABLED")
                .count(),
            ALWAYS_DISABLED_REGIONS.len()
        );
    }
}
