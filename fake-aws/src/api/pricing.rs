//! Price List `GetProducts` (awsJson1.1, `X-Amz-Target: AWSPriceListService.GetProducts`):
//! TERM_MATCH filters over the fixed AmazonRDS catalog in `crate::pricing` (or, with
//! `price_list_any`, over documents made up for the query), paged by `NextToken`.

use super::shared::{
    caller_arn, error_reply, json_reply, throttling_reply, with_request_id, Call, Reply, Shared,
};
use crate::pricing::{fnv, price_list, synthesized, term_match};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::StatusCode;
use serde_json::{json, Value};

/// Regions with a Price List Query API endpoint (aws and aws-cn partitions).
pub(super) const PRICING_REGIONS: &[&str] =
    &["us-east-1", "eu-central-1", "ap-south-1", "cn-northwest-1"];
const MAX_RESULTS: i64 = 100;

/// The request's filters as `Field=Value`, sorted and joined with `,`: the counters' price key.
pub(super) fn price_key(params: &Value) -> String {
    let mut filters: Vec<String> = params
        .get("Filters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|filter| {
            let text = |name: &str| filter.get(name).and_then(Value::as_str).unwrap_or("");
            format!("{}={}", text("Field"), text("Value"))
        })
        .collect();
    filters.sort();
    filters.join(",")
}

/// A token that names the key it pages, so a token from another listing is refused.
fn next_token(key: &str, offset: usize) -> String {
    format!(
        "{offset}:{:016x}",
        crate::rng::hash_parts(&[key.len() as u64, fnv(key)])
    )
}

pub(super) fn get_products(shared: &Shared, call: &Call) -> Reply {
    let invalid = |message: &str| {
        error_reply(
            shared,
            call.protocol,
            StatusCode::BAD_REQUEST,
            "InvalidParameterException",
            message,
        )
    };
    if !PRICING_REGIONS.contains(&call.scope.region.as_str()) {
        return invalid(&format!(
            "fake-aws: the Price List Query API has no endpoint in {}",
            call.scope.region
        ));
    }
    if shared.config.price_list_denied {
        shared.counters.price_list_denied();
        let caller = caller_arn(shared, &call.caller);
        return error_reply(
            shared,
            call.protocol,
            StatusCode::BAD_REQUEST,
            "AccessDeniedException",
            &format!("User: {caller} is not authorized to perform: pricing:GetProducts"),
        );
    }
    if shared
        .counters
        .take_price_list_failure(shared.config.price_list_throttled_calls)
    {
        return throttling_reply(shared, call.protocol, None);
    }
    let params = call.json();
    if params.get("ServiceCode").and_then(Value::as_str) != Some("AmazonRDS") {
        return error_reply(
            shared,
            call.protocol,
            StatusCode::BAD_REQUEST,
            "NotFoundException",
            "fake-aws serves the AmazonRDS price list only",
        );
    }
    match params.get("FormatVersion") {
        None | Some(Value::Null) => {}
        Some(version) if version.as_str() == Some("aws_v1") => {}
        Some(_) => return invalid("FormatVersion must be aws_v1."),
    }
    let page_size = match params.get("MaxResults") {
        None | Some(Value::Null) => MAX_RESULTS as usize,
        Some(value) => match value.as_i64() {
            Some(size) if (1..=MAX_RESULTS).contains(&size) => size as usize,
            _ => return invalid("MaxResults must be between 1 and 100."),
        },
    };
    // Real pages may be shorter than MaxResults; the fake's are, so listings span pages.
    let page_size = page_size.min(shared.config.price_list_page_size.max(1));
    let mut filters = Vec::new();
    for filter in params
        .get("Filters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = |name: &str| filter.get(name).and_then(Value::as_str);
        match (text("Type"), text("Field"), text("Value")) {
            (Some("TERM_MATCH"), Some(field), Some(value))
                if !field.is_empty() && !value.is_empty() =>
            {
                filters.push((field, value))
            }
            (Some("EQUALS" | "CONTAINS" | "ANY_OF" | "NONE_OF"), Some(_), Some(_)) => {
                return invalid("fake-aws supports TERM_MATCH filters only.")
            }
            _ => {
                return invalid("Each filter needs Type TERM_MATCH, a Field and a non-empty Value.")
            }
        }
    }
    let key = price_key(params);
    let catalog = if shared.config.price_list_any {
        synthesized(&filters)
    } else {
        price_list()
    };
    let matching: Vec<String> = catalog
        .into_iter()
        .filter(|document| {
            filters
                .iter()
                .all(|(field, value)| term_match(document, field, value))
        })
        .map(|document| document.to_string())
        .collect();
    let offset = match params.get("NextToken") {
        None | Some(Value::Null) => 0,
        Some(token) => {
            let parsed = token.as_str().and_then(|token| {
                let (offset, _) = token.split_once(':')?;
                let offset: usize = offset.parse().ok()?;
                (next_token(&key, offset) == token && offset <= matching.len()).then_some(offset)
            });
            match parsed {
                Some(offset) => offset,
                None => {
                    return error_reply(
                        shared,
                        call.protocol,
                        StatusCode::BAD_REQUEST,
                        "InvalidNextTokenException",
                        "The pagination token is invalid.",
                    )
                }
            }
        }
    };
    let end = matching.len().min(offset + page_size);
    let mut answer = json!({
        "FormatVersion": "aws_v1",
        "PriceList": matching[offset..end],
    });
    if end < matching.len() {
        answer["NextToken"] = json!(next_token(&key, end));
    }
    let request_id = shared.request_id();
    let mut response = json_reply(StatusCode::OK, &answer);
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    with_request_id(response, &request_id)
}
