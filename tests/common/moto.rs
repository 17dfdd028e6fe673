//! A real moto server for end-to-end tests, and the sample fleet seeded into it.
//!
//! moto keeps state per process: a test that changes a server's state (reset, IAM checks,
//! discovery setup) starts its own [`MotoServer`]; tests that only read one seeded state may
//! share a server kept in a `static` (it stops when the test process ends, however it ends).
//! Instances are created through assumed-role
//! credentials, the way the inventory reads them: moto files whatever is created with the keys
//! `sts:AssumeRole` returned for `arn:aws:iam::<id>:role/...` under account `<id>`.
//!
//! Nothing here reads the user's AWS profiles: SDK clients are built from explicit static
//! credentials, and the server binds 127.0.0.1 only.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use aws_sdk_rds::types::{DbInstance, Tag};
use serde::Deserialize;

use super::{AccountsFile, Tool};

/// Base access key every test uses unless it switches moto's IAM checks on.
pub const BASE_ACCESS_KEY_ID: &str = "testing";
/// Secret of [`BASE_ACCESS_KEY_ID`].
pub const BASE_SECRET_ACCESS_KEY: &str = "testing";
/// Role assumed in every sample account.
pub const ROLE_NAME: &str = "InventoryReadOnly";
/// The account moto acts in for keys it did not hand out through `sts:AssumeRole`.
pub const MOTO_DEFAULT_ACCOUNT: &str = "123456789012";

const READY_TIMEOUT: Duration = Duration::from_secs(60);
const START_ATTEMPTS: usize = 3;

/// Runs the server given as arguments until it exits or stdin closes, which happens when the
/// [`MotoServer`] is dropped or the test process ends (even killed): then it stops the server.
/// (An asynchronous list reads /dev/null unless told otherwise: stdin is kept as fd 3.)
const SUPERVISOR: &str = r#"exec 3<&0
"$@" </dev/null 3<&- & server=$!
(cat >/dev/null <&3; kill "$server" 2>/dev/null) &
wait "$server""#;

/// moto (`scripts/moto_server.py`: moto_server's application plus CloudWatch in CBOR) on a
/// free port of 127.0.0.1, under a shell that stops it when this value is dropped or the test
/// process ends.
pub struct MotoServer {
    /// The supervising shell; its stdin is the stop signal.
    child: Child,
    addr: SocketAddr,
    url: String,
    /// moto's stdout and stderr, in a file already unlinked.
    log: std::fs::File,
}

impl MotoServer {
    /// Starts moto and waits until `GET /moto-api/` answers.
    ///
    /// Panics when moto is not installed: a missing test peer must fail loudly, never skip.
    pub fn start() -> MotoServer {
        let program = moto_server_path();
        if !program.is_file() {
            panic!(
                "moto not installed: run scripts/setup-moto.sh (looked for {}; \
                 set RDS_INVENTORY_MOTO_SERVER to use another moto_server)",
                program.display()
            );
        }
        let mut last_failure = String::new();
        for _ in 0..START_ATTEMPTS {
            match Self::try_start(&program) {
                Ok(server) => return server,
                // Another process may have taken the port between probe and bind: try again.
                Err(failure) => last_failure = failure,
            }
        }
        panic!("moto did not start after {START_ATTEMPTS} attempts: {last_failure}");
    }

    fn try_start(program: &Path) -> Result<MotoServer, String> {
        let port = free_port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let log = tempfile::NamedTempFile::new().expect("creating moto log file");
        // One shared offset for stdout and stderr, another for reading.
        let stdout = log.reopen().expect("opening moto log file");
        let stderr = stdout.try_clone().expect("opening moto log file");
        let reader = log.reopen().expect("opening moto log file");
        // moto's application behind the CloudWatch CBOR bridge (scripts/moto_server.py), run
        // by the python of moto's virtualenv.
        let bridge = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/moto_server.py");
        let child = Command::new("sh")
            .args(["-c", SUPERVISOR, "sh"])
            .arg(program.with_file_name("python"))
            .arg(bridge)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::piped())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("spawning {}: {e}", program.display()));
        let mut server = MotoServer {
            child,
            addr,
            url: format!("http://{addr}"),
            log: reader,
        };
        let ready = super::poll(READY_TIMEOUT, || {
            if let Some(status) = server.child.try_wait().expect("polling moto") {
                return Some(Err(format!("moto exited with {status} on port {port}")));
            }
            let answered = matches!(
                http_request(addr, "GET", "/moto-api/", &[], b""),
                Ok((200, _))
            );
            answered.then_some(Ok(()))
        });
        match ready {
            Some(Ok(())) => Ok(server),
            Some(Err(exited)) => Err(format!("{exited}; log:\n{}", server.log_text())),
            // Drop kills the child.
            None => Err(format!(
                "moto did not answer on {addr} within {READY_TIMEOUT:?}; log:\n{}",
                server.log_text()
            )),
        }
    }

    /// The endpoint URL to hand to SDK clients and to `--endpoint-url`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The binary aimed at this server, with `keys` (access key id, secret) as its base
    /// identity.
    pub fn tool(&self, keys: (&str, &str)) -> Tool {
        Tool::new().endpoint(self.url()).base_keys(keys.0, keys.1)
    }

    /// The binary aimed at this server with the base keys, without progress bars, and an
    /// accounts file in its directory: `accounts` (id, name) in `regions`, through role `role`.
    pub fn inventory(&self, regions: &[&str], role: &str, accounts: &[(&str, &str)]) -> Tool {
        let tool = self
            .tool((BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY))
            .arg("--no-progress");
        AccountsFile::new()
            .regions(regions.iter().copied())
            .role_name(role)
            .accounts(accounts.iter().copied())
            .write(tool.workdir());
        tool
    }

    /// Everything moto printed so far (one line per request), for failure messages.
    pub fn log_text(&self) -> String {
        use std::io::Seek;
        let mut log = &self.log;
        let mut text = String::new();
        let _ = log.rewind().and_then(|()| log.read_to_string(&mut text));
        text
    }

    /// Forgets every resource in every account.
    pub fn reset(&self) {
        let (status, body) = http_request(self.addr, "POST", "/moto-api/reset", &[], b"")
            .expect("POST /moto-api/reset");
        assert_eq!(status, 200, "moto reset failed: {body}");
    }

    /// From now on moto checks signatures and IAM policies on every AWS request: only keys of
    /// IAM users it knows work, and they can do only what their policies allow.
    pub fn enable_iam_auth(&self) {
        // moto reads the body as text; a form content type would hide it from moto.
        let (status, body) = http_request(
            self.addr,
            "POST",
            "/moto-api/reset-auth",
            &[("Content-Type", "text/plain")],
            b"0",
        )
        .expect("POST /moto-api/reset-auth");
        assert_eq!(status, 200, "enabling moto IAM auth failed: {body}");
    }

    /// Creates an IAM user in moto's default account with an inline policy and an access key.
    /// Call before [`MotoServer::enable_iam_auth`].
    pub fn create_iam_user(&self, user_name: &str, policy: &serde_json::Value) -> IamUserKeys {
        let key = BASE_ACCESS_KEY_ID;
        self.query(
            key,
            "iam",
            &[("Action", "CreateUser"), ("UserName", user_name)],
        );
        let policy = policy.to_string();
        self.query(
            key,
            "iam",
            &[
                ("Action", "PutUserPolicy"),
                ("UserName", user_name),
                ("PolicyName", "inline"),
                ("PolicyDocument", &policy),
            ],
        );
        let created = self.query(
            key,
            "iam",
            &[("Action", "CreateAccessKey"), ("UserName", user_name)],
        );
        IamUserKeys {
            access_key_id: xml_text(&created, "AccessKeyId"),
            secret_access_key: xml_text(&created, "SecretAccessKey"),
        }
    }

    /// Creates role `role_name` in `account_id` (trusting moto's default account), with
    /// `policy` inline if given. Call before [`MotoServer::enable_iam_auth`].
    pub fn create_role(
        &self,
        account_id: &str,
        role_name: &str,
        policy: Option<&serde_json::Value>,
    ) {
        let trust = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{MOTO_DEFAULT_ACCOUNT}:root")},
                "Action": "sts:AssumeRole"
            }]
        })
        .to_string();
        // Calls signed with keys assumed into the account act in that account.
        let role_arn = format!("arn:aws:iam::{account_id}:role/{role_name}");
        let assumed = self.query(
            BASE_ACCESS_KEY_ID,
            "sts",
            &[
                ("Action", "AssumeRole"),
                ("RoleArn", &role_arn),
                ("RoleSessionName", "test-setup"),
            ],
        );
        let key = xml_text(&assumed, "AccessKeyId");
        self.query(
            &key,
            "iam",
            &[
                ("Action", "CreateRole"),
                ("RoleName", role_name),
                ("AssumeRolePolicyDocument", &trust),
            ],
        );
        if let Some(policy) = policy {
            let policy = policy.to_string();
            self.query(
                &key,
                "iam",
                &[
                    ("Action", "PutRolePolicy"),
                    ("RoleName", role_name),
                    ("PolicyName", "inline"),
                    ("PolicyDocument", &policy),
                ],
            );
        }
    }

    /// One AWS query-protocol call without a real signature (moto routes by the credential
    /// scope and picks the account from the access key; it checks nothing until IAM auth is
    /// on). Panics unless moto answers 200. Used for services the test has no SDK crate for.
    fn query(&self, access_key_id: &str, service: &str, params: &[(&str, &str)]) -> String {
        let version = if service == "iam" {
            "2010-05-08"
        } else {
            "2011-06-15"
        };
        let mut body = form_encode(params);
        body.push_str("&Version=");
        body.push_str(version);
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={access_key_id}/20250101/us-east-1/{service}/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=0000"
        );
        let (status, text) = http_request(
            self.addr,
            "POST",
            "/",
            &[
                (
                    "Content-Type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                ),
                ("X-Amz-Date", "20250101T000000Z"),
                ("Authorization", &auth),
            ],
            body.as_bytes(),
        )
        .unwrap_or_else(|e| panic!("moto {service} {params:?}: {e}"));
        assert_eq!(
            status, 200,
            "moto {service} {params:?} answered {status}: {text}"
        );
        text
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        // Closing stdin makes the supervisor stop moto; then it exits.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// Keys of an IAM user created in moto.
#[derive(Debug, Clone)]
pub struct IamUserKeys {
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// `RDS_INVENTORY_MOTO_SERVER`, else the one `scripts/setup-moto.sh` installs.
pub fn moto_server_path() -> PathBuf {
    match std::env::var_os("RDS_INVENTORY_MOTO_SERVER") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv-moto/bin/moto_server"),
    }
}

/// The Python of moto's virtualenv (next to `moto_server`), which also holds boto3 and
/// prometheus_client. Panics when it is missing, as [`MotoServer::start`] does.
pub fn venv_python() -> PathBuf {
    let python = moto_server_path().with_file_name("python");
    if !python.is_file() {
        panic!(
            "python of moto's virtualenv not found at {}: run scripts/setup-moto.sh",
            python.display()
        );
    }
    python
}

/// Runs the inline Python `script` of moto's virtualenv with `args`, without the user's AWS
/// files; panics with its stderr unless it succeeds, else returns its stdout.
pub fn run_python(script: &str, args: &[impl AsRef<std::ffi::OsStr>]) -> String {
    let output = Command::new(venv_python())
        .arg("-c")
        .arg(script)
        .args(args)
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/nonexistent/rds-inventory-tests/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rds-inventory-tests/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .output()
        .expect("running python");
    assert!(
        output.status.success(),
        "python {:?} failed:\n{}",
        args.iter().map(AsRef::as_ref).collect::<Vec<_>>(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("python prints UTF-8")
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a probe socket on 127.0.0.1");
    listener.local_addr().expect("probe socket address").port()
}

/// A minimal HTTP/1.1 exchange with a loopback server: returns (status, body).
pub fn http_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<(u16, String)> {
    assert!(
        addr.ip().is_loopback(),
        "tests talk to loopback only, not {addr}"
    );
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    stream.write_all(body)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {text:.200}")))?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    Ok((status, body.to_string()))
}

fn form_encode(params: &[(&str, &str)]) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn xml_text(xml: &str, element: &str) -> String {
    let open = format!("<{element}>");
    let close = format!("</{element}>");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no <{element}> in moto's answer: {xml}"))
        + open.len();
    let end = start + xml[start..].find(&close).expect("unterminated element");
    xml[start..end].to_string()
}

// ---------------------------------------------------------------------------------------------
// The sample fleet (shared with scripts/seed_moto.py, which the demo uses).

/// Accounts, regions and DB instances to create; `scripts/sample-fleet.json` by default.
#[derive(Debug, Clone, Deserialize)]
pub struct Fleet {
    pub role_name: String,
    pub regions: Vec<String>,
    pub accounts: Vec<FleetAccount>,
}

/// One account of a [`Fleet`] and its instances by region (a region may be absent or empty).
#[derive(Debug, Clone, Deserialize)]
pub struct FleetAccount {
    pub id: String,
    pub name: String,
    pub instances: BTreeMap<String, Vec<InstanceSpec>>,
    /// Manual DB snapshots by region, made after the region's instances (absent: none).
    #[serde(default)]
    pub snapshots: BTreeMap<String, Vec<SnapshotSpec>>,
}

/// A manual DB snapshot of one of the account's instances in that region, shared with the
/// account ids of `restore` (`all`: public; empty: private).
#[derive(Debug, Clone, Deserialize)]
pub struct SnapshotSpec {
    pub id: String,
    pub instance: String,
    pub restore: Vec<String>,
}

/// What to create for one DB instance.
#[derive(Debug, Clone, Deserialize)]
pub struct InstanceSpec {
    pub id: String,
    pub engine: String,
    pub engine_version: String,
    pub publicly_accessible: bool,
    pub tags: BTreeMap<String, String>,
}

/// The fields of an output record that the tests compare with what they created.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InstanceKey {
    pub account_id: String,
    pub account_name: String,
    pub region: String,
    pub db_instance_identifier: String,
    pub engine: String,
    pub publicly_accessible: bool,
    pub tags: BTreeMap<String, String>,
}

impl Fleet {
    /// The sample: 3 accounts x 2 regions, analytics empty in eu-west-1, hostile tag values.
    pub fn sample() -> Fleet {
        serde_json::from_str(include_str!("../../scripts/sample-fleet.json"))
            .expect("scripts/sample-fleet.json is a valid fleet")
    }

    /// One account, one region, `count` instances with rotating engines and no tags.
    pub fn bulk(account_id: &str, account_name: &str, region: &str, count: usize) -> Fleet {
        const ENGINES: [(&str, &str); 3] = [
            ("postgres", "16.3"),
            ("mysql", "8.0.35"),
            ("mariadb", "10.11.6"),
        ];
        let instances = (0..count)
            .map(|i| {
                let (engine, version) = ENGINES[i % ENGINES.len()];
                InstanceSpec {
                    id: format!("bulk-{i:04}"),
                    engine: engine.to_string(),
                    engine_version: version.to_string(),
                    publicly_accessible: i % 2 == 0,
                    tags: BTreeMap::from([("n".to_string(), i.to_string())]),
                }
            })
            .collect();
        Fleet {
            role_name: ROLE_NAME.to_string(),
            regions: vec![region.to_string()],
            accounts: vec![FleetAccount {
                id: account_id.to_string(),
                name: account_name.to_string(),
                instances: BTreeMap::from([(region.to_string(), instances)]),
                snapshots: BTreeMap::new(),
            }],
        }
    }

    /// What the inventory must report for this fleet, sorted.
    pub fn expected(&self) -> Vec<InstanceKey> {
        let mut keys: Vec<InstanceKey> = self
            .accounts
            .iter()
            .flat_map(|account| {
                self.regions.iter().flat_map(move |region| {
                    account
                        .instances
                        .get(region)
                        .into_iter()
                        .flatten()
                        .map(move |spec| InstanceKey {
                            account_id: account.id.clone(),
                            account_name: account.name.clone(),
                            region: region.clone(),
                            db_instance_identifier: spec.id.clone(),
                            engine: spec.engine.clone(),
                            publicly_accessible: spec.publicly_accessible,
                            tags: spec.tags.clone(),
                        })
                })
            })
            .collect();
        keys.sort();
        keys
    }

    /// An accounts file for the inventory that names every account of the fleet.
    pub fn accounts_file(&self) -> AccountsFile {
        AccountsFile::new()
            .regions(self.regions.iter().cloned())
            .role_name(&self.role_name)
            .session_name("rds-inventory")
            .session_duration("1h")
            .accounts(
                self.accounts
                    .iter()
                    .map(|a| (a.id.as_str(), a.name.as_str())),
            )
    }
}

// ---------------------------------------------------------------------------------------------
// SDK access to moto.

/// Why `sts:AssumeRole` failed, with moto's raw HTTP response.
pub type AssumeRoleFailure =
    aws_sdk_sts::error::SdkError<aws_sdk_sts::operation::assume_role::AssumeRoleError>;
/// Why `rds:DescribeDBInstances` failed, with moto's raw HTTP response.
pub type DescribeFailure = aws_sdk_rds::error::SdkError<
    aws_sdk_rds::operation::describe_db_instances::DescribeDBInstancesError,
>;

/// HTTP status of a failed SDK call (either SDK's), if moto answered at all.
pub fn http_status<E>(error: &aws_sdk_rds::error::SdkError<E>) -> Option<u16> {
    error
        .raw_response()
        .map(|response| response.status().as_u16())
}

/// An STS client for moto signed with `access_key_id`/`secret`, reading no profile.
pub fn sts_client(endpoint: &str, access_key_id: &str, secret: &str) -> aws_sdk_sts::Client {
    let keys = super::static_keys(access_key_id, secret);
    aws_sdk_sts::Client::new(&super::sdk_config(endpoint, keys, "us-east-1"))
}

/// An RDS client acting in `account_id` through `role_name`, assumed with the given base keys.
pub async fn assumed_rds_client(
    endpoint: &str,
    base: (&str, &str),
    account_id: &str,
    role_name: &str,
    region: &str,
) -> Result<aws_sdk_rds::Client, AssumeRoleFailure> {
    let assumed = sts_client(endpoint, base.0, base.1)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account_id}:role/{role_name}"))
        .role_session_name("rds-inventory-test")
        .send()
        .await?;
    let creds = assumed
        .credentials()
        .expect("AssumeRole returned credentials");
    let credentials = aws_credential_types::Credentials::new(
        creds.access_key_id(),
        creds.secret_access_key(),
        Some(creds.session_token().to_string()),
        None,
        "assumed",
    );
    Ok(rds_client(endpoint, credentials, region))
}

/// An RDS client for moto with the given credentials, reading no profile.
pub fn rds_client(
    endpoint: &str,
    credentials: aws_credential_types::Credentials,
    region: &str,
) -> aws_sdk_rds::Client {
    aws_sdk_rds::Client::new(&super::sdk_config(endpoint, credentials, region))
}

/// Creates every instance and manual snapshot of `fleet` through roles assumed with the base
/// keys (as scripts/seed_moto.py does; the clusters are the demo's only).
pub async fn seed(endpoint: &str, fleet: &Fleet) {
    let base = (BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY);
    for account in &fleet.accounts {
        for region in &fleet.regions {
            let specs = account
                .instances
                .get(region)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            if specs.is_empty() {
                continue;
            }
            let rds = assumed_rds_client(endpoint, base, &account.id, &fleet.role_name, region)
                .await
                .unwrap_or_else(|e| panic!("assuming a role in {}: {e:?}", account.id));
            for spec in specs {
                create_instance(&rds, spec).await;
            }
            for snapshot in account.snapshots.get(region).into_iter().flatten() {
                create_snapshot(&rds, snapshot).await;
            }
        }
    }
}

/// Creates one manual DB snapshot and shares it with its `restore` list.
pub async fn create_snapshot(rds: &aws_sdk_rds::Client, spec: &SnapshotSpec) {
    rds.create_db_snapshot()
        .db_snapshot_identifier(&spec.id)
        .db_instance_identifier(&spec.instance)
        .send()
        .await
        .unwrap_or_else(|e| panic!("creating snapshot {}: {e:?}", spec.id));
    if !spec.restore.is_empty() {
        rds.modify_db_snapshot_attribute()
            .db_snapshot_identifier(&spec.id)
            .attribute_name("restore")
            .set_values_to_add(Some(spec.restore.clone()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("sharing snapshot {}: {e:?}", spec.id));
    }
}

/// Creates one DB instance (always with an engine version: moto fails mariadb without one).
pub async fn create_instance(rds: &aws_sdk_rds::Client, spec: &InstanceSpec) {
    let tags: Vec<Tag> = spec
        .tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    rds.create_db_instance()
        .db_instance_identifier(&spec.id)
        .db_instance_class("db.t3.micro")
        .engine(&spec.engine)
        .engine_version(&spec.engine_version)
        .allocated_storage(20)
        .master_username("inventory")
        .master_user_password("not-a-secret-1")
        .publicly_accessible(spec.publicly_accessible)
        .set_tags(Some(tags))
        .send()
        .await
        .unwrap_or_else(|e| panic!("creating {}: {e:?}", spec.id));
}

/// Every DB instance the client sees, all pages.
pub async fn list_instances(rds: &aws_sdk_rds::Client) -> Result<Vec<DbInstance>, DescribeFailure> {
    let instances = rds
        .describe_db_instances()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await?;
    Ok(instances)
}
