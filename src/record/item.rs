//! The record of a kind defined in one file of `kinds/`: the SDK item as its call returned it,
//! where it was listed, and what the listing derives for it.

use aws_sdk_rds::primitives::DateTime;

use super::kinds::{Located, Place};
use super::schema::HasItem;

/// One resource of a kind whose record is its SDK item `T` and nothing else of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRecord<T> {
    pub account_id: String,
    pub account_name: String,
    pub region: String,
    pub(crate) item: T,
    /// Whether the resource it was made from still exists (`None`: not known in this run).
    pub(crate) source_exists: Option<bool>,
}

impl<T> ItemRecord<T> {
    pub fn new(place: &Place<'_>, item: T) -> ItemRecord<T> {
        ItemRecord {
            account_id: place.account_id.to_owned(),
            account_name: place.account_name.to_owned(),
            region: place.region.to_owned(),
            item,
            source_exists: None,
        }
    }
}

impl<T> Located for ItemRecord<T> {
    fn account_id(&self) -> &str {
        &self.account_id
    }
    fn account_name(&self) -> &str {
        &self.account_name
    }
    fn region(&self) -> &str {
        &self.region
    }
}

impl<T> HasItem for ItemRecord<T> {
    type Item = T;
    fn item(&self) -> &T {
        &self.item
    }
}

/// What the derived fields every kind may have read from a record.
pub trait Derived {
    /// When the resource (or its source) was created, for `age_days`.
    fn created(&self) -> Option<&DateTime> {
        None
    }
    /// Whether its source still exists, for `source_exists`.
    fn source_exists(&self) -> Option<bool> {
        None
    }
}
