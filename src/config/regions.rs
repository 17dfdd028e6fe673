//! Region names in the accounts file and on the command line.

use std::collections::HashSet;

/// Regions enabled in every account by default (not opt-in): the fallback when an account
/// will not say which regions it has enabled.
pub const STANDARD_REGIONS: [&str; 17] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
];

/// The word that asks each account for its enabled regions instead of a list.
pub const ENABLED_REGIONS: &str = "enabled";

/// Which regions an account is listed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Regions {
    Listed(Vec<String>),
    /// Ask the account (Account API ListRegions) once per run.
    Enabled,
}

impl Regions {
    /// The listed regions; empty for `Enabled`, which is resolved at plan time.
    pub fn listed(&self) -> &[String] {
        match self {
            Regions::Listed(regions) => regions,
            Regions::Enabled => &[],
        }
    }

    /// The one AWS partition of the listed regions (`None` for `Enabled`), or why not.
    pub fn partition(&self) -> Result<Option<&'static str>, String> {
        let mut partitions = self.listed().iter().map(|r| (partition_of(r), r));
        let Some((first, first_region)) = partitions.next() else {
            return Ok(None);
        };
        match partitions.find(|(p, _)| *p != first) {
            None => Ok(Some(first)),
            Some((other, region)) => Err(format!(
                "regions span two AWS partitions ({first_region} is in {first}, {region} in {other}); an account lives in one: list it once per partition with its own account id"
            )),
        }
    }

    /// The standard regions, as a list.
    pub fn standard() -> Regions {
        Regions::Listed(STANDARD_REGIONS.iter().map(|r| r.to_string()).collect())
    }
}

/// A region list (duplicates dropped, order kept), or `["enabled"]` alone.
pub fn parse_regions(names: &[String]) -> Result<Regions, String> {
    if names.is_empty() {
        return Err("the region list is empty".into());
    }
    if names.iter().any(|n| n == ENABLED_REGIONS) {
        if names.len() > 1 {
            return Err(format!(
                "{ENABLED_REGIONS:?} must be the only entry: it stands for every enabled region"
            ));
        }
        return Ok(Regions::Enabled);
    }
    if let Some(bad) = names.iter().find(|n| !is_region_shaped(n)) {
        return Err(format!(
            "{bad:?} is not a region name like us-east-1 (or \"enabled\")"
        ));
    }
    let mut seen = HashSet::new();
    Ok(Regions::Listed(
        names.iter().filter(|r| seen.insert(*r)).cloned().collect(),
    ))
}

/// The AWS partition a region belongs to, as ARNs spell it (`aws`, `aws-us-gov`, `aws-cn`,
/// and the ISO partitions).
pub fn partition_of(region: &str) -> &'static str {
    const PREFIXES: [(&str, &str); 6] = [
        ("us-gov-", "aws-us-gov"),
        ("cn-", "aws-cn"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("us-iso-", "aws-iso"),
        ("eu-isoe-", "aws-iso-e"),
    ];
    PREFIXES
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, partition)| partition)
}

/// `us-east-1`, `us-gov-west-1`, `ap-southeast-2`, `cn-north-1`: letters, dashes, a final number.
pub fn is_region_shaped(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let Some((number, words)) = parts.split_last() else {
        return false;
    };
    parts.len() >= 3
        && parts[0].len() == 2
        && words
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_come_from_region_prefixes() {
        let cases = [
            ("us-east-1", "aws"),
            ("us-gov-west-1", "aws-us-gov"),
            ("cn-northwest-1", "aws-cn"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
        ];
        for (region, partition) in cases {
            assert_eq!(partition_of(region), partition, "{region}");
        }
    }

    #[test]
    fn a_region_list_has_one_partition() {
        let list = |r: &[&str]| Regions::Listed(r.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            list(&["us-gov-west-1", "us-gov-east-1"]).partition(),
            Ok(Some("aws-us-gov"))
        );
        assert_eq!(Regions::Enabled.partition(), Ok(None));
        let mixed = list(&["us-east-1", "cn-north-1"])
            .partition()
            .expect_err("two partitions");
        assert!(mixed.contains("cn-north-1 in aws-cn"), "{mixed}");
    }

    #[test]
    fn region_shapes() {
        for ok in [
            "us-east-1",
            "us-gov-west-1",
            "ap-southeast-2",
            "cn-north-1",
            "il-central-1",
        ] {
            assert!(is_region_shaped(ok), "{ok}");
        }
        for bad in [
            "",
            "us-east",
            "US-EAST-1",
            "us-east-x",
            "useast1",
            "u-east-1",
            "us--1",
            "enabled",
        ] {
            assert!(!is_region_shaped(bad), "{bad}");
        }
    }

    #[test]
    fn lists_drop_duplicates_and_enabled_stands_alone() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_regions(&names(&["eu-west-1", "us-east-1", "eu-west-1"])),
            Ok(Regions::Listed(names(&["eu-west-1", "us-east-1"])))
        );
        assert_eq!(parse_regions(&names(&["enabled"])), Ok(Regions::Enabled));
        assert!(parse_regions(&names(&["enabled", "us-east-1"])).is_err());
        assert!(parse_regions(&[]).is_err());
    }
}
