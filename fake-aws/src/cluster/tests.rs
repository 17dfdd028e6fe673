use super::*;
use crate::sink::unpopulated;
use std::collections::{HashMap, HashSet};

fn config(clusters_per_target: usize) -> FakeConfig {
    FakeConfig {
        clusters_per_target,
        ..FakeConfig::with_accounts(6)
    }
}

#[test]
fn without_configured_clusters_instances_are_unchanged_and_only_implied_clusters_exist() {
    let plain = FakeConfig::with_accounts(6);
    let asked = config(3);
    let standalone: Vec<FakeInstance> = asked
        .inventory()
        .into_iter()
        .filter(|i| !i.identifier.starts_with("cl-"))
        .collect();
    assert_eq!(plain.inventory(), standalone);
    let clusters = plain.clusters();
    assert!(!clusters.is_empty());
    assert!(clusters.iter().all(|c| c.implied && c.members.len() == 1));
    let aurora = plain
        .inventory()
        .into_iter()
        .filter(|i| i.db_cluster_identifier.is_some())
        .count();
    assert_eq!(clusters.len(), aurora);
}

#[test]
fn members_carry_their_cluster_and_each_cluster_has_one_writer() {
    let cfg = config(3);
    for (a, account) in cfg.accounts.iter().enumerate() {
        for (r, region) in cfg.regions.iter().enumerate() {
            let instances = cfg.target_inventory(account, region);
            let mut by_cluster: HashMap<&str, HashSet<&str>> = HashMap::new();
            for instance in &instances {
                if let Some(cluster) = &instance.db_cluster_identifier {
                    by_cluster
                        .entry(cluster)
                        .or_default()
                        .insert(&instance.identifier);
                }
            }
            let clusters = cfg.target_clusters(account, region);
            assert_eq!(
                clusters.len() - cfg.configured_cluster_count(a, r),
                clusters.iter().filter(|c| c.implied).count()
            );
            for cluster in &clusters {
                let listed: HashSet<&str> = cluster
                    .members
                    .iter()
                    .map(|m| m.db_instance_identifier.as_str())
                    .collect();
                let carried = by_cluster
                    .remove(cluster.identifier.as_str())
                    .unwrap_or_default();
                assert_eq!(listed, carried, "{}", cluster.identifier);
                let writers = cluster
                    .members
                    .iter()
                    .filter(|m| m.is_cluster_writer)
                    .count();
                assert_eq!(writers, usize::from(!cluster.members.is_empty()));
            }
            assert!(
                by_cluster.is_empty(),
                "instances of unknown clusters: {by_cluster:?}"
            );
        }
    }
}

#[test]
fn cluster_zero_governs_what_its_instances_report_otherwise() {
    let cfg = config(3);
    let mut seen = 0;
    for account in &cfg.accounts {
        for region in &cfg.regions {
            let Some(first) = cfg
                .target_clusters(account, region)
                .into_iter()
                .find(|c| !c.implied)
            else {
                continue;
            };
            assert!(first.identifier.ends_with("-0000"));
            assert!(first.deletion_protection && first.storage_encrypted && first.multi_az);
            assert_eq!(first.backup_retention_period, 7);
            assert_eq!(first.record_shape(), RecordShape::Complete);
            assert!(first.members.len() >= 2);
            for instance in cfg.target_inventory(account, region) {
                if instance.db_cluster_identifier.as_deref() != Some(&first.identifier) {
                    continue;
                }
                assert!(!instance.deletion_protection && !instance.multi_az);
                assert!(instance.storage_encrypted);
                if first.db_cluster_instance_class.is_none() {
                    assert_eq!(instance.allocated_storage, 1);
                }
                seen += 1;
            }
        }
    }
    assert!(seen > 4, "{seen}");
}

#[test]
fn every_kind_appears_and_multi_az_clusters_have_a_class_and_three_members() {
    let all = config(6).clusters();
    let kinds: HashSet<ClusterEngine> = all.iter().filter_map(|c| c.kind).collect();
    assert_eq!(kinds.len(), ClusterEngine::ALL.len());
    for cluster in &all {
        let multi_az = cluster
            .kind
            .is_some_and(ClusterEngine::is_multi_az_db_cluster);
        assert_eq!(cluster.db_cluster_instance_class.is_some(), multi_az);
        if multi_az {
            assert_eq!(cluster.members.len(), 3);
        }
    }
    assert!(all.iter().any(|c| !c.implied && c.members.is_empty()));
    let engines: HashSet<&str> = all.iter().map(|c| c.engine.as_str()).collect();
    for engine in [
        "aurora-postgresql",
        "aurora-mysql",
        "postgres",
        "mysql",
        "docdb",
        "neptune",
    ] {
        assert!(engines.contains(engine), "{engine}");
    }
}

#[test]
fn some_targets_have_no_configured_clusters() {
    let cfg = config(3);
    let counts: Vec<usize> = (0..6)
        .flat_map(|a| (0..2).map(move |r| (a, r)))
        .map(|(a, r)| cfg.configured_cluster_count(a, r))
        .collect();
    assert!(
        counts.contains(&0) && counts.iter().any(|&c| c > 0),
        "{counts:?}"
    );
    let with_members = cfg.targets_with_cluster_members().len();
    assert!(with_members > 0 && with_members < 12, "{with_members}");
}

#[test]
fn json_has_the_sdk_members_and_complete_clusters_fill_every_depth() {
    let all = config(4).clusters();
    for cluster in &all {
        let json = cluster.db_cluster_json();
        assert_eq!(json.as_object().map(|m| m.len()), Some(88));
        if cluster.record_shape() == RecordShape::Complete {
            let mut found = Vec::new();
            unpopulated(&json, "", &mut found);
            assert!(found.is_empty(), "{}: {found:?}", cluster.identifier);
        }
    }
    let shapes: HashSet<RecordShape> = all.iter().map(FakeCluster::record_shape).collect();
    assert_eq!(shapes.len(), 4, "{shapes:?}");
}

#[test]
fn clusters_are_a_pure_function_of_the_config() {
    assert_eq!(config(3).clusters(), config(3).clusters());
    let reseeded = FakeConfig {
        seed: 5,
        ..config(3)
    };
    assert_ne!(config(3).clusters(), reseeded.clusters());
}
