//! On-demand list price per instance (`--with price`): the mapping from RDS values to price
//! list attributes, the plan of what to price, SKU selection from GetProducts documents, the
//! computation, and the lookup service. See DESIGN.md here.

// Wired through `--with price` (joins, record fields, metrics); some helpers are used by the
// tests only.
#![allow(dead_code, unused_imports)]

mod compute;
mod mapping;
mod plan;
mod select;
mod service;
#[cfg(test)]
mod tests;

pub use compute::{InstancePrice, PriceComponent};
pub use plan::{ClusterMembership, EngineSupport, InstanceFacts};
pub use service::{LookupError, PriceService};
