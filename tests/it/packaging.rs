//! What users install: the toolchain floor Cargo.toml and the README state, and what
//! `cargo package` ships (the .deb itself is built and checked by scripts/test.sh). And what an
//! optional lookup may cost a run: a lookup that fails is asked once per run, its retries
//! bounded.

use crate::common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::fake::{self, base_config};
use serde_json::Value;

fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn run(command: &mut Command) -> String {
    let output = command.output().expect("running cargo");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The host triple, so that `cargo metadata --offline` needs only what this machine compiled.
fn host() -> String {
    let version = run(Command::new("rustc").arg("-vV"));
    version
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

/// "1.94.1" -> (1, 94, 1); "1.85" -> (1, 85, 0).
fn parse_version(text: &str) -> (u64, u64, u64) {
    let mut parts = text
        .split('.')
        .map(|p| p.parse::<u64>().expect("numeric version"));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

/// The highest `rust-version` among the packages rds-inventory builds (normal and build
/// dependencies, transitively, as locked; dev-dependencies such as fake-aws are not built by
/// users), with the packages that declare it.
fn locked_floor(metadata: &Value, root: &str) -> ((u64, u64, u64), Vec<String>) {
    let packages: HashMap<&str, &Value> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let nodes: HashMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let mut seen = HashSet::new();
    let mut pending = vec![root];
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let built = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"].as_str() == Some("build"));
            if built {
                pending.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    let mut floor = (0, 0, 0);
    let mut holders = Vec::new();
    for id in seen.into_iter().filter(|id| *id != root) {
        let package = packages[id];
        let Some(declared) = package["rust_version"].as_str() else {
            continue;
        };
        let version = parse_version(declared);
        let name = format!("{} {}", package["name"], package["version"]);
        if version > floor {
            floor = version;
            holders = vec![name];
        } else if version == floor {
            holders.push(name);
        }
    }
    holders.sort();
    (floor, holders)
}

#[test]
fn rust_version_is_the_highest_of_the_locked_dependencies() {
    let text = run(cargo().args([
        "metadata",
        "--format-version",
        "1",
        "--locked",
        "--offline",
        "--filter-platform",
        &host(),
    ]));
    let metadata: Value = serde_json::from_str(&text).unwrap();
    let root = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "rds-inventory")
        .expect("the rds-inventory package");
    let ours = root["rust_version"]
        .as_str()
        .expect("Cargo.toml sets rust-version");
    let (floor, holders) = locked_floor(&metadata, root["id"].as_str().unwrap());
    let floor_text = format!("{}.{}.{}", floor.0, floor.1, floor.2);
    assert_eq!(
        parse_version(ours),
        floor,
        "Cargo.toml's rust-version is {ours}, the locked dependencies need {floor_text} \
         ({}): set rust-version = \"{floor_text}\" and the README's Install section",
        holders.join(", ")
    );

    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let sentence = format!("needs a Rust toolchain {ours} or newer");
    assert!(
        readme.contains(&sentence),
        "README.md's Install section must say {sentence:?}"
    );
}

#[test]
fn floor_comparison_sees_patch_versions() {
    assert!(parse_version("1.94.1") > parse_version("1.94"));
    assert_eq!(parse_version("1.85"), (1, 85, 0));
}

#[test]
fn cargo_package_ships_only_what_users_need() {
    let listed = run(cargo().args([
        "package",
        "--list",
        "--allow-dirty",
        "--locked",
        "--offline",
        "-p",
        "rds-inventory",
    ]));
    let files: Vec<&str> = listed.lines().collect();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "accounts.example.toml",
        "src/main.rs",
        // src/diff/select.rs includes it (the exit codes it documents).
        "docs/diff.md",
        "packaging/systemd/rds-inventory.service",
    ] {
        assert!(files.contains(&needed), "{needed} missing from {files:#?}");
    }
    for file in &files {
        for unwanted in [
            "bench/",
            "fake-aws/",
            "tests/",
            "scripts/",
            ".ci/",
            "BENCHMARKS",
        ] {
            assert!(
                !file.starts_with(unwanted),
                "{file} is in the package: users do not need {unwanted}"
            );
        }
    }
}

/// `DescribeDBMajorEngineVersions` attempts by (SigV4 region, `Engine`), as the proxy saw them.
type EngineAttempts = Arc<Mutex<BTreeMap<(String, String), u64>>>;

/// A proxy in front of the fake that answers every `DescribeDBMajorEngineVersions` with HTTP
/// 500 (moto does not implement it; a broken endpoint does the same) and passes everything else
/// through. Returns its URL and the attempts it failed.
fn failing_engine_versions_proxy(upstream: String) -> (String, EngineAttempts) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let attempts = EngineAttempts::default();
    let seen = Arc::clone(&attempts);
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let upstream = upstream.clone();
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || {
                let _ = relay(client, &upstream, &seen);
            });
        }
    });
    (url, attempts)
}

/// One HTTP/1.1 message from `from`: its head (through the blank line) and its body
/// (Content-Length; the SDK and hyper's full bodies both send it). `None` at end of stream.
fn read_message(from: &mut BufReader<TcpStream>) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if from.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    from.read_exact(&mut body)?;
    Ok(Some((head, body)))
}

fn relay(client: TcpStream, upstream: &str, seen: &EngineAttempts) -> std::io::Result<()> {
    let address = upstream.trim_start_matches("http://");
    let server = TcpStream::connect(address)?;
    let mut to_client = client.try_clone()?;
    let mut to_server = server.try_clone()?;
    let mut from_client = BufReader::new(client);
    let mut from_server = BufReader::new(server);
    while let Some((head, body)) = read_message(&mut from_client)? {
        let form = String::from_utf8_lossy(&body);
        if form.contains("Action=DescribeDBMajorEngineVersions") {
            let engine = form
                .split('&')
                .find_map(|p| p.strip_prefix("Engine="))
                .unwrap_or("*")
                .to_owned();
            // Credential=KEY/DATE/REGION/SERVICE/aws4_request
            let region = head
                .split("Credential=")
                .nth(1)
                .and_then(|c| c.split('/').nth(2))
                .unwrap_or("?")
                .to_owned();
            *seen.lock().unwrap().entry((region, engine)).or_default() += 1;
            let xml = "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>\
                       <Message>engine versions are down</Message></Error>\
                       <RequestId>proxy</RequestId></ErrorResponse>";
            write!(
                to_client,
                "HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/xml\r\n\
                 content-length: {}\r\n\r\n{xml}",
                xml.len()
            )?;
            continue;
        }
        to_server.write_all(head.as_bytes())?;
        to_server.write_all(&body)?;
        let Some((answer_head, answer_body)) = read_message(&mut from_server)? else {
            return Ok(());
        };
        to_client.write_all(answer_head.as_bytes())?;
        to_client.write_all(&answer_body)?;
    }
    Ok(())
}

/// The 203 s run: two accounts whose instances have several engines, `--with
/// engine-support`, an endpoint that answers DescribeDBMajorEngineVersions with 500 every time.
/// Each (region, engine) gets one round of at most three attempts for the whole run, the fields
/// stay null with one warning per account, the run is complete.
#[test]
fn a_failing_engine_support_lookup_is_one_round_per_region_and_engine() {
    let fake = fake::start(base_config(2, 8));
    let (proxy, attempts) = failing_engine_versions_proxy(fake.endpoint_url());
    let tool = fake::tool(&fake).endpoint(&proxy).args([
        "-q",
        "--with",
        "engine-support",
        "--max-attempts",
        "8",
    ]);
    let run = fake::report(&fake, tool.run());
    run.assert_code(0, "a failed optional join fails no target");
    let records = run.json_lines();
    assert!(records.len() >= 8, "instances listed: {}", records.len());
    let looked_up: HashSet<(String, String)> = records
        .iter()
        .map(|r| {
            assert!(r["standard_support_end"].is_null(), "{r}");
            (
                r["region"].as_str().unwrap().to_owned(),
                r["engine"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let attempts = attempts.lock().unwrap().clone();
    eprintln!("attempts by (region, engine): {attempts:?}");
    assert!(!attempts.is_empty(), "the lookups went through the proxy");
    for (key, n) in &attempts {
        assert!(
            *n <= 3,
            "{key:?}: {n} attempts; one round of at most 3 per run"
        );
    }
    assert!(
        attempts.len() <= looked_up.len(),
        "one lookup per (region, engine): {attempts:?} for {looked_up:?}"
    );
    let records_looked_up = records.len() as u64;
    let total: u64 = attempts.values().sum();
    assert!(
        total < records_looked_up * 3,
        "{total} attempts for {records_looked_up} records: not a round per record"
    );
    let warnings = run.stderr_lines_with("DescribeDBMajorEngineVersions");
    assert_eq!(warnings.len(), 2, "one warning per account: {warnings:#?}");
    assert!(
        run.elapsed < Duration::from_secs(60),
        "the join added {:?}",
        run.elapsed
    );
}

/// A snapshot shared with another account of the accounts file is not shared "outside" when
/// `-a` leaves that account out of the run: outside means outside the file (and organization).
#[test]
fn outside_accounts_do_not_change_with_the_account_filter() {
    let fake = fake::start(fake_aws::FakeConfig {
        snapshots_per_target: 12,
        snapshot_sharing: fake_aws::SnapshotSharing {
            public: 0,
            accounts: 100,
            outside: 0,
        },
        ..base_config(3, 2)
    });
    let first = fake::account_name(0);
    let run = fake::run(&fake, &["-q", "--kind", "snapshots", "-a", &first]);
    run.assert_code(0, "one account of three");
    let ours: HashSet<&str> = fake.config().accounts.iter().map(String::as_str).collect();
    let mut shared = 0;
    for record in run.json_lines() {
        let with: Vec<&str> = record["shared_with_accounts"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if with.is_empty() {
            continue;
        }
        shared += 1;
        assert!(with.iter().all(|id| ours.contains(id)), "{record}");
        assert_eq!(
            record["shared_with_outside_accounts"],
            serde_json::json!([]),
            "shared only with accounts of the file: {record}"
        );
    }
    assert!(
        shared > 0,
        "some manual snapshot is shared with another account"
    );
}

/// A denied price list leaves the price metric out: unknown, not $0.
#[test]
fn a_denied_price_list_writes_no_price_sample() {
    let fake = fake::start(fake_aws::FakeConfig {
        price_list_denied: true,
        ..base_config(2, 3)
    });
    let run = fake::run(
        &fake,
        &[
            "-q",
            "--with",
            "price",
            "--metrics",
            "m.prom",
            "-o",
            "out.ndjson",
        ],
    );
    run.assert_code(0, "a denied price list fails nothing");
    let metrics = std::fs::read_to_string(run.path("m.prom")).unwrap();
    assert!(metrics.contains("rds_inventory_instances{"), "{metrics}");
    assert!(
        !metrics.contains("rds_inventory_list_price_monthly"),
        "no price sample when the price list was not read:\n{metrics}"
    );
}

/// Every key accounts.example.toml documents parses: the commented-out ones too, uncommented
/// (`# key = value` lines), and the file plans offline as shipped in the .deb.
#[test]
fn every_documented_key_of_the_example_parses() {
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("accounts.example.toml"),
    )
    .unwrap();
    let mut uncommented = 0;
    let text: String = example
        .lines()
        .map(|line| {
            let key_line = line.strip_prefix("# ").filter(|rest| {
                rest.split_once(" = ")
                    .is_some_and(|(key, _)| key.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            });
            match key_line {
                Some(rest) => {
                    uncommented += 1;
                    format!("{rest}\n")
                }
                None => format!("{line}\n"),
            }
        })
        .collect();
    assert!(uncommented >= 6, "the commented keys: {uncommented}");
    for (name, body) in [
        ("as-shipped.toml", example.as_str()),
        ("every-key.toml", &text),
    ] {
        let tool = common::Tool::new().args(["-c", name, "plan"]);
        std::fs::write(tool.workdir().join(name), body).unwrap();
        let run = tool.run();
        run.assert_code(0, name);
        assert!(run.json_lines().len() >= 4, "{name}: {}", run.stdout);
    }
    for key in [
        "session_name",
        "role_name",
        "role_arn",
        "external_id",
        "include_ous",
        "exclude",
    ] {
        assert!(
            text.contains(&format!("\n{key} = ")),
            "accounts.example.toml documents {key}"
        );
    }
}
