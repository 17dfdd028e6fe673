//! DescribeDBProxies: RDS Proxies of the target; even-numbered ones require TLS, odd ones do
//! not, so every target with two or more has both.

use super::resource::{each_item, Emit, FakeResource, KindSpec, Serve};
use crate::config::{FakeConfig, ResourceKind};
use crate::inventory::account_suffix;
use crate::record_parts::{dns_suffix, partition, Alnum, DAY, REFERENCE_UNIX};
use crate::rng::HEX;
use crate::sink::Sink;

pub(crate) const SPEC: KindSpec = KindSpec {
    kind: ResourceKind::Proxies,
    action: "DescribeDBProxies",
    flag: Some("proxies"),
    list: "DBProxies",
    item: "member",
    marker: "px1",
    account_wide: false,
    lookup: ("DBProxyName", Some("DBProxyNotFoundFault")),
    status_filter: false,
    generate: proxies,
    serve: Serve::List,
};

/// (EngineFamily, ClientPasswordAuthType).
const FAMILIES: [(&str, &str); 3] = [
    ("POSTGRESQL", "POSTGRES_SCRAM_SHA_256"),
    ("MYSQL", "MYSQL_CACHING_SHA2_PASSWORD"),
    ("SQLSERVER", "SQL_SERVER_AUTHENTICATION"),
];

struct Proxy {
    name: String,
    arn: String,
    status: &'static str,
    family: (&'static str, &'static str),
    vpc_id: String,
    security_groups: [String; 2],
    subnets: [String; 2],
    secret_arn: String,
    role_arn: String,
    endpoint: String,
    require_tls: bool,
    iam_auth: &'static str,
    idle_client_timeout: i64,
    created: i64,
}

fn proxies(
    config: &FakeConfig,
    _generation: u64,
    (a, r): (usize, usize),
    count: usize,
) -> Vec<FakeResource> {
    let (account, region) = (config.accounts[a].as_str(), config.regions[r].as_str());
    let p = partition(region);
    let (zone, vpc_id) = config.target_network(a, r);
    each_item(
        config,
        ResourceKind::Proxies,
        (a, r),
        count,
        |index, rng| {
            let name = format!("proxy-{}-{region}-{index:02}", account_suffix(account));
            let arn = format!(
                "arn:{p}:rds:{region}:{account}:db-proxy:prx-{}",
                rng.string_from(HEX, 17)
            );
            let status = if index % 5 == 4 {
                "modifying"
            } else {
                "available"
            };
            let proxy = Proxy {
                status,
                family: FAMILIES[(index + a + r) % FAMILIES.len()],
                vpc_id: vpc_id.clone(),
                security_groups: [0, 1].map(|_| format!("sg-{}", rng.string_from(HEX, 17))),
                subnets: [0, 1].map(|_| format!("subnet-{}", rng.string_from(HEX, 17))),
                secret_arn: format!(
                    "arn:{p}:secretsmanager:{region}:{account}:secret:{name}-app-{}",
                    Alnum(rng.next_u64(), 6)
                ),
                role_arn: format!("arn:{p}:iam::{account}:role/{name}-secrets"),
                endpoint: format!("{name}.proxy-{zone}.{region}.rds.{}", dns_suffix(region)),
                require_tls: index % 2 == 0,
                iam_auth: if rng.percent(50) {
                    "REQUIRED"
                } else {
                    "DISABLED"
                },
                idle_client_timeout: 1800,
                created: REFERENCE_UNIX - (1 + rng.below(700) as i64) * DAY,
                arn: arn.clone(),
                name: name.clone(),
            };
            ((name, arn, status.to_string()), proxy)
        },
    )
}

impl Emit for Proxy {
    fn emit<S: Sink>(&self, s: &mut S) {
        s.text("DBProxyName", "db_proxy_name", Some(&self.name));
        s.text("DBProxyArn", "db_proxy_arn", Some(&self.arn));
        s.text("Status", "status", Some(self.status));
        s.text("EngineFamily", "engine_family", Some(self.family.0));
        s.text("VpcId", "vpc_id", Some(&self.vpc_id));
        s.list(
            "VpcSecurityGroupIds",
            "vpc_security_group_ids",
            Some(2),
            |s, i| s.item_text("member", format_args!("{}", self.security_groups[i])),
        );
        s.list("VpcSubnetIds", "vpc_subnet_ids", Some(2), |s, i| {
            s.item_text("member", format_args!("{}", self.subnets[i]))
        });
        s.text("DefaultAuthScheme", "default_auth_scheme", Some("NONE"));
        s.list("Auth", "auth", Some(1), |s, _| {
            s.item_object("member", |s| {
                s.text("Description", "description", Some("application user"));
                s.text("UserName", "user_name", Some("app"));
                s.text("AuthScheme", "auth_scheme", Some("SECRETS"));
                s.text("SecretArn", "secret_arn", Some(&self.secret_arn));
                s.text("IAMAuth", "iam_auth", Some(self.iam_auth));
                s.text(
                    "ClientPasswordAuthType",
                    "client_password_auth_type",
                    Some(self.family.1),
                );
            })
        });
        s.text("RoleArn", "role_arn", Some(&self.role_arn));
        s.text("Endpoint", "endpoint", Some(&self.endpoint));
        s.boolean("RequireTLS", "require_tls", Some(self.require_tls));
        s.int(
            "IdleClientTimeout",
            "idle_client_timeout",
            Some(self.idle_client_timeout),
        );
        s.boolean("DebugLogging", "debug_logging", Some(false));
        s.time("CreatedDate", "created_date", Some(self.created));
        s.time("UpdatedDate", "updated_date", Some(self.created + DAY));
        s.text("EndpointNetworkType", "endpoint_network_type", Some("IPV4"));
        s.text(
            "TargetConnectionNetworkType",
            "target_connection_network_type",
            Some("IPV4"),
        );
    }
}
