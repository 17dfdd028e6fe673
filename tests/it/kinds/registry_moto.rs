//! The kinds added through the kind registry against moto, judged by boto3: every member boto3's
//! describe call returns is in the record under its snake_case name and equal, for automated
//! backups (a kept and a deleted instance's), proxies (one requiring TLS, one not), a blue/green
//! deployment and an Aurora global database; the global database once per account although the
//! run lists two regions (moto, like AWS, answers it from every region); `source_exists` false
//! for the retained backups of the deleted instance. moto has no
//! DescribeDBClusterAutomatedBackups: that kind is the fake's (`registry_fake`).

use crate::common;

use std::collections::BTreeMap;

use common::boto3::{api_fields, records_by};
use common::moto::MotoServer;
use common::{once, Run};
use serde_json::{Map, Value};

const ACCOUNT: &str = "111111111111";
const REGION: &str = "eu-west-1";
/// A second region of the run, where nothing but the global database's answer is.
const OTHER_REGION: &str = "us-east-1";
const ROLE: &str = "InventoryReadOnly";

/// boto3, after the prelude in `common::boto3`: `seed` makes two instances, `kept` and `gone`
/// (deleted with its automated backups kept), two proxies (`tls-proxy` requires TLS,
/// `plain-proxy` does not) in a VPC of two subnets, a blue/green deployment of `kept`, and the
/// global database `world` with its writer cluster `world-eu`. The other modes print the
/// describe call's items as JSON.
const BOTO3: &str = r#"
mode, endpoint, account, region, role = sys.argv[1:6]
rds = client("rds", endpoint, account, region, role)
if mode == "seed":
    ec2 = client("ec2", endpoint, account, region, role)
    for name in ["kept", "gone"]:
        rds.create_db_instance(
            DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
            EngineVersion="16.3", AllocatedStorage=20, MasterUsername="admin_user",
            MasterUserPassword="not-a-secret-1", BackupRetentionPeriod=7)
    rds.delete_db_instance(DBInstanceIdentifier="gone", SkipFinalSnapshot=True,
                           DeleteAutomatedBackups=False)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24",
                                 AvailabilityZone=f"{region}{z}")["Subnet"]["SubnetId"]
               for i, z in [(1, "a"), (2, "b")]]
    for name, tls in [("tls-proxy", True), ("plain-proxy", False)]:
        rds.create_db_proxy(
            DBProxyName=name, EngineFamily="POSTGRESQL", RequireTLS=tls,
            Auth=[{"AuthScheme": "SECRETS", "IAMAuth": "DISABLED",
                   "SecretArn": f"arn:aws:secretsmanager:{region}:{account}:secret:{name}"}],
            RoleArn=f"arn:aws:iam::{account}:role/proxy", VpcSubnetIds=subnets)
    kept = rds.describe_db_instances(DBInstanceIdentifier="kept")["DBInstances"][0]
    rds.create_blue_green_deployment(BlueGreenDeploymentName="upgrade",
                                     Source=kept["DBInstanceArn"], TargetEngineVersion="16.4")
    rds.create_global_cluster(GlobalClusterIdentifier="world", Engine="aurora-postgresql",
                              EngineVersion="16.4")
    rds.create_db_cluster(DBClusterIdentifier="world-eu", Engine="aurora-postgresql",
                          EngineVersion="16.4", MasterUsername="admin_user",
                          MasterUserPassword="not-a-secret-2", GlobalClusterIdentifier="world")
else:
    call, key = {
        "automated-backups": ("describe_db_instance_automated_backups",
                              "DBInstanceAutomatedBackups"),
        "proxies": ("describe_db_proxies", "DBProxies"),
        "blue-green-deployments": ("describe_blue_green_deployments", "BlueGreenDeployments"),
        "global-clusters": ("describe_global_clusters", "GlobalClusters"),
    }[mode]
    pages = rds.get_paginator(call).paginate()
    print(json.dumps([item for page in pages for item in page[key]], default=rfc3339))
"#;

fn boto3(mode: &str, moto: &MotoServer) -> String {
    common::boto3::run_script(BOTO3, &[mode, moto.url(), ACCOUNT, REGION, ROLE])
}

struct Scenario {
    moto: MotoServer,
    run: Run,
}

const KINDS: &str = "instances,automated-backups,proxies,blue-green-deployments,global-clusters";

fn scenario() -> &'static Scenario {
    once!(Scenario, {
        let moto = MotoServer::start();
        boto3("seed", &moto);
        let tool = moto.inventory(&[REGION, OTHER_REGION], ROLE, &[(ACCOUNT, "prod")]);
        let run = tool.args(["--kind", KINDS, "-o", "{kind}.ndjson"]).run();
        run.assert_code(0, KINDS);
        Scenario { moto, run }
    })
}

/// Every member boto3 listed for each item of `kind` is in its record, equal (the item found
/// by `id_member`, its record by `id_field`).
fn assert_as_boto3_lists(kind: &str, call: &str, id_member: &str, id_field: &str) {
    let scenario = scenario();
    let mut listed: Vec<Map<String, Value>> =
        serde_json::from_str(&boto3(kind, &scenario.moto)).expect("boto3's answer");
    let records = records_by(&scenario.run, &format!("{kind}.ndjson"), id_field);
    let mut fields = api_fields(kind, &format!("{call}."));
    // `region` is the run's field in every kind: the SDK's `Region` is `backup_region`.
    if let Some(field) = fields.remove("Region") {
        assert_eq!(field, "backup_region");
        for item in &mut listed {
            if let Some(region) = item.remove("Region") {
                let id = item[id_member].as_str().unwrap_or_default();
                assert_eq!(records[id]["backup_region"], region, "{id}");
            }
        }
    }
    for (id, record) in &records {
        assert_eq!(record["account_id"], ACCOUNT, "{id}");
        assert_eq!(record["account_name"], "prod", "{id}");
    }
    common::boto3::assert_members_equal(&listed, records, &fields, id_member, &[]);
}

#[test]
fn every_member_boto3_returns_for_automated_backups_is_in_the_record_and_retained_ones_have_no_source(
) {
    assert_as_boto3_lists(
        "automated-backups",
        "DescribeDBInstanceAutomatedBackups DBInstanceAutomatedBackup",
        "DBInstanceIdentifier",
        "db_instance_identifier",
    );
    let records = records_by(
        &scenario().run,
        "automated-backups.ndjson",
        "db_instance_identifier",
    );
    let by_status: BTreeMap<&str, (&Value, &Value)> = records
        .iter()
        .map(|(id, r)| (id.as_str(), (&r["status"], &r["source_exists"])))
        .collect();
    assert_eq!(
        by_status["kept"],
        (&Value::from("active"), &Value::Bool(true))
    );
    assert_eq!(
        by_status["gone"],
        (&Value::from("retained"), &Value::Bool(false))
    );
}

#[test]
fn every_member_boto3_returns_for_a_proxy_is_in_the_record_with_require_tls() {
    assert_as_boto3_lists(
        "proxies",
        "DescribeDBProxies DBProxy",
        "DBProxyName",
        "db_proxy_name",
    );
    let records = records_by(&scenario().run, "proxies.ndjson", "db_proxy_name");
    assert_eq!(records["tls-proxy"]["require_tls"], true);
    assert_eq!(records["plain-proxy"]["require_tls"], false);
}

#[test]
fn every_member_boto3_returns_for_a_blue_green_deployment_is_in_the_record() {
    assert_as_boto3_lists(
        "blue-green-deployments",
        "DescribeBlueGreenDeployments BlueGreenDeployment",
        "BlueGreenDeploymentIdentifier",
        "blue_green_deployment_identifier",
    );
}

#[test]
fn a_global_database_is_listed_once_per_account_with_its_members_regions() {
    assert_as_boto3_lists(
        "global-clusters",
        "DescribeGlobalClusters GlobalCluster",
        "GlobalClusterIdentifier",
        "global_cluster_identifier",
    );
    let text = std::fs::read_to_string(scenario().run.path("global-clusters.ndjson"))
        .expect("global-clusters.ndjson");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a record"))
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "once per account, though two regions are listed"
    );
    assert_eq!(lines[0]["writer_region"], REGION);
    assert_eq!(lines[0]["member_regions"], serde_json::json!([REGION]));
}
