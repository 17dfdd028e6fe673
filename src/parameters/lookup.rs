//! The calls of `--with parameters`, each asked once: a group's user-set parameters
//! (DescribeDB[Cluster]Parameters `Source=user`) once per distinct (account, region, group),
//! kept for the target only; the groups' families (DescribeDB[Cluster]ParameterGroups) once per
//! target, and only when a custom group does not set the parameter itself; the engine defaults
//! of a family (DescribeEngineDefault[Cluster]Parameters) once per (region, family) in the run,
//! shared by every account and single-flight. A `default.<family>` group is not asked: default
//! groups cannot be modified, so their values are the family's engine defaults.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use super::rules::{default_group_family, parameter_names, value_of, Tls, TlsQuery};
use crate::aws::{classify, CallFailure, FailureKind};

/// Largest page the parameter calls allow.
const PAGE_SIZE: i32 = 100;

/// (name, value) of the parameters a rule reads, as one listing returned them.
pub type Values = Vec<(String, String)>;

/// A family's engine defaults for the run, or the failure that outlived its attempts.
type DefaultsAnswer = Result<Values, CallFailure>;

/// (region, cluster, family) -> its engine defaults.
type DefaultsCache = HashMap<(String, bool, String), Arc<OnceCell<DefaultsAnswer>>>;

/// The run's engine defaults, shared by every target.
#[derive(Default)]
pub struct EngineDefaults {
    cells: Mutex<DefaultsCache>,
    /// (account, region) whose role was refused an engine-default call: not asked again.
    refused: Mutex<HashSet<(String, String)>>,
}

/// One target's answers: kept while the target is listed, then dropped.
#[derive(Default)]
pub struct TargetParameters {
    /// (cluster, group) -> the rule parameters its user set.
    user: HashMap<(bool, String), Result<Values, CallFailure>>,
    /// cluster -> group name -> family.
    families: [Option<Result<HashMap<String, String>, CallFailure>>; 2],
    /// A parameter listing of this target was refused: the rest are not asked.
    refused: Option<CallFailure>,
}

/// What a record's query came to, and any failure to report (once per account).
pub struct Answered {
    pub tls: Vec<Option<Tls>>,
    pub failures: Vec<CallFailure>,
}

/// Keeps the rule parameters of a listing.
fn keep(parameters: &[aws_sdk_rds::types::Parameter]) -> Values {
    parameters
        .iter()
        .filter_map(|p| {
            let name = p.parameter_name()?;
            let value = p.parameter_value()?;
            parameter_names()
                .any(|n| n.eq_ignore_ascii_case(name))
                .then(|| (name.to_owned(), value.to_owned()))
        })
        .collect()
}

/// The user-set parameters of a group (every page).
async fn user_values(
    client: &aws_sdk_rds::Client,
    group: &str,
    cluster: bool,
) -> Result<Values, CallFailure> {
    let mut marker: Option<String> = None;
    let mut values = Vec::new();
    loop {
        let (parameters, next) = if cluster {
            let page = client
                .describe_db_cluster_parameters()
                .db_cluster_parameter_group_name(group)
                .source("user")
                .max_records(PAGE_SIZE)
                .set_marker(marker.clone())
                .send()
                .await
                .map_err(|e| classify(&e))?;
            (page.parameters.unwrap_or_default(), page.marker)
        } else {
            let page = client
                .describe_db_parameters()
                .db_parameter_group_name(group)
                .source("user")
                .max_records(PAGE_SIZE)
                .set_marker(marker.clone())
                .send()
                .await
                .map_err(|e| classify(&e))?;
            (page.parameters.unwrap_or_default(), page.marker)
        };
        values.extend(keep(&parameters));
        match next.filter(|m| !m.is_empty()) {
            Some(next) if Some(&next) != marker.as_ref() => marker = Some(next),
            _ => return Ok(values),
        }
    }
}

/// A family's engine defaults (every page).
async fn default_values(
    client: &aws_sdk_rds::Client,
    family: &str,
    cluster: bool,
) -> Result<Values, CallFailure> {
    let mut marker: Option<String> = None;
    let mut values = Vec::new();
    loop {
        let defaults = if cluster {
            client
                .describe_engine_default_cluster_parameters()
                .db_parameter_group_family(family)
                .max_records(PAGE_SIZE)
                .set_marker(marker.clone())
                .send()
                .await
                .map_err(|e| classify(&e))?
                .engine_defaults
        } else {
            client
                .describe_engine_default_parameters()
                .db_parameter_group_family(family)
                .max_records(PAGE_SIZE)
                .set_marker(marker.clone())
                .send()
                .await
                .map_err(|e| classify(&e))?
                .engine_defaults
        };
        let Some(defaults) = defaults else {
            return Ok(values);
        };
        values.extend(keep(defaults.parameters()));
        match defaults.marker.filter(|m| !m.is_empty()) {
            Some(next) if Some(&next) != marker.as_ref() => marker = Some(next),
            _ => return Ok(values),
        }
    }
}

/// The target's groups and their families (every page).
async fn families(
    client: &aws_sdk_rds::Client,
    cluster: bool,
) -> Result<HashMap<String, String>, CallFailure> {
    let mut marker: Option<String> = None;
    let mut all = HashMap::new();
    loop {
        let next = if cluster {
            let page = client
                .describe_db_cluster_parameter_groups()
                .max_records(PAGE_SIZE)
                .set_marker(marker.clone())
                .send()
                .await
                .map_err(|e| classify(&e))?;
            for group in page.db_cluster_parameter_groups() {
                if let (Some(name), Some(family)) = (
                    group.db_cluster_parameter_group_name(),
                    group.db_parameter_group_family(),
                ) {
                    all.insert(name.to_owned(), family.to_owned());
                }
            }
            page.marker
        } else {
            let page = client
                .describe_db_parameter_groups()
                .max_records(PAGE_SIZE)
                .set_marker(marker.clone())
                .send()
                .await
                .map_err(|e| classify(&e))?;
            for group in page.db_parameter_groups() {
                if let (Some(name), Some(family)) = (
                    group.db_parameter_group_name(),
                    group.db_parameter_group_family(),
                ) {
                    all.insert(name.to_owned(), family.to_owned());
                }
            }
            page.marker
        };
        match next.filter(|m| !m.is_empty()) {
            Some(next) if Some(&next) != marker.as_ref() => marker = Some(next),
            _ => return Ok(all),
        }
    }
}

/// The account's role may not make the call (its policy, or a region it cannot use).
pub fn refusal(failure: &CallFailure) -> bool {
    matches!(
        failure.kind,
        FailureKind::RegionNotEnabled | FailureKind::ExpiredToken | FailureKind::CannotAssumeRole
    ) || failure
        .code
        .as_deref()
        .is_some_and(|code| code.contains("AccessDenied") || code == "UnauthorizedOperation")
}

fn call_name(cluster: bool, what: &str) -> String {
    let cluster = if cluster { "Cluster" } else { "" };
    match what {
        "user" => format!("DescribeDB{cluster}Parameters"),
        "groups" => format!("DescribeDB{cluster}ParameterGroups"),
        _ => format!("DescribeEngineDefault{cluster}Parameters"),
    }
}

fn failed(call: &str, failure: &CallFailure) -> Tls {
    let code = failure.code.as_deref().unwrap_or("error");
    Tls::unknown(format!("{call} failed: {code}"))
}

impl EngineDefaults {
    fn cell(&self, region: &str, cluster: bool, family: &str) -> Arc<OnceCell<DefaultsAnswer>> {
        let mut cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
        let key = (region.to_owned(), cluster, family.to_owned());
        Arc::clone(cells.entry(key).or_default())
    }

    fn is_refused(&self, account: &str, region: &str) -> bool {
        let refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
        refused.contains(&(account.to_owned(), region.to_owned()))
    }

    /// Answers a page's queries. `client` makes the account's client for the calls not
    /// answered yet; `bounded` bounds an engine-default call's attempts and time.
    pub async fn answer(
        &self,
        (account, region): (&str, &str),
        client: &aws_sdk_rds::Client,
        bounded: &aws_sdk_rds::Client,
        target: &mut TargetParameters,
        queries: Vec<Option<TlsQuery>>,
    ) -> Answered {
        let mut failures = Vec::new();
        // 1. The user-set parameters of each group not listed yet in this target, together.
        let mut wanted: Vec<(bool, String)> = Vec::new();
        for query in queries.iter().flatten() {
            if let TlsQuery::Group {
                cluster,
                group,
                user: None,
                ..
            } = query
            {
                let key = (*cluster, group.clone());
                if default_group_family(group).is_none()
                    && !target.user.contains_key(&key)
                    && !wanted.contains(&key)
                {
                    wanted.push(key);
                }
            }
        }
        if let Some(refused) = &target.refused {
            for key in wanted.drain(..) {
                target.user.insert(key, Err(refused.clone()));
            }
        }
        let listed = futures::future::join_all(
            wanted
                .iter()
                .map(|(cluster, group)| user_values(client, group, *cluster)),
        )
        .await;
        for (key, answer) in wanted.into_iter().zip(listed) {
            if let Err(failure) = &answer {
                if refusal(failure) {
                    target.refused = Some(failure.clone());
                }
                failures.push(failure.clone());
            }
            target.user.insert(key, answer);
        }
        // 2. Which queries need their family's defaults, and the families of custom groups.
        let mut need_families = [false, false];
        let mut resolved: Vec<Option<Result<Tls, (bool, Option<String>)>>> = Vec::new();
        for query in &queries {
            resolved.push(query.as_ref().map(|query| match query {
                TlsQuery::Known(tls) => Ok(tls.clone()),
                TlsQuery::Group {
                    parameter,
                    read,
                    cluster,
                    group,
                    family,
                    pending,
                    user,
                } => {
                    let user_values = match user {
                        Some(values) => Ok(values.as_slice()),
                        None if default_group_family(group).is_some() => Ok(&[][..]),
                        None => match target.user.get(&(*cluster, group.clone())) {
                            Some(Ok(values)) => Ok(values.as_slice()),
                            Some(Err(failure)) => Err(failure),
                            None => Ok(&[][..]),
                        },
                    };
                    match user_values {
                        Err(failure) => Ok(failed(&call_name(*cluster, "user"), failure)),
                        Ok(values) => match value_of(values, parameter) {
                            Some(value) => Ok(Tls {
                                required: read(value),
                                reason: read(value)
                                    .is_none()
                                    .then(|| format!("{parameter} = `{value}` is not a value rds-inventory knows")),
                                parameter: Some(parameter),
                                value: Some(value.to_owned()),
                                source: Some("user"),
                                group: Some(group.clone()),
                                pending: *pending,
                            }),
                            None => {
                                let family = family
                                    .clone()
                                    .or_else(|| default_group_family(group).map(str::to_owned));
                                if family.is_none() {
                                    need_families[usize::from(*cluster)] = true;
                                }
                                Err((*cluster, family))
                            }
                        },
                    }
                }
            }));
        }
        for cluster in [false, true] {
            if need_families[usize::from(cluster)]
                && target.families[usize::from(cluster)].is_none()
            {
                let answer = match &target.refused {
                    Some(refused) => Err(refused.clone()),
                    None => families(client, cluster).await,
                };
                if let Err(failure) = &answer {
                    if refusal(failure) {
                        target.refused = Some(failure.clone());
                    }
                    failures.push(failure.clone());
                }
                target.families[usize::from(cluster)] = Some(answer);
            }
        }
        // 3. The engine defaults of every family still wanted, together, once per run.
        let family_of = |query: &TlsQuery, cluster: bool, family: &Option<String>| {
            let TlsQuery::Group { group, .. } = query else {
                return Err(Tls::unknown("no group"));
            };
            match family {
                Some(family) => Ok(family.clone()),
                None => match &target.families[usize::from(cluster)] {
                    Some(Ok(all)) => all.get(group).cloned().ok_or_else(|| {
                        Tls::unknown(format!(
                            "{} does not list the group",
                            call_name(cluster, "groups")
                        ))
                    }),
                    Some(Err(failure)) => Err(failed(&call_name(cluster, "groups"), failure)),
                    None => Err(Tls::unknown("its family is not known")),
                },
            }
        };
        let mut families_wanted: Vec<(bool, String)> = Vec::new();
        let mut final_tls: Vec<Option<Tls>> = Vec::with_capacity(queries.len());
        let mut defaults_of: Vec<Option<(bool, String)>> = Vec::with_capacity(queries.len());
        for (query, resolved) in queries.iter().zip(resolved) {
            match (query, resolved) {
                (_, None) => {
                    final_tls.push(None);
                    defaults_of.push(None);
                }
                (_, Some(Ok(tls))) => {
                    final_tls.push(Some(tls));
                    defaults_of.push(None);
                }
                (Some(query), Some(Err((cluster, family)))) => {
                    match family_of(query, cluster, &family) {
                        Ok(family) => {
                            let key = (cluster, family);
                            if !families_wanted.contains(&key) {
                                families_wanted.push(key.clone());
                            }
                            final_tls.push(None);
                            defaults_of.push(Some(key));
                        }
                        Err(tls) => {
                            final_tls.push(Some(tls));
                            defaults_of.push(None);
                        }
                    }
                }
                (None, Some(Err(_))) => {
                    final_tls.push(None);
                    defaults_of.push(None);
                }
            }
        }
        let refused_here = self.is_refused(account, region);
        let asked = futures::future::join_all(families_wanted.iter().map(|(cluster, family)| {
            let cell = self.cell(region, *cluster, family);
            async move {
                if refused_here {
                    return Ok(());
                }
                // A failure that says nothing of the account answers the family for the run;
                // a refusal of this account's role is kept for this account and region.
                cell.get_or_try_init(|| async {
                    match default_values(bounded, family, *cluster).await {
                        Ok(values) => Ok(Ok(values)),
                        Err(failure) if !refusal(&failure) => Ok(Err(failure)),
                        Err(failure) => Err(failure),
                    }
                })
                .await
                .map(|_| ())
            }
        }))
        .await;
        for failure in asked.into_iter().filter_map(Result::err) {
            let mut refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
            refused.insert((account.to_owned(), region.to_owned()));
            drop(refused);
            failures.push(failure);
        }
        let refused_now = self.is_refused(account, region);
        for ((slot, key), query) in final_tls.iter_mut().zip(defaults_of).zip(&queries) {
            let (
                Some((cluster, family)),
                Some(TlsQuery::Group {
                    parameter,
                    read,
                    group,
                    pending,
                    ..
                }),
            ) = (key, query)
            else {
                continue;
            };
            let call = call_name(cluster, "defaults");
            let tls = match self.cell(region, cluster, &family).get() {
                _ if refused_now => Tls::unknown(format!("{call} was refused")),
                Some(Ok(values)) => match value_of(values, parameter) {
                    Some(value) => Tls {
                        required: read(value),
                        reason: read(value)
                            .is_none()
                            .then(|| format!("{parameter} = `{value}` is not a value rds-inventory knows")),
                        parameter: Some(parameter),
                        value: Some(value.to_owned()),
                        source: Some("engine-default"),
                        group: Some(group.clone()),
                        pending: *pending,
                    },
                    None => Tls {
                        reason: Some(format!(
                            "family {family} has no {parameter}: neither the group nor the engine defaults set it"
                        )),
                        parameter: Some(parameter),
                        group: Some(group.clone()),
                        pending: *pending,
                        ..Tls::default()
                    },
                },
                Some(Err(failure)) => {
                    failures.push(failure.clone());
                    failed(&call, failure)
                }
                None => Tls::unknown(format!("{call} was not answered")),
            };
            *slot = Some(tls);
        }
        Answered {
            tls: final_tls,
            failures,
        }
    }
}
