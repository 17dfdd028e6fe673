//! The `cluster-parameter-groups` kind: DB cluster parameter groups
//! (DescribeDBClusterParameterGroups), with `modified_parameters` (one
//! DescribeDBClusterParameters `Source=user` per group) and, with `--with parameters`,
//! `tls_required`; the record and the follow-up call are `parameter_groups.rs`'s.

use std::future::Future;

use aws_sdk_rds::types::DbClusterParameterGroup;

use super::parameter_groups::{follow_up, modified_parameters, GroupItem, GroupRecord};
use super::{Calls, Join, Kind, KindMetric, KindSpec, Listed, MetricLabel, Place, Scope};
use crate::record::schema::{member, DiffKeys, Field, Record};
use crate::record::shared_fields;
use crate::record::value::TagView;
use crate::record::Joinable;

/// One DB cluster parameter group.
pub type ClusterParameterGroupRecord = GroupRecord<DbClusterParameterGroup>;

impl GroupItem for DbClusterParameterGroup {
    const CLUSTER: bool = true;
    fn name(&self) -> Option<&str> {
        self.db_cluster_parameter_group_name()
    }
    fn family(&self) -> Option<&str> {
        self.db_parameter_group_family()
    }
    fn arn(&self) -> Option<&str> {
        self.db_cluster_parameter_group_arn()
    }
}

const CALL: &str = "DescribeDBClusterParameterGroups DBClusterParameterGroup";

macro_rules! m {
    ($($member:tt)*) => { member!(DbClusterParameterGroup, CALL, $($member)*) };
}

#[rustfmt::skip]
const FIELDS: &[Field<ClusterParameterGroupRecord>] = &[
    shared_fields::account_id(),
    shared_fields::account_name(),
    shared_fields::region("the region the group was listed in"),
    m!(db_cluster_parameter_group_name, "DBClusterParameterGroupName", "the group's name; `default.<family>` for the defaults AWS made"),
    m!(db_parameter_group_family, "DBParameterGroupFamily", "the engine family, e.g. `aurora-postgresql16`, `docdb5.0`"),
    m!(description, "Description", "the group's description"),
    m!(db_cluster_parameter_group_arn, "DBClusterParameterGroupArn", "the group's ARN"),
    modified_parameters("DescribeDBClusterParameters Source=user, one call per group"),
    shared_fields::tls_required("whether the group makes its clusters refuse connections without TLS (`--with parameters`): its user's value, else the family's engine default"),
    shared_fields::tls_required_reason(),
    shared_fields::tls_required_parameter(),
    shared_fields::tls_required_value(),
    shared_fields::tls_required_source(),
    shared_fields::service(),
];

impl Record for ClusterParameterGroupRecord {
    const SPEC: KindSpec = KindSpec {
        name: "cluster-parameter-groups",
        noun: "DB cluster parameter group",
        about: "DB cluster parameter groups, with their user-set parameters and whether they require TLS",
        call: "DescribeDBClusterParameterGroups",
        scope: Scope::Region,
        iam_actions: &[
            "rds:DescribeDBClusterParameterGroups",
            "rds:DescribeDBClusterParameters",
        ],
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
        "db_cluster_parameter_group_name",
        "db_parameter_group_family",
        "tls_required",
        "tls_required_value",
        "tls_required_source",
    ];
    // A group cannot be renamed; its ARN is made of its name.
    const DIFF: DiffKeys = DiffKeys {
        kind: Self::KIND,
        identifier: "db_cluster_parameter_group_name",
        rename: "db_cluster_parameter_group_arn",
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
    /// The family (`aurora-postgresql16`), what a group has of an engine.
    fn engine(&self) -> Option<&str> {
        self.item.db_parameter_group_family()
    }
    fn tags(&self) -> TagView<'_> {
        TagView::of(&None)
    }
}

impl Kind for ClusterParameterGroupRecord {
    type Item = DbClusterParameterGroup;

    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<Self::Item>, C::Failure>> + Send {
        list_page!(
            calls,
            marker,
            describe_db_cluster_parameter_groups,
            db_cluster_parameter_groups
        )
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
        DbClusterParameterGroup::builder().build()
    }
}
