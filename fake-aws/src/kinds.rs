//! Resource kinds that each have one RDS Describe operation of their own and nothing else in
//! the fake depends on: automated backups, proxies, blue/green deployments, global clusters.
//! A kind is one file here (its record and generator) plus one line in `KINDS`; the API
//! handler, counters, CLI flags and expectations iterate that list.

use crate::config::{FakeConfig, ResourceKind};
use crate::rng::{hash_parts, SplitMix64};
use crate::sink::{JsonSink, Sink, XmlSink};
use serde_json::Value;
use std::fmt;
use std::sync::Arc;

mod backups;
mod blue_green;
mod global_clusters;
mod parameters;
mod proxies;
mod reserved;

pub use parameters::{
    engine_default_parameters, group_parameters, CLUSTER_PARAMETER_FAMILIES, PARAMETER_FAMILIES,
};

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

/// The registry, in `ResourceKind` order.
pub(crate) const KINDS: [&KindSpec; ResourceKind::ALL.len()] = [
    &backups::INSTANCE_BACKUPS,
    &backups::CLUSTER_BACKUPS,
    &proxies::SPEC,
    &blue_green::SPEC,
    &global_clusters::SPEC,
    &reserved::SPEC,
    &parameters::GROUPS,
    &parameters::CLUSTER_GROUPS,
    &parameters::PARAMETERS,
    &parameters::CLUSTER_PARAMETERS,
    &parameters::ENGINE_DEFAULTS,
    &parameters::CLUSTER_ENGINE_DEFAULTS,
];

/// The registry entry of a kind.
pub(crate) fn spec(kind: ResourceKind) -> &'static KindSpec {
    KINDS[kind as usize]
}

/// The kind an RDS `Action` lists, if it is one of these.
pub(crate) fn by_action(action: &str) -> Option<&'static KindSpec> {
    KINDS.iter().copied().find(|spec| spec.action == action)
}

/// The kind a CLI name (`automated-backups`, `proxies`, ...) names.
pub fn kind_by_flag(flag: &str) -> Option<ResourceKind> {
    KINDS
        .iter()
        .find(|spec| spec.flag == Some(flag))
        .map(|spec| spec.kind)
}

impl ResourceKind {
    /// The AWS operation that lists this kind (`DescribeDBProxies`, ...).
    pub fn operation_name(self) -> &'static str {
        spec(self).action
    }

    /// The CLI name of a listing kind's count: `automated-backups`,
    /// `cluster-automated-backups`, `proxies`, `blue-green`, `global-clusters`,
    /// `reserved-instances`, `parameter-groups`, `cluster-parameter-groups`; `None` for the
    /// parameter calls, which list what their groups or families hold.
    pub fn flag(self) -> Option<&'static str> {
        spec(self).flag
    }

    /// Lists a target's own resources (made by `kind_counts`), rather than the parameters of
    /// a group or family.
    pub fn is_listing(self) -> bool {
        spec(self).serve == Serve::List
    }

    /// Global clusters: listed once per account, not per region.
    pub fn is_account_wide(self) -> bool {
        spec(self).account_wide
    }
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

const KIND_COUNT_SALT: u64 = 0xE0;
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

impl FakeConfig {
    /// How many of `kind` target (a, r) makes: 50%..150% of the configured mean, or for an
    /// account-wide kind exactly the configured count.
    pub(crate) fn kind_count_in(&self, kind: ResourceKind, (a, r): (usize, usize)) -> usize {
        let mean = self.kind_count(kind);
        if spec(kind).account_wide {
            return mean;
        }
        let hash = hash_parts(&[self.seed, kind as u64, a as u64, r as u64, KIND_COUNT_SALT]);
        crate::inventory::spread_around(mean, hash)
    }

    /// The resources of `kind` that target (a, r) lists in `generation` (account-wide kinds:
    /// the account's, whatever `r`).
    pub(crate) fn resources_in(
        &self,
        generation: u64,
        kind: ResourceKind,
        (a, r): (usize, usize),
    ) -> Vec<FakeResource> {
        let count = self.kind_count_in(kind, (a, r));
        if count == 0 {
            return Vec::new();
        }
        (spec(kind).generate)(self, generation, (a, r), count)
    }

    /// The resources of `kind` DescribeX answers for one (account, region) (for an
    /// account-wide kind: the account's, from any served region); empty if not configured.
    pub fn target_resources(
        &self,
        kind: ResourceKind,
        account_id: &str,
        region: &str,
    ) -> Vec<FakeResource> {
        match self.target_indices(account_id, region) {
            Some(target) => self.resources_in(self.generation, kind, target),
            None => Vec::new(),
        }
    }

    fn all_resources(&self, kind: ResourceKind, reachable_only: bool) -> Vec<FakeResource> {
        let mut all = Vec::new();
        for (a, account) in self.accounts.iter().enumerate() {
            if reachable_only
                && (self.denied_accounts.contains(account)
                    || self.operation_denied(kind.operation_name(), account))
            {
                continue;
            }
            let reachable: Vec<usize> = (0..self.regions.len())
                .filter(|&r| !reachable_only || self.target_reachable(account, &self.regions[r]))
                .collect();
            if spec(kind).account_wide {
                if let Some(&r) = reachable.first() {
                    all.extend(self.resources_in(self.generation, kind, (a, r)));
                }
            } else {
                for r in reachable {
                    all.extend(self.resources_in(self.generation, kind, (a, r)));
                }
            }
        }
        all
    }

    /// Every resource of `kind`, in config order (account-wide kinds once per account).
    pub fn resources(&self, kind: ResourceKind) -> Vec<FakeResource> {
        self.all_resources(kind, false)
    }

    /// The resources of `kind` a correct client can list: as `reachable_inventory`, and
    /// without accounts where `denied_operations` refuses its operation; an account-wide kind counts when any of the account's
    /// regions is reachable.
    pub fn reachable_resources(&self, kind: ResourceKind) -> Vec<FakeResource> {
        self.all_resources(kind, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::unpopulated;

    #[test]
    fn the_registry_is_in_kind_order_and_names_are_unique() {
        for (position, kind) in ResourceKind::ALL.iter().enumerate() {
            assert_eq!(KINDS[position].kind, *kind);
            assert_eq!(
                by_action(kind.operation_name()).map(|s| s.kind),
                Some(*kind)
            );
            if let Some(flag) = kind.flag() {
                assert_eq!(kind_by_flag(flag), Some(*kind));
            }
            assert_eq!(kind.flag().is_some(), kind.is_listing());
        }
    }

    #[test]
    fn every_member_is_set_and_defaults_make_nothing() {
        let mut config = FakeConfig::with_accounts(2);
        assert!(ResourceKind::ALL
            .iter()
            .all(|kind| config.resources(*kind).is_empty()));
        for kind in ResourceKind::ALL {
            config.kind_counts.insert(kind, 4);
        }
        // Members of the SDK types (aws-sdk-rds 1.159), in `ResourceKind` order.
        let members = [35, 28, 18, 11, 15, 16, 4, 4];
        for (kind, members) in ResourceKind::ALL.into_iter().zip(members) {
            let all = config.resources(kind);
            assert!(!all.is_empty(), "{kind:?}");
            for resource in all {
                let record = resource.record_json();
                assert_eq!(
                    record.as_object().map(|o| o.len()),
                    Some(members),
                    "{kind:?}"
                );
                let mut found = Vec::new();
                unpopulated(&resource.record_json(), "", &mut found);
                // A secondary of a global cluster has no readers, as AWS reports it.
                found.retain(|path| !path.ends_with(".readers"));
                assert!(
                    found.is_empty(),
                    "{kind:?} {}: {found:?}",
                    resource.identifier
                );
            }
        }
    }
}
