//! STS `AssumeRole`: issues credentials bound to an account, with an enforced expiry.

use super::shared::{
    caller_arn, error_reply, reply, with_request_id, Call, Reply, Session, Shared,
};
use crate::rng::{BASE64, UPPER_ALNUM};
use crate::time::{iso8601, unix_seconds};
use crate::xml::{self, IssuedRole};
use hyper::StatusCode;
use std::sync::PoisonError;
use std::time::{Duration, Instant, SystemTime};

const DEFAULT_SESSION_SECS: u64 = 3600;
const SESSION_SECS_RANGE: std::ops::RangeInclusive<u64> = 900..=43_200;

fn validation_error(shared: &Shared, call: &Call, message: &str) -> Reply {
    error_reply(
        shared,
        call.protocol,
        StatusCode::BAD_REQUEST,
        "ValidationError",
        message,
    )
}

pub(super) fn assume_role(shared: &Shared, call: &Call) -> Reply {
    let (Some(role_arn), Some(session_name)) = (
        call.form_field("RoleArn"),
        call.form_field("RoleSessionName"),
    ) else {
        return validation_error(
            shared,
            call,
            "1 validation error detected: RoleArn and RoleSessionName must not be null",
        );
    };
    let Some(RoleArn {
        partition,
        account: role_account,
        name: role_name,
    }) = parse_role_arn(role_arn)
    else {
        return validation_error(
            shared,
            call,
            &format!(
                "1 validation error detected: Value '{role_arn}' at 'roleArn' failed to satisfy \
                 constraint: Member must be a role ARN arn:<partition>:iam::<account>:role/<name>"
            ),
        );
    };
    let account_index = shared.account_index.get(role_account).copied();
    let out_of_range = |text: &str| {
        validation_error(
            shared,
            call,
            &format!(
                "1 validation error detected: Value '{text}' at 'durationSeconds' failed to \
                 satisfy constraint: Member must have value between 900 and 43200"
            ),
        )
    };
    let requested_secs = match call.form_field("DurationSeconds") {
        None => None,
        Some(text) => match text.parse::<u64>() {
            Ok(secs) => Some(secs),
            Err(_) => return out_of_range(text),
        },
    };
    if account_index.is_some() {
        shared
            .counters
            .assume_role_duration(role_account, requested_secs);
    }
    let duration_secs = match requested_secs {
        None => DEFAULT_SESSION_SECS,
        Some(secs) if SESSION_SECS_RANGE.contains(&secs) => secs,
        Some(_) => return out_of_range(call.form_field("DurationSeconds").unwrap_or_default()),
    };

    shared.counters.assume_role(account_index);
    let account_index = match account_index {
        Some(index) if !shared.config.denied_accounts.contains(role_account) => index,
        _ => {
            shared.counters.assume_role_denied();
            let caller_arn = caller_arn(shared, &call.caller);
            return error_reply(
                shared,
                call.protocol,
                StatusCode::FORBIDDEN,
                "AccessDenied",
                &format!(
                    "User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: \
                     {role_arn}"
                ),
            );
        }
    };
    let max_session = shared.config.max_session_duration.get(role_account);
    if max_session.is_some_and(|max| duration_secs > max.as_secs()) {
        shared.counters.assume_role_duration_rejected();
        return validation_error(
            shared,
            call,
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        );
    }

    let lifetime = shared
        .config
        .credential_lifetime
        .unwrap_or(Duration::from_secs(duration_secs));
    let mut rng = shared.entropy.fork();
    let access_key_id = format!("ASIA{}", rng.string_from(UPPER_ALNUM, 16));
    let secret_access_key = rng.string_from(BASE64, 40);
    let session_token = format!("IQoJb3JpZ2luX2Vj{}", rng.string_from(BASE64, 184));
    let role_id = format!("AROA{}", rng.string_from(UPPER_ALNUM, 17));
    let reported_expiration = iso8601(unix_seconds(
        SystemTime::now() + lifetime + shared.config.expiration_skew,
    ));

    shared
        .sessions
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(
            access_key_id.clone(),
            Session {
                account_index,
                enforced_until: Instant::now() + lifetime,
            },
        );
    shared
        .issued_secrets
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .extend([
            access_key_id.clone(),
            secret_access_key.clone(),
            session_token.clone(),
        ]);

    let request_id = shared.request_id();
    let body = xml::assume_role_response(
        &IssuedRole {
            partition,
            role_arn_account: role_account,
            role_name,
            session_name,
            role_id: &role_id,
            access_key_id: &access_key_id,
            secret_access_key: &secret_access_key,
            session_token: &session_token,
            reported_expiration: &reported_expiration,
        },
        &request_id,
    );
    with_request_id(reply(StatusCode::OK, "text/xml", body), &request_id)
}

/// The parts of a role ARN the fake uses.
#[derive(Debug, PartialEq, Eq)]
struct RoleArn<'a> {
    partition: &'a str,
    account: &'a str,
    name: &'a str,
}

/// `arn:<partition>:iam::<account>:role/<path/><name>`, any partition (`aws`, `aws-us-gov`,
/// `aws-cn`, `aws-iso`, ...).
fn parse_role_arn(arn: &str) -> Option<RoleArn<'_>> {
    let rest = arn.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    let partition_is_valid = partition == "aws"
        || partition.strip_prefix("aws-").is_some_and(|p| {
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        });
    let rest = rest.strip_prefix("iam::")?;
    let (account, role_path) = rest.split_once(":role/")?;
    let name = role_path.rsplit('/').next()?;
    let account_is_valid = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    (partition_is_valid && account_is_valid && !name.is_empty()).then_some(RoleArn {
        partition,
        account,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_parse_with_and_without_paths() {
        let parsed = |arn| parse_role_arn(arn).map(|r| (r.partition, r.account, r.name));
        assert_eq!(
            parsed("arn:aws:iam::123456789012:role/Inventory"),
            Some(("aws", "123456789012", "Inventory"))
        );
        assert_eq!(
            parsed("arn:aws:iam::123456789012:role/ops/Inventory"),
            Some(("aws", "123456789012", "Inventory"))
        );
        assert_eq!(parse_role_arn("arn:aws:iam::1234:role/x"), None);
        assert_eq!(parse_role_arn("arn:aws:iam::123456789012:user/x"), None);
        assert_eq!(parse_role_arn("arn:aws:iam::123456789012:role/"), None);
    }

    #[test]
    fn role_arns_of_every_partition_parse() {
        for partition in ["aws-us-gov", "aws-cn", "aws-iso", "aws-iso-b", "aws-iso-f"] {
            let arn = format!("arn:{partition}:iam::123456789012:role/Reader");
            let role = parse_role_arn(&arn).expect("valid");
            assert_eq!((role.partition, role.account), (partition, "123456789012"));
        }
        assert_eq!(parse_role_arn("arn:gcp:iam::123456789012:role/x"), None);
        assert_eq!(parse_role_arn("arn:aws-:iam::123456789012:role/x"), None);
        assert_eq!(parse_role_arn("arn:AWS:iam::123456789012:role/x"), None);
    }
}
