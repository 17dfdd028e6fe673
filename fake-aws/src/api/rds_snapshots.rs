//! RDS `DescribeDBSnapshots`, `DescribeDBClusterSnapshots` and their attribute calls
//! `DescribeDBSnapshotAttributes` / `DescribeDBClusterSnapshotAttributes`: one handler each
//! for listing and for attributes, told apart by a `SnapshotApi`.

use super::rds::{access_denied, damage_page, max_records, rds_target_checks, target_page};
use super::rds_clusters::query_filters;
use super::shared::{error_reply, hang, reply, with_request_id, Call, Reply, Shared, TARGET_HANGS};
use crate::sink::{Sink, XmlSink};
use crate::snapshot::record::{emit_db_cluster_snapshot, emit_db_snapshot};
use crate::snapshot::{FakeSnapshot, SnapshotKind};
use crate::xml;
use hyper::StatusCode;

/// The names one kind of snapshot uses on the wire.
pub(super) struct SnapshotApi {
    kind: SnapshotKind,
    describe: &'static str,
    attributes: &'static str,
    marker: &'static str,
    /// `DBSnapshots` / `DBClusterSnapshots`, and the SDK's field name.
    list: (&'static str, &'static str),
    record: &'static str,
    /// `DBSnapshotIdentifier` / `DBClusterSnapshotIdentifier`.
    id_param: &'static str,
    /// `DBInstanceIdentifier` / `DBClusterIdentifier`.
    source_param: &'static str,
    id_filter: &'static str,
    source_filter: &'static str,
    not_found: &'static str,
    /// `DBSnapshot` / `DBClusterSnapshot`, in the not-found message.
    noun: &'static str,
    /// A boolean of every record, where a malformed page is cut.
    boolean: &'static str,
    /// The ARN resource type: `snapshot` / `cluster-snapshot`.
    arn_resource: &'static str,
}

pub(super) const DB_SNAPSHOTS: SnapshotApi = SnapshotApi {
    kind: SnapshotKind::Instance,
    describe: "DescribeDBSnapshots",
    attributes: "DescribeDBSnapshotAttributes",
    marker: "s1",
    list: ("DBSnapshots", "db_snapshots"),
    record: "DBSnapshot",
    id_param: "DBSnapshotIdentifier",
    source_param: "DBInstanceIdentifier",
    id_filter: "db-snapshot-id",
    source_filter: "db-instance-id",
    not_found: "DBSnapshotNotFound",
    noun: "DBSnapshot",
    boolean: "Encrypted",
    arn_resource: "snapshot",
};

pub(super) const DB_CLUSTER_SNAPSHOTS: SnapshotApi = SnapshotApi {
    kind: SnapshotKind::Cluster,
    describe: "DescribeDBClusterSnapshots",
    attributes: "DescribeDBClusterSnapshotAttributes",
    marker: "cs1",
    list: ("DBClusterSnapshots", "db_cluster_snapshots"),
    record: "DBClusterSnapshot",
    id_param: "DBClusterSnapshotIdentifier",
    source_param: "DBClusterIdentifier",
    id_filter: "db-cluster-snapshot-id",
    source_filter: "db-cluster-id",
    not_found: "DBClusterSnapshotNotFoundFault",
    noun: "DBClusterSnapshot",
    boolean: "StorageEncrypted",
    arn_resource: "cluster-snapshot",
};

impl SnapshotApi {
    /// The snapshot identifier an attribute call names (an ARN gives its identifier).
    pub(super) fn named_identifier<'a>(&self, call: &'a Call) -> Option<&'a str> {
        let named = call.form_field(self.id_param)?;
        let marker = format!(":{}:", self.arn_resource);
        Some(match named.strip_prefix("arn:") {
            Some(rest) => rest.split_once(&marker).map_or(named, |(_, id)| id),
            None => named,
        })
    }

    fn not_found_reply(&self, shared: &Shared, call: &Call, wanted: &str) -> Reply {
        error_reply(
            shared,
            call.protocol,
            StatusCode::NOT_FOUND,
            self.not_found,
            &format!("{} {wanted} not found.", self.noun),
        )
    }

    fn emit<S: Sink>(&self, snapshot: &FakeSnapshot, s: &mut S) {
        match self.kind {
            SnapshotKind::Instance => emit_db_snapshot(snapshot, s),
            SnapshotKind::Cluster => emit_db_cluster_snapshot(snapshot, s),
        }
    }
}

/// The identifier parameter (404 when it names nothing), the source parameter,
/// `SnapshotType` and the filters; other filters are ignored.
fn select(
    api: &SnapshotApi,
    shared: &Shared,
    call: &Call,
    mut snapshots: Vec<FakeSnapshot>,
) -> Result<Vec<FakeSnapshot>, Box<Reply>> {
    if let Some(wanted) = call.form_field(api.id_param) {
        snapshots.retain(|snapshot| snapshot.is_named(wanted));
        if snapshots.is_empty() {
            return Err(Box::new(api.not_found_reply(shared, call, wanted)));
        }
    }
    if let Some(source) = call.form_field(api.source_param) {
        snapshots.retain(|snapshot| snapshot.source_identifier == source);
    }
    // Nothing is shared with the fake's accounts: `shared` and `public` list nothing.
    if let Some(wanted) = call.form_field("SnapshotType") {
        snapshots.retain(|snapshot| snapshot.snapshot_type.as_str() == wanted);
    }
    for (name, values) in query_filters(call) {
        let keep = |snapshot: &FakeSnapshot| match name {
            n if n == api.id_filter => values.iter().any(|value| snapshot.is_named(value)),
            n if n == api.source_filter => values.contains(&snapshot.source_identifier.as_str()),
            "snapshot-type" => values.contains(&snapshot.snapshot_type.as_str()),
            "engine" => values.contains(&snapshot.engine.as_str()),
            _ => true,
        };
        snapshots.retain(keep);
    }
    Ok(snapshots)
}

/// DescribeDBSnapshots / DescribeDBClusterSnapshots: pages of the target's snapshots.
pub(super) async fn describe_snapshots(api: &SnapshotApi, shared: &Shared, call: &Call) -> Reply {
    let (account_index, region_index) = match rds_target_checks(shared, call, api.describe) {
        Ok(target) => target,
        Err(refusal) => return refusal.answer(shared).await,
    };
    let account = &shared.config.accounts[account_index];
    if shared.config.snapshots_denied_accounts.contains(account) {
        return access_denied(shared, call, api.describe, account);
    }
    let page_size = match max_records(shared, call) {
        Ok(records) => records,
        Err(reply) => return *reply,
    };
    let generation = shared.generation();
    let mut all = shared
        .config
        .snapshots_in(generation, account_index, region_index, api.kind);
    // AWS documents that a listing without SnapshotType holds manual and automated ones only:
    // the AWS Backup ones of `awsbackup_snapshots_per_target` come only when asked for.
    if api.kind == SnapshotKind::Instance && call.form_field("SnapshotType") == Some("awsbackup") {
        let backups = shared
            .config
            .awsbackup_snapshots_in(generation, account_index, region_index);
        all.extend(backups);
    }
    let snapshots = match select(api, shared, call, all) {
        Ok(snapshots) => snapshots,
        Err(reply) => return *reply,
    };
    let target = (account_index, region_index);
    let page = match target_page(
        shared,
        call,
        (api.marker, target),
        snapshots.len(),
        page_size,
    )
    .await
    {
        Ok(page) => page,
        Err(reply) => return reply,
    };
    let next_marker = page.next_marker;
    let page = &snapshots[page.start..page.end];
    let request_id = shared.request_id();
    let mut body = xml::rds_result(api.describe, next_marker.as_deref(), &request_id, |out| {
        XmlSink { out }.list(api.list.0, api.list.1, Some(page.len()), |s, i| {
            s.item_object(api.record, |s| api.emit(&page[i], s))
        });
    });
    damage_page(
        shared,
        (account_index, region_index),
        &mut body,
        (&format!("{}Result", api.describe), api.record),
        api.boolean,
    );
    with_request_id(reply(StatusCode::OK, "text/xml", body), &request_id)
}

/// DescribeDBSnapshotAttributes / DescribeDBClusterSnapshotAttributes: the `restore`
/// attribute of one snapshot of the caller's target (automated ones answer too, empty).
pub(super) async fn describe_snapshot_attributes(
    api: &SnapshotApi,
    shared: &Shared,
    call: &Call,
) -> Reply {
    let (account_index, region_index) = match rds_target_checks(shared, call, api.attributes) {
        Ok(target) => target,
        Err(refusal) => return refusal.answer(shared).await,
    };
    let account = &shared.config.accounts[account_index];
    if shared
        .config
        .snapshot_attributes_denied_accounts
        .contains(account)
    {
        return access_denied(shared, call, api.attributes, account);
    }
    let Some(wanted) = call.form_field(api.id_param) else {
        return error_reply(
            shared,
            call.protocol,
            StatusCode::BAD_REQUEST,
            "MissingParameter",
            &format!("The request must contain the parameter {}", api.id_param),
        );
    };
    let snapshots = shared.target_snapshots(account_index, region_index, api.kind);
    let snapshot = snapshots.iter().find(|snapshot| snapshot.is_named(wanted));
    let Some(snapshot) = snapshot else {
        return api.not_found_reply(shared, call, wanted);
    };
    if shared.target_has(account_index, region_index, TARGET_HANGS) {
        return hang(shared).await;
    }
    let request_id = shared.request_id();
    let result = format!("{}AttributesResult", api.record);
    let mut body = xml::rds_result(api.attributes, None, &request_id, |out| {
        let mut sink = XmlSink { out };
        sink.object(&result, "", true, |s| {
            s.text(api.id_param, "", Some(&snapshot.identifier));
            s.list(&format!("{}Attributes", api.record), "", Some(1), |s, _| {
                s.item_object(&format!("{}Attribute", api.record), |s| {
                    s.text("AttributeName", "", Some("restore"));
                    s.list(
                        "AttributeValues",
                        "",
                        Some(snapshot.restore.len()),
                        |s, i| {
                            s.item_text("AttributeValue", format_args!("{}", snapshot.restore[i]))
                        },
                    );
                })
            });
        });
    });
    damage_page(
        shared,
        (account_index, region_index),
        &mut body,
        (&format!("{}Result", api.attributes), "AttributeValue"),
        api.boolean,
    );
    with_request_id(reply(StatusCode::OK, "text/xml", body), &request_id)
}

#[cfg(test)]
mod tests {
    use crate::config::FakeConfig;

    #[test]
    fn identifiers_and_arns_both_name_a_snapshot() {
        let config = FakeConfig {
            snapshots_per_target: 4,
            ..FakeConfig::with_accounts(1)
        };
        let snapshot = config.target_snapshots(&config.accounts[0], "us-east-1")[0].clone();
        assert!(snapshot.is_named(&snapshot.identifier));
        assert!(snapshot.is_named(&snapshot.arn));
        assert!(!snapshot.is_named("other"));
    }
}
