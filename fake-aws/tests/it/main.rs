//! fake-aws's integration tests, one crate: the helpers in `tests/common/` compile once and the
//! suite links once. Each module talks to a running fake, over HTTP or through the AWS SDK.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

/// The HTTP surface: routing, protocols, errors, the `/_fake/` control paths.
mod http_api;
/// DB clusters through aws-sdk-rds.
mod sdk_clusters;
/// Every member of every record the fake serves is set and parsed by the SDK.
mod sdk_complete_record;
/// The kinds beyond instances, clusters and snapshots through aws-sdk-rds.
mod sdk_kinds;
/// The Price List API through aws-sdk-pricing.
mod sdk_pricing;
/// Instances, STS and the account API through the SDK, round trip.
mod sdk_round_trip;
/// Both snapshot kinds through aws-sdk-rds.
mod sdk_snapshots;
