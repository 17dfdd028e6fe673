//! What to price for one instance: the facts the record has, and the components they make,
//! each a price key to look up, a component that is not billed, or one that cannot be priced.

use super::mapping::{
    engine_row, gp3_baseline, instance_usage, license_model, storage_row, Deployment, EngineFamily,
    EngineRow, IopsBilling, StorageRow, EXTENDED_SUPPORT_YEARS,
};
use super::select::{PriceQuery, Selector};

/// Hours in the month of every monthly figure (AWS's and Infracost's convention).
pub const HOURS_PER_MONTH: f64 = 730.0;

/// How an instance belongs to a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClusterMembership {
    #[default]
    None,
    /// An Aurora cluster's instance: instance hours here, storage and I/O per cluster.
    Aurora,
    /// A Multi-AZ DB cluster's member: the cluster's price covers its three instances and is
    /// carried by the writer.
    MultiAzCluster { writer: bool },
}

/// Where the engine's major version stands in its lifecycle, from the joined support dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineSupport {
    /// The major version as DescribeDBMajorEngineVersions names it (`11`, `8.0`).
    pub major_version: String,
    /// End of standard support, seconds since the epoch.
    pub standard_end: Option<i64>,
    /// `EngineLifecycleSupport` is not `open-source-rds-extended-support-disabled`.
    pub enrolled: bool,
}

/// The RDS Extended Support pricing year at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtendedSupportYear {
    /// Years 1 and 2 share one price.
    OneAndTwo,
    Three,
}

impl EngineSupport {
    /// The pricing year at `now` (seconds since the epoch); `None` in standard support, when
    /// not enrolled, or when the end of standard support is unknown.
    pub fn year_at(&self, now: i64) -> Option<ExtendedSupportYear> {
        let end = self.standard_end?;
        if !self.enrolled || now < end {
            return None;
        }
        if now < add_years(end, 2) {
            Some(ExtendedSupportYear::OneAndTwo)
        } else {
            Some(ExtendedSupportYear::Three)
        }
    }
}

/// `secs` plus `years` calendar years (29 February becomes 1 March).
fn add_years(secs: i64, years: i64) -> i64 {
    let (days, time_of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    days_from_civil(y + years, m, d) * 86_400 + time_of_day
}

// Howard Hinnant's civil-date algorithms (public domain), proleptic Gregorian.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The facts of one instance that decide its list price.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstanceFacts {
    pub region: String,
    /// `DBInstanceClass`, e.g. `db.m5.large`, `db.serverless`.
    pub class: String,
    pub engine: String,
    pub engine_version: String,
    pub license_model: Option<String>,
    pub multi_az: bool,
    pub cluster: ClusterMembership,
    /// The instance's `StorageType`, or for Aurora the cluster's (`aurora`, `aurora-iopt1`).
    pub storage_type: Option<String>,
    pub allocated_gib: i64,
    pub iops: Option<i64>,
    pub throughput_mibps: Option<i64>,
    pub status: String,
    /// In a subnet of an AWS Outpost.
    pub on_outposts: bool,
    pub support: Option<EngineSupport>,
    /// vCPUs of the class when known; else the instance SKU's `vcpu` attribute is used.
    pub vcpus: Option<u32>,
    /// `AdditionalStorageVolumes` (RDS for Oracle and SQL Server), each priced as its own
    /// volume.
    pub additional_volumes: Vec<StorageVolume>,
}

/// One of an instance's additional storage volumes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StorageVolume {
    /// `VolumeName`, e.g. `rdsdbdata2`.
    pub name: String,
    /// `StorageType` as the API spells it (`GP3`, `IO2`).
    pub storage_type: Option<String>,
    pub allocated_gib: i64,
    pub iops: Option<i64>,
    pub throughput_mibps: Option<i64>,
}

/// The components of a price, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentKind {
    InstanceHours,
    Storage,
    Iops,
    Throughput,
    ExtendedSupport,
    /// An additional storage volume's storage, IOPS and throughput.
    AdditionalStorage,
    AdditionalIops,
    AdditionalThroughput,
    /// Usage-based parts that are not priced (Aurora cluster storage and I/O, magnetic I/O).
    UsageBased,
}

impl ComponentKind {
    pub fn name(self) -> &'static str {
        match self {
            ComponentKind::InstanceHours => "instance hours",
            ComponentKind::Storage => "storage",
            ComponentKind::Iops => "provisioned IOPS",
            ComponentKind::Throughput => "provisioned throughput",
            ComponentKind::ExtendedSupport => "extended support",
            ComponentKind::AdditionalStorage => "additional storage",
            ComponentKind::AdditionalIops => "additional provisioned IOPS",
            ComponentKind::AdditionalThroughput => "additional provisioned throughput",
            ComponentKind::UsageBased => "usage-based",
        }
    }
}

/// How much of a unit a month holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Quantity {
    /// GB, IOPS or MiB/s for the month.
    Monthly(f64),
    /// 730 hours.
    Hours,
    /// 730 hours × the instance's vCPUs.
    VcpuHours,
}

/// One component's plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Price {
        query: PriceQuery,
        selector: Selector,
        quantity: Quantity,
    },
    /// Costs nothing this month, and why (a stopped instance's hours).
    NotBilled { unit: &'static str, note: String },
    /// Not part of the figure by definition (usage-based): said, but the total stands.
    Excluded { note: String },
    /// Should be in the figure but cannot be priced: the monthly total is unknown.
    Missing { reason: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedComponent {
    pub kind: ComponentKind,
    pub lookup: Lookup,
    /// The additional storage volume this component prices, by name.
    pub volume: Option<String>,
}

impl PlannedComponent {
    fn new(kind: ComponentKind, lookup: Lookup) -> PlannedComponent {
        PlannedComponent {
            kind,
            lookup,
            volume: None,
        }
    }

    /// The component's name, with its volume's when it has one.
    pub fn label(&self) -> String {
        label(self.kind, self.volume.as_deref())
    }
}

/// A component's name, with its volume's when it has one: `additional storage (rdsdbdata2)`.
fn label(kind: ComponentKind, volume: Option<&str>) -> String {
    match volume {
        Some(volume) => format!("{} ({volume})", kind.name()),
        None => kind.name().to_string(),
    }
}

/// An instance's price plan: its components, or why it has no price at all.
#[derive(Debug, Clone, PartialEq)]
pub enum PricePlan {
    Unpriced(String),
    Components(Vec<PlannedComponent>),
}

/// The Price List API region serving a region's partition; `Err`: why there is none.
pub fn pricing_region(region: &str) -> Result<&'static str, String> {
    if region.starts_with("cn-") {
        Ok("cn-northwest-1")
    } else if region.starts_with("us-gov-") {
        Err(format!(
            "GovCloud region {region}: the Price List API does not serve it"
        ))
    } else if region.contains("-iso") {
        Err(format!(
            "region {region}: its partition's price list is not queried"
        ))
    } else if region.is_empty() {
        Err("region unknown".to_string())
    } else {
        Ok("us-east-1")
    }
}

fn is_stopped(status: &str) -> bool {
    status.eq_ignore_ascii_case("stopped")
}

/// Plans the price of one instance at `now` (the run's start, seconds since the epoch).
pub fn plan(facts: &InstanceFacts, now: i64) -> PricePlan {
    match plan_components(facts, now) {
        Ok(components) => PricePlan::Components(components),
        Err(reason) => PricePlan::Unpriced(reason),
    }
}

fn plan_components(facts: &InstanceFacts, now: i64) -> Result<Vec<PlannedComponent>, String> {
    let row = engine_row(&facts.engine)
        .ok_or_else(|| format!("engine {} is not in the price mapping", facts.engine))?;
    if row.family == EngineFamily::Custom {
        return Err("RDS Custom: priced by its own SKUs, not looked up".into());
    }
    if facts.class.eq_ignore_ascii_case("db.serverless") {
        return Err("db.serverless: Aurora Serverless v2 is billed per ACU-hour".into());
    }
    if facts.on_outposts {
        return Err("RDS on Outposts: not in the regional price list".into());
    }
    let pricing_region = pricing_region(&facts.region)?;
    let license = license_model(row, facts.license_model.as_deref())?;
    let storage = match (&facts.storage_type, row.family) {
        (Some(storage), _) => Some(
            storage_row(storage)
                .ok_or_else(|| format!("storage type {storage} is not in the price mapping"))?,
        ),
        (None, EngineFamily::Aurora) => None,
        (None, _) => return Err("storage type unknown".into()),
    };
    let deployment = match (facts.cluster, facts.multi_az) {
        (ClusterMembership::MultiAzCluster { .. }, _) => Deployment::MultiAzCluster,
        (_, true) => Deployment::MultiAz,
        (_, false) => Deployment::SingleAz,
    };
    let region_query =
        || PriceQuery::new(pricing_region).filter("regionCode", facts.region.as_str());
    let mut components = Vec::new();
    let reader = matches!(
        facts.cluster,
        ClusterMembership::MultiAzCluster { writer: false }
    );
    let stopped = is_stopped(&facts.status);

    // Instance hours.
    let instance = if stopped {
        Lookup::NotBilled {
            unit: "Hrs",
            note: "stopped: instance hours are not billed".into(),
        }
    } else if reader {
        Lookup::NotBilled {
            unit: "Hrs",
            note: "Multi-AZ DB cluster reader: the cluster's price is on its writer".into(),
        }
    } else {
        let mut query = region_query()
            .filter("productFamily", "Database Instance")
            .filter("instanceType", facts.class.as_str())
            .filter("databaseEngine", row.database_engine);
        if row.family != EngineFamily::Aurora {
            query = query.filter("deploymentOption", deployment.deployment_option());
        }
        if let Some(edition) = row.edition {
            query = query.filter("databaseEdition", edition);
        }
        if let Some(license) = license {
            query = query.filter("licenseModel", license);
        }
        let mut selector = Selector::unit("Hrs");
        if row.family == EngineFamily::Aurora {
            let io_optimized = storage.is_some_and(|s| s.aurora_io_optimized);
            selector.usage_type = Some(instance_usage(
                deployment,
                row.family,
                io_optimized,
                &facts.class,
            ));
        }
        Lookup::Price {
            query,
            selector,
            quantity: Quantity::Hours,
        }
    };
    components.push(PlannedComponent::new(
        ComponentKind::InstanceHours,
        instance,
    ));

    match storage {
        Some(storage) if storage.volume_type.is_some() => {
            if !reader {
                let volume = Volume {
                    name: None,
                    storage,
                    allocated_gib: facts.allocated_gib,
                    iops: facts.iops,
                    throughput_mibps: facts.throughput_mibps,
                };
                components.extend(storage_components(&volume, row, deployment, region_query()));
            }
        }
        _ => components.push(PlannedComponent::new(
            ComponentKind::UsageBased,
            Lookup::Excluded {
                note: "Aurora cluster storage and I/O: usage-based, billed per cluster, not priced"
                    .into(),
            },
        )),
    }
    if !reader {
        for volume in &facts.additional_volumes {
            components.extend(additional_volume_components(
                volume,
                row,
                deployment,
                region_query(),
            ));
        }
    }

    if let Some(component) = extended_support(facts, row, now, stopped, region_query()) {
        components.push(component);
    }
    Ok(components)
}

/// One storage volume to price: the instance's own (`name` None) or an additional one.
struct Volume<'a> {
    name: Option<&'a str>,
    storage: &'static StorageRow,
    allocated_gib: i64,
    iops: Option<i64>,
    throughput_mibps: Option<i64>,
}

/// An additional volume is priced by the primary volume's rules, with its own gp3 baseline.
fn additional_volume_components(
    volume: &StorageVolume,
    row: &EngineRow,
    deployment: Deployment,
    region_query: PriceQuery,
) -> Vec<PlannedComponent> {
    let storage = match volume.storage_type.as_deref().map(|t| (t, storage_row(t))) {
        Some((_, Some(storage))) if storage.volume_type.is_some() => storage,
        Some((storage_type, _)) => {
            return vec![additional_missing(
                volume,
                format!("storage type {storage_type} is not in the price mapping"),
            )]
        }
        None => return vec![additional_missing(volume, "storage type unknown".into())],
    };
    let spec = Volume {
        name: Some(&volume.name),
        storage,
        allocated_gib: volume.allocated_gib,
        iops: volume.iops,
        throughput_mibps: volume.throughput_mibps,
    };
    storage_components(&spec, row, deployment, region_query)
}

fn additional_missing(volume: &StorageVolume, why: String) -> PlannedComponent {
    let kind = ComponentKind::AdditionalStorage;
    PlannedComponent {
        kind,
        lookup: Lookup::Missing {
            reason: format!("{}: {why}", label(kind, Some(&volume.name))),
        },
        volume: Some(volume.name.clone()),
    }
}

fn storage_components(
    volume: &Volume<'_>,
    row: &EngineRow,
    deployment: Deployment,
    region_query: PriceQuery,
) -> Vec<PlannedComponent> {
    let storage = volume.storage;
    let additional = volume.name.is_some();
    let infix = deployment.storage_usage_infix();
    let usage = |suffix: Option<&str>| Some(format!("RDS:{}{}", infix?, suffix?));
    let mut components = Vec::new();
    let mut push = |kind: ComponentKind, lookup: Lookup| {
        components.push(PlannedComponent {
            kind,
            lookup,
            volume: volume.name.map(str::to_string),
        })
    };
    let mut selector = Selector::unit("GB-Mo");
    selector.prefer_engine = Some(row.database_engine);
    selector.usage_type = usage(storage.storage_usage);
    push(
        if additional {
            ComponentKind::AdditionalStorage
        } else {
            ComponentKind::Storage
        },
        Lookup::Price {
            query: region_query
                .clone()
                .filter("productFamily", "Database Storage")
                .filter("deploymentOption", deployment.deployment_option())
                .filter("volumeType", storage.volume_type.unwrap_or_default()),
            selector,
            quantity: Quantity::Monthly(volume.allocated_gib as f64),
        },
    );
    if storage.storage_type == "standard" {
        push(
            ComponentKind::UsageBased,
            Lookup::Excluded {
                note: "magnetic storage I/O requests: usage-based, not priced".into(),
            },
        );
    }
    let (iops_baseline, throughput_baseline) = gp3_baseline(row.family, volume.allocated_gib);
    let billed_iops = match storage.iops {
        IopsBilling::Included => 0,
        IopsBilling::All => volume.iops.unwrap_or(0),
        IopsBilling::AboveBaseline => volume.iops.unwrap_or(0) - iops_baseline,
    };
    let billed_throughput = match storage.throughput_usage {
        Some(_) => volume.throughput_mibps.unwrap_or(0) - throughput_baseline,
        None => 0,
    };
    let (iops_kind, throughput_kind) = if additional {
        (
            ComponentKind::AdditionalIops,
            ComponentKind::AdditionalThroughput,
        )
    } else {
        (ComponentKind::Iops, ComponentKind::Throughput)
    };
    for (kind, billed, family, unit, suffix) in [
        (
            iops_kind,
            billed_iops,
            "Provisioned IOPS",
            "IOPS-Mo",
            storage.iops_usage,
        ),
        (
            throughput_kind,
            billed_throughput,
            "Provisioned Throughput",
            "MBPS-Mo",
            storage.throughput_usage,
        ),
    ] {
        if billed <= 0 {
            continue;
        }
        let lookup = match usage(suffix) {
            Some(usage_type) => {
                let mut selector = Selector::unit(unit);
                selector.prefer_engine = Some(row.database_engine);
                selector.usage_type = Some(usage_type);
                Lookup::Price {
                    query: region_query
                        .clone()
                        .filter("productFamily", family)
                        .filter("deploymentOption", deployment.deployment_option()),
                    selector,
                    quantity: Quantity::Monthly(billed as f64),
                }
            }
            None => Lookup::Missing {
                reason: format!(
                    "{}: the price list usage type for {} is not mapped",
                    label(kind, volume.name),
                    deployment.deployment_option()
                ),
            },
        };
        push(kind, lookup);
    }
    components
}

fn extended_support(
    facts: &InstanceFacts,
    row: &EngineRow,
    now: i64,
    stopped: bool,
    region_query: PriceQuery,
) -> Option<PlannedComponent> {
    let support = facts.support.as_ref()?;
    let year = support.year_at(now)?;
    let database_engine = row.extended_support?;
    let lookup = if stopped {
        Lookup::NotBilled {
            unit: "vCPU-hour",
            note: "stopped: Extended Support is not billed while stopped".into(),
        }
    } else {
        let year = match year {
            ExtendedSupportYear::Three if row.extended_support_year3 => ExtendedSupportYear::Three,
            _ => ExtendedSupportYear::OneAndTwo,
        };
        let (pricing_year, usage_part) = match year {
            ExtendedSupportYear::OneAndTwo => {
                (EXTENDED_SUPPORT_YEARS[0], "ExtendedSupport:Yr1-Yr2:")
            }
            ExtendedSupportYear::Three => (EXTENDED_SUPPORT_YEARS[1], "ExtendedSupport:Yr3:"),
        };
        let mut selector = Selector::unit("vCPU-hour");
        selector.usage_type_contains = Some(usage_part);
        Lookup::Price {
            query: region_query
                .filter("databaseEngine", database_engine)
                .filter("engineMajorVersion", support.major_version.as_str())
                .filter("extendedSupportPricingYear", pricing_year),
            selector,
            quantity: Quantity::VcpuHours,
        }
    };
    Some(PlannedComponent::new(
        ComponentKind::ExtendedSupport,
        lookup,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-06-01T00:00:00Z.
    const NOW: i64 = 1_780_272_000;

    fn postgres() -> InstanceFacts {
        crate::price::tests::postgres_gp3()
    }

    fn components(facts: &InstanceFacts) -> Vec<PlannedComponent> {
        match plan(facts, NOW) {
            PricePlan::Components(components) => components,
            PricePlan::Unpriced(reason) => panic!("unpriced: {reason}"),
        }
    }

    fn unpriced(facts: &InstanceFacts) -> String {
        match plan(facts, NOW) {
            PricePlan::Unpriced(reason) => reason,
            PricePlan::Components(c) => panic!("priced: {c:?}"),
        }
    }

    fn kinds(components: &[PlannedComponent]) -> Vec<ComponentKind> {
        components.iter().map(|c| c.kind).collect()
    }

    fn quantity(component: &PlannedComponent) -> Option<Quantity> {
        match &component.lookup {
            Lookup::Price { quantity, .. } => Some(*quantity),
            _ => None,
        }
    }

    fn filters(component: &PlannedComponent) -> Vec<(String, String)> {
        match &component.lookup {
            Lookup::Price { query, .. } => query
                .filters
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn filter(component: &PlannedComponent, name: &str) -> Option<String> {
        filters(component)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    #[test]
    fn gp3_at_the_baseline_is_storage_only() {
        let planned = components(&postgres());
        assert_eq!(
            kinds(&planned),
            [ComponentKind::InstanceHours, ComponentKind::Storage]
        );
        assert_eq!(
            filter(&planned[0], "databaseEngine").as_deref(),
            Some("PostgreSQL")
        );
        assert_eq!(filter(&planned[0], "licenseModel"), None);
        assert_eq!(
            filter(&planned[1], "volumeType").as_deref(),
            Some("General Purpose-GP3")
        );
        assert_eq!(quantity(&planned[1]), Some(Quantity::Monthly(100.0)));
    }

    #[test]
    fn gp3_above_the_baseline_bills_the_excess_iops_and_throughput() {
        let facts = InstanceFacts {
            multi_az: true,
            iops: Some(5000),
            throughput_mibps: Some(250),
            ..postgres()
        };
        let planned = components(&facts);
        assert_eq!(
            kinds(&planned),
            [
                ComponentKind::InstanceHours,
                ComponentKind::Storage,
                ComponentKind::Iops,
                ComponentKind::Throughput
            ]
        );
        assert_eq!(quantity(&planned[2]), Some(Quantity::Monthly(2000.0)));
        assert_eq!(quantity(&planned[3]), Some(Quantity::Monthly(125.0)));
        assert_eq!(
            filter(&planned[2], "deploymentOption").as_deref(),
            Some("Multi-AZ")
        );
        let Lookup::Price { selector, .. } = &planned[2].lookup else {
            panic!()
        };
        assert_eq!(
            selector.usage_type.as_deref(),
            Some("RDS:Multi-AZ-GP3-PIOPS")
        );
        // At 400 GiB the baseline is 12,000 IOPS and 500 MiB/s: nothing above it.
        let big = InstanceFacts {
            allocated_gib: 400,
            ..facts
        };
        assert_eq!(kinds(&components(&big)).len(), 2);
    }

    #[test]
    fn oracle_reaches_the_higher_baseline_at_200_gib() {
        let facts = InstanceFacts {
            engine: "oracle-se2".into(),
            license_model: Some("license-included".into()),
            allocated_gib: 200,
            iops: Some(12_000),
            throughput_mibps: Some(500),
            ..postgres()
        };
        let planned = components(&facts);
        assert_eq!(kinds(&planned).len(), 2);
        assert_eq!(
            filter(&planned[0], "databaseEdition").as_deref(),
            Some("Standard Two")
        );
        assert_eq!(
            filter(&planned[0], "licenseModel").as_deref(),
            Some("License included")
        );
    }

    #[test]
    fn io1_and_io2_bill_every_iops() {
        for (storage, usage) in [("io1", "RDS:PIOPS"), ("io2", "RDS:IO2-PIOPS")] {
            let facts = InstanceFacts {
                storage_type: Some(storage.into()),
                iops: Some(1000),
                ..postgres()
            };
            let planned = components(&facts);
            assert_eq!(kinds(&planned)[2], ComponentKind::Iops);
            assert_eq!(quantity(&planned[2]), Some(Quantity::Monthly(1000.0)));
            let Lookup::Price { selector, .. } = &planned[2].lookup else {
                panic!()
            };
            assert_eq!(selector.usage_type.as_deref(), Some(usage));
        }
    }

    #[test]
    fn aurora_prices_instance_hours_and_says_storage_is_not_priced() {
        let facts = InstanceFacts {
            engine: "aurora-postgresql".into(),
            class: "db.r6g.large".into(),
            cluster: ClusterMembership::Aurora,
            storage_type: Some("aurora-iopt1".into()),
            allocated_gib: 1,
            ..postgres()
        };
        let planned = components(&facts);
        assert_eq!(
            kinds(&planned),
            [ComponentKind::InstanceHours, ComponentKind::UsageBased]
        );
        assert_eq!(filter(&planned[0], "deploymentOption"), None);
        let Lookup::Price { selector, .. } = &planned[0].lookup else {
            panic!()
        };
        assert_eq!(
            selector.usage_type.as_deref(),
            Some("InstanceUsageIOOptimized:db.r6g.large")
        );
        assert!(matches!(planned[1].lookup, Lookup::Excluded { .. }));
    }

    #[test]
    fn stopped_instances_bill_storage_only() {
        let facts = InstanceFacts {
            status: "stopped".into(),
            ..postgres()
        };
        let planned = components(&facts);
        assert!(
            matches!(&planned[0].lookup, Lookup::NotBilled { note, .. } if note.starts_with("stopped"))
        );
        assert!(matches!(planned[1].lookup, Lookup::Price { .. }));
    }

    #[test]
    fn multi_az_cluster_writer_carries_the_price() {
        let writer = InstanceFacts {
            cluster: ClusterMembership::MultiAzCluster { writer: true },
            ..postgres()
        };
        let planned = components(&writer);
        assert_eq!(
            filter(&planned[0], "deploymentOption").as_deref(),
            Some("Multi-AZ (readable standbys)")
        );
        assert_eq!(
            filter(&planned[1], "deploymentOption").as_deref(),
            Some("Multi-AZ (readable standbys)")
        );
        let reader = InstanceFacts {
            cluster: ClusterMembership::MultiAzCluster { writer: false },
            ..postgres()
        };
        let planned = components(&reader);
        assert_eq!(kinds(&planned), [ComponentKind::InstanceHours]);
        assert!(matches!(planned[0].lookup, Lookup::NotBilled { .. }));
    }

    #[test]
    fn what_has_no_price_says_why() {
        let serverless = InstanceFacts {
            class: "db.serverless".into(),
            engine: "aurora-postgresql".into(),
            ..postgres()
        };
        assert!(unpriced(&serverless).contains("ACU-hour"));
        let custom = InstanceFacts {
            engine: "custom-oracle-ee".into(),
            ..postgres()
        };
        assert!(unpriced(&custom).starts_with("RDS Custom"));
        let outposts = InstanceFacts {
            on_outposts: true,
            ..postgres()
        };
        assert!(unpriced(&outposts).contains("Outposts"));
        let gov = InstanceFacts {
            region: "us-gov-west-1".into(),
            ..postgres()
        };
        assert!(unpriced(&gov).starts_with("GovCloud"));
        let unknown = InstanceFacts {
            engine: "cockroach".into(),
            ..postgres()
        };
        assert!(unpriced(&unknown).contains("not in the price mapping"));
        let media = InstanceFacts {
            engine: "sqlserver-se".into(),
            license_model: Some("bring-your-own-media".into()),
            ..postgres()
        };
        assert!(unpriced(&media).contains("bring-your-own-media"));
    }

    #[test]
    fn china_is_priced_in_cn_northwest_1() {
        let facts = InstanceFacts {
            region: "cn-north-1".into(),
            ..postgres()
        };
        let planned = components(&facts);
        let Lookup::Price { query, .. } = &planned[0].lookup else {
            panic!()
        };
        assert_eq!(query.pricing_region, "cn-northwest-1");
        assert_eq!(
            filter(&planned[0], "regionCode").as_deref(),
            Some("cn-north-1")
        );
    }

    fn support(major: &str, standard_end: i64) -> EngineSupport {
        EngineSupport {
            major_version: major.into(),
            standard_end: Some(standard_end),
            enrolled: true,
        }
    }

    #[test]
    fn extended_support_years_follow_the_end_of_standard_support() {
        // Standard support ended 2026-02-28T00:00:00Z.
        let end = days_from_civil(2026, 2, 28) * 86_400;
        let s = support("11", end);
        assert_eq!(s.year_at(end - 1), None);
        assert_eq!(s.year_at(end), Some(ExtendedSupportYear::OneAndTwo));
        assert_eq!(
            s.year_at(days_from_civil(2028, 2, 27) * 86_400),
            Some(ExtendedSupportYear::OneAndTwo)
        );
        assert_eq!(
            s.year_at(days_from_civil(2028, 2, 28) * 86_400),
            Some(ExtendedSupportYear::Three)
        );
        assert_eq!(
            EngineSupport {
                enrolled: false,
                ..s.clone()
            }
            .year_at(end),
            None
        );
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(
            add_years(days_from_civil(2024, 2, 29) * 86_400, 1),
            days_from_civil(2025, 3, 1) * 86_400
        );
    }

    #[test]
    fn extended_support_is_priced_per_vcpu_hour_by_year() {
        let facts = InstanceFacts {
            engine_version: "11.22".into(),
            support: Some(support("11", NOW - 86_400)),
            ..postgres()
        };
        let planned = components(&facts);
        let es = planned.last().expect("components");
        assert_eq!(es.kind, ComponentKind::ExtendedSupport);
        assert_eq!(quantity(es), Some(Quantity::VcpuHours));
        assert_eq!(
            filter(es, "extendedSupportPricingYear").as_deref(),
            Some("Year 1, Year 2")
        );
        assert_eq!(filter(es, "engineMajorVersion").as_deref(), Some("11"));
        // Aurora MySQL has no Year 3 tier: Year 1 prices throughout.
        let aurora_mysql = InstanceFacts {
            engine: "aurora-mysql".into(),
            cluster: ClusterMembership::Aurora,
            storage_type: Some("aurora".into()),
            support: Some(support("5.7", NOW - 3 * 365 * 86_400)),
            ..postgres()
        };
        let es = components(&aurora_mysql).pop().expect("components");
        assert_eq!(
            filter(&es, "extendedSupportPricingYear").as_deref(),
            Some("Year 1, Year 2")
        );
        assert_eq!(
            filter(&es, "databaseEngine").as_deref(),
            Some("Aurora MySQL")
        );
        let year3 = InstanceFacts {
            support: Some(support("11", NOW - 3 * 365 * 86_400)),
            ..facts.clone()
        };
        let es = components(&year3).pop().expect("components");
        assert_eq!(
            filter(&es, "extendedSupportPricingYear").as_deref(),
            Some("Year 3")
        );
        // MariaDB has no RDS Extended Support.
        let mariadb = InstanceFacts {
            engine: "mariadb".into(),
            ..facts
        };
        assert!(!kinds(&components(&mariadb)).contains(&ComponentKind::ExtendedSupport));
    }
}
