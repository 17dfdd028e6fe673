//! AWS plumbing: the base `SdkConfig`, one refreshing assumed-role credential per account,
//! RDS clients per region, and the classification of AWS errors into what users need to know.

use std::error::Error as StdError;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use anyhow::Context;
use aws_config::identity::IdentityCache;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::future;
use aws_sdk_rds::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeSerializationInterceptorContextRef,
    BeforeTransmitInterceptorContextRef,
};
use aws_sdk_rds::config::retry::{RetryPartition, TokenBucket};
use aws_sdk_rds::config::{
    ConfigBag, Credentials, Intercept, ProvideCredentials, RuntimeComponents,
    SharedCredentialsProvider,
};
use aws_sdk_rds::config::{HttpClient, IntoShared, SharedHttpClient};
use aws_sdk_rds::error::{BoxError, DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{HttpConnectorSettings, SharedHttpConnector};

use crate::config::{AccountSpec, Settings};

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

/// The base identity's credentials, cached for the whole run.
///
/// `AssumeRoleProvider` signs each AssumeRole with the base provider and no cache of its own,
/// so without this an SSO or credential_process profile would be asked once per account
/// (hundreds of SSO calls or process spawns). Renewed five minutes before expiry.
#[derive(Debug)]
pub struct BaseCredentials {
    provider: SharedCredentialsProvider,
    cached: tokio::sync::Mutex<Option<Credentials>>,
}

/// Base credentials are renewed this long before they expire.
const BASE_REFRESH_MARGIN: Duration = Duration::from_secs(300);

impl BaseCredentials {
    /// Loads the base credentials once, so a run without usable ones fails before any target.
    pub async fn load(base: &SdkConfig) -> anyhow::Result<Arc<BaseCredentials>> {
        let provider = base
            .credentials_provider()
            .context("no base credentials: configure a profile (--profile) or AWS_* variables")?;
        let cache = Arc::new(BaseCredentials {
            provider,
            cached: tokio::sync::Mutex::new(None),
        });
        cache
            .credentials()
            .await
            .map_err(|e| anyhow::anyhow!("{}", DisplayErrorContext(&e)))
            .context("cannot load base credentials")?;
        Ok(cache)
    }

    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        // The lock makes concurrent misses wait for one load instead of each starting one.
        let mut cached = self.cached.lock().await;
        if let Some(credentials) = cached.as_ref() {
            let fresh = credentials.expiry().is_none_or(|expiry| {
                expiry
                    .duration_since(std::time::SystemTime::now())
                    .is_ok_and(|left| left > BASE_REFRESH_MARGIN)
            });
            if fresh {
                return Ok(credentials.clone());
            }
        }
        let credentials = self.provider.provide_credentials().await?;
        *cached = Some(credentials.clone());
        Ok(credentials)
    }
}

/// Forwards to a shared [`BaseCredentials`], so every account's AssumeRole uses one cache.
#[derive(Debug)]
struct SharedBase(Arc<BaseCredentials>);

impl ProvideCredentials for SharedBase {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.0.credentials())
    }
}

/// Builds what every target needs: the base config and one credential source per account.
pub struct AwsContext {
    base: SdkConfig,
    accounts: Vec<AccountCredentials>,
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
        let mut credentials = Vec::with_capacity(accounts.len());
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
            credentials.push(AccountCredentials::new(SharedCredentialsProvider::new(
                role,
            )));
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

    pub fn account(&self, index: usize) -> &AccountCredentials {
        &self.accounts[index]
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

/// Operations and attempts of every RDS client, for the run summary's retry count.
#[derive(Debug, Default)]
struct AttemptCounter {
    operations: AtomicU64,
    attempts: AtomicU64,
}

#[derive(Debug)]
struct CountAttempts(Arc<AttemptCounter>);

impl Intercept for CountAttempts {
    fn name(&self) -> &'static str {
        "CountAttempts"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.operations.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.attempts.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// The SDK's XML reader accepts a DescribeDBInstances body that stops after a complete
/// instance (no error, fewer instances, no Marker): a body cut short by a broken proxy would
/// become a silently incomplete inventory. A whole answer ends with its root element.
#[derive(Debug)]
struct RejectTruncatedAnswers;

/// The closing tag of every query-protocol DescribeDBInstances answer.
const DESCRIBE_ANSWER_END: &[u8] = b"</DescribeDBInstancesResponse>";

impl Intercept for RejectTruncatedAnswers {
    fn name(&self) -> &'static str {
        "RejectTruncatedAnswers"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response();
        if !response.status().is_success() {
            return Ok(());
        }
        match response.body().bytes() {
            Some(body) if !body.trim_ascii_end().ends_with(DESCRIBE_ANSWER_END) => Err(format!(
                "malformed answer: truncated XML ({} bytes, no closing </DescribeDBInstancesResponse>)",
                body.len()
            )
            .into()),
            _ => Ok(()),
        }
    }
}

/// One account's credentials: the assumed-role provider, in a cache partition that all of
/// the account's regions share, and that can be replaced when AWS says the keys expired.
pub struct AccountCredentials {
    role: SharedCredentialsProvider,
    current: Mutex<(u64, SharedCredentialsProvider)>,
}

impl AccountCredentials {
    fn new(role: SharedCredentialsProvider) -> Self {
        let current = Mutex::new((0, SharedCredentialsProvider::new(role.clone())));
        AccountCredentials { role, current }
    }

    /// The provider to sign with now, and its generation (to pass back to [`Self::discard`]).
    pub fn current(&self) -> (u64, SharedCredentialsProvider) {
        let guard = self.current.lock().unwrap_or_else(|p| p.into_inner());
        (guard.0, guard.1.clone())
    }

    /// Drops the cached credentials of `generation` after AWS rejected them as expired (the
    /// SDK neither retries ExpiredToken nor evicts the cache). A new partition forces one new
    /// AssumeRole; regions reporting the same stale generation do not replace it again.
    pub fn discard(&self, generation: u64) {
        let mut guard = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if guard.0 == generation {
            *guard = (
                generation + 1,
                SharedCredentialsProvider::new(self.role.clone()),
            );
        }
    }
}

/// Wraps the AssumeRole provider: counts calls, turns errors into [`RoleFailure`], and
/// remembers a refusal (AccessDenied...) so an account's other regions do not ask STS again.
#[derive(Debug)]
struct RememberRefusal {
    inner: AssumeRoleProvider,
    refused: OnceLock<RoleFailure>,
    calls: Arc<AtomicU64>,
}

impl RememberRefusal {
    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        if let Some(refusal) = self.refused.get() {
            return Err(CredentialsError::provider_error(refusal.clone()));
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.inner.provide_credentials().await.map_err(|e| {
            let failure = RoleFailure::from_credentials_error(&e);
            if !failure.transient {
                let _ = self.refused.set(failure.clone());
            }
            CredentialsError::provider_error(failure)
        })
    }
}

impl ProvideCredentials for RememberRefusal {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}

/// Why an AssumeRole failed, as the AWS error code and message (never credentials).
#[derive(Debug, Clone)]
pub struct RoleFailure {
    pub code: Option<String>,
    pub message: String,
    pub transient: bool,
}

impl RoleFailure {
    fn from_credentials_error(error: &CredentialsError) -> RoleFailure {
        let mut source: Option<&(dyn StdError + 'static)> = StdError::source(error);
        while let Some(e) = source {
            if let Some(sdk) = e.downcast_ref::<SdkError<AssumeRoleError>>() {
                let (code, message, transient) = describe_sdk_error(sdk);
                return RoleFailure {
                    code,
                    message,
                    transient,
                };
            }
            source = e.source();
        }
        RoleFailure {
            code: None,
            message: DisplayErrorContext(error).to_string(),
            transient: false,
        }
    }
}

/// "CODE: message" for a failed credential load, looking through to the AssumeRole cause.
pub fn role_failure_text(error: &CredentialsError) -> String {
    let mut source: Option<&(dyn StdError + 'static)> = StdError::source(error);
    while let Some(e) = source {
        if let Some(role) = e.downcast_ref::<RoleFailure>() {
            return role.to_string();
        }
        source = e.source();
    }
    DisplayErrorContext(error).to_string()
}

impl fmt::Display for RoleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl StdError for RoleFailure {}

/// What a failed call means for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// STS refused the role (AccessDenied, bad trust policy, missing ExternalId...).
    CannotAssumeRole,
    /// The role's keys work elsewhere but this region rejects them: an opt-in region.
    RegionNotEnabled,
    /// The keys expired before the cache refreshed them (clock skew).
    ExpiredToken,
    /// Throttling, 5xx, timeouts, connection errors that outlived the SDK's retries.
    Transient,
    /// Anything else, including answers that could not be parsed.
    Other,
}

/// Which call failed: getting the account's credentials, or listing its instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    AssumeRole,
    Describe,
}

/// A classified failure of one AWS call.
#[derive(Debug, Clone)]
pub struct CallFailure {
    pub phase: Phase,
    pub kind: FailureKind,
    pub code: Option<String>,
    pub message: String,
}

/// Classifies an RDS error, looking through credential errors to the AssumeRole cause.
pub fn classify<E>(error: &SdkError<E>) -> CallFailure
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let mut source: Option<&(dyn StdError + 'static)> = StdError::source(error);
    while let Some(e) = source {
        if let Some(role) = e.downcast_ref::<RoleFailure>() {
            return CallFailure {
                phase: Phase::AssumeRole,
                kind: if role.transient {
                    FailureKind::Transient
                } else {
                    FailureKind::CannotAssumeRole
                },
                code: role.code.clone(),
                message: role.message.clone(),
            };
        }
        source = e.source();
    }
    let (code, message, transient) = describe_sdk_error(error);
    let kind = match code.as_deref() {
        Some("ExpiredToken" | "ExpiredTokenException" | "RequestExpired") => {
            FailureKind::ExpiredToken
        }
        Some("InvalidClientTokenId" | "AuthFailure" | "UnrecognizedClientException") => {
            FailureKind::RegionNotEnabled
        }
        _ if transient => FailureKind::Transient,
        _ => FailureKind::Other,
    };
    CallFailure {
        phase: Phase::Describe,
        kind,
        code,
        message,
    }
}

/// Code, message and whether retrying later could help, for any SDK error.
fn describe_sdk_error<E>(error: &SdkError<E>) -> (Option<String>, String, bool)
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    match error {
        SdkError::ServiceError(context) if context.raw().status().is_success() => {
            // A success status whose body did not parse (e.g. truncated XML).
            let body = context
                .raw()
                .body()
                .bytes()
                .map(body_excerpt)
                .unwrap_or_default();
            let status = context.raw().status().as_u16();
            (
                None,
                format!("malformed answer (HTTP {status}, unparseable body): {body}"),
                false,
            )
        }
        SdkError::ServiceError(context) => {
            let status = context.raw().status().as_u16();
            // Some endpoints answer in a shape the SDK cannot read (moto wraps errors in
            // <Errors>): fall back to the HTTP status and the start of the body.
            let code = error
                .code()
                .map(str::to_owned)
                .or_else(|| Some(format!("HTTP {status}")));
            let message = error
                .message()
                .map(str::to_owned)
                .or_else(|| context.raw().body().bytes().map(body_excerpt))
                .unwrap_or_else(|| DisplayErrorContext(context.err()).to_string());
            let transient = status >= 500
                || matches!(
                    code.as_deref(),
                    Some(
                        "Throttling"
                            | "ThrottlingException"
                            | "RequestLimitExceeded"
                            | "TooManyRequestsException"
                            | "RequestThrottled"
                            | "ServiceUnavailable"
                            | "InternalFailure"
                    )
                );
            (code, message, transient)
        }
        SdkError::TimeoutError(_) => (None, "timed out (every attempt)".into(), true),
        SdkError::DispatchFailure(_) => (None, DisplayErrorContext(error).to_string(), true),
        SdkError::ResponseError(_) => (
            None,
            format!("malformed answer: {}", DisplayErrorContext(error)),
            false,
        ),
        _ => (None, DisplayErrorContext(error).to_string(), false),
    }
}

/// The first 200 characters of an error body, on one line.
fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    line.chars().take(200).collect()
}
