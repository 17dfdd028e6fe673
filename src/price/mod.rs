//! On-demand list price per instance (`--with price`): the mapping from RDS values to price
//! list attributes, the plan of what to price, SKU selection from GetProducts documents, the
//! computation, and the lookup service. See PRICE-NOTES.md.

// Self-contained until the resource-kinds refactor of record, fetch and config lands; the
// record fields, `--with price` and `--metrics` are wired after it (PRICE-NOTES.md).
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
