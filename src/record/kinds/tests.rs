//! The registry's promises, for every kind at once: a kind added to the list is held to them
//! without a test of its own.

use std::collections::BTreeSet;

use super::*;
use crate::record::guard_tests::debug_members;
use crate::record::schema::Source;

/// What a kind's schema says of its item: every SDK member, and the names of its fields.
struct Schema {
    name: &'static str,
    members: BTreeSet<String>,
    mapped: BTreeSet<&'static str>,
    fields: Vec<&'static str>,
    renamed: Vec<(&'static str, &'static str)>,
    nested: Vec<(&'static str, &'static [&'static str], String)>,
}

struct ReadSchema;

impl KindVisitor for ReadSchema {
    type Output = Schema;
    fn visit<K: Kind>(self) -> Schema {
        let mut renamed = Vec::new();
        let mut mapped = BTreeSet::new();
        for field in K::fields() {
            if let Source::Api { sdk, .. } = field.source {
                let member = sdk.split('.').next().unwrap_or(sdk);
                mapped.insert(member);
                if !sdk.contains('.') && field.name != sdk {
                    renamed.push((field.name, sdk));
                }
            }
        }
        Schema {
            name: K::SPEC.name,
            members: debug_members(&format!("{:?}", K::empty_item())),
            mapped,
            fields: K::fields().iter().map(|f| f.name).collect(),
            renamed,
            nested: K::nested_structs(),
        }
    }
}

#[test]
fn every_kind_has_every_member_of_its_sdk_item_under_its_own_name() {
    for kind in ALL {
        let schema = kind.visit(ReadSchema);
        let missing: Vec<&String> = schema
            .members
            .iter()
            .filter(|m| !schema.mapped.contains(m.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "{}: SDK members not in the kind's table: {missing:?}",
            schema.name
        );
        for member in &schema.mapped {
            assert!(
                schema.members.contains(*member),
                "{}: {member} is not a member of the SDK item",
                schema.name
            );
        }
        for (field, sdk) in &schema.renamed {
            // `tags` for `tag_list`; `region` is the run's field in every kind.
            let allowed = (*sdk == "tag_list" && *field == "tags")
                || (*sdk == "region" && *field == "backup_region");
            assert!(allowed, "{}: {sdk} is output as {field}", schema.name);
        }
    }
}

#[test]
fn every_kind_writes_every_member_of_its_nested_sdk_structures() {
    for kind in ALL {
        let schema = kind.visit(ReadSchema);
        for (name, written, debug) in schema.nested {
            let ours: BTreeSet<String> = written.iter().map(|m| m.to_string()).collect();
            assert_eq!(
                ours,
                debug_members(&debug),
                "{}: {name}'s members written (left) differ from the SDK's (right)",
                schema.name
            );
        }
    }
}

#[test]
fn every_kind_starts_with_the_run_fields_and_names_each_field_once() {
    for kind in ALL {
        let schema = kind.visit(ReadSchema);
        assert_eq!(
            schema.fields[..3],
            ["account_id", "account_name", "region"],
            "{}",
            schema.name
        );
        let unique: BTreeSet<&str> = schema.fields.iter().copied().collect();
        assert_eq!(unique.len(), schema.fields.len(), "{}", schema.name);
        let keys = kind.diff_keys();
        for key in [keys.identifier, keys.rename] {
            assert!(
                schema.fields.contains(&key),
                "{}: diff key {key}",
                schema.name
            );
        }
        for column in kind.table_columns() {
            assert!(
                schema.fields.contains(column),
                "{}: column {column}",
                schema.name
            );
        }
    }
}

#[test]
fn the_registry_names_each_kind_once_and_in_order() {
    let names: Vec<&str> = ALL.iter().map(|k| k.name()).collect();
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    for (position, kind) in ALL.into_iter().enumerate() {
        assert_eq!(usize::from(kind.0), position);
        assert_eq!(ResourceKind::from_name(kind.name()), Some(kind));
        assert_eq!(
            kind.diff_keys().kind,
            kind,
            "{kind}: DIFF names its own kind"
        );
        assert!(!kind.spec().iam_actions.is_empty(), "{kind}");
    }
    assert_eq!(ResourceKind::INSTANCES, ALL[0]);
    assert_eq!(ResourceKind::from_name("nope"), None);
    assert_eq!(
        KindChoice::resolve(&[KindChoice::All]),
        ALL.to_vec(),
        "all is every kind"
    );
    assert_eq!(KindChoice::resolve(&[]), [ResourceKind::INSTANCES]);
}

#[test]
fn a_kind_listed_after_the_kind_its_sources_are_of() {
    // source_exists can only be answered from the same run when the source kind came first.
    let instances = ResourceKind::INSTANCES;
    let clusters = ResourceKind::named("clusters");
    for (kind, source) in [
        ("snapshots", instances),
        ("automated-backups", instances),
        ("cluster-snapshots", clusters),
        ("cluster-automated-backups", clusters),
    ] {
        assert!(ResourceKind::named(kind) > source, "{kind}");
    }
}

#[test]
fn each_kind_is_recognised_from_its_own_fields() {
    for kind in ALL {
        let fields = kind.field_names();
        assert_eq!(
            kind_of_record(|name| fields.contains(&name)),
            Some(kind),
            "a record of {kind} is recognised as its kind"
        );
    }
    assert_eq!(kind_of_record(|name| name == "region"), None);
}

#[test]
fn global_clusters_are_account_wide_and_the_rest_regional() {
    for kind in ALL {
        let expected = if kind.name() == "global-clusters" {
            Scope::Account
        } else {
            Scope::Region
        };
        assert_eq!(kind.scope(), expected, "{kind}");
    }
}

#[test]
fn docs_kinds_table_is_the_registry() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/permissions.md"))
        .expect("docs/permissions.md");
    let (start, end) = ("<!-- kinds:start -->\n", "<!-- kinds:end -->");
    let table = doc
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(table, _)| table)
        .expect("docs/permissions.md has the kinds:start / kinds:end markers");
    assert!(
        table == markdown_table(),
        "docs/permissions.md's kinds table differs from the registry; run scripts/update-docs.sh"
    );
    assert_eq!(ndjson_rows().lines().count(), COUNT);
}

/// A kind's generated table, as `rds-inventory fields --kind KIND -f markdown` prints it.
fn markdown_table_of(kind: ResourceKind) -> String {
    struct Markdown;
    impl KindVisitor for Markdown {
        type Output = String;
        fn visit<K: Kind>(self) -> String {
            crate::record::markdown_table(K::fields())
        }
    }
    kind.visit(Markdown)
}

#[test]
fn docs_field_tables_are_the_schema_of_every_kind() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/fields.md"))
        .expect("docs/fields.md");
    for kind in ALL {
        let start = format!("<!-- fields:{}:start -->\n", kind.name());
        let end = format!("<!-- fields:{}:end -->", kind.name());
        let table = doc
            .split_once(&start)
            .and_then(|(_, rest)| rest.split_once(&end))
            .map(|(table, _)| table)
            .unwrap_or_else(|| panic!("docs/fields.md has no {start} / {end} markers"));
        assert!(
            table == markdown_table_of(kind),
            "docs/fields.md's {} table differs from the schema; run scripts/update-docs.sh",
            kind.name()
        );
    }
}
