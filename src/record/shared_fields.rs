//! Fields every kind derives or joins the same way, defined once and placed in each kind's
//! table by one line (`shared_fields::service()`...).

use aws_sdk_rds::primitives::DateTime;
use aws_sdk_rds::types::CertificateDetails;

use super::item::Derived;
use super::kinds::Record;
use super::schema::{Field, Source};
use super::shape::{shape_of, Shape};
use super::value::{AsFieldValue, FieldValue};
use super::{service_of, Joined};

/// The run's own fields, first in every kind: the account the record was listed in.
pub const fn account_id<R: Record>() -> Field<R> {
    Field {
        name: "account_id",
        meaning: "the account's 12-digit id",
        source: Source::Run("`id` in the accounts file"),
        shape: || Shape::Text,
        read: |r, _| FieldValue::Text(r.account_id()),
    }
}

pub const fn account_name<R: Record>() -> Field<R> {
    Field {
        name: "account_name",
        meaning: "the account's name (default: its id)",
        source: Source::Run("`name` in the accounts file"),
        shape: || Shape::Text,
        read: |r, _| FieldValue::Text(r.account_name()),
    }
}

/// `meaning` says what was listed there ("the region the cluster was listed in").
pub const fn region<R: Record>(meaning: &'static str) -> Field<R> {
    Field {
        name: "region",
        meaning,
        source: Source::Run("the region listed"),
        shape: || Shape::Text,
        read: |r, _| FieldValue::Text(r.region()),
    }
}

/// Whole days since the resource was created.
pub const fn age_days<R: Derived>(meaning: &'static str, source: &'static str) -> Field<R> {
    Field {
        name: "age_days",
        meaning,
        source: Source::Derived(source),
        shape: || Shape::Number,
        read: |r, context| match r.created() {
            Some(created) => FieldValue::Int(context.days_since(created)),
            None => FieldValue::Absent,
        },
    }
}

/// Whether the resource the record was made from is still there.
pub const fn source_exists<R: Derived>(meaning: &'static str, source: &'static str) -> Field<R> {
    Field {
        name: "source_exists",
        meaning,
        source: Source::Derived(source),
        shape: || Shape::Boolean,
        read: |r, _| match r.source_exists() {
            Some(exists) => FieldValue::Bool(exists),
            None => FieldValue::Absent,
        },
    }
}

/// What the shared fields read from a record of any kind.
pub trait SharedSource: 'static {
    fn certificate(&self) -> Option<&CertificateDetails>;
    fn joined(&self) -> &Joined;
}

fn valid_till<R: SharedSource>(r: &R) -> Option<&DateTime> {
    r.certificate()?.valid_till.as_ref()
}

pub const fn certificate_valid_till<R: SharedSource>() -> Field<R> {
    Field {
        name: "certificate_valid_till",
        meaning:
            "when the server certificate expires (`certificate_details.valid_till`, flattened)",
        source: Source::Derived("certificate_details.valid_till"),
        shape: || Shape::Timestamp,
        read: |r, _| match valid_till(r) {
            Some(time) => FieldValue::Time(time),
            None => FieldValue::Absent,
        },
    }
}

pub const fn certificate_days_left<R: SharedSource>() -> Field<R> {
    Field {
        name: "certificate_days_left",
        meaning: "whole days from the run's start until the certificate expires, rounded down; negative once expired",
        source: Source::Derived("certificate_details.valid_till and the run's start"),
        shape: || Shape::Number,
        read: |r, context| match valid_till(r) {
            Some(time) => FieldValue::Int(context.days_until(time)),
            None => FieldValue::Absent,
        },
    }
}

/// `meaning` and `source` name the kind (instance, cluster) and how its actions are found.
pub const fn pending_maintenance_actions<R: SharedSource>(
    meaning: &'static str,
    source: &'static str,
) -> Field<R> {
    Field {
        name: "pending_maintenance_actions",
        meaning,
        source: Source::Joined(source),
        shape: || shape_of(|j: &Joined| &j.maintenance),
        read: |r, _| r.joined().maintenance.field_value(),
    }
}

pub const fn engine_major_version<R: SharedSource>(meaning: &'static str) -> Field<R> {
    Field {
        name: "engine_major_version",
        meaning,
        source: Source::Joined("DescribeDBMajorEngineVersions MajorEngineVersion"),
        shape: || Shape::Text,
        read: |r, _| r.joined().engine_major_version.field_value(),
    }
}

pub const fn standard_support_end_date<R: SharedSource>() -> Field<R> {
    Field {
        name: "standard_support_end_date",
        meaning: "when RDS standard support of the major version ends",
        source: Source::Joined("DescribeDBMajorEngineVersions SupportedEngineLifecycles open-source-rds-standard-support LifecycleSupportEndDate"),
        shape: || Shape::Timestamp,
        read: |r, _| r.joined().standard_support_end.field_value(),
    }
}

pub const fn extended_support_end_date<R: SharedSource>() -> Field<R> {
    Field {
        name: "extended_support_end_date",
        meaning: "when RDS Extended Support of the major version ends",
        source: Source::Joined("DescribeDBMajorEngineVersions SupportedEngineLifecycles open-source-rds-extended-support LifecycleSupportEndDate"),
        shape: || Shape::Timestamp,
        read: |r, _| r.joined().extended_support_end.field_value(),
    }
}

pub const fn service<R: Record>() -> Field<R> {
    Field {
        name: "service",
        meaning: "the AWS service: `rds`, `docdb` (DocumentDB) or `neptune`, from the engine",
        source: Source::Derived("engine"),
        shape: || Shape::Text,
        read: |r, _| service_of(r.engine()).map_or(FieldValue::Absent, FieldValue::Text),
    }
}

/// The `tls_required*` fields (`--with parameters`), read through [`SharedSource::joined`].
fn tls<R: SharedSource>(r: &R) -> Option<&super::parameters::Tls> {
    r.joined().tls.as_ref()
}

const TLS_SOURCE: &str = "DescribeDB(Cluster)Parameters Source=user, else DescribeEngineDefault(Cluster)Parameters of the group's family";

pub const fn tls_required<R: SharedSource>(meaning: &'static str) -> Field<R> {
    Field {
        name: "tls_required",
        meaning,
        source: Source::Joined(TLS_SOURCE),
        shape: || Shape::Boolean,
        read: |r, _| match tls(r).and_then(|t| t.required) {
            Some(required) => FieldValue::Bool(required),
            None => FieldValue::Absent,
        },
    }
}

pub const fn tls_required_reason<R: SharedSource>() -> Field<R> {
    Field {
        name: "tls_required_reason",
        meaning: "why `tls_required` is null when `--with parameters` was asked (a denied call, an engine whose setting is not a parameter such as Oracle's option group, a family without the parameter)",
        source: Source::Joined(TLS_SOURCE),
        shape: || Shape::Text,
        read: |r, _| match tls(r).and_then(|t| t.reason.as_deref()) {
            Some(text) => FieldValue::Text(text),
            None => FieldValue::Absent,
        },
    }
}

pub const fn tls_required_parameter<R: SharedSource>() -> Field<R> {
    Field {
        name: "tls_required_parameter",
        meaning: "the parameter read for the engine: `rds.force_ssl`, `require_secure_transport`, `tls` (DocumentDB), `neptune_enforce_ssl`, `DB2COMM`",
        source: Source::Joined(TLS_SOURCE),
        shape: || Shape::Text,
        read: |r, _| match tls(r).and_then(|t| t.parameter) {
            Some(name) => FieldValue::Text(name),
            None => FieldValue::Absent,
        },
    }
}

pub const fn tls_required_value<R: SharedSource>() -> Field<R> {
    Field {
        name: "tls_required_value",
        meaning: "the parameter's value as AWS returns it, e.g. `1`, `ON`, `enabled`",
        source: Source::Joined(TLS_SOURCE),
        shape: || Shape::Text,
        read: |r, _| match tls(r).and_then(|t| t.value.as_deref()) {
            Some(text) => FieldValue::Text(text),
            None => FieldValue::Absent,
        },
    }
}

pub const fn tls_required_source<R: SharedSource>() -> Field<R> {
    Field {
        name: "tls_required_source",
        meaning: "`user` (set in the group) or `engine-default` (the family's default)",
        source: Source::Joined(TLS_SOURCE),
        shape: || Shape::Text,
        read: |r, _| match tls(r).and_then(|t| t.source) {
            Some(source) => FieldValue::Text(source),
            None => FieldValue::Absent,
        },
    }
}

pub const fn tls_required_group<R: SharedSource>(meaning: &'static str) -> Field<R> {
    Field {
        name: "tls_required_group",
        meaning,
        source: Source::Joined(TLS_SOURCE),
        shape: || Shape::Text,
        read: |r, _| match tls(r).and_then(|t| t.group.as_deref()) {
            Some(text) => FieldValue::Text(text),
            None => FieldValue::Absent,
        },
    }
}

pub const fn tls_required_pending<R: SharedSource>(meaning: &'static str) -> Field<R> {
    Field {
        name: "tls_required_pending",
        meaning,
        source: Source::Joined(TLS_SOURCE),
        shape: || Shape::Boolean,
        read: |r, _| match tls(r).and_then(|t| t.pending) {
            Some(pending) => FieldValue::Bool(pending),
            None => FieldValue::Absent,
        },
    }
}
