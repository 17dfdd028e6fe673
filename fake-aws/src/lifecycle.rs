//! RDS `DescribeDBMajorEngineVersions` data: each engine's major versions and their standard
//! and extended support windows. The dates are fixed, modelled on AWS's published calendar
//! (not authoritative), so tests never depend on the wall clock.

use serde::Serialize;

/// `LifecycleSupportName` of standard support.
pub const STANDARD_SUPPORT: &str = "open-source-rds-standard-support";
/// `LifecycleSupportName` of RDS Extended Support.
pub const EXTENDED_SUPPORT: &str = "open-source-rds-extended-support";

/// One row of the DescribeDBMajorEngineVersions answer.
pub(crate) struct MajorVersion {
    pub(crate) engine: &'static str,
    pub(crate) major: &'static str,
    /// (start, end) of standard support, `YYYY-MM-DD`.
    pub(crate) standard: (&'static str, &'static str),
    /// (start, end) of extended support; `None` for engines without RDS Extended Support.
    pub(crate) extended: Option<(&'static str, &'static str)>,
}

const fn row(
    engine: &'static str,
    major: &'static str,
    standard: (&'static str, &'static str),
    extended: Option<(&'static str, &'static str)>,
) -> MajorVersion {
    MajorVersion {
        engine,
        major,
        standard,
        extended,
    }
}

/// Every engine the inventory uses except `oracle-ee` and `sqlserver-se` (left out, as AWS
/// does, so a consumer sees no lifecycle for them); `aurora-mysql` is listed although the
/// inventory has none. `mariadb` has standard support only.
pub(crate) const MAJOR_VERSIONS: &[MajorVersion] = &[
    row(
        "aurora-mysql",
        "5.7",
        ("2017-02-06", "2024-10-31"),
        Some(("2024-11-01", "2027-02-28")),
    ),
    row(
        "aurora-mysql",
        "8.0",
        ("2021-11-18", "2028-04-30"),
        Some(("2028-05-01", "2031-04-30")),
    ),
    row(
        "aurora-postgresql",
        "11",
        ("2019-11-26", "2024-02-29"),
        Some(("2024-03-01", "2027-03-31")),
    ),
    row(
        "aurora-postgresql",
        "12",
        ("2021-01-28", "2025-02-28"),
        Some(("2025-03-01", "2028-02-29")),
    ),
    row(
        "aurora-postgresql",
        "13",
        ("2021-08-26", "2026-02-28"),
        Some(("2026-03-01", "2029-02-28")),
    ),
    row(
        "aurora-postgresql",
        "14",
        ("2022-06-09", "2027-02-28"),
        Some(("2027-03-01", "2030-02-28")),
    ),
    row(
        "aurora-postgresql",
        "15",
        ("2023-07-13", "2028-02-29"),
        Some(("2028-03-01", "2031-02-28")),
    ),
    row(
        "aurora-postgresql",
        "16",
        ("2024-01-31", "2029-02-28"),
        Some(("2029-03-01", "2032-02-29")),
    ),
    row(
        "aurora-postgresql",
        "17",
        ("2025-05-08", "2030-02-28"),
        Some(("2030-03-01", "2033-02-28")),
    ),
    row("mariadb", "10.6", ("2022-02-03", "2026-08-31"), None),
    row("mariadb", "10.11", ("2023-08-21", "2028-02-29"), None),
    row("mariadb", "11.4", ("2024-10-11", "2029-05-29"), None),
    row(
        "mysql",
        "5.7",
        ("2016-02-22", "2024-02-29"),
        Some(("2024-03-01", "2027-02-28")),
    ),
    row(
        "mysql",
        "8.0",
        ("2018-10-23", "2026-07-31"),
        Some(("2026-08-01", "2029-07-31")),
    ),
    row(
        "mysql",
        "8.4",
        ("2024-08-21", "2029-07-31"),
        Some(("2029-08-01", "2032-07-31")),
    ),
    row(
        "postgres",
        "11",
        ("2019-03-13", "2024-02-29"),
        Some(("2024-03-01", "2027-03-31")),
    ),
    row(
        "postgres",
        "12",
        ("2020-05-12", "2025-02-28"),
        Some(("2025-03-01", "2028-02-29")),
    ),
    row(
        "postgres",
        "13",
        ("2021-02-24", "2026-02-28"),
        Some(("2026-03-01", "2029-02-28")),
    ),
    row(
        "postgres",
        "14",
        ("2022-02-03", "2027-02-28"),
        Some(("2027-03-01", "2030-02-28")),
    ),
    row(
        "postgres",
        "15",
        ("2023-02-27", "2028-02-29"),
        Some(("2028-03-01", "2031-02-28")),
    ),
    row(
        "postgres",
        "16",
        ("2023-11-17", "2029-02-28"),
        Some(("2029-03-01", "2032-02-29")),
    ),
    row(
        "postgres",
        "17",
        ("2024-11-18", "2030-02-28"),
        Some(("2030-03-01", "2033-02-28")),
    ),
];

/// A `YYYY-MM-DD` date as the API's timestamp, `YYYY-MM-DDT00:00:00Z`.
pub(crate) fn date_time(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

/// The major version AWS files an engine version under: the first component for PostgreSQL
/// (both flavours, from 10 on) and Oracle, the first two for MySQL, MariaDB, Aurora MySQL
/// (`8.0.mysql_aurora.3.05.2` -> `8.0`), SQL Server and PostgreSQL 9.x.
pub fn major_engine_version(engine: &str, engine_version: &str) -> String {
    let mut parts = engine_version.split('.');
    let first = parts.next().unwrap_or_default();
    let two = |second: Option<&str>| match second {
        Some(second) => format!("{first}.{second}"),
        None => first.to_string(),
    };
    let first_number: u32 = first.parse().unwrap_or(0);
    match engine {
        "postgres" | "aurora-postgresql" if first_number >= 10 => first.to_string(),
        "postgres" | "aurora-postgresql" => two(parts.next()),
        e if e.starts_with("oracle") => first.to_string(),
        "mysql" | "mariadb" | "aurora-mysql" | "aurora" => two(parts.next()),
        e if e.starts_with("sqlserver") => two(parts.next()),
        _ => first.to_string(),
    }
}

/// What DescribeDBMajorEngineVersions says about one engine version; timestamps RFC 3339 UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MajorEngineLifecycle {
    pub engine: String,
    pub major_engine_version: String,
    pub standard_support_start: String,
    pub standard_support_end: String,
    /// `None` when the engine has no RDS Extended Support (MariaDB).
    pub extended_support_start: Option<String>,
    pub extended_support_end: Option<String>,
}

/// The lifecycle the fake serves for `engine` at `engine_version`, matched the way AWS
/// matches (see `major_engine_version`); `None` if that engine or major version is unlisted.
pub fn expected_major_engine_lifecycle(
    engine: &str,
    engine_version: &str,
) -> Option<MajorEngineLifecycle> {
    let major = major_engine_version(engine, engine_version);
    let row = MAJOR_VERSIONS
        .iter()
        .find(|row| row.engine == engine && row.major == major)?;
    Some(MajorEngineLifecycle {
        engine: engine.to_string(),
        major_engine_version: major,
        standard_support_start: date_time(row.standard.0),
        standard_support_end: date_time(row.standard.1),
        extended_support_start: row.extended.map(|(start, _)| date_time(start)),
        extended_support_end: row.extended.map(|(_, end)| date_time(end)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_versions_are_matched_the_way_aws_matches() {
        let cases = [
            ("postgres", "16.3", "16"),
            ("postgres", "9.6.22", "9.6"),
            ("mysql", "8.0.35", "8.0"),
            ("mariadb", "10.11.8", "10.11"),
            ("aurora-postgresql", "16.4", "16"),
            ("aurora-mysql", "8.0.mysql_aurora.3.05.2", "8.0"),
            ("oracle-ee", "19.0.0.0.ru-2024-04.rur-2024-04.r1", "19"),
            ("sqlserver-se", "15.00.4365.2.v1", "15.00"),
        ];
        for (engine, version, major) in cases {
            assert_eq!(
                major_engine_version(engine, version),
                major,
                "{engine} {version}"
            );
        }
    }

    #[test]
    fn lifecycle_lookup_finds_listed_engines_only() {
        let pg = expected_major_engine_lifecycle("postgres", "16.3").expect("listed");
        assert_eq!(pg.major_engine_version, "16");
        assert_eq!(pg.standard_support_end, "2029-02-28T00:00:00Z");
        assert_eq!(
            pg.extended_support_end.as_deref(),
            Some("2032-02-29T00:00:00Z")
        );
        let aurora = expected_major_engine_lifecycle("aurora-mysql", "8.0.mysql_aurora.3.05.2")
            .expect("listed");
        assert_eq!(aurora.major_engine_version, "8.0");
        let maria = expected_major_engine_lifecycle("mariadb", "10.6.18").expect("listed");
        assert_eq!(maria.extended_support_end, None);
        assert_eq!(
            expected_major_engine_lifecycle("oracle-ee", "19.0.0.0.ru-2024-04.rur-2024-04.r1"),
            None
        );
        assert_eq!(expected_major_engine_lifecycle("postgres", "9.6.1"), None);
    }

    #[test]
    fn each_engine_and_major_version_is_listed_once() {
        let keys: std::collections::HashSet<(&str, &str)> =
            MAJOR_VERSIONS.iter().map(|r| (r.engine, r.major)).collect();
        assert_eq!(keys.len(), MAJOR_VERSIONS.len());
    }
}
