//! One target's calls: signed as its account, with the recoveries the SDK does not make itself
//! (ExpiredToken refresh, throttle rounds within the retry budget, transient AssumeRole
//! failures). Every kind's calls, follow-up calls included, go through it.

use std::future::Future;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use aws_sdk_rds::config::SharedCredentialsProvider;
use aws_sdk_rds::error::{ProvideErrorMetadata, SdkError};

use super::window::Window;
use super::FetchOptions;
use crate::aws::{classify, AccountCredentials, AwsContext, CallFailure, FailureKind, Phase};
use crate::parameters::TargetParameters;
use crate::plan::Target;
use crate::record::Calls;

/// ExpiredToken answers tolerated per page: each discards the account's cached keys once.
const MAX_CREDENTIAL_REFRESHES: u32 = 3;
/// Longest wait between two rounds of retries.
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// One target's list calls (every kind's), with the recoveries the SDK does not make itself.
/// Paging is by hand (not `into_paginator`) so that a page that fails is retried at the same
/// marker: no page lost, none repeated.
pub(super) struct TargetCalls<'a> {
    pub(super) aws: &'a AwsContext,
    pub(super) target: &'a Target,
    options: FetchOptions,
    credentials: &'a AccountCredentials,
    /// The credential generation `signer` is (see `AccountCredentials::discard`).
    generation: u64,
    /// The account's credentials, which sign every call of the region's shared client.
    signer: SharedCredentialsProvider,
    client: aws_sdk_rds::Client,
    /// Built on first use for `--with` (its paginators take no per-call signer), for `signer`.
    /// Most targets never need it: the engine-support answers are shared by the whole run.
    joins_client: OnceLock<aws_sdk_rds::Client>,
    /// `--with parameters` and the group kinds: the target's parameter group answers, each
    /// asked once.
    pub(super) parameters: TargetParameters,
    refreshes: u32,
    credential_rounds: u32,
    throttled: Option<Throttled>,
    window: &'a Window,
}

/// A run of throttled calls without a success in between.
struct Throttled {
    since: Instant,
    rounds: u32,
}

impl<'a> TargetCalls<'a> {
    pub(super) fn new(
        aws: &'a AwsContext,
        target: &'a Target,
        options: FetchOptions,
        window: &'a Window,
    ) -> Self {
        let credentials = aws.credentials(&target.account);
        let (generation, provider) = credentials.current();
        TargetCalls {
            client: aws.rds_client(&target.region),
            signer: provider,
            joins_client: OnceLock::new(),
            aws,
            target,
            options,
            credentials,
            generation,
            parameters: TargetParameters::default(),
            refreshes: 0,
            credential_rounds: 0,
            throttled: None,
            window,
        }
    }

    /// A client signed as the account, for the joins' paginated calls: at most one per target,
    /// built when a join first has to call.
    pub(super) fn joins_client(&self) -> aws_sdk_rds::Client {
        let (aws, region, signer) = (self.aws, &self.target.region, &self.signer);
        self.joins_client
            .get_or_init(|| aws.account_rds_client(region, signer.clone()))
            .clone()
    }

    /// The account's credentials as the target signs with them, for clients of other
    /// services (CloudWatch): the same provider, so the run's identity cache serves it.
    pub(super) fn credentials(&self) -> SharedCredentialsProvider {
        self.signer.clone()
    }

    /// One call, signed as the account, retried until it answers or a failure is final.
    /// `request` builds the call from the region's client and the per-call signing override.
    async fn call_classified<T, F, Fut>(&mut self, request: F) -> Result<T, CallFailure>
    where
        F: Fn(&aws_sdk_rds::Client, aws_sdk_rds::config::Builder) -> Fut,
        Fut: Future<Output = Result<T, CallFailure>>,
    {
        loop {
            let signed = self.aws.signed_as(self.signer.clone());
            match request(&self.client, signed).await {
                Ok(answer) => {
                    self.refreshes = 0;
                    self.throttled = None;
                    return Ok(answer);
                }
                Err(failure) => self.recover(failure).await?,
            }
        }
    }

    /// Waits or refreshes so that the next attempt can succeed, or gives the failure back.
    async fn recover(&mut self, failure: CallFailure) -> Result<(), CallFailure> {
        match failure.kind {
            FailureKind::ExpiredToken if self.refreshes < MAX_CREDENTIAL_REFRESHES => {
                self.refreshes += 1;
                self.credentials.discard(self.generation);
                let (generation, provider) = self.credentials.current();
                self.generation = generation;
                self.signer = provider;
                self.joins_client = OnceLock::new();
                Ok(())
            }
            FailureKind::Throttled => self.wait_out_throttling(failure).await,
            // STS's own retries are spent and a failed load is not cached: wait, then let the
            // cache ask STS again.
            FailureKind::Transient
                if failure.phase == Phase::AssumeRole
                    && self.credential_rounds < self.options.max_attempts =>
            {
                self.credential_rounds += 1;
                let wait = backoff(self.options.initial_backoff, self.credential_rounds);
                tokio::time::sleep(wait).await;
                Ok(())
            }
            _ => Err(failure),
        }
    }

    /// Throttling slows a target down; it fails only once AWS has throttled it without a
    /// break for the whole retry budget.
    async fn wait_out_throttling(&mut self, failure: CallFailure) -> Result<(), CallFailure> {
        let budget = self.options.retry_budget;
        let throttled = self.throttled.get_or_insert(Throttled {
            since: Instant::now(),
            rounds: 0,
        });
        throttled.rounds += 1;
        self.window.throttled();
        let wait = backoff(self.options.initial_backoff, throttled.rounds);
        if throttled.since.elapsed() + wait > budget {
            let attempts = throttled.rounds * self.options.max_attempts;
            return Err(CallFailure {
                message: format!(
                    "throttled for {} ({attempts} attempts): {}",
                    crate::config::human_duration(budget),
                    failure.message
                ),
                ..failure
            });
        }
        tokio::time::sleep(wait).await;
        Ok(())
    }
}

impl Calls for TargetCalls<'_> {
    type Failure = CallFailure;

    fn call<T, E, F, Fut>(
        &mut self,
        request: F,
    ) -> impl Future<Output = Result<T, CallFailure>> + Send
    where
        T: Send,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        F: Fn(&aws_sdk_rds::Client, aws_sdk_rds::config::Builder) -> Fut + Send + Sync,
        Fut: Future<Output = Result<T, SdkError<E>>> + Send,
    {
        self.call_classified(move |client, signed| {
            let answer = request(client, signed);
            async move { answer.await.map_err(|e| classify(&e)) }
        })
    }

    fn listed_user_parameters(&self, cluster: bool, group: &str) -> Option<Vec<(String, String)>> {
        self.parameters.listed(cluster, group).map(<[_]>::to_vec)
    }

    fn remember_user_parameters(
        &mut self,
        cluster: bool,
        group: &str,
        parameters: &[(String, String)],
    ) {
        self.parameters
            .remember(cluster, group, parameters.to_vec());
    }
}

/// Exponential backoff, 50-100 % of `initial * 2^round` (jittered so targets that failed
/// together do not retry together), capped at 20 s.
fn backoff(initial: Duration, round: u32) -> Duration {
    let ceiling = initial.saturating_mul(1 << round.min(16)).min(MAX_BACKOFF);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    ceiling.mul_f64(0.5 + f64::from(nanos % 1000) / 2000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        for round in 1..=3 {
            let ceiling = Duration::from_millis(100) * (1 << round);
            let wait = backoff(Duration::from_millis(100), round);
            assert!(
                wait >= ceiling / 2 && wait <= ceiling,
                "round {round}: {wait:?}"
            );
        }
        assert!(backoff(Duration::from_secs(1), 30) <= MAX_BACKOFF);
    }
}
