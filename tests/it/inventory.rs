//! End-to-end tests: the real `rds-inventory` binary against a real moto server.
//!
//! Each test starts its own moto (see `common::moto`), seeds it through assumed roles and runs
//! the binary with base keys that may only assume roles. Needs `scripts/setup-moto.sh` first;
//! without moto these tests fail, they never skip. The output schema they hold the binary to
//! is the field table of docs/fields.md.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::docs::{self, Field};
use common::moto::{
    assumed_rds_client, http_status, list_instances, rds_client, seed, Fleet, IamUserKeys,
    InstanceKey, MotoServer, BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, MOTO_DEFAULT_ACCOUNT,
    ROLE_NAME,
};
use common::{block_on, AccountsFile, Organization, Run};
use serde_json::{json, Value};

const BASE: (&str, &str) = (BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY);
/// The sample fleet's accounts.
const PROD: &str = "111111111111";
const STAGING: &str = "222222222222";
const ANALYTICS: &str = "333333333333";

// ---------------------------------------------------------------------------------------------
// A seeded moto and the binary run against it.

/// A moto server holding `fleet`.
struct Seeded {
    moto: MotoServer,
    fleet: Fleet,
}

impl Seeded {
    fn new(fleet: Fleet) -> Seeded {
        let moto = MotoServer::start();
        block_on(seed(moto.url(), &fleet));
        Seeded { moto, fleet }
    }

    /// Runs the binary with `-c <an accounts file naming every account>` and `args`, with
    /// the base keys.
    fn run(&self, args: &[&str]) -> Run {
        self.run_as(BASE, args)
    }

    /// [`Seeded::run`] with `keys` as the base identity.
    fn run_as(&self, keys: (&str, &str), args: &[&str]) -> Run {
        let tool = self.moto.tool(keys);
        let accounts = self.fleet.accounts_file().write(tool.workdir());
        tool.arg("-c").arg(accounts).args(args).run()
    }
}

/// The instances of `fleet` that `keep` accepts.
fn only(fleet: &Fleet, keep: impl Fn(&InstanceKey) -> bool) -> Vec<InstanceKey> {
    fleet.expected().into_iter().filter(keep).collect()
}

/// The sample fleet, on a server shared by the tests that only read it.
fn sample() -> &'static Seeded {
    common::once!(Seeded, Seeded::new(Fleet::sample()))
}

// ---------------------------------------------------------------------------------------------
// Reading the output back, against the schema in docs/fields.md.

/// Parses stdout (or a file) in `format` and checks every record against the schema.
fn parse_output(format: &str, text: &str) -> Vec<InstanceKey> {
    let fields = docs::output_fields();
    let columns: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    let mut keys: Vec<InstanceKey> = match format {
        "ndjson" => {
            assert!(
                text.is_empty() || text.ends_with('\n'),
                "ndjson must end with a newline"
            );
            text.lines()
                .map(|line| {
                    assert_key_order(&columns, line);
                    let record: Value = serde_json::from_str(line)
                        .unwrap_or_else(|e| panic!("bad ndjson line {line:?}: {e}"));
                    key_from_json(&fields, &record)
                })
                .collect()
        }
        "json" => {
            let records: Value = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("stdout is not one JSON document: {e}\n{text:.2000}"));
            let records = records.as_array().expect("json output is an array");
            if !records.is_empty() {
                assert_key_order(&columns, text);
            }
            records.iter().map(|r| key_from_json(&fields, r)).collect()
        }
        "csv" => {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let header = reader.headers().expect("CSV header").clone();
            assert_eq!(header.iter().collect::<Vec<_>>(), columns, "CSV header");
            reader
                .records()
                .map(|row| key_from_csv(&columns, &row.expect("a well-formed CSV row")))
                .collect()
        }
        other => panic!("unknown format {other}"),
    };
    keys.sort();
    keys
}

/// The first record's keys appear in schema order.
fn assert_key_order(columns: &[&str], text: &str) {
    let mut from = 0;
    for column in columns {
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

/// The key fields of a record that holds exactly the documented fields, each of its
/// documented type or null.
fn key_from_json(fields: &[Field], record: &Value) -> InstanceKey {
    let object = record.as_object().expect("each record is a JSON object");
    let names: BTreeSet<&str> = object.keys().map(String::as_str).collect();
    let documented: BTreeSet<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, documented, "record keys of {record}");
    for field in fields {
        let value = &object[&field.name];
        let typed = match field.kind.as_str() {
            "string" | "timestamp" => value.is_string(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "object" | "object (tags)" => value.is_object(),
            "array of object" => value
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_object)),
            "array of string" => value
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_string)),
            other => panic!("docs/fields.md documents an unknown type {other:?}"),
        };
        assert!(
            typed || value.is_null(),
            "{} is not a {} in {record}",
            field.name,
            field.kind
        );
    }
    for name in ["endpoint_port", "allocated_storage"] {
        assert!(object[name].is_u64(), "{name} is absent in {record}");
    }
    let tags = object["tags"]
        .as_object()
        .unwrap_or_else(|| panic!("tags is absent in {record}"))
        .iter()
        .map(|(k, v)| {
            let v = v.as_str().expect("tag values are strings");
            (k.clone(), v.to_string())
        })
        .collect();
    let publicly_accessible = object["publicly_accessible"]
        .as_bool()
        .unwrap_or_else(|| panic!("publicly_accessible is absent in {record}"));
    let field = |name: &str| object[name].as_str().map(str::to_string);
    instance_key(&field, publicly_accessible, tags, &record.to_string())
}

fn key_from_csv(columns: &[&str], row: &csv::StringRecord) -> InstanceKey {
    assert_eq!(row.len(), columns.len(), "CSV row width: {row:?}");
    let field = |name: &str| -> Option<String> {
        let at = columns
            .iter()
            .position(|c| *c == name)
            .unwrap_or_else(|| panic!("docs/fields.md documents no {name} column"));
        Some(row[at].to_string()).filter(|value| !value.is_empty())
    };
    let publicly_accessible = match field("publicly_accessible").as_deref() {
        Some("true") => true,
        Some("false") => false,
        other => panic!("publicly_accessible is {other:?}, not a bool, in {row:?}"),
    };
    let port = field("endpoint_port").unwrap_or_default();
    port.parse::<u16>()
        .unwrap_or_else(|e| panic!("endpoint_port {port:?} in {row:?}: {e}"));
    let tags: BTreeMap<String, String> = serde_json::from_str(&field("tags").unwrap_or_default())
        .unwrap_or_else(|e| panic!("tags column is not a JSON object of strings: {e}: {row:?}"));
    instance_key(&field, publicly_accessible, tags, &format!("{row:?}"))
}

/// The checks every format shares, and the key. `field` gives a field's text, `None` when
/// it is absent (null in JSON, empty in CSV); `record` is for messages.
fn instance_key(
    field: &dyn Fn(&str) -> Option<String>,
    publicly_accessible: bool,
    tags: BTreeMap<String, String>,
    record: &str,
) -> InstanceKey {
    let text = |name: &str| field(name).unwrap_or_else(|| panic!("{name} is absent in {record}"));
    // Moto fills these for every instance; the test creates no clusters.
    for name in [
        "db_instance_class",
        "engine_version",
        "db_instance_status",
        "endpoint_address",
    ] {
        text(name);
    }
    assert_eq!(field("db_cluster_identifier"), None, "absent: {record}");
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
    InstanceKey {
        account_id,
        account_name: text("account_name"),
        region,
        db_instance_identifier: identifier,
        engine: text("engine"),
        publicly_accessible,
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
    let Seeded { moto, fleet } = sample();
    assert!(
        fleet
            .expected()
            .iter()
            .any(|k| k.tags.values().any(|v| v.contains('\n'))),
        "the sample has a hostile tag value"
    );
    let mut seen = block_on(async {
        let mut seen = Vec::new();
        for account in &fleet.accounts {
            for region in &fleet.regions {
                let rds = assumed_rds_client(moto.url(), BASE, &account.id, ROLE_NAME, region)
                    .await
                    .expect("assuming the role");
                for db in list_instances(&rds).await.expect("listing") {
                    let identifier = db.db_instance_identifier().expect("identifier");
                    assert_eq!(
                        db.db_instance_arn(),
                        Some(expected_arn(region, &account.id, identifier).as_str())
                    );
                    seen.push(InstanceKey {
                        account_id: account.id.clone(),
                        account_name: account.name.clone(),
                        region: region.clone(),
                        db_instance_identifier: identifier.to_string(),
                        engine: db.engine().expect("engine").to_string(),
                        publicly_accessible: db.publicly_accessible().expect("public"),
                        tags: db
                            .tag_list()
                            .iter()
                            .map(|t| {
                                let (k, v) = (t.key().expect("key"), t.value().expect("value"));
                                (k.to_string(), v.to_string())
                            })
                            .collect(),
                    });
                }
            }
        }
        seen
    });
    seen.sort();
    assert_same_inventory(&seen, &fleet.expected(), "listed through the SDK");
}

#[test]
fn moto_base_keys_act_in_an_empty_default_account() {
    let seeded = sample();
    let keys = common::static_keys(BASE.0, BASE.1);
    let rds = rds_client(seeded.moto.url(), keys, "us-east-1");
    let listed = block_on(list_instances(&rds)).expect("listing");
    assert_eq!(listed.len(), 0, "{MOTO_DEFAULT_ACCOUNT} is empty");
}

#[test]
fn moto_reset_forgets_every_instance() {
    let seeded = Seeded::new(Fleet::sample());
    seeded.moto.reset();
    let listed = block_on(async {
        let rds = assumed_rds_client(seeded.moto.url(), BASE, PROD, ROLE_NAME, "us-east-1")
            .await
            .expect("assuming the role");
        list_instances(&rds).await.expect("listing")
    });
    assert!(listed.is_empty(), "{} instances after reset", listed.len());
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
                 "Resource": format!("arn:aws:iam::{STAGING}:role/*")}
            ]
        }),
    );
    let read_rds = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow",
                       "Action": ["rds:Describe*", "rds:ListTagsForResource"],
                       "Resource": "*"}]
    });
    moto.create_role(PROD, ROLE_NAME, Some(&read_rds));
    moto.create_role(ANALYTICS, ROLE_NAME, None);
    moto.enable_iam_auth();
    user
}

/// The sample fleet with [`deny_staging_and_analytics`] in force, and the user's keys, on a
/// server shared by the tests that only read it.
fn seeded_with_denials() -> &'static (Seeded, IamUserKeys) {
    common::once!((Seeded, IamUserKeys), {
        let seeded = Seeded::new(Fleet::sample());
        let user = deny_staging_and_analytics(&seeded.moto);
        (seeded, user)
    })
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

/// The keys of the test user of the denials server.
fn user_keys() -> (&'static str, &'static str) {
    let user = &seeded_with_denials().1;
    (&user.access_key_id, &user.secret_access_key)
}

/// An RDS client in `account` of the denials server, through a role assumed with `keys`.
fn assume_on_denials(
    keys: (&str, &str),
    account: &str,
) -> Result<aws_sdk_rds::Client, Box<common::moto::AssumeRoleFailure>> {
    let url = seeded_with_denials().0.moto.url();
    block_on(assumed_rds_client(
        url,
        keys,
        account,
        ROLE_NAME,
        "us-east-1",
    ))
    .map_err(Box::new)
}

#[test]
fn moto_iam_auth_lets_prod_assume_and_describe() {
    let prod = assume_on_denials(user_keys(), PROD).expect("prod's role may be assumed");
    let listed = block_on(list_instances(&prod)).expect("prod may describe");
    assert_eq!(listed.len(), 3);
}

#[test]
fn moto_iam_auth_denies_staging_assume_role() {
    let denied = assume_on_denials(user_keys(), STAGING).expect_err("staging's role is denied");
    assert_denied(&denied, "staging's AssumeRole");
}

#[test]
fn moto_iam_auth_denies_analytics_describe() {
    let analytics =
        assume_on_denials(user_keys(), ANALYTICS).expect("analytics' role may be assumed");
    let denied = block_on(list_instances(&analytics)).expect_err("describe is denied");
    assert_denied(&denied, "analytics' DescribeDBInstances");
}

#[test]
fn moto_iam_auth_refuses_the_plain_base_keys() {
    let base = assume_on_denials(BASE, PROD);
    assert!(base.is_err(), "base keys work once IAM checks are on");
}

// ---------------------------------------------------------------------------------------------
// The binary.

#[test]
fn every_format_lists_exactly_the_seeded_instances() {
    let seeded = sample();
    let want = seeded.fleet.expected();
    for (format, args) in [
        ("ndjson", vec![]),
        ("ndjson", vec!["-f", "ndjson"]),
        ("json", vec!["--format", "json"]),
        ("csv", vec!["-f", "csv"]),
    ] {
        let run = seeded.run(&args);
        run.assert_code(0, &format!("{args:?}"));
        let got = parse_output(format, &run.stdout);
        assert_same_inventory(&got, &want, &format!("{args:?}"));
    }
}

#[test]
fn output_file_holds_the_records_stdout_would() {
    let seeded = sample();
    for format in ["ndjson", "json", "csv"] {
        let to_stdout = seeded.run(&["-f", format]);
        to_stdout.assert_code(0, format);
        let to_file = seeded.run(&["-f", format, "-o", "inventory.out"]);
        to_file.assert_code(0, &format!("{format} -o"));
        let written =
            std::fs::read_to_string(to_file.path("inventory.out")).expect("the output file");
        let written = parse_output(format, &written);
        assert_same_inventory(
            &written,
            &parse_output(format, &to_stdout.stdout),
            &format!("{format}: file vs stdout"),
        );
        assert_same_inventory(&written, &seeded.fleet.expected(), format);
    }
}

#[test]
fn output_flag_leaves_stdout_empty() {
    let seeded = sample();
    let run = seeded.run(&["-o", "inventory.ndjson"]);
    run.assert_code(0, "-o");
    assert_eq!(run.stdout, "", "-o leaves stdout empty");
}

/// Written atomically: no temporary file is left beside the output.
#[test]
fn output_file_leaves_no_temporary_file_beside_it() {
    let seeded = sample();
    for format in ["ndjson", "json", "csv"] {
        let name = format!("inventory.{format}");
        let run = seeded.run(&["-f", format, "-o", &name]);
        run.assert_code(0, &name);
        assert_eq!(
            run.entries(),
            BTreeSet::from(["accounts.toml".to_string(), name])
        );
    }
}

/// Runs with `filters` and compares with the seeded instances `keep` accepts.
fn assert_filtered(filters: &[&str], keep: impl Fn(&InstanceKey) -> bool) {
    let seeded = sample();
    let run = seeded.run(filters);
    run.assert_code(0, &format!("{filters:?}"));
    assert_same_inventory(
        &parse_output("ndjson", &run.stdout),
        &only(&seeded.fleet, keep),
        &format!("{filters:?}"),
    );
}

/// By name and by id, repeated; `--region` replaces the file's regions.
#[test]
fn account_flag_takes_names_and_ids_repeatedly() {
    assert_filtered(&["-a", "prod", "-a", ANALYTICS, "-r", "us-east-1"], |k| {
        (k.account_name == "prod" || k.account_id == ANALYTICS) && k.region == "us-east-1"
    });
}

#[test]
fn account_flag_keeps_only_that_account() {
    assert_filtered(&["--account", "staging"], |k| k.account_name == "staging");
}

#[test]
fn region_flag_replaces_the_files_regions() {
    assert_filtered(&["--region", "eu-west-1"], |k| k.region == "eu-west-1");
}

/// analytics holds nothing in eu-west-1.
#[test]
fn an_empty_target_lists_nothing_and_is_no_failure() {
    assert_filtered(&["-a", "analytics", "-r", "eu-west-1"], |_| false);
}

#[test]
fn pagination_lists_every_instance_of_a_large_target() {
    // moto pages DescribeDBInstances by 100.
    let seeded = Seeded::new(Fleet::bulk(PROD, "prod", "us-east-1", 130));
    let run = seeded.run(&[]);
    run.assert_code(0, "130 instances");
    assert_eq!(run.stdout.lines().count(), 130, "one line per instance");
    assert_same_inventory(
        &parse_output("ndjson", &run.stdout),
        &seeded.fleet.expected(),
        "bulk",
    );
}

/// The inventory run with the test user's keys on the denials server: staging's role is
/// denied, analytics may not describe.
fn denied_run() -> &'static Run {
    common::once!(Run, {
        seeded_with_denials().0.run_as(user_keys(), &[]).close()
    })
}

/// A partial run, and prod's records complete.
#[test]
fn denied_targets_make_the_run_partial_and_leave_the_rest_complete() {
    let run = denied_run();
    run.assert_code(3, "staging's role denied, analytics may not describe");
    assert_same_inventory(
        &parse_output("ndjson", &run.stdout),
        &only(&Fleet::sample(), |k| k.account_id == PROD),
        "partial",
    );
}

#[test]
fn denied_targets_are_named_on_stderr_with_the_reason() {
    let run = denied_run();
    for (id, name) in [(STAGING, "staging"), (ANALYTICS, "analytics")] {
        let named = run
            .error_lines()
            .iter()
            .any(|l| l.contains(id) && l.contains(name));
        assert!(named, "an error line names {id} ({name}):\n{}", run.stderr);
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

/// The binary aimed at a port where nothing listens: it must fail before any request.
fn offline_tool() -> common::Tool {
    common::Tool::new()
        .endpoint("http://127.0.0.1:9")
        .base_keys(BASE.0, BASE.1)
}

#[test]
fn unknown_key_in_accounts_file_is_fatal() {
    let tool = offline_tool();
    let accounts = AccountsFile::new()
        .regions(["us-east-1"])
        .line("role_nmae = \"InventoryReadOnly\"")
        .accounts([(PROD, "prod")])
        .write_as(tool.workdir(), "bad-accounts.toml");
    let run = tool.arg("-c").arg(&accounts).run();
    run.assert_code(1, "unknown key");
    assert_eq!(run.stdout, "", "nothing on stdout");
    run.assert_stderr_contains("bad-accounts.toml");
    run.assert_stderr_contains("role_nmae");
}

#[test]
fn missing_accounts_file_is_fatal() {
    let tool = offline_tool();
    let run = tool.args(["-c", "no-such-accounts.toml"]).run();
    run.assert_code(1, "missing file");
    assert_eq!(run.stdout, "", "nothing on stdout");
    run.assert_stderr_contains("no-such-accounts.toml");
}

// ---------------------------------------------------------------------------------------------
// AWS Organizations discovery.

/// An organization in moto: the management account (moto's default), four member accounts,
/// `alpha` and `beta` in OU "prod" (beta one level deeper), `gamma` excluded by the file,
/// `delta` closed (SUSPENDED).
struct Org {
    moto: MotoServer,
    /// Member account ids by name.
    ids: BTreeMap<String, String>,
    /// The "prod" OU's id.
    prod_ou: String,
}

impl Org {
    /// Creates the organization and seeds one or two instances per member in us-east-1.
    fn new() -> Org {
        let moto = MotoServer::start();
        let (ids, prod_ou) = create_organization(&moto);
        let mut fleet = Fleet::bulk(&ids["alpha"], "alpha", "us-east-1", 2);
        for name in ["beta", "gamma", "delta"] {
            let other = Fleet::bulk(&ids[name], name, "us-east-1", 1);
            fleet.accounts.extend(other.accounts);
        }
        block_on(seed(moto.url(), &fleet));
        Org { moto, ids, prod_ou }
    }

    fn id(&self, name: &str) -> String {
        self.ids[name].clone()
    }

    /// Runs the binary with `accounts` as its accounts.toml and `args`.
    fn run(&self, accounts: AccountsFile, args: &[&str]) -> Run {
        let tool = self.moto.tool(BASE);
        accounts.write(tool.workdir());
        tool.args(args).run()
    }

    /// The whole organization minus gamma (excluded); alpha renamed by an `[[accounts]]` entry.
    fn whole(&self) -> AccountsFile {
        AccountsFile::new()
            .regions(["us-east-1"])
            .organization(Organization::enabled().exclude([self.id("gamma")]))
            .accounts([(self.ids["alpha"].as_str(), "alpha-renamed")])
    }
}

fn create_organization(moto: &MotoServer) -> (BTreeMap<String, String>, String) {
    block_on(async {
        let keys = common::static_keys(BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY);
        let config = common::sdk_config(moto.url(), keys, "us-east-1");
        let org = aws_sdk_organizations::Client::new(&config);
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

/// The organization, on a server shared by the tests that only read it.
fn org() -> &'static Org {
    common::once!(Org, Org::new())
}

#[test]
fn organization_discovery_lists_active_non_excluded_accounts_only() {
    let org = org();
    let run = org.run(org.whole(), &[]);
    run.assert_code(0, "organization run");
    let got: BTreeSet<(String, String)> = parse_output("ndjson", &run.stdout)
        .into_iter()
        .map(|k| (k.account_id, k.account_name))
        .collect();
    let want = BTreeSet::from([
        (org.id("alpha"), "alpha-renamed".to_string()),
        (org.id("beta"), "beta".to_string()),
    ]);
    assert_eq!(
        got, want,
        "instances come from ACTIVE, non-excluded accounts only"
    );
}

#[test]
fn organization_plan_includes_the_management_account() {
    let org = org();
    let plan = org.run(org.whole(), &["plan"]);
    plan.assert_code(0, "plan");
    let want = BTreeSet::from([
        org.id("alpha"),
        org.id("beta"),
        MOTO_DEFAULT_ACCOUNT.to_string(),
    ]);
    assert_eq!(plan.json_strings("account_id"), want);
}

/// Only the prod OU, searched recursively (beta sits in a child OU).
#[test]
fn organization_include_ous_searches_child_ous() {
    let org = org();
    let ou_only = AccountsFile::new()
        .regions(["us-east-1"])
        .organization(Organization::enabled().include_ous([org.prod_ou.clone()]));
    let plan = org.run(ou_only, &["plan"]);
    plan.assert_code(0, "plan of one OU");
    assert_eq!(
        plan.json_strings("account_id"),
        BTreeSet::from([org.id("alpha"), org.id("beta")])
    );
}

/// No organization exists: moto answers ListAccounts with an empty list (AWS would say
/// AWSOrganizationsNotInUseException); either way the run must not look complete.
#[test]
fn organization_errors_are_fatal() {
    let moto = MotoServer::start();
    let tool = moto.tool(BASE);
    AccountsFile::new()
        .regions(["us-east-1"])
        .organization(Organization::enabled())
        .write(tool.workdir());
    let run = tool.run();
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
