//! The `parameter-groups` kind: DB parameter groups (DescribeDBParameterGroups), each with the
//! parameters its user set (`modified_parameters`, one DescribeDBParameters `Source=user` per
//! group) and, with `--with parameters`, whether the group requires TLS (`tls_required`).
//! `GroupRecord` and its follow-up call serve `cluster_parameter_groups.rs` too.

use std::future::Future;

use aws_sdk_rds::types::DbParameterGroup;

use super::{Calls, Join, Kind, KindMetric, KindSpec, Listed, MetricLabel, Place, Scope};
use crate::parameters::{Groups, TlsQuery};
use crate::record::schema::{member, DiffKeys, Field, HasItem, Record, Source};
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

/// What the two group kinds' records say of their group.
pub trait GroupItem {
    /// Whether it is a DB cluster parameter group.
    const CLUSTER: bool;
    fn name(&self) -> Option<&str>;
    fn family(&self) -> Option<&str>;
    fn arn(&self) -> Option<&str>;
}

impl GroupItem for DbParameterGroup {
    const CLUSTER: bool = false;
    fn name(&self) -> Option<&str> {
        self.db_parameter_group_name()
    }
    fn family(&self) -> Option<&str> {
        self.db_parameter_group_family()
    }
    fn arn(&self) -> Option<&str> {
        self.db_parameter_group_arn()
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
            return Some(TlsQuery::Known(crate::parameters::Tls::unknown(
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
            let page = calls
                .call(|client, signed| {
                    client
                        .describe_db_cluster_parameters()
                        .db_cluster_parameter_group_name(group)
                        .source("user")
                        .max_records(PARAMETERS_PAGE)
                        .set_marker(sent.clone())
                        .customize()
                        .config_override(signed)
                        .send()
                })
                .await?;
            (page.parameters.unwrap_or_default(), page.marker)
        } else {
            let page = calls
                .call(|client, signed| {
                    client
                        .describe_db_parameters()
                        .db_parameter_group_name(group)
                        .source("user")
                        .max_records(PARAMETERS_PAGE)
                        .set_marker(sent.clone())
                        .customize()
                        .config_override(signed)
                        .send()
                })
                .await?;
            (page.parameters.unwrap_or_default(), page.marker)
        };
        all.extend(parameters.into_iter().filter_map(|p| {
            Some((p.parameter_name?, p.parameter_value.unwrap_or_default()))
        }));
        match next.filter(|m| !m.is_empty()) {
            Some(next) if Some(&next) != marker.as_ref() => marker = Some(next),
            _ => return Ok(all),
        }
    }
}

/// Each group's user-set parameters; the first failure stops the page's asking.
pub(super) async fn follow_up<T: GroupItem + Send + Sync, C: Calls>(
    records: &mut [GroupRecord<T>],
    calls: &mut C,
) -> Option<C::Failure> {
    for record in records {
        let Some(name) = record.item.name().map(str::to_owned) else {
            continue;
        };
        // A default group cannot be modified: nothing in it is the user's.
        if name.starts_with("default.") {
            record.modified = Some(Vec::new());
            continue;
        }
        match user_parameters(calls, &name, T::CLUSTER).await {
            Ok(parameters) => record.modified = Some(parameters),
            Err(failure) => return Some(failure),
        }
    }
    None
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

impl Record for ParameterGroupRecord {
    const SPEC: KindSpec = KindSpec {
        name: "parameter-groups",
        noun: "DB parameter group",
        about: "DB parameter groups, with their user-set parameters and whether they require TLS",
        call: "DescribeDBParameterGroups",
        scope: Scope::Region,
        iam_actions: &["rds:DescribeDBParameterGroups", "rds:DescribeDBParameters"],
        joins: &[Join::Parameters],
        metric: KindMetric {
            name: "rds_inventory_parameter_groups",
            help: "DB parameter groups and DB cluster parameter groups listed by the last run, by account, region and kind.",
            label: MetricLabel::Kind,
            always: false,
        },
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
        kind: Self::KIND,
        identifier: "db_parameter_group_name",
        rename: "db_parameter_group_arn",
        volatile: &[],
    };

    fn fields() -> &'static [Field<Self>] {
        FIELDS
    }
    fn account_id(&self) -> &str {
        &self.account_id
    }
    fn account_name(&self) -> &str {
        &self.account_name
    }
    fn region(&self) -> &str {
        &self.region
    }
    /// The family (`postgres16`), what a group has of an engine.
    fn engine(&self) -> Option<&str> {
        self.item.db_parameter_group_family()
    }
    fn tags(&self) -> TagView<'_> {
        TagView::of(&None)
    }
}

impl Kind for ParameterGroupRecord {
    type Item = DbParameterGroup;

    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<Self::Item>, C::Failure>> + Send {
        list_page!(calls, marker, describe_db_parameter_groups, db_parameter_groups)
    }

    fn from_item(place: &Place<'_>, item: Self::Item) -> Self {
        GroupRecord::new(place, item)
    }

    fn follow_up<C: Calls>(
        records: &mut [Self],
        calls: &mut C,
    ) -> impl Future<Output = Option<C::Failure>> + Send {
        follow_up(records, calls)
    }

    fn joinable(&mut self) -> Option<&mut (dyn Joinable + Send + Sync)> {
        Some(self)
    }

    #[cfg(test)]
    fn empty_item() -> Self::Item {
        DbParameterGroup::builder().build()
    }
}
