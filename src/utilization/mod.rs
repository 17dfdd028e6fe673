//! `--with utilization`: CloudWatch GetMetricData for a target's DB instances, signed as the
//! target's account. One query per (instance, measure), daily period, 500 queries a call (the
//! API's limit), NextToken followed; a target's instances are asked together, so it makes
//! ceil(queries / 500) calls (and none without instances). CloudWatch bills per metric
//! requested, so each record says how many were asked for it.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_cloudwatch::config::{Region, SharedCredentialsProvider};
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};

use crate::aws::{classify, CallFailure, Phase};
use crate::record::utilization::{Measure, Utilization, Window, DAY_SECONDS};

/// GetMetricData's limit of metric queries per call (without Metrics Insights).
pub const QUERIES_PER_CALL: usize = 500;
/// Attempts of one call, first included (fewer when `--max-attempts` says so): the fields are
/// optional, the run is not.
const MAX_ATTEMPTS: u32 = 3;
/// Longest one call may take, attempts and backoffs included.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// One instance to measure: its identifier (the `DBInstanceIdentifier` dimension) and the
/// measures its engine has.
pub struct Instance<'a> {
    pub identifier: &'a str,
    pub measures: &'static [Measure],
}

/// A CloudWatch client for one account and region: the account's credentials provider, whose
/// cache partition in the run's identity cache its RDS calls share (no second AssumeRole).
pub fn client(
    base: &aws_config::SdkConfig,
    region: &str,
    credentials: SharedCredentialsProvider,
) -> aws_sdk_cloudwatch::Client {
    let retry = base
        .retry_config()
        .cloned()
        .unwrap_or_else(aws_config::retry::RetryConfig::standard);
    let attempts = retry.max_attempts().min(MAX_ATTEMPTS);
    let timeouts = base
        .timeout_config()
        .map_or_else(aws_config::timeout::TimeoutConfig::builder, |t| {
            t.to_builder()
        })
        .operation_timeout(CALL_TIMEOUT)
        .build();
    let mut config = aws_sdk_cloudwatch::config::Builder::from(base)
        .retry_config(retry.with_max_attempts(attempts))
        .timeout_config(timeouts);
    config.set_region(Some(Region::new(region.to_owned())));
    // `set_`: `.credentials_provider(p)` would wrap it in a new cache partition.
    config.set_credentials_provider(Some(credentials));
    aws_sdk_cloudwatch::Client::from_conf(config.build())
}

/// How many GetMetricData calls `instances` take (without NextToken pages).
#[cfg(test)]
pub fn calls_for(instances: &[Instance<'_>]) -> usize {
    let queries: usize = instances.iter().map(|i| i.measures.len()).sum();
    queries.div_ceil(QUERIES_PER_CALL)
}

/// Each instance's utilisation over `window`, in the order given; the first failed call fails
/// all (a denied account is denied every call).
pub async fn measure(
    client: &aws_sdk_cloudwatch::Client,
    window: Window,
    instances: &[Instance<'_>],
) -> Result<Vec<Utilization>, CallFailure> {
    // Query ids must start with a lower-case letter: `q<index>`.
    let queries: Vec<(usize, Measure, MetricDataQuery)> = instances
        .iter()
        .enumerate()
        .flat_map(|(index, instance)| {
            instance
                .measures
                .iter()
                .map(move |measure| (index, *measure, query(instance.identifier, *measure)))
        })
        .enumerate()
        .map(|(n, (index, measure, query))| (index, measure, query.id(format!("q{n}")).build()))
        .collect();
    let mut points: HashMap<String, Vec<f64>> = HashMap::with_capacity(queries.len());
    for batch in queries.chunks(QUERIES_PER_CALL) {
        let batch: Vec<MetricDataQuery> = batch.iter().map(|(_, _, q)| q.clone()).collect();
        let mut token: Option<String> = None;
        loop {
            let answer = client
                .get_metric_data()
                .start_time(window.from)
                .end_time(window.to)
                .set_metric_data_queries(Some(batch.clone()))
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| CallFailure {
                    phase: Phase::Utilization,
                    ..classify(&e)
                })?;
            for result in answer.metric_data_results.unwrap_or_default() {
                if let Some(id) = result.id {
                    points
                        .entry(id)
                        .or_default()
                        .extend(result.values.unwrap_or_default());
                }
            }
            // A token handed back unchanged would page forever.
            match answer.next_token.filter(|t| !t.is_empty()) {
                Some(next) if Some(&next) != token.as_ref() => token = Some(next),
                _ => break,
            }
        }
    }
    let mut by_instance: Vec<HashMap<Measure, Vec<f64>>> = vec![HashMap::new(); instances.len()];
    for (n, (index, measure, _)) in queries.iter().enumerate() {
        let values = points.remove(&format!("q{n}")).unwrap_or_default();
        by_instance[*index].insert(*measure, values);
    }
    Ok(instances
        .iter()
        .zip(by_instance)
        .map(|(instance, values)| {
            Utilization::from_points(window, instance.measures, |m| {
                values.get(&m).map_or(&[][..], Vec::as_slice)
            })
        })
        .collect())
}

/// The query of one (instance, measure), without its id.
fn query(
    identifier: &str,
    measure: Measure,
) -> aws_sdk_cloudwatch::types::builders::MetricDataQueryBuilder {
    let (name, stat) = measure.metric();
    let metric = Metric::builder()
        .namespace("AWS/RDS")
        .metric_name(name)
        .dimensions(
            Dimension::builder()
                .name("DBInstanceIdentifier")
                .value(identifier)
                .build(),
        )
        .build();
    let period = i32::try_from(DAY_SECONDS).unwrap_or(i32::MAX);
    MetricDataQuery::builder()
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period(period)
                .stat(stat)
                .build(),
        )
        .return_data(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_the_queries_over_500_rounded_up_and_none_without_instances() {
        let plain = Measure::of_engine(Some("postgres"));
        let aurora = Measure::of_engine(Some("aurora-mysql"));
        let many: Vec<Instance<'_>> = (0..84)
            .map(|_| Instance {
                identifier: "db",
                measures: plain,
            })
            .collect();
        assert_eq!(calls_for(&many[..83]), 1, "498 queries");
        assert_eq!(calls_for(&many), 2, "504 queries");
        assert_eq!(calls_for(&[]), 0);
        assert_eq!(
            calls_for(&[Instance {
                identifier: "a",
                measures: aurora
            }]),
            1
        );
    }
}
