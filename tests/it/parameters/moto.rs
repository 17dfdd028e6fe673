//! `--with parameters` and the parameter-group kinds against moto, judged by boto3: custom DB
//! parameter groups with `rds.force_ssl` 1 and 0 and a MySQL group with
//! `require_secure_transport` ON, attached to instances; an Aurora PostgreSQL cluster whose
//! cluster parameter group sets `rds.force_ssl` 1, which its member instance takes; an
//! instance on its default group, whose value needs the engine defaults moto does not serve
//! (null with a reason, one warning, exit code 0); every member boto3's describe calls return
//! for the groups in their records, and `modified_parameters` as boto3 lists the user's.

use crate::common;

use std::collections::BTreeMap;

use common::boto3::{api_fields, records_by};
use common::moto::MotoServer;
use common::{once, Run};
use serde_json::{Map, Value};

const ACCOUNT: &str = "111111111111";
const REGION: &str = "eu-west-1";
const ROLE: &str = "InventoryReadOnly";

/// boto3, after the prelude in `common::boto3`: `seed` makes the groups, instances and the
/// cluster; `groups` / `cluster-groups` print the describe call's items; `user NAME` /
/// `cluster-user NAME` print a group's parameters with `Source=user`.
const BOTO3: &str = r#"
mode, endpoint, account, region, role = sys.argv[1:6]
rds = client("rds", endpoint, account, region, role)
if mode == "seed":
    def group(name, family, parameter, value):
        rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily=family,
                                      Description=f"{parameter}={value}")
        rds.modify_db_parameter_group(DBParameterGroupName=name, Parameters=[
            {"ParameterName": parameter, "ParameterValue": value, "ApplyMethod": "immediate"}])
    group("pg-force", "postgres16", "rds.force_ssl", "1")
    group("pg-plain", "postgres16", "rds.force_ssl", "0")
    group("my-secure", "mysql8.0", "require_secure_transport", "ON")
    for name, engine, version, params in [("pg-tls", "postgres", "16.3", "pg-force"),
                                          ("pg-open", "postgres", "16.3", "pg-plain"),
                                          ("my-tls", "mysql", "8.0.39", "my-secure"),
                                          ("pg-default", "postgres", "16.3", None)]:
        extra = {"DBParameterGroupName": params} if params else {}
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro",
                               Engine=engine, EngineVersion=version, AllocatedStorage=20,
                               MasterUsername="admin_user", MasterUserPassword="not-a-secret-1",
                               **extra)
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="apg-force",
                                          DBParameterGroupFamily="aurora-postgresql16",
                                          Description="rds.force_ssl=1")
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="apg-force", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    rds.create_db_cluster(DBClusterIdentifier="apg", Engine="aurora-postgresql",
                          EngineVersion="16.4", MasterUsername="admin_user",
                          MasterUserPassword="not-a-secret-2",
                          DBClusterParameterGroupName="apg-force")
    rds.create_db_instance(DBInstanceIdentifier="apg-1", DBInstanceClass="db.r6g.large",
                           Engine="aurora-postgresql", DBClusterIdentifier="apg")
elif mode == "groups":
    print(json.dumps(rds.describe_db_parameter_groups()["DBParameterGroups"], default=rfc3339))
elif mode == "cluster-groups":
    print(json.dumps(rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"],
                     default=rfc3339))
elif mode == "user":
    print(json.dumps(rds.describe_db_parameters(DBParameterGroupName=sys.argv[6],
                                                Source="user")["Parameters"]))
elif mode == "cluster-user":
    print(json.dumps(rds.describe_db_cluster_parameters(DBClusterParameterGroupName=sys.argv[6],
                                                        Source="user")["Parameters"]))
"#;

fn boto3(args: &[&str], moto: &MotoServer) -> String {
    let mut all = vec![args[0], moto.url(), ACCOUNT, REGION, ROLE];
    all.extend(&args[1..]);
    common::boto3::run_script(BOTO3, &all)
}

struct Scenario {
    moto: MotoServer,
    run: Run,
}

const KINDS: &str = "instances,clusters,parameter-groups,cluster-parameter-groups";

fn scenario() -> &'static Scenario {
    once!(Scenario, {
        let moto = MotoServer::start();
        boto3(&["seed"], &moto);
        let tool = moto.inventory(&[REGION], ROLE, &[(ACCOUNT, "prod")]);
        let run = tool
            .args([
                "--kind",
                KINDS,
                "--with",
                "parameters",
                "-o",
                "{kind}.ndjson",
            ])
            .run();
        // moto answers the engine-default calls with HTTP 500: a warning, not a failure.
        run.assert_code(0, KINDS);
        Scenario { moto, run }
    })
}

/// (tls_required, value, source, group) of a record.
fn tls(record: &Map<String, Value>) -> (Value, Value, Value, Value) {
    (
        record["tls_required"].clone(),
        record["tls_required_value"].clone(),
        record["tls_required_source"].clone(),
        record["tls_required_group"].clone(),
    )
}

fn user(required: bool, value: &str, group: &str) -> (Value, Value, Value, Value) {
    (
        Value::Bool(required),
        Value::from(value),
        Value::from("user"),
        Value::from(group),
    )
}

#[test]
fn instances_take_tls_required_from_their_groups_and_aurora_members_from_the_cluster_group() {
    let run = &scenario().run;
    let instances = records_by(run, "instances.ndjson", "db_instance_identifier");
    assert_eq!(tls(&instances["pg-tls"]), user(true, "1", "pg-force"));
    assert_eq!(tls(&instances["pg-open"]), user(false, "0", "pg-plain"));
    assert_eq!(tls(&instances["my-tls"]), user(true, "ON", "my-secure"));
    assert_eq!(tls(&instances["apg-1"]), user(true, "1", "apg-force"));
    for id in ["pg-tls", "my-tls", "apg-1"] {
        assert_eq!(
            instances[id]["tls_required_pending"], false,
            "{id}: in-sync"
        );
    }
    assert_eq!(
        instances["pg-tls"]["tls_required_parameter"],
        "rds.force_ssl"
    );
    assert_eq!(
        instances["my-tls"]["tls_required_parameter"],
        "require_secure_transport"
    );
    // The default group's value is the engine default, which moto does not serve.
    let default = &instances["pg-default"];
    assert!(default["tls_required"].is_null(), "{default:?}");
    assert!(
        default["tls_required_reason"]
            .as_str()
            .is_some_and(|r| r.contains("DescribeEngineDefaultParameters")),
        "{default:?}"
    );
    let clusters = records_by(run, "clusters.ndjson", "db_cluster_identifier");
    assert_eq!(tls(&clusters["apg"]), user(true, "1", "apg-force"));
    let warnings = run.stderr_lines_with("warning");
    assert_eq!(
        warnings.len(),
        1,
        "one warning for the account: {}",
        run.stderr
    );
}

/// Every member boto3 returns for each group is in its record and equal; the group's
/// `modified_parameters` are what boto3 lists with `Source=user`.
fn assert_groups_as_boto3_lists(
    kind: &str,
    mode: &str,
    call: &str,
    id_member: &str,
    id_field: &str,
) {
    let scenario = scenario();
    let listed: Vec<Map<String, Value>> =
        serde_json::from_str(&boto3(&[mode], &scenario.moto)).expect("boto3's answer");
    let records = records_by(&scenario.run, &format!("{kind}.ndjson"), id_field);
    for (id, record) in &records {
        assert_eq!(record["account_id"], ACCOUNT, "{id}");
        if id.starts_with("default.") {
            assert_eq!(record["modified_parameters"], serde_json::json!({}), "{id}");
            continue;
        }
        let user_mode = if mode == "groups" {
            "user"
        } else {
            "cluster-user"
        };
        let parameters: Vec<Map<String, Value>> =
            serde_json::from_str(&boto3(&[user_mode, id], &scenario.moto)).expect("boto3");
        let modified: BTreeMap<String, Value> = parameters
            .iter()
            .filter_map(|p| {
                Some((
                    p.get("ParameterName")?.as_str()?.to_owned(),
                    p.get("ParameterValue").cloned().unwrap_or(Value::Null),
                ))
            })
            .collect();
        assert_eq!(
            record["modified_parameters"],
            serde_json::to_value(&modified).expect("JSON"),
            "{id}"
        );
    }
    let fields = api_fields(kind, &format!("{call}."));
    common::boto3::assert_members_equal(&listed, records, &fields, id_member, &[]);
}

#[test]
fn every_member_boto3_returns_for_a_db_parameter_group_is_in_the_record() {
    assert_groups_as_boto3_lists(
        "parameter-groups",
        "groups",
        "DescribeDBParameterGroups DBParameterGroup",
        "DBParameterGroupName",
        "db_parameter_group_name",
    );
    let records = records_by(
        &scenario().run,
        "parameter-groups.ndjson",
        "db_parameter_group_name",
    );
    assert_eq!(records["pg-force"]["tls_required"], true);
    assert_eq!(records["pg-plain"]["tls_required"], false);
    assert_eq!(records["my-secure"]["tls_required"], true);
    assert_eq!(records["my-secure"]["tls_required_source"], "user");
}

#[test]
fn every_member_boto3_returns_for_a_db_cluster_parameter_group_is_in_the_record() {
    assert_groups_as_boto3_lists(
        "cluster-parameter-groups",
        "cluster-groups",
        "DescribeDBClusterParameterGroups DBClusterParameterGroup",
        "DBClusterParameterGroupName",
        "db_cluster_parameter_group_name",
    );
    let records = records_by(
        &scenario().run,
        "cluster-parameter-groups.ndjson",
        "db_cluster_parameter_group_name",
    );
    assert_eq!(records["apg-force"]["tls_required"], true);
    assert_eq!(
        records["apg-force"]["tls_required_parameter"],
        "rds.force_ssl"
    );
}
