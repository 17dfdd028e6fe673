//! Credentials: the base identity's, cached for the run, and one refreshing assumed-role
//! credential per account, shared by all of its regions.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use aws_config::{Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::future;
use aws_sdk_rds::config::{Credentials, ProvideCredentials, SharedCredentialsProvider};

use super::failure::{
    assume_role_failure, error_chain_text, AccountWarning, CallFailure, FailureKind, Phase,
    WarningSink,
};
use crate::accounts::AccountSpec;

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
    pub async fn load(
        base: &SdkConfig,
        profile: Option<&str>,
    ) -> anyhow::Result<Arc<BaseCredentials>> {
        let provider = base
            .credentials_provider()
            .ok_or_else(|| anyhow::anyhow!(no_credentials_advice(profile, "none configured")))?;
        let cache = Arc::new(BaseCredentials {
            provider,
            cached: tokio::sync::Mutex::new(None),
        });
        if let Err(e) = cache.credentials().await {
            anyhow::bail!(no_credentials_advice(profile, &error_chain_text(&e)));
        }
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

/// What was tried and what to do, in words, when the base identity has no credentials. The
/// SDK's own error names only the last provider it asked (a missing profile is "the credential
/// provider was not enabled", no credentials at all an instance metadata error).
fn no_credentials_advice(profile: Option<&str>, cause: &str) -> String {
    let file = |var: &str, default: &str| {
        std::env::var(var).unwrap_or_else(|_| format!("{default} ({var} unset)"))
    };
    let files = format!(
        "{} and {}",
        file("AWS_CONFIG_FILE", "~/.aws/config"),
        file("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")
    );
    match profile {
        Some(name) => format!(
            "cannot load base credentials from profile {name:?}, looked up in {files}: {cause}\nCheck that the profile exists there and has credentials (sso_session, role_arn, credential_process or keys); for an SSO profile, run `aws sso login --profile {name}` first."
        ),
        None => {
            let profile = std::env::var("AWS_PROFILE")
                .map_or_else(|_| "default".to_owned(), |p| format!("{p} (AWS_PROFILE)"));
            format!(
                "no base credentials found: {cause}\nTried, in order: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; web identity (AWS_WEB_IDENTITY_TOKEN_FILE); profile {profile} in {files}; container credentials (ECS); instance metadata (EC2).\nPass --profile NAME (for SSO, run `aws sso login --profile NAME` first), set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
            )
        }
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

/// Longest session STS grants a role-chained identity, and what a role allows unless its
/// MaxSessionDuration was raised.
const CHAINED_SESSION: Duration = Duration::from_secs(3600);

/// One account's AssumeRole: the account's one refreshing credential source (the run's
/// identity cache calls it when the cached keys near expiry, once per account partition).
/// Counts calls, turns errors into a [`CallFailure`], remembers a refusal (AccessDenied...) so
/// the account's other regions do not ask STS again, and falls back to a 1 h session when the
/// role refuses the length asked for.
///
/// It signs with an STS client shared by every account (aws-config's `AssumeRoleProvider`
/// builds a private STS client per account: 15.6 KB of heap each, most of the memory of an
/// organization-wide run), and keeps only what this account's request needs.
#[derive(Debug)]
pub(super) struct AccountRole {
    account: Arc<AccountSpec>,
    sts: aws_sdk_sts::Client,
    /// Set once the role refused the configured session length.
    shortened: AtomicBool,
    refused: OnceLock<CallFailure>,
    calls: Arc<AtomicU64>,
    warn: WarningSink,
}

impl AccountRole {
    pub(super) fn new(
        account: Arc<AccountSpec>,
        sts: aws_sdk_sts::Client,
        calls: Arc<AtomicU64>,
        warn: WarningSink,
    ) -> AccountRole {
        AccountRole {
            account,
            sts,
            shortened: AtomicBool::new(false),
            refused: OnceLock::new(),
            calls,
            warn,
        }
    }

    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        if let Some(refusal) = self.refused.get() {
            return Err(CredentialsError::provider_error(refusal.clone()));
        }
        let shortened = self.shortened.load(Ordering::Relaxed);
        let session = if shortened {
            CHAINED_SESSION
        } else {
            self.account.session_duration
        };
        match self.assume(session).await {
            Err(failure) if !shortened && too_long(&failure) => {
                self.shorten();
                self.assume(CHAINED_SESSION).await
            }
            other => other,
        }
        .map_err(|failure| {
            // A refusal stays a refusal; "slow down" and 5xx may pass.
            if !matches!(
                failure.kind,
                FailureKind::Transient | FailureKind::Throttled
            ) {
                let _ = self.refused.set(failure.clone());
            }
            CredentialsError::provider_error(failure)
        })
    }

    async fn assume(&self, session: Duration) -> Result<Credentials, CallFailure> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let account = &self.account;
        let answer = self
            .sts
            .assume_role()
            .role_arn(&account.role_arn)
            .role_session_name(&account.session_name)
            .set_external_id(account.external_id.clone())
            .duration_seconds(i32::try_from(session.as_secs()).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(|e| assume_role_failure(&e))?;
        let malformed = |what: &str| CallFailure {
            phase: Phase::AssumeRole,
            kind: FailureKind::Other,
            code: None,
            message: format!("malformed answer: AssumeRole {what}"),
        };
        let keys = answer
            .credentials
            .ok_or_else(|| malformed("returned no credentials"))?;
        let expiry = std::time::SystemTime::try_from(keys.expiration)
            .map_err(|_| malformed("credentials expire at an impossible time"))?;
        Ok(Credentials::new(
            keys.access_key_id,
            keys.secret_access_key,
            Some(keys.session_token),
            Some(expiry),
            "AssumeRole",
        ))
    }

    /// Switches to 1 h sessions, warning once however many regions ask at once.
    fn shorten(&self) {
        if self.shortened.swap(true, Ordering::Relaxed) {
            return;
        }
        let message = format!(
            "the role refuses session_duration {} (above its MaxSessionDuration, or role chaining caps it at 1 h); using 1 h sessions, refreshed as they expire",
            crate::config::human_duration(self.account.session_duration)
        );
        let warning = AccountWarning {
            account: Arc::clone(&self.account),
            failure: CallFailure {
                phase: Phase::AssumeRole,
                kind: FailureKind::Other,
                code: Some("ValidationError".into()),
                message,
            },
        };
        self.warn.warn(warning);
    }
}

/// STS's answer to a session longer than the role allows.
fn too_long(failure: &CallFailure) -> bool {
    failure.code.as_deref() == Some("ValidationError")
        && failure.message.contains("DurationSeconds exceeds")
}

/// The STS client every account's AssumeRole shares within one STS region: signed with the
/// base identity's cached credentials, with no identity cache of its own (as aws-config's
/// `AssumeRoleProvider` builds it).
pub(super) fn sts_client(
    base: &SdkConfig,
    region: Option<Region>,
    base_credentials: &Arc<BaseCredentials>,
) -> aws_sdk_sts::Client {
    let mut config = aws_sdk_sts::config::Builder::from(base)
        .identity_cache(aws_sdk_sts::config::IdentityCache::no_cache());
    config.set_credentials_provider(Some(SharedCredentialsProvider::new(SharedBase(
        Arc::clone(base_credentials),
    ))));
    if let Some(region) = region {
        config = config.region(region);
    }
    aws_sdk_sts::Client::from_conf(config.build())
}

impl ProvideCredentials for AccountRole {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}
