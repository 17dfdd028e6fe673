//! The kind registry: every resource kind rds-inventory lists, each defined once, in one file
//! of this folder (or, for the first four, beside its schema in `record/`), and registered by
//! one line in [`registry!`] below. Everything that differs between kinds — name, API call and
//! paging, scope, IAM actions, schema, `diff` keys, table columns, metrics, accepted `--with`
//! joins, and the listing hooks (cluster link, snapshot sharing, `source_exists`) — is in the
//! kind's definition; plan, fetch, sinks, summary, metrics, progress, `diff`, `fields`, clap
//! and the generated docs iterate [`ALL`] or [`ResourceKind::visit`], and match on no kind.

/// Builds the registry from one list of record types: [`ALL`], the specs and the dispatch from
/// a [`ResourceKind`] to its type. Not a `match` to keep in step: the list is the only place
/// a kind is named.
macro_rules! registry {
    ($($module:ident :: $kind:ident),+ $(,)?) => {
        $(pub mod $module;)+
        $(pub use $module::$kind;)+

        /// Every kind's spec, in registry order.
        const SPECS: &[&KindSpec] = &[$(&<$kind as Record>::SPEC),+];

        /// Every kind's `diff` keys, in registry order.
        const DIFFS: &[&DiffKeys] = &[$(&<$kind as Record>::DIFF),+];

        /// How many kinds there are.
        pub const COUNT: usize = SPECS.len();

        impl ResourceKind {
            /// Calls `visitor` with the record type of this kind.
            pub fn visit<V: KindVisitor>(self, visitor: V) -> V::Output {
                let mut position = 0u8;
                $(
                    if self.0 == position {
                        return visitor.visit::<$kind>();
                    }
                    position += 1;
                )+
                unreachable!("kind {} of {position}: only the registry makes kinds", self.0)
            }
        }
    };
}

/// One page of a paginated Describe call at `marker`, as a kind's [`Kind::page`] returns it:
/// `$operation` is the SDK's method, `$items` the output member holding the page's items.
macro_rules! list_page {
    ($calls:expr, $marker:expr, $operation:ident, $items:ident) => {{
        let marker: Option<String> = $marker;
        let calls = $calls;
        async move {
            let page = calls
                .call(|client, signed| {
                    client
                        .$operation()
                        .max_records($crate::record::kinds::PAGE_SIZE)
                        .set_marker(marker.clone())
                        .customize()
                        .config_override(signed)
                        .send()
                })
                .await?;
            Ok($crate::record::kinds::Listed {
                items: page.$items.unwrap_or_default(),
                marker: page.marker,
            })
        }
    }};
}

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use aws_sdk_rds::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_rds::types::DbCluster;

use super::schema::Field;
use super::value::TagView;
use super::{ClusterListing, Joinable, Sharing};

/// The largest page every listing call allows: fewest calls per item. (DescribeDBProxies and
/// DescribeBlueGreenDeployments take 20-100, the others 20-100 too.)
pub const PAGE_SIZE: i32 = 100;

/// One page of a listing: its items and the marker of the next page (None: the last).
#[derive(Debug)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub marker: Option<String>,
}

// The kinds, in the order a run lists them: a kind after the kinds its `source_exists`
// looks in, so that the answer can come from the same run. ONE line per kind.
registry! {
    instances::InstanceRecord,
    clusters::ClusterRecord,
    snapshots::SnapshotRecord,
    cluster_snapshots::ClusterSnapshotRecord,
    automated_backups::AutomatedBackupRecord,
    cluster_automated_backups::ClusterAutomatedBackupRecord,
    proxies::ProxyRecord,
    blue_green_deployments::BlueGreenDeploymentRecord,
    global_clusters::GlobalClusterRecord,
    reservations::ReservationRecord,
    parameter_groups::ParameterGroupRecord,
    cluster_parameter_groups::ClusterParameterGroupRecord,
}

/// A resource kind: a position in the registry. Made only by the registry, so every value
/// names a registered kind.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceKind(u8);

/// What `diff` needs of a kind: how two runs' records are matched, and which fields change
/// without anyone acting on the resource (not compared by default).
#[derive(Debug)]
pub struct DiffKeys {
    pub kind: ResourceKind,
    /// With account_id and region, the match key.
    pub identifier: &'static str,
    /// The immutable resource id that tells a rename from a removal and an addition.
    pub rename: &'static str,
    pub volatile: &'static [&'static str],
}

/// One kind's record: its schema and what the run counts it by. Each kind's fields are listed
/// once, in its own table (`fields.rs` for instances, `cluster_fields.rs` for clusters, the
/// kind's file in `kinds/` for the others).
pub trait Record: Located + Sized + Send + 'static {
    /// What the kind is: name, call, scope, IAM actions, joins, metric.
    const SPEC: KindSpec;
    /// The kind this record is one of.
    const KIND: ResourceKind = ResourceKind::named(Self::SPEC.name);
    /// The `table` format's columns when `--columns` is not given: what a person scans for.
    const TABLE_COLUMNS: &'static [&'static str];
    /// How `diff` matches and compares records of this kind.
    const DIFF: DiffKeys;
    /// Every field, in output order.
    fn fields() -> &'static [Field<Self>];
    fn engine(&self) -> Option<&str>;
    /// The tags as a map.
    fn tags(&self) -> TagView<'_>;
    /// Who may restore it, for kinds that can be shared (snapshots); `None` otherwise or
    /// when it could not be asked.
    fn sharing(&self) -> Option<&Sharing> {
        None
    }
    /// `--with parameters`: `Some(tls_required)` when the record is a database the join
    /// asked about (instances); `None` otherwise.
    fn tls_required(&self) -> Option<Option<bool>> {
        None
    }
    /// `--with price`: (currency, monthly list price); `None` for kinds without a price or
    /// when price was not asked for.
    fn list_price(&self) -> Option<(Option<&str>, Option<f64>)> {
        None
    }
    /// `--with utilization`: whether the resource sat idle over the window (`None`: not asked
    /// or not known).
    fn idle(&self) -> Option<bool> {
        None
    }
    /// `--with utilization`: the CloudWatch metrics requested for it (what CloudWatch bills).
    fn metrics_requested(&self) -> u64 {
        0
    }
    /// For kinds whose records end (reservations): how the run counts those ending soon.
    const ENDING: Option<Ending> = None;
    /// When the record's term ends, for a record in force; `None` otherwise and for kinds
    /// without an end.
    fn ends_at(&self) -> Option<&aws_sdk_rds::primitives::DateTime> {
        None
    }
}

/// Which account and region a record was listed in: the run's fields of every kind.
pub trait Located {
    fn account_id(&self) -> &str;
    fn account_name(&self) -> &str;
    fn region(&self) -> &str;
}

/// The records that keep the run's fields as `account_id`, `account_name` and `region`.
macro_rules! located {
    ($($record:ty),+ $(,)?) => {$(
        impl Located for $record {
            fn account_id(&self) -> &str {
                &self.account_id
            }
            fn account_name(&self) -> &str {
                &self.account_name
            }
            fn region(&self) -> &str {
                &self.region
            }
        }
    )+};
}

located!(
    super::InstanceRecord,
    super::ClusterRecord,
    super::SnapshotRecord,
    super::ClusterSnapshotRecord,
);

/// Where a kind's resources live, which decides how often a run lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Per region: every (account, region) target lists it.
    Region,
    /// Account-wide: the API answers the same from every region, so it is listed once per
    /// account, by the account's first target.
    Account,
}

/// Data `--with` joins into records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Join {
    /// pending_maintenance_actions
    PendingMaintenance,
    /// engine_major_version, standard_support_end_date, extended_support_end_date
    EngineSupport,
    /// price_currency, price_hourly, price_monthly, price_components, price_missing
    Price,
    /// utilization_days, ..., idle: CloudWatch's daily points over `--utilization-days`
    Utilization,
    /// tls_required, tls_required_reason, tls_required_parameter, tls_required_value,
    /// tls_required_source, tls_required_group, tls_required_pending
    Parameters,
}

impl Join {
    pub const ALL: [Join; 5] = [
        Join::PendingMaintenance,
        Join::EngineSupport,
        Join::Price,
        Join::Utilization,
        Join::Parameters,
    ];

    /// The name in `--with` and `with = [...]`.
    pub fn name(self) -> &'static str {
        match self {
            Join::PendingMaintenance => "pending-maintenance",
            Join::EngineSupport => "engine-support",
            Join::Price => "price",
            Join::Utilization => "utilization",
            Join::Parameters => "parameters",
        }
    }

    /// The fields it fills, for `--help`.
    pub fn fields(self) -> &'static str {
        match self {
            Join::PendingMaintenance => "pending_maintenance_actions",
            Join::EngineSupport => {
                "engine_major_version, standard_support_end_date, extended_support_end_date"
            }
            Join::Price => {
                "price_currency, price_hourly, price_monthly, price_components, price_missing \
                 (implies engine-support, for the Extended Support surcharge)"
            }
            Join::Utilization => {
                "utilization_days, utilization_from, utilization_to, connections_max, \
                 cpu_avg_percent, cpu_max_percent, read_iops_avg, write_iops_avg, \
                 free_storage_min_bytes, utilization_datapoints, idle (CloudWatch \
                 GetMetricData, daily points over --utilization-days)"
            }
            Join::Parameters => {
                "tls_required, tls_required_reason, tls_required_parameter, tls_required_value, \
                 tls_required_source, tls_required_group, tls_required_pending (encryption in \
                 transit from the parameter groups)"
            }
        }
    }
}

/// How `--metrics` counts a kind's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindMetric {
    /// The metric's name; kinds may share one, told apart by a `kind` label.
    pub name: &'static str,
    pub help: &'static str,
    /// The labels after account and region.
    pub label: MetricLabel,
    /// Written even when the run does not list the kind (zero samples), as the instances
    /// metric always was.
    pub always: bool,
}

/// For a kind whose records end (reservations): how many in force end soon, counted by the
/// summary (`ending_soon`) and written by `--metrics` by account and region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ending {
    /// "Soon": an end within this many days of the run's start.
    pub within_days: i64,
    pub metric: &'static str,
    pub help: &'static str,
}

/// The last label of a kind's count metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricLabel {
    /// `engine`, from the record's engine (`unknown` when it has none).
    Engine,
    /// `kind`, the kind's name (for a metric several kinds share).
    Kind,
}

/// What a kind is, as data: everything but its record type and calls.
#[derive(Debug)]
pub struct KindSpec {
    /// The name in `--kind`, `kinds = [...]`, `{kind}`, the summary and the metrics.
    pub name: &'static str,
    /// One resource, in messages ("the same snapshot twice").
    pub noun: &'static str,
    /// One line for `--kind`'s help and docs.
    pub about: &'static str,
    /// The AWS call that lists it.
    pub call: &'static str,
    pub scope: Scope,
    /// The IAM actions listing it needs (every call of the kind, follow-up calls included).
    pub iam_actions: &'static [&'static str],
    /// The `--with` joins that fill its records.
    pub joins: &'static [Join],
    pub metric: KindMetric,
}

/// A kind's record type chosen by its [`ResourceKind`]: what generic code does with each kind.
pub trait KindVisitor {
    type Output;
    fn visit<K: Kind>(self) -> Self::Output;
}

/// Every kind, in the order a run lists them.
pub const ALL: [ResourceKind; COUNT] = {
    let mut all = [ResourceKind(0); COUNT];
    let mut i = 0;
    while i < COUNT {
        all[i] = ResourceKind(i as u8);
        i += 1;
    }
    all
};

/// Byte-wise string equality, usable in `const` (kinds are looked up by name at compile time).
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl ResourceKind {
    /// The kind named `name`; a name no kind has fails the build (this runs in `const`).
    pub const fn named(name: &str) -> ResourceKind {
        let mut i = 0;
        while i < COUNT {
            if same(SPECS[i].name, name) {
                return ResourceKind(i as u8);
            }
            i += 1;
        }
        panic!("no kind of that name in the registry")
    }

    /// The kind named `name` in `--kind`, the accounts file or a summary.
    pub fn from_name(name: &str) -> Option<ResourceKind> {
        ALL.into_iter().find(|k| k.name() == name)
    }

    /// The default kind of a run: DB instances.
    pub const INSTANCES: ResourceKind = ResourceKind::named("instances");

    pub fn spec(self) -> &'static KindSpec {
        SPECS[usize::from(self.0)]
    }

    /// The name in `--kind`, `kinds = [...]`, `{kind}` and the summary.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The AWS call that lists the kind.
    pub fn call(self) -> &'static str {
        self.spec().call
    }

    pub fn scope(self) -> Scope {
        self.spec().scope
    }

    /// How `diff` matches and compares records of this kind.
    pub fn diff_keys(self) -> &'static DiffKeys {
        DIFFS[usize::from(self.0)]
    }

    /// The `table` format's default columns.
    pub fn table_columns(self) -> &'static [&'static str] {
        struct Columns;
        impl KindVisitor for Columns {
            type Output = &'static [&'static str];
            fn visit<K: Kind>(self) -> Self::Output {
                K::TABLE_COLUMNS
            }
        }
        self.visit(Columns)
    }

    /// Whether its records can be shared (snapshots): who may restore them is asked.
    pub fn shareable(self) -> bool {
        struct Shares;
        impl KindVisitor for Shares {
            type Output = bool;
            fn visit<K: Kind>(self) -> bool {
                K::RESTORE_ATTRIBUTES.is_some()
            }
        }
        self.visit(Shares)
    }

    /// How the run counts its records that end soon, for kinds whose records end.
    pub fn ending(self) -> Option<Ending> {
        struct Ends;
        impl KindVisitor for Ends {
            type Output = Option<Ending>;
            fn visit<K: Kind>(self) -> Option<Ending> {
                K::ENDING
            }
        }
        self.visit(Ends)
    }

    /// The names of the kind's fields, in output order.
    pub fn field_names(self) -> Vec<&'static str> {
        struct Names;
        impl KindVisitor for Names {
            type Output = Vec<&'static str>;
            fn visit<K: Kind>(self) -> Self::Output {
                K::fields().iter().map(|f| f.name).collect()
            }
        }
        self.visit(Names)
    }
}

impl fmt::Debug for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for ResourceKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for ResourceKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        ResourceKind::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown kind `{name}`, expected {}", names()))
        })
    }
}

/// "instances, clusters, ..." for messages.
pub fn names() -> String {
    ALL.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
}

/// What `rds-inventory kinds` shows of a kind, in its columns' order.
fn kind_row(kind: ResourceKind) -> [(&'static str, String); 7] {
    let spec = kind.spec();
    let joins: Vec<&str> = spec.joins.iter().map(|j| j.name()).collect();
    let scope = match spec.scope {
        Scope::Region => "region",
        Scope::Account => "account",
    };
    [
        ("kind", spec.name.to_owned()),
        ("call", spec.call.to_owned()),
        ("scope", scope.to_owned()),
        ("iam_actions", spec.iam_actions.join(", ")),
        ("with", joins.join(", ")),
        ("about", spec.about.to_owned()),
        ("table_columns", kind.table_columns().join(",")),
    ]
}

/// The kinds as table rows (the table leaves out the default columns: too wide).
pub fn table_rows() -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = vec!["KIND", "CALL", "SCOPE", "IAM ACTIONS", "WITH", "ABOUT"];
    let rows = ALL
        .into_iter()
        .map(|k| kind_row(k).into_iter().take(6).map(|(_, v)| v).collect())
        .collect();
    (header, rows)
}

/// One JSON object per kind and line.
pub fn ndjson_rows() -> String {
    let mut out = String::new();
    for kind in ALL {
        let object: serde_json::Map<String, serde_json::Value> = kind_row(kind)
            .into_iter()
            .map(|(name, value)| (name.to_owned(), serde_json::Value::from(value)))
            .collect();
        out.push_str(&serde_json::Value::Object(object).to_string());
        out.push('\n');
    }
    out
}

/// The kinds as docs/permissions.md shows them (between its `kinds:start` markers).
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| kind | call | scope | IAM actions | `--with` |\n| --- | --- | --- | --- | --- |\n",
    );
    for kind in ALL {
        let [name, call, scope, iam, with, ..] = kind_row(kind).map(|(_, v)| v);
        let iam: Vec<String> = iam.split(", ").map(|a| format!("`{a}`")).collect();
        out.push_str(&format!(
            "| `{name}` | {call} | {scope} | {} | {with} |\n",
            iam.join(", ")
        ));
    }
    out
}

/// A value of `--kind` or `kinds = [...]`: one kind, or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindChoice {
    One(ResourceKind),
    All,
}

/// Every choice, for clap: each kind, then `all`.
pub const CHOICES: [KindChoice; COUNT + 1] = {
    let mut choices = [KindChoice::All; COUNT + 1];
    let mut i = 0;
    while i < COUNT {
        choices[i] = KindChoice::One(ALL[i]);
        i += 1;
    }
    choices
};

impl KindChoice {
    pub fn name(self) -> &'static str {
        match self {
            KindChoice::One(kind) => kind.name(),
            KindChoice::All => "all",
        }
    }

    pub fn from_name(name: &str) -> Option<KindChoice> {
        CHOICES.into_iter().find(|c| c.name() == name)
    }

    /// The kinds the choices name, each once, in [`ALL`] order; none: instances.
    pub fn resolve(choices: &[KindChoice]) -> Vec<ResourceKind> {
        if choices.is_empty() {
            return vec![ResourceKind::INSTANCES];
        }
        ALL.into_iter()
            .filter(|kind| {
                choices
                    .iter()
                    .any(|c| *c == KindChoice::All || *c == KindChoice::One(*kind))
            })
            .collect()
    }
}

impl<'de> serde::Deserialize<'de> for KindChoice {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        KindChoice::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown kind `{name}`, expected one of {}, all",
                names()
            ))
        })
    }
}

/// Which account and region a record was listed in.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub account_id: &'a str,
    pub account_name: &'a str,
    pub region: &'a str,
}

/// The one way a kind's calls are made: signed as the target's account, retried, refreshed
/// and throttled by the fetch layer (`fetch::TargetCalls`). `request` builds the call from the
/// region's client and the per-call signing override.
pub trait Calls: Send {
    /// A call that failed for good.
    type Failure: Send;

    fn call<T, E, F, Fut>(
        &mut self,
        request: F,
    ) -> impl Future<Output = Result<T, Self::Failure>> + Send
    where
        T: Send,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        F: Fn(&aws_sdk_rds::Client, aws_sdk_rds::config::Builder) -> Fut + Send + Sync,
        Fut: Future<Output = Result<T, SdkError<E>>> + Send;

    /// The user-set parameters (name, value) of a parameter group (`cluster`: a DB cluster
    /// parameter group) that this target has listed already: `--with parameters` and the
    /// group kinds ask each group once per target, whichever needs it first.
    fn listed_user_parameters(
        &self,
        _cluster: bool,
        _group: &str,
    ) -> Option<Vec<(String, String)>> {
        None
    }

    /// Keeps a group's user-set parameters for the rest of the target.
    fn remember_user_parameters(
        &mut self,
        _cluster: bool,
        _group: &str,
        _parameters: &[(String, String)],
    ) {
    }
}

/// Which attribute call says who may restore a kind's records (the phase its failures are
/// reported under).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreAttributes {
    DbSnapshot,
    DbClusterSnapshot,
}

/// Whether a record can be shared, for the sharing hook.
pub enum Shareable<'a> {
    /// Manual: ask who may restore the one named so.
    Ask(&'a str),
    /// Automated or AWS Backup: nobody else may restore it.
    Never,
    /// Manual, but without an identifier to ask with.
    Unknown,
}

/// A resource kind's definition: its schema (through [`Record`]), its listing call and the
/// hooks the generic listing (`fetch`) calls. Every hook has a default that does nothing.
pub trait Kind: Record + Send + Sync {
    /// One item of the listing, as the SDK returns it.
    type Item: Send + std::fmt::Debug;

    /// One page of the listing at `marker` (None: the first).
    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<Self::Item>, C::Failure>> + Send;

    fn from_item(place: &Place<'_>, item: Self::Item) -> Self;

    /// The names other kinds' records give this resource (identifier, resource id), for
    /// their `source_exists`.
    fn names(&self) -> [Option<&str>; 2] {
        [None, None]
    }

    /// The kind and name of the resource this record was made from, whose existence
    /// `source_exists` reports.
    fn source(&self) -> Option<(ResourceKind, &str)> {
        None
    }

    fn set_source_exists(&mut self, _exists: Option<bool>) {}

    /// Who may restore it: the attribute call that asks, when the kind can be shared.
    const RESTORE_ATTRIBUTES: Option<RestoreAttributes> = None;

    fn shareable(&self) -> Shareable<'_> {
        Shareable::Never
    }

    /// The values of the `restore` attribute of the record named `id`: account ids, or `all`.
    fn restore_values<C: Calls>(
        _calls: &mut C,
        _id: &str,
    ) -> impl Future<Output = Result<Vec<String>, C::Failure>> + Send {
        async { Ok(Vec::new()) }
    }

    fn set_sharing(&mut self, _sharing: Option<Sharing>) {}

    /// The DB cluster whose settings are in force for this record (instances).
    fn cluster_member(&self) -> Option<&str> {
        None
    }

    fn set_cluster(&mut self, _cluster: Option<Arc<DbCluster>>) {}

    /// The records of this kind in a DB cluster listing the run already made for cluster
    /// members: `Some` only for the clusters kind, which then needs no call of its own.
    fn from_cluster_listing(_listing: &ClusterListing, _place: &Place<'_>) -> Option<Vec<Self>> {
        None
    }

    /// Follow-up calls for a page's records, made with the target's calls (the parameter-group
    /// kinds: each group's user-set parameters); the first failure, after which the page's
    /// other records are not asked.
    fn follow_up<C: Calls>(
        _records: &mut [Self],
        _calls: &mut C,
    ) -> impl Future<Output = Option<C::Failure>> + Send {
        async { None }
    }

    /// The record as `--with pending-maintenance` / `engine-support` fill it.
    fn joinable(&mut self) -> Option<&mut (dyn Joinable + Send + Sync)> {
        None
    }

    /// The records as `--with price` prices them and `--with utilization` measures them
    /// (instances).
    fn priced(_records: &mut [Self]) -> Option<&mut [InstanceRecord]> {
        None
    }

    /// An item with no member set, whose `Debug` names every member the SDK has (the guard
    /// test that notices members the SDK adds).
    #[cfg(test)]
    fn empty_item() -> Self::Item;

    /// The SDK structures inside the item that the kind writes (`sdk_structs!`), for the
    /// same guard test.
    #[cfg(test)]
    fn nested_structs() -> Vec<(&'static str, &'static [&'static str], String)> {
        Vec::new()
    }
}

/// One page of records of one kind, as the fetchers send them to the writer.
pub struct Page {
    kind: ResourceKind,
    len: usize,
    records: Box<dyn Any + Send>,
}

impl Page {
    pub fn new<K: Kind>(records: Vec<K>) -> Page {
        Page {
            kind: K::KIND,
            len: records.len(),
            records: Box::new(records),
        }
    }

    pub fn kind(&self) -> ResourceKind {
        self.kind
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The records, when they are of kind `K`.
    pub fn records<K: Kind>(&self) -> Option<&[K]> {
        self.records.downcast_ref::<Vec<K>>().map(Vec::as_slice)
    }
}

impl fmt::Debug for Page {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Page({} {})", self.len, self.kind.name())
    }
}

/// The kind of a record that has the fields `has` says it has, when it is one of ours: of the
/// kinds whose identifier it has, the one whose schema names all the others' identifiers (a
/// snapshot also names its instance, an instance its cluster).
pub fn kind_of_record(has: impl Fn(&str) -> bool) -> Option<ResourceKind> {
    let candidates: Vec<ResourceKind> = ALL
        .into_iter()
        .filter(|k| has(k.diff_keys().identifier))
        .collect();
    candidates
        .iter()
        .copied()
        .find(|kind| {
            let fields = kind.field_names();
            candidates
                .iter()
                .all(|other| fields.contains(&other.diff_keys().identifier))
        })
        .or_else(|| candidates.first().copied())
}

#[cfg(test)]
mod tests;
