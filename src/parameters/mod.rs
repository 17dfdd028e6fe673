//! `--with parameters`: whether a database refuses plaintext connections, read from its
//! parameter groups; the rules (which parameter per engine, what its values mean) are
//! record/parameters.rs. The calls, each asked once: a group's user-set parameters
//! (DescribeDB[Cluster]Parameters `Source=user`) once per distinct (account, region, group),
//! kept for the target only (in its `TargetCalls`, where the group kinds find it too, and
//! leave theirs for the join); the groups' families (DescribeDB[Cluster]ParameterGroups) once per
//! target, and only when a custom group does not set the parameter itself; the engine defaults
//! of a family (DescribeEngineDefault[Cluster]Parameters) once per (region, family) in the run,
//! shared by every account and single-flight. A `default.<family>` group is not asked: default
//! groups cannot be modified, so their values are the family's engine defaults.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::aws::{classify, CallFailure};
use crate::record::parameters::{
    default_group_family, parameter_names, user_set, value_of, Tls, TlsQuery,
};

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
    /// (cluster, group) -> the parameters its user set (all of them).
    user: HashMap<(bool, String), Result<Values, CallFailure>>,
    /// cluster -> group name -> family.
    families: [Option<Result<HashMap<String, String>, CallFailure>>; 2],
    /// A parameter listing of this target was refused: the rest are not asked.
    refused: Option<CallFailure>,
}

impl TargetParameters {
    /// A group's user-set parameters, when this target has listed them.
    pub fn listed(&self, cluster: bool, group: &str) -> Option<&[(String, String)]> {
        match self.user.get(&(cluster, group.to_owned())) {
            Some(Ok(values)) => Some(values),
            _ => None,
        }
    }

    /// Keeps a group's user-set parameters listed by a group kind, for the join.
    pub fn remember(&mut self, cluster: bool, group: &str, values: Values) {
        self.user.insert((cluster, group.to_owned()), Ok(values));
    }
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

/// Every page of a listing: `page` asks the page at a marker and returns its items and the
/// next marker (None, empty or the one sent: the last page).
async fn all_pages<T, F, Fut>(mut page: F) -> Result<Vec<T>, CallFailure>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), CallFailure>>,
{
    let mut marker: Option<String> = None;
    let mut all = Vec::new();
    loop {
        let (items, next) = page(marker.clone()).await?;
        all.extend(items);
        match next.filter(|m| !m.is_empty()) {
            Some(next) if Some(&next) != marker.as_ref() => marker = Some(next),
            _ => return Ok(all),
        }
    }
}

/// One page of `$operation` on `$client` at `$marker`, with the setters given, as
/// `(output, marker)` through `$items`.
macro_rules! page {
    ($client:expr, $marker:expr, $operation:ident, $($setter:ident($value:expr)),*; $items:expr) => {{
        let output = $client
            .$operation()
            $(.$setter($value))*
            .max_records(PAGE_SIZE)
            .set_marker($marker)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        Ok($items(output))
    }};
}

/// The user-set parameters of a group (every page).
async fn user_values(
    client: &aws_sdk_rds::Client,
    group: &str,
    cluster: bool,
) -> Result<Values, CallFailure> {
    let parameters = all_pages(|marker| async move {
        if cluster {
            page!(client, marker, describe_db_cluster_parameters,
                db_cluster_parameter_group_name(group), source("user");
                |o: aws_sdk_rds::operation::describe_db_cluster_parameters::DescribeDbClusterParametersOutput|
                    (o.parameters.unwrap_or_default(), o.marker))
        } else {
            page!(client, marker, describe_db_parameters,
                db_parameter_group_name(group), source("user");
                |o: aws_sdk_rds::operation::describe_db_parameters::DescribeDbParametersOutput|
                    (o.parameters.unwrap_or_default(), o.marker))
        }
    })
    .await?;
    // All of them, not only the rules' parameters: a group kind listed later in the target
    // takes the listing as its `modified_parameters`.
    Ok(user_set(parameters))
}

/// A family's engine defaults (every page; the marker is inside `EngineDefaults`).
async fn default_values(
    client: &aws_sdk_rds::Client,
    family: &str,
    cluster: bool,
) -> Result<Values, CallFailure> {
    let defaults = |d: Option<aws_sdk_rds::types::EngineDefaults>| {
        d.map_or_else(Default::default, |d| {
            (d.parameters.unwrap_or_default(), d.marker)
        })
    };
    let parameters = all_pages(|marker| async move {
        if cluster {
            page!(client, marker, describe_engine_default_cluster_parameters,
                db_parameter_group_family(family);
                |o: aws_sdk_rds::operation::describe_engine_default_cluster_parameters::DescribeEngineDefaultClusterParametersOutput|
                    defaults(o.engine_defaults))
        } else {
            page!(client, marker, describe_engine_default_parameters,
                db_parameter_group_family(family);
                |o: aws_sdk_rds::operation::describe_engine_default_parameters::DescribeEngineDefaultParametersOutput|
                    defaults(o.engine_defaults))
        }
    })
    .await?;
    Ok(keep(&parameters))
}

/// The target's groups and their families (every page).
async fn families(
    client: &aws_sdk_rds::Client,
    cluster: bool,
) -> Result<HashMap<String, String>, CallFailure> {
    let pairs = all_pages(|marker| async move {
        if cluster {
            page!(client, marker, describe_db_cluster_parameter_groups,;
                |o: aws_sdk_rds::operation::describe_db_cluster_parameter_groups::DescribeDbClusterParameterGroupsOutput| {
                    let groups = o.db_cluster_parameter_groups.unwrap_or_default();
                    let pairs = groups.into_iter().filter_map(|g| {
                        Some((g.db_cluster_parameter_group_name?, g.db_parameter_group_family?))
                    });
                    (pairs.collect::<Vec<_>>(), o.marker)
                })
        } else {
            page!(client, marker, describe_db_parameter_groups,;
                |o: aws_sdk_rds::operation::describe_db_parameter_groups::DescribeDbParameterGroupsOutput| {
                    let groups = o.db_parameter_groups.unwrap_or_default();
                    let pairs = groups.into_iter().filter_map(|g| {
                        Some((g.db_parameter_group_name?, g.db_parameter_group_family?))
                    });
                    (pairs.collect::<Vec<_>>(), o.marker)
                })
        }
    })
    .await?;
    Ok(pairs.into_iter().collect())
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

/// Where a query stands once the group's own values are known.
enum Step {
    Done(Tls),
    /// The group leaves the parameter at its family's default.
    Default {
        cluster: bool,
        family: Option<String>,
        parameter: &'static str,
        read: fn(&str) -> Option<bool>,
        group: String,
        pending: Option<bool>,
    },
}

/// The fields for `value` of `parameter` found in `group`.
fn found(
    parameter: &'static str,
    read: fn(&str) -> Option<bool>,
    value: &str,
    source: &'static str,
    group: String,
    pending: Option<bool>,
) -> Tls {
    let required = read(value);
    Tls {
        required,
        reason: required
            .is_none()
            .then(|| format!("{parameter} = `{value}` is not a value rds-inventory knows")),
        parameter: Some(parameter),
        value: Some(value.to_owned()),
        source: Some(source),
        group: Some(group),
        pending,
    }
}

/// The query's answer from its group's user-set values, listed in step 1.
fn from_user(target: &TargetParameters, query: &TlsQuery) -> Step {
    let (parameter, read, cluster, group, family, pending, user) = match query {
        TlsQuery::Known(tls) => return Step::Done(tls.clone()),
        TlsQuery::Group {
            parameter,
            read,
            cluster,
            group,
            family,
            pending,
            user,
        } => (parameter, read, cluster, group, family, pending, user),
    };
    let default_family = default_group_family(group);
    let values = match (user, default_family) {
        (Some(values), _) => values.as_slice(),
        // A default group cannot be modified: nothing of it is the user's.
        (None, Some(_)) => &[],
        (None, None) => match target.user.get(&(*cluster, group.clone())) {
            Some(Ok(values)) => values.as_slice(),
            Some(Err(failure)) => return Step::Done(failed(&call_name(*cluster, "user"), failure)),
            None => &[],
        },
    };
    match value_of(values, parameter) {
        Some(value) => Step::Done(found(
            parameter,
            *read,
            value,
            "user",
            group.clone(),
            *pending,
        )),
        None => Step::Default {
            cluster: *cluster,
            family: family.clone().or_else(|| default_family.map(str::to_owned)),
            parameter,
            read: *read,
            group: group.clone(),
            pending: *pending,
        },
    }
}

impl EngineDefaults {
    /// Asks the engine defaults of `wanted` (cluster, family) not answered in the run yet,
    /// together; returns the failures to report.
    async fn ask_defaults(
        &self,
        (account, region): (&str, &str),
        bounded: &aws_sdk_rds::Client,
        wanted: &[(bool, String)],
    ) -> Vec<CallFailure> {
        if self.is_refused(account, region) {
            return Vec::new();
        }
        let asked = futures::future::join_all(wanted.iter().map(|(cluster, family)| {
            let cell = self.cell(region, *cluster, family);
            async move {
                // A failure that says nothing of the account answers the family for the run;
                // a refusal of this account's role is kept for this account and region.
                cell.get_or_try_init(|| async {
                    match default_values(bounded, family, *cluster).await {
                        Ok(values) => Ok(Ok(values)),
                        Err(failure) if !failure.is_refusal() => Ok(Err(failure)),
                        Err(failure) => Err(failure),
                    }
                })
                .await
                .map(|_| ())
            }
        }))
        .await;
        let failures: Vec<CallFailure> = asked.into_iter().filter_map(Result::err).collect();
        if !failures.is_empty() {
            let mut refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
            refused.insert((account.to_owned(), region.to_owned()));
        }
        failures
    }

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
                if failure.is_refusal() {
                    target.refused = Some(failure.clone());
                }
                failures.push(failure.clone());
            }
            target.user.insert(key, answer);
        }
        // 2. The group's own value, else the family whose default is wanted.
        let mut steps: Vec<Option<Step>> = queries
            .iter()
            .map(|q| q.as_ref().map(|q| from_user(target, q)))
            .collect();
        // 3. The families of custom groups that left the parameter alone (once per target).
        for cluster in [false, true] {
            let wanted = steps.iter().flatten().any(|step| {
                matches!(step, Step::Default { cluster: c, family: None, .. } if *c == cluster)
            });
            let slot = &mut target.families[usize::from(cluster)];
            if wanted && slot.is_none() {
                let answer = match &target.refused {
                    Some(refused) => Err(refused.clone()),
                    None => families(client, cluster).await,
                };
                if let Err(failure) = &answer {
                    if failure.is_refusal() {
                        target.refused = Some(failure.clone());
                    }
                    failures.push(failure.clone());
                }
                target.families[usize::from(cluster)] = Some(answer);
            }
        }
        for step in steps.iter_mut().flatten() {
            if let Step::Default {
                cluster,
                family: family @ None,
                group,
                ..
            } = step
            {
                let groups = call_name(*cluster, "groups");
                match &target.families[usize::from(*cluster)] {
                    Some(Ok(all)) => match all.get(group.as_str()) {
                        Some(found) => *family = Some(found.clone()),
                        None => {
                            *step = Step::Done(Tls::unknown(format!(
                                "{groups} does not list the group"
                            )))
                        }
                    },
                    Some(Err(failure)) => *step = Step::Done(failed(&groups, failure)),
                    None => *step = Step::Done(Tls::unknown("the group's family is not known")),
                }
            }
        }
        // 4. The engine defaults of every family wanted, together, once per run.
        let mut wanted: Vec<(bool, String)> = Vec::new();
        for step in steps.iter().flatten() {
            if let Step::Default {
                cluster,
                family: Some(family),
                ..
            } = step
            {
                let key = (*cluster, family.clone());
                if !wanted.contains(&key) {
                    wanted.push(key);
                }
            }
        }
        failures.extend(self.ask_defaults((account, region), bounded, &wanted).await);
        let refused = self.is_refused(account, region);
        let tls = steps
            .into_iter()
            .map(|step| {
                Some(match step? {
                    Step::Done(tls) => tls,
                    Step::Default {
                        cluster,
                        family,
                        parameter,
                        read,
                        group,
                        pending,
                    } => {
                        let family = family.unwrap_or_default();
                        let call = call_name(cluster, "defaults");
                        match self.cell(region, cluster, &family).get() {
                            _ if refused => Tls::unknown(format!("{call} was refused")),
                            Some(Ok(values)) => match value_of(values, parameter) {
                                Some(value) => found(parameter, read, value, "engine-default", group, pending),
                                None => Tls {
                                    reason: Some(format!(
                                        "family {family} has no {parameter}: neither the group nor the engine defaults set it"
                                    )),
                                    parameter: Some(parameter),
                                    group: Some(group),
                                    pending,
                                    ..Tls::default()
                                },
                            },
                            Some(Err(failure)) => {
                                failures.push(failure.clone());
                                failed(&call, failure)
                            }
                            None => Tls::unknown(format!("{call} was not answered")),
                        }
                    }
                })
            })
            .collect();
        Answered { tls, failures }
    }
}
