//! Checks of single values (account ids, role names and ARNs, session names, durations),
//! shared by the accounts file and the command line. Each returns the message to show.

use std::time::Duration;

const MIN_SESSION: Duration = Duration::from_secs(15 * 60);
const MAX_SESSION: Duration = Duration::from_secs(12 * 3600);

pub fn account_id(id: &str) -> Result<(), String> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("{id:?} is not a 12-digit account id"))
    }
}

pub fn role_arn(arn: &str) -> Result<(), String> {
    let bad = || format!("{arn:?} is not an IAM role ARN like arn:aws:iam::123456789012:role/Name");
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(bad());
    };
    if !partition.starts_with("aws") || account_id(account).is_err() {
        return Err(bad());
    }
    let Some(path_and_name) = resource.strip_prefix("role/") else {
        return Err(bad());
    };
    let name = path_and_name.rsplit('/').next().unwrap_or_default();
    role_name(name).map_err(|_| bad())
}

pub fn role_name(name: &str) -> Result<(), String> {
    if (1..=64).contains(&name.len()) && iam_chars(name, "+=,.@_-") {
        Ok(())
    } else {
        Err(format!("{name:?} is not a valid IAM role name"))
    }
}

pub fn session_name(name: &str) -> Result<(), String> {
    if (2..=64).contains(&name.len()) && iam_chars(name, "+=,.@_-") {
        Ok(())
    } else {
        Err(format!(
            "{name:?} must be 2 to 64 characters of letters, digits and +=,.@_-"
        ))
    }
}

pub fn external_id(id: &str) -> Result<(), String> {
    if (2..=1224).contains(&id.len()) && iam_chars(id, "+=,.@:/_-") {
        Ok(())
    } else {
        Err("must be 2 to 1224 characters of letters, digits and +=,.@:/_-".into())
    }
}

/// A display name: anything but blank.
pub fn account_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(())
    }
}

/// An organizational unit (`ou-...`) or root (`r-...`) id.
pub fn organizational_unit(id: &str) -> Result<(), String> {
    if id.starts_with("ou-") || id.starts_with("r-") {
        Ok(())
    } else {
        Err(format!(
            "{id:?} is not an OU id like ou-ab12-cd34ef56 (or a root id r-ab12)"
        ))
    }
}

fn iam_chars(text: &str, punctuation: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || punctuation.contains(c))
}

/// Parses `"1h"`, `"90m"`, `"1h30m"`, `"3600s"` and checks STS's 15 min .. 12 h range.
pub fn session_duration(text: &str) -> Result<Duration, String> {
    let duration = self::duration(text)?;
    if duration < MIN_SESSION || duration > MAX_SESSION {
        return Err(format!("{text:?} is out of range: STS allows 15m to 12h"));
    }
    Ok(duration)
}

/// An endpoint as the SDK takes it: an `http://` or `https://` URL with a host, checked with
/// the parser the SDK uses. Refused here, `localhost:4566` would fail every target and an
/// empty value would make the SDK panic.
pub fn endpoint_url(text: &str) -> Result<(), String> {
    let example = "e.g. http://127.0.0.1:5000";
    if text.trim().is_empty() {
        return Err(format!("is empty: give a URL ({example}) or leave it out"));
    }
    let uri: http::Uri = text
        .parse()
        .map_err(|e| format!("{text:?} is not a URL ({e}); {example}"))?;
    match uri.scheme_str() {
        Some("http" | "https") if uri.host().is_some_and(|h| !h.is_empty()) => Ok(()),
        Some("http" | "https") => Err(format!("{text:?} has no host; {example}")),
        _ => Err(format!(
            "{text:?} does not start with http:// or https://; {example}"
        )),
    }
}

/// `--with utilization`'s window: whole days CloudWatch keeps 5-minute points for (63), at
/// least one.
pub fn utilization_days(days: u32) -> Result<u32, String> {
    if (1..=63).contains(&days) {
        Ok(days)
    } else {
        Err(format!("{days} is not a number of days from 1 to 63"))
    }
}

/// A retry budget: a duration, or a plain number of seconds; `0` turns it off.
pub fn retry_budget(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<u64>() {
        Ok(secs) => Ok(Duration::from_secs(secs)),
        Err(_) => duration(text),
    }
}

/// Parses `"1h"`, `"90m"`, `"1h30m"`, `"3600s"`.
pub fn duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("{text:?} is not a duration like \"1h\", \"90m\" or \"1h30m\"");
    let mut total = 0u64;
    let mut number = String::new();
    let mut saw_unit = false;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let value: u64 = number.parse().map_err(|_| bad())?;
        total = total.saturating_add(value.saturating_mul(unit));
        number.clear();
        saw_unit = true;
    }
    if !number.is_empty() || !saw_unit {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

/// `10 min`, `90 s`, `1 h 30 min`: how a person says a duration.
pub fn human_duration(duration: Duration) -> String {
    let secs = duration.as_secs();
    match (secs / 3600, secs % 3600 / 60, secs % 60) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (h, 0, 0) => format!("{h} h"),
        (h, m, 0) if h > 0 => format!("{h} h {m} min"),
        _ => format!("{secs} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_read_as_people_say_them() {
        let cases = [
            (600, "10 min"),
            (2, "2 s"),
            (90, "90 s"),
            (5400, "1 h 30 min"),
            (3600, "1 h"),
        ];
        for (secs, text) in cases {
            assert_eq!(human_duration(Duration::from_secs(secs)), text);
        }
    }

    #[test]
    fn durations() {
        assert_eq!(session_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(session_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(session_duration("12h"), Ok(Duration::from_secs(43200)));
        assert_eq!(session_duration("3600s"), Ok(Duration::from_secs(3600)));
        assert!(session_duration("14m59s").is_err());
        assert!(session_duration("1").is_err());
        assert!(session_duration("h").is_err());
    }

    #[test]
    fn endpoint_urls_are_http_or_https_urls_with_a_host() {
        for good in [
            "http://127.0.0.1:5000",
            "https://rds.eu-west-1.amazonaws.com",
            "http://localhost:4566/",
            "http://[::1]:8080",
        ] {
            assert_eq!(endpoint_url(good), Ok(()), "{good}");
        }
        for (bad, says) in [
            ("", "is empty"),
            ("  ", "is empty"),
            ("localhost:4566", "http:// or https://"),
            ("ftp://127.0.0.1:1", "http:// or https://"),
            ("not a url", "not a URL"),
            ("http://", "not a URL"),
        ] {
            let message = endpoint_url(bad).expect_err(bad);
            assert!(message.contains(says), "{bad:?}: {message}");
        }
    }

    #[test]
    fn retry_budgets_are_seconds_or_durations() {
        assert_eq!(retry_budget("0"), Ok(Duration::ZERO));
        assert_eq!(retry_budget("2"), Ok(Duration::from_secs(2)));
        assert_eq!(retry_budget("10m"), Ok(Duration::from_secs(600)));
        assert!(retry_budget("soon").is_err());
    }

    #[test]
    fn role_arns_of_every_partition_are_accepted() {
        assert!(role_arn("arn:aws:iam::111111111111:role/team/Custom").is_ok());
        assert!(role_arn("arn:aws-us-gov:iam::111111111111:role/R").is_ok());
        assert!(role_arn("arn:aws:iam::1:role/x").is_err());
        assert!(role_arn("arn:aws:iam::111111111111:user/x").is_err());
    }
}
