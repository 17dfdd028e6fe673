//! Credentials: the base identity's, cached for the run, and one refreshing assumed-role
//! credential per account, shared by all of its regions.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use anyhow::Context;
use aws_config::sts::AssumeRoleProvider;
use aws_config::SdkConfig;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::future;
use aws_sdk_rds::config::{Credentials, ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_rds::error::DisplayErrorContext;

use super::failure::{assume_role_failure, CallFailure, FailureKind};

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
pub(super) struct SharedBase(pub(super) Arc<BaseCredentials>);

impl ProvideCredentials for SharedBase {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.0.credentials())
    }
}

/// One account's credentials: the assumed-role provider, in a cache partition that all of
/// the account's regions share, and that can be replaced when AWS says the keys expired.
pub struct AccountCredentials {
    role: SharedCredentialsProvider,
    current: Mutex<(u64, SharedCredentialsProvider)>,
}

impl AccountCredentials {
    pub(super) fn new(role: SharedCredentialsProvider) -> Self {
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

/// Wraps the AssumeRole provider: counts calls, turns errors into a [`CallFailure`], and
/// remembers a refusal (AccessDenied...) so an account's other regions do not ask STS again.
#[derive(Debug)]
pub(super) struct RememberRefusal {
    pub(super) inner: AssumeRoleProvider,
    pub(super) refused: OnceLock<CallFailure>,
    pub(super) calls: Arc<AtomicU64>,
}

impl RememberRefusal {
    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        if let Some(refusal) = self.refused.get() {
            return Err(CredentialsError::provider_error(refusal.clone()));
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.inner.provide_credentials().await.map_err(|e| {
            let failure = assume_role_failure(&e);
            if failure.kind != FailureKind::Transient {
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
