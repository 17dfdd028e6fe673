//! The `parameter-groups` kind: DB parameter groups (DescribeDBParameterGroups), each with the
//! parameters its user set (`modified_parameters`, one DescribeDBParameters `Source=user` per
//! group) and, with `--with parameters`, whether the group requires TLS (`tls_required`).
//! `GroupRecord` and its follow-up call serve `cluster_parameter_groups.rs` too.

use std::future::Future;

use aws_sdk_rds::types::DbParameterGroup;

use super::{
    Calls, Join, Kind, KindMetric, KindSpec, Listed, MetricLabel, Place, ResourceKind, Scope,
};
use crate::record::parameters::{user_set, Groups, TlsQuery};
use super::{DiffKeys, Record};
use crate::record::schema::{member, Field, HasItem, Source};
use crate::record::shape::Shape;
use crate::record::shared_fields::{self, SharedSource};
use crate::record::value::{FieldValue, TagView};
use crate::record::{Joinable, Joined};

/// One DB or DB cluster parameter group (`T` is the SDK's item).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRecord<T> {
    pub account_id: String,
    pub account_name: String,
    pub region: String,
    pub(crate) item: T,
    /// (name, value) of the parameters its user set; None when they could not be listed.
    pub(crate) modified: Option<Vec<(String, String)>>,
    pub(crate) joined: Joined,
}

impl<T> GroupRecord<T> {
    pub fn new(place: &Place<'_>, item: T) -> GroupRecord<T> {
        GroupRecord {
            account_id: place.account_id.to_owned(),
            account_name: place.account_name.to_owned(),
            region: place.region.to_owned(),
            item,
            modified: None,
            joined: Joined::default(),
        }
    }
}

impl<T> HasItem for GroupRecord<T> {
    type Item = T;
    fn item(&self) -> &T {
        &self.item
    }
}

impl<T: 'static> SharedSource for GroupRecord<T> {
    fn certificate(&self) -> Option<&aws_sdk_rds::types::CertificateDetails> {
        None
    }
    fn joined(&self) -> &Joined {
        &self.joined
    }
}

/// What differs between the two group kinds: the SDK item, its call and its table. Both are
/// [`GroupRecord`]s with one `Record` and one `Kind` implementation below.
pub trait GroupItem: Sized + Send + Sync + std::fmt::Debug + 'static {
    /// Whether it is a DB cluster parameter group.
    const CLUSTER: bool;
    const SPEC: KindSpec;
    const TABLE_COLUMNS: &'static [&'static str];
    const DIFF: DiffKeys;
    fn fields() -> &'static [Field<GroupRecord<Self>>];
    fn name(&self) -> Option<&str>;
    fn family(&self) -> Option<&str>;
    fn arn(&self) -> Option<&str>;
    /// One page of the groups' listing.
    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<Self>, C::Failure>> + Send;
    #[cfg(test)]
    fn empty() -> Self;
}

/// The metric both group kinds share, told apart by a `kind` label.
pub(super) const METRIC: KindMetric = KindMetric {
    name: "rds_inventory_parameter_groups",
    help: "DB parameter groups and DB cluster parameter groups listed by the last run, by account, region and kind.",
    label: MetricLabel::Kind,
    always: false,
};

impl<T> super::Located for GroupRecord<T> {
    fn account_id(&self) -> &str {
        &self.account_id
    }
    fn account_name(&self) -> &str {
        &self.account_name
    }
    fn region(&self) -> &str {
        &self.region
    }
}

impl<T: GroupItem> Record for GroupRecord<T> {
    const SPEC: KindSpec = T::SPEC;
    const TABLE_COLUMNS: &'static [&'static str] = T::TABLE_COLUMNS;
    const DIFF: DiffKeys = T::DIFF;

    fn fields() -> &'static [Field<Self>] {
        T::fields()
    }
    /// The family (`postgres16`), what a group has of an engine.
    fn engine(&self) -> Option<&str> {
        self.item.family()
    }
    fn tags(&self) -> TagView<'_> {
        TagView::of(&None)
    }
}

impl<T: GroupItem> Kind for GroupRecord<T> {
    type Item = T;

    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<T>, C::Failure>> + Send {
        T::page(calls, marker)
    }

    fn from_item(place: &Place<'_>, item: T) -> Self {
        GroupRecord::new(place, item)
    }

    /// Each custom group's user-set parameters; the first failure stops the page's asking.
    async fn follow_up<C: Calls>(records: &mut [Self], calls: &mut C) -> Option<C::Failure> {
        for record in records {
            let Some(name) = record.item.name().map(str::to_owned) else {
                continue;
            };
            // A default group cannot be modified: nothing in it is the user's.
            if name.starts_with("default.") {
                record.modified = Some(Vec::new());
                continue;
            }
            // `--with parameters` may have listed it for an instance or cluster already.
            if let Some(parameters) = calls.listed_user_parameters(T::CLUSTER, &name) {
                record.modified = Some(parameters);
                continue;
            }
            match user_parameters(calls, &name, T::CLUSTER).await {
                Ok(parameters) => {
                    calls.remember_user_parameters(T::CLUSTER, &name, &parameters);
                    record.modified = Some(parameters);
                }
                Err(failure) => return Some(failure),
            }
        }
        None
    }

    fn joinable(&mut self) -> Option<&mut (dyn Joinable + Send + Sync)> {
        Some(self)
    }

    #[cfg(test)]
    fn empty_item() -> T {
        T::empty()
    }
}

impl<T: GroupItem> Joinable for GroupRecord<T> {
    fn arn(&self) -> Option<&str> {
        self.item.arn()
    }

    fn engine_major_key(&self) -> Option<(&str, &str)> {
        None
    }

    fn joined_mut(&mut self) -> &mut Joined {
        &mut self.joined
    }

    /// The group's own value: its user's, else its family's engine default.
    fn tls_query(&self) -> Option<TlsQuery> {
        let Some(modified) = self.modified.as_deref() else {
            return Some(TlsQuery::Known(crate::record::parameters::Tls::unknown(
                "the group's parameters could not be listed",
            )));
        };
        let name = self.item.name()?;
        let group = Some((name, None));
        let groups = if T::CLUSTER {
            Groups {
                cluster: Ok(group),
                ..Groups::default()
            }
        } else {
            Groups {
                instance: group,
                ..Groups::default()
            }
        };
        Some(TlsQuery::of(
            self.item.family(),
            Groups {
                family: self.item.family(),
                user: Some(modified),
                ..groups
            },
        ))
    }
}

/// `modified_parameters`: the user-set parameters as one object, name -> value.
pub const fn modified_parameters<T: 'static>(source: &'static str) -> Field<GroupRecord<T>> {
    Field {
        name: "modified_parameters",
        meaning: "the parameters set in the group by its user, name -> value as AWS returns it (null when they could not be listed)",
        source: Source::Joined(source),
        shape: || Shape::Object(Vec::new()),
        read: |r, _| match &r.modified {
            Some(modified) => FieldValue::Json(serde_json::Value::Object(
                modified
                    .iter()
                    .map(|(n, v)| (n.clone(), serde_json::Value::from(v.as_str())))
                    .collect(),
            )),
            None => FieldValue::Absent,
        },
    }
}

/// Largest page DescribeDB(Cluster)Parameters allows.
const PARAMETERS_PAGE: i32 = 100;

/// One page of a group's `Source=user` parameters at `$sent`: `$operation` with the group
/// named by `$setter`, through the target's calls.
macro_rules! user_page {
    ($calls:expr, $sent:expr, $operation:ident, $setter:ident, $group:expr) => {{
        let page = $calls
            .call(|client, signed| {
                client
                    .$operation()
                    .$setter($group)
                    .source("user")
                    .max_records(PARAMETERS_PAGE)
                    .set_marker($sent.clone())
                    .customize()
                    .config_override(signed)
                    .send()
            })
            .await?;
        (page.parameters.unwrap_or_default(), page.marker)
    }};
}

/// The user-set parameters of one group (every page), through the target's calls.
pub(super) async fn user_parameters<C: Calls>(
    calls: &mut C,
    group: &str,
    cluster: bool,
) -> Result<Vec<(String, String)>, C::Failure> {
    let mut marker: Option<String> = None;
    let mut all = Vec::new();
    loop {
        let sent = marker.clone();
        let (parameters, next) = if cluster {
            user_page!(calls, sent, describe_db_cluster_parameters, db_cluster_parameter_group_name, group)
        } else {
            user_page!(calls, sent, describe_db_parameters, db_parameter_group_name, group)
        };
        all.extend(user_set(parameters));
        match next.filter(|m| !m.is_empty()) {
            Some(next) if Some(&next) != marker.as_ref() => marker = Some(next),
            _ => return Ok(all),
        }
    }
}

/// One DB parameter group.
pub type ParameterGroupRecord = GroupRecord<DbParameterGroup>;

const CALL: &str = "DescribeDBParameterGroups DBParameterGroup";

macro_rules! m {
    ($($member:tt)*) => { member!(DbParameterGroup, CALL, $($member)*) };
}

#[rustfmt::skip]
const FIELDS: &[Field<ParameterGroupRecord>] = &[
    shared_fields::account_id(),
    shared_fields::account_name(),
    shared_fields::region("the region the group was listed in"),
    m!(db_parameter_group_name, "DBParameterGroupName", "the group's name; `default.<family>` for the defaults AWS made"),
    m!(db_parameter_group_family, "DBParameterGroupFamily", "the engine family, e.g. `postgres16`, `mysql8.0`"),
    m!(description, "Description", "the group's description"),
    m!(db_parameter_group_arn, "DBParameterGroupArn", "the group's ARN"),
    modified_parameters("DescribeDBParameters Source=user, one call per group"),
    shared_fields::tls_required("whether the group makes its instances refuse connections without TLS (`--with parameters`): its user's value, else the family's engine default"),
    shared_fields::tls_required_reason(),
    shared_fields::tls_required_parameter(),
    shared_fields::tls_required_value(),
    shared_fields::tls_required_source(),
    shared_fields::service(),
];

impl GroupItem for DbParameterGroup {
    const CLUSTER: bool = false;
    const SPEC: KindSpec = KindSpec {
        name: "parameter-groups",
        noun: "DB parameter group",
        about: "DB parameter groups, with their user-set parameters and whether they require TLS",
        call: "DescribeDBParameterGroups",
        scope: Scope::Region,
        iam_actions: &["rds:DescribeDBParameterGroups", "rds:DescribeDBParameters"],
        joins: &[Join::Parameters],
        metric: METRIC,
    };
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "account_name",
        "region",
        "db_parameter_group_name",
        "db_parameter_group_family",
        "tls_required",
        "tls_required_value",
        "tls_required_source",
    ];
    // A group cannot be renamed; its ARN is made of its name.
    const DIFF: DiffKeys = DiffKeys {
        kind: ResourceKind::named("parameter-groups"),
        identifier: "db_parameter_group_name",
        rename: "db_parameter_group_arn",
        volatile: &[],
    };

    fn fields() -> &'static [Field<ParameterGroupRecord>] {
        FIELDS
    }
    fn name(&self) -> Option<&str> {
        self.db_parameter_group_name()
    }
    fn family(&self) -> Option<&str> {
        self.db_parameter_group_family()
    }
    fn arn(&self) -> Option<&str> {
        self.db_parameter_group_arn()
    }
    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<Self>, C::Failure>> + Send {
        list_page!(calls, marker, describe_db_parameter_groups, db_parameter_groups)
    }
    #[cfg(test)]
    fn empty() -> Self {
        DbParameterGroup::builder().build()
    }
}
