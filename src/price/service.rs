//! Price lookups through the Price List Query API (GetProducts): one client per pricing
//! region signed by the base identity, at most one paginated listing per distinct price key
//! per run, shared by every account; concurrent asks wait on one call, and a listing that
//! failed after its (bounded) attempts is the answer for the run: one warning, not one more
//! round of retries per instance.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use aws_config::{Region, SdkConfig};
use aws_sdk_pricing::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_pricing::types::{Filter, FilterType};
use tokio::sync::OnceCell;

use super::compute::{compute, Found, InstancePrice};
use super::plan::{plan, InstanceFacts, Lookup, PricePlan};
use super::select::{select, PriceQuery, Product};

/// The regions the Price List Query API is called in, one per partition served.
pub const PRICING_REGIONS: [&str; 2] = ["us-east-1", "cn-northwest-1"];
/// The largest page GetProducts allows.
const PAGE_SIZE: i32 = 100;
/// Attempts of one GetProducts call, first included (fewer when `--max-attempts` says so):
/// prices are optional, the run is not.
const LOOKUP_MAX_ATTEMPTS: u32 = 3;
/// Longest one GetProducts call may take, its attempts and backoffs included.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(20);

/// Why a listing could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// `pricing:GetProducts` is denied to the base identity: one warning for the run.
    Denied(String),
    /// Anything else (throttled past the retries, unreachable, a broken answer), with context.
    Failed(String),
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupError::Denied(_) => write!(f, "price list denied (pricing:GetProducts)"),
            LookupError::Failed(message) => write!(f, "price list lookup failed: {message}"),
        }
    }
}

type Listing = Arc<Vec<Product>>;
/// A price key's answer for the run: its listing, or the failure that outlived its attempts.
type ListingCell = Arc<OnceCell<Result<Listing, LookupError>>>;

/// The run's price lookups.
pub struct PriceService {
    clients: HashMap<&'static str, aws_sdk_pricing::Client>,
    /// One cell per price key: filled once, by whichever ask comes first, with the listing or
    /// the failure that outlived its attempts.
    listings: Mutex<HashMap<PriceQuery, ListingCell>>,
    /// The first failed listing's message, until [`Self::take_failed_warning`] takes it.
    failed: Mutex<Option<String>>,
    failed_warned: AtomicBool,
    /// Set on the first AccessDeniedException: the identity will not be allowed for the next
    /// key either, so no further call is made (thousands of instances, one warning).
    denied: AtomicBool,
    warned: AtomicBool,
}

impl PriceService {
    /// Clients for every pricing region from the base config (its credentials, retries,
    /// timeouts and HTTP client). The endpoint: `endpoint_url` if given, else what the SDK
    /// resolves from the config (`AWS_ENDPOINT_URL_PRICING`, then `AWS_ENDPOINT_URL`, ...).
    pub fn new(base: &SdkConfig, endpoint_url: Option<&str>) -> PriceService {
        let clients = PRICING_REGIONS
            .iter()
            .map(|&region| {
                let retry = base
                    .retry_config()
                    .cloned()
                    .unwrap_or_else(aws_config::retry::RetryConfig::standard);
                let attempts = retry.max_attempts().min(LOOKUP_MAX_ATTEMPTS);
                let timeouts = base
                    .timeout_config()
                    .map_or_else(aws_config::timeout::TimeoutConfig::builder, |t| {
                        t.to_builder()
                    })
                    .operation_timeout(LOOKUP_TIMEOUT)
                    .build();
                let mut config = aws_sdk_pricing::config::Builder::from(base)
                    .region(Region::from_static(region))
                    .retry_config(retry.with_max_attempts(attempts))
                    .timeout_config(timeouts);
                if let Some(url) = endpoint_url {
                    config = config.endpoint_url(url);
                }
                (region, aws_sdk_pricing::Client::from_conf(config.build()))
            })
            .collect();
        PriceService {
            clients,
            listings: Mutex::new(HashMap::new()),
            failed: Mutex::new(None),
            failed_warned: AtomicBool::new(false),
            denied: AtomicBool::new(false),
            warned: AtomicBool::new(false),
        }
    }

    /// The denial warning, once per run: `Some` for the first caller after a denial.
    pub fn take_denied_warning(&self) -> Option<String> {
        (self.denied.load(Ordering::Relaxed) && !self.warned.swap(true, Ordering::Relaxed)).then(
            || {
                "the price list is denied to the base identity (pricing:GetProducts): price \
                 fields are null"
                    .to_string()
            },
        )
    }

    /// The first failed listing (not a denial), once per run: `Some` for the first caller
    /// after it.
    pub fn take_failed_warning(&self) -> Option<String> {
        let failed = self.failed.lock().unwrap_or_else(PoisonError::into_inner);
        let message = failed.as_ref()?;
        (!self.failed_warned.swap(true, Ordering::Relaxed)).then(|| {
            format!(
                "{message}; not asked again in this run: the price fields of instances that \
                 need it are null"
            )
        })
    }

    /// The listing of one price key, fetched at most once per run.
    pub async fn listing(&self, query: &PriceQuery) -> Result<Listing, LookupError> {
        if self.denied.load(Ordering::Relaxed) {
            return Err(LookupError::Denied("denied earlier in this run".into()));
        }
        let cell = {
            let mut listings = self.listings.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(listings.entry(query.clone()).or_default())
        };
        // A denial is not kept in the cell: `denied` answers every later ask anyway.
        let answer = cell
            .get_or_try_init(|| async {
                match self.fetch(query).await {
                    Err(denied @ LookupError::Denied(_)) => Err(denied),
                    Err(failed) => {
                        let mut first = self.failed.lock().unwrap_or_else(PoisonError::into_inner);
                        first.get_or_insert_with(|| failed.to_string());
                        Ok(Err(failed))
                    }
                    Ok(listing) => Ok(Ok(listing)),
                }
            })
            .await?;
        answer.clone()
    }

    async fn fetch(&self, query: &PriceQuery) -> Result<Listing, LookupError> {
        // A waiter that got the cell after a denial must not call again.
        if self.denied.load(Ordering::Relaxed) {
            return Err(LookupError::Denied("denied earlier in this run".into()));
        }
        let client = self.clients.get(query.pricing_region).ok_or_else(|| {
            LookupError::Failed(format!("no Price List client for {}", query.pricing_region))
        })?;
        let filters = query
            .filters
            .iter()
            .map(|(field, value)| {
                Filter::builder()
                    .r#type(FilterType::TermMatch)
                    .field(*field)
                    .value(value)
                    .build()
                    .map_err(|e| LookupError::Failed(format!("filter {field}={value}: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut pages = client
            .get_products()
            .service_code("AmazonRDS")
            .format_version("aws_v1")
            .set_filters(Some(filters))
            .into_paginator()
            .page_size(PAGE_SIZE)
            .send();
        let mut products = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|error| self.classify(query, error))?;
            for document in page.price_list() {
                let product = Product::parse(document).map_err(|e| {
                    LookupError::Failed(format!(
                        "GetProducts for {query}: item {} of the listing: {e}",
                        products.len() + 1
                    ))
                })?;
                products.push(product);
            }
        }
        Ok(Arc::new(products))
    }

    fn classify<E, R>(&self, query: &PriceQuery, error: SdkError<E, R>) -> LookupError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: fmt::Debug,
    {
        let code = match &error {
            SdkError::ServiceError(service) => service.err().code().map(str::to_string),
            _ => None,
        };
        let text = format!("GetProducts for {query}: {}", DisplayErrorContext(&error));
        match code.as_deref() {
            Some("AccessDeniedException" | "AccessDenied") => {
                self.denied.store(true, Ordering::Relaxed);
                LookupError::Denied(text)
            }
            _ => LookupError::Failed(text),
        }
    }

    /// The price fields of one instance at `now` (the run's start, seconds since the epoch).
    pub async fn price(&self, facts: &InstanceFacts, now: i64) -> InstancePrice {
        let components = match plan(facts, now) {
            PricePlan::Unpriced(reason) => return InstancePrice::missing(reason),
            PricePlan::Components(components) => components,
        };
        let lookups = components.iter().map(|component| async move {
            match &component.lookup {
                Lookup::Price {
                    query, selector, ..
                } => Some(match self.listing(query).await {
                    Ok(listing) => match select(&listing, query, selector) {
                        Ok(chosen) => Found::Price(chosen),
                        Err(no_price) => Found::NoPrice(no_price),
                    },
                    Err(error) => Found::Failed(error.to_string()),
                }),
                _ => None,
            }
        });
        let mut found = futures::future::join_all(lookups).await;
        let price = compute(&components, facts.vcpus, |index| found[index].take());
        if self.denied.load(Ordering::Relaxed) && price.price_missing.is_some() {
            // Denial is a property of the run, not of this instance: one reason, no details.
            return InstancePrice::missing(LookupError::Denied(String::new()).to_string());
        }
        price
    }
}
