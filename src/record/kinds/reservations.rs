//! The `reservations` kind: reserved DB instances (DescribeReservedDBInstances) — what a FinOps
//! team renews or lets lapse — with when each ends (`ends_at`), the days left and whether it
//! is in force.

use std::future::Future;

use aws_sdk_rds::primitives::DateTime;
use aws_sdk_rds::types::{RecurringCharge, ReservedDbInstance};

use super::{Calls, Ending, Kind, KindMetric, KindSpec, Listed, MetricLabel, Place, Scope};
use crate::record::item::ItemRecord;
use super::{DiffKeys, Record};
use crate::record::schema::{member, Field, HasItem, Source};
use crate::record::sdk_types::sdk_structs;
use crate::record::shape::Shape;
use crate::record::shared_fields;
use crate::record::value::{FieldValue, TagView};

/// One reservation: the SDK item and when it ends, computed once when it is listed.
#[derive(Debug, Clone, PartialEq)]
pub struct ReservationRecord {
    listed: ItemRecord<ReservedDbInstance>,
    ends_at: Option<DateTime>,
}

impl HasItem for ReservationRecord {
    type Item = ReservedDbInstance;
    fn item(&self) -> &ReservedDbInstance {
        &self.listed.item
    }
}

/// `start + duration`; None when either is missing.
fn ends_at(item: &ReservedDbInstance) -> Option<DateTime> {
    let start = item.start_time?;
    let duration = i64::from(item.duration?);
    Some(DateTime::from_secs(start.secs().checked_add(duration)?))
}

/// AWS's state of a reservation whose benefit applies (others: `payment-pending`,
/// `payment-failed`, `retired`).
fn is_active_state(item: &ReservedDbInstance) -> bool {
    item.state.as_deref() == Some("active")
}

const CALL: &str = "DescribeReservedDBInstances ReservedDBInstance";

macro_rules! m {
    ($($member:tt)*) => { member!(ReservedDbInstance, CALL, $($member)*) };
}

sdk_structs! {
    RecurringCharge { recurring_charge_amount, recurring_charge_frequency }
}

#[rustfmt::skip]
const FIELDS: &[Field<ReservationRecord>] = &[
    shared_fields::account_id(),
    shared_fields::account_name(),
    shared_fields::region("the region the reservation was listed in (it applies there only)"),
    m!(reserved_db_instance_id, "ReservedDBInstanceId", "the reservation's identifier, chosen at purchase"),
    m!(reserved_db_instance_arn, "ReservedDBInstanceArn", "the reservation's ARN"),
    m!(reserved_db_instances_offering_id, "ReservedDBInstancesOfferingId", "the offering it was bought from"),
    m!(lease_id, "LeaseId", "the lease id AWS Support may ask for"),
    m!(db_instance_class, "DBInstanceClass", "the DB instance class it covers, e.g. `db.r6g.large`"),
    m!(product_description, "ProductDescription", "the engine (and license) it covers, e.g. `postgresql`, `mysql`"),
    m!(multi_az, "MultiAZ", "whether it covers Multi-AZ deployments"),
    m!(db_instance_count, "DBInstanceCount", "how many instances it covers"),
    m!(state, "State", "`active`, `payment-pending`, `payment-failed` or `retired`"),
    m!(start_time, "StartTime", "when it started"),
    m!(duration, "Duration", "its term in seconds (31536000: one year; 94608000: three)"),
    m!(offering_type, "OfferingType", "`No Upfront`, `Partial Upfront` or `All Upfront`"),
    m!(fixed_price, "FixedPrice", "the upfront price paid"),
    m!(usage_price, "UsagePrice", "the hourly usage price"),
    m!(recurring_charges, "RecurringCharges", "recurring charges: amount and frequency (`Hourly`)"),
    m!(currency_code, "CurrencyCode", "the currency of the prices, e.g. `USD`"),
    Field {
        name: "ends_at",
        meaning: "when the term ends: `start_time` plus `duration`",
        source: Source::Derived("start_time and duration"),
        shape: || Shape::Timestamp,
        read: |r, _| match &r.ends_at {
            Some(time) => FieldValue::Time(time),
            None => FieldValue::Absent,
        },
    },
    Field {
        name: "days_left",
        meaning: "whole days from the run's start until `ends_at`, rounded down; negative once ended",
        source: Source::Derived("ends_at and the run's start"),
        shape: || Shape::Number,
        read: |r, context| match &r.ends_at {
            Some(time) => FieldValue::Int(context.days_until(time)),
            None => FieldValue::Absent,
        },
    },
    Field {
        name: "active",
        meaning: "whether it is in force: `state` is `active` and `ends_at` is after the run's start",
        source: Source::Derived("state, ends_at and the run's start"),
        shape: || Shape::Boolean,
        read: |r, context| {
            let running = r.ends_at.as_ref().is_none_or(|end| context.days_until(end) >= 0);
            FieldValue::Bool(is_active_state(r.item()) && running)
        },
    },
    shared_fields::service(),
];

impl super::Located for ReservationRecord {
    fn account_id(&self) -> &str {
        self.listed.account_id()
    }
    fn account_name(&self) -> &str {
        self.listed.account_name()
    }
    fn region(&self) -> &str {
        self.listed.region()
    }
}

impl Record for ReservationRecord {
    const SPEC: KindSpec = KindSpec {
        name: "reservations",
        noun: "reserved DB instance",
        about: "reserved DB instances, with when each ends and whether it is in force",
        call: "DescribeReservedDBInstances",
        scope: Scope::Region,
        iam_actions: &["rds:DescribeReservedDBInstances"],
        joins: &[],
        metric: KindMetric {
            name: "rds_inventory_reservations",
            help: "Reserved DB instances (reservations, of any state) listed by the last run, by account, region and product description (engine).",
            label: MetricLabel::Engine,
            always: false,
        },
    };
    const ENDING: Option<Ending> = Some(Ending {
        within_days: 30,
        metric: "rds_inventory_reservations_ending_within_30_days",
        help: "Active reserved DB instances whose term ends within 30 days of the last run's start, by account and region.",
    });
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "account_name",
        "region",
        "reserved_db_instance_id",
        "db_instance_class",
        "product_description",
        "multi_az",
        "db_instance_count",
        "state",
        "ends_at",
        "days_left",
    ];
    // A reservation is never renamed; its ARN holds its id. `days_left` changes every day.
    const DIFF: DiffKeys = DiffKeys {
        kind: Self::KIND,
        identifier: "reserved_db_instance_id",
        rename: "reserved_db_instance_arn",
        volatile: &["days_left"],
    };

    fn fields() -> &'static [Field<Self>] {
        FIELDS
    }
    /// The product description (`postgresql`...), what a reservation has of an engine.
    fn engine(&self) -> Option<&str> {
        self.item().product_description.as_deref()
    }
    fn tags(&self) -> TagView<'_> {
        TagView::of(&None)
    }
    fn ends_at(&self) -> Option<&DateTime> {
        self.ends_at.as_ref().filter(|_| is_active_state(self.item()))
    }
}

impl Kind for ReservationRecord {
    type Item = ReservedDbInstance;

    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<Self::Item>, C::Failure>> + Send {
        list_page!(calls, marker, describe_reserved_db_instances, reserved_db_instances)
    }

    fn from_item(place: &Place<'_>, item: Self::Item) -> Self {
        ReservationRecord {
            ends_at: ends_at(&item),
            listed: ItemRecord::new(place, item),
        }
    }

    #[cfg(test)]
    fn empty_item() -> Self::Item {
        ReservedDbInstance::builder().build()
    }

    #[cfg(test)]
    fn nested_structs() -> Vec<(&'static str, &'static [&'static str], String)> {
        nested_structs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{to_json, RecordContext};

    const PLACE: Place<'static> = Place {
        account_id: "111111111111",
        account_name: "prod",
        region: "eu-west-1",
    };

    fn reservation(state: &str, start: i64, duration: i32) -> ReservationRecord {
        let item = ReservedDbInstance::builder()
            .reserved_db_instance_id("ri-1")
            .state(state)
            .start_time(DateTime::from_secs(start))
            .duration(duration)
            .build();
        ReservationRecord::from_item(&PLACE, item)
    }

    fn json(record: &ReservationRecord, now: i64) -> serde_json::Value {
        let text = to_json(record, &RecordContext::new(DateTime::from_secs(now)));
        serde_json::from_str(&text).expect("JSON")
    }

    #[test]
    fn ends_at_is_start_plus_duration_and_days_left_counts_from_the_run_start() {
        let start = 1_700_000_000;
        let record = reservation("active", start, 31_536_000);
        let now = start + 31_536_000 - 10 * 86_400 - 1;
        let value = json(&record, now);
        assert_eq!(value["ends_at"], "2024-11-13T22:13:20Z");
        assert_eq!(value["days_left"], 10);
        assert_eq!(value["active"], true);
        assert_eq!(record.ends_at().map(DateTime::secs), Some(start + 31_536_000));
    }

    #[test]
    fn a_reservation_is_active_only_in_the_active_state_and_before_its_end() {
        let start = 1_700_000_000;
        let after_end = start + 31_536_000 + 86_400;
        assert_eq!(json(&reservation("active", start, 31_536_000), after_end)["active"], false);
        assert_eq!(json(&reservation("active", start, 31_536_000), after_end)["days_left"], -1);
        let pending = reservation("payment-pending", start, 31_536_000);
        assert_eq!(json(&pending, start)["active"], false);
        assert_eq!(pending.ends_at(), None, "not counted as ending: never in force");
    }

    #[test]
    fn without_a_start_or_duration_nothing_is_made_up() {
        let record = ReservationRecord::from_item(&PLACE, ReservedDbInstance::builder().build());
        let value = json(&record, 1_700_000_000);
        assert!(value["ends_at"].is_null() && value["days_left"].is_null());
        assert_eq!(value["active"], false);
    }
}
