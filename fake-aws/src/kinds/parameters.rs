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

fn defaults(family: &str, cluster: bool) -> Option<Vec<Parameter>> {
    let &(_, force_ssl) = families(cluster).iter().find(|(f, _)| *f == family)?;
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
        "rds.force_ssl".to_string(),
        ("boolean", "0,1", "dynamic"),
        force_ssl,
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

/// The parameters of a parameter group named by this fake (its name ends in its family):
/// the family's defaults, `log_connections` set to 1 by the user, and in about two of three
/// groups `rds.force_ssl` set by the user (to 1, or to 0); `default.<family>` groups have
/// no user values. Empty for a name that ends in no family.
pub fn group_parameters(group: &str, cluster: bool) -> Vec<FakeResource> {
    let Some(&(family, _)) = families(cluster).iter().find(|(f, _)| group.ends_with(f)) else {
        return Vec::new();
    };
    let mut parameters = defaults(family, cluster).unwrap_or_default();
    if !group.starts_with("default.") {
        let force_ssl = match hash_str(group) % 3 {
            0 => Some("1"),
            1 => Some("0"),
            _ => None,
        };
        for parameter in &mut parameters {
            let set = match parameter.name.as_str() {
                "log_connections" => Some("1"),
                "rds.force_ssl" => force_ssl,
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
    family: &'static str,
    arn: String,
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
    (0..count)
        .map(|index| {
            let (family, _) = families(cluster)[index % 2];
            let name = if index < 2 {
                format!("default.{family}")
            } else {
                format!(
                    "{prefix}-{}-{region}-{index:02}-{family}",
                    account_suffix(account)
                )
            };
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
            Some(self.family),
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
