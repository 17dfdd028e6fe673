//! The registry of resource kinds that each have one RDS Describe operation of their own and
//! nothing else in the fake depends on: automated backups, proxies, blue/green deployments,
//! global clusters, reserved instances, parameter groups and their parameters. A kind is one
//! file here (its record and generator, built on `resource`) plus one line in `KINDS` and one
//! in `config.rs`'s `resource_kinds!`; the API handler, counters, CLI flags and expectations
//! iterate that list.

use crate::config::{FakeConfig, ResourceKind};
use crate::rng::hash_parts;

mod backups;
mod blue_green;
mod global_clusters;
mod parameters;
mod proxies;
mod reserved;
mod resource;

pub use resource::FakeResource;
pub(crate) use resource::{KindSpec, Serve};

pub(crate) use parameters::is_attached;
pub use parameters::{
    engine_default_parameters, group_parameters, CLUSTER_FAMILY_DEFAULTS,
    CLUSTER_PARAMETER_FAMILIES, FAMILY_DEFAULTS, PARAMETER_FAMILIES,
};

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

const KIND_COUNT_SALT: u64 = 0xE0;

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
