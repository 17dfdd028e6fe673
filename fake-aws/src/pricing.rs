//! The AmazonRDS price list the fake serves through GetProducts: a small fixed catalog in the
//! real document shape (`product.attributes`, `terms.OnDemand.<sku>.<term>.priceDimensions.
//! <rate>.pricePerUnit`), with decoys that catch a sloppy match: RDS Custom and Outposts twins,
//! a bring-your-own-license twin, Reserved terms, engine-tagged storage rows and, with the
//! default page size, listings that span several pages. Prices are made up.
//!
//! With `price_list_any` the catalog is replaced by documents made up for each query
//! (`synthesized`), so any region, class and engine has a price: organization-scale runs.

use serde_json::{json, Map, Value};

/// The OnDemand offer term code every on-demand term uses.
const ON_DEMAND_TERM: &str = "JRTCKXETXF";
/// A Reserved offer term code (1 year, no upfront), for the decoy terms.
const RESERVED_TERM: &str = "HU7G6KETJZ";
const RATE_CODE: &str = "6YS6EN2CT7";

/// One SKU of the catalog, or one made up for a query.
struct Row<'a> {
    sku: &'a str,
    family: &'a str,
    /// Attributes besides servicecode, regionCode, location and locationType.
    attributes: &'a [(&'a str, &'a str)],
    region: &'a str,
    unit: &'a str,
    price: &'a str,
    currency: &'a str,
    /// `AWS Outposts` for the Outposts decoys.
    location_type: &'a str,
    /// Adds a Reserved term with a lower price (instance SKUs).
    reserved: bool,
}

const fn row(
    sku: &'static str,
    family: &'static str,
    attributes: &'static [(&'static str, &'static str)],
    unit: &'static str,
    price: &'static str,
) -> Row<'static> {
    Row {
        sku,
        family,
        attributes,
        region: "us-east-1",
        unit,
        price,
        currency: "USD",
        location_type: "AWS Region",
        reserved: false,
    }
}

const fn instance(
    sku: &'static str,
    attributes: &'static [(&'static str, &'static str)],
    price: &'static str,
) -> Row<'static> {
    Row {
        reserved: true,
        ..row(sku, "Database Instance", attributes, "Hrs", price)
    }
}

const fn outposts(row: Row<'static>) -> Row<'static> {
    Row {
        location_type: "AWS Outposts",
        ..row
    }
}

const fn in_region(
    row: Row<'static>,
    region: &'static str,
    currency: &'static str,
) -> Row<'static> {
    Row {
        region,
        currency,
        ..row
    }
}

const PG_M5_LARGE: &[(&str, &str)] = &[
    ("instanceType", "db.m5.large"),
    ("vcpu", "2"),
    ("databaseEngine", "PostgreSQL"),
    ("licenseModel", "No license required"),
    ("deploymentOption", "Single-AZ"),
    ("usagetype", "InstanceUsage:db.m5.large"),
    ("operation", "CreateDBInstance:0014"),
    ("engineCode", "14"),
];
const PG_M5_LARGE_CUSTOM: &[(&str, &str)] = &[
    ("instanceType", "db.m5.large"),
    ("vcpu", "2"),
    ("databaseEngine", "PostgreSQL"),
    ("licenseModel", "No license required"),
    ("deploymentOption", "Single-AZ"),
    ("deploymentModel", "Custom"),
    ("usagetype", "InstanceUsage:db.m5.large"),
];
const PG_M5_LARGE_MULTI_AZ: &[(&str, &str)] = &[
    ("instanceType", "db.m5.large"),
    ("vcpu", "2"),
    ("databaseEngine", "PostgreSQL"),
    ("licenseModel", "No license required"),
    ("deploymentOption", "Multi-AZ"),
    ("usagetype", "Multi-AZUsage:db.m5.large"),
];
const PG_M5_LARGE_EU: &[(&str, &str)] = &[
    ("instanceType", "db.m5.large"),
    ("vcpu", "2"),
    ("databaseEngine", "PostgreSQL"),
    ("licenseModel", "No license required"),
    ("deploymentOption", "Single-AZ"),
    ("usagetype", "EU-InstanceUsage:db.m5.large"),
];
const PG_M5_LARGE_CN: &[(&str, &str)] = &[
    ("instanceType", "db.m5.large"),
    ("vcpu", "2"),
    ("databaseEngine", "PostgreSQL"),
    ("licenseModel", "No license required"),
    ("deploymentOption", "Single-AZ"),
    ("usagetype", "CNN1-InstanceUsage:db.m5.large"),
];
const MYSQL_R5_LARGE_MULTI_AZ: &[(&str, &str)] = &[
    ("instanceType", "db.r5.large"),
    ("vcpu", "2"),
    ("databaseEngine", "MySQL"),
    ("licenseModel", "No license required"),
    ("deploymentOption", "Multi-AZ"),
    ("usagetype", "Multi-AZUsage:db.r5.large"),
];
const MYSQL_R5_LARGE: &[(&str, &str)] = &[
    ("instanceType", "db.r5.large"),
    ("vcpu", "2"),
    ("databaseEngine", "MySQL"),
    ("licenseModel", "No license required"),
    ("deploymentOption", "Single-AZ"),
    ("usagetype", "InstanceUsage:db.r5.large"),
];
const ORACLE_SE2_LI: &[(&str, &str)] = &[
    ("instanceType", "db.m5.large"),
    ("vcpu", "2"),
    ("databaseEngine", "Oracle"),
    ("databaseEdition", "Standard Two"),
    ("licenseModel", "License included"),
    ("deploymentOption", "Single-AZ"),
    ("usagetype", "InstanceUsage:db.m5.large"),
];
const ORACLE_SE2_BYOL: &[(&str, &str)] = &[
    ("instanceType", "db.m5.large"),
    ("vcpu", "2"),
    ("databaseEngine", "Oracle"),
    ("databaseEdition", "Standard Two"),
    ("licenseModel", "Bring your own license"),
    ("deploymentOption", "Single-AZ"),
    ("usagetype", "InstanceUsage:db.m5.large"),
];
const ORACLE_EE_BYOL: &[(&str, &str)] = &[
    ("instanceType", "db.r5.large"),
    ("vcpu", "2"),
    ("databaseEngine", "Oracle"),
    ("databaseEdition", "Enterprise"),
    ("licenseModel", "Bring your own license"),
    ("deploymentOption", "Single-AZ"),
    ("usagetype", "InstanceUsage:db.r5.large"),
];
const ORACLE_EE_BYOL_CUSTOM: &[(&str, &str)] = &[
    ("instanceType", "db.r5.large"),
    ("vcpu", "2"),
    ("databaseEngine", "Oracle"),
    ("databaseEdition", "Enterprise"),
    ("licenseModel", "Bring your own license"),
    ("deploymentOption", "Single-AZ"),
    ("deploymentModel", "Custom"),
    ("usagetype", "CustomInstanceUsage:db.r5.large"),
];
const SQLSERVER_SE_LI: &[(&str, &str)] = &[
    ("instanceType", "db.m5.xlarge"),
    ("vcpu", "4"),
    ("databaseEngine", "SQL Server"),
    ("databaseEdition", "Standard"),
    ("licenseModel", "License included"),
    ("deploymentOption", "Single-AZ"),
    ("usagetype", "InstanceUsage:db.m5.xlarge"),
];
const AURORA_PG_R6G: &[(&str, &str)] = &[
    ("instanceType", "db.r6g.large"),
    ("vcpu", "2"),
    ("databaseEngine", "Aurora PostgreSQL"),
    ("deploymentOption", "Single-AZ"),
    ("usagetype", "InstanceUsage:db.r6g.large"),
];
const AURORA_PG_R6G_IO: &[(&str, &str)] = &[
    ("instanceType", "db.r6g.large"),
    ("vcpu", "2"),
    ("databaseEngine", "Aurora PostgreSQL"),
    ("deploymentOption", "Single-AZ"),
    ("storage", "Aurora IO Optimization Mode"),
    ("usagetype", "InstanceUsageIOOptimized:db.r6g.large"),
];

/// A storage SKU: (sku, databaseEngine, volumeType, deploymentOption, usagetype, price).
macro_rules! storage {
    ($sku:literal, $engine:literal, $volume:literal, $deployment:literal, $usage:literal, $price:literal) => {
        row(
            $sku,
            "Database Storage",
            &[
                ("databaseEngine", $engine),
                ("volumeType", $volume),
                ("deploymentOption", $deployment),
                ("usagetype", $usage),
            ],
            "GB-Mo",
            $price,
        )
    };
}

macro_rules! iops_attributes {
    ($deployment:literal, $usage:literal) => {
        &[
            ("databaseEngine", "Any"),
            ("deploymentOption", $deployment),
            ("group", "RDS-PIOPS"),
            ("usagetype", $usage),
        ]
    };
}

/// The whole catalog. Storage rows carry one row per engine (same price), as the price list
/// tags storage per engine.
const CATALOG: &[Row<'static>] = &[
    instance("PGM5LSAZ00000001", PG_M5_LARGE, "0.1780000000"),
    instance("PGM5LCUSTOM00001", PG_M5_LARGE_CUSTOM, "0.7120000000"),
    outposts(instance("PGM5LOUTPOST0001", PG_M5_LARGE, "0.2500000000")),
    instance("PGM5LMAZ00000001", PG_M5_LARGE_MULTI_AZ, "0.3560000000"),
    in_region(
        instance("PGM5LEU000000001", PG_M5_LARGE_EU, "0.1910000000"),
        "eu-west-1",
        "USD",
    ),
    in_region(
        instance("PGM5LCN000000001", PG_M5_LARGE_CN, "1.6500000000"),
        "cn-north-1",
        "CNY",
    ),
    instance("MYR5LMAZ00000001", MYSQL_R5_LARGE_MULTI_AZ, "0.4800000000"),
    instance("MYR5LSAZ00000001", MYSQL_R5_LARGE, "0.2400000000"),
    instance("ORSE2LI000000001", ORACLE_SE2_LI, "0.5440000000"),
    instance("ORSE2BYOL0000001", ORACLE_SE2_BYOL, "0.1780000000"),
    instance("OREEBYOL00000001", ORACLE_EE_BYOL, "0.2500000000"),
    instance("OREECUSTOM000001", ORACLE_EE_BYOL_CUSTOM, "0.3500000000"),
    instance("SQLSEM5XL0000001", SQLSERVER_SE_LI, "1.0200000000"),
    instance("AUPGR6GL00000001", AURORA_PG_R6G, "0.2600000000"),
    instance("AUPGR6GLIO000001", AURORA_PG_R6G_IO, "0.3380000000"),
    // gp3, Single-AZ, per engine and Any; an Outposts twin.
    storage!(
        "GP3SAZPG00000001",
        "PostgreSQL",
        "General Purpose-GP3",
        "Single-AZ",
        "RDS:GP3-Storage",
        "0.1150000000"
    ),
    storage!(
        "GP3SAZMY00000001",
        "MySQL",
        "General Purpose-GP3",
        "Single-AZ",
        "RDS:GP3-Storage",
        "0.1150000000"
    ),
    storage!(
        "GP3SAZOR00000001",
        "Oracle",
        "General Purpose-GP3",
        "Single-AZ",
        "RDS:GP3-Storage",
        "0.1150000000"
    ),
    storage!(
        "GP3SAZANY0000001",
        "Any",
        "General Purpose-GP3",
        "Single-AZ",
        "RDS:GP3-Storage",
        "0.1150000000"
    ),
    outposts(storage!(
        "GP3SAZOUTPOST001",
        "Any",
        "General Purpose-GP3",
        "Single-AZ",
        "RDS:GP3-Storage",
        "0.2000000000"
    )),
    in_region(
        storage!(
            "GP3SAZEU00000001",
            "Any",
            "General Purpose-GP3",
            "Single-AZ",
            "EU-RDS:GP3-Storage",
            "0.1270000000"
        ),
        "eu-west-1",
        "USD",
    ),
    in_region(
        storage!(
            "GP3SAZCN00000001",
            "Any",
            "General Purpose-GP3",
            "Single-AZ",
            "CNN1-RDS:GP3-Storage",
            "0.9000000000"
        ),
        "cn-north-1",
        "CNY",
    ),
    // gp3, Multi-AZ and Multi-AZ DB cluster.
    storage!(
        "GP3MAZMY00000001",
        "MySQL",
        "General Purpose-GP3",
        "Multi-AZ",
        "RDS:Multi-AZ-GP3-Storage",
        "0.2300000000"
    ),
    storage!(
        "GP3MAZANY0000001",
        "Any",
        "General Purpose-GP3",
        "Multi-AZ",
        "RDS:Multi-AZ-GP3-Storage",
        "0.2300000000"
    ),
    storage!(
        "GP3MAZCL00000001",
        "Any",
        "General Purpose-GP3",
        "Multi-AZ (readable standbys)",
        "RDS:Multi-AZCluster-GP3-Storage",
        "0.3450000000"
    ),
    // gp2 and io1, Single-AZ.
    storage!(
        "GP2SAZSQL0000001",
        "SQL Server",
        "General Purpose",
        "Single-AZ",
        "RDS:GP2-Storage",
        "0.1150000000"
    ),
    storage!(
        "GP2SAZANY0000001",
        "Any",
        "General Purpose",
        "Single-AZ",
        "RDS:GP2-Storage",
        "0.1150000000"
    ),
    storage!(
        "IO1SAZOR00000001",
        "Oracle",
        "Provisioned IOPS",
        "Single-AZ",
        "RDS:PIOPS-Storage",
        "0.1250000000"
    ),
    storage!(
        "IO1SAZANY0000001",
        "Any",
        "Provisioned IOPS",
        "Single-AZ",
        "RDS:PIOPS-Storage",
        "0.1250000000"
    ),
    // Provisioned IOPS: gp3 above the baseline and io1, by deployment.
    row(
        "PIOPSGP3SAZ00001",
        "Provisioned IOPS",
        iops_attributes!("Single-AZ", "RDS:GP3-PIOPS"),
        "IOPS-Mo",
        "0.0200000000",
    ),
    row(
        "PIOPSGP3MAZ00001",
        "Provisioned IOPS",
        iops_attributes!("Multi-AZ", "RDS:Multi-AZ-GP3-PIOPS"),
        "IOPS-Mo",
        "0.0400000000",
    ),
    row(
        "PIOPSIO1SAZ00001",
        "Provisioned IOPS",
        iops_attributes!("Single-AZ", "RDS:PIOPS"),
        "IOPS-Mo",
        "0.1000000000",
    ),
    row(
        "PIOPSIO1MAZ00001",
        "Provisioned IOPS",
        iops_attributes!("Multi-AZ", "RDS:Multi-AZ-PIOPS"),
        "IOPS-Mo",
        "0.2000000000",
    ),
    // gp3 throughput above the baseline.
    row(
        "THRGP3SAZ0000001",
        "Provisioned Throughput",
        &[
            ("databaseEngine", "Any"),
            ("deploymentOption", "Single-AZ"),
            ("group", "RDS-Throughput"),
            ("usagetype", "RDS:GP3-Throughput"),
        ],
        "MBPS-Mo",
        "0.0800000000",
    ),
    row(
        "THRGP3MAZ0000001",
        "Provisioned Throughput",
        &[
            ("databaseEngine", "Any"),
            ("deploymentOption", "Multi-AZ"),
            ("group", "RDS-Throughput"),
            ("usagetype", "RDS:Multi-AZ-GP3-Throughput"),
        ],
        "MBPS-Mo",
        "0.1600000000",
    ),
    // RDS Extended Support, PostgreSQL 11: years 1-2 and year 3.
    row(
        "ESPG11Y12000001",
        "Extended Support",
        &[
            ("databaseEngine", "PostgreSQL"),
            ("engineMajorVersion", "11"),
            ("extendedSupportPricingYear", "Year 1, Year 2"),
            ("usagetype", "ExtendedSupport:Yr1-Yr2:PostgreSQL11"),
        ],
        "vCPU-hour",
        "0.1000000000",
    ),
    row(
        "ESPG11Y3000001",
        "Extended Support",
        &[
            ("databaseEngine", "PostgreSQL"),
            ("engineMajorVersion", "11"),
            ("extendedSupportPricingYear", "Year 3"),
            ("usagetype", "ExtendedSupport:Yr3:PostgreSQL11"),
        ],
        "vCPU-hour",
        "0.2000000000",
    ),
];

fn location(region: &str) -> &'static str {
    match region {
        "us-east-1" => "US East (N. Virginia)",
        "eu-west-1" => "EU (Ireland)",
        "cn-north-1" => "China (Beijing)",
        _ => "Unknown",
    }
}

fn document(row: &Row) -> Value {
    let mut attributes = Map::new();
    attributes.insert("servicecode".into(), json!("AmazonRDS"));
    attributes.insert("regionCode".into(), json!(row.region));
    attributes.insert("location".into(), json!(location(row.region)));
    attributes.insert("locationType".into(), json!(row.location_type));
    for (name, value) in row.attributes {
        attributes.insert((*name).into(), json!(value));
    }
    let sku = row.sku;
    let term = |code: &str, unit: &str, price: &str, extra: Value| {
        json!({
            format!("{sku}.{code}"): {
                "offerTermCode": code,
                "sku": sku,
                "effectiveDate": "2026-01-01T00:00:00Z",
                "priceDimensions": {
                    format!("{sku}.{code}.{RATE_CODE}"): {
                        "rateCode": format!("{sku}.{code}.{RATE_CODE}"),
                        "description": format!("{price} {} per {unit}", row.currency),
                        "unit": unit,
                        "beginRange": "0",
                        "endRange": "Inf",
                        "appliesTo": [],
                        "pricePerUnit": { row.currency: price },
                    }
                },
                "termAttributes": extra,
            }
        })
    };
    let mut terms = Map::new();
    terms.insert(
        "OnDemand".into(),
        term(ON_DEMAND_TERM, row.unit, row.price, json!({})),
    );
    if row.reserved {
        terms.insert(
            "Reserved".into(),
            term(
                RESERVED_TERM,
                row.unit,
                "0.0500000000",
                json!({"LeaseContractLength": "1yr", "OfferingClass": "standard", "PurchaseOption": "No Upfront"}),
            ),
        );
    }
    json!({
        "serviceCode": "AmazonRDS",
        "product": {
            "productFamily": row.family,
            "attributes": attributes,
            "sku": sku,
        },
        "terms": terms,
        "version": "20260101000000",
        "publicationDate": "2026-01-01T00:00:00Z",
    })
}

/// Every document of the catalog, in catalog order.
pub(crate) fn price_list() -> Vec<Value> {
    CATALOG.iter().map(document).collect()
}

/// FNV-1a of a text: stable across runs and platforms (made-up SKUs and prices, tokens).
pub(crate) fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// vCPUs of a DB instance class by its size (`large` 2, `xlarge` 4, `Nxlarge` 4N).
fn vcpus(class: &str) -> u32 {
    match class.rsplit('.').next().unwrap_or("") {
        "xlarge" => 4,
        size => size
            .strip_suffix("xlarge")
            .and_then(|n| n.parse::<u32>().ok())
            .map_or(2, |n| 4 * n),
    }
}

/// The documents a listing of `filters` (TERM_MATCH field, value) holds with `price_list_any`:
/// one SKU per usage type the tool may select among (Aurora's standard and I/O-Optimized
/// instance hours; gp3, io1 and io2 IOPS), each carrying every filter as an attribute, the
/// unit of its family and a made-up price derived from the filters. A query of no known
/// family matches nothing.
pub(crate) fn synthesized(filters: &[(&str, &str)]) -> Vec<Value> {
    let get = |name: &str| filters.iter().find(|(f, _)| *f == name).map(|(_, v)| *v);
    let deployment = get("deploymentOption").unwrap_or("");
    let storage_infix = match deployment {
        "Multi-AZ" => "Multi-AZ-",
        "Multi-AZ (readable standbys)" => "Multi-AZCluster-",
        _ => "",
    };
    let rds = |suffixes: &[&str]| -> Vec<String> {
        suffixes
            .iter()
            .map(|suffix| format!("RDS:{storage_infix}{suffix}"))
            .collect()
    };
    let class = get("instanceType").unwrap_or("");
    let (family, unit, usage_types) = match get("productFamily") {
        Some("Database Instance")
            if get("databaseEngine").is_some_and(|e| e.starts_with("Aurora")) =>
        {
            (
                "Database Instance",
                "Hrs",
                vec![
                    format!("InstanceUsage:{class}"),
                    format!("InstanceUsageIOOptimized:{class}"),
                ],
            )
        }
        Some("Database Instance") => {
            let usage = match deployment {
                "Multi-AZ" => "Multi-AZUsage",
                "Multi-AZ (readable standbys)" => "Multi-AZClusterUsage",
                _ => "InstanceUsage",
            };
            ("Database Instance", "Hrs", vec![format!("{usage}:{class}")])
        }
        Some("Database Storage") => {
            let suffix = match get("volumeType").unwrap_or("") {
                "General Purpose" => "GP2-Storage",
                "General Purpose-GP3" => "GP3-Storage",
                "Provisioned IOPS" => "PIOPS-Storage",
                "Provisioned IOPS-IO2" => "IO2-Storage",
                _ => "StorageUsage",
            };
            ("Database Storage", "GB-Mo", rds(&[suffix]))
        }
        Some("Provisioned IOPS") => (
            "Provisioned IOPS",
            "IOPS-Mo",
            rds(&["GP3-PIOPS", "PIOPS", "IO2-PIOPS"]),
        ),
        Some("Provisioned Throughput") => (
            "Provisioned Throughput",
            "MBPS-Mo",
            rds(&["GP3-Throughput"]),
        ),
        None if get("extendedSupportPricingYear").is_some() => {
            let year = match get("extendedSupportPricingYear") {
                Some("Year 3") => "Yr3",
                _ => "Yr1-Yr2",
            };
            let engine: String = get("databaseEngine")
                .unwrap_or("")
                .split_whitespace()
                .collect();
            let version = get("engineMajorVersion").unwrap_or("");
            (
                "Extended Support",
                "vCPU-hour",
                vec![format!("ExtendedSupport:{year}:{engine}{version}")],
            )
        }
        _ => return Vec::new(),
    };
    let region = get("regionCode").unwrap_or("us-east-1");
    let currency = if region.starts_with("cn-") {
        "CNY"
    } else {
        "USD"
    };
    let vcpu = vcpus(class).to_string();
    usage_types
        .iter()
        .map(|usage_type| {
            let mut attributes: Vec<(&str, &str)> = filters
                .iter()
                .filter(|(field, _)| !matches!(*field, "ServiceCode" | "productFamily" | "sku"))
                .copied()
                .collect();
            attributes.push(("usagetype", usage_type));
            if get("databaseEngine").is_none() {
                attributes.push(("databaseEngine", "Any"));
            }
            if family == "Database Instance" {
                attributes.push(("vcpu", &vcpu));
            }
            let mut key: Vec<String> = filters.iter().map(|(f, v)| format!("{f}={v}")).collect();
            key.sort();
            key.push(usage_type.clone());
            let hash = fnv(&key.join(","));
            let sku = format!("ANY{:013X}", hash >> 12);
            let price = format!("{:.10}", 0.01 + (hash % 1_000_000) as f64 / 1_000_000.0);
            document(&Row {
                sku: &sku,
                family,
                attributes: &attributes,
                region,
                unit,
                price: &price,
                currency,
                location_type: "AWS Region",
                reserved: family == "Database Instance",
            })
        })
        .collect()
}

/// Whether a document matches one TERM_MATCH filter: `ServiceCode` and `productFamily` are
/// read from their own places, everything else from `product.attributes`; values are exact.
pub(crate) fn term_match(document: &Value, field: &str, value: &str) -> bool {
    let found = match field {
        "ServiceCode" => document.get("serviceCode"),
        "productFamily" => document.pointer("/product/productFamily"),
        "sku" => document.pointer("/product/sku"),
        attribute => document
            .pointer("/product/attributes")
            .and_then(|a| a.get(attribute)),
    };
    found.and_then(Value::as_str) == Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skus_are_unique_and_documents_have_the_real_shape() {
        let list = price_list();
        let mut skus: Vec<&str> = CATALOG.iter().map(|row| row.sku).collect();
        skus.sort_unstable();
        skus.dedup();
        assert_eq!(skus.len(), CATALOG.len());
        for document in &list {
            let sku = document
                .pointer("/product/sku")
                .and_then(Value::as_str)
                .expect("sku");
            let price = document
                .pointer(&format!("/terms/OnDemand/{sku}.{ON_DEMAND_TERM}/priceDimensions/{sku}.{ON_DEMAND_TERM}.{RATE_CODE}/pricePerUnit"))
                .and_then(Value::as_object)
                .expect("on-demand price");
            assert_eq!(price.len(), 1);
            assert!(term_match(document, "ServiceCode", "AmazonRDS"));
        }
    }

    fn on_demand(document: &Value) -> (&str, &str, &str) {
        let sku = document.pointer("/product/sku").and_then(Value::as_str);
        let sku = sku.expect("sku");
        let dimension = document
            .pointer(&format!(
                "/terms/OnDemand/{sku}.{ON_DEMAND_TERM}/priceDimensions/{sku}.{ON_DEMAND_TERM}.{RATE_CODE}"
            ))
            .expect("on-demand dimension");
        let text = |pointer: &str| dimension.pointer(pointer).and_then(Value::as_str);
        let usage = document.pointer("/product/attributes/usagetype");
        (
            text("/unit").expect("unit"),
            text("/pricePerUnit/USD").expect("a USD price"),
            usage.and_then(Value::as_str).expect("usagetype"),
        )
    }

    /// A query's filters, the unit its documents carry and their usage types, in order.
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a [&'a str]);

    #[test]
    fn synthesized_documents_match_their_query_with_the_unit_and_usage_types_asked_for() {
        let instance = [
            ("regionCode", "ap-northeast-3"),
            ("productFamily", "Database Instance"),
            ("instanceType", "db.r6g.2xlarge"),
            ("databaseEngine", "MySQL"),
            ("deploymentOption", "Multi-AZ"),
        ];
        let aurora = [
            ("regionCode", "sa-east-1"),
            ("productFamily", "Database Instance"),
            ("instanceType", "db.r6g.large"),
            ("databaseEngine", "Aurora PostgreSQL"),
        ];
        let iops = [
            ("regionCode", "eu-west-2"),
            ("productFamily", "Provisioned IOPS"),
            ("deploymentOption", "Single-AZ"),
        ];
        let support = [
            ("regionCode", "eu-west-2"),
            ("databaseEngine", "PostgreSQL"),
            ("engineMajorVersion", "11"),
            ("extendedSupportPricingYear", "Year 3"),
        ];
        let cases: [Case; 4] = [
            (&instance, "Hrs", &["Multi-AZUsage:db.r6g.2xlarge"]),
            (
                &aurora,
                "Hrs",
                &[
                    "InstanceUsage:db.r6g.large",
                    "InstanceUsageIOOptimized:db.r6g.large",
                ],
            ),
            (
                &iops,
                "IOPS-Mo",
                &["RDS:GP3-PIOPS", "RDS:PIOPS", "RDS:IO2-PIOPS"],
            ),
            (&support, "vCPU-hour", &["ExtendedSupport:Yr3:PostgreSQL11"]),
        ];
        for (filters, unit, usage_types) in cases {
            let documents = synthesized(filters);
            let found: Vec<_> = documents.iter().map(on_demand).collect();
            assert_eq!(
                found.iter().map(|f| f.2).collect::<Vec<_>>(),
                usage_types,
                "{filters:?}"
            );
            for (document, (found_unit, price, _)) in documents.iter().zip(&found) {
                assert!(filters.iter().all(|(f, v)| term_match(document, f, v)));
                assert_eq!(*found_unit, unit);
                assert!(price.parse::<f64>().expect("a number") > 0.0);
            }
            assert_eq!(documents, synthesized(filters), "deterministic");
        }
        assert_eq!(
            synthesized(&instance)[0].pointer("/product/attributes/vcpu"),
            Some(&json!("8"))
        );
        assert!(synthesized(&[("regionCode", "us-east-1")]).is_empty());
    }
}
