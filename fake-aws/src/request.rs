//! Reading what the SDK sends: the SigV4 credential scope and form-encoded query bodies.

use std::collections::HashMap;

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, ...`
/// the fake routes on. The signature itself is never checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CredentialScope {
    pub(crate) access_key_id: String,
    pub(crate) region: String,
    pub(crate) service: String,
}

pub(crate) fn parse_credential_scope(authorization: &str) -> Option<CredentialScope> {
    let parameters = authorization.strip_prefix("AWS4-HMAC-SHA256")?;
    let credential = parameters
        .split(',')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("Credential="))?;
    let mut fields = credential.split('/');
    let access_key_id = fields.next()?;
    let _date = fields.next()?;
    let region = fields.next()?;
    let service = fields.next()?;
    if access_key_id.is_empty() || region.is_empty() || service.is_empty() {
        return None;
    }
    Some(CredentialScope {
        access_key_id: access_key_id.to_string(),
        region: region.to_string(),
        service: service.to_string(),
    })
}

/// Decodes `application/x-www-form-urlencoded`; `None` if an escape is broken or the result
/// is not UTF-8. A repeated name keeps its last value.
pub(crate) fn parse_form(body: &[u8]) -> Option<HashMap<String, String>> {
    let mut fields = HashMap::new();
    for pair in body.split(|&b| b == b'&').filter(|pair| !pair.is_empty()) {
        let mut halves = pair.splitn(2, |&b| b == b'=');
        let name = percent_decode(halves.next().unwrap_or_default())?;
        let value = percent_decode(halves.next().unwrap_or_default())?;
        fields.insert(name, value);
    }
    Some(fields)
}

fn percent_decode(encoded: &[u8]) -> Option<String> {
    let mut decoded = Vec::with_capacity(encoded.len());
    let mut bytes = encoded.iter();
    while let Some(&byte) = bytes.next() {
        match byte {
            b'+' => decoded.push(b' '),
            b'%' => {
                let high = hex_value(*bytes.next()?)?;
                let low = hex_value(*bytes.next()?)?;
                decoded.push(high << 4 | low);
            }
            other => decoded.push(other),
        }
    }
    String::from_utf8(decoded).ok()
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).map(|value| value as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_scope_the_sdk_signs_with() {
        let header =
            "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260101/eu-west-1/rds/aws4_request, \
                      SignedHeaders=content-type;host;x-amz-date, Signature=abc";
        assert_eq!(
            parse_credential_scope(header),
            Some(CredentialScope {
                access_key_id: "ASIAEXAMPLE".into(),
                region: "eu-west-1".into(),
                service: "rds".into(),
            })
        );
        assert_eq!(parse_credential_scope("Bearer x"), None);
        assert_eq!(
            parse_credential_scope("AWS4-HMAC-SHA256 Credential=AKID/2026"),
            None
        );
    }

    #[test]
    fn decodes_form_bodies() {
        let form = parse_form(
            b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx&RoleSessionName=a+b&Empty=",
        )
        .expect("valid form");
        assert_eq!(form["Action"], "AssumeRole");
        assert_eq!(form["RoleArn"], "arn:aws:iam::1:role/x");
        assert_eq!(form["RoleSessionName"], "a b");
        assert_eq!(form["Empty"], "");
        assert_eq!(parse_form(b"Marker=%Z1"), None);
        assert_eq!(parse_form(b"Marker=%C3"), None);
    }
}
