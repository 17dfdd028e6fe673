//! `--summary NEW_SUMMARY`: targets the run that wrote NEW failed or did not finish. NEW
//! cannot vouch for their instances, so each becomes one `unknown` line instead of a mass
//! removal, and their instances are not reported at all.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use serde::Deserialize;

use crate::config::ResourceKind;

/// The part of the summary document diff reads; other keys are ignored, so newer summaries
/// still work.
#[derive(Debug, Deserialize)]
struct SummaryDoc {
    status: String,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    targets: Option<TargetCounts>,
    #[serde(default)]
    failures: Vec<FailureDoc>,
    /// Absent in summaries written before it was added.
    #[serde(default)]
    unfinished_targets: Option<Vec<TargetDoc>>,
}

#[derive(Debug, Deserialize)]
struct TargetCounts {
    #[serde(default)]
    unfinished: u64,
}

#[derive(Debug, Deserialize)]
struct FailureDoc {
    account_id: String,
    #[serde(default)]
    account_name: Option<String>,
    /// Null when the whole account failed (its role could not be assumed).
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    phase: Option<String>,
    /// The kind that failed; absent for the whole target (and in older summaries).
    #[serde(default)]
    kind: Option<ResourceKind>,
    #[serde(default)]
    error_code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TargetDoc {
    account_id: String,
    #[serde(default)]
    account_name: Option<String>,
    #[serde(default)]
    region: Option<String>,
}

/// One target (or whole account, when `region` is `None`) whose instances are unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTarget {
    pub account_id: String,
    pub account_name: Option<String>,
    pub region: Option<String>,
    pub reason: String,
}

/// The unknown targets, at most one line per target; an account-level entry covers every
/// region of the account.
#[derive(Debug, Default)]
pub struct UnknownTargets {
    entries: Vec<UnknownTarget>,
    accounts: HashSet<String>,
    targets: HashSet<(String, String)>,
}

const UNFINISHED: &str = "unfinished: the run that wrote NEW stopped before listing this target";

impl UnknownTargets {
    /// Reads NEW's summary for a diff of `kind`: a failure of another kind leaves this
    /// kind's records known. A fatal run or an unreadable summary is trouble.
    pub fn read(
        path: &Path,
        kind: ResourceKind,
        err: &mut dyn Write,
    ) -> Result<UnknownTargets, String> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{name}: cannot read the summary: {e}"))?;
        UnknownTargets::from_json(&text, &name, kind, err)
    }

    fn from_json(
        text: &str,
        name: &str,
        kind: ResourceKind,
        err: &mut dyn Write,
    ) -> Result<UnknownTargets, String> {
        let doc: SummaryDoc = serde_json::from_str(text)
            .map_err(|e| format!("{name}: not an rds-inventory --summary document: {e}"))?;
        if doc.status == "fatal" {
            let why = doc.error.as_deref().unwrap_or("no error recorded");
            return Err(format!(
                "{name}: the run that wrote NEW failed ({why}); its output cannot be compared"
            ));
        }
        let unfinished = doc.targets.as_ref().map_or(0, |t| t.unfinished);
        if doc.unfinished_targets.is_none() && unfinished > 0 {
            let _ = writeln!(
                err,
                "diff: warning: {name}: {unfinished} targets did not finish but the summary \
                 does not name them; their instances may show as removed"
            );
        }
        let failed = doc.failures.into_iter();
        let failed = failed
            .filter(|f| f.kind.is_none_or(|k| k == kind))
            .map(|f| {
                let reason = failure_reason(&f);
                (f.account_id, f.account_name, f.region, reason)
            });
        let unfinished = doc.unfinished_targets.unwrap_or_default().into_iter();
        let unfinished =
            unfinished.map(|t| (t.account_id, t.account_name, t.region, UNFINISHED.into()));
        let mut all: Vec<_> = failed.chain(unfinished).collect();
        // Whole accounts first, so they cover that account's regional lines.
        all.sort_by_key(|(_, _, region, _)| region.is_some());
        let mut unknown = UnknownTargets::default();
        for (account_id, name, region, reason) in all {
            unknown.add(account_id, name, region, reason);
        }
        Ok(unknown)
    }

    fn add(
        &mut self,
        account_id: String,
        name: Option<String>,
        region: Option<String>,
        reason: String,
    ) {
        if self.covers(&account_id, region.as_deref().unwrap_or_default()) {
            return;
        }
        match &region {
            None => self.accounts.insert(account_id.clone()),
            Some(region) => self.targets.insert((account_id.clone(), region.clone())),
        };
        self.entries.push(UnknownTarget {
            account_id,
            account_name: name,
            region,
            reason,
        });
    }

    /// True when NEW cannot vouch for this account and region.
    pub fn covers(&self, account_id: &str, region: &str) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        self.accounts.contains(account_id)
            || self
                .targets
                .contains(&(account_id.to_owned(), region.to_owned()))
    }

    pub fn entries(&self) -> &[UnknownTarget] {
        &self.entries
    }
}

fn failure_reason(failure: &FailureDoc) -> String {
    let phase = failure.phase.as_deref().unwrap_or("listing");
    let message = failure.message.as_deref().unwrap_or("no message");
    match &failure.error_code {
        Some(code) => format!("{phase} failed: {code}: {message}"),
        None => format!("{phase} failed: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Result<UnknownTargets, String>, String) {
        let mut err = Vec::new();
        let result = UnknownTargets::from_json(text, "s.json", ResourceKind::INSTANCES, &mut err);
        (result, String::from_utf8(err).expect("utf-8"))
    }

    const FAILURES: &str = r#"{"status": "partial", "targets": {"planned": 4, "ok": 1, "failed": 3, "unfinished": 0},
        "failures": [
          {"account_id": "1", "account_name": "a", "region": "eu-west-1", "phase": "describe",
           "error_code": "Throttling", "message": "slow down"},
          {"account_id": "2", "account_name": "b", "region": null, "phase": "assume_role",
           "error_code": null, "message": "denied"},
          {"account_id": "2", "account_name": "b", "region": "us-east-1", "phase": "assume_role",
           "error_code": null, "message": "denied"}],
        "unfinished_targets": [], "instances": 5}"#;

    #[test]
    fn region_failure_covers_that_target_only() {
        let (unknown, _) = parse(FAILURES);
        let unknown = unknown.expect("summary");
        assert!(unknown.covers("1", "eu-west-1"));
        assert!(!unknown.covers("1", "us-east-1"));
        assert_eq!(
            unknown.entries()[1].reason,
            "describe failed: Throttling: slow down"
        );
    }

    #[test]
    fn account_failure_covers_every_region_once() {
        let (unknown, _) = parse(FAILURES);
        let unknown = unknown.expect("summary");
        assert!(unknown.covers("2", "ap-south-1"));
        let account_two: Vec<_> = unknown
            .entries()
            .iter()
            .filter(|e| e.account_id == "2")
            .collect();
        assert_eq!(account_two.len(), 1, "{account_two:?}");
        assert_eq!(account_two[0].region, None);
    }

    #[test]
    fn unfinished_targets_are_unknown() {
        let (unknown, err) = parse(
            r#"{"status": "interrupted", "failures": [],
                "unfinished_targets": [{"account_id": "3", "account_name": "c", "region": "r"}]}"#,
        );
        let unknown = unknown.expect("summary");
        assert!(unknown.covers("3", "r"));
        assert!(unknown.entries()[0].reason.starts_with("unfinished"));
        assert!(err.is_empty());
    }

    #[test]
    fn summary_without_unfinished_list_is_accepted_with_a_warning() {
        let (unknown, err) =
            parse(r#"{"status": "interrupted", "targets": {"unfinished": 2}, "failures": []}"#);
        assert!(unknown.expect("summary").entries().is_empty());
        assert!(err.contains("2 targets did not finish"), "{err}");
    }

    #[test]
    fn fatal_or_unreadable_summary_is_trouble() {
        let (fatal, _) = parse(r#"{"status": "fatal", "error": "no credentials", "failures": []}"#);
        assert!(fatal.expect_err("fatal").contains("no credentials"));
        let (garbage, _) = parse("not json");
        assert!(garbage
            .expect_err("garbage")
            .contains("s.json: not an rds-inventory"));
        let (no_status, _) = parse("{}");
        assert!(no_status.is_err());
    }
}
