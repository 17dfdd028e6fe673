//! What one DescribeDBInstances call costs the AWS SDK itself, with nothing of rds-inventory
//! around it: one client built once, the keys of one AssumeRole, CALLS calls to one region of
//! fake-aws, CONCURRENCY in flight, the answers dropped. Most targets of an organization-wide
//! run are one such call, so the CPU this process uses per call (measured from outside, as
//! bench/ measures the tool) is the floor under the tool's CPU per target.
//!
//!     cargo run --release --example sdk_call_floor -- URL CALLS CONCURRENCY
//!
//! URL must be a fake-aws on 127.0.0.1 (bench/bench.py starts one).

use anyhow::{bail, Context};
use aws_config::{BehaviorVersion, Region};
use aws_sdk_rds::config::Credentials;
use futures::StreamExt;

/// The tool's allocator, so that the two are compared like for like.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROLE: &str = "arn:aws:iam::100000000000:role/InventoryReadOnly";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, calls, concurrency] = args.as_slice() else {
        bail!("usage: sdk_call_floor URL CALLS CONCURRENCY");
    };
    if !url.starts_with("http://127.0.0.1:") {
        bail!("{url}: only a fake-aws on 127.0.0.1 is allowed");
    }
    let calls: usize = calls.parse().context("CALLS")?;
    let concurrency: usize = concurrency.parse().context("CONCURRENCY")?;

    let base = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::from_static("us-east-1"))
        .credentials_provider(Credentials::for_tests())
        .endpoint_url(url)
        .load()
        .await;
    let assumed = aws_sdk_sts::Client::new(&base)
        .assume_role()
        .role_arn(ROLE)
        .role_session_name("sdk-call-floor")
        .send()
        .await
        .context("AssumeRole")?
        .credentials
        .context("AssumeRole returned no keys")?;
    let keys = Credentials::new(
        assumed.access_key_id,
        assumed.secret_access_key,
        Some(assumed.session_token),
        None,
        "sdk-call-floor",
    );
    let rds = aws_sdk_rds::Client::from_conf(
        aws_sdk_rds::config::Builder::from(&base)
            .credentials_provider(keys)
            .build(),
    );

    let failed = futures::stream::iter(0..calls)
        .map(|_| {
            let rds = rds.clone();
            async move { rds.describe_db_instances().max_records(100).send().await }
        })
        .buffer_unordered(concurrency)
        .filter(|answer| std::future::ready(answer.is_err()))
        .count()
        .await;
    if failed > 0 {
        bail!("{failed} of {calls} calls failed");
    }
    println!("{calls} calls, {concurrency} in flight");
    Ok(())
}
