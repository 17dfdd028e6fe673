//! The `proxies` kind: RDS Proxy (DescribeDBProxies), with whether it requires TLS from its
//! clients (`require_tls`), its engine family, authentication and endpoint.

use std::future::Future;

use aws_sdk_rds::types::{
    AuthScheme, ClientPasswordAuthType, DbProxy, DbProxyStatus, EndpointNetworkType, IamAuthMode,
    TargetConnectionNetworkType, UserAuthConfigInfo,
};

use super::{Calls, Kind, KindMetric, KindSpec, Listed, MetricLabel, Place, Scope};
use crate::record::item::ItemRecord;
use super::{DiffKeys, Record};
use crate::record::schema::{member, Field};
use crate::record::sdk_types::{sdk_enums, sdk_structs};
use crate::record::shared_fields;
use crate::record::value::TagView;

/// One RDS Proxy.
pub type ProxyRecord = ItemRecord<DbProxy>;

const CALL: &str = "DescribeDBProxies DBProxy";

macro_rules! m {
    ($($member:tt)*) => { member!(DbProxy, CALL, $($member)*) };
}

sdk_enums! {
    DbProxyStatus EndpointNetworkType TargetConnectionNetworkType AuthScheme IamAuthMode
    ClientPasswordAuthType
}

sdk_structs! {
    UserAuthConfigInfo {
        description, user_name, auth_scheme, secret_arn, iam_auth, client_password_auth_type,
    }
}

#[rustfmt::skip]
const FIELDS: &[Field<ProxyRecord>] = &[
    shared_fields::account_id(),
    shared_fields::account_name(),
    shared_fields::region("the region the proxy was listed in"),
    m!(db_proxy_name, "DBProxyName", "the proxy's name, unique per account and region"),
    m!(db_proxy_arn, "DBProxyArn", "the proxy's ARN"),
    m!(status, "Status", "state, e.g. `available`, `creating`, `incompatible-network`"),
    m!(engine_family, "EngineFamily", "the engines it proxies: `MYSQL`, `POSTGRESQL` or `SQLSERVER`"),
    m!(vpc_id, "VpcId", "VPC of the proxy"),
    m!(vpc_security_group_ids, "VpcSecurityGroupIds", "security groups of the proxy"),
    m!(vpc_subnet_ids, "VpcSubnetIds", "subnets of the proxy"),
    m!(default_auth_scheme, "DefaultAuthScheme", "how the proxy authenticates to the database by default"),
    m!(auth, "Auth", "authentication settings per user or secret (never a password)"),
    m!(role_arn, "RoleArn", "IAM role the proxy reads its secrets with"),
    m!(endpoint, "Endpoint", "the proxy's endpoint, which clients connect to"),
    m!(require_tls, "RequireTLS", "whether the proxy refuses connections without TLS"),
    m!(idle_client_timeout, "IdleClientTimeout", "seconds an idle client connection is kept"),
    m!(debug_logging, "DebugLogging", "whether the proxy logs SQL statements (may hold sensitive data)"),
    m!(created_date, "CreatedDate", "when the proxy was created"),
    m!(updated_date, "UpdatedDate", "when the proxy was last changed"),
    m!(endpoint_network_type, "EndpointNetworkType", "`IPV4`, `IPV6` or `DUAL` for client connections"),
    m!(target_connection_network_type, "TargetConnectionNetworkType", "`IPV4` or `IPV6` towards the database"),
    shared_fields::service(),
];

impl Record for ProxyRecord {
    const SPEC: KindSpec = KindSpec {
        name: "proxies",
        noun: "proxy",
        about: "RDS Proxy, with whether it requires TLS",
        call: "DescribeDBProxies",
        scope: Scope::Region,
        iam_actions: &["rds:DescribeDBProxies"],
        joins: &[],
        metric: KindMetric {
            name: "rds_inventory_proxies",
            help: "RDS proxies listed by the last run, by account, region and engine family.",
            label: MetricLabel::Engine,
            always: false,
        },
    };
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "account_name",
        "region",
        "db_proxy_name",
        "engine_family",
        "status",
        "require_tls",
        "endpoint",
    ];
    // A proxy cannot be renamed: its ARN, which holds a generated id, tells a new proxy of an
    // old name from the old one.
    const DIFF: DiffKeys = DiffKeys {
        kind: Self::KIND,
        identifier: "db_proxy_name",
        rename: "db_proxy_arn",
        volatile: &[],
    };

    fn fields() -> &'static [Field<Self>] {
        FIELDS
    }
    /// The engine family (`MYSQL`...), what a proxy has of an engine.
    fn engine(&self) -> Option<&str> {
        self.item.engine_family.as_deref()
    }
    fn tags(&self) -> TagView<'_> {
        TagView::of(&None)
    }
}

impl Kind for ProxyRecord {
    type Item = DbProxy;

    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<Self::Item>, C::Failure>> + Send {
        list_page!(calls, marker, describe_db_proxies, db_proxies)
    }

    fn from_item(place: &Place<'_>, item: Self::Item) -> Self {
        ItemRecord::new(place, item)
    }

    #[cfg(test)]
    fn empty_item() -> Self::Item {
        DbProxy::builder().build()
    }

    #[cfg(test)]
    fn nested_structs() -> Vec<(&'static str, &'static [&'static str], String)> {
        nested_structs()
    }
}
