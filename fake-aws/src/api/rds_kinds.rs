//! The Describe operation of every `ResourceKind` (automated backups, proxies, blue/green
//! deployments, global clusters): one handler, told apart by the kind's `KindSpec`.

use super::rds::{max_records, rds_target_checks, target_page};
use super::rds_clusters::query_filters;
use super::{error_reply, reply, with_request_id, Call, Reply, Shared};
use crate::kinds::{FakeResource, KindSpec};
use crate::sink::{Sink, XmlSink};
use crate::xml;
use hyper::StatusCode;

/// The lookup parameter (identifier or ARN; 404 when the kind documents a not-found fault
/// and it names nothing) and, where documented, the `status` filter; other filters are
/// ignored.
fn select<'a>(
    spec: &KindSpec,
    shared: &Shared,
    call: &Call,
    all: &'a [FakeResource],
) -> Result<Vec<&'a FakeResource>, Box<Reply>> {
    let mut selected: Vec<&FakeResource> = all.iter().collect();
    let (param, not_found) = spec.lookup;
    if let Some(wanted) = call.form_field(param) {
        selected.retain(|resource| resource.is_named(wanted));
        if let (true, Some(code)) = (selected.is_empty(), not_found) {
            let noun = code.trim_end_matches("NotFoundFault");
            return Err(Box::new(error_reply(
                shared,
                call.protocol,
                StatusCode::NOT_FOUND,
                code,
                &format!("{noun} {wanted} not found."),
            )));
        }
    }
    if spec.status_filter {
        for (name, values) in query_filters(call) {
            if name == "status" {
                selected.retain(|resource| values.contains(&resource.status.as_str()));
            }
        }
    }
    Ok(selected)
}

/// Pages of the target's resources of the kind (account-wide kinds: the account's, from
/// any served region), with the checks and faults of every RDS call.
pub(super) async fn describe(spec: &KindSpec, shared: &Shared, call: &Call) -> Reply {
    let target = match rds_target_checks(shared, call, spec.action) {
        Ok(target) => target,
        Err(refusal) => return refusal.answer(shared).await,
    };
    let page_size = match max_records(shared, call) {
        Ok(records) => records,
        Err(reply) => return *reply,
    };
    let all = shared.target_resources(spec.kind, target);
    let selected = match select(spec, shared, call, &all) {
        Ok(selected) => selected,
        Err(reply) => return *reply,
    };
    let page = match target_page(
        shared,
        call,
        (spec.marker, target),
        selected.len(),
        page_size,
    )
    .await
    {
        Ok(page) => page,
        Err(reply) => return reply,
    };
    let items = &selected[page.start..page.end];
    let request_id = shared.request_id();
    let body = xml::rds_result(
        spec.action,
        page.next_marker.as_deref(),
        &request_id,
        |out| {
            XmlSink { out }.list(spec.list, "", Some(items.len()), |s, i| {
                s.item_object(spec.item, |s| items[i].emit_xml(s))
            });
        },
    );
    with_request_id(reply(StatusCode::OK, "text/xml", body), &request_id)
}
