//! Interceptors on every RDS client: attempt counting for the summary, and a guard against
//! answers cut short.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use aws_sdk_rds::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeSerializationInterceptorContextRef,
    BeforeTransmitInterceptorContextRef,
};
use aws_sdk_rds::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_rds::error::BoxError;

use super::failure::THROTTLING_CODES;

/// Operations and attempts of every RDS client, for the run summary's retry count.
#[derive(Debug, Default)]
pub struct AttemptCounter {
    pub operations: AtomicU64,
    pub attempts: AtomicU64,
    /// Answers with a throttling error code.
    pub throttled: AtomicU64,
}

#[derive(Debug)]
pub struct CountAttempts(pub Arc<AttemptCounter>);

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

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response();
        if response.status().is_success() {
            return Ok(());
        }
        if response.body().bytes().is_some_and(is_throttling_answer) {
            self.0.throttled.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// An AWS error answer (query protocol XML) whose code says "slow down".
fn is_throttling_answer(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    THROTTLING_CODES
        .iter()
        .any(|code| text.contains(&format!("<Code>{code}</Code>")))
}

/// The SDK's XML reader accepts a DescribeDBInstances body that stops after a complete
/// instance (no error, fewer instances, no Marker): a body cut short by a broken proxy would
/// become a silently incomplete inventory. A whole answer ends with its root element.
#[derive(Debug)]
pub struct RejectTruncatedAnswers;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_answers_are_told_by_their_code() {
        let answer = |code: &str| {
            format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>m</Message></Error></ErrorResponse>")
        };
        assert!(is_throttling_answer(answer("Throttling").as_bytes()));
        assert!(is_throttling_answer(
            answer("RequestLimitExceeded").as_bytes()
        ));
        assert!(!is_throttling_answer(answer("AccessDenied").as_bytes()));
    }
}
