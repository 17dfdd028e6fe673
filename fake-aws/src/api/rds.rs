//! RDS `DescribeDBInstances`: pages of the lazily generated inventory, with per-target faults;
//! and the checks every RDS operation makes of its target first.

use super::shared::{caller_arn, error_reply, hang, reply, throttling_reply, with_request_id};
use super::shared::{Call, Caller, Reply, Shared, TargetFailure};
use super::shared::{TARGET_ACCESS_DENIED, TARGET_DISABLED, TARGET_HANGS, TARGET_MALFORMED};
use super::shared::{TARGET_STUCK, TARGET_TRUNCATED};
use crate::record_parts::partition;
use crate::rng::hash_parts;
use crate::xml;
use hyper::StatusCode;

const MAX_RECORDS_RANGE: std::ops::RangeInclusive<usize> = 20..=100;
const DEFAULT_MAX_RECORDS: usize = 100;
const MARKER_SALT: u64 = 0x3A;

pub(super) fn invalid_client_token(shared: &Shared, call: &Call) -> Reply {
    error_reply(
        shared,
        call.protocol,
        StatusCode::FORBIDDEN,
        call.protocol
            .pick("InvalidClientTokenId", "UnrecognizedClientException"),
        "The security token included in the request is invalid.",
    )
}

pub(super) fn invalid_parameter(shared: &Shared, call: &Call, message: &str) -> Reply {
    error_reply(
        shared,
        call.protocol,
        StatusCode::BAD_REQUEST,
        "InvalidParameterValue",
        message,
    )
}

/// 400 `InvalidParameterValue` for a Marker this target did not issue.
pub(super) fn bad_marker(shared: &Shared, call: &Call, marker: &str) -> Reply {
    invalid_parameter(
        shared,
        call,
        &format!("The parameter Marker is not a valid pagination token: {marker}"),
    )
}

fn marker_for(shared: &Shared, account_index: usize, region_index: usize, offset: usize) -> String {
    target_marker("m1", shared, account_index, region_index, offset)
}

/// `<prefix>-<offset>-<tag>`; the tag ties a marker to its target, so a marker reused
/// elsewhere is refused.
pub(super) fn target_marker(
    prefix: &str,
    shared: &Shared,
    account_index: usize,
    region_index: usize,
    offset: usize,
) -> String {
    let tag = hash_parts(&[
        shared.config.seed,
        account_index as u64,
        region_index as u64,
        MARKER_SALT,
    ]) & 0xffff;
    format!("{prefix}-{offset}-{tag:04x}")
}

/// The offset of a marker made by `target_marker` for this target, if it is one.
pub(super) fn parse_target_marker(
    prefix: &str,
    shared: &Shared,
    account_index: usize,
    region_index: usize,
    marker: &str,
) -> Option<usize> {
    let offset: usize = marker
        .strip_prefix(prefix)?
        .strip_prefix('-')?
        .split_once('-')?
        .0
        .parse()
        .ok()?;
    (target_marker(prefix, shared, account_index, region_index, offset) == marker).then_some(offset)
}

/// Why an RDS call stops before its operation runs.
pub(super) enum Refusal {
    Reply(Box<Reply>),
    Hang,
}

impl Refusal {
    pub(super) async fn answer(self, shared: &Shared) -> Reply {
        match self {
            Refusal::Reply(reply) => *reply,
            Refusal::Hang => hang(shared).await,
        }
    }
}

/// 403 `AccessDenied` for an RDS action, worded as IAM words it.
pub(super) fn access_denied(shared: &Shared, call: &Call, action: &str, account: &str) -> Reply {
    shared.counters.rds_access_denied();
    let region = &call.scope.region;
    error_reply(
        shared,
        call.protocol,
        StatusCode::FORBIDDEN,
        "AccessDenied",
        &format!(
            "User: {} is not authorized to perform: rds:{action} on resource: \
             arn:{}:rds:{region}:{account}:db:* because no identity-based policy allows the \
             rds:{action} action",
            caller_arn(shared, &call.caller),
            partition(region)
        ),
    )
}

/// The checks every RDS operation makes first, in order: an issued key, a served region,
/// a runtime failure, throttled targets, access-denied targets, `denied_operations`,
/// disabled regions. Gives the
/// target's (account, region) config indices.
pub(super) fn rds_target_checks(
    shared: &Shared,
    call: &Call,
    action: &str,
) -> Result<(usize, usize), Refusal> {
    let Caller::Issued { account_index, .. } = call.caller else {
        return Err(Refusal::Reply(Box::new(invalid_client_token(shared, call))));
    };
    let Some(&region_index) = shared.region_index.get(&call.scope.region) else {
        return Err(Refusal::Reply(Box::new(invalid_client_token(shared, call))));
    };
    let account = &shared.config.accounts[account_index];
    let target = Some((account_index, region_index));
    match shared.runtime_failure(account_index, region_index) {
        Some(TargetFailure::AccessDenied) => {
            return Err(Refusal::Reply(Box::new(access_denied(
                shared, call, action, account,
            ))))
        }
        Some(TargetFailure::Hang) => return Err(Refusal::Hang),
        Some(TargetFailure::Throttle) => {
            return Err(Refusal::Reply(Box::new(throttling_reply(
                shared,
                call.protocol,
                target,
            ))))
        }
        None => {}
    }
    if shared.target_throttled(account_index, region_index) {
        return Err(Refusal::Reply(Box::new(throttling_reply(
            shared,
            call.protocol,
            target,
        ))));
    }
    if shared.target_has(account_index, region_index, TARGET_ACCESS_DENIED) {
        return Err(Refusal::Reply(Box::new(access_denied(
            shared, call, action, account,
        ))));
    }
    if shared.config.operation_denied(action, account) {
        return Err(Refusal::Reply(Box::new(access_denied(
            shared, call, action, account,
        ))));
    }
    if shared.target_has(account_index, region_index, TARGET_DISABLED) {
        return Err(Refusal::Reply(Box::new(invalid_client_token(shared, call))));
    }
    Ok((account_index, region_index))
}

/// `MaxRecords` in 20..=100, absent meaning 100, as every RDS Describe call takes it.
pub(super) fn max_records(shared: &Shared, call: &Call) -> Result<usize, Box<Reply>> {
    match call.form_field("MaxRecords") {
        None => Ok(DEFAULT_MAX_RECORDS),
        Some(text) => match text.parse::<usize>() {
            Ok(records) if MAX_RECORDS_RANGE.contains(&records) => Ok(records),
            _ => Err(Box::new(invalid_parameter(
                shared,
                call,
                &format!("Invalid value {text} for MaxRecords. Must be between 20 and 100"),
            ))),
        },
    }
}

pub(super) async fn describe_db_instances(shared: &Shared, call: &Call) -> Reply {
    let (account_index, region_index) = match rds_target_checks(shared, call, "DescribeDBInstances")
    {
        Ok(target) => target,
        Err(refusal) => return refusal.answer(shared).await,
    };
    let max_records = match max_records(shared, call) {
        Ok(records) => records,
        Err(reply) => return *reply,
    };
    let generation = shared.generation();
    let count = shared
        .config
        .instance_count_in(generation, account_index, region_index);
    let offset = match call.form_field("Marker") {
        None => 0,
        Some(marker) => match parse_marker(shared, account_index, region_index, marker) {
            Some(offset) if offset <= count => offset,
            _ => return bad_marker(shared, call, marker),
        },
    };
    if shared.target_has(account_index, region_index, TARGET_HANGS) {
        return hang(shared).await;
    }

    let end = count.min(offset + max_records);
    let stuck = offset > 0 && shared.target_has(account_index, region_index, TARGET_STUCK);
    let next_marker = if stuck {
        // A broken server: the second page comes back with the Marker it was asked for.
        Some(marker_for(shared, account_index, region_index, offset))
    } else {
        (end < count).then(|| marker_for(shared, account_index, region_index, end))
    };
    let instances = (offset..end).map(|index| {
        shared
            .config
            .instance_in(generation, account_index, region_index, index)
    });
    let request_id = shared.request_id();
    let mut body = xml::describe_db_instances_response(
        instances,
        shared.config.complete_records,
        next_marker.as_deref(),
        &request_id,
    );
    damage_page(
        shared,
        (account_index, region_index),
        &mut body,
        ("DescribeDBInstancesResult", "DBInstance"),
        "StorageEncrypted",
    );
    with_request_id(reply(StatusCode::OK, "text/xml", body), &request_id)
}

/// One page of a target's listing of `len` records: the Marker sent (bound to the target by
/// `prefix`), hang targets held, and the next Marker (the same one again on stuck targets).
pub(super) struct Page {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) next_marker: Option<String>,
}

/// Reads `Marker` against `len` records and `page_size`; refuses a marker not issued for this
/// target, and holds hang targets (after the parameter checks, as for every operation).
pub(super) async fn target_page(
    shared: &Shared,
    call: &Call,
    (prefix, (account_index, region_index)): (&str, (usize, usize)),
    len: usize,
    page_size: usize,
) -> Result<Page, Reply> {
    let start = match call.form_field("Marker") {
        None => 0,
        Some(marker) => {
            match parse_target_marker(prefix, shared, account_index, region_index, marker) {
                Some(offset) if offset <= len => offset,
                _ => return Err(bad_marker(shared, call, marker)),
            }
        }
    };
    if shared.target_has(account_index, region_index, TARGET_HANGS) {
        return Err(hang(shared).await);
    }
    let marker_at = |offset| target_marker(prefix, shared, account_index, region_index, offset);
    let end = len.min(start + page_size);
    let stuck = start > 0 && shared.target_has(account_index, region_index, TARGET_STUCK);
    let next_marker = if stuck {
        Some(marker_at(start))
    } else {
        (end < len).then(|| marker_at(end))
    };
    Ok(Page {
        start,
        end,
        next_marker,
    })
}

/// `malformed_targets` and `truncated_targets`: cuts a page so that the SDK fails, or so
/// that it parses fewer records without error.
/// `boolean` names a boolean element of every record, where the malformed cut goes.
pub(super) fn damage_page(
    shared: &Shared,
    (account_index, region_index): (usize, usize),
    body: &mut String,
    (result, record): (&str, &str),
    boolean: &str,
) {
    if shared.target_has(account_index, region_index, TARGET_MALFORMED) {
        shared.counters.malformed();
        truncate_mid_element(body, result, boolean);
    } else if shared.target_has(account_index, region_index, TARGET_TRUNCATED) {
        shared.counters.malformed();
        truncate_after_first_record(body, record);
    }
}

fn parse_marker(
    shared: &Shared,
    account_index: usize,
    region_index: usize,
    marker: &str,
) -> Option<usize> {
    parse_target_marker("m1", shared, account_index, region_index, marker)
}

/// Cuts an answer right after the first complete `</{record}>`: well formed up to the cut,
/// no Marker. The SDK accepts this silently with fewer records, as it would a body a broken
/// proxy cut short; a careful client must notice.
fn truncate_after_first_record(body: &mut String, record: &str) {
    let closer = format!("</{record}>");
    if let Some(position) = body.find(&closer) {
        body.truncate(position + closer.len());
    }
}

/// Truncates an answer so that the SDK reports an error. The SDK's XML reader silently
/// accepts most truncations (it returns what it parsed up to the cut), so the cut goes
/// where it cannot: two letters into a `boolean` element of the middle record, or, on an
/// empty page (or an answer without one), in the middle of the `result` element's name.
fn truncate_mid_element(body: &mut String, result: &str, boolean: &str) {
    let boolean_opener = format!("<{boolean}>");
    let result_opener = format!("<{result}>");
    let half = body.len() / 2;
    let in_boolean = body[half..]
        .find(&boolean_opener)
        .map(|position| half + position)
        .or_else(|| body.find(&boolean_opener))
        .map(|position| position + boolean_opener.len() + 2);
    let in_result_name = body
        .find(&result_opener)
        .map(|position| position + result_opener.len() / 2);
    if let Some(cut) = in_boolean.or(in_result_name) {
        body.truncate(cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FakeConfig;

    #[test]
    fn markers_round_trip_and_are_bound_to_their_target() {
        let shared = Shared::new(FakeConfig::with_accounts(2));
        let marker = marker_for(&shared, 1, 0, 40);
        assert_eq!(parse_marker(&shared, 1, 0, &marker), Some(40));
        assert_eq!(parse_marker(&shared, 0, 0, &marker), None);
        assert_eq!(parse_marker(&shared, 1, 0, "m1-40"), None);
        assert_eq!(parse_marker(&shared, 1, 0, "garbage"), None);
    }

    #[test]
    fn truncation_cuts_into_a_boolean_or_the_result_name() {
        let mut page = "<R><DescribeDBInstancesResult><DBInstances><DBInstance><StorageEncrypted>\
                        true</StorageEncrypted></DBInstance></DBInstances></DescribeDBInstancesResult></R>"
            .to_string();
        truncate_mid_element(&mut page, "DescribeDBInstancesResult", "StorageEncrypted");
        assert!(page.ends_with("<StorageEncrypted>tr"), "{page}");
        let mut empty_page =
            "<R><DescribeDBInstancesResult><DBInstances></DBInstances></DescribeDBInstancesResult></R>"
                .to_string();
        truncate_mid_element(
            &mut empty_page,
            "DescribeDBInstancesResult",
            "StorageEncrypted",
        );
        assert_eq!(empty_page, "<R><DescribeDBIn");
    }
}
