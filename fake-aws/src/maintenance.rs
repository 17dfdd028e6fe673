//! RDS `DescribePendingMaintenanceActions` data: a few instances have one or two pending
//! actions (a pure function of the instance, like the rest of its record), and every non-empty
//! target also lists one *cluster* whose name equals an instance identifier, so only a
//! consumer that joins on the full instance ARN gets it right.

use crate::cluster::FakeCluster;
use crate::config::FakeConfig;
use crate::inventory::{identifier_for, FakeInstance};
use crate::record_parts::{hash_str, partition, RecordShape, DAY, REFERENCE_UNIX};
use crate::rng::hash_parts;
use crate::sink::{JsonSink, Sink};
use serde_json::Value;

/// One pending maintenance action; dates are Unix seconds.
pub(crate) struct Action {
    action: &'static str,
    description: &'static str,
    auto_applied_after: Option<i64>,
    forced_apply: Option<i64>,
    current_apply: Option<i64>,
    opt_in_status: Option<&'static str>,
}

const KINDS: [(&str, &str); 4] = [
    ("system-update", "New Operating System update is available"),
    (
        "db-upgrade",
        "Automatic minor version upgrade to the preferred version",
    ),
    (
        "hardware-maintenance",
        "Hardware maintenance on the underlying host",
    ),
    (
        "ca-certificate-rotation",
        "Rotate the server certificate to the new CA",
    ),
];

/// The instance's pending actions: none while `creating`; two (every field set) for
/// `Complete` records; else about 12% have one and 5% two, with some dates absent.
pub(crate) fn instance_actions(instance: &FakeInstance) -> Vec<Action> {
    if instance.status == "creating" {
        return Vec::new();
    }
    let seed = hash_str(&instance.resource_id);
    let draw = |purpose: u64| hash_parts(&[seed, 100 + purpose]);
    let complete = instance.record_shape() == RecordShape::Complete;
    let count = if complete {
        2
    } else {
        match draw(0) % 100 {
            0..=11 => 1,
            12..=16 => 2,
            _ => 0,
        }
    };
    (0..count)
        .map(|i| {
            let (action, description) = KINDS[((draw(1) + i) % 4) as usize];
            let auto = REFERENCE_UNIX + (7 + (draw(2 + i) % 30) as i64) * DAY;
            let opt_in = ["next-maintenance", "immediate"][(draw(6 + i) % 2) as usize];
            Action {
                action,
                description,
                auto_applied_after: (complete || draw(8 + i) % 2 == 0).then_some(auto),
                forced_apply: (complete || draw(10 + i) % 3 == 0).then_some(auto + 30 * DAY),
                current_apply: (complete || draw(12 + i) % 2 == 0)
                    .then_some(REFERENCE_UNIX + (1 + (draw(4 + i) % 14) as i64) * DAY),
                opt_in_status: (complete || draw(14 + i) % 3 != 0).then_some(opt_in),
            }
        })
        .collect()
}

/// A cluster's own actions (listed with `cluster_maintenance`): two, every field set, for a
/// `Complete` record (the first configured cluster of a target); else about 1 in 3 has one.
pub(crate) fn cluster_actions(cluster: &FakeCluster) -> Vec<Action> {
    let seed = hash_str(&cluster.resource_id);
    let draw = |purpose: u64| hash_parts(&[seed, 200 + purpose]);
    let complete = cluster.record_shape() == RecordShape::Complete;
    let count = if complete {
        2
    } else {
        u64::from(draw(0) % 3 == 0)
    };
    (0..count)
        .map(|i| {
            let (action, description) = KINDS[((draw(1) + i) % 4) as usize];
            let auto = REFERENCE_UNIX + (5 + (draw(2 + i) % 20) as i64) * DAY;
            Action {
                action,
                description,
                auto_applied_after: Some(auto),
                forced_apply: (complete || draw(4 + i) % 2 == 0).then_some(auto + 21 * DAY),
                current_apply: Some(auto),
                opt_in_status: Some("next-maintenance"),
            }
        })
        .collect()
}

fn decoy_cluster_actions() -> Vec<Action> {
    vec![Action {
        action: "system-update",
        description: "Cluster-level operating system update",
        auto_applied_after: Some(REFERENCE_UNIX + 10 * DAY),
        forced_apply: None,
        current_apply: Some(REFERENCE_UNIX + 10 * DAY),
        opt_in_status: Some("next-maintenance"),
    }]
}

/// The cluster resource listed first for every non-empty target: named like the target's
/// first instance (`db-...-0000`), so a join on the name alone picks up its action.
pub(crate) fn cluster_arn(account: &str, region: &str) -> String {
    format!(
        "arn:{}:rds:{region}:{account}:cluster:{}",
        partition(region),
        identifier_for(account, region, 0)
    )
}

/// Writes `PendingMaintenanceActionDetails` for `actions`.
fn emit_actions<S: Sink>(s: &mut S, actions: &[Action]) {
    s.list(
        "PendingMaintenanceActionDetails",
        "pending_maintenance_action_details",
        Some(actions.len()),
        |s, i| {
            let action = &actions[i];
            s.item_object("PendingMaintenanceAction", |s| {
                s.text("Action", "action", Some(action.action));
                s.time(
                    "AutoAppliedAfterDate",
                    "auto_applied_after_date",
                    action.auto_applied_after,
                );
                s.time("ForcedApplyDate", "forced_apply_date", action.forced_apply);
                s.text("OptInStatus", "opt_in_status", action.opt_in_status);
                s.time(
                    "CurrentApplyDate",
                    "current_apply_date",
                    action.current_apply,
                );
                s.text("Description", "description", Some(action.description));
            })
        },
    );
}

/// One `ResourcePendingMaintenanceActions` element (without its enclosing element).
pub(crate) fn emit_resource<S: Sink>(s: &mut S, resource_arn: &str, actions: &[Action]) {
    s.text(
        "ResourceIdentifier",
        "resource_identifier",
        Some(resource_arn),
    );
    emit_actions(s, actions);
}

fn actions_json(actions: &[Action]) -> Vec<Value> {
    let mut sink = JsonSink::new();
    emit_actions(&mut sink, actions);
    match sink.finish() {
        Value::Object(mut map) => match map.remove("pending_maintenance_action_details") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// A resource in the order DescribePendingMaintenanceActions lists a target: position 0 is
/// the decoy cluster, positions 1..=count the instances, then `clusters` in order.
pub(crate) fn resource_at(
    config: &FakeConfig,
    generation: u64,
    account_index: usize,
    region_index: usize,
    position: usize,
    clusters: &[FakeCluster],
) -> (String, Vec<Action>) {
    if position == 0 {
        let account = &config.accounts[account_index];
        let region = &config.regions[region_index];
        return (cluster_arn(account, region), decoy_cluster_actions());
    }
    let instance_count = config.instance_count_in(generation, account_index, region_index);
    if let Some(cluster) = position
        .checked_sub(instance_count + 1)
        .and_then(|index| clusters.get(index))
    {
        return (cluster.arn.clone(), cluster_actions(cluster));
    }
    let instance = config.instance_in(generation, account_index, region_index, position - 1);
    let actions = instance_actions(&instance);
    (instance.arn, actions)
}

/// How many resources `resource_at` walks: none for a target without instances, else the
/// decoy cluster, the instances and `clusters` (those listed with `cluster_maintenance`).
pub(crate) fn resource_count(instance_count: usize, clusters: &[FakeCluster]) -> usize {
    if instance_count == 0 {
        0
    } else {
        1 + instance_count + clusters.len()
    }
}

impl FakeConfig {
    /// The clusters DescribePendingMaintenanceActions walks: all of the target's with
    /// `cluster_maintenance`, else none.
    pub(crate) fn maintenance_clusters(
        &self,
        generation: u64,
        a: usize,
        r: usize,
    ) -> Vec<FakeCluster> {
        if self.cluster_maintenance {
            self.clusters_in(generation, a, r)
        } else {
            Vec::new()
        }
    }
}

impl FakeCluster {
    /// The cluster's own pending maintenance actions, in the shape of
    /// `FakeInstance::pending_maintenance_actions`; served only with `cluster_maintenance`.
    pub fn pending_maintenance_actions(&self) -> Vec<Value> {
        actions_json(&cluster_actions(self))
    }
}

impl FakeInstance {
    /// The instance's pending maintenance actions as DescribePendingMaintenanceActions serves
    /// them: objects with `action`, `description`, `auto_applied_after_date`,
    /// `forced_apply_date`, `current_apply_date` (RFC 3339 or null) and `opt_in_status`.
    /// Empty for most instances.
    pub fn pending_maintenance_actions(&self) -> Vec<Value> {
        actions_json(&instance_actions(self))
    }
}

impl FakeConfig {
    /// Everything DescribePendingMaintenanceActions lists for one (account, region), in
    /// order: (resource ARN, actions as in `FakeInstance::pending_maintenance_actions`). The
    /// first entry is the cluster `arn:...:cluster:db-XXXX-REGION-0000`, then instances, then
    /// (with `cluster_maintenance`) the target's clusters that have actions; empty targets
    /// (and unknown accounts or regions) list nothing.
    pub fn pending_maintenance(&self, account_id: &str, region: &str) -> Vec<(String, Vec<Value>)> {
        let account_index = self.accounts.iter().position(|a| a == account_id);
        let region_index = self.regions.iter().position(|r| r == region);
        let (Some(a), Some(r)) = (account_index, region_index) else {
            return Vec::new();
        };
        let count = self.instance_count(a, r);
        let clusters = self.maintenance_clusters(self.generation, a, r);
        (0..resource_count(count, &clusters))
            .map(|position| resource_at(self, self.generation, a, r, position, &clusters))
            .filter(|(_, actions)| !actions.is_empty())
            .map(|(arn, actions)| (arn, actions_json(&actions)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn some_instances_have_actions_and_complete_ones_have_two() {
        let config = FakeConfig {
            instances_per_target: 60,
            ..FakeConfig::with_accounts(2)
        };
        let all = config.inventory();
        let with_actions = all
            .iter()
            .filter(|i| !i.pending_maintenance_actions().is_empty())
            .count();
        assert!(
            with_actions > 10 && with_actions < all.len() / 2,
            "{with_actions}"
        );
        let complete = all
            .iter()
            .find(|i| i.record_shape() == RecordShape::Complete)
            .expect("a complete instance");
        let actions = complete.pending_maintenance_actions();
        assert_eq!(actions.len(), 2);
        assert!(actions[0]
            .as_object()
            .expect("object")
            .values()
            .all(|v| !v.is_null()));
        assert!(all
            .iter()
            .flat_map(|i| i.pending_maintenance_actions())
            .any(|a| a["forced_apply_date"].is_null()));
    }

    #[test]
    fn a_target_lists_its_cluster_first() {
        let config = FakeConfig::with_accounts(1);
        let account = &config.accounts[0];
        let listed = config.pending_maintenance(account, "us-east-1");
        let (first_arn, _) = &listed[0];
        assert_eq!(
            *first_arn,
            format!("arn:aws:rds:us-east-1:{account}:cluster:db-0000-us-east-1-0000")
        );
        assert!(listed[1..].iter().all(|(arn, _)| arn.contains(":db:")));
    }
}
