//! CloudWatch `GetMetricData` in Smithy RPC v2 CBOR (what aws-sdk-cloudwatch sends): POST
//! `/service/GraniteServiceVersion20100801/operation/GetMetricData`, CBOR both ways. Daily
//! `AWS/RDS` points of the target's DB instances (by `DBInstanceIdentifier`), each instance
//! idle, busy or new by its name ([`utilization_profile`]); at most 500 queries a call,
//! `MaxDatapoints` (and the config's `metric_datapoints_per_page`) paged with `NextToken`;
//! the RDS target checks (denied operation `GetMetricData`, throttling, ...) first.

use super::rds::rds_target_checks;
use super::shared::{cbor_reply, error_reply, with_request_id, Call, Reply, Shared};
use crate::cbor::Cbor;
use crate::config::MAX_DATAPOINTS;
use crate::record_parts::hash_str;
use hyper::StatusCode;
use serde_json::Value;
use std::collections::HashMap;

/// The path the SDK posts GetMetricData to.
pub(super) const GET_METRIC_DATA_PATH: &str =
    "/service/GraniteServiceVersion20100801/operation/GetMetricData";
/// GetMetricData's limit of metric queries per call.
pub const MAX_QUERIES: usize = 500;
const DAY: i64 = 86_400;

/// What an instance's CloudWatch points look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UtilizationProfile {
    /// A point every day; DatabaseConnections 0 every day.
    Idle,
    /// A point every day; connections every day.
    Busy,
    /// Points for the window's last three days only (a new instance), no connection yet:
    /// too few points to call it idle.
    New,
}

/// The profile of the instance named `identifier`: about a quarter idle, a quarter new.
pub fn utilization_profile(identifier: &str) -> UtilizationProfile {
    match hash_str(identifier) % 4 {
        0 => UtilizationProfile::Idle,
        1 => UtilizationProfile::New,
        _ => UtilizationProfile::Busy,
    }
}

/// The daily value of `metric` (`statistic`) on day `day` (days since the epoch) for an
/// instance, or `None` when there is no point (Aurora's FreeStorageSpace).
fn value(identifier: &str, aurora: bool, metric: &str, statistic: &str, day: i64) -> Option<f64> {
    let idle = utilization_profile(identifier) != UtilizationProfile::Busy;
    let wobble = (hash_str(identifier).wrapping_add(day as u64) % 30) as f64;
    Some(match (metric, statistic) {
        ("DatabaseConnections", _) if idle => 0.0,
        ("DatabaseConnections", _) => 3.0 + wobble,
        ("CPUUtilization", "Maximum") if idle => 4.0,
        ("CPUUtilization", "Maximum") => 60.0 + wobble,
        ("CPUUtilization", _) if idle => 1.5,
        ("CPUUtilization", _) => 20.0 + wobble,
        ("ReadIOPS" | "WriteIOPS", _) if idle => 0.5,
        ("ReadIOPS" | "WriteIOPS", _) => 100.0 + wobble,
        ("FreeStorageSpace", _) if aurora => return None,
        ("FreeStorageSpace", _) => 20e9 - wobble * 1e8,
        _ => return None,
    })
}

fn validation(shared: &Shared, call: &Call, message: &str) -> Reply {
    error_reply(
        shared,
        call.protocol,
        StatusCode::BAD_REQUEST,
        "ValidationError",
        message,
    )
}

/// One query as asked: id, metric, statistic and the instance it names.
struct Query {
    id: String,
    metric: String,
    statistic: String,
    identifier: String,
}

fn queries(params: &Value) -> Option<Vec<Query>> {
    params
        .get("MetricDataQueries")?
        .as_array()?
        .iter()
        .map(|q| {
            let stat = q.get("MetricStat")?;
            let metric = stat.get("Metric")?;
            let identifier = metric
                .get("Dimensions")?
                .as_array()?
                .iter()
                .find(|d| d.get("Name").and_then(Value::as_str) == Some("DBInstanceIdentifier"))?
                .get("Value")?
                .as_str()?;
            Some(Query {
                id: q.get("Id")?.as_str()?.to_owned(),
                metric: metric.get("MetricName")?.as_str()?.to_owned(),
                statistic: stat.get("Stat")?.as_str()?.to_owned(),
                identifier: identifier.to_owned(),
            })
        })
        .collect()
}

pub(super) async fn get_metric_data(shared: &Shared, call: &Call) -> Reply {
    let (account_index, region_index) = match rds_target_checks(shared, call, "GetMetricData") {
        Ok(target) => target,
        Err(refusal) => return refusal.answer(shared).await,
    };
    let params = call.json();
    let Some(queries) = queries(params) else {
        return validation(shared, call, "MetricDataQueries: each query needs an Id and a MetricStat with a DBInstanceIdentifier dimension.");
    };
    if queries.is_empty() || queries.len() > MAX_QUERIES {
        return validation(
            shared,
            call,
            "The collection MetricDataQueries must not have a size greater than 500 or be empty.",
        );
    }
    let time = |name: &str| params.get(name).and_then(Value::as_f64).map(|t| t as i64);
    let (Some(start), Some(end)) = (time("StartTime"), time("EndTime")) else {
        return validation(shared, call, "StartTime and EndTime are required.");
    };
    let per_page = params
        .get("MaxDatapoints")
        .and_then(Value::as_u64)
        .map_or(MAX_DATAPOINTS, |n| n as usize)
        .min(shared.config.metric_datapoints_per_page)
        .max(1);
    let first = match params.get("NextToken").and_then(Value::as_str) {
        None => 0,
        Some(token) => match token
            .strip_prefix("cw1-")
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) if n < queries.len() => n,
            _ => {
                return error_reply(
                    shared,
                    call.protocol,
                    StatusCode::BAD_REQUEST,
                    "InvalidNextToken",
                    "The NextToken is not valid.",
                )
            }
        },
    };
    // The target's instances: only they have points.
    let config = &shared.config;
    let instances: HashMap<String, bool> = (0..config.instance_count(account_index, region_index))
        .map(|i| config.instance(account_index, region_index, i))
        .map(|instance| (instance.identifier, instance.engine.starts_with("aurora")))
        .collect();
    let days: Vec<i64> = (start.div_euclid(DAY)..end.div_euclid(DAY)).collect();
    let mut results = Vec::new();
    let mut points = 0;
    let mut next = None;
    for (index, query) in queries.iter().enumerate().skip(first) {
        let series: Vec<(i64, f64)> = match instances.get(&query.identifier) {
            None => Vec::new(),
            Some(aurora) => {
                let new = utilization_profile(&query.identifier) == UtilizationProfile::New;
                let skip = if new { days.len().saturating_sub(3) } else { 0 };
                days.iter()
                    .skip(skip)
                    .filter_map(|day| {
                        let v = value(
                            &query.identifier,
                            *aurora,
                            &query.metric,
                            &query.statistic,
                            *day,
                        )?;
                        Some((day * DAY, v))
                    })
                    .collect()
            }
        };
        if index > first && points + series.len() > per_page {
            next = Some(format!("cw1-{index}"));
            break;
        }
        points += series.len();
        results.push(Cbor::Map(vec![
            ("Id".into(), Cbor::Text(query.id.clone())),
            ("Label".into(), Cbor::Text(query.metric.clone())),
            (
                "Timestamps".into(),
                Cbor::Array(series.iter().map(|(t, _)| Cbor::Time(*t)).collect()),
            ),
            (
                "Values".into(),
                Cbor::Array(series.iter().map(|(_, v)| Cbor::Double(*v)).collect()),
            ),
            ("StatusCode".into(), Cbor::Text("Complete".into())),
        ]));
    }
    let mut answer = vec![
        ("MetricDataResults".into(), Cbor::Array(results)),
        ("Messages".into(), Cbor::Array(Vec::new())),
    ];
    if let Some(token) = next {
        answer.push(("NextToken".into(), Cbor::Text(token)));
    }
    with_request_id(
        cbor_reply(StatusCode::OK, &Cbor::Map(answer)),
        &shared.request_id(),
    )
}
