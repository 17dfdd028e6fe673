//! DescribeReservedDBInstances: reserved DB instances bought in the target, active, retired
//! and payment-pending ones, with their recurring charges.

use super::resource::{each_item, Emit, FakeResource, KindSpec, Serve};
use crate::config::{FakeConfig, ResourceKind};
use crate::record_parts::{partition, Uuid, DAY};
use crate::sink::Sink;

pub(crate) const SPEC: KindSpec = KindSpec {
    kind: ResourceKind::ReservedInstances,
    action: "DescribeReservedDBInstances",
    flag: Some("reserved-instances"),
    list: "ReservedDBInstances",
    item: "ReservedDBInstance",
    marker: "ri1",
    account_wide: false,
    lookup: ("ReservedDBInstanceId", Some("ReservedDBInstanceNotFound")),
    status_filter: false,
    generate: reservations,
    serve: Serve::List,
};

/// (DBInstanceClass, ProductDescription, hourly usage price).
const OFFERS: [(&str, &str, f64); 3] = [
    ("db.r6g.large", "postgresql", 0.152),
    ("db.m6g.xlarge", "mysql", 0.198),
    ("db.t4g.medium", "aurora-postgresql", 0.045),
];

/// The states served in turn: running, run out, not paid yet.
const STATES: [&str; 3] = ["active", "retired", "payment-pending"];
/// An active reservation ends 1 to this many days from today (about a quarter within 30 days,
/// so the tool's "ending soon" counts have something to count); a retired one ended as long
/// ago at most; a payment-pending one started that long ago at most.
const END_SPREAD_DAYS: i64 = 120;

struct Reservation {
    id: String,
    offering_id: String,
    lease_id: String,
    arn: String,
    offer: (&'static str, &'static str, f64),
    state: &'static str,
    start: i64,
    years: i64,
    count: i64,
    multi_az: bool,
}

fn reservations(
    config: &FakeConfig,
    _generation: u64,
    (a, r): (usize, usize),
    count: usize,
) -> Vec<FakeResource> {
    let (account, region) = (config.accounts[a].as_str(), config.regions[r].as_str());
    each_item(
        config,
        ResourceKind::ReservedInstances,
        (a, r),
        count,
        |index, rng| {
            let state = STATES[index % STATES.len()];
            let id = format!("ri-{}-{index:02}", &region);
            let years = if index % 2 == 0 { 1 } else { 3 };
            let uuid = |rng: &mut crate::rng::SplitMix64| {
                Uuid(u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64())).to_string()
            };
            let reservation = Reservation {
                arn: format!("arn:{}:rds:{region}:{account}:ri:{id}", partition(region)),
                offering_id: uuid(rng),
                lease_id: uuid(rng),
                offer: OFFERS[(index + a) % OFFERS.len()],
                state,
                start: start_of(state, years, 1 + rng.below(END_SPREAD_DAYS as u64) as i64),
                years,
                count: 1 + rng.below(4) as i64,
                multi_az: index % 3 == 1,
                id: id.clone(),
            };
            let arn = reservation.arn.clone();
            ((id, arn, state.to_string()), reservation)
        },
    )
}

/// Midnight UTC `days` from today (negative: before): reservations are dated from the clock,
/// not the inventory's fixed reference, so their days left hold whenever the fake runs.
fn days_from_today(days: i64) -> i64 {
    let now = crate::time::unix_seconds(std::time::SystemTime::now());
    (now.div_euclid(DAY) + days) * DAY
}

/// When a reservation of `years` in `state` started, given `days` (1..=END_SPREAD_DAYS): an
/// active one ends `days` from today, a retired one ended `days` ago, a payment-pending one
/// started `days` ago.
fn start_of(state: &str, years: i64, days: i64) -> i64 {
    let duration = years * 365 * DAY;
    match state {
        "active" => days_from_today(days) - duration,
        "retired" => days_from_today(-days) - duration,
        _ => days_from_today(-days),
    }
}

impl Emit for Reservation {
    fn emit<S: Sink>(&self, s: &mut S) {
        let (class, product, hourly) = self.offer;
        s.text(
            "ReservedDBInstanceId",
            "reserved_db_instance_id",
            Some(&self.id),
        );
        s.text(
            "ReservedDBInstancesOfferingId",
            "reserved_db_instances_offering_id",
            Some(&self.offering_id),
        );
        s.text("DBInstanceClass", "db_instance_class", Some(class));
        s.time("StartTime", "start_time", Some(self.start));
        s.int("Duration", "duration", Some(self.years * 31_536_000));
        s.float(
            "FixedPrice",
            "fixed_price",
            Some(hourly * 4380.0 * self.years as f64),
        );
        s.float("UsagePrice", "usage_price", Some(0.0));
        s.text("CurrencyCode", "currency_code", Some("USD"));
        s.int("DBInstanceCount", "db_instance_count", Some(self.count));
        s.text("ProductDescription", "product_description", Some(product));
        s.text("OfferingType", "offering_type", Some("Partial Upfront"));
        s.boolean("MultiAZ", "multi_az", Some(self.multi_az));
        s.text("State", "state", Some(self.state));
        s.list("RecurringCharges", "recurring_charges", Some(1), |s, _| {
            s.item_object("RecurringCharge", |s| {
                s.float(
                    "RecurringChargeAmount",
                    "recurring_charge_amount",
                    Some(hourly / 2.0),
                );
                s.text(
                    "RecurringChargeFrequency",
                    "recurring_charge_frequency",
                    Some("Hourly"),
                );
            })
        });
        s.text(
            "ReservedDBInstanceArn",
            "reserved_db_instance_arn",
            Some(&self.arn),
        );
        s.text("LeaseId", "lease_id", Some(&self.lease_id));
    }
}
