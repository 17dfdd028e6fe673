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

/// A query-protocol answer ends by closing the element it opened first, e.g.
/// `<DescribeDBInstancesResponse ...>` ... `</DescribeDBInstancesResponse>`. Looks at the
/// first tag and the last bytes only: a page of 100 instances is hundreds of KB.
fn is_whole_answer(body: &[u8]) -> bool {
    let root = root_element(body);
    !root.is_empty()
        && body
            .trim_ascii_end()
            .strip_suffix(b">")
            .and_then(|t| t.strip_suffix(root))
            .is_some_and(|t| t.ends_with(b"</"))
}

/// The name of the first element, past the `<?xml ...?>` declaration and any `<!...>`.
fn root_element(body: &[u8]) -> &[u8] {
    let mut rest = body;
    while let Some(open) = rest.iter().position(|&b| b == b'<') {
        let tag = &rest[open + 1..];
        if !tag.starts_with(b"?") && !tag.starts_with(b"!") {
            let end = tag
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'>')
                .unwrap_or(tag.len());
            return &tag[..end];
        }
        rest = tag;
    }
    &[]
}

/// An AWS error answer (query protocol XML) whose code says "slow down".
fn is_throttling_answer(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    THROTTLING_CODES
        .iter()
        .any(|code| text.contains(&format!("<Code>{code}</Code>")))
}

/// The SDK's XML reader accepts a body that stops after a complete element (for
/// DescribeDBInstances: fewer instances, no Marker, no error): a body cut short by a broken
/// proxy would become a silently incomplete inventory. Every whole answer, of any operation,
/// ends by closing its root element.
#[derive(Debug)]
pub struct RejectTruncatedAnswers;

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
            Some(body) if !is_whole_answer(body) => Err(format!(
                "malformed answer: truncated XML ({} bytes, does not end with its root element)",
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
    fn a_whole_answer_closes_its_root_element() {
        let whole = "<?xml version=\"1.0\"?>\n<DescribePendingMaintenanceActionsResponse xmlns=\"x\"><R/></DescribePendingMaintenanceActionsResponse>\n";
        assert!(is_whole_answer(whole.as_bytes()));
        let cut = &whole[..whole.len() - 20];
        assert!(!is_whole_answer(cut.as_bytes()));
        assert!(!is_whole_answer(b"<A><B></B>"));
        assert!(
            !is_whole_answer(b"<A><BA></BA>"),
            "another element ending in the root's name"
        );
        assert!(is_whole_answer(b"<!-- c --><A>\n</A>\r\n"));
        assert!(!is_whole_answer(b""));
    }

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
