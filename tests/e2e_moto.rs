//! End-to-end tests: the real `rds-inventory` binary against a real moto server.
//!
//! Each test starts its own moto (see `common::moto`), seeds it through assumed roles and runs
//! the binary with base keys that may only assume roles. Needs `scripts/setup-moto.sh` first;
//! without moto these tests fail, they never skip.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::moto::{
    assumed_rds_client, block_on, http_status, list_instances, seed, Fleet, IamUserKeys,
    InstanceKey, MotoServer, BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, MOTO_DEFAULT_ACCOUNT,
    ROLE_NAME,
};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_rds-inventory");
const BASE: (&str, &str) = (BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY);
/// The output schema, in order (JSON key order and CSV header).
const COLUMNS: [&str; 24] = [
    "account_id",
    "account_name",
    "region",
    "db_instance_identifier",
    "db_instance_arn",
    "dbi_resource_id",
    "db_instance_class",
    "engine",
    "engine_version",
    "db_instance_status",
    "endpoint_address",
    "endpoint_port",
    "allocated_storage",
    "storage_type",
    "storage_encrypted",
    "multi_az",
    "availability_zone",
    "publicly_accessible",
    "deletion_protection",
    "db_subnet_group",
    "vpc_id",
    "db_cluster_identifier",
    "instance_create_time",
    "tags",
];
/// A run that takes longer than this is hung; moto needs a few seconds at most.
const RUN_TIMEOUT: Duration = Duration::from_secs(180);

// ---------------------------------------------------------------------------------------------
// Running the binary.

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn assert_code(&self, expected: i32, what: &str) -> &Self {
        assert_eq!(
            self.code,
            Some(expected),
            "{what}: exit code\n--- stderr:\n{}\n--- stdout:\n{:.4000}",
            self.stderr,
            self.stdout
        );
        self
    }
}

/// Runs the binary against `endpoint` with only the given base keys in its environment: no
/// inherited AWS_* or RDS_INVENTORY_* variable, no profile file, no metadata service, no proxy.
fn inventory(endpoint: &str, base: (&str, &str), args: &[&str]) -> Run {
    let workdir = tempfile::tempdir().expect("creating a working directory");
    let mut command = Command::new(BIN);
    for (name, _) in std::env::vars_os() {
        let name_str = name.to_string_lossy();
        if name_str.starts_with("AWS_")
            || name_str.starts_with("RDS_INVENTORY_")
            || name_str.to_ascii_lowercase().ends_with("_proxy")
        {
            command.env_remove(&name);
        }
    }
    command
        .current_dir(workdir.path())
        .env("AWS_ACCESS_KEY_ID", base.0)
        .env("AWS_SECRET_ACCESS_KEY", base.1)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/rds-inventory-tests/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rds-inventory-tests/credentials",
        )
        .env("NO_PROXY", "127.0.0.1,localhost")
        .args(["--endpoint-url", endpoint, "--no-progress"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawning rds-inventory");
    let mut stdout = child.stdout.take().expect("stdout pipe");
    let mut stderr = child.stderr.take().expect("stderr pipe");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        stdout.read_to_end(&mut buf).map(|_| buf)
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        stderr.read_to_end(&mut buf).map(|_| buf)
    });
    // A watchdog, not synchronisation: a hung binary fails the test instead of hanging it.
    let deadline = Instant::now() + RUN_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for rds-inventory") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rds-inventory {args:?} ran longer than {RUN_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = out_reader.join().unwrap().expect("reading stdout");
    let stderr = err_reader.join().unwrap().expect("reading stderr");
    Run {
        code: status.code(),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn write_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writing test file");
    path.to_str().expect("UTF-8 temp path").to_string()
}

// ---------------------------------------------------------------------------------------------
// Reading the output back.

/// Parses stdout (or a file) in `format` and checks every record against the schema.
fn parse_output(format: &str, text: &str) -> Vec<InstanceKey> {
    let mut keys: Vec<InstanceKey> = match format {
        "ndjson" => {
            assert!(
                text.is_empty() || text.ends_with('\n'),
                "ndjson must end with a newline"
            );
            text.lines()
                .map(|line| {
                    assert_key_order(line);
                    let record: Value = serde_json::from_str(line)
                        .unwrap_or_else(|e| panic!("bad ndjson line {line:?}: {e}"));
                    key_from_json(&record)
                })
                .collect()
        }
        "json" => {
            let records: Value = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("stdout is not one JSON document: {e}\n{text:.2000}"));
            let records = records.as_array().expect("json output is an array");
            if !records.is_empty() {
                assert_key_order(text);
            }
            records.iter().map(key_from_json).collect()
        }
        "csv" => {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let header = reader.headers().expect("CSV header").clone();
            assert_eq!(
                header.iter().take(COLUMNS.len()).collect::<Vec<_>>(),
                COLUMNS,
                "CSV header starts with the original columns"
            );
            reader
                .records()
                .map(|row| key_from_csv(&row.expect("a well-formed CSV row")))
                .collect()
        }
        other => panic!("unknown format {other}"),
    };
    keys.sort();
    keys
}

/// The first record's keys appear in schema order.
fn assert_key_order(text: &str) {
    let mut from = 0;
    for column in COLUMNS {
        let quoted = format!("\"{column}\"");
        match text[from..].find(&quoted) {
            Some(at) => from += at + quoted.len(),
            None => panic!("key {column} missing or out of order in {text:.600}"),
        }
    }
}

fn expected_arn(region: &str, account_id: &str, identifier: &str) -> String {
    format!("arn:aws:rds:{region}:{account_id}:db:{identifier}")
}

fn assert_rfc3339(value: &str) {
    let b = value.as_bytes();
    let ok = b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && (value.ends_with('Z') || matches!(b[b.len() - 6], b'+' | b'-'));
    assert!(ok, "instance_create_time {value:?} is not RFC 3339");
}

fn key_from_json(record: &Value) -> InstanceKey {
    let object = record.as_object().expect("each record is a JSON object");
    let names: BTreeSet<&str> = object.keys().map(String::as_str).collect();
    assert!(
        COLUMNS.iter().all(|c| names.contains(c)),
        "record keys of {record}"
    );
    let text = |name: &str| -> String {
        object[name]
            .as_str()
            .unwrap_or_else(|| panic!("{name} is not a string in {record}"))
            .to_string()
    };
    for name in ["endpoint_port", "allocated_storage"] {
        assert!(object[name].is_u64(), "{name} is not a number in {record}");
    }
    for name in [
        "storage_encrypted",
        "multi_az",
        "publicly_accessible",
        "deletion_protection",
    ] {
        assert!(
            object[name].is_boolean(),
            "{name} is not a bool in {record}"
        );
    }
    // Moto fills these for every instance; the test creates no clusters.
    for name in [
        "db_instance_class",
        "engine_version",
        "db_instance_status",
        "endpoint_address",
    ] {
        text(name);
    }
    assert!(
        object["db_cluster_identifier"].is_null(),
        "absent is null: {record}"
    );
    assert_rfc3339(&text("instance_create_time"));
    let (account_id, region, identifier) = (
        text("account_id"),
        text("region"),
        text("db_instance_identifier"),
    );
    assert_eq!(
        text("db_instance_arn"),
        expected_arn(&region, &account_id, &identifier),
        "the instance was read in the account and region it claims"
    );
    let tags = object["tags"]
        .as_object()
        .unwrap_or_else(|| panic!("tags is not an object in {record}"))
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().expect("tag values are strings").to_string(),
            )
        })
        .collect();
    InstanceKey {
        account_id,
        account_name: text("account_name"),
        region,
        db_instance_identifier: identifier,
        engine: text("engine"),
        publicly_accessible: object["publicly_accessible"].as_bool().unwrap(),
        tags,
    }
}

fn key_from_csv(row: &csv::StringRecord) -> InstanceKey {
    assert!(row.len() >= COLUMNS.len(), "CSV row width: {row:?}");
    let field = |name: &str| -> String {
        let at = COLUMNS.iter().position(|c| *c == name).unwrap();
        row[at].to_string()
    };
    let boolean = |name: &str| -> bool {
        match field(name).as_str() {
            "true" => true,
            "false" => false,
            other => panic!("{name} is {other:?}, not a bool, in {row:?}"),
        }
    };
    field("endpoint_port")
        .parse::<u16>()
        .unwrap_or_else(|e| panic!("endpoint_port in {row:?}: {e}"));
    assert_eq!(
        field("db_cluster_identifier"),
        "",
        "absent is empty: {row:?}"
    );
    assert_rfc3339(&field("instance_create_time"));
    let (account_id, region, identifier) = (
        field("account_id"),
        field("region"),
        field("db_instance_identifier"),
    );
    assert_eq!(
        field("db_instance_arn"),
        expected_arn(&region, &account_id, &identifier)
    );
    let tags: BTreeMap<String, String> = serde_json::from_str(&field("tags"))
        .unwrap_or_else(|e| panic!("tags column is not a JSON object of strings: {e}: {row:?}"));
    InstanceKey {
        account_id,
        account_name: field("account_name"),
        region,
        db_instance_identifier: identifier,
        engine: field("engine"),
        publicly_accessible: boolean("publicly_accessible"),
        tags,
    }
}

/// Compares account by account (for readable failures), then as a whole (duplicates count).
fn assert_same_inventory(got: &[InstanceKey], want: &[InstanceKey], what: &str) {
    let by_account = |keys: &[InstanceKey]| {
        let mut map: BTreeMap<String, Vec<InstanceKey>> = BTreeMap::new();
        for key in keys {
            map.entry(key.account_id.clone())
                .or_default()
                .push(key.clone());
        }
        map
    };
    let (got_map, want_map) = (by_account(got), by_account(want));
    let accounts: BTreeSet<&String> = got_map.keys().chain(want_map.keys()).collect();
    for account in accounts {
        assert_eq!(
            got_map.get(account),
            want_map.get(account),
            "{what}: instances of account {account}"
        );
    }
    assert_eq!(got, want, "{what}");
}

// ---------------------------------------------------------------------------------------------
// The moto helper itself (needs no binary).

#[test]
fn moto_helper_seeds_each_account_through_its_assumed_role() {
    let moto = MotoServer::start();
    let fleet = Fleet::sample();
    block_on(async {
        seed(moto.url(), &fleet).await;
        let mut seen = Vec::new();
        for account in &fleet.accounts {
            for region in &fleet.regions {
                let rds = assumed_rds_client(moto.url(), BASE, &account.id, ROLE_NAME, region)
                    .await
                    .expect("assuming the role");
                for db in list_instances(&rds).await.expect("listing") {
                    let identifier = db.db_instance_identifier().unwrap().to_string();
                    assert_eq!(
                        db.db_instance_arn(),
                        Some(expected_arn(region, &account.id, &identifier).as_str())
                    );
                    seen.push(InstanceKey {
                        account_id: account.id.clone(),
                        account_name: account.name.clone(),
                        region: region.clone(),
                        db_instance_identifier: identifier,
                        engine: db.engine().unwrap().to_string(),
                        publicly_accessible: db.publicly_accessible().unwrap(),
                        tags: db
                            .tag_list()
                            .iter()
                            .map(|t| (t.key().unwrap().into(), t.value().unwrap().into()))
                            .collect(),
                    });
                }
            }
        }
        seen.sort();
        assert_same_inventory(&seen, &fleet.expected(), "listed through the SDK");
        assert!(
            fleet
                .expected()
                .iter()
                .any(|k| k.tags.values().any(|v| v.contains('\n'))),
            "the sample has a hostile tag value"
        );
    });
    // The base keys themselves act in moto's default account, which holds nothing.
    let default_rds = block_on(async {
        let config = aws_sdk_rds::Config::builder()
            .behavior_version(aws_sdk_rds::config::BehaviorVersion::latest())
            .region(aws_sdk_rds::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_rds::config::Credentials::new(
                BASE.0, BASE.1, None, None, "base",
            ))
            .endpoint_url(moto.url())
            .build();
        list_instances(&aws_sdk_rds::Client::from_conf(config)).await
    });
    assert_eq!(
        default_rds.expect("listing").len(),
        0,
        "{MOTO_DEFAULT_ACCOUNT} is empty"
    );

    // Isolation within one server: a reset forgets everything.
    moto.reset();
    let after_reset = block_on(async {
        let rds = assumed_rds_client(moto.url(), BASE, "111111111111", ROLE_NAME, "us-east-1")
            .await
            .expect("assuming the role");
        list_instances(&rds).await.expect("listing")
    });
    assert!(after_reset.is_empty());
}

/// Base keys may assume the role everywhere except in staging; in analytics the role exists
/// but may not describe RDS; prod works. Moto's IAM checks are switched on at the end.
fn deny_staging_and_analytics(moto: &MotoServer) -> IamUserKeys {
    let user = moto.create_iam_user(
        "inventory",
        &json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole",
                 "Resource": format!("arn:aws:iam::*:role/{ROLE_NAME}")},
                {"Effect": "Deny", "Action": "sts:AssumeRole",
                 "Resource": "arn:aws:iam::222222222222:role/*"}
            ]
        }),
    );
    let read_rds = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow",
                       "Action": ["rds:Describe*", "rds:ListTagsForResource"],
                       "Resource": "*"}]
    });
    moto.create_role("111111111111", ROLE_NAME, Some(&read_rds));
    moto.create_role("333333333333", ROLE_NAME, None);
    moto.enable_iam_auth();
    user
}

/// Moto's IAM denials come as HTTP 403 with `<ErrorResponse><Errors><Error>`, a wrapper the
/// Rust SDK's query-protocol parser does not read, so the code is lost: check the status, and
/// the code only if the SDK found one.
fn assert_denied<E: aws_sdk_rds::error::ProvideErrorMetadata + std::fmt::Debug>(
    error: &aws_sdk_rds::error::SdkError<E>,
    what: &str,
) {
    assert_eq!(http_status(error), Some(403), "{what}: {error:?}");
    if let Some(code) = error.as_service_error().and_then(|e| e.code()) {
        assert_eq!(code, "AccessDenied", "{what}");
    }
}

#[test]
fn moto_helper_iam_auth_denies_what_the_test_denies() {
    let moto = MotoServer::start();
    block_on(seed(moto.url(), &Fleet::sample()));
    let user = deny_staging_and_analytics(&moto);
    let keys = (user.access_key_id.as_str(), user.secret_access_key.as_str());
    block_on(async {
        let prod = assumed_rds_client(moto.url(), keys, "111111111111", ROLE_NAME, "us-east-1")
            .await
            .expect("prod's role may be assumed");
        assert_eq!(
            list_instances(&prod)
                .await
                .expect("prod may describe")
                .len(),
            3
        );

        let staging = assumed_rds_client(moto.url(), keys, "222222222222", ROLE_NAME, "us-east-1")
            .await
            .expect_err("staging's role is denied");
        assert_denied(&staging, "staging's AssumeRole");

        let analytics =
            assumed_rds_client(moto.url(), keys, "333333333333", ROLE_NAME, "us-east-1")
                .await
                .expect("analytics' role may be assumed");
        let denied = list_instances(&analytics)
            .await
            .expect_err("describe is denied");
        assert_denied(&denied, "analytics' DescribeDBInstances");

        // The plain base keys no longer work once IAM checks are on.
        let base = assumed_rds_client(moto.url(), BASE, "111111111111", ROLE_NAME, "us-east-1");
        assert!(base.await.is_err());
    });
}

// ---------------------------------------------------------------------------------------------
// The binary.

#[test]
fn every_format_lists_exactly_the_seeded_instances() {
    let moto = MotoServer::start();
    let fleet = Fleet::sample();
    block_on(seed(moto.url(), &fleet));
    let dir = tempfile::tempdir().unwrap();
    let accounts = write_file(dir.path(), "accounts.toml", &fleet.accounts_toml());
    let want = fleet.expected();

    for (format, args) in [
        ("ndjson", vec!["-c", &accounts]),
        ("ndjson", vec!["-c", &accounts, "-f", "ndjson"]),
        ("json", vec!["-c", &accounts, "--format", "json"]),
        ("csv", vec!["-c", &accounts, "-f", "csv"]),
    ] {
        let run = inventory(moto.url(), BASE, &args);
        run.assert_code(0, &format!("{args:?}"));
        let got = parse_output(format, &run.stdout);
        assert_same_inventory(&got, &want, &format!("{args:?}"));
    }
}

#[test]
fn output_flag_writes_the_same_records_to_a_file() {
    let moto = MotoServer::start();
    let fleet = Fleet::sample();
    block_on(seed(moto.url(), &fleet));
    let dir = tempfile::tempdir().unwrap();
    let accounts = write_file(dir.path(), "accounts.toml", &fleet.accounts_toml());
    let out_dir = tempfile::tempdir().unwrap();

    for format in ["ndjson", "json", "csv"] {
        let to_stdout = inventory(moto.url(), BASE, &["-c", &accounts, "-f", format]);
        to_stdout.assert_code(0, format);

        let file = out_dir.path().join(format!("inventory.{format}"));
        let file_arg = file.to_str().unwrap();
        let to_file = inventory(
            moto.url(),
            BASE,
            &["-c", &accounts, "-f", format, "-o", file_arg],
        );
        to_file.assert_code(0, &format!("{format} -o"));
        assert_eq!(to_file.stdout, "", "-o leaves stdout empty");
        let written = std::fs::read_to_string(&file).expect("the output file exists");
        assert_same_inventory(
            &parse_output(format, &written),
            &parse_output(format, &to_stdout.stdout),
            &format!("{format}: file vs stdout"),
        );
        assert_same_inventory(&parse_output(format, &written), &fleet.expected(), format);
    }
    // Written atomically: no temporary file is left beside the outputs.
    let mut names: Vec<String> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["inventory.csv", "inventory.json", "inventory.ndjson"]
    );
}

#[test]
fn account_and_region_flags_keep_only_matching_targets() {
    let moto = MotoServer::start();
    let fleet = Fleet::sample();
    block_on(seed(moto.url(), &fleet));
    let dir = tempfile::tempdir().unwrap();
    let accounts = write_file(dir.path(), "accounts.toml", &fleet.accounts_toml());
    let all = fleet.expected();
    let only = |keep: &dyn Fn(&InstanceKey) -> bool| -> Vec<InstanceKey> {
        all.iter().filter(|k| keep(k)).cloned().collect()
    };

    let cases: Vec<(Vec<&str>, Vec<InstanceKey>)> = vec![
        // By name and by id, repeated; --region replaces the file's regions.
        (
            vec!["-a", "prod", "-a", "333333333333", "-r", "us-east-1"],
            only(&|k| {
                (k.account_name == "prod" || k.account_id == "333333333333")
                    && k.region == "us-east-1"
            }),
        ),
        (
            vec!["--account", "staging"],
            only(&|k| k.account_name == "staging"),
        ),
        (
            vec!["--region", "eu-west-1"],
            only(&|k| k.region == "eu-west-1"),
        ),
        (
            vec!["-a", "analytics", "-r", "eu-west-1"],
            Vec::new(), // an empty target lists nothing and is not a failure
        ),
    ];
    for (filters, want) in cases {
        let mut args = vec!["-c", accounts.as_str()];
        args.extend(filters.iter().copied());
        let run = inventory(moto.url(), BASE, &args);
        run.assert_code(0, &format!("{filters:?}"));
        assert_same_inventory(
            &parse_output("ndjson", &run.stdout),
            &want,
            &format!("{filters:?}"),
        );
    }
}

#[test]
fn pagination_lists_every_instance_of_a_large_target() {
    let moto = MotoServer::start();
    // moto pages DescribeDBInstances by 100.
    let fleet = Fleet::bulk("111111111111", "prod", "us-east-1", 130);
    block_on(seed(moto.url(), &fleet));
    let dir = tempfile::tempdir().unwrap();
    let accounts = write_file(dir.path(), "accounts.toml", &fleet.accounts_toml());

    let run = inventory(moto.url(), BASE, &["-c", &accounts]);
    run.assert_code(0, "130 instances");
    assert_eq!(run.stdout.lines().count(), 130, "one line per instance");
    assert_same_inventory(
        &parse_output("ndjson", &run.stdout),
        &fleet.expected(),
        "bulk",
    );
}

#[test]
fn denied_targets_fail_alone_and_exit_code_is_partial() {
    let moto = MotoServer::start();
    let fleet = Fleet::sample();
    block_on(seed(moto.url(), &fleet));
    let user = deny_staging_and_analytics(&moto);
    let dir = tempfile::tempdir().unwrap();
    let accounts = write_file(dir.path(), "accounts.toml", &fleet.accounts_toml());

    let run = inventory(
        moto.url(),
        (&user.access_key_id, &user.secret_access_key),
        &["-c", &accounts],
    );
    run.assert_code(3, "staging's role denied, analytics may not describe");
    let prod_only: Vec<InstanceKey> = fleet
        .expected()
        .into_iter()
        .filter(|k| k.account_id == "111111111111")
        .collect();
    assert_same_inventory(&parse_output("ndjson", &run.stdout), &prod_only, "partial");
    for (id, name) in [("222222222222", "staging"), ("333333333333", "analytics")] {
        assert!(
            run.stderr.contains(id) || run.stderr.contains(name),
            "stderr names the failed account {id}:\n{}",
            run.stderr
        );
    }
    // Moto's denials reach the SDK as a bare HTTP 403 without an error code (see
    // `assert_denied`), so accept the status where real AWS would say AccessDenied.
    let stderr = run.stderr.to_lowercase();
    assert!(
        stderr.contains("denied") || stderr.contains("403"),
        "stderr says why (access denied):\n{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// Fatal configuration errors (no moto needed: nothing may be sent anywhere).

/// Nothing listens here; the binary must fail before any request.
const UNUSED_ENDPOINT: &str = "http://127.0.0.1:9";

#[test]
fn unknown_key_in_accounts_file_is_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = write_file(
        dir.path(),
        "bad-accounts.toml",
        "regions = [\"us-east-1\"]\nrole_nmae = \"InventoryReadOnly\"\n\n\
         [[accounts]]\nid = \"111111111111\"\nname = \"prod\"\n",
    );
    let run = inventory(UNUSED_ENDPOINT, BASE, &["-c", &accounts]);
    run.assert_code(1, "unknown key");
    assert_eq!(run.stdout, "", "nothing on stdout");
    assert!(
        run.stderr.contains("bad-accounts.toml"),
        "stderr names the file:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("role_nmae"),
        "stderr names the unknown key:\n{}",
        run.stderr
    );
}

#[test]
fn missing_accounts_file_is_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-accounts.toml");
    let run = inventory(UNUSED_ENDPOINT, BASE, &["-c", missing.to_str().unwrap()]);
    run.assert_code(1, "missing file");
    assert_eq!(run.stdout, "", "nothing on stdout");
    assert!(
        run.stderr.contains("no-such-accounts.toml"),
        "stderr names the file:\n{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// AWS Organizations discovery.

/// An organization in moto: the management account (moto's default), four member accounts,
/// `alpha` and `beta` in OU "prod" (beta one level deeper), `gamma` excluded by the file,
/// `delta` closed (SUSPENDED). Returns (ids by name, prod OU id).
fn create_organization(moto: &MotoServer) -> (BTreeMap<String, String>, String) {
    block_on(async {
        let config = aws_sdk_organizations::Config::builder()
            .behavior_version(aws_sdk_organizations::config::BehaviorVersion::latest())
            .region(aws_sdk_organizations::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_organizations::config::Credentials::new(
                BASE_ACCESS_KEY_ID,
                BASE_SECRET_ACCESS_KEY,
                None,
                None,
                "test",
            ))
            .endpoint_url(moto.url())
            .build();
        let org = aws_sdk_organizations::Client::from_conf(config);
        org.create_organization()
            .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
            .send()
            .await
            .expect("create organization");
        let root = org.list_roots().send().await.expect("roots").roots()[0]
            .id()
            .expect("root id")
            .to_string();
        let ou = |parent: String, name: &'static str| {
            let org = org.clone();
            async move {
                org.create_organizational_unit()
                    .parent_id(parent)
                    .name(name)
                    .send()
                    .await
                    .expect("create OU")
                    .organizational_unit()
                    .and_then(|u| u.id())
                    .expect("OU id")
                    .to_string()
            }
        };
        let prod = ou(root.clone(), "prod").await;
        let prod_eu = ou(prod.clone(), "prod-eu").await;
        let mut ids = BTreeMap::new();
        for name in ["alpha", "beta", "gamma", "delta"] {
            let created = org
                .create_account()
                .account_name(name)
                .email(format!("{name}@example.com"))
                .send()
                .await
                .expect("create account");
            let id = created
                .create_account_status()
                .and_then(|s| s.account_id())
                .expect("account id")
                .to_string();
            ids.insert(name.to_string(), id);
        }
        for (name, parent) in [("alpha", &prod), ("beta", &prod_eu)] {
            org.move_account()
                .account_id(&ids[name])
                .source_parent_id(&root)
                .destination_parent_id(parent)
                .send()
                .await
                .expect("move account");
        }
        org.close_account()
            .account_id(&ids["delta"])
            .send()
            .await
            .expect("close account");
        (ids, prod)
    })
}

fn org_fleet(ids: &BTreeMap<String, String>) -> Fleet {
    let mut fleet = Fleet::bulk(&ids["alpha"], "alpha", "us-east-1", 2);
    for name in ["beta", "gamma", "delta"] {
        let other = Fleet::bulk(&ids[name], name, "us-east-1", 1);
        fleet.accounts.extend(other.accounts);
    }
    fleet
}

#[test]
fn organization_discovery_lists_active_included_accounts_only() {
    let moto = MotoServer::start();
    let (ids, prod_ou) = create_organization(&moto);
    let fleet = org_fleet(&ids);
    block_on(seed(moto.url(), &fleet));
    let dir = tempfile::tempdir().expect("tempdir");

    // The whole organization minus gamma (excluded) and delta (suspended); alpha renamed.
    let whole = write_file(
        dir.path(),
        "org.toml",
        &format!(
            "regions = [\"us-east-1\"]\n\n[organization]\nenabled = true\nexclude = [\"{}\"]\n\n[[accounts]]\nid = \"{}\"\nname = \"alpha-renamed\"\n",
            ids["gamma"], ids["alpha"]
        ),
    );
    let run = inventory(moto.url(), BASE, &["-c", &whole]);
    run.assert_code(0, "organization run");
    let got: BTreeSet<(String, String)> = parse_output("ndjson", &run.stdout)
        .into_iter()
        .map(|k| (k.account_id, k.account_name))
        .collect();
    let want: BTreeSet<(String, String)> = [
        (ids["alpha"].clone(), "alpha-renamed".to_string()),
        (ids["beta"].clone(), "beta".to_string()),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        got, want,
        "instances come from ACTIVE, non-excluded accounts only"
    );

    let plan = inventory(moto.url(), BASE, &["-c", &whole, "plan"]);
    plan.assert_code(0, "plan");
    let planned: BTreeSet<String> = plan
        .stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("plan is NDJSON when piped");
            v["account_id"].as_str().expect("account_id").to_string()
        })
        .collect();
    let want_accounts: BTreeSet<String> = [
        ids["alpha"].clone(),
        ids["beta"].clone(),
        MOTO_DEFAULT_ACCOUNT.to_string(),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        planned, want_accounts,
        "the management account is a member too"
    );

    // Only the prod OU, searched recursively (beta sits in a child OU).
    let ou_only = write_file(
        dir.path(),
        "ou.toml",
        &format!("regions = [\"us-east-1\"]\n\n[organization]\nenabled = true\ninclude_ous = [\"{prod_ou}\"]\n"),
    );
    let plan = inventory(moto.url(), BASE, &["-c", &ou_only, "plan"]);
    plan.assert_code(0, "plan of one OU");
    let planned: BTreeSet<String> = plan
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v["account_id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        planned,
        [ids["alpha"].clone(), ids["beta"].clone()]
            .into_iter()
            .collect()
    );
}

#[test]
fn organization_errors_are_fatal() {
    let moto = MotoServer::start();
    // No organization exists: moto answers ListAccounts with an empty list (AWS would say
    // AWSOrganizationsNotInUseException); either way the run must not look complete.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_file(
        dir.path(),
        "org.toml",
        "regions = [\"us-east-1\"]\n[organization]\nenabled = true\n",
    );
    let run = inventory(moto.url(), BASE, &["-c", &file]);
    run.assert_code(1, "no organization");
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("found no ACTIVE accounts")
            || run
                .stderr
                .contains("cannot list the organization's accounts"),
        "{}",
        run.stderr
    );
}
