//! On-demand list price per instance (`--with price`): the mapping from RDS values to price
//! list attributes, the plan of what to price, SKU selection from GetProducts documents, the
//! computation, and the lookup service. See DESIGN.md here.

mod compute;
mod mapping;
mod plan;
mod select;
mod service;
#[cfg(test)]
mod tests;

pub use compute::InstancePrice;
pub use plan::{ClusterMembership, EngineSupport, InstanceFacts, StorageVolume};
pub use service::PriceService;
