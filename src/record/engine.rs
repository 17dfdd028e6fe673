//! The major engine version AWS uses in `DescribeDBMajorEngineVersions`, from an engine and
//! its full version.

/// The major version of `version` of `engine` as `DescribeDBMajorEngineVersions` names it:
/// postgres `16.3` -> `16` (`9.6.22` -> `9.6`), mysql `8.0.35` -> `8.0`, aurora-mysql
/// `8.0.mysql_aurora.3.05.2` -> `8.0`, mariadb `10.11.6` -> `10.11`, oracle-ee
/// `19.0.0.0.ru-2024-01.rur-2024-01.r1` -> `19`, sqlserver-se `15.00.4345.5.v1` -> `15.00`,
/// db2-se `11.5.9.0.sb00000000.r1` -> `11.5`. None for an engine it does not know or a
/// version that does not start with a number.
pub fn major_engine_version<'v>(engine: &str, version: &'v str) -> Option<&'v str> {
    let engine = engine.strip_prefix("custom-").unwrap_or(engine);
    let parts = match engine {
        "postgres" | "aurora-postgresql" => {
            // Before PostgreSQL 10 the major version had two parts.
            let first: u32 = version.split('.').next()?.parse().ok()?;
            if first >= 10 {
                1
            } else {
                2
            }
        }
        "mysql" | "aurora-mysql" | "aurora" | "mariadb" => 2,
        e if e.starts_with("sqlserver-") || e.starts_with("db2-") => 2,
        e if e.starts_with("oracle-") => 1,
        _ => return None,
    };
    leading_parts(version, parts)
}

/// The first `parts` dot-separated numeric parts of `version`.
fn leading_parts(version: &str, parts: usize) -> Option<&str> {
    let mut end = 0;
    for (i, part) in version.split('.').take(parts).enumerate() {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        end += part.len() + usize::from(i > 0);
    }
    (end > 0).then(|| &version[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors_follow_each_engines_scheme() {
        for (engine, version, major) in [
            ("postgres", "16.3", "16"),
            ("postgres", "9.6.22", "9.6"),
            ("aurora-postgresql", "16.4", "16"),
            ("mysql", "8.0.35", "8.0"),
            ("mysql", "5.7.44-rds.20240408", "5.7"),
            ("aurora-mysql", "8.0.mysql_aurora.3.05.2", "8.0"),
            ("aurora-mysql", "5.7.mysql_aurora.2.11.2", "5.7"),
            ("mariadb", "10.11.6", "10.11"),
            ("oracle-ee", "19.0.0.0.ru-2024-01.rur-2024-01.r1", "19"),
            ("oracle-se2-cdb", "21.0.0.0.ru-2024-04.rur-2024-04.r1", "21"),
            ("custom-oracle-ee", "19.c.ee.002", "19"),
            ("sqlserver-se", "15.00.4345.5.v1", "15.00"),
            ("custom-sqlserver-ee", "16.00.4135.4.v1", "16.00"),
            ("db2-se", "11.5.9.0.sb00000000.r1", "11.5"),
        ] {
            assert_eq!(
                major_engine_version(engine, version),
                Some(major),
                "{engine} {version}"
            );
        }
    }

    #[test]
    fn unknown_engines_and_odd_versions_have_no_major() {
        assert_eq!(major_engine_version("neptune", "1.2.0.0"), None);
        assert_eq!(major_engine_version("postgres", ""), None);
        assert_eq!(major_engine_version("postgres", "latest"), None);
        assert_eq!(major_engine_version("mysql", "8"), Some("8"));
        assert_eq!(major_engine_version("mysql", ".8"), None);
    }
}
