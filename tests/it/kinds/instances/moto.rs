//! The complete record against moto, judged by boto3: for every instance, every member that
//! boto3's `describe_db_instances` returns equals the record's value after the documented
//! mapping (the schema's `source` strings, read from `rds-inventory fields`), and every AWS
//! name in the schema is a member botocore's model knows.
//!
//! The expected values come from boto3 in moto's virtualenv, not from values the test wrote.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::block_on;
use common::boto3::{api_fields, as_record_value};
use common::moto::{seed, Fleet, MotoServer, BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY};
use common::Tool;
use serde_json::{Map, Value};

/// How the schema spells a `DescribeDBInstances` source.
const API_SOURCE: &str = "DescribeDBInstances DBInstance.";
/// Members moto recomputes on every call ("now"), so two calls never agree on their value.
const MOVING: &[&str] = &["LatestRestorableTime"];

/// boto3, after the prelude in `common::boto3` (`client`, `rfc3339`): `seed`s a richly
/// configured instance, `describe`s targets as JSON (timestamps formatted like the SDK's
/// RFC 3339), or prints the DBInstance `model`.
const BOTO3: &str = r#"
mode = sys.argv[1]
if mode == "seed":
    endpoint, account, region, role = sys.argv[2:6]
    ec2 = client("ec2", endpoint, account, region, role)
    rds = client("rds", endpoint, account, region, role)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24",
                                 AvailabilityZone=region + zone)["Subnet"]["SubnetId"]
               for i, zone in enumerate("ab")]
    group = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    rds.create_db_subnet_group(DBSubnetGroupName="private-data",
                               DBSubnetGroupDescription="Private data subnets", SubnetIds=subnets)
    rds.create_db_parameter_group(DBParameterGroupName="orders-pg16",
                                  DBParameterGroupFamily="postgres16", Description="orders")
    rds.create_db_instance(
        DBInstanceIdentifier="rich-orders", DBInstanceClass="db.r6g.large", Engine="postgres",
        EngineVersion="16.3", AllocatedStorage=100, MasterUsername="inventory",
        MasterUserPassword="not-a-secret-1", DBName="orders", DBSubnetGroupName="private-data",
        VpcSecurityGroupIds=[group], DBParameterGroupName="orders-pg16", BackupRetentionPeriod=0,
        MultiAZ=True, StorageEncrypted=True, KmsKeyId=f"arn:aws:kms:{region}:{account}:key/k1",
        DeletionProtection=True, PubliclyAccessible=True,
        EnableCloudwatchLogsExports=["postgresql", "upgrade"], CopyTagsToSnapshot=True,
        MonitoringInterval=60, MonitoringRoleArn=f"arn:aws:iam::{account}:role/monitoring",
        EnableIAMDatabaseAuthentication=True, EnablePerformanceInsights=True,
        PerformanceInsightsRetentionPeriod=7, StorageType="io1", Iops=3000,
        MaxAllocatedStorage=500, Port=5433, PreferredBackupWindow="02:00-02:30",
        PreferredMaintenanceWindow="sun:03:00-sun:03:30",
        CACertificateIdentifier="rds-ca-rsa2048-g1",
        Tags=[{"Key": "=cmd", "Value": "-1+1"}, {"Key": "env", "Value": "prod"}])
elif mode == "describe":
    endpoint, role, targets = sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    answer = {}
    for account, region in targets:
        rds = client("rds", endpoint, account, region, role)
        pages = rds.get_paginator("describe_db_instances").paginate()
        answer[f"{account}/{region}"] = [db for page in pages for db in page["DBInstances"]]
    print(json.dumps(answer, default=rfc3339))
elif mode == "model":
    shape = boto3.client("rds", region_name="us-east-1").meta.service_model.shape_for("DBInstance")
    members = {name: sorted(getattr(member, "members", {}).keys())
               for name, member in shape.members.items()}
    print(json.dumps(members))
"#;

/// Runs the inline boto3 script; panics with its stderr unless it succeeds.
fn boto3(args: &[&str]) -> String {
    common::boto3::run_script(BOTO3, args)
}

/// Runs rds-inventory (the one hermetic runner) with only the base keys; returns stdout.
fn inventory(args: &[&str]) -> String {
    let run = Tool::new()
        .base_keys(BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY)
        .arg("--no-progress")
        .args(args.iter().copied())
        .run();
    run.assert_code(0, "rds-inventory");
    run.stdout.clone()
}

/// Compares one instance: every member boto3 returned is in the record, with the same value;
/// every schema field whose member boto3 did not return is null (tags: `{}`).
fn compare(
    aws: &Map<String, Value>,
    record: &Map<String, Value>,
    fields: &BTreeMap<String, String>,
) {
    let id = &aws["DBInstanceIdentifier"];
    for (name, value) in aws {
        let mapped: Vec<(&String, &String)> = fields
            .iter()
            .filter(|(path, _)| path.split('.').next() == Some(name.as_str()))
            .collect();
        assert!(
            !mapped.is_empty(),
            "{id}: boto3 returned {name}, which no field carries"
        );
        if let Value::Object(members) = value {
            if mapped.iter().all(|(path, _)| path.contains('.')) {
                for member in members.keys() {
                    assert!(
                        fields.contains_key(&format!("{name}.{member}")),
                        "{id}: {name}.{member} was dropped"
                    );
                }
            }
        }
        for (path, field) in mapped {
            let expected = match path.split_once('.') {
                None => as_record_value(name, value),
                Some((_, member)) => as_record_value("", value.get(member).unwrap_or(&Value::Null)),
            };
            let got = &record[field.as_str()];
            if MOVING.contains(&name.as_str()) {
                assert!(got.is_string(), "{id}: {field} is {got}");
                continue;
            }
            assert_eq!(got, &expected, "{id}: {field} (from {path})");
        }
    }
    for (path, field) in fields {
        let top = path.split('.').next().unwrap_or(path);
        if !aws.contains_key(top) {
            let absent = if top == "TagList" {
                Value::Object(Map::new())
            } else {
                Value::Null
            };
            assert_eq!(
                record[field.as_str()],
                absent,
                "{id}: {field} ({top} not returned)"
            );
        }
    }
}

#[test]
fn every_member_boto3_returns_is_in_the_record_with_the_same_value() {
    let moto = MotoServer::start();
    let fleet = Fleet::sample();
    block_on(seed(moto.url(), &fleet));
    let (rich_account, rich_region) = (&fleet.accounts[0].id, &fleet.regions[0]);
    boto3(&[
        "seed",
        moto.url(),
        rich_account,
        rich_region,
        &fleet.role_name,
    ]);

    let workdir = tempfile::tempdir().expect("a scratch dir");
    let config = workdir.path().join("accounts.toml");
    std::fs::write(&config, fleet.accounts_file().to_toml()).expect("writing the accounts file");
    let config = config.to_str().expect("UTF-8 path");
    let stdout = inventory(&["-c", config, "--endpoint-url", moto.url()]);
    let mut records: BTreeMap<(String, String, String), Map<String, Value>> = BTreeMap::new();
    for line in stdout.lines() {
        let record: Map<String, Value> = serde_json::from_str(line).expect("an NDJSON record");
        let key = ["account_id", "region", "db_instance_identifier"]
            .map(|k| record[k].as_str().expect("a string").to_owned());
        records.insert(key.into(), record);
    }

    let targets: Vec<(&str, &str)> = fleet
        .accounts
        .iter()
        .flat_map(|a| {
            fleet
                .regions
                .iter()
                .map(move |r| (a.id.as_str(), r.as_str()))
        })
        .collect();
    let targets = serde_json::to_string(&targets).expect("JSON");
    let answer: BTreeMap<String, Vec<Map<String, Value>>> = serde_json::from_str(&boto3(&[
        "describe",
        moto.url(),
        &fleet.role_name,
        &targets,
    ]))
    .expect("boto3's answer");
    let fields = api_fields("instances", API_SOURCE);
    let mut compared = 0;
    for (target, instances) in &answer {
        let (account, region) = target.split_once('/').expect("account/region");
        for aws in instances {
            let id = aws["DBInstanceIdentifier"].as_str().expect("an identifier");
            let key = (account.to_owned(), region.to_owned(), id.to_owned());
            let record = records
                .remove(&key)
                .unwrap_or_else(|| panic!("{key:?} is not in the inventory"));
            compare(aws, &record, &fields);
            compared += 1;
        }
    }
    assert!(
        records.is_empty(),
        "records boto3 did not see: {:?}",
        records.keys()
    );
    assert!(
        compared > fleet.expected().len(),
        "the rich instance was compared too"
    );
}

#[test]
fn every_aws_name_in_the_schema_is_a_member_of_botocores_model() {
    let model: BTreeMap<String, Vec<String>> =
        serde_json::from_str(&boto3(&["model"])).expect("botocore's DBInstance members");
    let fields = api_fields("instances", API_SOURCE);
    assert!(fields.len() > 90, "{}", fields.len());
    let unknown: BTreeSet<&String> = fields
        .keys()
        .filter(|path| match path.split_once('.') {
            None => !model.contains_key(path.as_str()),
            Some((top, member)) => !model
                .get(top)
                .is_some_and(|members| members.iter().any(|m| m == member)),
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "not in botocore's DBInstance: {unknown:?}"
    );
}
