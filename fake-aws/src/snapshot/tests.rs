use super::*;
use crate::config::SnapshotSharing;
use crate::sink::unpopulated;

fn config(snapshots: usize, cluster_snapshots: usize) -> FakeConfig {
    FakeConfig {
        snapshots_per_target: snapshots,
        cluster_snapshots_per_target: cluster_snapshots,
        clusters_per_target: 2,
        ..FakeConfig::with_accounts(6)
    }
}

#[test]
fn the_default_config_has_no_snapshots() {
    let config = FakeConfig::with_accounts(3);
    assert!(config.snapshots().is_empty());
    assert!(config.cluster_snapshots().is_empty());
}

#[test]
fn snapshots_are_a_pure_function_of_the_config() {
    assert_eq!(config(8, 3).snapshots(), config(8, 3).snapshots());
    let reseeded = FakeConfig {
        seed: 5,
        ..config(8, 3)
    };
    assert_ne!(config(8, 3).snapshots(), reseeded.snapshots());
}

#[test]
fn every_type_source_state_and_sharing_kind_appears() {
    let config = config(12, 6);
    for snapshots in [config.snapshots(), config.cluster_snapshots()] {
        let types: HashSet<SnapshotType> = snapshots.iter().map(|s| s.snapshot_type).collect();
        assert_eq!(types.len(), 3, "{types:?}");
        assert!(snapshots.iter().any(|s| !s.source_exists));
        assert!(snapshots.iter().any(|s| s.source_exists));
        assert!(snapshots.iter().any(FakeSnapshot::shared_publicly));
        assert!(snapshots
            .iter()
            .any(|s| !s.shared_with_outside_accounts(&config.accounts).is_empty()));
        assert!(snapshots.iter().any(|s| {
            let accounts = s.shared_with_accounts();
            !accounts.is_empty() && accounts.iter().all(|id| config.accounts.contains(id))
        }));
        assert!(snapshots
            .iter()
            .any(|s| s.is_manual() && s.restore.is_empty()));
        for snapshot in &snapshots {
            if !snapshot.is_manual() {
                assert!(snapshot.restore.is_empty(), "{}", snapshot.identifier);
                assert!(!snapshot.restore.contains(&snapshot.account_id));
            }
            if snapshot.snapshot_type == SnapshotType::Automated {
                assert!(snapshot.identifier.starts_with("rds:"));
                assert!(snapshot.source_exists);
            }
            assert!(snapshot.snapshot_create_time.as_str() < SNAPSHOT_REFERENCE_TIME);
            assert!(snapshot.source_create_time < snapshot.snapshot_create_time);
        }
    }
}

#[test]
fn identifiers_are_unique_within_a_target_and_orphans_name_retired_sources() {
    let config = config(30, 10);
    let all = [config.snapshots(), config.cluster_snapshots()].concat();
    let arns: HashSet<&String> = all.iter().map(|s| &s.arn).collect();
    assert_eq!(arns.len(), all.len());
    let instances: HashSet<String> = config
        .inventory()
        .into_iter()
        .map(|i| i.identifier)
        .collect();
    for snapshot in &all {
        let exists = match snapshot.kind {
            SnapshotKind::Instance => instances.contains(&snapshot.source_identifier),
            SnapshotKind::Cluster => config
                .target_clusters(&snapshot.account_id, &snapshot.region)
                .iter()
                .any(|c| c.identifier == snapshot.source_identifier),
        };
        assert_eq!(exists, snapshot.source_exists, "{}", snapshot.identifier);
        assert_eq!(!exists, snapshot.source_identifier.contains("-retired-"));
    }
}

#[test]
fn the_first_snapshot_of_a_target_is_complete_manual_and_shared_every_way() {
    let config = config(3, 2);
    let first = config.target_snapshots(&config.accounts[0], "us-east-1")[0].clone();
    let first_cluster =
        config.target_cluster_snapshots(&config.accounts[0], "us-east-1")[0].clone();
    for snapshot in [first, first_cluster] {
        assert_eq!(snapshot.record_shape(), RecordShape::Complete);
        assert!(snapshot.is_manual());
        assert!(snapshot.shared_publicly());
        assert_eq!(snapshot.shared_with_accounts().len(), 2);
        let mut found = Vec::new();
        unpopulated(&snapshot.record_json(), "", &mut found);
        assert!(found.is_empty(), "{found:?}");
    }
}

#[test]
fn records_have_one_key_per_sdk_member() {
    let config = config(10, 10);
    for snapshot in config.snapshots() {
        assert_eq!(
            snapshot.record_json().as_object().map(|m| m.len()),
            Some(42)
        );
    }
    for snapshot in config.cluster_snapshots() {
        assert_eq!(
            snapshot.record_json().as_object().map(|m| m.len()),
            Some(29)
        );
    }
}

#[test]
fn generation_one_orphans_snapshots_of_removed_instances_and_drops_their_automated_ones() {
    let config = FakeConfig {
        automated_snapshot_percent: 60,
        ..config(40, 0)
    };
    let later = FakeConfig {
        generation: 1,
        ..config.clone()
    };
    let before = config.snapshots();
    let after = later.snapshots();
    let orphaned = |list: &[FakeSnapshot]| list.iter().filter(|s| !s.source_exists).count();
    assert!(orphaned(&after) > orphaned(&before));
    assert!(after.len() < before.len());
    assert!(after
        .iter()
        .all(|s| s.source_exists || s.snapshot_type != SnapshotType::Automated));
}

#[test]
fn no_sharing_and_no_snapshot_targets_are_honoured() {
    let private = FakeConfig {
        snapshot_sharing: SnapshotSharing {
            public: 0,
            accounts: 0,
            outside: 0,
        },
        ..config(10, 5)
    };
    assert!(private.snapshots().iter().all(|s| s.restore.is_empty()));
    let none = FakeConfig {
        snapshot_targets_percent: 0,
        ..config(10, 5)
    };
    assert!(none.snapshots().is_empty() && none.cluster_snapshots().is_empty());
}
