//! What every generated record is built from: the AWS partition and DNS suffix of a region,
//! hashed ids, how complete a record is (`RecordShape`), the fixed reference time, and the
//! member writers that instances, clusters, snapshots and the other kinds share.

use crate::rng::mix64;
use crate::sink::Sink;
use serde::Serialize;
use std::fmt;

/// The fixed instant certificate expiries are spread around (no wall clock): about 20% of
/// instances have `CertificateDetails.ValidTill` before it, 25% within 1..60 days after it,
/// the rest 180 days or more after it.
pub const CERTIFICATE_REFERENCE_TIME: &str = "2026-12-01T00:00:00Z";
/// `CERTIFICATE_REFERENCE_TIME` in Unix seconds; other generated timestamps derive from it.
pub(crate) const REFERENCE_UNIX: i64 = 1_796_083_200;
pub(crate) const DAY: i64 = 86_400;

/// How much of the complete record an instance carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordShape {
    /// Every member present, nested structures filled, lists with 1-2 entries. Exactly the
    /// `aurora-postgresql` instances that are not `creating` and have tags (they alone have
    /// every original member).
    Complete,
    /// What a real instance looks like: common members present, rare ones absent.
    Typical,
    /// Scalars as `Typical`, but every list member (except `TagList`, which follows the tags)
    /// is present and empty, nested lists included: `[]`, not `null`.
    EmptyLists,
    /// Only the original 21 members; every other member absent (`null`).
    Sparse,
}

/// Mixes a string into 64 bits; the extended members are drawn from the `DbiResourceId`.
pub(crate) fn hash_str(text: &str) -> u64 {
    text.bytes()
        .fold(0x0DB1_u64, |acc, byte| mix64(acc ^ u64::from(byte)))
}

/// The AWS partition of a region, for ARNs.
pub(crate) fn partition(region: &str) -> &'static str {
    if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

/// The DNS suffix of RDS endpoints in a region.
pub(crate) fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

/// A UUID-shaped rendering of 128 hashed bits.
pub(crate) struct Uuid(pub(crate) u128);

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            v >> 96,
            (v >> 80) & 0xffff,
            (v >> 64) & 0xffff,
            (v >> 48) & 0xffff,
            v & 0xffff_ffff_ffff
        )
    }
}

/// `len` lowercase base-36 characters of a hash.
pub(crate) struct Alnum(pub(crate) u64, pub(crate) usize);

impl fmt::Display for Alnum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let mut value = self.0;
        for _ in 0..self.1 {
            let digit = DIGITS[(value % 36) as usize];
            value = (value / 36) ^ mix64(value);
            fmt::Write::write_char(f, char::from(digit))?;
        }
        Ok(())
    }
}

/// The value for a member: always for `Complete`, never for `Sparse`, else `typical`.
pub(crate) fn pick<T>(shape: RecordShape, complete: T, typical: Option<T>) -> Option<T> {
    match shape {
        RecordShape::Complete => Some(complete),
        RecordShape::Sparse => None,
        RecordShape::Typical | RecordShape::EmptyLists => typical,
    }
}

/// The length of a list member; `EmptyLists` always gives an empty, present list.
pub(crate) fn list_len(
    shape: RecordShape,
    complete: usize,
    typical: Option<usize>,
) -> Option<usize> {
    match shape {
        RecordShape::Complete => Some(complete),
        RecordShape::Sparse => None,
        RecordShape::EmptyLists => Some(0),
        RecordShape::Typical => typical,
    }
}

pub(crate) fn engine_port(engine: &str) -> i64 {
    if engine.contains("postgres") {
        5432
    } else if engine.starts_with("oracle") {
        1521
    } else if engine.starts_with("sqlserver") {
        1433
    } else {
        3306
    }
}

pub(crate) fn license_model(engine: &str) -> &'static str {
    if engine == "docdb" || engine == "neptune" {
        "na"
    } else if engine.contains("postgres") {
        "postgresql-license"
    } else if engine.starts_with("oracle") {
        "bring-your-own-license"
    } else if engine.starts_with("sqlserver") {
        "license-included"
    } else {
        "general-public-license"
    }
}

pub(crate) fn log_types(engine: &str) -> &'static [&'static str] {
    if engine == "docdb" {
        &["audit", "profiler"]
    } else if engine == "neptune" {
        &["audit", "slowquery"]
    } else if engine.contains("postgres") {
        &["postgresql", "upgrade"]
    } else if engine.starts_with("oracle") {
        &["alert", "audit", "trace", "listener"]
    } else if engine.starts_with("sqlserver") {
        &["error", "agent"]
    } else {
        &["error", "slowquery", "general", "audit"]
    }
}

/// (CA identifier, ValidTill): expired, expiring within 60 days, or far out.
pub(crate) fn certificate(draw: u64) -> (&'static str, i64) {
    let spread = mix64(draw);
    match draw % 100 {
        0..=19 => (
            "rds-ca-2019",
            REFERENCE_UNIX - (1 + (spread % 700) as i64) * DAY - (spread % 86_000) as i64,
        ),
        20..=44 => (
            "rds-ca-rsa2048-g1",
            REFERENCE_UNIX + (1 + (spread % 58) as i64) * DAY + (spread % 86_000) as i64,
        ),
        _ => {
            let cas = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"];
            (
                cas[(spread % 3) as usize],
                REFERENCE_UNIX + (180 + (spread % 1200) as i64) * DAY,
            )
        }
    }
}

/// `VpcSecurityGroups`; `id_bits(i)` gives the i-th group's id.
pub(crate) fn emit_vpc_security_groups<S: Sink>(
    s: &mut S,
    len: Option<usize>,
    id_bits: impl Fn(usize) -> u64,
) {
    s.list("VpcSecurityGroups", "vpc_security_groups", len, |s, i| {
        s.item_object("VpcSecurityGroupMembership", |s| {
            s.text_fmt(
                "VpcSecurityGroupId",
                "vpc_security_group_id",
                Some(format_args!("sg-0{:016x}", id_bits(i))),
            );
            s.text("Status", "status", Some("active"));
        })
    });
}

/// `DomainMemberships`: a joined Active Directory domain; `(partition, region, account)`
/// place its secret, `draws` name the domain and the secret.
pub(crate) fn emit_domain_memberships<S: Sink>(
    s: &mut S,
    len: Option<usize>,
    (p, region, account): (&str, &str, &str),
    (domain_draw, secret_draw): (u64, u64),
) {
    s.list("DomainMemberships", "domain_memberships", len, |s, _| {
        s.item_object("DomainMembership", |s| {
            s.text_fmt(
                "Domain",
                "domain",
                Some(format_args!("d-{:010x}", domain_draw & 0xff_ffff_ffff)),
            );
            s.text("Status", "status", Some("joined"));
            s.text("FQDN", "fqdn", Some("corp.example.com"));
            s.text(
                "IAMRoleName",
                "iam_role_name",
                Some("rds-directory-service-access-role"),
            );
            s.text("OU", "ou", Some("OU=RDS,DC=corp,DC=example,DC=com"));
            s.text_fmt(
                "AuthSecretArn",
                "auth_secret_arn",
                Some(format_args!(
                    "arn:{p}:secretsmanager:{region}:{account}:secret:corp-ad-{}",
                    Alnum(secret_draw, 6)
                )),
            );
            s.list("DnsIps", "dns_ips", Some(2), |s, i| {
                s.item_text("member", format_args!("10.0.{i}.10"))
            });
        })
    });
}

/// `TagList` in order.
pub(crate) fn emit_tags<S: Sink>(s: &mut S, tags: &[(String, String)]) {
    s.list("TagList", "tag_list", Some(tags.len()), |s, i| {
        let (key, value) = &tags[i];
        s.item_object("Tag", |s| {
            s.text("Key", "key", Some(key));
            s.text("Value", "value", Some(value));
        })
    });
}

/// `AdditionalStorageVolumes` of the `AdditionalStorageVolume` shape (pending changes and
/// snapshots): `len` gp3 volumes named `name` of `allocated` GiB.
pub(crate) fn emit_additional_storage_volumes<S: Sink>(
    s: &mut S,
    len: Option<usize>,
    (name, allocated): (&str, i64),
) {
    s.list(
        "AdditionalStorageVolumes",
        "additional_storage_volumes",
        len,
        |s, _| {
            s.item_object("member", |s| {
                s.text("VolumeName", "volume_name", Some(name));
                s.int("AllocatedStorage", "allocated_storage", Some(allocated));
                s.int("IOPS", "iops", Some(3000));
                s.int(
                    "MaxAllocatedStorage",
                    "max_allocated_storage",
                    Some(2 * allocated),
                );
                s.int("StorageThroughput", "storage_throughput", Some(125));
                s.text("StorageType", "storage_type", Some("gp3"));
            })
        },
    );
}

pub(crate) fn emit_processor_features<S: Sink>(s: &mut S, len: Option<usize>) {
    s.list("ProcessorFeatures", "processor_features", len, |s, i| {
        s.item_object("ProcessorFeature", |s| {
            let (name, value) = [("coreCount", "2"), ("threadsPerCore", "1")][i % 2];
            s.text("Name", "name", Some(name));
            s.text("Value", "value", Some(value));
        })
    });
}
