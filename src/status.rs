//! How a run ended, and the one function that maps it to the process exit code.

use std::io;

use serde::{Serialize, Serializer};

use crate::config::UsageError;

/// Whether a write failed because the reader went away (`| head`), which is not an error:
/// the one place that says how that looks.
pub fn reader_gone(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::BrokenPipe
}

/// How a run (or `plan --check`) ended. Serialized as the summary's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Every target listed.
    Complete,
    /// Some targets failed; the output holds every other target completely.
    Partial,
    /// The reader went away (`| head`): not an error.
    OutputClosed,
    /// Ctrl-C: nothing was committed.
    Interrupted,
    /// Nothing usable: the accounts file, base credentials, the output file...
    Fatal,
    /// A command-line mistake, found before or after discovery.
    Usage,
}

impl RunStatus {
    /// The documented exit codes (README, "Exit codes").
    pub fn exit_code(self) -> u8 {
        match self {
            RunStatus::Complete | RunStatus::OutputClosed => 0,
            RunStatus::Fatal => 1,
            RunStatus::Usage => 2,
            RunStatus::Partial => 3,
            RunStatus::Interrupted => 130,
        }
    }

    /// A command that wrote its whole output with `written`: complete, output closed when
    /// the reader went away, else the error with `what` as its context.
    pub fn after_writing(written: io::Result<()>, what: &str) -> anyhow::Result<RunStatus> {
        match written {
            Ok(()) => Ok(RunStatus::Complete),
            Err(e) if reader_gone(&e) => Ok(RunStatus::OutputClosed),
            Err(e) => Err(anyhow::Error::new(e).context(what.to_owned())),
        }
    }

    /// A finished run: complete unless a target failed.
    pub fn of_failures(failed: u64) -> RunStatus {
        if failed == 0 {
            RunStatus::Complete
        } else {
            RunStatus::Partial
        }
    }

    /// A run that stopped with `error`: a usage error anywhere in its chain, or fatal.
    pub fn of_error(error: &anyhow::Error) -> RunStatus {
        if error.chain().any(|e| e.is::<UsageError>()) {
            RunStatus::Usage
        } else {
            RunStatus::Fatal
        }
    }

    /// The name in the summary file; a usage error is a fatal run there too.
    pub fn name(self) -> &'static str {
        match self {
            RunStatus::Complete => "complete",
            RunStatus::Partial => "partial",
            RunStatus::OutputClosed => "output_closed",
            RunStatus::Interrupted => "interrupted",
            RunStatus::Fatal | RunStatus::Usage => "fatal",
        }
    }
}

impl Serialize for RunStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_reader_is_output_closed_and_other_write_errors_are_fatal() {
        assert_eq!(
            RunStatus::after_writing(Ok(()), "x").expect("ok"),
            RunStatus::Complete
        );
        let closed = io::Error::from(io::ErrorKind::BrokenPipe);
        assert_eq!(
            RunStatus::after_writing(Err(closed), "x").expect("closed is no error"),
            RunStatus::OutputClosed
        );
        let full = io::Error::other("disk full");
        let error = RunStatus::after_writing(Err(full), "cannot write the plan")
            .expect_err("a real write error");
        assert_eq!(format!("{error:#}"), "cannot write the plan: disk full");
    }
    use anyhow::Context;

    #[test]
    fn exit_codes_are_the_documented_ones() {
        let codes: Vec<(RunStatus, u8)> = [
            RunStatus::Complete,
            RunStatus::OutputClosed,
            RunStatus::Fatal,
            RunStatus::Usage,
            RunStatus::Partial,
            RunStatus::Interrupted,
        ]
        .into_iter()
        .map(|s| (s, s.exit_code()))
        .collect();
        assert_eq!(
            codes,
            [
                (RunStatus::Complete, 0),
                (RunStatus::OutputClosed, 0),
                (RunStatus::Fatal, 1),
                (RunStatus::Usage, 2),
                (RunStatus::Partial, 3),
                (RunStatus::Interrupted, 130),
            ]
        );
    }

    #[test]
    fn one_failed_target_makes_a_partial_run() {
        assert_eq!(RunStatus::of_failures(0), RunStatus::Complete);
        assert_eq!(RunStatus::of_failures(1), RunStatus::Partial);
    }

    #[test]
    fn a_usage_error_under_context_is_still_usage() {
        let usage = Err::<(), _>(UsageError("--account x".into()))
            .context("resolving accounts")
            .expect_err("error");
        assert_eq!(RunStatus::of_error(&usage), RunStatus::Usage);
        assert_eq!(
            RunStatus::of_error(&anyhow::anyhow!("no credentials")),
            RunStatus::Fatal
        );
    }

    #[test]
    fn usage_is_reported_as_fatal_in_the_summary() {
        let json = serde_json::to_string(&[RunStatus::Usage, RunStatus::OutputClosed])
            .expect("serializes");
        assert_eq!(json, r#"["fatal","output_closed"]"#);
    }
}
