//! `--with utilization` against moto: boto3 puts daily `AWS/RDS` points for instances moto
//! holds (an idle one, a busy one, one with a single short-lived connection, a new one with
//! three days of points, an Aurora member) and the tool reads them back through GetMetricData.
//! Both speak Smithy RPC v2 CBOR; moto answers them through scripts/moto_server.py's bridge to
//! its JSON protocol, so what is judged here is moto's own aggregation (daily Maximum, Average,
//! Minimum over the points boto3 put) against the figures those points imply.

use crate::common;

use std::collections::BTreeMap;

use common::boto3::records_by;
use common::moto::MotoServer;
use common::{once, Run};
use serde_json::{json, Map, Value};

const ACCOUNT: &str = "111111111111";
const REGION: &str = "eu-west-1";
const ROLE: &str = "InventoryReadOnly";

/// boto3, after the prelude in `common::boto3`: the instances, then two points a day (00:30
/// and 13:30 UTC) for each of the 15 days up to today, through the role in `account`. Points
/// of today fall outside the window (whole days before the run's day) unless the clock passes
/// midnight between seeding and the run; the figures below hold either way.
const BOTO3: &str = r#"
endpoint, account, region, role = sys.argv[1:5]
rds = client("rds", endpoint, account, region, role)
cloudwatch = client("cloudwatch", endpoint, account, region, role)
for name, engine, version in [("idle-db", "postgres", "16.3"), ("busy-db", "mysql", "8.0.39"),
                              ("batch-db", "postgres", "16.3"), ("new-db", "postgres", "16.3")]:
    rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro",
                           Engine=engine, EngineVersion=version, AllocatedStorage=20,
                           MasterUsername="admin_user", MasterUserPassword="not-a-secret-1")
rds.create_db_cluster(DBClusterIdentifier="apg", Engine="aurora-postgresql", EngineVersion="16.4",
                      MasterUsername="admin_user", MasterUserPassword="not-a-secret-2")
rds.create_db_instance(DBInstanceIdentifier="apg-1", DBInstanceClass="db.r6g.large",
                       Engine="aurora-postgresql", DBClusterIdentifier="apg")

today = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0,
                                                             microsecond=0)
# Per instance: the days (before today) with points, and metric -> (00:30 value, 13:30 value)
# of day d.
idle = {"DatabaseConnections": lambda d: (0, 0), "CPUUtilization": lambda d: (2, 4),
        "ReadIOPS": lambda d: (1, 3), "WriteIOPS": lambda d: (5, 7),
        "FreeStorageSpace": lambda d: (20e9, 19e9)}
busy = dict(idle, DatabaseConnections=lambda d: (0, 12 if d == 7 else 3),
            CPUUtilization=lambda d: (50, 70))
batch = dict(idle, DatabaseConnections=lambda d: (1 if d == 5 else 0, 0))
series = {"idle-db": (range(15), idle), "busy-db": (range(15), busy),
          "batch-db": (range(15), batch), "new-db": (range(1, 4), idle),
          "apg-1": (range(15), idle)}
for name, (days, metrics) in series.items():
    data = []
    for d in days:
        for at, index in ((datetime.timedelta(minutes=30), 0),
                          (datetime.timedelta(hours=13, minutes=30), 1)):
            for metric, values in metrics.items():
                data.append({"MetricName": metric, "Value": float(values(d)[index]),
                             "Timestamp": today - datetime.timedelta(days=d) + at,
                             "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": name}]})
    for start in range(0, len(data), 500):
        cloudwatch.put_metric_data(Namespace="AWS/RDS", MetricData=data[start:start + 500])
print(json.dumps({"today": today.strftime("%Y-%m-%dT%H:%M:%SZ")}))
"#;

struct Scenario {
    /// Kept for the runs' lifetime: moto stops when it is dropped.
    _moto: MotoServer,
    /// Midnight UTC of the day boto3 seeded on.
    today: String,
    /// `--with utilization` (14 days) and `--utilization-days 3`.
    runs: BTreeMap<u32, Run>,
}

fn scenario() -> &'static Scenario {
    once!(Scenario, {
        let moto = MotoServer::start();
        let seeded: Value = serde_json::from_str(&common::boto3::run_script(
            BOTO3,
            &[moto.url(), ACCOUNT, REGION, ROLE],
        ))
        .expect("seed output");
        let mut runs = BTreeMap::new();
        for days in [14, 3] {
            let tool = moto.inventory(&[REGION], ROLE, &[(ACCOUNT, "prod")]);
            let run = tool
                .args(["--with", "utilization", "--utilization-days"])
                .arg(days.to_string())
                .args(["--summary", "s.json", "-o", "instances.ndjson"])
                .run();
            run.assert_code(0, "--with utilization against moto");
            runs.insert(days, run);
        }
        Scenario {
            today: seeded["today"].as_str().expect("today").to_owned(),
            _moto: moto,
            runs,
        }
    })
}

fn instances(days: u32) -> BTreeMap<String, Map<String, Value>> {
    records_by(
        &scenario().runs[&days],
        "instances.ndjson",
        "db_instance_identifier",
    )
}

/// The figures of a record, by field.
fn figures(record: &Map<String, Value>) -> Value {
    let fields = [
        "idle",
        "utilization_datapoints",
        "connections_max",
        "cpu_avg_percent",
        "cpu_max_percent",
        "read_iops_avg",
        "write_iops_avg",
        "free_storage_min_bytes",
    ];
    Value::Object(
        fields
            .iter()
            .map(|f| (f.to_string(), record[*f].clone()))
            .collect(),
    )
}

/// What the points boto3 put imply over a 14-day window, `connections_max` and `idle` aside.
fn steady(idle: Value, connections_max: f64, cpu: (f64, f64), free: Value) -> Value {
    json!({
        "idle": idle,
        "utilization_datapoints": 14,
        "connections_max": connections_max,
        "cpu_avg_percent": cpu.0,
        "cpu_max_percent": cpu.1,
        "read_iops_avg": 2.0,
        "write_iops_avg": 6.0,
        "free_storage_min_bytes": free,
    })
}

#[test]
fn idle_busy_and_new_instances_get_the_figures_their_points_imply() {
    let records = instances(14);
    let free = json!(19e9);
    assert_eq!(
        figures(&records["idle-db"]),
        steady(json!(true), 0.0, (3.0, 4.0), free.clone()),
        "a zero every day: idle; averages of the daily averages, maxima of the daily maxima"
    );
    assert_eq!(
        figures(&records["busy-db"]),
        steady(json!(false), 12.0, (60.0, 70.0), free.clone()),
        "busy every day, a peak of 12 on one day"
    );
    assert_eq!(
        figures(&records["batch-db"]),
        steady(json!(false), 1.0, (3.0, 4.0), free.clone()),
        "one connection at 00:30 on one day (a daily Average would hide it): not idle"
    );
    assert_eq!(
        figures(&records["apg-1"]),
        steady(json!(true), 0.0, (3.0, 4.0), Value::Null),
        "Aurora: FreeStorageSpace is not asked for, even though points exist"
    );
    let new = figures(&records["new-db"]);
    assert_eq!(new["utilization_datapoints"], 3, "{new}");
    assert_eq!(
        new["idle"],
        Value::Null,
        "3 points of 14 days: unknown, not idle"
    );
    assert_eq!(new["connections_max"], 0.0, "{new}");
}

#[test]
fn the_window_is_the_whole_utc_days_before_the_run_and_follows_utilization_days() {
    let scenario = scenario();
    let to = common::text::rfc3339_seconds(&scenario.today) as i64;
    for (days, run) in &scenario.runs {
        for record in run.json_lines() {
            let id = &record["db_instance_identifier"];
            assert_eq!(record["utilization_days"], *days, "{id}");
            let record_to = common::text::rfc3339_seconds(
                record["utilization_to"].as_str().expect("utilization_to"),
            ) as i64;
            let record_from = common::text::rfc3339_seconds(
                record["utilization_from"]
                    .as_str()
                    .expect("utilization_from"),
            ) as i64;
            // The seeding day's midnight, or the next one if the clock passed it since.
            assert!(
                record_to == to || record_to == to + 86_400,
                "{id}: to {record_to}, seeded on {to}"
            );
            assert_eq!(record_to - record_from, i64::from(*days) * 86_400, "{id}");
        }
    }
    let short = instances(3);
    assert_eq!(
        short["busy-db"]["connections_max"], 3.0,
        "the peak of day 7 is outside a 3-day window"
    );
    assert_eq!(short["busy-db"]["utilization_datapoints"], 3);
    assert_eq!(
        short["new-db"]["idle"], true,
        "three zero points fill a 3-day window"
    );
}

#[test]
fn the_summary_counts_the_metrics_requested_six_per_instance_five_per_aurora_member() {
    let run = &scenario().runs[&14];
    let summary = run.json_file("s.json");
    assert_eq!(summary["cloudwatch_metrics_requested"], 4 * 6 + 5);
    assert!(
        run.warning_lines().is_empty(),
        "moto answered every call: {:?}",
        run.warning_lines()
    );
}
