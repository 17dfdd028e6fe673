//! The price fields of an instance record (`--with price`): data the record holds, filled by
//! `price/` (which owns how they are found).

use serde::Serialize;

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
