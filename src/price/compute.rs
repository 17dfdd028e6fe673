//! From a plan and the prices found for it to the record's price fields.

use serde::Serialize;

use super::plan::{ComponentKind, Lookup, PlannedComponent, Quantity, HOURS_PER_MONTH};
use super::select::{Chosen, NoPrice};

/// One line of `price_components`: enough to check the figure against the AWS price list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceComponent {
    pub component: &'static str,
    /// The price list's unit (`Hrs`, `GB-Mo`, `IOPS-Mo`, `MBPS-Mo`, `vCPU-hour`).
    pub unit: Option<String>,
    pub price_per_unit: Option<f64>,
    /// Units in the month (730 hours, GB, IOPS above the baseline, vCPU-hours).
    pub quantity: Option<f64>,
    pub monthly: Option<f64>,
    pub sku: Option<String>,
    pub usage_type: Option<String>,
    /// Why this component is zero, left out of the figure, or has no price.
    pub note: Option<String>,
}

/// The price fields of one instance record.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct InstancePrice {
    pub price_currency: Option<String>,
    /// On-demand instance hours per hour (0 when stopped).
    pub price_hourly: Option<f64>,
    /// 730 × hourly plus every other component; `None` when any component has no price.
    pub price_monthly: Option<f64>,
    pub price_components: Vec<PriceComponent>,
    pub price_missing: Option<String>,
}

impl InstancePrice {
    /// No price at all, and why.
    pub fn missing(reason: impl Into<String>) -> InstancePrice {
        InstancePrice {
            price_missing: Some(reason.into()),
            ..InstancePrice::default()
        }
    }
}

/// What the lookup of one planned price gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Price(Chosen),
    NoPrice(NoPrice),
    /// The lookup itself failed (denied, throttled, broken answer): the reason.
    Failed(String),
}

/// Rounds away float noise (730 × 0.178 = 129.94000000000003) at a millionth of a unit.
fn tidy(amount: f64) -> f64 {
    (amount * 1e6).round() / 1e6
}

/// Builds the price fields from the planned components and, for each `Lookup::Price` (by its
/// index), what its lookup found. `known_vcpus` (from the facts) beats the instance SKU's.
pub fn compute(
    components: &[PlannedComponent],
    known_vcpus: Option<u32>,
    mut found: impl FnMut(usize) -> Option<Found>,
) -> InstancePrice {
    let mut lines = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    let mut currencies: Vec<String> = Vec::new();
    let mut hourly = None;
    let mut total = 0.0;
    // The instance SKU's vCPUs, for Extended Support, which follows it.
    let mut vcpus = known_vcpus;
    for (index, planned) in components.iter().enumerate() {
        let name = planned.label();
        let mut line = PriceComponent {
            component: planned.kind.name(),
            unit: None,
            price_per_unit: None,
            quantity: None,
            monthly: None,
            sku: None,
            usage_type: None,
            // An additional volume's components name it; a reason below replaces this.
            note: planned
                .volume
                .as_ref()
                .map(|volume| format!("volume {volume}")),
        };
        match &planned.lookup {
            Lookup::NotBilled { unit, note } => {
                line.unit = Some(unit.to_string());
                line.quantity = Some(0.0);
                line.monthly = Some(0.0);
                line.note = Some(note.clone());
                if planned.kind == ComponentKind::InstanceHours {
                    hourly = Some(0.0);
                }
            }
            Lookup::Excluded { note } => line.note = Some(note.clone()),
            Lookup::Missing { reason } => {
                line.note = Some(reason.clone());
                missing.push(reason.clone());
            }
            Lookup::Price { quantity, .. } => match found(index) {
                Some(Found::Price(chosen)) => {
                    let units = match quantity {
                        Quantity::Monthly(units) => Some(*units),
                        Quantity::Hours => Some(HOURS_PER_MONTH),
                        Quantity::VcpuHours => vcpus.map(|v| HOURS_PER_MONTH * f64::from(v)),
                    };
                    if planned.kind == ComponentKind::InstanceHours {
                        hourly = Some(chosen.rate.price);
                        vcpus = vcpus.or(chosen.vcpu);
                    }
                    line.unit = Some(chosen.rate.unit.clone());
                    line.price_per_unit = Some(chosen.rate.price);
                    line.sku = Some(chosen.sku.clone());
                    line.usage_type = chosen.usage_type.clone();
                    if !currencies.contains(&chosen.rate.currency) {
                        currencies.push(chosen.rate.currency.clone());
                    }
                    match units {
                        Some(units) => {
                            let amount = units * chosen.rate.price;
                            total += amount;
                            line.quantity = Some(units);
                            line.monthly = Some(tidy(amount));
                        }
                        None => {
                            let reason = format!("{name}: vCPU count unknown");
                            line.note = Some(reason.clone());
                            missing.push(reason);
                        }
                    }
                }
                Some(Found::NoPrice(why)) => {
                    let reason = format!("{name}: {why}");
                    line.note = Some(reason.clone());
                    missing.push(reason);
                }
                Some(Found::Failed(why)) => {
                    let reason = format!("{name}: {why}");
                    line.note = Some(reason.clone());
                    missing.push(reason);
                }
                None => {
                    let reason = format!("{name}: not looked up");
                    line.note = Some(reason.clone());
                    missing.push(reason);
                }
            },
        }
        lines.push(line);
    }
    if currencies.len() > 1 {
        missing.push(format!("several currencies ({})", currencies.join(", ")));
    }
    InstancePrice {
        price_currency: currencies.first().cloned(),
        price_hourly: hourly,
        price_monthly: missing.is_empty().then(|| tidy(total)),
        price_components: lines,
        price_missing: (!missing.is_empty()).then(|| missing.join("; ")),
    }
}
