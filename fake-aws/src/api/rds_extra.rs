//! RDS `DescribePendingMaintenanceActions` and `DescribeDBMajorEngineVersions`: the two calls
//! a complete record joins with DescribeDBInstances.

use super::rds::{
    access_denied, bad_marker, max_records, parse_target_marker, rds_target_checks, target_marker,
};
use super::shared::{hang, reply, with_request_id, Call, Reply, Shared, TARGET_HANGS};
use crate::lifecycle::{
    date_time, MajorVersion, EXTENDED_SUPPORT, MAJOR_VERSIONS, STANDARD_SUPPORT,
};
use crate::maintenance::{emit_resource, resource_at, resource_count};
use crate::sink::{Sink, XmlSink};
use crate::xml;
use hyper::StatusCode;

const MAINTENANCE_MARKER: &str = "pm1";
const ENGINE_VERSIONS_MARKER: &str = "ev1";

/// Lists the cluster and every instance with pending actions, `MaxRecords` resources a
/// page; the Marker is the position of the next resource that has actions, so no page is
/// empty. `ResourceIdentifier` keeps only that ARN; `Filters` are ignored.
pub(super) async fn describe_pending_maintenance_actions(shared: &Shared, call: &Call) -> Reply {
    const ACTION: &str = "DescribePendingMaintenanceActions";
    let (account_index, region_index) = match rds_target_checks(shared, call, ACTION) {
        Ok(target) => target,
        Err(refusal) => return refusal.answer(shared).await,
    };
    let account = &shared.config.accounts[account_index];
    if shared.config.maintenance_denied_accounts.contains(account) {
        return access_denied(shared, call, ACTION, account);
    }
    let page_size = match max_records(shared, call) {
        Ok(records) => records,
        Err(reply) => return *reply,
    };
    let generation = shared.generation();
    let instance_count = shared
        .config
        .instance_count_in(generation, account_index, region_index);
    let clusters = shared
        .config
        .maintenance_clusters(generation, account_index, region_index);
    let positions = resource_count(instance_count, &clusters);
    let start = match call.form_field("Marker") {
        None => 0,
        Some(marker) => {
            match parse_target_marker(
                MAINTENANCE_MARKER,
                shared,
                account_index,
                region_index,
                marker,
            ) {
                Some(offset) if offset <= positions => offset,
                _ => return bad_marker(shared, call, marker),
            }
        }
    };
    if shared.target_has(account_index, region_index, TARGET_HANGS) {
        return hang(shared).await;
    }
    let only = call.form_field("ResourceIdentifier");
    let mut page = Vec::new();
    let mut next_marker = None;
    for position in start..positions {
        let (arn, actions) = resource_at(
            &shared.config,
            generation,
            account_index,
            region_index,
            position,
            &clusters,
        );
        if actions.is_empty() || only.is_some_and(|wanted| wanted != arn) {
            continue;
        }
        if page.len() == page_size {
            next_marker = Some(target_marker(
                MAINTENANCE_MARKER,
                shared,
                account_index,
                region_index,
                position,
            ));
            break;
        }
        page.push((arn, actions));
    }
    let request_id = shared.request_id();
    let body = xml::rds_result(ACTION, next_marker.as_deref(), &request_id, |out| {
        let mut sink = XmlSink { out };
        sink.list(
            "PendingMaintenanceActions",
            "pending_maintenance_actions",
            Some(page.len()),
            |s, i| {
                let (arn, actions) = &page[i];
                s.item_object("ResourcePendingMaintenanceActions", |s| {
                    emit_resource(s, arn, actions)
                });
            },
        );
    });
    with_request_id(reply(StatusCode::OK, "text/xml", body), &request_id)
}

/// Lists `MAJOR_VERSIONS` filtered by `Engine` and `MajorEngineVersion`, `MaxRecords` a page.
pub(super) async fn describe_db_major_engine_versions(shared: &Shared, call: &Call) -> Reply {
    const ACTION: &str = "DescribeDBMajorEngineVersions";
    let (account_index, region_index) = match rds_target_checks(shared, call, ACTION) {
        Ok(target) => target,
        Err(refusal) => return refusal.answer(shared).await,
    };
    let account = &shared.config.accounts[account_index];
    if shared
        .config
        .engine_versions_denied_accounts
        .contains(account)
    {
        return access_denied(shared, call, ACTION, account);
    }
    let page_size = match max_records(shared, call) {
        Ok(records) => records,
        Err(reply) => return *reply,
    };
    let engine = call.form_field("Engine");
    let major = call.form_field("MajorEngineVersion");
    let rows: Vec<&MajorVersion> = MAJOR_VERSIONS
        .iter()
        .filter(|row| engine.is_none_or(|e| e == row.engine))
        .filter(|row| major.is_none_or(|m| m == row.major))
        .collect();
    let start = match call.form_field("Marker") {
        None => 0,
        Some(marker) => match parse_target_marker(
            ENGINE_VERSIONS_MARKER,
            shared,
            account_index,
            region_index,
            marker,
        ) {
            Some(offset) if offset <= rows.len() => offset,
            _ => return bad_marker(shared, call, marker),
        },
    };
    if shared.target_has(account_index, region_index, TARGET_HANGS) {
        return hang(shared).await;
    }
    let end = rows.len().min(start + page_size);
    let next_marker = (end < rows.len()).then(|| {
        target_marker(
            ENGINE_VERSIONS_MARKER,
            shared,
            account_index,
            region_index,
            end,
        )
    });
    let page = &rows[start..end];
    let request_id = shared.request_id();
    let body = xml::rds_result(ACTION, next_marker.as_deref(), &request_id, |out| {
        let mut sink = XmlSink { out };
        sink.list(
            "DBMajorEngineVersions",
            "db_major_engine_versions",
            Some(page.len()),
            |s, i| s.item_object("DBMajorEngineVersion", |s| emit_major_version(s, page[i])),
        );
    });
    with_request_id(reply(StatusCode::OK, "text/xml", body), &request_id)
}

fn emit_major_version<S: Sink>(s: &mut S, row: &MajorVersion) {
    s.text("Engine", "engine", Some(row.engine));
    s.text(
        "MajorEngineVersion",
        "major_engine_version",
        Some(row.major),
    );
    let lifecycles: Vec<(&str, (&str, &str))> = std::iter::once((STANDARD_SUPPORT, row.standard))
        .chain(row.extended.map(|window| (EXTENDED_SUPPORT, window)))
        .collect();
    s.list(
        "SupportedEngineLifecycles",
        "supported_engine_lifecycles",
        Some(lifecycles.len()),
        |s, i| {
            let (name, (start, end)) = lifecycles[i];
            s.item_object("SupportedEngineLifecycle", |s| {
                s.text("LifecycleSupportName", "lifecycle_support_name", Some(name));
                s.text(
                    "LifecycleSupportStartDate",
                    "lifecycle_support_start_date",
                    Some(&date_time(start)),
                );
                s.text(
                    "LifecycleSupportEndDate",
                    "lifecycle_support_end_date",
                    Some(&date_time(end)),
                );
            })
        },
    );
}
