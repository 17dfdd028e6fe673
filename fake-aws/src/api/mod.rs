//! Request dispatch: parsing the call, per-target counting, fault injection, and handing it
//! to the operation's handler (the handlers and what they share sit below, in `shared`).

use crate::counters::Operation;
use crate::kinds;
use crate::record_parts::hash_str;
use crate::request::{parse_credential_scope, parse_form, CredentialScope};
use crate::rng::{hash_parts, SplitMix64};
use crate::xml::{RDS_NAMESPACE, STS_NAMESPACE};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::AUTHORIZATION;
use hyper::{Request, StatusCode};
use serde_json::{json, Value};
use std::sync::PoisonError;
use std::time::Instant;

mod account;
mod cloudwatch;
mod pricing;
mod rds;
mod rds_clusters;
mod rds_extra;
mod rds_kinds;
mod rds_snapshots;
mod shared;
mod sts;

pub use cloudwatch::{utilization_profile, UtilizationProfile};
pub use shared::TargetFailure;
use shared::{error_reply, hang, reply, throttling_reply, Call, Caller, Params, Protocol};
pub(crate) use shared::{json_reply, Reply, Shared};

/// Query bodies are a few hundred bytes; anything near this is not the SDK talking.
const MAX_BODY_BYTES: usize = 1 << 20;
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
        Operation::GetMetricData => cloudwatch::get_metric_data(shared, &call).await,
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
        "monitoring" => {
            let protocol = Protocol::Cbor;
            let params = if body.is_empty() {
                json!({})
            } else {
                crate::cbor::decode(body).ok_or_else(|| {
                    shared.counters.call(Operation::Unsupported);
                    Box::new(error_reply(
                        shared,
                        protocol,
                        StatusCode::BAD_REQUEST,
                        "SerializationException",
                        "The request body is not valid CBOR.",
                    ))
                })?
            };
            let operation = if path == cloudwatch::GET_METRIC_DATA_PATH {
                Operation::GetMetricData
            } else {
                Operation::Unsupported
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
