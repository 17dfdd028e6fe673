//! Which setting says that an engine refuses plaintext connections, per engine, from AWS's
//! documentation (each rule cites its page), and what a value of it means. The domain part of
//! `--with parameters`: records and kinds read it; it imports nothing above it. The calls that
//! read the groups are `src/parameters/`.

/// What decides an engine's encryption in transit.
#[derive(Debug, Clone, Copy)]
pub enum Setting {
    /// A parameter of the DB parameter group (`cluster` false) or of the DB cluster parameter
    /// group (`cluster` true); `read` says whether a value refuses plaintext (None: a value
    /// the rule does not know).
    Parameter {
        name: &'static str,
        cluster: bool,
        read: fn(&str) -> Option<bool>,
    },
    /// Not a parameter: why `tls_required` stays null.
    NotAParameter(&'static str),
}

/// One engine (or parameter group family) prefix and its setting.
#[derive(Debug)]
pub struct Rule {
    /// The engine name, or the start of it (`sqlserver-` for every edition).
    pub engine: &'static str,
    pub setting: Setting,
}

/// `1` / `0` (rds.force_ssl, neptune_enforce_ssl).
fn one_or_zero(value: &str) -> Option<bool> {
    match value.trim() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

/// `ON` / `OFF`, `1` / `0` (MySQL's boolean system variables, as RDS accepts them).
fn on_or_off(value: &str) -> Option<bool> {
    match value.trim().to_ascii_uppercase().as_str() {
        "ON" | "1" | "TRUE" => Some(true),
        "OFF" | "0" | "FALSE" => Some(false),
        _ => None,
    }
}

/// DocumentDB's `tls`: `disabled` accepts plaintext; `enabled`, `fips-140-3`, `tls1.2+`,
/// `tls1.3+` require TLS (the values of the API reference's `Parameter.ParameterValue`:
/// https://docs.aws.amazon.com/documentdb/latest/developerguide/API_Parameter.html).
fn docdb_tls(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "disabled" => Some(false),
        "enabled" | "fips-140-3" | "tls1.2+" | "tls1.3+" => Some(true),
        _ => None,
    }
}

/// Db2's `DB2COMM`: `SSL` alone serves TLS only; with `TCPIP` the plaintext port stays open.
fn db2comm(value: &str) -> Option<bool> {
    let protocols: Vec<String> = value
        .split(',')
        .map(|p| p.trim().to_ascii_uppercase())
        .filter(|p| !p.is_empty())
        .collect();
    if protocols.iter().any(|p| p == "TCPIP") {
        Some(false)
    } else if !protocols.is_empty() && protocols.iter().all(|p| p == "SSL") {
        Some(true)
    } else {
        None
    }
}

/// The rules, a longer engine name before a shorter one it starts with. An engine or family
/// not here (one AWS adds later, RDS Custom) gets null with a reason, never a guess.
pub const RULES: &[Rule] = &[
    // "Check the DB cluster configuration for the value of the rds.force_ssl parameter":
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/ssl-certificate-rotation-aurora-postgresql.html
    Rule {
        engine: "aurora-postgresql",
        setting: Setting::Parameter {
            name: "rds.force_ssl",
            cluster: true,
            read: one_or_zero,
        },
    },
    // require_secure_transport in the DB cluster parameter group ("Requiring a TLS connection
    // to an Aurora MySQL DB cluster"):
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Security.html
    Rule {
        engine: "aurora-mysql",
        setting: Setting::Parameter {
            name: "require_secure_transport",
            cluster: true,
            read: on_or_off,
        },
    },
    // Aurora MySQL version 1 (engine `aurora`, family `aurora5.6`): the same page.
    Rule {
        engine: "aurora",
        setting: Setting::Parameter {
            name: "require_secure_transport",
            cluster: true,
            read: on_or_off,
        },
    },
    // rds.force_ssl; default 1 from PostgreSQL 15, 0 before (the defaults are read from
    // DescribeEngineDefaultParameters, not from here):
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
    Rule {
        engine: "postgres",
        setting: Setting::Parameter {
            name: "rds.force_ssl",
            cluster: false,
            read: one_or_zero,
        },
    },
    // require_secure_transport in the DB parameter group:
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.require-ssl.html
    Rule {
        engine: "mysql",
        setting: Setting::Parameter {
            name: "require_secure_transport",
            cluster: false,
            read: on_or_off,
        },
    },
    // require_secure_transport, MariaDB 10.5 and later (older families do not list it):
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mariadb-ssl-connections.require-ssl.html
    Rule {
        engine: "mariadb",
        setting: Setting::Parameter {
            name: "require_secure_transport",
            cluster: false,
            read: on_or_off,
        },
    },
    // rds.force_ssl, default 0, every edition (sqlserver-ee, -se, -ex, -web):
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/ssl-certificate-rotation-sqlserver.html
    Rule {
        engine: "sqlserver-",
        setting: Setting::Parameter {
            name: "rds.force_ssl",
            cluster: false,
            read: one_or_zero,
        },
    },
    // The `tls` cluster parameter:
    // https://docs.aws.amazon.com/documentdb/latest/developerguide/security.encryption.ssl.html
    Rule {
        engine: "docdb",
        setting: Setting::Parameter {
            name: "tls",
            cluster: true,
            read: docdb_tls,
        },
    },
    // neptune_enforce_ssl in the DB cluster parameter group (engine 1.0.4.0 and later serve
    // HTTPS only; families that no longer list the parameter get null with a reason):
    // https://docs.aws.amazon.com/neptune/latest/userguide/security-ssl.html
    Rule {
        engine: "neptune",
        setting: Setting::Parameter {
            name: "neptune_enforce_ssl",
            cluster: true,
            read: one_or_zero,
        },
    },
    // SSL and native network encryption are options of the option group, not parameters:
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.Oracle.Options.SSL.html
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.Oracle.Options.NetworkEncryption.html
    Rule {
        engine: "oracle-",
        setting: Setting::NotAParameter(
            "Oracle encrypts in transit through the SSL or NATIVE_NETWORK_ENCRYPTION option of \
             its option group, not a parameter; see its option_group_memberships",
        ),
    },
    // DB2COMM `SSL` or `TCPIP,SSL` (with SSL_SVCENAME) in a custom DB parameter group: only
    // `SSL` alone leaves no plaintext port:
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Db2.Concepts.SSL.html
    Rule {
        engine: "db2-",
        setting: Setting::Parameter {
            name: "DB2COMM",
            cluster: false,
            read: db2comm,
        },
    },
];

/// Every parameter name some rule reads (the only ones the join keeps of a listing).
pub fn parameter_names() -> impl Iterator<Item = &'static str> {
    RULES.iter().filter_map(|rule| match rule.setting {
        Setting::Parameter { name, .. } => Some(name),
        Setting::NotAParameter(_) => None,
    })
}

/// The rule of an engine (`postgres`, `sqlserver-se`) or a parameter group family
/// (`postgres16`, `sqlserver-se-15.0`, `aurora-mysql8.0`); None when no rule covers it.
pub fn rule_for(engine_or_family: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| {
        engine_or_family
            .strip_prefix(rule.engine)
            .is_some_and(|rest| {
                rule.engine.ends_with('-')
                    || rest.is_empty()
                    || rest.starts_with(|c: char| c.is_ascii_digit())
            })
    })
}

/// What `--with parameters` found of a record: the `tls_required*` fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tls {
    pub required: Option<bool>,
    /// Why `required` is null.
    pub reason: Option<String>,
    pub parameter: Option<&'static str>,
    /// As AWS returns it.
    pub value: Option<String>,
    /// `user` or `engine-default`.
    pub source: Option<&'static str>,
    pub group: Option<String>,
    /// The group is `pending-reboot` for the resource: the running value may differ.
    pub pending: Option<bool>,
}

impl Tls {
    /// Unknown, and why.
    pub fn unknown(reason: impl Into<String>) -> Tls {
        Tls {
            reason: Some(reason.into()),
            ..Tls::default()
        }
    }
}

/// A record's parameter groups, as far as its listing knows them.
#[derive(Debug, Clone)]
pub struct Groups<'a> {
    /// The DB parameter group, and whether it is `pending-reboot` for the resource.
    pub instance: Option<(&'a str, Option<bool>)>,
    /// The DB cluster parameter group and whether it is pending; `Err`: why it is not known
    /// (a cluster member whose cluster could not be listed).
    pub cluster: Result<Option<(&'a str, Option<bool>)>, &'static str>,
    /// The group's family when the record is the group itself.
    pub family: Option<&'a str>,
    /// The group's user-set parameters when the record already listed them (the group kinds).
    pub user: Option<&'a [(String, String)]>,
}

impl Default for Groups<'_> {
    fn default() -> Self {
        Groups {
            instance: None,
            cluster: Ok(None),
            family: None,
            user: None,
        }
    }
}

/// What the join must find out for one record.
#[derive(Debug, Clone)]
pub enum TlsQuery {
    /// Known without a call (no rule, not a parameter, the group not known).
    Known(Tls),
    /// `parameter` in `group` (a DB cluster parameter group when `cluster`).
    Group {
        parameter: &'static str,
        read: fn(&str) -> Option<bool>,
        cluster: bool,
        group: String,
        family: Option<String>,
        pending: Option<bool>,
        /// The group's user-set parameters, when already listed.
        user: Option<Vec<(String, String)>>,
    },
}

impl TlsQuery {
    /// The query of a resource of `engine` (or of a group of that family) in `groups`.
    pub fn of(engine: Option<&str>, groups: Groups<'_>) -> TlsQuery {
        let Some(engine) = engine else {
            return TlsQuery::Known(Tls::unknown("no engine"));
        };
        let Some(rule) = rule_for(engine) else {
            return TlsQuery::Known(Tls::unknown(format!(
                "`{engine}` is not in rds-inventory's table of in-transit settings"
            )));
        };
        let (name, cluster_level, read) = match rule.setting {
            Setting::NotAParameter(reason) => return TlsQuery::Known(Tls::unknown(reason)),
            Setting::Parameter {
                name,
                cluster,
                read,
            } => (name, cluster, read),
        };
        // A parameter of the cluster group is only there; one of the DB parameter group is in
        // the cluster group for a Multi-AZ DB cluster's own record.
        let found = match (cluster_level, groups.instance, groups.cluster) {
            (true, _, Ok(Some(group))) | (false, None, Ok(Some(group))) => Ok((group, true)),
            (false, Some(group), _) => Ok((group, false)),
            (_, _, Err(reason)) => Err(reason.to_owned()),
            (true, _, Ok(None)) => Err(format!(
                "`{engine}` sets {name} in its DB cluster parameter group, which is not known here"
            )),
            (false, None, Ok(None)) => Err("no parameter group".to_owned()),
        };
        match found {
            Err(reason) => TlsQuery::Known(Tls::unknown(reason)),
            Ok(((group, pending), cluster)) => TlsQuery::Group {
                parameter: name,
                read,
                cluster,
                group: group.to_owned(),
                family: groups.family.map(str::to_owned),
                pending,
                user: groups.user.map(<[_]>::to_vec),
            },
        }
    }
}

/// The family of a `default.<family>` group, which AWS names so.
pub fn default_group_family(group: &str) -> Option<&str> {
    group.strip_prefix("default.")
}

/// The value of `name` among `(name, value)` pairs (parameter names compared without case).
/// The (name, value) pairs of a `Source=user` listing, as `modified_parameters` and the TLS
/// rules read them (a parameter without a value: the empty string).
pub fn user_set(parameters: Vec<aws_sdk_rds::types::Parameter>) -> Vec<(String, String)> {
    parameters
        .into_iter()
        .filter_map(|p| Some((p.parameter_name?, p.parameter_value.unwrap_or_default())))
        .collect()
}

pub fn value_of<'a>(parameters: &'a [(String, String)], name: &str) -> Option<&'a str> {
    parameters
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_and_families_find_their_rule() {
        let parameter = |e: &str| match rule_for(e).map(|r| r.setting) {
            Some(Setting::Parameter { name, cluster, .. }) => Some((name, cluster)),
            _ => None,
        };
        assert_eq!(parameter("postgres"), Some(("rds.force_ssl", false)));
        assert_eq!(parameter("postgres16"), Some(("rds.force_ssl", false)));
        assert_eq!(
            parameter("aurora-postgresql16"),
            Some(("rds.force_ssl", true))
        );
        assert_eq!(
            parameter("aurora-mysql8.0"),
            Some(("require_secure_transport", true))
        );
        assert_eq!(
            parameter("aurora5.6"),
            Some(("require_secure_transport", true))
        );
        assert_eq!(
            parameter("mysql8.0"),
            Some(("require_secure_transport", false))
        );
        assert_eq!(
            parameter("sqlserver-se-15.0"),
            Some(("rds.force_ssl", false))
        );
        assert_eq!(parameter("docdb5.0"), Some(("tls", true)));
        assert_eq!(parameter("neptune1.3"), Some(("neptune_enforce_ssl", true)));
        assert_eq!(parameter("db2-se-11.5"), Some(("DB2COMM", false)));
        assert!(matches!(
            rule_for("oracle-ee-19").map(|r| r.setting),
            Some(Setting::NotAParameter(_))
        ));
        assert!(rule_for("custom-oracle-ee").is_none());
        assert!(rule_for("postgresx").is_none());
        assert!(rule_for("aurora-something-new").is_none());
    }

    #[test]
    fn values_read_as_aws_spells_them() {
        assert_eq!(one_or_zero("1"), Some(true));
        assert_eq!(one_or_zero("0"), Some(false));
        assert_eq!(one_or_zero("yes"), None);
        assert_eq!(on_or_off("ON"), Some(true));
        assert_eq!(on_or_off("off"), Some(false));
        assert_eq!(on_or_off("0"), Some(false));
        assert_eq!(docdb_tls("disabled"), Some(false));
        assert_eq!(docdb_tls("tls1.3+"), Some(true));
        assert_eq!(db2comm("TCPIP,SSL"), Some(false));
        assert_eq!(db2comm("SSL"), Some(true));
        assert_eq!(db2comm(""), None);
    }

    #[test]
    fn aurora_members_read_the_cluster_group_and_oracle_needs_no_call() {
        let groups = Groups {
            instance: Some(("default.aurora-postgresql16", Some(false))),
            cluster: Ok(Some(("apg-custom", Some(true)))),
            ..Groups::default()
        };
        match TlsQuery::of(Some("aurora-postgresql"), groups) {
            TlsQuery::Group {
                group,
                cluster,
                pending,
                ..
            } => assert_eq!(
                (group.as_str(), cluster, pending),
                ("apg-custom", true, Some(true))
            ),
            other => panic!("{other:?}"),
        }
        let unknown = Groups {
            cluster: Err("the DB cluster could not be listed"),
            ..Groups::default()
        };
        assert!(matches!(
            TlsQuery::of(Some("aurora-mysql"), unknown),
            TlsQuery::Known(Tls {
                reason: Some(_),
                required: None,
                ..
            })
        ));
        assert!(matches!(
            TlsQuery::of(Some("oracle-ee"), Groups::default()),
            TlsQuery::Known(Tls {
                reason: Some(_),
                ..
            })
        ));
    }
}
