//! On-demand list price per instance (`--with price`): the mapping from RDS values to price
//! list attributes, the plan of what to price, SKU selection from GetProducts documents, the
//! computation, and the lookup service. See DESIGN.md here.

mod compute;
mod facts;
mod mapping;
mod plan;
mod select;
mod service;
#[cfg(test)]
mod tests;

pub use compute::InstancePrice;
pub use facts::facts_of;
pub use service::PriceService;
