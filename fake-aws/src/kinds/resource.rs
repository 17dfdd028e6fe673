//! What every kind shares: how an operation is described (`KindSpec`), how a record is
//! written (`Emit`), the resource the fake serves (`FakeResource`) and how items are drawn.

use crate::config::{FakeConfig, ResourceKind};
use crate::rng::{hash_parts, SplitMix64};
use crate::sink::{JsonSink, Sink, XmlSink};
use serde_json::Value;
use std::fmt;
use std::sync::Arc;

/// How an operation answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Serve {
    /// Pages of the target's resources (`generate`).
    List,
    /// Pages of the parameters of the group its lookup parameter names (required; 404 when
    /// the target has no such group of kind `groups`); `Source` filters.
    GroupParameters { groups: ResourceKind, cluster: bool },
    /// `EngineDefaults` of the family `DBParameterGroupFamily` names (required), paged
    /// inside it.
    EngineDefaults { cluster: bool },
}

/// What the API layer needs to serve one kind.
pub(crate) struct KindSpec {
    pub(crate) kind: ResourceKind,
    /// The AWS operation, also the counter key.
    pub(crate) action: &'static str,
    /// The CLI flag without `--` that sets its count (listing kinds only).
    pub(crate) flag: Option<&'static str>,
    /// The result's list element and its item element.
    pub(crate) list: &'static str,
    pub(crate) item: &'static str,
    /// Marker prefix (`<prefix>-<offset>-<tag>`, bound to the target).
    pub(crate) marker: &'static str,
    /// Listed once per account, the same from every region endpoint.
    pub(crate) account_wide: bool,
    /// The parameter naming one resource (identifier or ARN), and the 404 code when it names
    /// none; without a code the parameter only filters.
    pub(crate) lookup: (&'static str, Option<&'static str>),
    /// `Filters` named `status` apply (the automated backup calls document it).
    pub(crate) status_filter: bool,
    /// The resources of target (a, r) in a generation, `count` of them asked for (the
    /// region index is ignored by account-wide kinds).
    pub(crate) generate: fn(&FakeConfig, u64, (usize, usize), usize) -> Vec<FakeResource>,
    pub(crate) serve: Serve,
}

/// `generate` of the operations that are not listings of a target's resources.
pub(crate) fn nothing(_: &FakeConfig, _: u64, _: (usize, usize), _: usize) -> Vec<FakeResource> {
    Vec::new()
}

/// A record written once against `Sink`, so what is served and what tests expect agree.
pub(crate) trait Emit {
    fn emit<S: Sink>(&self, s: &mut S);
}

/// `Emit` behind a trait object: one `Vec<FakeResource>` holds any kind.
pub(crate) trait Record: Send + Sync {
    fn emit_xml(&self, s: &mut XmlSink<'_>);
    fn emit_json(&self, s: &mut JsonSink);
}

impl<T: Emit + Send + Sync> Record for T {
    fn emit_xml(&self, s: &mut XmlSink<'_>) {
        self.emit(s);
    }
    fn emit_json(&self, s: &mut JsonSink) {
        self.emit(s);
    }
}

/// One resource of a `ResourceKind` as the fake serves it.
#[derive(Clone)]
pub struct FakeResource {
    pub kind: ResourceKind,
    pub account_id: String,
    /// The region it lives in (for a global cluster, its writer's region).
    pub region: String,
    /// What the lookup parameter matches: `DBInstanceIdentifier`, `DBClusterIdentifier`,
    /// `DBProxyName`, `BlueGreenDeploymentIdentifier`, `GlobalClusterIdentifier`.
    pub identifier: String,
    /// The record's own ARN (automated backups: `DBInstanceAutomatedBackupsArn` /
    /// `DBClusterAutomatedBackupsArn`).
    pub arn: String,
    /// `Status` as served (automated backups: `active`, `retained`, `creating`).
    pub status: String,
    record: Arc<dyn Record>,
}

impl FakeResource {
    pub(crate) fn new(
        kind: ResourceKind,
        (account_id, region): (&str, &str),
        (identifier, arn, status): (String, String, String),
        record: Arc<dyn Record>,
    ) -> FakeResource {
        FakeResource {
            kind,
            account_id: account_id.to_string(),
            region: region.to_string(),
            identifier,
            arn,
            status,
            record,
        }
    }

    /// The record with one key per member of the SDK type (snake_case, as the SDK names
    /// them), with the conventions of `FakeInstance::db_instance_json`.
    pub fn record_json(&self) -> Value {
        let mut sink = JsonSink::new();
        self.record.emit_json(&mut sink);
        sink.finish()
    }

    pub(crate) fn emit_xml(&self, s: &mut XmlSink<'_>) {
        self.record.emit_xml(s);
    }

    /// An identifier or ARN names the resource.
    pub(crate) fn is_named(&self, wanted: &str) -> bool {
        self.identifier == wanted || self.arn == wanted
    }
}

impl fmt::Debug for FakeResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeResource")
            .field("kind", &self.kind)
            .field("account_id", &self.account_id)
            .field("region", &self.region)
            .field("identifier", &self.identifier)
            .field("arn", &self.arn)
            .field("status", &self.status)
            .finish()
    }
}

impl PartialEq for FakeResource {
    fn eq(&self, other: &FakeResource) -> bool {
        self.kind == other.kind
            && self.arn == other.arn
            && self.record_json() == other.record_json()
    }
}

const KIND_ITEM_SALT: u64 = 0xE1;

/// The draws of item `index` of `kind` in target (a, r).
pub(crate) fn item_rng(
    config: &FakeConfig,
    kind: ResourceKind,
    (a, r): (usize, usize),
    index: usize,
) -> SplitMix64 {
    SplitMix64::new(hash_parts(&[
        config.seed,
        kind as u64,
        a as u64,
        r as u64,
        index as u64,
        KIND_ITEM_SALT,
    ]))
}

/// `count` resources of `kind` in target (a, r), each from its own draws: `make(index,
/// draws)` gives its (identifier, arn, status) and its record.
pub(crate) fn each_item<R: Record + 'static>(
    config: &FakeConfig,
    kind: ResourceKind,
    (a, r): (usize, usize),
    count: usize,
    mut make: impl FnMut(usize, &mut SplitMix64) -> ((String, String, String), R),
) -> Vec<FakeResource> {
    let place = (config.accounts[a].as_str(), config.regions[r].as_str());
    (0..count)
        .map(|index| {
            let mut rng = item_rng(config, kind, (a, r), index);
            let (identity, record) = make(index, &mut rng);
            FakeResource::new(kind, place, identity, Arc::new(record))
        })
        .collect()
}

/// Tags that are never empty: every member of the records is set.
pub(crate) fn some_tags(rng: &mut SplitMix64) -> Vec<(String, String)> {
    let environment = *rng.pick(crate::inventory::ENVIRONMENTS);
    let mut tags = crate::inventory::generate_tags(rng, environment);
    if tags.is_empty() {
        tags.push(("env".to_string(), environment.to_string()));
    }
    tags
}
