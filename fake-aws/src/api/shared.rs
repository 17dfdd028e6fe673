//! What every handler of the API shares: the server's state (`Shared`), the parsed call
//! (`Call`), and the answers every operation may give (replies, errors, throttling, hangs).

use crate::cbor::{encode, Cbor};
use crate::config::{FakeConfig, ResourceKind};
use crate::counters::{Counters, Operation};
use crate::kinds::FakeResource;
use crate::request::CredentialScope;
use crate::rng::{hash_parts, SharedSplitMix64};
use crate::snapshot::{FakeSnapshot, SnapshotKind};
use crate::xml;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Response, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime};

pub(crate) type Reply = Response<Full<Bytes>>;

/// Who the fake says a non-issued (base) key belongs to in error messages.
pub(super) const BASE_IDENTITY_ARN: &str = "arn:aws:iam::000000000000:user/fake-aws-base-identity";

pub(super) const TARGET_DISABLED: u8 = 1;
pub(super) const TARGET_MALFORMED: u8 = 2;
pub(super) const TARGET_HANGS: u8 = 4;
pub(super) const TARGET_TRUNCATED: u8 = 8;
pub(super) const TARGET_STUCK: u8 = 16;
pub(super) const TARGET_THROTTLE_WINDOW: u8 = 32;
pub(super) const TARGET_THROTTLE_FOREVER: u8 = 64;
pub(super) const TARGET_ACCESS_DENIED: u8 = 128;

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
pub(super) struct ThrottleWindow {
    pub(super) duration: Duration,
    pub(super) first_call: OnceLock<Instant>,
}

/// Credentials the fake issued, and what it enforces about them.
pub(super) struct Session {
    pub(super) account_index: usize,
    pub(super) enforced_until: Instant,
}

/// Everything a request handler can see; one per server.
pub(crate) struct Shared {
    pub(crate) config: FakeConfig,
    pub(crate) counters: Arc<Counters>,
    pub(super) account_index: HashMap<String, usize>,
    pub(super) region_index: HashMap<String, usize>,
    /// `TARGET_*` bits per target, indexed like the config: `account * regions + region`.
    pub(super) target_flags: Vec<u8>,
    pub(super) sessions: Mutex<HashMap<String, Session>>,
    pub(super) issued_secrets: Mutex<Vec<String>>,
    /// For the latency jitter (timing only: faults are drawn per request, see `fault_draws`).
    pub(super) jitter_rng: SharedSplitMix64,
    /// Arrivals so far per request identity (see `request_identity`): the nth attempt of a
    /// request draws its faults from (seed, identity, n).
    pub(super) attempts: Mutex<HashMap<u64, u64>>,
    /// For secrets and request ids: varies per server so no two runs issue the same keys.
    pub(super) entropy: SharedSplitMix64,
    /// By flat target index (`account * regions + region`).
    pub(super) throttle_windows: HashMap<usize, ThrottleWindow>,
    /// The inventory generation served now (`FakeAws::set_generation`).
    pub(crate) generation: AtomicU64,
    /// By flat target index; `has_runtime_failures` keeps the common path lock-free.
    pub(super) runtime_failures: RwLock<HashMap<usize, TargetFailure>>,
    pub(super) has_runtime_failures: AtomicBool,
    /// A target's snapshots as last made, for the attribute calls: each asks about one, and
    /// remaking all of them per call made the fake the bottleneck of a benchmark.
    pub(super) snapshot_memo: Mutex<HashMap<SnapshotMemoKey, Arc<Vec<FakeSnapshot>>>>,
    /// A target's resources of one `ResourceKind`, made once for all its pages.
    pub(super) kind_memo: Mutex<HashMap<KindMemoKey, Arc<Vec<FakeResource>>>>,
}

/// (generation, kind, account index, region index; `usize::MAX` for account-wide kinds).
pub(super) type KindMemoKey = (u64, ResourceKind, usize, usize);

/// (generation, account index, region index, kind).
pub(super) type SnapshotMemoKey = (u64, usize, usize, SnapshotKind);

/// What `memo` holds for `key`, else what `make` makes, kept (up to `SNAPSHOT_MEMO_TARGETS`
/// keys, then the memo starts over).
pub(super) fn remembered<K: std::hash::Hash + Eq, V>(
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
pub(super) const SNAPSHOT_MEMO_TARGETS: usize = 4096;

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

    pub(super) fn runtime_failure(
        &self,
        account_index: usize,
        region_index: usize,
    ) -> Option<TargetFailure> {
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
    pub(super) fn target_throttled(&self, account_index: usize, region_index: usize) -> bool {
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

    pub(super) fn target_has(&self, account_index: usize, region_index: usize, flag: u8) -> bool {
        self.target_flags[account_index * self.config.regions.len() + region_index] & flag != 0
    }

    pub(super) fn request_id(&self) -> String {
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
pub(super) enum Protocol {
    /// Form-encoded request, XML answer (STS, RDS).
    Query { namespace: &'static str },
    /// JSON request and answer, errors typed by `x-amzn-ErrorType` (Account).
    RestJson,
    /// awsJson1.1: JSON POST to `/` named by `X-Amz-Target`, errors typed by `__type` (Price
    /// List).
    AwsJson,
    /// Smithy RPC v2 CBOR, query-compatible error codes (CloudWatch).
    Cbor,
}

impl Protocol {
    /// Query and JSON services name the same error differently.
    pub(super) fn pick<'a>(self, query_code: &'a str, json_code: &'a str) -> &'a str {
        match self {
            Protocol::Query { .. } | Protocol::Cbor => query_code,
            Protocol::RestJson | Protocol::AwsJson => json_code,
        }
    }
}

pub(super) enum Caller {
    /// Any key the fake did not issue: may only assume roles.
    Base,
    Issued {
        account_index: usize,
        expired: bool,
    },
}

pub(super) enum Params {
    Form(HashMap<String, String>),
    Json(Value),
}

pub(super) struct Call {
    pub(super) operation: Operation,
    pub(super) protocol: Protocol,
    pub(super) scope: CredentialScope,
    pub(super) caller: Caller,
    pub(super) params: Params,
}

impl Call {
    pub(super) fn form_field(&self, name: &str) -> Option<&str> {
        match &self.params {
            Params::Form(form) => form.get(name).map(String::as_str),
            Params::Json(_) => None,
        }
    }

    pub(super) fn json(&self) -> &Value {
        match &self.params {
            Params::Json(value) => value,
            Params::Form(_) => &Value::Null,
        }
    }
}

pub(super) fn with_request_id(mut response: Reply, request_id: &str) -> Reply {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-amzn-requestid", value);
    }
    response
}

pub(super) fn reply(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Reply {
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

/// A CBOR answer with the headers RPC v2 CBOR answers carry.
pub(super) fn cbor_reply(status: StatusCode, body: &Cbor) -> Reply {
    let mut response = reply(status, "application/cbor", encode(body));
    let headers = response.headers_mut();
    headers.insert("smithy-protocol", HeaderValue::from_static("rpc-v2-cbor"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/cbor"));
    response
}

/// An RPC v2 CBOR error: `__type` in the body and, as CloudWatch is query-compatible, the
/// query error code in `x-amzn-query-error` (`Code;Sender`).
fn cbor_error(status: StatusCode, code: &str, message: &str) -> Reply {
    let body = Cbor::Map(vec![
        ("__type".into(), Cbor::Text(code.to_owned())),
        ("message".into(), Cbor::Text(message.to_owned())),
    ]);
    let mut response = cbor_reply(status, &body);
    let fault = if status.is_server_error() {
        "Receiver"
    } else {
        "Sender"
    };
    if let Ok(value) = HeaderValue::from_str(&format!("{code};{fault}")) {
        response.headers_mut().insert("x-amzn-query-error", value);
    }
    response
}

pub(super) fn error_reply(
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
        Protocol::Cbor => cbor_error(status, code, message),
    };
    with_request_id(response, &request_id)
}

/// 400 `Throttling` (429 `TooManyRequestsException` for REST-JSON), counted.
pub(super) fn throttling_reply(
    shared: &Shared,
    protocol: Protocol,
    target: Option<(usize, usize)>,
) -> Reply {
    shared.counters.throttled();
    if let Some((a, r)) = target {
        shared.counters.throttled_target(a, r);
    }
    let status = match protocol {
        Protocol::Query { .. } | Protocol::AwsJson | Protocol::Cbor => StatusCode::BAD_REQUEST,
        Protocol::RestJson => StatusCode::TOO_MANY_REQUESTS,
    };
    let code = match protocol {
        Protocol::AwsJson => "ThrottlingException",
        _ => protocol.pick("Throttling", "TooManyRequestsException"),
    };
    error_reply(shared, protocol, status, code, "Rate exceeded")
}

/// Never answers. hyper drops this future (and with it the in-flight guard) when the
/// client closes the connection or the server stops.
pub(super) async fn hang(shared: &Shared) -> Reply {
    shared.counters.hung();
    std::future::pending().await
}

pub(super) fn caller_arn(shared: &Shared, caller: &Caller) -> String {
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
