//! AWS plumbing: the base `SdkConfig`, one refreshing assumed-role credential per account,
//! and RDS clients per region that share it.

mod credentials;
pub mod discover;
mod failure;
mod interceptors;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use aws_config::identity::IdentityCache;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_rds::config::retry::{RetryPartition, TokenBucket};
use aws_sdk_rds::config::{HttpClient, IntoShared, SharedHttpClient};
use aws_sdk_rds::config::{RuntimeComponents, SharedCredentialsProvider};
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{HttpConnectorSettings, SharedHttpConnector};

use crate::accounts::AccountSpec;
use crate::config::Settings;

pub use credentials::{AccountCredentials, BaseCredentials};
use credentials::{RememberRefusal, SharedBase};
pub use failure::{classify, credential_failure_text, CallFailure, FailureKind, Phase};
use interceptors::{AttemptCounter, CountAttempts, RejectTruncatedAnswers};

/// Region for STS when neither the profile nor the environment names one.
const FALLBACK_REGION: &str = "us-east-1";
/// Longest first backoff the SDK's standard retry strategy waits between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// Loads the base configuration once: profile, endpoint, retries, timeouts, identity cache.
pub async fn load_base_config(settings: &Settings) -> anyhow::Result<SdkConfig> {
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
        .http_client(shared_https_client())
        .retry_config(retry)
        .timeout_config(timeouts)
        .region(region_chain.or_else(Region::from_static(FALLBACK_REGION)));
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
fn shared_https_client() -> SharedHttpClient {
    let client = aws_smithy_http_client::Builder::new().build_with_connector_fn(
        |settings, runtime_components| {
            let mut connector = aws_smithy_http_client::ConnectorBuilder::default().tls_provider(
                tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc),
            );
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
/// each time a service client is created: once per target here. Measured by the benchmark's
/// callgrind run: 35 % fewer instructions for 800 targets; a bad TLS setup now surfaces on the
/// first request instead of at client creation.
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

/// Builds what every target needs: the base config and one credential source per account.
pub struct AwsContext {
    base: SdkConfig,
    /// Keyed by account id (unique in a run).
    accounts: HashMap<String, AccountCredentials>,
    /// Every RDS client draws on this partition. Its token bucket is unlimited on purpose: the
    /// SDK's default bucket is one per region for the whole process, so a wide fan-out under
    /// throttling drains it and fails targets with "retry quota exceeded". Attempts stay
    /// bounded by `--max-attempts` and backoff, and `--concurrency` bounds the load.
    rds_retry_partition: RetryPartition,
    assume_role_calls: Arc<AtomicU64>,
    attempts: Arc<AttemptCounter>,
}

impl AwsContext {
    pub async fn new(
        base: SdkConfig,
        base_credentials: Arc<BaseCredentials>,
        accounts: &[Arc<AccountSpec>],
        settings: &Settings,
    ) -> AwsContext {
        // One cache partition per account must survive the whole run: the default of 64
        // partitions evicts accounts on big runs and makes STS see extra AssumeRole calls.
        // Room for twice the accounts covers partitions replaced after an ExpiredToken.
        let identity_cache = IdentityCache::lazy()
            .max_partitions(accounts.len() * 2 + 64)
            // A cache miss waits for one AssumeRole including the STS client's own retries.
            .load_timeout((settings.call_timeout + MAX_BACKOFF) * settings.max_attempts)
            .build();
        let base = base.into_builder().identity_cache(identity_cache).build();
        let assume_role_calls = Arc::new(AtomicU64::new(0));
        let mut credentials = HashMap::with_capacity(accounts.len());
        for account in accounts {
            let mut builder = AssumeRoleProvider::builder(&account.role_arn)
                .session_name(&account.session_name)
                .session_length(account.session_duration)
                .configure(&base);
            if let Some(external_id) = &account.external_id {
                builder = builder.external_id(external_id);
            }
            let role = RememberRefusal {
                inner: builder
                    .build_from_provider(SharedBase(Arc::clone(&base_credentials)))
                    .await,
                refused: OnceLock::new(),
                calls: Arc::clone(&assume_role_calls),
            };
            let provider = SharedCredentialsProvider::new(role);
            credentials.insert(account.id.clone(), AccountCredentials::new(provider));
        }
        AwsContext {
            base,
            accounts: credentials,
            rds_retry_partition: RetryPartition::custom("rds-inventory")
                .token_bucket(TokenBucket::unlimited())
                .build(),
            assume_role_calls,
            attempts: Arc::new(AttemptCounter::default()),
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

    /// The credentials of one of the run's accounts.
    pub fn credentials(&self, account: &AccountSpec) -> &AccountCredentials {
        // Every account of the plan was given credentials in `new`; an unknown one is a bug.
        &self.accounts[&account.id]
    }

    /// An RDS client for one region that shares the account's cached credentials.
    pub fn rds_client(
        &self,
        region: &str,
        credentials: SharedCredentialsProvider,
    ) -> aws_sdk_rds::Client {
        // `set_credentials_provider` with the shared provider keeps its cache partition;
        // `.credentials_provider(p)` would wrap it in a new one (one AssumeRole per region).
        let mut config = aws_sdk_rds::config::Builder::from(&self.base)
            .region(Region::new(region.to_owned()))
            .retry_partition(self.rds_retry_partition.clone())
            .interceptor(CountAttempts(Arc::clone(&self.attempts)))
            .interceptor(RejectTruncatedAnswers);
        config.set_credentials_provider(Some(credentials));
        let config = config.build();
        aws_sdk_rds::Client::from_conf(config)
    }

    /// AssumeRole calls sent to STS so far (refusals remembered are not sent again).
    pub fn assume_role_calls(&self) -> u64 {
        self.assume_role_calls.load(Ordering::Relaxed)
    }
}
