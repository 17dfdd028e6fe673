//! Inventory generation 1: the same inventory a little later. Per target, from a hash: about
//! every 7th instance modified (by index modulo 4: engine version bumped, deletion protection
//! flipped, public access flipped, `team` tag changed), one instance removed in about half
//! the targets, 0-2 instances added at the end. The first non-empty target instead has its
//! instances 0-3 modified (one of each kind), nothing removed, and its last instance renamed
//! (same `DbiResourceId`, identifier + `-renamed`). Still O(1) per instance.

use crate::config::FakeConfig;
use crate::inventory::FakeInstance;
use crate::record_parts::partition;
use crate::rng::hash_parts;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

const GENERATION_SALT: u64 = 0x6E;

/// What generation 1 does to one target.
pub(crate) struct GenerationPlan {
    hash: u64,
    base_count: usize,
    removed: Option<usize>,
    renamed: Option<usize>,
    added: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Modification {
    EngineVersion,
    DeletionProtection,
    PubliclyAccessible,
    TeamTag,
}

impl GenerationPlan {
    /// Instances served in generation 1.
    pub(crate) fn count(&self) -> usize {
        self.base_count - usize::from(self.removed.is_some()) + self.added
    }

    /// The generation-0 index of the instance served at `position` in generation 1 (added
    /// instances continue after the last original index).
    pub(crate) fn base_index(&self, position: usize) -> usize {
        match self.removed {
            Some(removed) if position >= removed => position + 1,
            _ => position,
        }
    }

    fn modification(&self, index: usize) -> Option<Modification> {
        if index >= self.base_count || Some(index) == self.removed || Some(index) == self.renamed {
            return None;
        }
        // The rename target shows every kind on its first four instances; elsewhere about
        // every 7th instance changes.
        let modified = if self.renamed.is_some() {
            index < 4
        } else {
            (index as u64).wrapping_add(self.hash).is_multiple_of(7)
        };
        if !modified {
            return None;
        }
        Some(match index % 4 {
            0 => Modification::EngineVersion,
            1 => Modification::DeletionProtection,
            2 => Modification::PubliclyAccessible,
            _ => Modification::TeamTag,
        })
    }

    /// Turns the generation-0 instance at `index` into its generation-1 self.
    pub(crate) fn apply(&self, index: usize, instance: &mut FakeInstance) {
        match self.modification(index) {
            Some(Modification::EngineVersion) => {
                instance.engine_version = bump_last_number(&instance.engine_version)
            }
            Some(Modification::DeletionProtection) => {
                instance.deletion_protection = !instance.deletion_protection
            }
            Some(Modification::PubliclyAccessible) => {
                instance.publicly_accessible = !instance.publicly_accessible
            }
            Some(Modification::TeamTag) => {
                match instance.tags.iter_mut().find(|(key, _)| key == "team") {
                    Some((_, value)) => *value = "reorganised".to_string(),
                    None => instance
                        .tags
                        .push(("team".to_string(), "reorganised".to_string())),
                }
            }
            None => {}
        }
        if Some(index) == self.renamed {
            let new_identifier = format!("{}-renamed", instance.identifier);
            if let Some(address) = &mut instance.endpoint_address {
                *address = address.replacen(&instance.identifier, &new_identifier, 1);
            }
            instance.arn = format!(
                "arn:{}:rds:{}:{}:db:{new_identifier}",
                partition(&instance.region),
                instance.region,
                instance.account_id
            );
            instance.identifier = new_identifier;
        }
    }
}

/// `16.3` -> `16.4`, `10.11.8` -> `10.11.9`, `...rur-2024-04.r1` -> `...r2`.
fn bump_last_number(version: &str) -> String {
    let digits_start = version
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |position| position + 1);
    match version[digits_start..].parse::<u64>() {
        Ok(number) => format!("{}{}", &version[..digits_start], number + 1),
        Err(_) => format!("{version}.1"),
    }
}

impl FakeConfig {
    /// The generation-1 plan of the target at these config indices.
    pub(crate) fn generation_plan(
        &self,
        account_index: usize,
        region_index: usize,
    ) -> GenerationPlan {
        let base_count = self.base_instance_count(account_index, region_index);
        let hash = hash_parts(&[
            self.seed,
            account_index as u64,
            region_index as u64,
            GENERATION_SALT,
        ]);
        if base_count == 0 {
            return GenerationPlan {
                hash,
                base_count,
                removed: None,
                renamed: None,
                added: 0,
            };
        }
        let renamed =
            (self.rename_target() == Some((account_index, region_index))).then_some(base_count - 1);
        let removed = (renamed.is_none() && base_count >= 2 && (hash >> 20).is_multiple_of(2))
            .then_some(((hash >> 24) % base_count as u64) as usize);
        GenerationPlan {
            hash,
            base_count,
            removed,
            renamed,
            added: ((hash >> 32) % 3) as usize,
        }
    }

    /// The first non-empty target in config order; its last instance is renamed.
    fn rename_target(&self) -> Option<(usize, usize)> {
        if self.instances_per_target == 0 {
            return None;
        }
        (0..self.accounts.len())
            .flat_map(|a| (0..self.regions.len()).map(move |r| (a, r)))
            .find(|&(a, r)| self.base_instance_count(a, r) > 0)
    }

    /// Every difference between generation 0 and generation 1 of this config (whatever
    /// `generation` is set to), target by target in config order; within a target, removed,
    /// renamed and modified instances in index order, then added ones. `fields` compares
    /// `FakeInstance::db_instance_json` member by member (top-level members; a nested
    /// structure counts as one member).
    pub fn generation_changes(&self) -> Vec<InventoryChange> {
        let mut changes = Vec::new();
        for account_index in 0..self.accounts.len() {
            for region_index in 0..self.regions.len() {
                let old: Vec<FakeInstance> =
                    (0..self.instance_count_in(0, account_index, region_index))
                        .map(|i| self.instance_in(0, account_index, region_index, i))
                        .collect();
                let new: Vec<FakeInstance> =
                    (0..self.instance_count_in(1, account_index, region_index))
                        .map(|i| self.instance_in(1, account_index, region_index, i))
                        .collect();
                diff_target(&old, &new, &mut changes);
            }
        }
        changes
    }
}

fn diff_target(old: &[FakeInstance], new: &[FakeInstance], changes: &mut Vec<InventoryChange>) {
    let new_by_resource: HashMap<&str, &FakeInstance> =
        new.iter().map(|i| (i.resource_id.as_str(), i)).collect();
    let old_resources: std::collections::HashSet<&str> =
        old.iter().map(|i| i.resource_id.as_str()).collect();
    for before in old {
        let Some(after) = new_by_resource.get(before.resource_id.as_str()) else {
            changes.push(InventoryChange::new(
                ChangeKind::Removed,
                Some(before),
                None,
                Vec::new(),
            ));
            continue;
        };
        let fields = field_changes(before, after);
        if before.identifier != after.identifier {
            changes.push(InventoryChange::new(
                ChangeKind::Renamed,
                Some(before),
                Some(after),
                fields,
            ));
        } else if !fields.is_empty() {
            changes.push(InventoryChange::new(
                ChangeKind::Modified,
                Some(before),
                Some(after),
                fields,
            ));
        }
    }
    for after in new
        .iter()
        .filter(|i| !old_resources.contains(i.resource_id.as_str()))
    {
        changes.push(InventoryChange::new(
            ChangeKind::Added,
            None,
            Some(after),
            Vec::new(),
        ));
    }
}

fn field_changes(before: &FakeInstance, after: &FakeInstance) -> Vec<FieldChange> {
    let (Value::Object(old), Value::Object(new)) =
        (before.db_instance_json(), after.db_instance_json())
    else {
        return Vec::new();
    };
    let mut fields: Vec<FieldChange> = old
        .into_iter()
        .filter_map(|(field, old_value)| {
            let new_value = new.get(&field).cloned().unwrap_or(Value::Null);
            (old_value != new_value).then_some(FieldChange {
                field,
                old: old_value,
                new: new_value,
            })
        })
        .collect();
    fields.sort_by(|a, b| a.field.cmp(&b.field));
    fields
}

/// What happened to one instance between generation 0 and 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    /// Same `DbiResourceId`, new identifier (and so new ARN and endpoint address).
    Renamed,
    /// Same identifier, some members changed.
    Modified,
}

/// One member that differs, by its `db_instance_json` name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// One instance that differs between generation 0 and 1. `old_*` is `None` for `Added`,
/// `new_*` is `None` for `Removed`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InventoryChange {
    pub kind: ChangeKind,
    pub account_id: String,
    pub region: String,
    pub dbi_resource_id: String,
    pub old_identifier: Option<String>,
    pub new_identifier: Option<String>,
    pub old_arn: Option<String>,
    pub new_arn: Option<String>,
    /// Sorted by name; every differing member for `Renamed` and `Modified` (a rename also
    /// changes `db_instance_identifier`, `db_instance_arn` and `endpoint`); empty otherwise.
    pub fields: Vec<FieldChange>,
}

impl InventoryChange {
    fn new(
        kind: ChangeKind,
        old: Option<&FakeInstance>,
        new: Option<&FakeInstance>,
        fields: Vec<FieldChange>,
    ) -> InventoryChange {
        let any = old.or(new);
        InventoryChange {
            kind,
            account_id: any.map(|i| i.account_id.clone()).unwrap_or_default(),
            region: any.map(|i| i.region.clone()).unwrap_or_default(),
            dbi_resource_id: any.map(|i| i.resource_id.clone()).unwrap_or_default(),
            old_identifier: old.map(|i| i.identifier.clone()),
            new_identifier: new.map(|i| i.identifier.clone()),
            old_arn: old.map(|i| i.arn.clone()),
            new_arn: new.map(|i| i.arn.clone()),
            fields,
        }
    }

    /// The names of the changed members.
    pub fn field_names(&self) -> Vec<&str> {
        self.fields.iter().map(|f| f.field.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn versions_bump_their_last_number() {
        assert_eq!(bump_last_number("16.3"), "16.4");
        assert_eq!(bump_last_number("10.11.8"), "10.11.9");
        assert_eq!(
            bump_last_number("19.0.0.0.ru-2024-04.rur-2024-04.r1"),
            "19.0.0.0.ru-2024-04.rur-2024-04.r2"
        );
        assert_eq!(bump_last_number("15.00.4365.2.v1"), "15.00.4365.2.v2");
    }

    #[test]
    fn the_default_config_shows_every_kind_of_change() {
        let changes = FakeConfig::default().generation_changes();
        let kinds: HashSet<ChangeKind> = changes.iter().map(|c| c.kind).collect();
        assert_eq!(kinds.len(), 4, "{changes:#?}");
        assert_eq!(
            changes
                .iter()
                .filter(|c| c.kind == ChangeKind::Renamed)
                .count(),
            1
        );
        let modified_fields: HashSet<&str> = changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Modified)
            .flat_map(|c| c.field_names())
            .collect();
        for field in [
            "engine_version",
            "deletion_protection",
            "publicly_accessible",
            "tag_list",
        ] {
            assert!(
                modified_fields.contains(field),
                "{field}: {modified_fields:?}"
            );
        }
        let modified_single_field = changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Modified)
            .all(|c| c.fields.len() == 1);
        assert!(modified_single_field, "{changes:#?}");
    }

    #[test]
    fn a_rename_keeps_the_resource_id_and_changes_identifier_arn_and_endpoint() {
        let changes = FakeConfig::default().generation_changes();
        let renamed = changes
            .iter()
            .find(|c| c.kind == ChangeKind::Renamed)
            .expect("one rename");
        let old = renamed.old_identifier.as_deref().expect("old name");
        assert_eq!(
            renamed.new_identifier.as_deref(),
            Some(format!("{old}-renamed").as_str())
        );
        let names = renamed.field_names();
        assert!(names.contains(&"db_instance_identifier") && names.contains(&"db_instance_arn"));
        assert!(
            names
                .iter()
                .all(|n| ["db_instance_identifier", "db_instance_arn", "endpoint"].contains(n)),
            "{names:?}"
        );
    }

    #[test]
    fn generation_one_keeps_resource_ids_unique_and_counts_consistent() {
        let config = FakeConfig {
            generation: 1,
            instances_per_target: 30,
            ..FakeConfig::with_accounts(4)
        };
        let all = config.inventory();
        let ids: HashSet<&str> = all.iter().map(|i| i.resource_id.as_str()).collect();
        assert_eq!(ids.len(), all.len());
        let old = FakeConfig {
            generation: 0,
            ..config.clone()
        }
        .inventory();
        let changes = config.generation_changes();
        let added = changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Added)
            .count();
        let removed = changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Removed)
            .count();
        assert_eq!(all.len(), old.len() + added - removed);
        assert!(added > 0 && removed > 0);
    }
}
