//! The `cluster-parameter-groups` kind: DB cluster parameter groups
//! (DescribeDBClusterParameterGroups), with `modified_parameters` (one
//! DescribeDBClusterParameters `Source=user` per group) and, with `--with parameters`,
//! `tls_required`; the record and the follow-up call are `parameter_groups.rs`'s.

use std::future::Future;

use aws_sdk_rds::types::DbClusterParameterGroup;

use super::parameter_groups::{modified_parameters, GroupItem, GroupRecord, METRIC};
use super::{Calls, Join, KindSpec, Listed, ResourceKind, Scope};
use super::DiffKeys;
use crate::record::schema::{member, Field};
use crate::record::shared_fields;

/// One DB cluster parameter group.
pub type ClusterParameterGroupRecord = GroupRecord<DbClusterParameterGroup>;

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

impl GroupItem for DbClusterParameterGroup {
    const CLUSTER: bool = true;
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
        metric: METRIC,
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
        kind: ResourceKind::named("cluster-parameter-groups"),
        identifier: "db_cluster_parameter_group_name",
        rename: "db_cluster_parameter_group_arn",
        volatile: &[],
    };

    fn fields() -> &'static [Field<ClusterParameterGroupRecord>] {
        FIELDS
    }
    fn name(&self) -> Option<&str> {
        self.db_cluster_parameter_group_name()
    }
    fn family(&self) -> Option<&str> {
        self.db_parameter_group_family()
    }
    fn arn(&self) -> Option<&str> {
        self.db_cluster_parameter_group_arn()
    }
    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<Self>, C::Failure>> + Send {
        list_page!(
            calls,
            marker,
            describe_db_cluster_parameter_groups,
            db_cluster_parameter_groups
        )
    }
    #[cfg(test)]
    fn empty() -> Self {
        DbClusterParameterGroup::builder().build()
    }
}
