//! The operations of the `kinds` registry: listings of a target's resources (automated
//! backups, proxies, blue/green deployments, global clusters, reserved instances, parameter
//! groups), the parameters of one group, and the engine defaults of one family. One handler,
//! told apart by the kind's `KindSpec`.

use super::rds::{max_records, rds_target_checks, target_page};
use super::rds_clusters::query_filters;
use super::shared::{error_reply, reply, with_request_id, Call, Reply, Shared};
use crate::kinds::{
    engine_default_parameters, group_parameters, is_attached, FakeResource, KindSpec, Serve,
};
use crate::sink::{Sink, XmlSink};
use crate::xml;
use hyper::StatusCode;
use std::sync::Arc;

fn not_found(shared: &Shared, call: &Call, code: &str, wanted: &str) -> Reply {
    let noun = code.trim_end_matches("Fault").trim_end_matches("NotFound");
    error_reply(
        shared,
        call.protocol,
        StatusCode::NOT_FOUND,
        code,
        &format!("{noun} {wanted} not found."),
    )
}

fn missing_parameter(shared: &Shared, call: &Call, name: &str) -> Reply {
    error_reply(
        shared,
        call.protocol,
        StatusCode::BAD_REQUEST,
        "MissingParameter",
        &format!("The request must contain the parameter {name}"),
    )
}

/// A listing's lookup parameter (identifier or ARN; 404 when the kind documents a
/// not-found fault and it names nothing) and, where documented, the `status` filter; other
/// filters are ignored.
fn select<'a>(
    spec: &KindSpec,
    shared: &Shared,
    call: &Call,
    all: &'a [FakeResource],
) -> Result<Vec<&'a FakeResource>, Box<Reply>> {
    let mut selected: Vec<&FakeResource> = all.iter().collect();
    let (param, code) = spec.lookup;
    if let Some(wanted) = call.form_field(param) {
        selected.retain(|resource| resource.is_named(wanted));
        if let (true, Some(code)) = (selected.is_empty(), code) {
            return Err(Box::new(not_found(shared, call, code, wanted)));
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

/// What the operation pages through: the target's resources, a group's parameters (by
/// `Source` when given) or a family's defaults.
fn records(
    spec: &KindSpec,
    shared: &Shared,
    call: &Call,
    target: (usize, usize),
) -> Result<Arc<Vec<FakeResource>>, Box<Reply>> {
    let (param, code) = spec.lookup;
    match spec.serve {
        Serve::List => Ok(shared.target_resources(spec.kind, target)),
        Serve::GroupParameters { groups, cluster } => {
            let Some(group) = call.form_field(param) else {
                return Err(Box::new(missing_parameter(shared, call, param)));
            };
            let known = shared.target_resources(groups, target);
            let (account, region) = (
                shared.config.accounts[target.0].as_str(),
                shared.config.regions[target.1].as_str(),
            );
            if !known.iter().any(|known| known.is_named(group))
                && !is_attached(&shared.config, cluster, (account, region), group)
            {
                let code = code.unwrap_or("DBParameterGroupNotFound");
                return Err(Box::new(not_found(shared, call, code, group)));
            }
            let mut parameters = group_parameters(group, cluster);
            if let Some(source) = call.form_field("Source") {
                parameters.retain(|parameter| parameter.status == source);
            }
            Ok(Arc::new(parameters))
        }
        Serve::EngineDefaults { cluster } => match call.form_field(param) {
            Some(family) => Ok(Arc::new(engine_default_parameters(family, cluster))),
            None => Err(Box::new(missing_parameter(shared, call, param))),
        },
    }
}

/// Pages of what the kind lists for the caller's target (account-wide kinds: the account's,
/// from any served region), with the checks and faults of every RDS call.
pub(super) async fn describe(spec: &KindSpec, shared: &Shared, call: &Call) -> Reply {
    let target = match rds_target_checks(shared, call, spec.action) {
        Ok(target) => target,
        Err(refusal) => return refusal.answer(shared).await,
    };
    let page_size = match max_records(shared, call) {
        Ok(records) => records,
        Err(reply) => return *reply,
    };
    let all = match records(spec, shared, call, target) {
        Ok(all) => all,
        Err(reply) => return *reply,
    };
    let selected = match spec.serve {
        Serve::List => match select(spec, shared, call, &all) {
            Ok(selected) => selected,
            Err(reply) => return *reply,
        },
        _ => all.iter().collect(),
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
    let list = |out: &mut String| {
        XmlSink { out }.list(spec.list, "", Some(items.len()), |s, i| {
            s.item_object(spec.item, |s| items[i].emit_xml(s))
        });
    };
    let request_id = shared.request_id();
    let body = match (spec.serve, call.form_field(spec.lookup.0)) {
        // The engine-default calls answer inside `EngineDefaults`, Marker included.
        (Serve::EngineDefaults { .. }, family) => {
            xml::rds_result(spec.action, None, &request_id, |out| {
                let mut sink = XmlSink { out };
                sink.object("EngineDefaults", "", true, |s| {
                    s.text("DBParameterGroupFamily", "", family);
                    s.text("Marker", "", page.next_marker.as_deref());
                    list(s.out);
                });
            })
        }
        _ => xml::rds_result(spec.action, page.next_marker.as_deref(), &request_id, list),
    };
    with_request_id(reply(StatusCode::OK, "text/xml", body), &request_id)
}
