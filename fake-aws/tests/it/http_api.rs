//! The fake at the HTTP level: control paths, Account ListRegions (no SDK crate for it here),
//! request validation, hangs, the background runtime and the binary.

use fake_aws::{CountersSnapshot, FakeAws, FakeConfig};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct HttpReply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl HttpReply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }

    /// The text of the first `<name>` element.
    fn xml_field(&self, name: &str) -> &str {
        let open = format!("<{name}>");
        let start = self.body.find(&open).expect("element present") + open.len();
        let end = start + self.body[start..].find('<').expect("element closed");
        &self.body[start..end]
    }
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':')
        .next()
        .and_then(|port| port.parse().ok())
        .expect("url ends in a port")
}

fn send(port: u16, method: &str, path: &str, headers: &[(&str, String)], body: &str) -> HttpReply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout set");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).expect("request sent");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("reply read");
    let (head, body) = raw.split_once("\r\n\r\n").expect("reply has a head");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|line| line.split_once(": "))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    HttpReply {
        status,
        headers,
        body: body.to_string(),
    }
}

fn authorization(access_key_id: &str, region: &str, service: &str) -> (&'static str, String) {
    (
        "Authorization",
        format!(
            "AWS4-HMAC-SHA256 Credential={access_key_id}/20260101/{region}/{service}/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=0000"
        ),
    )
}

fn query(port: u16, access_key_id: &str, region: &str, service: &str, form: &str) -> HttpReply {
    let headers = [
        authorization(access_key_id, region, service),
        (
            "Content-Type",
            "application/x-www-form-urlencoded".to_string(),
        ),
    ];
    send(port, "POST", "/", &headers, form)
}

fn list_regions(port: u16, access_key_id: &str, body: &str) -> HttpReply {
    let headers = [
        authorization(access_key_id, "us-east-1", "account"),
        ("Content-Type", "application/json".to_string()),
    ];
    send(port, "POST", "/listRegions", &headers, body)
}

fn assume(port: u16, account: &str) -> String {
    let form = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A{account}%3Arole%2FReader\
         &RoleSessionName=test"
    );
    let reply = query(port, "AKIDBASE", "us-east-1", "sts", &form);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.xml_field("AccessKeyId").to_string()
}

fn counters_over_http(port: u16) -> Value {
    let reply = send(port, "GET", "/_fake/counters", &[], "");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    reply.json()
}

fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn counters_are_served_as_json_and_reset() {
    let fake = FakeAws::start_in_background(FakeConfig::with_accounts(2)).expect("fake starts");
    let port = fake.port();
    let account = fake.config().accounts[0].clone();
    let key = assume(port, &account);
    let describe = "Action=DescribeDBInstances&Version=2014-10-31";
    assert_eq!(query(port, &key, "eu-west-1", "rds", describe).status, 200);

    let json = counters_over_http(port);
    assert_eq!(json["requests_total"], 2);
    assert_eq!(json["assume_role_calls"][&account], 1);
    assert_eq!(json["assume_role_calls_total"], 1);
    assert_eq!(json["calls"]["DescribeDBInstances"], 1);
    assert_eq!(json["describe_calls"][&account]["eu-west-1"], 1);
    assert_eq!(json["faults"]["throttled"], 0);
    let typed: CountersSnapshot = fake.counters();
    assert_eq!(serde_json::to_value(&typed).expect("serialises"), json);

    let reset = send(port, "POST", "/_fake/reset-counters", &[], "");
    assert_eq!(reset.status, 204);
    assert_eq!(
        fake.counters(),
        CountersSnapshot {
            calls: fake
                .counters()
                .calls
                .keys()
                .map(|op| (op.clone(), 0))
                .collect(),
            ..CountersSnapshot::default()
        }
    );
    assert_eq!(send(port, "GET", "/_fake/nothing", &[], "").status, 404);
}

#[test]
fn list_regions_reports_enabled_and_disabled_regions_per_account() {
    let mut config = FakeConfig::with_accounts(2);
    config.regions = vec!["us-east-1".into(), "eu-south-1".into(), "eu-west-1".into()];
    let (first, second) = (config.accounts[0].clone(), config.accounts[1].clone());
    config
        .disabled_regions
        .insert(FakeConfig::target(&first, "eu-west-1"));
    let fake = FakeAws::start_in_background(config).expect("fake starts");
    let port = fake.port();
    let key = assume(port, &first);

    let reply = list_regions(port, &key, "{}");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let json = reply.json();
    let statuses: Vec<(String, String)> = json["Regions"]
        .as_array()
        .expect("Regions list")
        .iter()
        .map(|region| {
            (
                region["RegionName"].as_str().expect("name").to_string(),
                region["RegionOptStatus"]
                    .as_str()
                    .expect("status")
                    .to_string(),
            )
        })
        .collect();
    let expected = [
        ("af-south-1", "DISABLED"),
        ("eu-south-1", "ENABLED"),
        ("eu-west-1", "DISABLED"),
        ("me-south-1", "DISABLED"),
        ("us-east-1", "ENABLED_BY_DEFAULT"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(name, status)| (name.to_string(), status.to_string()))
        .collect();
    assert_eq!(statuses, expected);
    assert_eq!(json["NextToken"], Value::Null);

    let enabled_only = list_regions(
        port,
        &key,
        r#"{"RegionOptStatusContains":["ENABLED","ENABLED_BY_DEFAULT"],"MaxResults":1}"#,
    )
    .json();
    assert_eq!(enabled_only["Regions"][0]["RegionName"], "eu-south-1");
    assert_eq!(enabled_only["NextToken"], "r1-1");
    let next_page = list_regions(
        port,
        &key,
        r#"{"RegionOptStatusContains":["ENABLED","ENABLED_BY_DEFAULT"],"MaxResults":1,"NextToken":"r1-1"}"#,
    )
    .json();
    assert_eq!(next_page["Regions"][0]["RegionName"], "us-east-1");
    assert_eq!(next_page["NextToken"], Value::Null);

    let about_second = list_regions(port, "AKIDBASE", &format!(r#"{{"AccountId":"{second}"}}"#));
    assert_eq!(about_second.status, 200);
    assert!(!about_second
        .body
        .contains("\"eu-west-1\",\"RegionOptStatus\":\"DISABLED\""));
    let counters = fake.counters();
    assert_eq!(counters.list_regions_calls.get(&first), Some(&3));
    assert_eq!(counters.list_regions_calls.get(&second), Some(&1));
}

#[test]
fn list_regions_denied_answers_access_denied_exception() {
    let mut config = FakeConfig::with_accounts(1);
    let account = config.accounts[0].clone();
    config.list_regions_denied.insert(account.clone());
    let fake = FakeAws::start_in_background(config).expect("fake starts");
    let key = assume(fake.port(), &account);

    let reply = list_regions(fake.port(), &key, "{}");

    assert_eq!(reply.status, 403);
    assert_eq!(
        reply.header("x-amzn-errortype"),
        Some("AccessDeniedException")
    );
    let json = reply.json();
    assert_eq!(json["__type"], "AccessDeniedException");
    assert!(json["message"]
        .as_str()
        .expect("message")
        .contains("not authorized to perform: account:ListRegions"));
}

#[test]
fn query_errors_use_the_aws_error_response_shape() {
    let fake = FakeAws::start_in_background(FakeConfig {
        instances_per_target: 60,
        ..FakeConfig::with_accounts(2)
    })
    .expect("fake starts");
    let port = fake.port();
    let account = fake.config().accounts[0].clone();
    let key = assume(port, &account);
    let describe = |extra: &str| {
        query(
            port,
            &key,
            "us-east-1",
            "rds",
            &format!("Action=DescribeDBInstances&Version=2014-10-31{extra}"),
        )
    };

    let bad_marker = describe("&Marker=m1-5-zzzz");
    assert_eq!(bad_marker.status, 400);
    assert_eq!(bad_marker.xml_field("Code"), "InvalidParameterValue");
    assert_eq!(bad_marker.xml_field("Type"), "Sender");
    assert!(bad_marker.header("x-amzn-requestid").is_some());
    assert_eq!(
        bad_marker.xml_field("RequestId"),
        bad_marker.header("x-amzn-requestid").unwrap_or("")
    );

    let too_many = describe("&MaxRecords=101");
    assert_eq!(too_many.xml_field("Code"), "InvalidParameterValue");
    let unsupported = query(port, &key, "us-east-1", "rds", "Action=DeleteDBInstance");
    assert_eq!(
        (unsupported.status, unsupported.xml_field("Code")),
        (400, "InvalidAction")
    );
    let unsigned = send(port, "POST", "/", &[], "Action=AssumeRole");
    assert_eq!(
        (unsigned.status, unsigned.xml_field("Code")),
        (403, "MissingAuthenticationToken")
    );
    let not_a_role = query(
        port,
        "AKIDBASE",
        "us-east-1",
        "sts",
        "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Auser%2Fx&RoleSessionName=s",
    );
    assert_eq!(
        (not_a_role.status, not_a_role.xml_field("Code")),
        (400, "ValidationError")
    );

    // A marker is bound to its target: the next page of one account is refused in another.
    let first_page = describe("&MaxRecords=20");
    let other_key = assume(port, &fake.config().accounts[1]);
    let marker = first_page.xml_field("Marker").to_string();
    let reused = query(
        port,
        &other_key,
        "us-east-1",
        "rds",
        &format!("Action=DescribeDBInstances&MaxRecords=20&Marker={marker}"),
    );
    assert_eq!(reused.xml_field("Code"), "InvalidParameterValue");
    let next_page = describe(&format!("&MaxRecords=20&Marker={marker}"));
    assert_eq!(next_page.status, 200);
}

#[test]
fn hung_requests_count_in_flight_until_the_client_disconnects() {
    let config = FakeConfig {
        hang_rate: 1.0,
        ..FakeConfig::with_accounts(1)
    };
    let fake = FakeAws::start_in_background(config).expect("fake starts");
    let request = "POST / HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256 \
                   Credential=AKIDBASE/20260101/us-east-1/sts/aws4_request, Signature=0\r\n\
                   Content-Length: 17\r\n\r\nAction=AssumeRole";
    let mut clients: Vec<TcpStream> = (0..3)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", fake.port())).expect("connects");
            stream.write_all(request.as_bytes()).expect("request sent");
            stream
        })
        .collect();

    wait_until("all three requests are held", || {
        fake.counters().faults.hung == 3
    });
    let counters = fake.counters();
    assert_eq!((counters.in_flight, counters.peak_in_flight), (3, 3));
    clients[0]
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout set");
    let mut buffer = [0u8; 1];
    assert!(
        clients[0].read(&mut buffer).is_err(),
        "a hung request gets no answer"
    );

    clients.clear();
    wait_until("the server drops the held requests", || {
        fake.counters().in_flight == 0
    });
    assert_eq!(fake.counters().peak_in_flight, 3);
}

#[test]
fn dropping_the_fake_stops_the_server() {
    let fake = FakeAws::start_in_background(FakeConfig::default()).expect("fake starts");
    let port = fake.port();
    assert_eq!(send(port, "GET", "/_fake/counters", &[], "").status, 200);
    drop(fake);
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

/// Kills the child process however the test ends.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn binary_prints_one_listening_line_and_serves() {
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_fake-aws"))
            .args([
                "--port",
                "0",
                "--accounts",
                "3",
                "--regions",
                "us-east-1,eu-west-1",
            ])
            .args([
                "--deny",
                "100000000002",
                "--disable-region",
                "100000000001:eu-west-1",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .expect("binary starts"),
    );
    let stdout = child.0.stdout.take().expect("stdout piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("line read");
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .expect("listening line")
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let port = port_of(&url);
    let denied = query(
        port,
        "AKIDBASE",
        "us-east-1",
        "sts",
        "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A100000000002%3Arole%2Fr&RoleSessionName=s",
    );
    let json = counters_over_http(port);

    assert_eq!(denied.xml_field("Code"), "AccessDenied");
    assert_eq!(json["assume_role_denied"], 1);
}

#[test]
fn control_paths_switch_the_generation_and_fail_a_target_at_runtime() {
    let fake = FakeAws::start_in_background(FakeConfig::with_accounts(1)).expect("fake starts");
    let port = fake.port();
    let account = fake.config().accounts[0].clone();
    let key = assume(port, &account);
    let describe = || query(port, &key, "us-east-1", "rds", "Action=DescribeDBInstances");

    let generation = send(port, "POST", "/_fake/generation/1", &[], "");
    let fail = format!("/_fake/target-failure/{account}:us-east-1/access-denied");
    let failed = send(port, "POST", &fail, &[], "");
    let denied = describe();
    let clear = format!("/_fake/target-failure/{account}:us-east-1/none");
    let cleared = send(port, "POST", &clear, &[], "");
    let served = describe();

    assert_eq!(
        (generation.status, failed.status, cleared.status),
        (204, 204, 204)
    );
    assert_eq!(fake.generation(), 1);
    assert_eq!(
        (denied.status, denied.xml_field("Code")),
        (403, "AccessDenied")
    );
    assert_eq!(served.status, 200);
    assert!(served.body.contains("-renamed</DBInstanceIdentifier>"));
    let unknown = send(
        port,
        "POST",
        "/_fake/target-failure/1:nowhere/hang",
        &[],
        "",
    );
    assert_eq!(unknown.status, 404);
    let malformed = send(port, "POST", "/_fake/target-failure/x/sometimes", &[], "");
    assert_eq!(malformed.status, 400);
    assert_eq!(
        send(port, "POST", "/_fake/generation/x", &[], "").status,
        400
    );
}

#[test]
fn maintenance_and_engine_version_calls_validate_like_describe() {
    let fake = FakeAws::start_in_background(FakeConfig::with_accounts(2)).expect("fake starts");
    let port = fake.port();
    let key = assume(port, &fake.config().accounts[0]);
    let other_key = assume(port, &fake.config().accounts[1]);
    let call = |key: &str, form: &str| query(port, key, "us-east-1", "rds", form);

    for action in [
        "DescribePendingMaintenanceActions",
        "DescribeDBMajorEngineVersions",
    ] {
        let too_few = call(&key, &format!("Action={action}&MaxRecords=10"));
        assert_eq!(
            (too_few.status, too_few.xml_field("Code")),
            (400, "InvalidParameterValue")
        );
        let base = call("AKIDBASE", &format!("Action={action}"));
        assert_eq!(base.xml_field("Code"), "InvalidClientTokenId");
        let bad_marker = call(&key, &format!("Action={action}&Marker=pm1-1-zzzz"));
        assert_eq!(bad_marker.xml_field("Code"), "InvalidParameterValue");
    }
    // A maintenance marker is bound to its target.
    let first = call(&key, "Action=DescribeDBMajorEngineVersions&MaxRecords=20");
    let marker = first.xml_field("Marker").to_string();
    let elsewhere = call(
        &other_key,
        &format!("Action=DescribeDBMajorEngineVersions&MaxRecords=20&Marker={marker}"),
    );
    assert_eq!(elsewhere.xml_field("Code"), "InvalidParameterValue");
    let json = counters_over_http(port);
    assert_eq!(json["calls"]["DescribePendingMaintenanceActions"], 3);
    assert_eq!(json["major_engine_versions_calls"]["us-east-1"]["*"], 5);
}

#[test]
fn a_hang_target_holds_pending_maintenance_calls_too() {
    let mut config = FakeConfig::with_accounts(1);
    let account = config.accounts[0].clone();
    config
        .hang_targets
        .insert(FakeConfig::target(&account, "us-east-1"));
    let fake = FakeAws::start_in_background(config).expect("fake starts");
    let key = assume(fake.port(), &account);
    let request = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256 \
         Credential={key}/20260101/us-east-1/rds/aws4_request, Signature=0\r\n\
         Content-Length: 40\r\n\r\nAction=DescribePendingMaintenanceActions"
    );
    let mut client = TcpStream::connect(("127.0.0.1", fake.port())).expect("connects");
    client.write_all(request.as_bytes()).expect("request sent");

    wait_until("the call is held", || fake.counters().faults.hung == 1);
    assert_eq!(fake.counters().in_flight, 1);
}

#[test]
fn assume_role_counters_record_arn_region_and_duration_over_http() {
    let fake = FakeAws::start_in_background(FakeConfig::with_accounts(1)).expect("fake starts");
    let port = fake.port();
    let account = fake.config().accounts[0].clone();
    let form = format!(
        "Action=AssumeRole&RoleArn=arn%3Aaws-cn%3Aiam%3A%3A{account}%3Arole%2FReader\
         &RoleSessionName=test&DurationSeconds=900"
    );

    let reply = query(port, "AKIDBASE", "cn-north-1", "sts", &form);

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains(&format!(
        "arn:aws-cn:sts::{account}:assumed-role/Reader/test"
    )));
    let json = counters_over_http(port);
    assert_eq!(
        json["assume_role_arns"][format!("arn:aws-cn:iam::{account}:role/Reader")],
        1
    );
    assert_eq!(json["assume_role_regions"]["cn-north-1"], 1);
    assert_eq!(
        json["assume_role_durations"][&account],
        serde_json::json!([900])
    );
}

/// The outcomes of 12 arrivals of one AssumeRole, with `interleaved` AssumeRoles of another
/// account sent before each: `true` for throttled.
fn throttled_attempts(interleaved: usize, session_names_vary: bool) -> Vec<bool> {
    let config = FakeConfig {
        throttle_rate: 0.5,
        seed: 3,
        ..FakeConfig::with_accounts(2)
    };
    let fake = FakeAws::start_in_background(config).expect("fake starts");
    let [ours, other] = [0, 1].map(|i| fake.config().accounts[i].clone());
    let form = |account: &str, session: usize| {
        format!(
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A{account}%3Arole\
             %2FReader&RoleSessionName=s{session}"
        )
    };
    (0..12)
        .map(|attempt| {
            for _ in 0..interleaved {
                query(
                    fake.port(),
                    "AKIDBASE",
                    "us-east-1",
                    "sts",
                    &form(&other, 0),
                );
            }
            let session = if session_names_vary { attempt } else { 0 };
            let reply = query(
                fake.port(),
                "AKIDBASE",
                "us-east-1",
                "sts",
                &form(&ours, session),
            );
            match reply.status {
                200 => false,
                400 if reply.xml_field("Code") == "Throttling" => true,
                _ => panic!("unexpected answer {}: {}", reply.status, reply.body),
            }
        })
        .collect()
}

/// A request's nth attempt meets the same faults whatever else arrives around it: a test that
/// passes with a seed cannot fail because a loaded machine reordered its requests.
#[test]
fn fault_draws_follow_the_request_not_the_arrival_order() {
    let alone = throttled_attempts(0, false);
    assert!(
        alone.contains(&true) && alone.contains(&false),
        "both outcomes occur: {alone:?}"
    );
    assert_eq!(
        throttled_attempts(3, false),
        alone,
        "other traffic in between"
    );
    assert_eq!(throttled_attempts(1, true), alone, "session names vary");
}
