//! Request dispatch shared by every operation: parsing the call, per-target counting, fault
//! injection and the error shapes of both protocols.

use crate::config::{FakeConfig, ResourceKind};
use crate::counters::{Counters, Operation};
use crate::kinds::{self, FakeResource};
use crate::record_parts::hash_str;
use crate::request::{parse_credential_scope, parse_form, CredentialScope};
use crate::rng::{hash_parts, SharedSplitMix64, SplitMix64};
use crate::snapshot::{FakeSnapshot, SnapshotKind};
use crate::xml::{self, RDS_NAMESPACE, STS_NAMESPACE};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime};

mod account;
mod pricing;
mod rds;
mod rds_clusters;
mod rds_extra;
mod rds_kinds;
mod rds_snapshots;
mod sts;

pub(crate) type Reply = Response<Full<Bytes>>;

/// Query bodies are a few hundred bytes; anything near this is not the SDK talking.
const MAX_BODY_BYTES: usize = 1 << 20;
/// Who the fake says a non-issued (base) key belongs to in error messages.
const BASE_IDENTITY_ARN: &str = "arn:aws:iam::000000000000:user/fake-aws-base-identity";

const TARGET_DISABLED: u8 = 1;
const TARGET_MALFORMED: u8 = 2;
const TARGET_HANGS: u8 = 4;
const TARGET_TRUNCATED: u8 = 8;
const TARGET_STUCK: u8 = 16;
const TARGET_THROTTLE_WINDOW: u8 = 32;
const TARGET_THROTTLE_FOREVER: u8 = 64;
const TARGET_ACCESS_DENIED: u8 = 128;

/// A failure set on one target while the fake runs (`FakeAws::set_target_failure`); it
/// applies to every RDS call for the target, before any other check of the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetFailure {
    /// 403 `AccessDenied`.
    AccessDenied,
    /// Never answered, like `hang_targets`.
    Hang,
    /// 400 `Throttling`.
    Throttle,
}

/// `throttle_targets_for`: throttled until `duration` after the target's first RDS call.
struct ThrottleWindow {
    duration: Duration,
    first_call: OnceLock<Instant>,
}

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
    /// For the latency jitter (timing only: faults are drawn per request, see `fault_draws`).
    jitter_rng: SharedSplitMix64,
    /// Arrivals so far per request identity (see `request_identity`): the nth attempt of a
    /// request draws its faults from (seed, identity, n).
    attempts: Mutex<HashMap<u64, u64>>,
    /// For secrets and request ids: varies per server so no two runs issue the same keys.
    entropy: SharedSplitMix64,
    /// By flat target index (`account * regions + region`).
    throttle_windows: HashMap<usize, ThrottleWindow>,
    /// The inventory generation served now (`FakeAws::set_generation`).
    pub(crate) generation: AtomicU64,
    /// By flat target index; `has_runtime_failures` keeps the common path lock-free.
    runtime_failures: RwLock<HashMap<usize, TargetFailure>>,
    has_runtime_failures: AtomicBool,
    /// A target's snapshots as last made, for the attribute calls: each asks about one, and
    /// remaking all of them per call made the fake the bottleneck of a benchmark.
    snapshot_memo: Mutex<HashMap<SnapshotMemoKey, Arc<Vec<FakeSnapshot>>>>,
    /// A target's resources of one `ResourceKind`, made once for all its pages.
    kind_memo: Mutex<HashMap<KindMemoKey, Arc<Vec<FakeResource>>>>,
}

/// (generation, kind, account index, region index; `usize::MAX` for account-wide kinds).
type KindMemoKey = (u64, ResourceKind, usize, usize);

/// (generation, account index, region index, kind).
type SnapshotMemoKey = (u64, usize, usize, SnapshotKind);

/// What `memo` holds for `key`, else what `make` makes, kept (up to `SNAPSHOT_MEMO_TARGETS`
/// keys, then the memo starts over).
fn remembered<K: std::hash::Hash + Eq, V>(
    memo: &Mutex<HashMap<K, Arc<V>>>,
    key: K,
    make: impl FnOnce() -> V,
) -> Arc<V> {
    let mut memo = memo.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(made) = memo.get(&key) {
        return Arc::clone(made);
    }
    if memo.len() >= SNAPSHOT_MEMO_TARGETS {
        memo.clear();
    }
    let made = Arc::new(make());
    memo.insert(key, Arc::clone(&made));
    made
}

/// Targets whose snapshots (or resources of one kind) a memo keeps before it starts over.
const SNAPSHOT_MEMO_TARGETS: usize = 4096;

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
            (&config.truncated_targets, TARGET_TRUNCATED),
            (&config.stuck_pagination_targets, TARGET_STUCK),
            (&config.throttle_forever_targets, TARGET_THROTTLE_FOREVER),
            (&config.access_denied_targets, TARGET_ACCESS_DENIED),
        ];
        for (targets, flag) in per_target_controls {
            for (account, region) in targets {
                if let (Some(&a), Some(&r)) = (account_index.get(account), region_index.get(region))
                {
                    target_flags[a * config.regions.len() + r] |= flag;
                }
            }
        }
        let mut throttle_windows = HashMap::new();
        for ((account, region), duration) in &config.throttle_targets_for {
            if let (Some(&a), Some(&r)) = (account_index.get(account), region_index.get(region)) {
                let target = a * config.regions.len() + r;
                target_flags[target] |= TARGET_THROTTLE_WINDOW;
                throttle_windows.insert(
                    target,
                    ThrottleWindow {
                        duration: *duration,
                        first_call: OnceLock::new(),
                    },
                );
            }
        }
        let clock_entropy = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|since_epoch| since_epoch.as_nanos() as u64)
            .unwrap_or_default();
        Shared {
            counters: Arc::new(Counters::new(config.accounts.len(), config.regions.len())),
            jitter_rng: SharedSplitMix64::new(config.seed),
            attempts: Mutex::new(HashMap::new()),
            entropy: SharedSplitMix64::new(hash_parts(&[config.seed, clock_entropy])),
            account_index,
            region_index,
            target_flags,
            sessions: Mutex::new(HashMap::new()),
            issued_secrets: Mutex::new(Vec::new()),
            throttle_windows,
            generation: AtomicU64::new(config.generation),
            runtime_failures: RwLock::new(HashMap::new()),
            has_runtime_failures: AtomicBool::new(false),
            snapshot_memo: Mutex::new(HashMap::new()),
            kind_memo: Mutex::new(HashMap::new()),
            config,
        }
    }

    /// The snapshots of `kind` the target lists now (as `FakeConfig::snapshots_in`), made once
    /// and kept while the target is asked about them.
    pub(crate) fn target_snapshots(
        &self,
        account_index: usize,
        region_index: usize,
        kind: SnapshotKind,
    ) -> Arc<Vec<FakeSnapshot>> {
        let key = (self.generation(), account_index, region_index, kind);
        remembered(&self.snapshot_memo, key, || {
            let mut made = self.config.snapshots_in(key.0, key.1, key.2, kind);
            if kind == SnapshotKind::Instance {
                made.extend(self.config.awsbackup_snapshots_in(key.0, key.1, key.2));
            }
            made
        })
    }

    /// The resources of `kind` the target lists now (as `FakeConfig::resources_in`), made
    /// once and kept while the target pages through them (account-wide kinds: once per
    /// account, whichever region asks).
    pub(crate) fn target_resources(
        &self,
        kind: ResourceKind,
        (account_index, region_index): (usize, usize),
    ) -> Arc<Vec<FakeResource>> {
        let memo_region = if kind.is_account_wide() {
            usize::MAX
        } else {
            region_index
        };
        let key = (self.generation(), kind, account_index, memo_region);
        remembered(&self.kind_memo, key, || {
            self.config
                .resources_in(key.0, kind, (account_index, region_index))
        })
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }

    pub(crate) fn set_generation(&self, generation: u64) {
        self.generation.store(generation, Ordering::Relaxed);
    }

    /// Sets (or with `None` clears) a runtime failure; unknown targets are ignored.
    pub(crate) fn set_target_failure(
        &self,
        account: &str,
        region: &str,
        failure: Option<TargetFailure>,
    ) -> bool {
        let (Some(&a), Some(&r)) = (
            self.account_index.get(account),
            self.region_index.get(region),
        ) else {
            return false;
        };
        let mut failures = self
            .runtime_failures
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let target = a * self.config.regions.len() + r;
        match failure {
            Some(failure) => failures.insert(target, failure),
            None => failures.remove(&target),
        };
        self.has_runtime_failures
            .store(!failures.is_empty(), Ordering::Relaxed);
        true
    }

    fn runtime_failure(&self, account_index: usize, region_index: usize) -> Option<TargetFailure> {
        if !self.has_runtime_failures.load(Ordering::Relaxed) {
            return None;
        }
        self.runtime_failures
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(account_index * self.config.regions.len() + region_index))
            .copied()
    }

    /// `throttle_forever_targets`, or inside the target's `throttle_targets_for` window (which
    /// starts at the target's first RDS call).
    fn target_throttled(&self, account_index: usize, region_index: usize) -> bool {
        if self.target_has(account_index, region_index, TARGET_THROTTLE_FOREVER) {
            return true;
        }
        if !self.target_has(account_index, region_index, TARGET_THROTTLE_WINDOW) {
            return false;
        }
        let target = account_index * self.config.regions.len() + region_index;
        self.throttle_windows.get(&target).is_some_and(|window| {
            window.first_call.get_or_init(Instant::now).elapsed() < window.duration
        })
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
    /// awsJson1.1: JSON POST to `/` named by `X-Amz-Target`, errors typed by `__type` (Price
    /// List).
    AwsJson,
}

impl Protocol {
    /// Query and JSON services name the same error differently.
    fn pick<'a>(self, query_code: &'a str, json_code: &'a str) -> &'a str {
        match self {
            Protocol::Query { .. } => query_code,
            Protocol::RestJson | Protocol::AwsJson => json_code,
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
        Protocol::RestJson | Protocol::AwsJson => {
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
    let path = request.uri().path().to_string();
    let amz_target = request
        .headers()
        .get("x-amz-target")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
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
        let protocol = if path == "/" {
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
    let call = match parse_call(shared, scope, &path, amz_target.as_deref(), &body) {
        Ok(call) => call,
        Err(reply) => return *reply,
    };
    shared.counters.call(call.operation);
    let target = rds_target(shared, &call);
    count_per_target(shared, &call, target);

    if let Some(fault) = inject_faults(shared, &call, target).await {
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
        Operation::AssumeRole => sts::assume_role(shared, &call),
        Operation::DescribeDbInstances => rds::describe_db_instances(shared, &call).await,
        Operation::DescribePendingMaintenanceActions => {
            rds_extra::describe_pending_maintenance_actions(shared, &call).await
        }
        Operation::DescribeDbMajorEngineVersions => {
            rds_extra::describe_db_major_engine_versions(shared, &call).await
        }
        Operation::DescribeDbClusters => rds_clusters::describe_db_clusters(shared, &call).await,
        Operation::DescribeDbSnapshots => {
            rds_snapshots::describe_snapshots(&rds_snapshots::DB_SNAPSHOTS, shared, &call).await
        }
        Operation::DescribeDbClusterSnapshots => {
            let api = &rds_snapshots::DB_CLUSTER_SNAPSHOTS;
            rds_snapshots::describe_snapshots(api, shared, &call).await
        }
        Operation::DescribeDbSnapshotAttributes => {
            let api = &rds_snapshots::DB_SNAPSHOTS;
            rds_snapshots::describe_snapshot_attributes(api, shared, &call).await
        }
        Operation::DescribeDbClusterSnapshotAttributes => {
            let api = &rds_snapshots::DB_CLUSTER_SNAPSHOTS;
            rds_snapshots::describe_snapshot_attributes(api, shared, &call).await
        }
        Operation::Kind(kind) => rds_kinds::describe(kinds::spec(kind), shared, &call).await,
        Operation::ListRegions => account::list_regions(shared, &call),
        Operation::GetProducts => pricing::get_products(shared, &call),
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

/// A JSON request body (an empty one is `{}`), or the SerializationException answer.
fn json_params(shared: &Shared, protocol: Protocol, body: &[u8]) -> Result<Value, Box<Reply>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|_| {
        shared.counters.call(Operation::Unsupported);
        Box::new(error_reply(
            shared,
            protocol,
            StatusCode::BAD_REQUEST,
            "SerializationException",
            "The request body is not valid JSON.",
        ))
    })
}

fn parse_call(
    shared: &Shared,
    scope: CredentialScope,
    path: &str,
    amz_target: Option<&str>,
    body: &[u8],
) -> Result<Call, Box<Reply>> {
    let (protocol, operation, params) = match scope.service.as_str() {
        "pricing" => {
            let protocol = Protocol::AwsJson;
            let params = json_params(shared, protocol, body)?;
            let operation = match (path, amz_target) {
                ("/", Some("AWSPriceListService.GetProducts")) => Operation::GetProducts,
                _ => Operation::Unsupported,
            };
            (protocol, operation, Params::Json(params))
        }
        "account" => {
            let protocol = Protocol::RestJson;
            let params = json_params(shared, protocol, body)?;
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
                Box::new(error_reply(
                    shared,
                    protocol,
                    StatusCode::BAD_REQUEST,
                    "MalformedQueryString",
                    "The request body is not a valid form-encoded query string.",
                ))
            })?;
            let operation = match (service, form.get("Action").map(String::as_str)) {
                ("sts", Some("AssumeRole")) => Operation::AssumeRole,
                ("rds", Some("DescribeDBInstances")) => Operation::DescribeDbInstances,
                ("rds", Some("DescribePendingMaintenanceActions")) => {
                    Operation::DescribePendingMaintenanceActions
                }
                ("rds", Some("DescribeDBMajorEngineVersions")) => {
                    Operation::DescribeDbMajorEngineVersions
                }
                ("rds", Some("DescribeDBClusters")) => Operation::DescribeDbClusters,
                ("rds", Some("DescribeDBSnapshots")) => Operation::DescribeDbSnapshots,
                ("rds", Some("DescribeDBClusterSnapshots")) => {
                    Operation::DescribeDbClusterSnapshots
                }
                ("rds", Some("DescribeDBSnapshotAttributes")) => {
                    Operation::DescribeDbSnapshotAttributes
                }
                ("rds", Some("DescribeDBClusterSnapshotAttributes")) => {
                    Operation::DescribeDbClusterSnapshotAttributes
                }
                ("rds", Some(action)) => kinds::by_action(action)
                    .map_or(Operation::Unsupported, |spec| Operation::Kind(spec.kind)),
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

/// The (account, region) config indices of an RDS call with an issued key for a served
/// region; `None` for everything else.
fn rds_target(shared: &Shared, call: &Call) -> Option<(usize, usize)> {
    match (call.operation.is_rds(), &call.caller) {
        (true, Caller::Issued { account_index, .. }) => shared
            .region_index
            .get(&call.scope.region)
            .map(|&region_index| (*account_index, region_index)),
        _ => None,
    }
}

fn count_per_target(shared: &Shared, call: &Call, target: Option<(usize, usize)>) {
    match (call.operation, &call.caller, target) {
        (Operation::DescribeDbInstances, _, Some((a, r))) => shared.counters.describe(a, r),
        (Operation::DescribePendingMaintenanceActions, _, Some((a, r))) => {
            shared.counters.pending_maintenance(a, r)
        }
        (Operation::DescribeDbClusters, _, Some((a, r))) => shared.counters.describe_clusters(a, r),
        (Operation::Kind(kind), _, Some((a, r))) => shared.counters.kind_call(kind, a, r),
        (
            Operation::DescribeDbSnapshots | Operation::DescribeDbClusterSnapshots,
            _,
            Some((a, r)),
        ) => shared.counters.target_call(call.operation, a, r),
        (Operation::DescribeDbSnapshotAttributes, _, Some((a, r))) => {
            let named = rds_snapshots::DB_SNAPSHOTS.named_identifier(call);
            shared
                .counters
                .snapshot_attributes(call.operation, (a, r), named)
        }
        (Operation::DescribeDbClusterSnapshotAttributes, _, Some((a, r))) => {
            let named = rds_snapshots::DB_CLUSTER_SNAPSHOTS.named_identifier(call);
            shared
                .counters
                .snapshot_attributes(call.operation, (a, r), named)
        }
        (Operation::DescribeDbMajorEngineVersions, _, _) => shared
            .counters
            .major_engine_versions(&call.scope.region, call.form_field("Engine")),
        (Operation::AssumeRole, _, _) => shared
            .counters
            .assume_role_request(call.form_field("RoleArn"), &call.scope.region),
        (Operation::GetProducts, caller, _) => shared.counters.price_list_call(
            pricing::price_key(call.json()),
            &call.scope.region,
            call.json().get("NextToken").is_none_or(Value::is_null),
            matches!(caller, Caller::Issued { .. }),
        ),
        (Operation::ListRegions, caller, _) => {
            if let Some(account_index) = account::list_regions_account(shared, call, caller) {
                shared.counters.list_regions(account_index);
            }
        }
        _ => {}
    }
}

/// 400 `Throttling` (429 `TooManyRequestsException` for REST-JSON), counted.
fn throttling_reply(shared: &Shared, protocol: Protocol, target: Option<(usize, usize)>) -> Reply {
    shared.counters.throttled();
    if let Some((a, r)) = target {
        shared.counters.throttled_target(a, r);
    }
    let status = match protocol {
        Protocol::Query { .. } | Protocol::AwsJson => StatusCode::BAD_REQUEST,
        Protocol::RestJson => StatusCode::TOO_MANY_REQUESTS,
    };
    let code = match protocol {
        Protocol::AwsJson => "ThrottlingException",
        _ => protocol.pick("Throttling", "TooManyRequestsException"),
    };
    error_reply(shared, protocol, status, code, "Rate exceeded")
}

/// Latency first, then one independent draw per fault kind; `None` lets the call through.
/// The draws depend on the request and on how many times it arrived before, not on what else
/// is in flight: for a seed, the nth attempt of a request meets the same faults in every run,
/// however the runtime interleaves the callers.
async fn inject_faults(
    shared: &Shared,
    call: &Call,
    target: Option<(usize, usize)>,
) -> Option<Reply> {
    let config = &shared.config;
    let protocol = call.protocol;
    let jitter = config.jitter.mul_f64(shared.jitter_rng.unit_f64());
    let latency = match (call.operation, config.sts_latency) {
        (Operation::AssumeRole, Some(sts_latency)) => sts_latency,
        _ => config.latency,
    };
    let delay = latency + jitter;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if config.hang_rate <= 0.0 && config.throttle_rate <= 0.0 && config.unavailable_rate <= 0.0 {
        return None;
    }
    let mut draws = fault_draws(shared, call);
    if draws.chance(config.hang_rate) {
        return Some(hang(shared).await);
    }
    if draws.chance(config.throttle_rate) {
        return Some(throttling_reply(shared, protocol, target));
    }
    if draws.chance(config.unavailable_rate) {
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

/// The fault draws of this arrival of `call`: seeded by (seed, its identity, its attempt).
fn fault_draws(shared: &Shared, call: &Call) -> SplitMix64 {
    let identity = request_identity(call);
    let attempt = {
        let mut attempts = shared
            .attempts
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let seen = attempts.entry(identity).or_insert(0);
        *seen += 1;
        *seen
    };
    SplitMix64::new(hash_parts(&[
        shared.config.seed,
        identity,
        attempt,
        FAULT_SALT,
    ]))
}

const FAULT_SALT: u64 = 0xFA17;

/// What makes two arrivals the same request (a retry): the operation, the region it is
/// signed for, whose keys sign it (the account, not the key: refreshed keys retry the same
/// request) and its parameters. An AssumeRole's session name is left out: a caller may make
/// it unique per attempt.
fn request_identity(call: &Call) -> u64 {
    let caller = match call.caller {
        Caller::Base => 0,
        Caller::Issued { account_index, .. } => account_index as u64 + 1,
    };
    let params = match &call.params {
        Params::Form(form) => {
            let mut fields: Vec<(&String, &String)> = form
                .iter()
                .filter(|(name, _)| name.as_str() != "RoleSessionName")
                .collect();
            fields.sort_unstable();
            fields.iter().fold(0, |acc, (name, value)| {
                hash_parts(&[acc, hash_str(name), hash_str(value)])
            })
        }
        Params::Json(value) => hash_str(&value.to_string()),
    };
    hash_parts(&[
        hash_str(&format!("{:?}", call.operation)),
        hash_str(&call.scope.region),
        caller,
        params,
    ])
}

/// Never answers. hyper drops this future (and with it the in-flight guard) when the
/// client closes the connection or the server stops.
async fn hang(shared: &Shared) -> Reply {
    shared.counters.hung();
    std::future::pending().await
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_look_like_uuids() {
        let shared = Shared::new(FakeConfig::default());
        let id = shared.request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
        assert_ne!(id, shared.request_id());
    }
}
