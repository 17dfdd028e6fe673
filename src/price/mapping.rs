//! The mapping from RDS API values to AWS Price List attribute values, defined once: engines,
//! license models, deployments and storage types. Every value here is a claim about the
//! price list (see DESIGN.md for which are confirmed and by what); the tests pin them
//! against Infracost's mapping where it has one.

/// What kind of product an engine is, which decides the price keys and what is not priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineFamily {
    /// MySQL, MariaDB, PostgreSQL: no edition, no license filter.
    OpenSource,
    Oracle,
    SqlServer,
    Db2,
    /// Aurora MySQL and Aurora PostgreSQL: instance hours only; storage and I/O are per cluster.
    Aurora,
    /// RDS Custom: its own SKUs (`deploymentModel` Custom), not priced.
    Custom,
}

/// One RDS engine and the price list values it maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineRow {
    /// `Engine` as DescribeDBInstances reports it.
    pub engine: &'static str,
    pub family: EngineFamily,
    /// `databaseEngine`.
    pub database_engine: &'static str,
    /// `databaseEdition`, where the price list splits the engine by edition.
    pub edition: Option<&'static str>,
    /// `databaseEngine` of the Extended Support SKUs; `None`: no RDS Extended Support.
    pub extended_support: Option<&'static str>,
    /// The Extended Support surcharge has no Year 3 tier (Aurora MySQL: Year 1 prices
    /// throughout, per the aws-samples estimator's reading of the Aurora pricing page).
    pub extended_support_year3: bool,
}

const fn engine(
    engine: &'static str,
    family: EngineFamily,
    database_engine: &'static str,
    edition: Option<&'static str>,
) -> EngineRow {
    EngineRow {
        engine,
        family,
        database_engine,
        edition,
        extended_support: None,
        extended_support_year3: false,
    }
}

const fn with_extended_support(row: EngineRow, year3: bool) -> EngineRow {
    EngineRow {
        extended_support: Some(row.database_engine),
        extended_support_year3: year3,
        ..row
    }
}

use EngineFamily::{Aurora, Custom, Db2, OpenSource, Oracle, SqlServer};

/// Every engine rds-inventory can price (or knows it cannot: RDS Custom).
pub const ENGINES: &[EngineRow] = &[
    with_extended_support(engine("postgres", OpenSource, "PostgreSQL", None), true),
    with_extended_support(engine("mysql", OpenSource, "MySQL", None), true),
    engine("mariadb", OpenSource, "MariaDB", None),
    with_extended_support(engine("aurora", Aurora, "Aurora MySQL", None), false),
    with_extended_support(engine("aurora-mysql", Aurora, "Aurora MySQL", None), false),
    with_extended_support(
        engine("aurora-postgresql", Aurora, "Aurora PostgreSQL", None),
        true,
    ),
    engine("oracle-se", Oracle, "Oracle", Some("Standard")),
    engine("oracle-se1", Oracle, "Oracle", Some("Standard One")),
    engine("oracle-se2", Oracle, "Oracle", Some("Standard Two")),
    engine("oracle-se2-cdb", Oracle, "Oracle", Some("Standard Two")),
    engine("oracle-ee", Oracle, "Oracle", Some("Enterprise")),
    engine("oracle-ee-cdb", Oracle, "Oracle", Some("Enterprise")),
    engine("sqlserver-ex", SqlServer, "SQL Server", Some("Express")),
    engine("sqlserver-web", SqlServer, "SQL Server", Some("Web")),
    engine("sqlserver-se", SqlServer, "SQL Server", Some("Standard")),
    engine("sqlserver-ee", SqlServer, "SQL Server", Some("Enterprise")),
    engine("db2-se", Db2, "Db2", Some("Standard")),
    engine("db2-ae", Db2, "Db2", Some("Advanced")),
    engine("custom-oracle-ee", Custom, "Oracle", Some("Enterprise")),
    engine("custom-oracle-ee-cdb", Custom, "Oracle", Some("Enterprise")),
    engine("custom-oracle-se2", Custom, "Oracle", Some("Standard Two")),
    engine(
        "custom-oracle-se2-cdb",
        Custom,
        "Oracle",
        Some("Standard Two"),
    ),
    engine(
        "custom-sqlserver-ee",
        Custom,
        "SQL Server",
        Some("Enterprise"),
    ),
    engine(
        "custom-sqlserver-se",
        Custom,
        "SQL Server",
        Some("Standard"),
    ),
    engine("custom-sqlserver-web", Custom, "SQL Server", Some("Web")),
    engine(
        "custom-sqlserver-dev",
        Custom,
        "SQL Server",
        Some("Developer"),
    ),
];

/// The row of an RDS engine name (case-insensitive, as Infracost lowers it).
pub fn engine_row(engine: &str) -> Option<&'static EngineRow> {
    ENGINES
        .iter()
        .find(|row| row.engine.eq_ignore_ascii_case(engine))
}

/// RDS `LicenseModel` → `licenseModel`; `None`: the price list is not filtered on it (the
/// open-source engines, as Infracost does; their SKUs say "No license required").
pub const LICENSES: &[(&str, Option<&str>)] = &[
    ("license-included", Some("License included")),
    ("bring-your-own-license", Some("Bring your own license")),
    ("marketplace-license", Some("Marketplace")),
    ("general-public-license", None),
    ("postgresql-license", None),
];

/// The `licenseModel` filter of an engine and RDS license model: `Ok(None)` when no filter
/// applies, `Err` for a license model the table does not know (not guessed).
pub fn license_model(
    row: &EngineRow,
    license: Option<&str>,
) -> Result<Option<&'static str>, String> {
    if row.family == OpenSource || row.family == Aurora {
        return Ok(None);
    }
    let Some(license) = license else {
        // Infracost's default: Oracle SE1/SE2 and SQL Server are license-included unless told.
        let included = row.family == SqlServer
            || matches!(row.engine, "oracle-se1" | "oracle-se2" | "oracle-se2-cdb");
        return Ok(included.then_some("License included"));
    };
    LICENSES
        .iter()
        .find(|(rds, _)| rds.eq_ignore_ascii_case(license))
        .map(|(_, price_list)| *price_list)
        .ok_or_else(|| format!("license model {license} is not in the price mapping"))
}

/// How an instance is deployed, as far as the price list distinguishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deployment {
    SingleAz,
    MultiAz,
    /// A member of a Multi-AZ DB cluster (one writer, two readable standbys).
    MultiAzCluster,
}

impl Deployment {
    /// `deploymentOption`.
    pub fn deployment_option(self) -> &'static str {
        match self {
            Deployment::SingleAz => "Single-AZ",
            Deployment::MultiAz => "Multi-AZ",
            Deployment::MultiAzCluster => "Multi-AZ (readable standbys)",
        }
    }

    /// The usage type infix of storage, IOPS and throughput SKUs (`RDS:<infix>GP3-Storage`);
    /// `None` where it is not known (Multi-AZ DB clusters).
    pub fn storage_usage_infix(self) -> Option<&'static str> {
        match self {
            Deployment::SingleAz => Some(""),
            Deployment::MultiAz => Some("Multi-AZ-"),
            Deployment::MultiAzCluster => None,
        }
    }
}

/// How provisioned IOPS are billed for a storage type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IopsBilling {
    /// Included in the storage price (gp2, magnetic).
    Included,
    /// Every provisioned IOPS (io1, io2).
    All,
    /// Only above the gp3 baseline.
    AboveBaseline,
}

/// One RDS `StorageType` and the price list values it maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageRow {
    pub storage_type: &'static str,
    /// `volumeType` of the storage SKU; `None` for Aurora (billed per cluster, by usage).
    pub volume_type: Option<&'static str>,
    /// Usage type suffix of the storage SKU after `RDS:<deployment infix>` (Infracost pins
    /// gp3 this way); `None`: not filtered on usage type.
    pub storage_usage: Option<&'static str>,
    pub iops: IopsBilling,
    /// Usage type suffix of the IOPS SKU after `RDS:<deployment infix>`.
    pub iops_usage: Option<&'static str>,
    /// Usage type suffix of the throughput SKU after `RDS:<deployment infix>`: throughput above
    /// the gp3 baseline is billed.
    pub throughput_usage: Option<&'static str>,
    /// Aurora I/O-Optimized: its instance usage type is `InstanceUsageIOOptimized:<class>`.
    pub aurora_io_optimized: bool,
}

const fn storage(storage_type: &'static str, volume_type: Option<&'static str>) -> StorageRow {
    StorageRow {
        storage_type,
        volume_type,
        storage_usage: None,
        iops: IopsBilling::Included,
        iops_usage: None,
        throughput_usage: None,
        aurora_io_optimized: false,
    }
}

/// Every RDS storage type.
pub const STORAGE: &[StorageRow] = &[
    storage("gp2", Some("General Purpose")),
    StorageRow {
        storage_usage: Some("GP3-Storage"),
        iops: IopsBilling::AboveBaseline,
        iops_usage: Some("GP3-PIOPS"),
        throughput_usage: Some("GP3-Throughput"),
        ..storage("gp3", Some("General Purpose-GP3"))
    },
    StorageRow {
        iops: IopsBilling::All,
        iops_usage: Some("PIOPS"),
        ..storage("io1", Some("Provisioned IOPS"))
    },
    StorageRow {
        iops: IopsBilling::All,
        iops_usage: Some("IO2-PIOPS"),
        ..storage("io2", Some("Provisioned IOPS-IO2"))
    },
    storage("standard", Some("Magnetic")),
    storage("aurora", None),
    StorageRow {
        aurora_io_optimized: true,
        ..storage("aurora-iopt1", None)
    },
];

/// The row of an RDS storage type (case-insensitive).
pub fn storage_row(storage_type: &str) -> Option<&'static StorageRow> {
    STORAGE
        .iter()
        .find(|row| row.storage_type.eq_ignore_ascii_case(storage_type))
}

/// The gp3 baseline included in the storage price: (IOPS, MiB/s).
pub fn gp3_baseline(family: EngineFamily, allocated_gib: i64) -> (i64, i64) {
    let threshold = match family {
        // The RDS user guide's gp3 table: SQL Server has one baseline at every size.
        SqlServer => return (3_000, 125),
        // Oracle stripes across volumes from 200 GiB (infracost#2487).
        Oracle => 200,
        _ => 400,
    };
    if allocated_gib >= threshold {
        (12_000, 500)
    } else {
        (3_000, 125)
    }
}

/// The instance hours' usage type suffix (without the region prefix, e.g. `EU-`).
pub fn instance_usage(
    deployment: Deployment,
    family: EngineFamily,
    io_optimized: bool,
    class: &str,
) -> String {
    match (family, deployment) {
        (Aurora, _) if io_optimized => format!("InstanceUsageIOOptimized:{class}"),
        (Aurora, _) | (_, Deployment::SingleAz) => format!("InstanceUsage:{class}"),
        (_, Deployment::MultiAz) => format!("Multi-AZUsage:{class}"),
        (_, Deployment::MultiAzCluster) => format!("Multi-AZClusterUsage:{class}"),
    }
}

/// `extendedSupportPricingYear` for year 1-2 and year 3 of RDS Extended Support.
pub const EXTENDED_SUPPORT_YEARS: [&str; 2] = ["Year 1, Year 2", "Year 3"];

#[cfg(test)]
mod tests {
    use super::*;

    /// Infracost's `databaseEngine` and `databaseEdition` switch, quoted from
    /// internal/resources/aws/db_instance.go (engine, databaseEngine, databaseEdition or "").
    const INFRACOST_ENGINES: &[(&str, &str, &str)] = &[
        ("postgres", "PostgreSQL", ""),
        ("mysql", "MySQL", ""),
        ("mariadb", "MariaDB", ""),
        ("aurora", "Aurora MySQL", ""),
        ("aurora-mysql", "Aurora MySQL", ""),
        ("aurora-postgresql", "Aurora PostgreSQL", ""),
        ("oracle-se", "Oracle", "Standard"),
        ("oracle-se1", "Oracle", "Standard One"),
        ("oracle-se2", "Oracle", "Standard Two"),
        ("oracle-se2-cdb", "Oracle", "Standard Two"),
        ("oracle-ee", "Oracle", "Enterprise"),
        ("oracle-ee-cdb", "Oracle", "Enterprise"),
        ("sqlserver-ex", "SQL Server", "Express"),
        ("sqlserver-web", "SQL Server", "Web"),
        ("sqlserver-se", "SQL Server", "Standard"),
        ("sqlserver-ee", "SQL Server", "Enterprise"),
    ];

    #[test]
    fn engines_match_infracost_for_every_engine_it_covers() {
        for (engine, database_engine, edition) in INFRACOST_ENGINES {
            let row = engine_row(engine).unwrap_or_else(|| panic!("{engine} is mapped"));
            assert_eq!(row.database_engine, *database_engine, "{engine}");
            assert_eq!(row.edition.unwrap_or(""), *edition, "{engine}");
            assert_ne!(row.family, Custom, "{engine}");
        }
        assert_eq!(engine_row("POSTGRES").map(|r| r.engine), Some("postgres"));
    }

    /// Infracost's licenseModel rule: "License included" for oracle-se1/se2/se2-cdb and
    /// sqlserver-*, "Bring your own license" when the license model says so, else no filter.
    #[test]
    fn license_defaults_match_infracost() {
        for (engine, _, _) in INFRACOST_ENGINES {
            let row = engine_row(engine).expect("mapped");
            let infracost_default =
                matches!(*engine, "oracle-se1" | "oracle-se2" | "oracle-se2-cdb")
                    || engine.starts_with("sqlserver-");
            let ours = license_model(row, None).expect("known");
            assert_eq!(ours.is_some(), infracost_default, "{engine}");
            let byol = license_model(row, Some("bring-your-own-license")).expect("known");
            let expected = match row.family {
                OpenSource | Aurora => None,
                _ => Some("Bring your own license"),
            };
            assert_eq!(byol, expected, "{engine}");
        }
    }

    #[test]
    fn licenses_beyond_infracost() {
        let db2 = engine_row("db2-se").expect("mapped");
        assert_eq!(
            license_model(db2, Some("marketplace-license")),
            Ok(Some("Marketplace"))
        );
        let oracle = engine_row("oracle-se2").expect("mapped");
        assert_eq!(
            license_model(oracle, Some("license-included")),
            Ok(Some("License included"))
        );
        assert!(license_model(oracle, Some("bring-your-own-media")).is_err());
        let postgres = engine_row("postgres").expect("mapped");
        assert_eq!(
            license_model(postgres, Some("postgresql-license")),
            Ok(None)
        );
    }

    #[test]
    fn extensions_beyond_infracost() {
        assert_eq!(
            engine_row("db2-se").map(|r| (r.database_engine, r.edition)),
            Some(("Db2", Some("Standard")))
        );
        assert_eq!(
            engine_row("db2-ae").map(|r| r.edition),
            Some(Some("Advanced"))
        );
        assert!(ENGINES
            .iter()
            .filter(|r| r.engine.starts_with("custom-"))
            .all(|r| r.family == Custom));
        assert_eq!(
            Deployment::MultiAzCluster.deployment_option(),
            "Multi-AZ (readable standbys)"
        );
    }

    /// Infracost's volumeType switch (gp2 default, io1, standard, gp3) and its gp3 usage type
    /// regexes `-RDS:GP3-Storage$` / `-RDS:Multi-AZ-GP3-Storage$` and `-RDS:GP3-PIOPS$` /
    /// `-RDS:Multi-AZ-GP3-PIOPS$`; io2 and gp3 throughput are ours.
    #[test]
    fn storage_matches_infracost_and_extends_it() {
        let volume = |storage: &str| storage_row(storage).and_then(|r| r.volume_type);
        assert_eq!(volume("gp2"), Some("General Purpose"));
        assert_eq!(volume("io1"), Some("Provisioned IOPS"));
        assert_eq!(volume("standard"), Some("Magnetic"));
        assert_eq!(volume("gp3"), Some("General Purpose-GP3"));
        assert_eq!(volume("io2"), Some("Provisioned IOPS-IO2"));
        assert_eq!(volume("aurora"), None);
        assert_eq!(volume("aurora-iopt1"), None);
        let gp3 = storage_row("gp3").expect("mapped");
        let usage = |deployment: Deployment, suffix: Option<&str>| {
            format!(
                "RDS:{}{}",
                deployment.storage_usage_infix().unwrap_or("?"),
                suffix.unwrap_or("?")
            )
        };
        assert_eq!(
            usage(Deployment::SingleAz, gp3.storage_usage),
            "RDS:GP3-Storage"
        );
        assert_eq!(
            usage(Deployment::MultiAz, gp3.storage_usage),
            "RDS:Multi-AZ-GP3-Storage"
        );
        assert_eq!(usage(Deployment::SingleAz, gp3.iops_usage), "RDS:GP3-PIOPS");
        assert_eq!(
            usage(Deployment::MultiAz, gp3.iops_usage),
            "RDS:Multi-AZ-GP3-PIOPS"
        );
        assert_eq!(
            usage(Deployment::MultiAz, gp3.throughput_usage),
            "RDS:Multi-AZ-GP3-Throughput"
        );
        assert_eq!(gp3.iops, IopsBilling::AboveBaseline);
        assert_eq!(storage_row("io1").map(|r| r.iops), Some(IopsBilling::All));
        assert_eq!(storage_row("io2").map(|r| r.iops), Some(IopsBilling::All));
        assert_eq!(
            storage_row("gp2").map(|r| r.iops),
            Some(IopsBilling::Included)
        );
        assert!(storage_row("aurora-iopt1").is_some_and(|r| r.aurora_io_optimized));
    }

    /// Infracost: 3,000 IOPS below 400 GiB, 12,000 from 400 GiB; Oracle from 200 GiB
    /// (infracost#2487); the throughput baseline follows (125 / 500 MiB/s).
    #[test]
    fn gp3_baselines() {
        assert_eq!(gp3_baseline(OpenSource, 399), (3_000, 125));
        assert_eq!(gp3_baseline(OpenSource, 400), (12_000, 500));
        assert_eq!(gp3_baseline(Oracle, 199), (3_000, 125));
        assert_eq!(gp3_baseline(Oracle, 200), (12_000, 500));
        assert_eq!(gp3_baseline(Db2, 400), (12_000, 500));
        assert_eq!(gp3_baseline(SqlServer, 1_000), (3_000, 125));
    }

    /// Infracost's Aurora usage types (`InstanceUsage:` / `InstanceUsageIOOptimized:`) and
    /// the real items' `Multi-AZUsage:` (lyft/awspricing's fixture).
    #[test]
    fn instance_usage_types() {
        let class = "db.r6g.large";
        assert_eq!(
            instance_usage(Deployment::SingleAz, Aurora, true, class),
            "InstanceUsageIOOptimized:db.r6g.large"
        );
        assert_eq!(
            instance_usage(Deployment::SingleAz, Aurora, false, class),
            "InstanceUsage:db.r6g.large"
        );
        assert_eq!(
            instance_usage(Deployment::MultiAz, Oracle, false, "db.m4.large"),
            "Multi-AZUsage:db.m4.large"
        );
        assert_eq!(
            instance_usage(
                Deployment::MultiAzCluster,
                OpenSource,
                false,
                "db.m6gd.large"
            ),
            "Multi-AZClusterUsage:db.m6gd.large"
        );
    }

    #[test]
    fn every_engine_and_storage_type_is_listed_once() {
        for (i, row) in ENGINES.iter().enumerate() {
            assert!(
                ENGINES[i + 1..]
                    .iter()
                    .all(|other| other.engine != row.engine),
                "{}",
                row.engine
            );
        }
        for (i, row) in STORAGE.iter().enumerate() {
            assert!(STORAGE[i + 1..]
                .iter()
                .all(|other| other.storage_type != row.storage_type));
        }
    }
}
