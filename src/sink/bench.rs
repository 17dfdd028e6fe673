//! Micro-benchmark of the per-instance work on the writer side: map an SDK `DbInstance` to a
//! record, write it and drop it, for 200,000 instances in pages of 100. Ignored by default; run
//! with `cargo test --release --bin rds-inventory bench_map_and_write -- --ignored --nocapture`.
//! `RDS_INVENTORY_BENCH_INSTANCES=N` changes the count, `RDS_INVENTORY_BENCH_FORMAT=csv` runs
//! one format; `RDS_INVENTORY_BENCH_SKIP=1` only builds
//! and drops the pages, so that two runs under `valgrind --tool=callgrind` give the
//! instructions spent per instance by difference.

use std::time::{Duration, Instant};

use aws_sdk_rds::primitives::DateTime;
use aws_sdk_rds::types::{
    ActivityStreamStatus, AvailabilityZone, CertificateDetails, DatabaseInsightsMode, DbInstance,
    DbParameterGroupStatus, DbSubnetGroup, Endpoint, OptionGroupMembership, Outpost,
    PendingModifiedValues, Subnet, Tag, VpcSecurityGroupMembership,
};

use super::*;
use crate::record::{Column, InstanceRecord, RecordContext};

const INSTANCES: usize = 200_000;
const PAGE: usize = 100;

fn instances() -> usize {
    std::env::var("RDS_INVENTORY_BENCH_INSTANCES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(INSTANCES)
}

/// What AWS answers for a typical production PostgreSQL instance (about 60 members).
fn typical_instance() -> DbInstance {
    let subnet = |id: &str, az: &str| {
        Subnet::builder()
            .subnet_identifier(id)
            .subnet_availability_zone(AvailabilityZone::builder().name(az).build())
            .subnet_outpost(Outpost::builder().build())
            .subnet_status("Active")
            .build()
    };
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
    DbInstance::builder()
        .db_instance_identifier("orders-prod-db-01")
        .db_instance_class("db.r6g.xlarge")
        .engine("postgres")
        .db_instance_status("available")
        .master_username("postgres")
        .db_name("orders")
        .endpoint(
            Endpoint::builder()
                .address("orders-prod-db-01.c9akciq32.eu-west-1.rds.amazonaws.com")
                .port(5432)
                .hosted_zone_id("Z29XKXDKYMONMX")
                .build(),
        )
        .allocated_storage(500)
        .instance_create_time(DateTime::from_secs(1_700_000_000))
        .preferred_backup_window("02:00-02:30")
        .backup_retention_period(7)
        .vpc_security_groups(
            VpcSecurityGroupMembership::builder()
                .vpc_security_group_id("sg-0a1b2c3d4e5f60718")
                .status("active")
                .build(),
        )
        .db_parameter_groups(
            DbParameterGroupStatus::builder()
                .db_parameter_group_name("orders-postgres16")
                .parameter_apply_status("in-sync")
                .build(),
        )
        .availability_zone("eu-west-1a")
        .db_subnet_group(
            DbSubnetGroup::builder()
                .db_subnet_group_name("private-data")
                .db_subnet_group_description("Private data subnets")
                .vpc_id("vpc-0123456789abcdef0")
                .subnet_group_status("Complete")
                .subnets(subnet("subnet-0aaa1111bbbb2222c", "eu-west-1a"))
                .subnets(subnet("subnet-0ddd3333eeee4444f", "eu-west-1b"))
                .subnets(subnet("subnet-0fff5555aaaa6666b", "eu-west-1c"))
                .supported_network_types("IPV4")
                .build(),
        )
        .preferred_maintenance_window("sun:03:00-sun:03:30")
        .pending_modified_values(PendingModifiedValues::builder().build())
        .latest_restorable_time(DateTime::from_secs(1_760_000_000))
        .multi_az(true)
        .engine_version("16.3")
        .auto_minor_version_upgrade(true)
        .set_read_replica_db_instance_identifiers(Some(Vec::new()))
        .set_read_replica_db_cluster_identifiers(Some(Vec::new()))
        .license_model("postgresql-license")
        .iops(3000)
        .storage_throughput(125)
        .option_group_memberships(
            OptionGroupMembership::builder()
                .option_group_name("default:postgres-16")
                .status("in-sync")
                .build(),
        )
        .publicly_accessible(false)
        .storage_type("gp3")
        .db_instance_port(0)
        .storage_encrypted(true)
        .kms_key_id("arn:aws:kms:eu-west-1:111111111111:key/0e6b1c2d-3f4a-4b5c-8d9e-0f1a2b3c4d5e")
        .dbi_resource_id("db-ABCDEFGHIJKLMNOPQRSTUVWXY1")
        .ca_certificate_identifier("rds-ca-rsa2048-g1")
        .set_domain_memberships(Some(Vec::new()))
        .copy_tags_to_snapshot(true)
        .monitoring_interval(60)
        .enhanced_monitoring_resource_arn(
            "arn:aws:logs:eu-west-1:111111111111:log-group:RDSOSMetrics:log-stream:db-ABCDEFGHIJKLMNOPQRSTUVWXY1",
        )
        .monitoring_role_arn("arn:aws:iam::111111111111:role/rds-monitoring-role")
        .db_instance_arn("arn:aws:rds:eu-west-1:111111111111:db:orders-prod-db-01")
        .iam_database_authentication_enabled(false)
        .database_insights_mode(DatabaseInsightsMode::Standard)
        .performance_insights_enabled(true)
        .performance_insights_kms_key_id(
            "arn:aws:kms:eu-west-1:111111111111:key/0e6b1c2d-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
        )
        .performance_insights_retention_period(7)
        .enabled_cloudwatch_logs_exports("postgresql")
        .enabled_cloudwatch_logs_exports("upgrade")
        .deletion_protection(true)
        .set_associated_roles(Some(Vec::new()))
        .max_allocated_storage(1000)
        .tag_list(tag("env", "prod"))
        .tag_list(tag("owner", "orders-team"))
        .tag_list(tag("cost-center", "cc-1234"))
        .tag_list(tag("backup", "daily"))
        .tag_list(tag("aws:cloudformation:stack-name", "orders-data"))
        .customer_owned_ip_enabled(false)
        .network_type("IPV4")
        .activity_stream_status(ActivityStreamStatus::Stopped)
        .backup_target("region")
        .certificate_details(
            CertificateDetails::builder()
                .ca_identifier("rds-ca-rsa2048-g1")
                .valid_till(DateTime::from_secs(1_790_000_000))
                .build(),
        )
        .dedicated_log_volume(false)
        .is_storage_config_upgrade_available(false)
        .engine_lifecycle_support("open-source-rds-standard-support")
        .build()
}

/// The mapping the fetch layer does for each instance of a page.
fn map_page(page: Vec<DbInstance>) -> Vec<InstanceRecord> {
    page.into_iter()
        .map(|db| InstanceRecord::from_sdk("111111111111", "prod", "eu-west-1", db))
        .collect()
}

/// The writer, as app.rs opens it.
fn new_writer<W: Write>(format: Format, columns: &[Column], out: W) -> RecordWriter<W> {
    let options = WriteOptions {
        context: RecordContext::new(DateTime::from_secs(1_750_000_000)),
        csv_raw: false,
    };
    RecordWriter::new::<InstanceRecord>(format, columns, options, out).expect("writer")
}

/// Counts what it is given and keeps nothing, like a fast pipe.
struct Counting(usize);

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Maps, writes and drops one page: the work measured.
#[inline(never)]
fn process_page<W: Write>(writer: &mut RecordWriter<W>, page: Vec<DbInstance>) {
    let records = map_page(page);
    for record in &records {
        writer.write(record).expect("write");
    }
}

/// Runs `count` instances page by page; returns the time of each page and the bytes written.
fn run(format: Format, count: usize, process: bool) -> (Vec<Duration>, usize) {
    let template = typical_instance();
    let columns = output_columns::<InstanceRecord>(format, &[], &[]).expect("columns");
    // The same buffer size as stdout in main.rs.
    let out = io::BufWriter::with_capacity(64 * 1024, Counting(0));
    let mut writer = new_writer(format, &columns, out);
    let mut pages = Vec::with_capacity(count / PAGE);
    for _ in 0..count / PAGE {
        // Building the page stands for the SDK's parsing, which is not measured here.
        let page: Vec<DbInstance> = (0..PAGE).map(|_| template.clone()).collect();
        if !process {
            continue;
        }
        let started = Instant::now();
        process_page(&mut writer, page);
        pages.push(started.elapsed());
    }
    let out = writer.finish().expect("finish");
    let bytes = out
        .into_inner()
        .map_err(|e| e.into_error())
        .expect("flush")
        .0;
    (pages, bytes)
}

#[test]
#[ignore = "micro-benchmark; run in release with --ignored --nocapture"]
fn bench_map_and_write() {
    let count = instances();
    let process = std::env::var_os("RDS_INVENTORY_BENCH_SKIP").is_none();
    let only = std::env::var("RDS_INVENTORY_BENCH_FORMAT").ok();
    for format in [Format::Ndjson, Format::Csv] {
        if only
            .as_ref()
            .is_some_and(|f| !f.eq_ignore_ascii_case(&format!("{format:?}")))
        {
            continue;
        }
        let (mut pages, bytes) = run(format, count, process);
        if pages.is_empty() {
            continue;
        }
        let total: Duration = pages.iter().sum();
        pages.sort_unstable();
        // The median page is what a page costs when no other process took the core meanwhile.
        let median = pages[pages.len() / 2];
        println!(
            "{format:?}: {count} instances, {:.0} ns per instance (median page), {:.0} (mean), \
             {} bytes per instance",
            median.as_nanos() as f64 / PAGE as f64,
            total.as_nanos() as f64 / count as f64,
            bytes / count
        );
    }
    println!(
        "record: {} bytes inline",
        std::mem::size_of::<InstanceRecord>()
    );
}
