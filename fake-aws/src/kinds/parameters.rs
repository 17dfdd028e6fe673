//! DB parameter groups and DB cluster parameter groups of a target, the parameters of each
//! (DescribeDBParameters / DescribeDBClusterParameters), and the engine defaults of their
//! families (DescribeEngineDefaultParameters / DescribeEngineDefaultClusterParameters).
//!
//! Two families of each: in one `rds.force_ssl` defaults to 1, in the other to 0. A group's
//! parameters are its family's defaults with a few `user` values set on top.

use super::resource::{nothing, Emit, FakeResource, KindSpec, Serve};
use crate::config::{FakeConfig, ResourceKind};
use crate::inventory::account_suffix;
use crate::record_parts::{hash_str, partition};
use crate::sink::Sink;
use std::sync::Arc;

/// DB parameter group families and their `rds.force_ssl` default. PostgreSQL's default is 1
/// from major version 15 on and 0 before (RDS user guide, "Updating applications to connect
/// to PostgreSQL DB instances using new SSL/TLS certificates").
pub const PARAMETER_FAMILIES: [(&str, &str); 2] = [("postgres16", "1"), ("postgres14", "0")];
/// DB cluster parameter group families and their `rds.force_ssl` default; the fake's choice
/// (Aurora PostgreSQL's defaults per major version were not verified).
pub const CLUSTER_PARAMETER_FAMILIES: [(&str, &str); 2] =
    [("aurora-postgresql16", "1"), ("aurora-postgresql14", "0")];

/// Every family the engine-default calls answer: (family, its in-transit parameter, that
/// parameter's default). PostgreSQL per the user guide (1 from 15 on); MySQL and MariaDB
/// `OFF` (their user guide pages: OFF up to MySQL 8.4 and MariaDB 11.4); the families of the
/// fake's instances (postgres 13-16, mysql 5.7/8.0, mariadb 10.6/10.11) are all here.
pub const FAMILY_DEFAULTS: [(&str, &str, &str); 8] = [
    ("postgres16", "rds.force_ssl", "1"),
    ("postgres14", "rds.force_ssl", "0"),
    ("postgres15", "rds.force_ssl", "1"),
    ("postgres13", "rds.force_ssl", "0"),
    ("mysql8.0", "require_secure_transport", "OFF"),
    ("mysql5.7", "require_secure_transport", "OFF"),
    ("mariadb10.11", "require_secure_transport", "OFF"),
    ("mariadb10.6", "require_secure_transport", "OFF"),
];
/// The cluster families the engine-default cluster call answers, as [`FAMILY_DEFAULTS`]: those
/// of [`CLUSTER_PARAMETER_FAMILIES`], and aurora-postgresql15 (the fake's clusters run 15.8
/// too) at 0, what Aurora PostgreSQL documents.
pub const CLUSTER_FAMILY_DEFAULTS: [(&str, &str, &str); 3] = [
    ("aurora-postgresql16", "rds.force_ssl", "1"),
    ("aurora-postgresql14", "rds.force_ssl", "0"),
    ("aurora-postgresql15", "rds.force_ssl", "0"),
];

pub(crate) const GROUPS: KindSpec = KindSpec {
    kind: ResourceKind::ParameterGroups,
    action: "DescribeDBParameterGroups",
    flag: Some("parameter-groups"),
    list: "DBParameterGroups",
    item: "DBParameterGroup",
    marker: "pg1",
    account_wide: false,
    lookup: ("DBParameterGroupName", Some("DBParameterGroupNotFound")),
    status_filter: false,
    generate: instance_groups,
    serve: Serve::List,
};

pub(crate) const CLUSTER_GROUPS: KindSpec = KindSpec {
    kind: ResourceKind::ClusterParameterGroups,
    action: "DescribeDBClusterParameterGroups",
    flag: Some("cluster-parameter-groups"),
    list: "DBClusterParameterGroups",
    item: "DBClusterParameterGroup",
    marker: "cpg1",
    account_wide: false,
    lookup: (
        "DBClusterParameterGroupName",
        Some("DBParameterGroupNotFound"),
    ),
    status_filter: false,
    generate: cluster_groups,
    serve: Serve::List,
};

pub(crate) const PARAMETERS: KindSpec = KindSpec {
    kind: ResourceKind::Parameters,
    action: "DescribeDBParameters",
    flag: None,
    list: "Parameters",
    item: "Parameter",
    marker: "dp1",
    account_wide: false,
    lookup: ("DBParameterGroupName", Some("DBParameterGroupNotFound")),
    status_filter: false,
    generate: nothing,
    serve: Serve::GroupParameters {
        groups: ResourceKind::ParameterGroups,
        cluster: false,
    },
};

pub(crate) const CLUSTER_PARAMETERS: KindSpec = KindSpec {
    kind: ResourceKind::ClusterParameters,
    action: "DescribeDBClusterParameters",
    flag: None,
    list: "Parameters",
    item: "Parameter",
    marker: "cp1",
    account_wide: false,
    lookup: (
        "DBClusterParameterGroupName",
        Some("DBParameterGroupNotFound"),
    ),
    status_filter: false,
    generate: nothing,
    serve: Serve::GroupParameters {
        groups: ResourceKind::ClusterParameterGroups,
        cluster: true,
    },
};

pub(crate) const ENGINE_DEFAULTS: KindSpec = KindSpec {
    kind: ResourceKind::EngineDefaultParameters,
    action: "DescribeEngineDefaultParameters",
    flag: None,
    list: "Parameters",
    item: "Parameter",
    marker: "ed1",
    account_wide: false,
    lookup: ("DBParameterGroupFamily", None),
    status_filter: false,
    generate: nothing,
    serve: Serve::EngineDefaults { cluster: false },
};

pub(crate) const CLUSTER_ENGINE_DEFAULTS: KindSpec = KindSpec {
    kind: ResourceKind::EngineDefaultClusterParameters,
    action: "DescribeEngineDefaultClusterParameters",
    flag: None,
    list: "Parameters",
    item: "Parameter",
    marker: "ecd1",
    account_wide: false,
    lookup: ("DBParameterGroupFamily", None),
    status_filter: false,
    generate: nothing,
    serve: Serve::EngineDefaults { cluster: true },
};

/// (name, data type, allowed values, apply type, default) of the parameters every family
/// has besides `rds.force_ssl`; `FILLER` more numbered ones make a listing span pages.
const COMMON: [(&str, &str, &str, &str, &str); 6] = [
    ("log_connections", "boolean", "0,1", "dynamic", "0"),
    ("log_disconnections", "boolean", "0,1", "dynamic", "0"),
    (
        "log_min_duration_statement",
        "integer",
        "-1-2147483647",
        "dynamic",
        "-1",
    ),
    (
        "max_connections",
        "integer",
        "6-8388607",
        "static",
        "LEAST({DBInstanceClassMemory/9531392},5000)",
    ),
    (
        "shared_buffers",
        "integer",
        "16-1073741823",
        "static",
        "{DBInstanceClassMemory/32768}",
    ),
    (
        "ssl_min_protocol_version",
        "string",
        "TLSv1,TLSv1.1,TLSv1.2,TLSv1.3",
        "dynamic",
        "TLSv1.2",
    ),
];
const FILLER: usize = 38;

/// One parameter as DescribeDBParameters and the engine-default calls serve it.
struct Parameter {
    name: String,
    value: String,
    data_type: &'static str,
    allowed: &'static str,
    apply_type: &'static str,
    /// `engine-default`, `system` or `user`.
    source: &'static str,
    modifiable: bool,
    cluster: bool,
}

fn families(cluster: bool) -> &'static [(&'static str, &'static str); 2] {
    if cluster {
        &CLUSTER_PARAMETER_FAMILIES
    } else {
        &PARAMETER_FAMILIES
    }
}

fn family_defaults(cluster: bool) -> &'static [(&'static str, &'static str, &'static str)] {
    if cluster {
        &CLUSTER_FAMILY_DEFAULTS
    } else {
        &FAMILY_DEFAULTS
    }
}

/// The family of a group the fake knows: a generated one (its name ends in its family) or
/// one an instance or cluster names (`<family>-custom`, `default.<family>`).
fn family_of(
    group: &str,
    cluster: bool,
) -> Option<&'static (&'static str, &'static str, &'static str)> {
    family_defaults(cluster).iter().find(|(family, _, _)| {
        group.ends_with(family) || group.strip_suffix("-custom") == Some(family)
    })
}

fn defaults(family: &str, cluster: bool) -> Option<Vec<Parameter>> {
    let &(_, tls_name, tls_default) = family_defaults(cluster)
        .iter()
        .find(|(f, _, _)| *f == family)?;
    let tls_type = if tls_name == "rds.force_ssl" {
        ("boolean", "0,1", "dynamic")
    } else {
        ("boolean", "ON,OFF", "dynamic")
    };
    let param = |name: String, (data_type, allowed, apply_type), value: &str, source| Parameter {
        name,
        value: value.to_string(),
        data_type,
        allowed,
        apply_type,
        source,
        modifiable: source != "system",
        cluster,
    };
    let mut all = vec![param(
        tls_name.to_string(),
        tls_type,
        tls_default,
        "engine-default",
    )];
    for (name, data_type, allowed, apply_type, value) in COMMON {
        let source = if name == "shared_buffers" {
            "system"
        } else {
            "engine-default"
        };
        all.push(param(
            name.to_string(),
            (data_type, allowed, apply_type),
            value,
            source,
        ));
    }
    for n in 0..FILLER {
        let name = format!("rds.fake_setting_{n:02}");
        all.push(param(
            name,
            ("integer", "0-1000", "dynamic"),
            "10",
            "engine-default",
        ));
    }
    Some(all)
}

/// The engine defaults of `family` (`PARAMETER_FAMILIES`, or with `cluster`
/// `CLUSTER_PARAMETER_FAMILIES`) in order, as DescribeEngineDefault(Cluster)Parameters
/// pages them; empty for another family. `identifier` is the parameter name, `status` its
/// `Source`.
pub fn engine_default_parameters(family: &str, cluster: bool) -> Vec<FakeResource> {
    as_resources(defaults(family, cluster).unwrap_or_default())
}

/// The parameters of a parameter group named by this fake (its name ends in its family, or
/// is `<family>-custom`): the family's defaults, `log_connections` set to 1 by the user, and
/// in about two of three groups the family's in-transit parameter set by the user (`1`/`ON`
/// or `0`/`OFF`); `default.<family>` groups have no user values. Empty for a name of no
/// family in [`FAMILY_DEFAULTS`] / [`CLUSTER_FAMILY_DEFAULTS`].
pub fn group_parameters(group: &str, cluster: bool) -> Vec<FakeResource> {
    let Some(&(family, tls_name, _)) = family_of(group, cluster) else {
        return Vec::new();
    };
    let mut parameters = defaults(family, cluster).unwrap_or_default();
    if !group.starts_with("default.") {
        let (on, off) = if tls_name == "rds.force_ssl" {
            ("1", "0")
        } else {
            ("ON", "OFF")
        };
        let tls = match hash_str(group) % 3 {
            0 => Some(on),
            1 => Some(off),
            _ => None,
        };
        for parameter in &mut parameters {
            let set = match parameter.name.as_str() {
                "log_connections" => Some("1"),
                name if name == tls_name => tls,
                _ => None,
            };
            if let Some(value) = set {
                parameter.value = value.to_string();
                parameter.source = "user";
            }
        }
    }
    as_resources(parameters)
}

fn as_resources(parameters: Vec<Parameter>) -> Vec<FakeResource> {
    parameters
        .into_iter()
        .map(|parameter| {
            let kind = if parameter.cluster {
                ResourceKind::ClusterParameters
            } else {
                ResourceKind::Parameters
            };
            let identity = (
                parameter.name.clone(),
                String::new(),
                parameter.source.to_string(),
            );
            FakeResource::new(kind, ("", ""), identity, Arc::new(parameter))
        })
        .collect()
}

impl Emit for Parameter {
    fn emit<S: Sink>(&self, s: &mut S) {
        s.text("ParameterName", "parameter_name", Some(&self.name));
        s.text("ParameterValue", "parameter_value", Some(&self.value));
        s.text_fmt(
            "Description",
            "description",
            Some(format_args!("Sets {} (fake-aws).", self.name)),
        );
        s.text("Source", "source", Some(self.source));
        s.text("ApplyType", "apply_type", Some(self.apply_type));
        s.text("DataType", "data_type", Some(self.data_type));
        s.text("AllowedValues", "allowed_values", Some(self.allowed));
        s.boolean("IsModifiable", "is_modifiable", Some(self.modifiable));
        s.text(
            "MinimumEngineVersion",
            "minimum_engine_version",
            Some("11.1"),
        );
        let method = if self.apply_type == "static" {
            "pending-reboot"
        } else {
            "immediate"
        };
        s.text("ApplyMethod", "apply_method", Some(method));
        let modes: &[&str] = if self.cluster {
            &["provisioned", "serverless"]
        } else {
            &["provisioned"]
        };
        s.list(
            "SupportedEngineModes",
            "supported_engine_modes",
            Some(modes.len()),
            |s, i| s.item_text("member", format_args!("{}", modes[i])),
        );
    }
}

/// One DB (cluster) parameter group.
struct Group {
    cluster: bool,
    name: String,
    family: String,
    arn: String,
}

/// The custom groups (`<family>-custom`) the target's instances or clusters name, each
/// once, with their family (`attached_parameter_groups`).
fn attached_groups(
    config: &FakeConfig,
    cluster: bool,
    (account, region): (&str, &str),
) -> Vec<(String, String)> {
    let names: std::collections::BTreeSet<String> = if cluster {
        config
            .target_clusters(account, region)
            .iter()
            .map(|c| c.db_cluster_parameter_group())
            .collect()
    } else {
        config
            .target_inventory(account, region)
            .iter()
            .map(|i| i.db_parameter_group().0)
            .collect()
    };
    names
        .into_iter()
        .filter_map(|name| {
            let family = name.strip_suffix("-custom")?.to_string();
            Some((name, family))
        })
        .collect()
}

/// Whether `group` is a custom group an instance or cluster of the target names
/// (`attached_parameter_groups`).
pub(crate) fn is_attached(
    config: &FakeConfig,
    cluster: bool,
    target: (&str, &str),
    group: &str,
) -> bool {
    config.attached_parameter_groups
        && group.ends_with("-custom")
        && attached_groups(config, cluster, target)
            .iter()
            .any(|(name, _)| name == group)
}

/// Groups `default.<family>` for both families, then custom ones
/// `pg-`/`cpg-<last 4>-<region>-NN-<family>`, families alternating.
fn groups(
    config: &FakeConfig,
    cluster: bool,
    (a, r): (usize, usize),
    count: usize,
) -> Vec<FakeResource> {
    let (account, region) = (config.accounts[a].as_str(), config.regions[r].as_str());
    let (kind, prefix, resource) = if cluster {
        (ResourceKind::ClusterParameterGroups, "cpg", "cluster-pg")
    } else {
        (ResourceKind::ParameterGroups, "pg", "pg")
    };
    let generated = (0..count).map(|index| {
        let (family, _) = families(cluster)[index % 2];
        let name = if index < 2 {
            format!("default.{family}")
        } else {
            format!(
                "{prefix}-{}-{region}-{index:02}-{family}",
                account_suffix(account)
            )
        };
        (name, family.to_string())
    });
    let attached = if config.attached_parameter_groups {
        attached_groups(config, cluster, (account, region))
    } else {
        Vec::new()
    };
    generated
        .chain(attached)
        .map(|(name, family)| {
            let arn = format!(
                "arn:{}:rds:{region}:{account}:{resource}:{name}",
                partition(region)
            );
            let group = Group {
                cluster,
                name: name.clone(),
                family,
                arn: arn.clone(),
            };

            FakeResource::new(
                kind,
                (account, region),
                (name, arn, String::new()),
                Arc::new(group),
            )
        })
        .collect()
}

fn instance_groups(
    config: &FakeConfig,
    _: u64,
    target: (usize, usize),
    count: usize,
) -> Vec<FakeResource> {
    groups(config, false, target, count)
}

fn cluster_groups(
    config: &FakeConfig,
    _: u64,
    target: (usize, usize),
    count: usize,
) -> Vec<FakeResource> {
    groups(config, true, target, count)
}

impl Emit for Group {
    fn emit<S: Sink>(&self, s: &mut S) {
        let (name, arn) = if self.cluster {
            (
                (
                    "DBClusterParameterGroupName",
                    "db_cluster_parameter_group_name",
                ),
                (
                    "DBClusterParameterGroupArn",
                    "db_cluster_parameter_group_arn",
                ),
            )
        } else {
            (
                ("DBParameterGroupName", "db_parameter_group_name"),
                ("DBParameterGroupArn", "db_parameter_group_arn"),
            )
        };
        s.text(name.0, name.1, Some(&self.name));
        s.text(
            "DBParameterGroupFamily",
            "db_parameter_group_family",
            Some(&self.family),
        );
        let description = if self.name.starts_with("default.") {
            format!("Default parameter group for {}", self.family)
        } else {
            format!("Custom parameter group for {}", self.family)
        };
        s.text("Description", "description", Some(&description));
        s.text(arn.0, arn.1, Some(&self.arn));
    }
}
