//! The AWS operations the fake answers, their fault injection and their error shapes.

use crate::config::FakeConfig;
use crate::counters::{Counters, Operation};
use crate::request::{parse_credential_scope, parse_form, CredentialScope};
use crate::rng::{hash_parts, SharedSplitMix64, BASE64, UPPER_ALNUM};
use crate::time::{iso8601, unix_seconds};
use crate::xml::{self, IssuedRole, RDS_NAMESPACE, STS_NAMESPACE};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

pub(crate) type Reply = Response<Full<Bytes>>;

/// Query bodies are a few hundred bytes; anything near this is not the SDK talking.
const MAX_BODY_BYTES: usize = 1 << 20;
const DEFAULT_SESSION_SECS: u64 = 3600;
const SESSION_SECS_RANGE: std::ops::RangeInclusive<u64> = 900..=43_200;
const MAX_RECORDS_RANGE: std::ops::RangeInclusive<usize> = 20..=100;
const DEFAULT_MAX_RECORDS: usize = 100;
const MAX_LIST_REGIONS_RESULTS: i64 = 50;
const MARKER_SALT: u64 = 0x3A;
/// Who the fake says a non-issued (base) key belongs to in error messages.
const BASE_IDENTITY_ARN: &str = "arn:aws:iam::000000000000:user/fake-aws-base-identity";
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

const TARGET_DISABLED: u8 = 1;
const TARGET_MALFORMED: u8 = 2;
const TARGET_HANGS: u8 = 4;

/// Credentials the fake issued, and what it enforces about them.
struct Session {
    account_index: usize,
    enforced_until: Instant,
}

/// Everything a request handler can see; one per server.
pub(crate) struct Shared {
    pub(crate) config: FakeConfig,
    pub(crate) counters: Arc<Counters>,
    account_index: HashMap<String, usize>,
    region_index: HashMap<String, usize>,
    /// `TARGET_*` bits per target, indexed like the config: `account * regions + region`.
    target_flags: Vec<u8>,
    sessions: Mutex<HashMap<String, Session>>,
    issued_secrets: Mutex<Vec<String>>,
    fault_rng: SharedSplitMix64,
    /// For secrets and request ids: varies per server so no two runs issue the same keys.
    entropy: SharedSplitMix64,
}

impl Shared {
    pub(crate) fn new(config: FakeConfig) -> Shared {
        let index_of = |names: &[String]| {
            let mut index = HashMap::new();
            for (position, name) in names.iter().enumerate() {
                index.entry(name.clone()).or_insert(position);
            }
            index
        };
        let account_index = index_of(&config.accounts);
        let region_index = index_of(&config.regions);
        let mut target_flags = vec![0u8; config.accounts.len() * config.regions.len()];
        let per_target_controls = [
            (&config.disabled_regions, TARGET_DISABLED),
            (&config.malformed_targets, TARGET_MALFORMED),
            (&config.hang_targets, TARGET_HANGS),
        ];
        for (targets, flag) in per_target_controls {
            for (account, region) in targets {
                if let (Some(&a), Some(&r)) = (account_index.get(account), region_index.get(region))
                {
                    target_flags[a * config.regions.len() + r] |= flag;
                }
            }
        }
        let clock_entropy = unix_seconds(SystemTime::now()) as u64
            ^ u64::from(
                SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default()
                    .subsec_nanos(),
            );
        Shared {
            counters: Arc::new(Counters::new(config.accounts.len(), config.regions.len())),
            fault_rng: SharedSplitMix64::new(config.seed),
            entropy: SharedSplitMix64::new(hash_parts(&[config.seed, clock_entropy])),
            account_index,
            region_index,
            target_flags,
            sessions: Mutex::new(HashMap::new()),
            issued_secrets: Mutex::new(Vec::new()),
            config,
        }
    }

    pub(crate) fn issued_secrets(&self) -> Vec<String> {
        self.issued_secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn target_has(&self, account_index: usize, region_index: usize, flag: u8) -> bool {
        self.target_flags[account_index * self.config.regions.len() + region_index] & flag != 0
    }

    fn request_id(&self) -> String {
        let (high, low) = (self.entropy.next_u64(), self.entropy.next_u64());
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xffff,
            high & 0xffff,
            low >> 48,
            low & 0xffff_ffff_ffff
        )
    }
}

/// The wire format of a service, which decides how errors look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    /// Form-encoded request, XML answer (STS, RDS).
    Query { namespace: &'static str },
    /// JSON request and answer, errors typed by `x-amzn-ErrorType` (Account).
    RestJson,
}

impl Protocol {
    /// Query and JSON services name the same error differently.
    fn pick<'a>(self, query_code: &'a str, json_code: &'a str) -> &'a str {
        match self {
            Protocol::Query { .. } => query_code,
            Protocol::RestJson => json_code,
        }
    }
}

enum Caller {
    /// Any key the fake did not issue: may only assume roles.
    Base,
    Issued {
        account_index: usize,
        expired: bool,
    },
}

enum Params {
    Form(HashMap<String, String>),
    Json(Value),
}

struct Call {
    operation: Operation,
    protocol: Protocol,
    scope: CredentialScope,
    caller: Caller,
    params: Params,
}

impl Call {
    fn form_field(&self, name: &str) -> Option<&str> {
        match &self.params {
            Params::Form(form) => form.get(name).map(String::as_str),
            Params::Json(_) => None,
        }
    }

    fn json(&self) -> &Value {
        match &self.params {
            Params::Json(value) => value,
            Params::Form(_) => &Value::Null,
        }
    }
}

fn with_request_id(mut response: Reply, request_id: &str) -> Reply {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-amzn-requestid", value);
    }
    response
}

fn reply(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Reply {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

pub(crate) fn json_reply(status: StatusCode, body: &Value) -> Reply {
    reply(status, "application/json", body.to_string())
}

fn error_reply(
    shared: &Shared,
    protocol: Protocol,
    status: StatusCode,
    code: &str,
    message: &str,
) -> Reply {
    let request_id = shared.request_id();
    let response = match protocol {
        Protocol::Query { namespace } => {
            let fault = if status.is_server_error() {
                xml::Fault::Receiver
            } else {
                xml::Fault::Sender
            };
            let body = xml::error_response(namespace, fault, code, message, &request_id);
            reply(status, "text/xml", body)
        }
        Protocol::RestJson => {
            let mut response = json_reply(status, &json!({ "__type": code, "message": message }));
            if let Ok(value) = HeaderValue::from_str(code) {
                response.headers_mut().insert("x-amzn-errortype", value);
            }
            response
        }
    };
    with_request_id(response, &request_id)
}

/// Handles one AWS API request from start to answer (or forever, for a hang).
pub(crate) async fn handle_api(shared: &Shared, request: Request<Incoming>) -> Reply {
    let scope = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(parse_credential_scope);
    let path_is_root = request.uri().path() == "/";
    let path = request.uri().path().to_string();
    let body = match Limited::new(request.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return reply(
                StatusCode::PAYLOAD_TOO_LARGE,
                "text/plain",
                "request body unreadable or too large",
            )
        }
    };
    let Some(scope) = scope else {
        shared.counters.call(Operation::Unsupported);
        let protocol = if path_is_root {
            Protocol::Query {
                namespace: STS_NAMESPACE,
            }
        } else {
            Protocol::RestJson
        };
        return error_reply(
            shared,
            protocol,
            StatusCode::FORBIDDEN,
            protocol.pick(
                "MissingAuthenticationToken",
                "MissingAuthenticationTokenException",
            ),
            "Request is missing Authentication Token",
        );
    };
    let call = match parse_call(shared, scope, &path, &body) {
        Ok(call) => call,
        Err(reply) => return reply,
    };
    shared.counters.call(call.operation);
    count_per_target(shared, &call);

    if let Some(fault) = inject_faults(shared, call.protocol).await {
        return fault;
    }
    if let Caller::Issued { expired: true, .. } = call.caller {
        shared.counters.expired_key_call();
        return error_reply(
            shared,
            call.protocol,
            StatusCode::FORBIDDEN,
            call.protocol.pick("ExpiredToken", "ExpiredTokenException"),
            "The security token included in the request is expired",
        );
    }
    match call.operation {
        Operation::AssumeRole => assume_role(shared, &call),
        Operation::DescribeDbInstances => describe_db_instances(shared, &call).await,
        Operation::ListRegions => list_regions(shared, &call),
        Operation::Unsupported => error_reply(
            shared,
            call.protocol,
            StatusCode::BAD_REQUEST,
            call.protocol
                .pick("InvalidAction", "UnknownOperationException"),
            "The action or operation requested is not supported by fake-aws.",
        ),
    }
}

fn parse_call(
    shared: &Shared,
    scope: CredentialScope,
    path: &str,
    body: &[u8],
) -> Result<Call, Reply> {
    let (protocol, operation, params) = match scope.service.as_str() {
        "account" => {
            let protocol = Protocol::RestJson;
            let params = if body.iter().all(u8::is_ascii_whitespace) {
                json!({})
            } else {
                serde_json::from_slice(body).map_err(|_| {
                    shared.counters.call(Operation::Unsupported);
                    error_reply(
                        shared,
                        protocol,
                        StatusCode::BAD_REQUEST,
                        "SerializationException",
                        "The request body is not valid JSON.",
                    )
                })?
            };
            let operation = if path == "/listRegions" {
                Operation::ListRegions
            } else {
                Operation::Unsupported
            };
            (protocol, operation, Params::Json(params))
        }
        service => {
            let namespace = if service == "rds" {
                RDS_NAMESPACE
            } else {
                STS_NAMESPACE
            };
            let protocol = Protocol::Query { namespace };
            let form = parse_form(body).ok_or_else(|| {
                shared.counters.call(Operation::Unsupported);
                error_reply(
                    shared,
                    protocol,
                    StatusCode::BAD_REQUEST,
                    "MalformedQueryString",
                    "The request body is not a valid form-encoded query string.",
                )
            })?;
            let operation = match (service, form.get("Action").map(String::as_str)) {
                ("sts", Some("AssumeRole")) => Operation::AssumeRole,
                ("rds", Some("DescribeDBInstances")) => Operation::DescribeDbInstances,
                _ => Operation::Unsupported,
            };
            (protocol, operation, Params::Form(form))
        }
    };
    let caller = {
        let sessions = shared
            .sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match sessions.get(&scope.access_key_id) {
            Some(session) => Caller::Issued {
                account_index: session.account_index,
                expired: Instant::now() >= session.enforced_until,
            },
            None => Caller::Base,
        }
    };
    Ok(Call {
        operation,
        protocol,
        scope,
        caller,
        params,
    })
}

fn count_per_target(shared: &Shared, call: &Call) {
    match (call.operation, &call.caller) {
        (Operation::DescribeDbInstances, Caller::Issued { account_index, .. }) => {
            if let Some(&region_index) = shared.region_index.get(&call.scope.region) {
                shared.counters.describe(*account_index, region_index);
            }
        }
        (Operation::ListRegions, caller) => {
            if let Some(account_index) = list_regions_account(shared, call, caller) {
                shared.counters.list_regions(account_index);
            }
        }
        _ => {}
    }
}

/// Latency first, then one independent draw per fault kind; `None` lets the call through.
async fn inject_faults(shared: &Shared, protocol: Protocol) -> Option<Reply> {
    let config = &shared.config;
    let jitter = config.jitter.mul_f64(shared.fault_rng.unit_f64());
    let delay = config.latency + jitter;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if shared.fault_rng.chance(config.hang_rate) {
        return Some(hang(shared).await);
    }
    if shared.fault_rng.chance(config.throttle_rate) {
        shared.counters.throttled();
        let status = match protocol {
            Protocol::Query { .. } => StatusCode::BAD_REQUEST,
            Protocol::RestJson => StatusCode::TOO_MANY_REQUESTS,
        };
        let code = protocol.pick("Throttling", "TooManyRequestsException");
        return Some(error_reply(shared, protocol, status, code, "Rate exceeded"));
    }
    if shared.fault_rng.chance(config.unavailable_rate) {
        shared.counters.unavailable();
        return Some(error_reply(
            shared,
            protocol,
            StatusCode::SERVICE_UNAVAILABLE,
            protocol.pick("ServiceUnavailable", "ServiceUnavailableException"),
            "Service is unavailable. Please try again later.",
        ));
    }
    None
}

/// Never answers. hyper drops this future (and with it the in-flight guard) when the
/// client closes the connection or the server stops.
async fn hang(shared: &Shared) -> Reply {
    shared.counters.hung();
    std::future::pending().await
}

fn validation_error(shared: &Shared, call: &Call, message: &str) -> Reply {
    error_reply(
        shared,
        call.protocol,
        StatusCode::BAD_REQUEST,
        "ValidationError",
        message,
    )
}

fn assume_role(shared: &Shared, call: &Call) -> Reply {
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
    let duration_secs = match call.form_field("DurationSeconds") {
        None => DEFAULT_SESSION_SECS,
        Some(text) => match text.parse::<u64>() {
            Ok(secs) if SESSION_SECS_RANGE.contains(&secs) => secs,
            _ => return validation_error(
                shared,
                call,
                &format!(
                    "1 validation error detected: Value '{text}' at 'durationSeconds' failed to \
                         satisfy constraint: Member must have value between 900 and 43200"
                ),
            ),
        },
    };
    let Some((role_account, role_name)) = parse_role_arn(role_arn) else {
        return validation_error(
            shared,
            call,
            &format!(
                "1 validation error detected: Value '{role_arn}' at 'roleArn' failed to satisfy \
                 constraint: Member must be a role ARN arn:aws:iam::<account>:role/<name>"
            ),
        );
    };

    let account_index = shared.account_index.get(role_account).copied();
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

/// `arn:aws:iam::<account>:role/<path/><name>` -> (account, name).
fn parse_role_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, role_path) = rest.split_once(":role/")?;
    let name = role_path.rsplit('/').next()?;
    let account_is_valid = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    (account_is_valid && !name.is_empty()).then_some((account, name))
}

fn caller_arn(shared: &Shared, caller: &Caller) -> String {
    match caller {
        Caller::Base => BASE_IDENTITY_ARN.to_string(),
        Caller::Issued { account_index, .. } => format!(
            "arn:aws:sts::{}:assumed-role/fake-aws/session",
            shared.config.accounts[*account_index]
        ),
    }
}

fn invalid_client_token(shared: &Shared, call: &Call) -> Reply {
    error_reply(
        shared,
        call.protocol,
        StatusCode::FORBIDDEN,
        call.protocol
            .pick("InvalidClientTokenId", "UnrecognizedClientException"),
        "The security token included in the request is invalid.",
    )
}

fn invalid_parameter(shared: &Shared, call: &Call, message: &str) -> Reply {
    error_reply(
        shared,
        call.protocol,
        StatusCode::BAD_REQUEST,
        "InvalidParameterValue",
        message,
    )
}

fn marker_for(shared: &Shared, account_index: usize, region_index: usize, offset: usize) -> String {
    // The tag ties a marker to its target, so a marker reused elsewhere is refused.
    let tag = hash_parts(&[
        shared.config.seed,
        account_index as u64,
        region_index as u64,
        MARKER_SALT,
    ]) & 0xffff;
    format!("m1-{offset}-{tag:04x}")
}

async fn describe_db_instances(shared: &Shared, call: &Call) -> Reply {
    let Caller::Issued { account_index, .. } = call.caller else {
        return invalid_client_token(shared, call);
    };
    let Some(&region_index) = shared.region_index.get(&call.scope.region) else {
        return invalid_client_token(shared, call);
    };
    if shared.target_has(account_index, region_index, TARGET_DISABLED) {
        return invalid_client_token(shared, call);
    }
    let max_records = match call.form_field("MaxRecords") {
        None => DEFAULT_MAX_RECORDS,
        Some(text) => match text.parse::<usize>() {
            Ok(records) if MAX_RECORDS_RANGE.contains(&records) => records,
            _ => {
                return invalid_parameter(
                    shared,
                    call,
                    &format!("Invalid value {text} for MaxRecords. Must be between 20 and 100"),
                )
            }
        },
    };
    let count = shared.config.instance_count(account_index, region_index);
    let offset = match call.form_field("Marker") {
        None => 0,
        Some(marker) => match parse_marker(shared, account_index, region_index, marker) {
            Some(offset) if offset <= count => offset,
            _ => {
                return invalid_parameter(
                    shared,
                    call,
                    &format!("The parameter Marker is not a valid pagination token: {marker}"),
                )
            }
        },
    };
    if shared.target_has(account_index, region_index, TARGET_HANGS) {
        return hang(shared).await;
    }

    let end = count.min(offset + max_records);
    let next_marker = (end < count).then(|| marker_for(shared, account_index, region_index, end));
    let instances =
        (offset..end).map(|index| shared.config.instance(account_index, region_index, index));
    let request_id = shared.request_id();
    let mut body =
        xml::describe_db_instances_response(instances, next_marker.as_deref(), &request_id);
    if shared.target_has(account_index, region_index, TARGET_MALFORMED) {
        shared.counters.malformed();
        truncate_mid_element(&mut body);
    }
    with_request_id(reply(StatusCode::OK, "text/xml", body), &request_id)
}

fn parse_marker(
    shared: &Shared,
    account_index: usize,
    region_index: usize,
    marker: &str,
) -> Option<usize> {
    let offset: usize = marker
        .strip_prefix("m1-")?
        .split_once('-')?
        .0
        .parse()
        .ok()?;
    (marker_for(shared, account_index, region_index, offset) == marker).then_some(offset)
}

/// Cuts the document just inside an element's name, so no XML parser can accept it.
fn truncate_mid_element(body: &mut String) {
    let half = body.len() / 2;
    let cut = body[half..]
        .find('<')
        .map(|position| half + position + 3)
        .unwrap_or(half);
    let mut cut = cut.min(body.len().saturating_sub(1));
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    body.truncate(cut);
}

/// The account ListRegions reports on: `AccountId` if given, else the caller's own.
fn list_regions_account(shared: &Shared, call: &Call, caller: &Caller) -> Option<usize> {
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

fn list_regions(shared: &Shared, call: &Call) -> Reply {
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
    fn role_arns_parse_with_and_without_paths() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/Inventory"),
            Some(("123456789012", "Inventory"))
        );
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/ops/Inventory"),
            Some(("123456789012", "Inventory"))
        );
        assert_eq!(parse_role_arn("arn:aws:iam::1234:role/x"), None);
        assert_eq!(parse_role_arn("arn:aws:iam::123456789012:user/x"), None);
        assert_eq!(parse_role_arn("arn:aws:iam::123456789012:role/"), None);
    }

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
    fn truncation_leaves_an_unclosed_element() {
        let mut body = "<A><B>text</B><C>more</C><D>end</D></A>".to_string();
        truncate_mid_element(&mut body);
        assert!(body.len() < 38);
        assert!(!body.ends_with('>'));
    }

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

    #[test]
    fn request_ids_look_like_uuids() {
        let shared = Shared::new(FakeConfig::default());
        let id = shared.request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
        assert_ne!(id, shared.request_id());
    }
}
