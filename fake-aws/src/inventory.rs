//! The deterministic RDS inventory: a pure function of the config, generated lazily so that
//! the i-th instance of any target costs O(1) and nothing is kept in memory.

use crate::config::FakeConfig;
use crate::record_parts::{dns_suffix, partition};
use crate::rng::{hash_parts, SplitMix64, HEX, LOWER_ALNUM, UPPER_ALNUM};
use crate::time::iso8601;
use serde::Serialize;

/// One DB instance as the fake serves it; field names follow the RDS API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FakeInstance {
    pub account_id: String,
    pub region: String,
    /// `DBInstanceIdentifier`, unique within its account and region.
    pub identifier: String,
    /// `DBInstanceArn`: `arn:<partition>:rds:<region>:<account>:db:<identifier>` (`aws`, or
    /// `aws-us-gov`, `aws-cn`, ... for those regions).
    pub arn: String,
    /// `DbiResourceId`: `db-` + 26 uppercase alphanumerics.
    pub resource_id: String,
    pub instance_class: String,
    pub engine: String,
    pub engine_version: String,
    /// `DBInstanceStatus`, e.g. `available`, `creating`, `stopped`.
    pub status: String,
    /// `Endpoint.Address`; absent while `creating`.
    pub endpoint_address: Option<String>,
    /// `Endpoint.Port`; absent while `creating`.
    pub endpoint_port: Option<i32>,
    pub allocated_storage: i32,
    pub storage_type: String,
    pub storage_encrypted: bool,
    pub multi_az: bool,
    /// Absent while `creating`.
    pub availability_zone: Option<String>,
    pub publicly_accessible: bool,
    pub deletion_protection: bool,
    /// Set for standalone `aurora-postgresql` instances (`<identifier>-cluster`, an implied
    /// one-member cluster) and for members of configured clusters.
    pub db_cluster_identifier: Option<String>,
    pub db_subnet_group_name: String,
    pub vpc_id: String,
    /// ISO 8601 UTC, e.g. `2021-03-04T05:06:07Z`; absent while `creating`.
    pub instance_create_time: Option<String>,
    /// `TagList` in order; some values hold commas, quotes, newlines and non-ASCII text.
    pub tags: Vec<(String, String)>,
}

// Salts keep the different uses of (seed, account, region) uncorrelated.
const COUNT_SALT: u64 = 0xC0;
const INSTANCE_SALT: u64 = 0x1A;
const TARGET_SALT: u64 = 0x7A;

struct EngineProfile {
    engine: &'static str,
    versions: &'static [&'static str],
    port: i32,
    classes: &'static [&'static str],
    /// Cumulative weight out of 100.
    cumulative_percent: u64,
}

const ENGINES: &[EngineProfile] = &[
    EngineProfile {
        engine: "postgres",
        versions: &["16.3", "15.7", "14.12", "13.15"],
        port: 5432,
        classes: &[
            "db.t3.micro",
            "db.t4g.medium",
            "db.m5.large",
            "db.r6g.large",
        ],
        cumulative_percent: 30,
    },
    EngineProfile {
        engine: "mysql",
        versions: &["8.0.39", "8.0.36", "5.7.44"],
        port: 3306,
        classes: &[
            "db.t3.micro",
            "db.t3.medium",
            "db.m6g.xlarge",
            "db.r5.large",
        ],
        cumulative_percent: 55,
    },
    EngineProfile {
        engine: "aurora-postgresql",
        versions: &["16.1", "15.4", "14.9"],
        port: 5432,
        classes: &["db.r6g.large", "db.r6g.xlarge", "db.serverless"],
        cumulative_percent: 70,
    },
    EngineProfile {
        engine: "mariadb",
        versions: &["10.11.8", "10.6.18"],
        port: 3306,
        classes: &["db.t3.small", "db.m5.large"],
        cumulative_percent: 80,
    },
    EngineProfile {
        engine: "oracle-ee",
        versions: &["19.0.0.0.ru-2024-04.rur-2024-04.r1"],
        port: 1521,
        classes: &["db.m5.xlarge", "db.r5.2xlarge"],
        cumulative_percent: 90,
    },
    EngineProfile {
        engine: "sqlserver-se",
        versions: &["15.00.4365.2.v1", "16.00.4125.3.v1"],
        port: 1433,
        classes: &["db.m5.xlarge", "db.r6i.large"],
        cumulative_percent: 100,
    },
];

/// Tag values that break naive CSV/JSON/XML handling.
const HOSTILE_OWNERS: &[&str] = &[
    "Zoë, \"data\" team\nline2",
    "comma,separated,values",
    "quote \"inside\" here",
    "multi\nline\r\nvalue",
    "<script>alert('x')</script> & co",
    "日本語チーム",
    "emoji 🚀 rocket",
    "  padded  ",
    "tab\tseparated",
    "=cmd|' /C calc'!A0",
];

pub(crate) const ENVIRONMENTS: &[&str] = &["prod", "staging", "dev"];
const TEAMS: &[&str] = &["payments", "search", "platform", "data"];
const STORAGE_TYPES: &[&str] = &["gp2", "gp3", "io1"];

/// 2019-01-01T00:00:00Z; creation times fall in the six years after it.
pub(crate) const OLDEST_CREATE_TIME: i64 = 1_546_300_800;
pub(crate) const CREATE_TIME_SPAN_SECS: u64 = 6 * 365 * 86_400;

impl FakeConfig {
    /// Every instance of every (account, region) in config order, including targets the
    /// client cannot reach (denied, disabled, malformed, hung); see `reachable_inventory`.
    pub fn inventory(&self) -> Vec<FakeInstance> {
        let mut all = Vec::new();
        for account_index in 0..self.accounts.len() {
            for region_index in 0..self.regions.len() {
                all.extend(self.target_instances(account_index, region_index));
            }
        }
        all
    }

    /// The instances a correct client can report: skips denied accounts, disabled regions,
    /// malformed, truncated, stuck, hang, throttled-forever and access-denied targets.
    pub fn reachable_inventory(&self) -> Vec<FakeInstance> {
        let mut reachable = Vec::new();
        for (account_index, account) in self.accounts.iter().enumerate() {
            if self.denied_accounts.contains(account) {
                continue;
            }
            for (region_index, region) in self.regions.iter().enumerate() {
                if self.target_reachable(account, region) {
                    reachable.extend(self.target_instances(account_index, region_index));
                }
            }
        }
        reachable
    }

    /// False for disabled, malformed, truncated, stuck, hang, throttled-forever and
    /// access-denied targets (denied accounts are the caller's to check).
    pub(crate) fn target_reachable(&self, account: &str, region: &str) -> bool {
        let target = (account.to_string(), region.to_string());
        ![
            &self.disabled_regions,
            &self.malformed_targets,
            &self.truncated_targets,
            &self.stuck_pagination_targets,
            &self.hang_targets,
            &self.throttle_forever_targets,
            &self.access_denied_targets,
        ]
        .iter()
        .any(|targets| targets.contains(&target))
    }

    /// The instances of one (account, region); empty if either is not configured.
    pub fn target_inventory(&self, account_id: &str, region: &str) -> Vec<FakeInstance> {
        let account_index = self.accounts.iter().position(|a| a == account_id);
        let region_index = self.regions.iter().position(|r| r == region);
        match (account_index, region_index) {
            (Some(a), Some(r)) => self.target_instances(a, r).collect(),
            _ => Vec::new(),
        }
    }

    fn target_instances(
        &self,
        account_index: usize,
        region_index: usize,
    ) -> impl Iterator<Item = FakeInstance> + '_ {
        (0..self.instance_count(account_index, region_index))
            .map(move |index| self.instance(account_index, region_index, index))
    }

    /// How many instances the target at these config indices holds (in `generation`).
    pub fn instance_count(&self, account_index: usize, region_index: usize) -> usize {
        self.instance_count_in(self.generation, account_index, region_index)
    }

    pub(crate) fn instance_count_in(
        &self,
        generation: u64,
        account_index: usize,
        region_index: usize,
    ) -> usize {
        self.standalone_count_in(generation, account_index, region_index)
            + self.cluster_member_count(account_index, region_index)
    }

    /// Instances not generated for a configured cluster; they come first in a target.
    pub(crate) fn standalone_count_in(
        &self,
        generation: u64,
        account_index: usize,
        region_index: usize,
    ) -> usize {
        if generation == 0 {
            return self.base_instance_count(account_index, region_index);
        }
        self.generation_plan(account_index, region_index).count()
    }

    /// The generation-0 count.
    pub(crate) fn base_instance_count(&self, account_index: usize, region_index: usize) -> usize {
        let (a, r) = (account_index as u64, region_index as u64);
        if self.target_is_empty(account_index, region_index) {
            return 0;
        }
        spread_around(
            self.instances_per_target,
            hash_parts(&[self.seed, a, r, COUNT_SALT]),
        )
    }

    /// About every 7th target holds nothing: `(a*31 + r*17 + seed) % 7 == 3`.
    pub(crate) fn target_is_empty(&self, account_index: usize, region_index: usize) -> bool {
        let (a, r) = (account_index as u64, region_index as u64);
        a.wrapping_mul(31)
            .wrapping_add(r.wrapping_mul(17))
            .wrapping_add(self.seed)
            % 7
            == 3
    }

    /// The `index`-th instance of the target at these config indices (in `generation`), in O(1).
    ///
    /// # Panics
    /// If either index is outside `accounts` / `regions`.
    pub fn instance(
        &self,
        account_index: usize,
        region_index: usize,
        index: usize,
    ) -> FakeInstance {
        self.instance_in(self.generation, account_index, region_index, index)
    }

    pub(crate) fn instance_in(
        &self,
        generation: u64,
        account_index: usize,
        region_index: usize,
        position: usize,
    ) -> FakeInstance {
        let standalone = self.standalone_count_in(generation, account_index, region_index);
        if position >= standalone {
            return self.cluster_member_at(account_index, region_index, position - standalone);
        }
        if generation == 0 {
            return self.base_instance(account_index, region_index, position);
        }
        let plan = self.generation_plan(account_index, region_index);
        let index = plan.base_index(position);
        let mut instance = self.base_instance(account_index, region_index, index);
        plan.apply(index, &mut instance);
        instance
    }

    /// The generation-0 instance at `index`.
    fn base_instance(
        &self,
        account_index: usize,
        region_index: usize,
        index: usize,
    ) -> FakeInstance {
        let account = &self.accounts[account_index];
        let region = &self.regions[region_index];
        let (a, r) = (account_index as u64, region_index as u64);
        let mut rng = SplitMix64::new(hash_parts(&[self.seed, a, r, index as u64, INSTANCE_SALT]));

        let identifier = identifier_for(account, region, index);

        let engine_roll = rng.below(100);
        let profile = ENGINES
            .iter()
            .find(|p| engine_roll < p.cumulative_percent)
            .unwrap_or(&ENGINES[0]);
        let is_aurora = profile.engine.starts_with("aurora");

        let status = match rng.below(100) {
            0..=79 => "available",
            80..=84 => "creating",
            85..=89 => "stopped",
            90..=94 => "modifying",
            _ => "backing-up",
        };
        let is_creating = status == "creating";

        let (endpoint_zone, vpc_id) = self.target_network(account_index, region_index);

        let resource_id = format!("db-{}", rng.string_from(UPPER_ALNUM, 26));
        let instance_class = rng.pick(profile.classes).to_string();
        let engine_version = rng.pick(profile.versions).to_string();
        let availability_zone = format!("{region}{}", rng.pick(&['a', 'b', 'c']));
        let (allocated_storage, storage_type) = if is_aurora {
            (1, "aurora".to_string())
        } else {
            (
                20 + rng.below(1981) as i32,
                rng.pick(STORAGE_TYPES).to_string(),
            )
        };
        let storage_encrypted = is_aurora || rng.percent(70);
        let multi_az = !is_aurora && rng.percent(30);
        let publicly_accessible = rng.percent(15);
        let deletion_protection = rng.percent(40);
        let create_time = OLDEST_CREATE_TIME + rng.below(CREATE_TIME_SPAN_SECS) as i64;
        let environment = *rng.pick(ENVIRONMENTS);
        let db_subnet_group_name = format!("{environment}-db-subnets");
        let tags = generate_tags(&mut rng, environment);

        FakeInstance {
            account_id: account.clone(),
            region: region.clone(),
            arn: format!(
                "arn:{}:rds:{region}:{account}:db:{identifier}",
                partition(region)
            ),
            resource_id,
            instance_class,
            engine: profile.engine.to_string(),
            engine_version,
            status: status.to_string(),
            endpoint_address: (!is_creating).then(|| {
                format!(
                    "{identifier}.{endpoint_zone}.{region}.rds.{}",
                    dns_suffix(region)
                )
            }),
            endpoint_port: (!is_creating).then_some(profile.port),
            allocated_storage,
            storage_type,
            storage_encrypted,
            multi_az,
            availability_zone: (!is_creating).then_some(availability_zone),
            publicly_accessible,
            deletion_protection,
            db_cluster_identifier: is_aurora.then(|| format!("{identifier}-cluster")),
            db_subnet_group_name,
            vpc_id,
            instance_create_time: (!is_creating).then(|| iso8601(create_time)),
            identifier,
            tags,
        }
    }
}

impl FakeConfig {
    /// The target's endpoint DNS label and VPC id, shared by its instances and clusters.
    pub(crate) fn target_network(
        &self,
        account_index: usize,
        region_index: usize,
    ) -> (String, String) {
        let (a, r) = (account_index as u64, region_index as u64);
        let mut target_rng = SplitMix64::new(hash_parts(&[self.seed, a, r, TARGET_SALT]));
        let endpoint_zone = target_rng.string_from(LOWER_ALNUM, 12);
        let vpc_id = format!("vpc-{}", target_rng.string_from(HEX, 17));
        (endpoint_zone, vpc_id)
    }
}

/// 50%..150% of `mean` (0 for 0), chosen by `hash`.
pub(crate) fn spread_around(mean: usize, hash: u64) -> usize {
    if mean == 0 {
        return 0;
    }
    let fewest = mean.div_ceil(2);
    let most = mean + mean / 2;
    fewest + (hash % (most - fewest + 1) as u64) as usize
}

/// `db-<last 4 digits of account>-<region>-<NNNN>`.
pub(crate) fn identifier_for(account: &str, region: &str, index: usize) -> String {
    format!("db-{}-{region}-{index:04}", account_suffix(account))
}

/// The last 4 digits of an account id, as identifiers use them.
pub(crate) fn account_suffix(account: &str) -> &str {
    account
        .get(account.len().saturating_sub(4)..)
        .unwrap_or(account)
}

pub(crate) fn generate_tags(rng: &mut SplitMix64, environment: &str) -> Vec<(String, String)> {
    let mut tags = Vec::new();
    if rng.percent(10) {
        return tags;
    }
    tags.push(("env".to_string(), environment.to_string()));
    tags.push(("team".to_string(), rng.pick(TEAMS).to_string()));
    if rng.percent(25) {
        tags.push(("Owner".to_string(), rng.pick(HOSTILE_OWNERS).to_string()));
    }
    if rng.percent(15) {
        let stack = format!("stack-{}", rng.below(50));
        tags.push(("aws:cloudformation:stack-name".to_string(), stack));
    }
    if rng.percent(5) {
        tags.push(("Backup".to_string(), String::new()));
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn config(instances_per_target: usize) -> FakeConfig {
        FakeConfig {
            instances_per_target,
            ..FakeConfig::with_accounts(20)
        }
    }

    #[test]
    fn inventory_is_a_pure_function_of_the_config() {
        assert_eq!(config(10).inventory(), config(10).inventory());
        let reseeded = FakeConfig {
            seed: 99,
            ..config(10)
        };
        assert_ne!(config(10).inventory(), reseeded.inventory());
    }

    #[test]
    fn counts_vary_around_the_mean_and_some_targets_are_empty() {
        let cfg = config(100);
        let counts: Vec<usize> = (0..20)
            .flat_map(|a| (0..2).map(move |r| (a, r)))
            .map(|(a, r)| cfg.instance_count(a, r))
            .collect();
        assert!(counts.iter().all(|&c| c == 0 || (50..=150).contains(&c)));
        let empty = counts.iter().filter(|&&c| c == 0).count();
        assert!((3..=10).contains(&empty), "{empty} of 40 empty");
        assert!(counts.iter().any(|&c| c > 100) && counts.iter().any(|&c| (1..100).contains(&c)));
    }

    #[test]
    fn mean_zero_means_every_target_is_empty() {
        assert!(config(0).inventory().is_empty());
    }

    #[test]
    fn identifiers_and_arns_are_unique() {
        let all = config(30).inventory();
        let arns: HashSet<_> = all.iter().map(|i| &i.arn).collect();
        assert_eq!(arns.len(), all.len());
        let first = &all[0];
        assert_eq!(
            first.arn,
            format!(
                "arn:aws:rds:{}:{}:db:{}",
                first.region, first.account_id, first.identifier
            )
        );
    }

    #[test]
    fn instance_fields_follow_their_rules() {
        let all = config(30).inventory();
        for instance in &all {
            assert_eq!(instance.resource_id.len(), 29);
            assert_eq!(
                instance.db_cluster_identifier.is_some(),
                instance.engine == "aurora-postgresql"
            );
            let creating = instance.status == "creating";
            assert_eq!(instance.endpoint_address.is_none(), creating);
            assert_eq!(instance.instance_create_time.is_none(), creating);
        }
        assert!(all.iter().any(|i| i.publicly_accessible));
        assert!(all.iter().any(|i| i.status == "creating"));
        assert!(all.iter().any(|i| i.tags.is_empty()));
        let hostile = all
            .iter()
            .flat_map(|i| &i.tags)
            .filter(|(_, v)| v.contains(',') || v.contains('\n') || !v.is_ascii())
            .count();
        assert!(hostile > 10, "{hostile}");
        let engines: HashSet<_> = all.iter().map(|i| i.engine.as_str()).collect();
        assert_eq!(engines.len(), ENGINES.len());
    }

    #[test]
    fn reachable_inventory_skips_unreachable_targets() {
        let mut cfg = config(10);
        let (first, second) = (cfg.accounts[0].clone(), cfg.accounts[1].clone());
        cfg.denied_accounts.insert(first.clone());
        cfg.disabled_regions
            .insert(FakeConfig::target(&second, "us-east-1"));
        let reachable = cfg.reachable_inventory();
        assert!(reachable.iter().all(|i| i.account_id != first));
        assert!(reachable
            .iter()
            .all(|i| !(i.account_id == second && i.region == "us-east-1")));
        assert!(reachable.len() < cfg.inventory().len());
    }
}
