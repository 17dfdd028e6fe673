//! AWS plumbing: the base `SdkConfig`, one refreshing assumed-role credential per account,
//! and RDS clients per region that share it.

mod credentials;
pub mod discover;
mod failure;
mod interceptors;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::identity::IdentityCache;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_rds::config::retry::{RetryPartition, TokenBucket};
use aws_sdk_rds::config::{HttpClient, IntoShared, SharedHttpClient};
use aws_sdk_rds::config::{RuntimeComponents, SharedCredentialsProvider, SharedIdentityCache};
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{HttpConnectorSettings, SharedHttpConnector};

use crate::accounts::AccountSpec;
use crate::config::{partition_of, Regions};

use credentials::AccountRole;
pub use credentials::{AccountCredentials, BaseCredentials};
pub use failure::{
    classify, credential_failure_text, error_chain_text, AccountWarning, CallFailure, FailureKind,
    Phase, WarningSink,
};
use interceptors::{AttemptCounter, CountAttempts, RejectTruncatedAnswers};

/// Region for STS when neither the profile nor the environment names one, and the accounts
/// are not all in another partition.
const FALLBACK_REGION: &str = "us-east-1";
/// Longest first backoff the SDK's standard retry strategy waits between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// The region to call STS in when none is configured: a region of the accounts' partition
/// when they all share one that is not `aws` (STS answers only in its own partition).
pub fn fallback_region<'a>(regions: impl IntoIterator<Item = &'a Regions>) -> Region {
    let listed: Vec<&String> = regions.into_iter().flat_map(Regions::listed).collect();
    let partitions: HashSet<&str> = listed.iter().map(|r| partition_of(r)).collect();
    match (partitions.len(), listed.first()) {
        (1, Some(region)) if partition_of(region) != "aws" => Region::new((*region).clone()),
        _ => Region::from_static(FALLBACK_REGION),
    }
}

/// What the AWS layer needs of the run's settings (the rest of them is none of its business).
#[derive(Debug, Clone)]
pub struct AwsOptions {
    /// `--profile`: the base credentials' named profile.
    pub profile: Option<String>,
    /// `--endpoint-url`: every AWS call goes there.
    pub endpoint_url: Option<String>,
    /// Targets in flight: the shared HTTPS client keeps as many idle connections.
    pub concurrency: usize,
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    /// Per attempt.
    pub call_timeout: Duration,
}

/// Loads the base configuration once: profile, endpoint, retries, timeouts, identity cache.
pub async fn load_base_config(options: &AwsOptions, fallback: Region) -> anyhow::Result<SdkConfig> {
    let settings = options;
    let retry = RetryConfig::standard()
        .with_max_attempts(settings.max_attempts)
        .with_initial_backoff(settings.initial_backoff)
        .with_max_backoff(MAX_BACKOFF);
    let timeouts = TimeoutConfig::builder()
        .operation_attempt_timeout(settings.call_timeout)
        .connect_timeout(settings.call_timeout.min(Duration::from_secs(5)))
        .build();
    let mut region_chain = RegionProviderChain::default_provider();
    if let Some(profile) = &settings.profile {
        region_chain = RegionProviderChain::first_try(
            aws_config::profile::ProfileFileRegionProvider::builder()
                .profile_name(profile)
                .build(),
        )
        .or_else(region_chain);
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(shared_https_client(settings.concurrency))
        .retry_config(retry)
        .timeout_config(timeouts)
        .region(region_chain.or_else(fallback));
    if let Some(profile) = &settings.profile {
        // An explicit --profile beats AWS_ACCESS_KEY_ID & co. (the default chain reads the
        // environment first), as it does in the AWS CLI.
        loader = loader.profile_name(profile).credentials_provider(
            aws_config::profile::ProfileFileCredentialsProvider::builder()
                .profile_name(profile)
                .build(),
        );
    }
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    Ok(loader.load().await)
}

/// The SDK's default HTTPS client (rustls with aws-lc, proxy settings from the environment),
/// built once. Left unset, every service client builds its own: each account's STS client and
/// each target's RDS client got a private connection pool and TLS configuration.
///
/// At most `max_idle` idle connections are kept: a request that finds none opens one, and if
/// another comes free first the new one is pooled anyway, so at 0 ms a run at concurrency
/// 256 kept about 500 sockets open.
fn shared_https_client(max_idle: usize) -> SharedHttpClient {
    let client = aws_smithy_http_client::Builder::new().build_with_connector_fn(
        move |settings, runtime_components| {
            let mut connector = aws_smithy_http_client::ConnectorBuilder::default()
                .pool_max_idle_per_host(max_idle)
                .tls_provider(tls::Provider::Rustls(
                    tls::rustls_provider::CryptoMode::AwsLc,
                ));
            connector.set_connector_settings(settings.cloned());
            if let Some(components) = runtime_components {
                connector.set_sleep_impl(components.sleep_impl());
            }
            connector.set_proxy_config(Some(ProxyConfig::from_env()));
            connector.build()
        },
    );
    BuildOnce(client).into_shared()
}

/// Delegates to the shared client but keeps the default (no-op) `validate_base_client_config`:
/// the SDK's own builds and discards a whole TLS connector, parsing every root certificate,
/// each time a service client is created. A bad TLS setup surfaces on the first request.
#[derive(Debug)]
struct BuildOnce(SharedHttpClient);

impl HttpClient for BuildOnce {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

/// The shared regional clients' own credentials: a call that was not signed as an account is
/// a bug, and must fail rather than list the base identity's instances.
#[derive(Debug)]
struct NoAccountSelected;

impl aws_sdk_rds::config::ProvideCredentials for NoAccountSelected {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::ready(Err(
            aws_credential_types::provider::error::CredentialsError::invalid_configuration(
                "internal error: an RDS call was not signed as an account",
            ),
        ))
    }
}

/// Builds what every target needs: the base config and one credential source per account.
pub struct AwsContext {
    base: SdkConfig,
    /// Keyed by account id (unique in a run).
    accounts: HashMap<String, AccountCredentials>,
    /// Every RDS client draws on this partition. Its token bucket is unlimited on purpose: the
    /// SDK's default bucket is one per region for the whole process, so a wide fan-out under
    /// throttling drains it and fails targets with "retry quota exceeded". Attempts stay
    /// bounded by `--max-attempts`, the retry budget and the fetch layer's throttle window.
    /// (Not the SDK's adaptive mode: AWS throttles per account and region, and one limiter
    /// per region slowed every account down to a crawl on a few throttled answers.)
    rds_retry_partition: RetryPartition,
    /// The run's identity cache: one partition per account's credentials.
    identity_cache: SharedIdentityCache,
    /// One RDS client per region, shared by every account (built on first use): building a
    /// client is a good part of the cost of a call, and most targets make one call.
    rds_clients: Mutex<HashMap<String, aws_sdk_rds::Client>>,
    assume_role_calls: Arc<AtomicU64>,
    attempts: Arc<AttemptCounter>,
    /// Where warnings go (assuming roles, joined calls).
    warn: WarningSink,
}

impl AwsContext {
    pub fn new(
        base: SdkConfig,
        base_credentials: Arc<BaseCredentials>,
        accounts: &[Arc<AccountSpec>],
        options: &AwsOptions,
        warn: WarningSink,
    ) -> AwsContext {
        // One cache partition per account must survive the whole run: the default of 64
        // partitions evicts accounts on big runs and makes STS see extra AssumeRole calls.
        // Room for twice the accounts covers partitions replaced after an ExpiredToken.
        let identity_cache = IdentityCache::lazy()
            .max_partitions(accounts.len() * 2 + 64)
            // A cache miss waits for one AssumeRole including the STS client's own retries.
            .load_timeout((options.call_timeout + MAX_BACKOFF) * options.max_attempts)
            .build();
        let base = base
            .into_builder()
            .identity_cache(identity_cache.clone())
            .build();
        let assume_role_calls = Arc::new(AtomicU64::new(0));
        let mut credentials = HashMap::with_capacity(accounts.len());
        let base_partition = base.region().map_or("aws", |r| partition_of(r.as_ref()));
        // One STS client per region STS is called in, shared by the accounts assumed there.
        let mut sts_clients: HashMap<Option<String>, aws_sdk_sts::Client> = HashMap::new();
        for account in accounts {
            // STS answers only for its own partition: a GovCloud or China account is assumed
            // in one of its regions.
            let sts_region = (account.partition != base_partition)
                .then(|| account.regions.listed().first().cloned())
                .flatten();
            let sts = sts_clients
                .entry(sts_region.clone())
                .or_insert_with(|| {
                    credentials::sts_client(&base, sts_region.map(Region::new), &base_credentials)
                })
                .clone();
            let role = AccountRole::new(
                Arc::clone(account),
                sts,
                Arc::clone(&assume_role_calls),
                warn.clone(),
            );
            let provider = SharedCredentialsProvider::new(role);
            credentials.insert(account.id.clone(), AccountCredentials::new(provider));
        }
        AwsContext {
            identity_cache,
            rds_clients: Mutex::new(HashMap::new()),
            base,
            accounts: credentials,
            rds_retry_partition: RetryPartition::custom("rds-inventory")
                .token_bucket(TokenBucket::unlimited())
                .build(),
            assume_role_calls,
            attempts: Arc::new(AttemptCounter::default()),
            warn,
        }
    }

    /// The base configuration (with the run's identity cache), for other services' clients.
    pub fn base(&self) -> &SdkConfig {
        &self.base
    }

    /// RDS attempts beyond the first of each call, so far.
    pub fn rds_retries(&self) -> u64 {
        let attempts = self.attempts.attempts.load(Ordering::Relaxed);
        attempts.saturating_sub(self.attempts.operations.load(Ordering::Relaxed))
    }

    /// RDS answers that said "slow down", so far.
    pub fn throttled_answers(&self) -> u64 {
        self.attempts.throttled.load(Ordering::Relaxed)
    }

    /// The credentials of one of the run's accounts.
    pub fn credentials(&self, account: &AccountSpec) -> &AccountCredentials {
        // Every account of the plan was given credentials in `new`; an unknown one is a bug.
        &self.accounts[&account.id]
    }

    /// The region's RDS client, shared by every account. It has no credentials of its own:
    /// each call is signed as an account through [`Self::signed_as`].
    pub fn rds_client(&self, region: &str) -> aws_sdk_rds::Client {
        let mut clients = self.rds_clients.lock().unwrap_or_else(|p| p.into_inner());
        clients
            .entry(region.to_owned())
            .or_insert_with(|| {
                let mut config = self.rds_config(region);
                config.set_credentials_provider(Some(SharedCredentialsProvider::new(
                    NoAccountSelected,
                )));
                aws_sdk_rds::Client::from_conf(config.build())
            })
            .clone()
    }

    /// The per-call override that signs an RDS call with an account's credentials: its
    /// provider (whose cache partition all of the account's regions share) and the run's
    /// identity cache. Without the cache the SDK would give each call a private one, and each
    /// call its own AssumeRole.
    pub fn signed_as(
        &self,
        credentials: SharedCredentialsProvider,
    ) -> aws_sdk_rds::config::Builder {
        let mut config = aws_sdk_rds::config::Builder::default();
        // `set_credentials_provider` keeps the provider's cache partition;
        // `.credentials_provider(p)` would wrap it in a new one (one AssumeRole per region).
        config.set_credentials_provider(Some(credentials));
        config.set_identity_cache(self.identity_cache.clone());
        config
    }

    /// A client of its own for one account and region, for paginated joined calls (the
    /// paginators take no per-call override).
    pub fn account_rds_client(
        &self,
        region: &str,
        credentials: SharedCredentialsProvider,
    ) -> aws_sdk_rds::Client {
        let mut config = self.rds_config(region);
        config.set_credentials_provider(Some(credentials));
        aws_sdk_rds::Client::from_conf(config.build())
    }

    fn rds_config(&self, region: &str) -> aws_sdk_rds::config::Builder {
        aws_sdk_rds::config::Builder::from(&self.base)
            .region(Region::new(region.to_owned()))
            .retry_partition(self.rds_retry_partition.clone())
            .interceptor(CountAttempts(Arc::clone(&self.attempts)))
            .interceptor(RejectTruncatedAnswers)
    }

    /// Reports a problem that did not fail a target, for the stderr line and the summary.
    pub fn warn(&self, warning: AccountWarning) {
        self.warn.warn(warning);
    }

    /// AssumeRole calls sent to STS so far (refusals remembered are not sent again).
    pub fn assume_role_calls(&self) -> u64 {
        self.assume_role_calls.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_rds::config::Credentials;

    /// The regional client is shared by every account: a call that was not signed as one
    /// must fail before it is sent, never go out as the base identity.
    #[tokio::test]
    async fn a_call_not_signed_as_an_account_fails_before_it_is_sent() {
        let options = AwsOptions {
            profile: None,
            endpoint_url: None,
            concurrency: 1,
            max_attempts: 1,
            initial_backoff: Duration::from_millis(1),
            call_timeout: Duration::from_secs(1),
        };
        let base = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::from_static("us-east-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::for_tests()))
            // Nothing listens there; the call must not get that far.
            .endpoint_url("http://127.0.0.1:9")
            .build();
        let base_credentials = BaseCredentials::load(&base, None)
            .await
            .expect("static keys");
        let aws = AwsContext::new(
            base,
            base_credentials,
            &[],
            &options,
            WarningSink::new(|_| {}),
        );
        let error = aws
            .rds_client("eu-west-1")
            .describe_db_instances()
            .send()
            .await
            .expect_err("an unsigned call fails");
        let text = error_chain_text(&error);
        assert!(text.contains("not signed as an account"), "{text}");
        assert!(!text.contains("onnection"), "never dialled: {text}");
    }
}
