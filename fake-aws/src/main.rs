//! `fake-aws`: runs the fake endpoint until killed. Prints exactly one line on stdout,
//! `listening on http://127.0.0.1:PORT`, so scripts can wait for it and read the port.

use fake_aws::{kind_by_flag, ClusterEngine, FakeAws, FakeConfig, SnapshotSharing};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
usage: fake-aws [OPTIONS]

Serves fake STS AssumeRole, RDS DescribeDBInstances, DescribeDBClusters,
DescribePendingMaintenanceActions, DescribeDBMajorEngineVersions, DescribeDBSnapshots,
DescribeDBClusterSnapshots, DescribeDBSnapshotAttributes,
DescribeDBClusterSnapshotAttributes, DescribeDBInstanceAutomatedBackups,
DescribeDBClusterAutomatedBackups, DescribeDBProxies, DescribeBlueGreenDeployments,
DescribeGlobalClusters, DescribeReservedDBInstances, DescribeDBParameterGroups,
DescribeDBClusterParameterGroups, DescribeDBParameters, DescribeDBClusterParameters,
DescribeEngineDefaultParameters and DescribeEngineDefaultClusterParameters, Account
ListRegions and Price List GetProducts on 127.0.0.1.

  --port N                       port to bind (default 0: a free one)
  --seed N                       inventory seed (default 1)
  --accounts N                   accounts 100000000000.. (default 2)
  --regions a,b,c                served regions (default us-east-1,eu-west-1)
  --instances N                  mean DB instances per account and region (default 10)
  --latency-ms N                 fixed delay per API call
  --jitter-ms N                  extra uniform random delay 0..N per API call
  --throttle-rate P              probability of 400 Throttling
  --unavailable-rate P           probability of 503 ServiceUnavailable
  --hang-rate P                  probability that a call is never answered
  --credential-lifetime-secs N   enforced lifetime of issued credentials
  --expiration-skew-secs N       reported Expiration = enforced expiry + N
  --deny ACCOUNT                 AssumeRole into ACCOUNT is denied (repeatable)
  --disable-region ACCOUNT:REGION  region not enabled in account (repeatable)
  --hang-target ACCOUNT:REGION   every RDS call there hangs (repeatable)
  --malformed-target ACCOUNT:REGION  RDS answers truncated XML there (repeatable)
  --truncated-target ACCOUNT:REGION  RDS answers XML cut after one instance, which the SDK accepts
  --deny-list-regions ACCOUNT    Account ListRegions is denied there (repeatable)
  --sts-latency-ms N             fixed delay for AssumeRole instead of --latency-ms
  --throttle-target-for ACCOUNT:REGION:MS  RDS there answers Throttling for MS ms from its
                                 first RDS call (repeatable)
  --throttle-forever-target ACCOUNT:REGION  RDS there always answers Throttling (repeatable)
  --access-denied-target ACCOUNT:REGION  RDS there answers AccessDenied (repeatable)
  --max-session-duration ACCOUNT:SECS  AssumeRole above SECS is a ValidationError (repeatable)
  --deny-maintenance ACCOUNT     DescribePendingMaintenanceActions is denied (repeatable)
  --deny-engine-versions ACCOUNT  DescribeDBMajorEngineVersions is denied (repeatable)
  --generation N                 inventory generation served at start (0 or 1)
  --complete-records             serve all 94 DBInstance members (default: the original 21)
  --attached-parameter-groups    the <family>-custom groups instances and clusters name exist
  --clusters N                   mean configured DB clusters per account and region (default 0)
  --cluster-engines a,b          engines of configured clusters: aurora-postgresql, aurora-mysql,
                                 multi-az-postgres, multi-az-mysql, docdb, neptune (default all)
  --deny-clusters ACCOUNT        DescribeDBClusters is denied (repeatable)
  --cluster-maintenance          DescribePendingMaintenanceActions also lists clusters
  --snapshots N                  mean DB snapshots per account and region (default 0)
  --cluster-snapshots N          mean DB cluster snapshots per account and region (default 0)
  --snapshot-targets-percent P   share of accounts and regions with snapshots (default 100)
  --automated-snapshots P        percent of snapshots that are automated (default 40)
  --backup-snapshots P           percent of snapshots made by AWS Backup (default 10)
  --snapshot-sharing PUB,ACC,OUT  percent of manual snapshots public, shared with accounts of
                                 the fake, shared outside (default 10,20,10)
  --deny-snapshots ACCOUNT       DescribeDBSnapshots and DescribeDBClusterSnapshots are denied
                                 (repeatable)
  --deny-snapshot-attributes ACCOUNT  both snapshot attribute calls are denied (repeatable)
  --awsbackup-snapshots N        mean AWS Backup DB snapshots per account and region, listed only
                                 for SnapshotType=awsbackup (default 0)
  --automated-backups N          mean DescribeDBInstanceAutomatedBackups items per account and
                                 region, about a third retained (default 0)
  --cluster-automated-backups N  mean DescribeDBClusterAutomatedBackups items per account and
                                 region, about a third retained (default 0)
  --proxies N                    mean DescribeDBProxies items per account and region (default 0)
  --blue-green N                 mean DescribeBlueGreenDeployments items per account and region
                                 (default 0)
  --global-clusters N            DescribeGlobalClusters items per account, the same from every
                                 region (default 0)
  --reserved-instances N         mean DescribeReservedDBInstances items per account and region
                                 (default 0)
  --parameter-groups N           DB parameter groups per account and region, two default.* then
                                 custom ones (mean, default 0)
  --cluster-parameter-groups N   the same for DB cluster parameter groups (default 0)
  --deny-operation OPERATION:ACCOUNT  that RDS operation (AWS name, e.g. DescribeDBProxies) is
                                 denied in ACCOUNT; other calls still work (repeatable)
  --deny-price-list              Price List GetProducts is denied (AccessDeniedException)
  --price-list-throttled-calls N  the first N GetProducts calls are throttled (default 0)
  --price-list-page-size N       most documents per GetProducts page (default 2)
  --price-list-any               GetProducts answers any query with made-up documents that
                                 match it (one SKU per usage type the tool selects among) instead
                                 of the small us-east-1 catalog
  -h, --help                     this text
";

struct Options {
    port: u16,
    config: FakeConfig,
}

fn parse_number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag}: '{text}' is not a valid number"))
}

fn parse_rate(flag: &str, text: &str) -> Result<f64, String> {
    let rate: f64 = parse_number(flag, text)?;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!(
            "{flag}: {rate} is not a probability between 0 and 1"
        ))
    }
}

fn parse_target(flag: &str, text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((account, region)) if !account.is_empty() && !region.is_empty() => {
            Ok(FakeConfig::target(account, region))
        }
        _ => Err(format!("{flag}: expected ACCOUNT:REGION, got '{text}'")),
    }
}

/// `ACCOUNT:REGION:MS` -> (target, duration).
fn parse_target_duration(flag: &str, text: &str) -> Result<((String, String), Duration), String> {
    match text.rsplit_once(':') {
        Some((target, millis)) => Ok((
            parse_target(flag, target)?,
            Duration::from_millis(parse_number(flag, millis)?),
        )),
        None => Err(format!("{flag}: expected ACCOUNT:REGION:MS, got '{text}'")),
    }
}

fn parse_percent(flag: &str, text: &str) -> Result<u8, String> {
    match parse_number::<u8>(flag, text)? {
        percent @ 0..=100 => Ok(percent),
        percent => Err(format!("{flag}: {percent} is not a percentage (0..=100)")),
    }
}

/// `PUBLIC,ACCOUNTS,OUTSIDE` percentages adding up to at most 100.
fn parse_sharing(flag: &str, text: &str) -> Result<SnapshotSharing, String> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let [public, accounts, outside] = parts[..] else {
        return Err(format!(
            "{flag}: expected PUBLIC,ACCOUNTS,OUTSIDE, got '{text}'"
        ));
    };
    let sharing = SnapshotSharing {
        public: parse_percent(flag, public)?,
        accounts: parse_percent(flag, accounts)?,
        outside: parse_percent(flag, outside)?,
    };
    if u32::from(sharing.public) + u32::from(sharing.accounts) + u32::from(sharing.outside) > 100 {
        return Err(format!("{flag}: the shares add up to more than 100"));
    }
    Ok(sharing)
}

/// `Ok(None)` means help was asked for.
fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        port: 0,
        config: FakeConfig::default(),
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        // The flags without a value.
        if arg == "--complete-records" {
            options.config.complete_records = true;
            continue;
        }
        if arg == "--attached-parameter-groups" {
            options.config.attached_parameter_groups = true;
            continue;
        }
        if arg == "--deny-price-list" {
            options.config.price_list_denied = true;
            continue;
        }
        if arg == "--price-list-any" {
            options.config.price_list_any = true;
            continue;
        }
        if arg == "--cluster-maintenance" {
            options.config.cluster_maintenance = true;
            continue;
        }
        let (flag, inline_value) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        let value = match inline_value.or_else(|| args.next()) {
            Some(value) => value,
            None => return Err(format!("{flag}: missing value")),
        };
        let config = &mut options.config;
        match flag.as_str() {
            "--port" => options.port = parse_number(&flag, &value)?,
            "--seed" => config.seed = parse_number(&flag, &value)?,
            "--accounts" => config.accounts = FakeConfig::account_ids(parse_number(&flag, &value)?),
            "--regions" => {
                config.regions = value
                    .split(',')
                    .map(str::trim)
                    .filter(|region| !region.is_empty())
                    .map(String::from)
                    .collect()
            }
            "--instances" => config.instances_per_target = parse_number(&flag, &value)?,
            "--latency-ms" => config.latency = Duration::from_millis(parse_number(&flag, &value)?),
            "--jitter-ms" => config.jitter = Duration::from_millis(parse_number(&flag, &value)?),
            "--throttle-rate" => config.throttle_rate = parse_rate(&flag, &value)?,
            "--unavailable-rate" => config.unavailable_rate = parse_rate(&flag, &value)?,
            "--hang-rate" => config.hang_rate = parse_rate(&flag, &value)?,
            "--credential-lifetime-secs" => {
                config.credential_lifetime = Some(Duration::from_secs(parse_number(&flag, &value)?))
            }
            "--expiration-skew-secs" => {
                config.expiration_skew = Duration::from_secs(parse_number(&flag, &value)?)
            }
            "--deny" => {
                config.denied_accounts.insert(value);
            }
            "--disable-region" => {
                config.disabled_regions.insert(parse_target(&flag, &value)?);
            }
            "--hang-target" => {
                config.hang_targets.insert(parse_target(&flag, &value)?);
            }
            "--malformed-target" => {
                config
                    .malformed_targets
                    .insert(parse_target(&flag, &value)?);
            }
            "--truncated-target" => {
                config
                    .truncated_targets
                    .insert(parse_target(&flag, &value)?);
            }
            "--deny-list-regions" => {
                config.list_regions_denied.insert(value);
            }
            "--sts-latency-ms" => {
                config.sts_latency = Some(Duration::from_millis(parse_number(&flag, &value)?))
            }
            "--throttle-target-for" => {
                let (target, duration) = parse_target_duration(&flag, &value)?;
                config.throttle_targets_for.insert(target, duration);
            }
            "--throttle-forever-target" => {
                config
                    .throttle_forever_targets
                    .insert(parse_target(&flag, &value)?);
            }
            "--access-denied-target" => {
                config
                    .access_denied_targets
                    .insert(parse_target(&flag, &value)?);
            }
            "--max-session-duration" => match value.split_once(':') {
                Some((account, secs)) if !account.is_empty() => {
                    let secs = Duration::from_secs(parse_number(&flag, secs)?);
                    config
                        .max_session_duration
                        .insert(account.to_string(), secs);
                }
                _ => return Err(format!("{flag}: expected ACCOUNT:SECS, got '{value}'")),
            },
            "--deny-maintenance" => {
                config.maintenance_denied_accounts.insert(value);
            }
            "--deny-engine-versions" => {
                config.engine_versions_denied_accounts.insert(value);
            }
            "--generation" => config.generation = parse_number(&flag, &value)?,
            "--clusters" => config.clusters_per_target = parse_number(&flag, &value)?,
            "--cluster-engines" => {
                config.cluster_engines = value
                    .split(',')
                    .map(str::trim)
                    .filter(|name| !name.is_empty())
                    .map(|name| {
                        ClusterEngine::from_name(name)
                            .ok_or_else(|| format!("{flag}: unknown cluster engine '{name}'"))
                    })
                    .collect::<Result<_, _>>()?
            }
            "--deny-clusters" => {
                config.clusters_denied_accounts.insert(value);
            }
            "--snapshots" => config.snapshots_per_target = parse_number(&flag, &value)?,
            "--cluster-snapshots" => {
                config.cluster_snapshots_per_target = parse_number(&flag, &value)?
            }
            "--snapshot-targets-percent" => {
                config.snapshot_targets_percent = parse_percent(&flag, &value)?
            }
            "--automated-snapshots" => {
                config.automated_snapshot_percent = parse_percent(&flag, &value)?
            }
            "--backup-snapshots" => config.backup_snapshot_percent = parse_percent(&flag, &value)?,
            "--snapshot-sharing" => config.snapshot_sharing = parse_sharing(&flag, &value)?,
            "--deny-snapshots" => {
                config.snapshots_denied_accounts.insert(value);
            }
            "--deny-snapshot-attributes" => {
                config.snapshot_attributes_denied_accounts.insert(value);
            }
            "--awsbackup-snapshots" => {
                config.awsbackup_snapshots_per_target = parse_number(&flag, &value)?
            }
            "--deny-operation" => match value.split_once(':') {
                Some((operation, account)) if !operation.is_empty() && !account.is_empty() => {
                    let denied = (operation.to_string(), account.to_string());
                    config.denied_operations.insert(denied);
                }
                _ => return Err(format!("{flag}: expected OPERATION:ACCOUNT, got '{value}'")),
            },
            "--price-list-throttled-calls" => {
                config.price_list_throttled_calls = parse_number(&flag, &value)?
            }
            "--price-list-page-size" => config.price_list_page_size = parse_number(&flag, &value)?,
            // `--automated-backups N`, `--proxies N`, ...: one flag per registered kind.
            other => match other.strip_prefix("--").and_then(kind_by_flag) {
                Some(kind) => {
                    config
                        .kind_counts
                        .insert(kind, parse_number(&flag, &value)?);
                }
                None => return Err(format!("unknown option {flag}")),
            },
        }
    }
    let config = &options.config;
    if u32::from(config.automated_snapshot_percent) + u32::from(config.backup_snapshot_percent)
        > 100
    {
        return Err("--automated-snapshots and --backup-snapshots add up to more than 100".into());
    }
    Ok(Some(options))
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("fake-aws: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let fake = match FakeAws::start_on_port(options.config, options.port).await {
        Ok(fake) => fake,
        Err(error) => {
            eprintln!("fake-aws: cannot bind 127.0.0.1:{}: {error}", options.port);
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    // Scripts block on this line; without the flush it could sit in a pipe buffer.
    if writeln!(stdout, "listening on {}", fake.endpoint_url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use fake_aws::ResourceKind;

    fn parse(args: &[&str]) -> Result<Option<Options>, String> {
        parse_args(args.iter().map(|arg| arg.to_string()))
    }

    #[test]
    fn parses_every_flag() {
        let options = parse(&[
            "--port=8080",
            "--seed",
            "7",
            "--accounts",
            "3",
            "--regions",
            "us-east-1, ap-south-1",
            "--instances",
            "40",
            "--latency-ms",
            "5",
            "--jitter-ms=2",
            "--throttle-rate",
            "0.1",
            "--unavailable-rate",
            "0.2",
            "--hang-rate",
            "0.01",
            "--credential-lifetime-secs",
            "2",
            "--expiration-skew-secs",
            "600",
            "--deny",
            "100000000001",
            "--disable-region",
            "100000000002:ap-south-1",
            "--hang-target",
            "100000000000:us-east-1",
            "--malformed-target",
            "100000000000:ap-south-1",
            "--deny-list-regions",
            "100000000002",
        ])
        .expect("valid flags")
        .expect("not help");
        let extended = parse(&[
            "--sts-latency-ms",
            "250",
            "--throttle-target-for",
            "100000000000:us-east-1:1500",
            "--throttle-forever-target",
            "100000000001:us-east-1",
            "--access-denied-target=100000000001:eu-west-1",
            "--max-session-duration",
            "100000000000:3600",
            "--deny-maintenance",
            "100000000001",
            "--deny-engine-versions",
            "100000000002",
            "--generation",
            "1",
            "--complete-records",
            "--clusters",
            "4",
            "--cluster-engines",
            "docdb, multi-az-mysql",
            "--deny-clusters",
            "100000000001",
            "--cluster-maintenance",
        ])
        .expect("valid flags")
        .expect("not help")
        .config;
        assert_eq!(extended.sts_latency, Some(Duration::from_millis(250)));
        assert_eq!(
            extended
                .throttle_targets_for
                .get(&FakeConfig::target("100000000000", "us-east-1")),
            Some(&Duration::from_millis(1500))
        );
        assert_eq!(extended.throttle_forever_targets.len(), 1);
        assert!(extended
            .access_denied_targets
            .contains(&FakeConfig::target("100000000001", "eu-west-1")));
        assert_eq!(
            extended.max_session_duration.get("100000000000"),
            Some(&Duration::from_secs(3600))
        );
        assert!(extended
            .maintenance_denied_accounts
            .contains("100000000001"));
        assert!(extended
            .engine_versions_denied_accounts
            .contains("100000000002"));
        assert_eq!(extended.generation, 1);
        assert!(extended.complete_records);
        assert_eq!(extended.clusters_per_target, 4);
        assert_eq!(
            extended.cluster_engines,
            [ClusterEngine::DocDb, ClusterEngine::MultiAzMysql]
        );
        assert!(extended.clusters_denied_accounts.contains("100000000001"));
        assert!(extended.cluster_maintenance);
        let snapshots = parse(&[
            "--snapshots",
            "6",
            "--cluster-snapshots=2",
            "--snapshot-targets-percent",
            "5",
            "--automated-snapshots",
            "30",
            "--backup-snapshots",
            "20",
            "--snapshot-sharing",
            "5, 15,25",
            "--deny-snapshots",
            "100000000001",
            "--deny-snapshot-attributes",
            "100000000002",
        ])
        .expect("valid flags")
        .expect("not help")
        .config;
        assert_eq!(
            (
                snapshots.snapshots_per_target,
                snapshots.cluster_snapshots_per_target,
                snapshots.snapshot_targets_percent,
                snapshots.automated_snapshot_percent,
                snapshots.backup_snapshot_percent
            ),
            (6, 2, 5, 30, 20)
        );
        assert_eq!(
            snapshots.snapshot_sharing,
            SnapshotSharing {
                public: 5,
                accounts: 15,
                outside: 25
            }
        );
        assert!(snapshots.snapshots_denied_accounts.contains("100000000001"));
        assert!(snapshots
            .snapshot_attributes_denied_accounts
            .contains("100000000002"));
        let config = &options.config;
        assert_eq!(options.port, 8080);
        assert_eq!(config.seed, 7);
        assert_eq!(config.accounts.len(), 3);
        assert_eq!(config.regions, ["us-east-1", "ap-south-1"]);
        assert_eq!(config.instances_per_target, 40);
        assert_eq!(config.latency, Duration::from_millis(5));
        assert_eq!(config.jitter, Duration::from_millis(2));
        assert_eq!(
            (
                config.throttle_rate,
                config.unavailable_rate,
                config.hang_rate
            ),
            (0.1, 0.2, 0.01)
        );
        assert_eq!(config.credential_lifetime, Some(Duration::from_secs(2)));
        assert_eq!(config.expiration_skew, Duration::from_secs(600));
        assert!(config.denied_accounts.contains("100000000001"));
        assert!(config
            .disabled_regions
            .contains(&FakeConfig::target("100000000002", "ap-south-1")));
        assert_eq!(config.hang_targets.len(), 1);
        assert_eq!(config.malformed_targets.len(), 1);
        assert!(config.list_regions_denied.contains("100000000002"));
    }

    #[test]
    fn rejects_bad_values() {
        assert!(parse(&["--throttle-rate", "1.5"]).is_err());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["--disable-region", "100000000000"]).is_err());
        assert!(parse(&["--bogus", "1"]).is_err());
        assert!(parse(&["--seed"]).is_err());
        assert!(parse(&["--throttle-target-for", "100000000000:us-east-1"]).is_err());
        assert!(parse(&["--max-session-duration", "3600"]).is_err());
        assert!(parse(&["--cluster-engines", "aurora"]).is_err());
        assert!(parse(&["--snapshot-sharing", "50,50,1"]).is_err());
        assert!(parse(&["--snapshot-sharing", "10,20"]).is_err());
        assert!(parse(&["--automated-snapshots", "101"]).is_err());
        assert!(parse(&["--automated-snapshots", "80", "--backup-snapshots", "30"]).is_err());
        assert!(matches!(parse(&["--help"]), Ok(None)));
    }

    #[test]
    fn parses_the_kind_flags() {
        let config = parse(&[
            "--automated-backups",
            "6",
            "--cluster-automated-backups=3",
            "--proxies",
            "4",
            "--blue-green",
            "2",
            "--global-clusters",
            "5",
            "--awsbackup-snapshots",
            "7",
            "--reserved-instances",
            "8",
            "--parameter-groups=9",
            "--cluster-parameter-groups",
            "10",
            "--deny-operation",
            "DescribeDBProxies:100000000001",
        ])
        .expect("valid flags")
        .expect("not help")
        .config;
        let counts: Vec<usize> = ResourceKind::ALL
            .iter()
            .map(|k| config.kind_count(*k))
            .collect();
        assert_eq!(counts, [6, 3, 4, 2, 5, 8, 9, 10, 0, 0, 0, 0]);
        assert!(
            parse(&["--parameters", "3"]).is_err(),
            "no count for parameter calls"
        );
        assert_eq!(config.awsbackup_snapshots_per_target, 7);
        assert!(config.operation_denied("DescribeDBProxies", "100000000001"));
        assert!(!config.operation_denied("DescribeDBProxies", "100000000000"));
        assert!(parse(&["--deny-operation", "DescribeDBProxies"]).is_err());
        assert!(parse(&["--proxies", "x"]).is_err());
    }

    #[test]
    fn parses_the_price_list_flags() {
        let config = parse(&[
            "--deny-price-list",
            "--price-list-throttled-calls",
            "3",
            "--price-list-page-size=50",
            "--price-list-any",
        ])
        .expect("valid flags")
        .expect("not help")
        .config;
        assert!(config.price_list_denied);
        assert!(config.price_list_any);
        assert_eq!(config.price_list_throttled_calls, 3);
        assert_eq!(config.price_list_page_size, 50);
    }
}
