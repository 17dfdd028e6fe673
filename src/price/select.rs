//! Price list documents (GetProducts `PriceList` items) and choosing one on-demand price from
//! them: exact attributes, the OnDemand term, the expected unit, no Custom or Outposts SKU,
//! and never "the first" of several distinct prices.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// One listing: the TERM_MATCH filters of one GetProducts call (besides ServiceCode), sent to
/// one pricing region. Equal queries share one listing per run.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PriceQuery {
    /// The region the Price List API is called in (us-east-1, cn-northwest-1).
    pub pricing_region: &'static str,
    /// Attribute name → exact value, sorted so equal sets are equal keys.
    pub filters: BTreeMap<&'static str, String>,
}

impl PriceQuery {
    pub fn new(pricing_region: &'static str) -> PriceQuery {
        PriceQuery {
            pricing_region,
            filters: BTreeMap::new(),
        }
    }

    pub fn filter(mut self, field: &'static str, value: impl Into<String>) -> PriceQuery {
        self.filters.insert(field, value.into());
        self
    }
}

impl fmt::Display for PriceQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let filters: Vec<String> = self
            .filters
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        write!(f, "{} in {}", filters.join(", "), self.pricing_region)
    }
}

/// What a component needs of a SKU beyond the query's filters, checked on our side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// The `unit` of the on-demand price dimension (`Hrs`, `GB-Mo`, `IOPS-Mo`, ...).
    pub unit: &'static str,
    /// The usage type without its region prefix: equal, or ending in `-` + this.
    pub usage_type: Option<String>,
    /// A part the usage type must contain (Extended Support, whose version token varies).
    pub usage_type_contains: Option<&'static str>,
    /// Prefer SKUs of this `databaseEngine`, then of `Any` (storage SKUs are listed per engine
    /// and as `Any`, with the same price).
    pub prefer_engine: Option<&'static str>,
}

impl Selector {
    pub fn unit(unit: &'static str) -> Selector {
        Selector {
            unit,
            usage_type: None,
            usage_type_contains: None,
            prefer_engine: None,
        }
    }
}

/// One on-demand price dimension of a SKU.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    pub unit: String,
    /// The `pricePerUnit` key: USD, CNY.
    pub currency: String,
    /// As the price list writes it, so anyone can compare.
    pub price_text: String,
    pub price: f64,
}

/// One GetProducts document, reduced to what selection reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub sku: String,
    pub product_family: Option<String>,
    pub attributes: BTreeMap<String, String>,
    /// Every price dimension of every OnDemand term (the Reserved terms are not read).
    pub on_demand: Vec<Rate>,
}

impl Product {
    /// Parses one `PriceList` item; the error says what is wrong and where.
    pub fn parse(document: &str) -> Result<Product, String> {
        let value: Value = serde_json::from_str(document).map_err(|e| format!("not JSON: {e}"))?;
        let product = value.get("product").ok_or("no \"product\"")?;
        let sku = product
            .get("sku")
            .and_then(Value::as_str)
            .ok_or("no \"product.sku\"")?
            .to_string();
        let attributes = match product.get("attributes") {
            Some(Value::Object(map)) => map
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect(),
            _ => return Err(format!("SKU {sku}: no \"product.attributes\" object")),
        };
        let product_family = product
            .get("productFamily")
            .and_then(Value::as_str)
            .map(str::to_string);
        let mut on_demand = Vec::new();
        let terms = value.pointer("/terms/OnDemand").and_then(Value::as_object);
        for (term_code, term) in terms.into_iter().flatten() {
            let dimensions = term
                .get("priceDimensions")
                .and_then(Value::as_object)
                .ok_or_else(|| format!("SKU {sku}: term {term_code} has no priceDimensions"))?;
            for (rate_code, dimension) in dimensions {
                on_demand.push(
                    parse_rate(dimension)
                        .map_err(|e| format!("SKU {sku}: rate {rate_code}: {e}"))?,
                );
            }
        }
        Ok(Product {
            sku,
            product_family,
            attributes,
            on_demand,
        })
    }

    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }

    /// An RDS Custom or Outposts SKU, which never prices a regular instance.
    fn is_special(&self) -> bool {
        self.attribute("deploymentModel")
            .is_some_and(|m| m.eq_ignore_ascii_case("Custom"))
            || self
                .attribute("locationType")
                .is_some_and(|t| !t.eq_ignore_ascii_case("AWS Region"))
    }
}

fn parse_rate(dimension: &Value) -> Result<Rate, String> {
    let unit = dimension
        .get("unit")
        .and_then(Value::as_str)
        .ok_or("no \"unit\"")?
        .to_string();
    let prices = dimension
        .get("pricePerUnit")
        .and_then(Value::as_object)
        .ok_or("no \"pricePerUnit\" object")?;
    let mut entries = prices.iter();
    let (currency, price_text) = match (entries.next(), entries.next()) {
        (Some((currency, Value::String(text))), None) => (currency.clone(), text.clone()),
        (Some(_), None) => return Err("pricePerUnit value is not a string".into()),
        (None, _) => return Err("pricePerUnit is empty".into()),
        (Some(_), Some(_)) => return Err("pricePerUnit has several currencies".into()),
    };
    let price: f64 = price_text
        .trim()
        .parse()
        .map_err(|_| format!("price {price_text:?} is not a number"))?;
    if !price.is_finite() || price < 0.0 {
        return Err(format!("price {price_text:?} is not a price"));
    }
    Ok(Rate {
        unit,
        currency,
        price_text,
        price,
    })
}

/// The price chosen for a component.
#[derive(Debug, Clone, PartialEq)]
pub struct Chosen {
    pub sku: String,
    pub usage_type: Option<String>,
    pub rate: Rate,
    /// The SKU's `vcpu` attribute (instance SKUs), for the Extended Support quantity.
    pub vcpu: Option<u32>,
}

/// Why no price was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoPrice {
    NoMatchingSku,
    /// The distinct prices left, as written (with their currency).
    SeveralDistinctPrices(Vec<String>),
}

impl fmt::Display for NoPrice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoPrice::NoMatchingSku => write!(f, "no matching SKU"),
            NoPrice::SeveralDistinctPrices(prices) => {
                write!(f, "several distinct prices ({})", prices.join(", "))
            }
        }
    }
}

/// Whether `usage_type` is `wanted` with or without a region prefix (`EU-`, `USW2-`).
fn usage_type_is(usage_type: &str, wanted: &str) -> bool {
    usage_type == wanted
        || usage_type
            .strip_suffix(wanted)
            .is_some_and(|prefix| prefix.ends_with('-'))
}

/// Chooses the one on-demand price of `listing` for `query` and `selector`.
pub fn select(
    listing: &[Product],
    query: &PriceQuery,
    selector: &Selector,
) -> Result<Chosen, NoPrice> {
    let mut candidates: Vec<(&Product, &Rate)> = listing
        .iter()
        .filter(|product| !product.is_special())
        .filter(|product| {
            query.filters.iter().all(|(field, value)| match *field {
                "productFamily" => product.product_family.as_deref() == Some(value.as_str()),
                field => product.attribute(field) == Some(value.as_str()),
            })
        })
        .filter(
            |product| match (&selector.usage_type, product.attribute("usagetype")) {
                (None, _) => true,
                (Some(wanted), Some(usage_type)) => usage_type_is(usage_type, wanted),
                (Some(_), None) => false,
            },
        )
        .filter(|product| match selector.usage_type_contains {
            None => true,
            Some(part) => product
                .attribute("usagetype")
                .is_some_and(|u| u.contains(part)),
        })
        .flat_map(|product| {
            product
                .on_demand
                .iter()
                .filter(|rate| rate.unit.eq_ignore_ascii_case(selector.unit) && rate.price > 0.0)
                .map(move |rate| (product, rate))
        })
        .collect();
    if let Some(engine) = selector.prefer_engine {
        for preferred in [engine, "Any"] {
            if candidates
                .iter()
                .any(|(p, _)| p.attribute("databaseEngine") == Some(preferred))
            {
                candidates.retain(|(p, _)| p.attribute("databaseEngine") == Some(preferred));
                break;
            }
        }
    }
    // Equal prices (the same rate under several SKUs) are one price; the lowest SKU id wins
    // so the answer does not depend on the order of the listing.
    candidates.sort_by(|a, b| a.0.sku.cmp(&b.0.sku));
    let mut distinct: Vec<(&Product, &Rate)> = Vec::new();
    for (product, rate) in candidates {
        let same = |(_, seen): &(&Product, &Rate)| {
            seen.currency == rate.currency && seen.price == rate.price
        };
        if !distinct.iter().any(same) {
            distinct.push((product, rate));
        }
    }
    match distinct.as_slice() {
        [] => Err(NoPrice::NoMatchingSku),
        [(product, rate)] => Ok(Chosen {
            sku: product.sku.clone(),
            usage_type: product.attribute("usagetype").map(str::to_string),
            rate: (*rate).clone(),
            vcpu: product
                .attribute("vcpu")
                .and_then(|v| v.trim().parse().ok()),
        }),
        several => {
            let mut prices: Vec<String> = several
                .iter()
                .map(|(_, rate)| format!("{} {}", rate.price_text, rate.currency))
                .collect();
            prices.sort();
            Err(NoPrice::SeveralDistinctPrices(prices))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document(sku: &str, attributes: Value, unit: &str, usd: &str) -> String {
        json!({
            "serviceCode": "AmazonRDS",
            "product": {"sku": sku, "productFamily": "Database Instance", "attributes": attributes},
            "terms": {
                "OnDemand": {format!("{sku}.JRTCKXETXF"): {
                    "offerTermCode": "JRTCKXETXF", "sku": sku,
                    "priceDimensions": {format!("{sku}.JRTCKXETXF.6YS6EN2CT7"): {
                        "unit": unit, "pricePerUnit": {"USD": usd}, "beginRange": "0", "endRange": "Inf"
                    }}
                }},
                "Reserved": {format!("{sku}.HU7G6KETJZ"): {
                    "priceDimensions": {format!("{sku}.HU7G6KETJZ.2TG2D8R56U"): {
                        "unit": unit, "pricePerUnit": {"USD": "0.0100000000"}
                    }},
                    "termAttributes": {"LeaseContractLength": "1yr", "PurchaseOption": "No Upfront"}
                }}
            }
        })
        .to_string()
    }

    fn attributes(extra: &[(&str, &str)]) -> Value {
        let mut map = serde_json::Map::new();
        for (k, v) in [
            ("regionCode", "us-east-1"),
            ("locationType", "AWS Region"),
            ("instanceType", "db.m5.large"),
            ("databaseEngine", "PostgreSQL"),
            ("deploymentOption", "Single-AZ"),
            ("usagetype", "InstanceUsage:db.m5.large"),
            ("vcpu", "2"),
        ]
        .iter()
        .chain(extra)
        {
            map.insert(k.to_string(), json!(v));
        }
        Value::Object(map)
    }

    fn query() -> PriceQuery {
        PriceQuery::new("us-east-1")
            .filter("regionCode", "us-east-1")
            .filter("productFamily", "Database Instance")
            .filter("instanceType", "db.m5.large")
            .filter("databaseEngine", "PostgreSQL")
            .filter("deploymentOption", "Single-AZ")
    }

    fn parse_all(documents: &[String]) -> Vec<Product> {
        documents
            .iter()
            .map(|d| Product::parse(d).expect("valid document"))
            .collect()
    }

    #[test]
    fn reads_the_on_demand_price_not_the_reserved_one() {
        let listing = parse_all(&[document("AAA", attributes(&[]), "Hrs", "0.1780000000")]);
        let chosen = select(&listing, &query(), &Selector::unit("Hrs")).expect("one price");
        assert_eq!(chosen.sku, "AAA");
        assert_eq!(chosen.rate.price_text, "0.1780000000");
        assert_eq!(chosen.rate.currency, "USD");
        assert_eq!(chosen.vcpu, Some(2));
        assert_eq!(
            chosen.usage_type.as_deref(),
            Some("InstanceUsage:db.m5.large")
        );
    }

    #[test]
    fn custom_and_outposts_skus_are_excluded() {
        let listing = parse_all(&[
            document("AAA", attributes(&[]), "Hrs", "0.178"),
            document(
                "CUS",
                attributes(&[("deploymentModel", "Custom")]),
                "Hrs",
                "0.9",
            ),
            document(
                "OUT",
                attributes(&[("locationType", "AWS Outposts")]),
                "Hrs",
                "0.5",
            ),
        ]);
        let chosen = select(&listing, &query(), &Selector::unit("Hrs")).expect("one price");
        assert_eq!(chosen.sku, "AAA");
    }

    #[test]
    fn several_distinct_prices_are_not_resolved_by_order() {
        let listing = parse_all(&[
            document("AAA", attributes(&[]), "Hrs", "0.178"),
            document(
                "BBB",
                attributes(&[("licenseModel", "Bring your own license")]),
                "Hrs",
                "0.1",
            ),
        ]);
        assert_eq!(
            select(&listing, &query(), &Selector::unit("Hrs")),
            Err(NoPrice::SeveralDistinctPrices(vec![
                "0.1 USD".into(),
                "0.178 USD".into()
            ]))
        );
        // The exact license attribute separates them.
        let byol = query().filter("licenseModel", "Bring your own license");
        assert_eq!(
            select(&listing, &byol, &Selector::unit("Hrs")).map(|c| c.sku),
            Ok("BBB".into())
        );
    }

    #[test]
    fn equal_prices_dedupe_to_the_lowest_sku() {
        let listing = parse_all(&[
            document("ZZZ", attributes(&[]), "Hrs", "0.1780000000"),
            document("AAA", attributes(&[]), "Hrs", "0.178"),
        ]);
        assert_eq!(
            select(&listing, &query(), &Selector::unit("Hrs")).map(|c| c.sku),
            Ok("AAA".into())
        );
    }

    #[test]
    fn unit_attributes_and_usage_type_must_match_exactly() {
        let listing = parse_all(&[
            document("AAA", attributes(&[]), "Hrs", "0.178"),
            document(
                "EU1",
                attributes(&[
                    ("regionCode", "eu-west-1"),
                    ("usagetype", "EU-InstanceUsage:db.m5.large"),
                ]),
                "Hrs",
                "0.2",
            ),
        ]);
        assert_eq!(
            select(&listing, &query(), &Selector::unit("GB-Mo")),
            Err(NoPrice::NoMatchingSku)
        );
        let postgres_lower = query().filter("databaseEngine", "postgres");
        assert_eq!(
            select(&listing, &postgres_lower, &Selector::unit("Hrs")),
            Err(NoPrice::NoMatchingSku)
        );
        let eu = query().filter("regionCode", "eu-west-1");
        let mut selector = Selector::unit("Hrs");
        selector.usage_type = Some("InstanceUsage:db.m5.large".into());
        assert_eq!(
            select(&listing, &eu, &selector).map(|c| c.sku),
            Ok("EU1".into())
        );
        selector.usage_type = Some("Usage:db.m5.large".into());
        assert_eq!(
            select(&listing, &eu, &selector),
            Err(NoPrice::NoMatchingSku)
        );
    }

    #[test]
    fn engine_preference_picks_the_engine_then_any() {
        let storage = |sku: &str, engine: &str, price: &str| {
            document(
                sku,
                json!({"regionCode": "us-east-1", "databaseEngine": engine, "volumeType": "General Purpose"}),
                "GB-Mo",
                price,
            )
        };
        let listing = parse_all(&[
            storage("S1", "PostgreSQL", "0.115"),
            storage("S2", "Any", "0.115"),
            storage("S3", "SQL Server", "0.2"),
        ]);
        let q = PriceQuery::new("us-east-1").filter("volumeType", "General Purpose");
        let mut selector = Selector::unit("GB-Mo");
        assert!(matches!(
            select(&listing, &q, &selector),
            Err(NoPrice::SeveralDistinctPrices(_))
        ));
        selector.prefer_engine = Some("PostgreSQL");
        assert_eq!(
            select(&listing, &q, &selector).map(|c| c.sku),
            Ok("S1".into())
        );
        selector.prefer_engine = Some("MySQL");
        assert_eq!(
            select(&listing, &q, &selector).map(|c| c.sku),
            Ok("S2".into())
        );
    }

    #[test]
    fn broken_documents_say_what_and_where() {
        let error = |text: &str| Product::parse(text).expect_err("invalid");
        assert!(error("{").starts_with("not JSON"));
        assert_eq!(error(r#"{"product":{}}"#), "no \"product.sku\"");
        let bad_price = document("AAA", attributes(&[]), "Hrs", "cheap");
        assert!(
            error(&bad_price).contains("SKU AAA: rate AAA.JRTCKXETXF.6YS6EN2CT7: price \"cheap\"")
        );
        let two = json!({"product": {"sku": "X", "attributes": {}}, "terms": {"OnDemand": {"X.T": {"priceDimensions": {"X.T.R": {"unit": "Hrs", "pricePerUnit": {"USD": "1", "CNY": "7"}}}}}}});
        assert!(error(&two.to_string()).contains("several currencies"));
    }

    #[test]
    fn reads_cny() {
        let text = document("CN1", attributes(&[]), "Hrs", "1.2").replace("\"USD\"", "\"CNY\"");
        let listing = parse_all(&[text]);
        let chosen = select(&listing, &query(), &Selector::unit("Hrs")).expect("one price");
        assert_eq!(chosen.rate.currency, "CNY");
    }
}
