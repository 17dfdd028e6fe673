//! What a failed AWS call means for the user: the one place that turns an SDK error into
//! (code, message, kind). Messages carry AWS's words, never credentials.

use std::error::Error as StdError;
use std::fmt;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_rds::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use serde::Serialize;

/// What a failed call means for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// STS refused the role (AccessDenied, bad trust policy, missing ExternalId...).
    CannotAssumeRole,
    /// The role's keys work elsewhere but this region rejects them: an opt-in region.
    RegionNotEnabled,
    /// The keys expired before the cache refreshed them (clock skew).
    ExpiredToken,
    /// AWS said "slow down" on every attempt: worth waiting for, within the retry budget.
    Throttled,
    /// 5xx, timeouts, connection errors that outlived the SDK's retries.
    Transient,
    /// Anything else, including answers that could not be parsed.
    Other,
}

/// Which step failed: getting the account's credentials, listing its regions, listing its
/// instances, or a joined call. Serialized as the summary's `phase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    AssumeRole,
    ListRegions,
    Describe,
    /// `--with pending-maintenance`: DescribePendingMaintenanceActions.
    PendingMaintenance,
    /// `--with engine-support`: DescribeDBMajorEngineVersions.
    EngineVersions,
    /// DescribeDBClusters for the `effective_*` fields of cluster members' instance records.
    ClusterLookup,
    /// DescribeDBSnapshotAttributes for a manual DB snapshot's sharing fields.
    SnapshotAttributes,
    /// DescribeDBClusterSnapshotAttributes for a manual cluster snapshot's sharing fields.
    ClusterSnapshotAttributes,
    /// `--with price`: Price List GetProducts with the base identity.
    PriceList,
    /// `--with utilization`: CloudWatch GetMetricData as the account.
    Utilization,
    /// `--with parameters` and the parameter-group kinds: DescribeDB(Cluster)Parameters,
    /// DescribeDB(Cluster)ParameterGroups, DescribeEngineDefault(Cluster)Parameters.
    Parameters,
}

/// A classified failure of one AWS call.
#[derive(Debug, Clone)]
pub struct CallFailure {
    pub phase: Phase,
    pub kind: FailureKind,
    pub code: Option<String>,
    pub message: String,
}

impl CallFailure {
    /// The account's role may not make the call (its policy, or a region it cannot use): the
    /// answer for this account, not for every account.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self.kind,
            FailureKind::RegionNotEnabled
                | FailureKind::ExpiredToken
                | FailureKind::CannotAssumeRole
        ) || self
            .code
            .as_deref()
            .is_some_and(|code| code.contains("AccessDenied") || code == "UnauthorizedOperation")
    }
}

/// A problem that did not fail a target: ListRegions denied, a session shortened to 1 h.
#[derive(Debug, Clone)]
pub struct AccountWarning {
    pub account: std::sync::Arc<crate::accounts::AccountSpec>,
    pub failure: CallFailure,
}

/// Where the AWS layer reports a problem that does not fail a target (a session shortened to
/// 1 h, a joined call denied): the caller decides where it goes, e.g. onto the run's events.
#[derive(Clone)]
pub struct WarningSink(std::sync::Arc<dyn Fn(AccountWarning) + Send + Sync>);

impl WarningSink {
    pub fn new(sink: impl Fn(AccountWarning) + Send + Sync + 'static) -> WarningSink {
        WarningSink(std::sync::Arc::new(sink))
    }

    pub fn warn(&self, warning: AccountWarning) {
        (self.0)(warning);
    }
}

impl fmt::Debug for WarningSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WarningSink")
    }
}

/// `CODE: message`, or the message alone.
impl fmt::Display for CallFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A failure travels inside `CredentialsError` from the AssumeRole wrapper to the RDS call.
impl StdError for CallFailure {}

/// The first error of type `T` among `error`'s causes.
fn cause<'a, T: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut next = error.source();
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        next = e.source();
    }
    None
}

/// Classifies a failed call, looking through credential errors to the AssumeRole cause.
pub fn classify<E>(error: &SdkError<E>) -> CallFailure
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    if let Some(role) = cause::<CallFailure>(error) {
        return role.clone();
    }
    let (code, message, retry) = details(error);
    let kind = match code.as_deref() {
        Some("ExpiredToken" | "ExpiredTokenException" | "RequestExpired") => {
            FailureKind::ExpiredToken
        }
        Some("InvalidClientTokenId" | "AuthFailure" | "UnrecognizedClientException") => {
            FailureKind::RegionNotEnabled
        }
        _ => retry.unwrap_or(FailureKind::Other),
    };
    CallFailure {
        phase: Phase::Describe,
        kind,
        code,
        message,
    }
}

/// Why an AssumeRole failed.
pub fn assume_role_failure(error: &SdkError<AssumeRoleError>) -> CallFailure {
    let (code, message, retry) = details(error);
    CallFailure {
        phase: Phase::AssumeRole,
        kind: retry.unwrap_or(FailureKind::CannotAssumeRole),
        code,
        message,
    }
}

/// "CODE: message" for a failed credential load, looking through to the AssumeRole cause.
pub fn credential_failure_text(error: &CredentialsError) -> String {
    match cause::<CallFailure>(error) {
        Some(failure) => failure.to_string(),
        None => error_chain_text(error),
    }
}

/// An error and its causes in words, `: `-separated, without the `Debug` dump that
/// `DisplayErrorContext` appends (SDK structs, HTTP headers). A cause whose text the previous
/// one already contains is skipped.
pub fn error_chain_text(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(e) = next {
        let part = e.to_string();
        if !part.is_empty() && !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        next = e.source();
    }
    text
}

/// Codes AWS uses for "slow down".
pub const THROTTLING_CODES: [&str; 5] = [
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "RequestThrottled",
];

/// Code, message and, when retrying later could help, how (throttled or transient).
fn details<E>(error: &SdkError<E>) -> (Option<String>, String, Option<FailureKind>)
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    match error {
        SdkError::ServiceError(context) if context.raw().status().is_success() => {
            // A success status whose body did not parse (e.g. truncated XML).
            let body = context.raw().body().bytes().map(body_excerpt);
            let status = context.raw().status().as_u16();
            (
                None,
                format!(
                    "malformed answer (HTTP {status}, unparseable body): {}",
                    body.unwrap_or_default()
                ),
                None,
            )
        }
        SdkError::ServiceError(context) => {
            let status = context.raw().status().as_u16();
            // Some endpoints answer in a shape the SDK cannot read (moto wraps errors in
            // <Errors>): fall back to the HTTP status and the start of the body.
            let code = error
                .code()
                .map_or_else(|| format!("HTTP {status}"), str::to_owned);
            let message = error
                .message()
                .map(str::to_owned)
                .or_else(|| context.raw().body().bytes().map(body_excerpt))
                .unwrap_or_else(|| error_chain_text(context.err()));
            let retry = if THROTTLING_CODES.contains(&code.as_str()) {
                Some(FailureKind::Throttled)
            } else if status >= 500
                || matches!(code.as_str(), "ServiceUnavailable" | "InternalFailure")
            {
                Some(FailureKind::Transient)
            } else {
                None
            };
            (Some(code), message, retry)
        }
        SdkError::TimeoutError(_) => (
            None,
            "timed out (every attempt)".into(),
            Some(FailureKind::Transient),
        ),
        SdkError::DispatchFailure(_) => {
            (None, error_chain_text(error), Some(FailureKind::Transient))
        }
        SdkError::ResponseError(_) => (
            None,
            format!("malformed answer: {}", error_chain_text(error)),
            None,
        ),
        _ => (None, error_chain_text(error), None),
    }
}

/// The first 200 characters of an error body, on one line.
fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // An HTML error page (a proxy's, a load balancer's, an emulator's) says what it is in its
    // title; its markup would only fill the warning.
    if let Some(title) = html_title(&line) {
        return format!("an HTML page, not an AWS answer: {title}");
    }
    line.chars().take(200).collect()
}

/// The text of an HTML page's `<title>`, when the body is one.
fn html_title(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    if !(lower.starts_with("<!doctype html") || lower.starts_with("<html")) {
        return None;
    }
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let title = text.get(start..end)?.trim();
    (!title.is_empty()).then(|| title.chars().take(200).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_html_error_page_is_reported_by_its_title() {
        let page = b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n\
                     <h1>Internal Server Error</h1><p>The server encountered an internal error</p>";
        assert_eq!(
            body_excerpt(page),
            "an HTML page, not an AWS answer: 500 Internal Server Error"
        );
        assert_eq!(
            body_excerpt(b"<HTML><HEAD><TITLE>502 Bad Gateway</TITLE></HEAD></HTML>"),
            "an HTML page, not an AWS answer: 502 Bad Gateway"
        );
        // Not HTML, or HTML without a title: the start of the body, as before.
        assert_eq!(
            body_excerpt(b"<Errors><Error><Code>X</Code></Error></Errors>"),
            "<Errors><Error><Code>X</Code></Error></Errors>"
        );
        assert_eq!(
            body_excerpt(b"<html><body>down</body></html>"),
            "<html><body>down</body></html>"
        );
        assert_eq!(
            body_excerpt("<html><title>caf\u{e9} \u{2713}</title>".as_bytes()),
            "an HTML page, not an AWS answer: caf\u{e9} \u{2713}"
        );
    }

    #[test]
    fn display_is_code_then_message() {
        let mut failure = CallFailure {
            phase: Phase::Describe,
            kind: FailureKind::Other,
            code: Some("AccessDenied".into()),
            message: "not authorized".into(),
        };
        assert_eq!(failure.to_string(), "AccessDenied: not authorized");
        failure.code = None;
        assert_eq!(failure.to_string(), "not authorized");
    }

    #[test]
    fn an_assume_role_failure_is_found_through_a_credentials_error() {
        let failure = CallFailure {
            phase: Phase::AssumeRole,
            kind: FailureKind::CannotAssumeRole,
            code: Some("AccessDenied".into()),
            message: "no".into(),
        };
        let error = CredentialsError::provider_error(failure);
        assert_eq!(credential_failure_text(&error), "AccessDenied: no");
    }

    #[test]
    fn phases_serialize_in_snake_case() {
        let json = serde_json::to_string(&[Phase::AssumeRole, Phase::ListRegions, Phase::Describe])
            .expect("serializes");
        assert_eq!(json, r#"["assume_role","list_regions","describe"]"#);
    }
}
