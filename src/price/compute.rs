//! From a plan and the prices found for it to the record's price fields.

use super::plan::{ComponentKind, Lookup, PlannedComponent, Quantity, HOURS_PER_MONTH};
use super::select::{Chosen, NoPrice};
pub use crate::record::{InstancePrice, PriceComponent};

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
