//! The `instances` kind's record: one DB instance, and for a member of a DB cluster, the
//! cluster whose settings are in force for it.

use std::sync::Arc;

use aws_sdk_rds::primitives::DateTime;
use aws_sdk_rds::types::{CertificateDetails, DbCluster, DbInstance};

use super::engine::major_engine_version;
use super::parameters::{Groups, TlsQuery};
use super::price_fields::InstancePrice;
use super::shared_fields::SharedSource;
use super::utilization::Utilization;
use super::value::TagView;
use super::{Joinable, Joined};

/// What an instance's cluster says, for the `effective_*` fields and `cluster_role`.
#[derive(Debug, Clone, PartialEq)]
pub enum ClusterLink {
    /// Not in a cluster: the instance's own values are in force.
    NotMember,
    /// In a cluster that could not be listed (denied, or gone since): effective values unknown.
    Unknown,
    /// In this cluster; `writer` from its member list (None when the list omits the instance).
    Member {
        cluster: Arc<DbCluster>,
        writer: Option<bool>,
    },
}

/// One DB instance as rds-inventory reports it; `fields.rs` says what is output and how.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceRecord {
    pub account_id: String,
    pub account_name: String,
    pub region: String,
    /// Moved out of the instance so the run summary can count by it.
    pub engine: Option<String>,
    pub(super) instance: DbInstance,
    pub(super) cluster: ClusterLink,
    pub(super) joined: Joined,
    /// `--with price`: the price fields; `None` when not asked for.
    pub(super) price: Option<Box<InstancePrice>>,
    /// `--with utilization`: CloudWatch's figures; `None` when not asked for or not known.
    pub(super) utilization: Option<Box<Utilization>>,
}

impl InstanceRecord {
    /// Takes the SDK's instance as it is; only the tag list is sorted (output stays stable).
    pub fn from_sdk(
        account_id: &str,
        account_name: &str,
        region: &str,
        mut instance: DbInstance,
    ) -> InstanceRecord {
        TagView::sort(&mut instance.tag_list);
        let cluster = match instance.db_cluster_identifier {
            Some(_) => ClusterLink::Unknown,
            None => ClusterLink::NotMember,
        };
        InstanceRecord {
            account_id: account_id.to_owned(),
            account_name: account_name.to_owned(),
            region: region.to_owned(),
            engine: instance.engine.take(),
            instance,
            cluster,
            joined: Joined::default(),
            price: None,
            utilization: None,
        }
    }

    /// The instance's ARN: what `DescribePendingMaintenanceActions` calls its
    /// `ResourceIdentifier`.
    pub fn db_instance_arn(&self) -> Option<&str> {
        self.instance.db_instance_arn.as_deref()
    }

    /// The instance's name.
    pub fn db_instance_identifier(&self) -> Option<&str> {
        self.instance.db_instance_identifier.as_deref()
    }

    /// The cluster the instance belongs to, when it is a member of one.
    /// The instance's immutable resource id (`db-...`).
    pub fn dbi_resource_id(&self) -> Option<&str> {
        self.instance.dbi_resource_id.as_deref()
    }

    pub fn db_cluster_identifier(&self) -> Option<&str> {
        self.instance.db_cluster_identifier.as_deref()
    }

    /// Links a cluster member to its cluster (`None`: the cluster could not be listed or is
    /// gone), for `cluster_role` and the `effective_*` fields. No effect on other instances.
    pub fn set_cluster(&mut self, cluster: Option<Arc<DbCluster>>) {
        let Some(id) = self.instance.db_instance_identifier.as_deref() else {
            return;
        };
        if self.instance.db_cluster_identifier.is_none() {
            return;
        }
        self.cluster = match cluster {
            None => ClusterLink::Unknown,
            Some(cluster) => {
                let writer = cluster
                    .db_cluster_members()
                    .iter()
                    .find(|m| m.db_instance_identifier() == Some(id))
                    .and_then(|m| m.is_cluster_writer());
                ClusterLink::Member { cluster, writer }
            }
        };
    }

    /// `writer` or `reader` for a cluster member the cluster lists.
    pub(super) fn cluster_role(&self) -> Option<&'static str> {
        match &self.cluster {
            ClusterLink::Member {
                writer: Some(writer),
                ..
            } => Some(if *writer { "writer" } else { "reader" }),
            _ => None,
        }
    }

    /// Sets the price fields (`--with price`).
    pub fn set_price(&mut self, price: InstancePrice) {
        self.price = Some(Box::new(price));
    }

    /// Sets the utilization fields (`--with utilization`).
    pub fn set_utilization(&mut self, utilization: Utilization) {
        self.utilization = Some(Box::new(utilization));
    }

    /// The utilization fields, when they were asked for and CloudWatch answered.
    pub fn utilization(&self) -> Option<&Utilization> {
        self.utilization.as_deref()
    }

    /// The price fields, when they were asked for.
    pub fn price(&self) -> Option<&InstancePrice> {
        self.price.as_deref()
    }

    /// The SDK's instance as listed.
    pub fn instance(&self) -> &DbInstance {
        &self.instance
    }

    /// The DB cluster that governs it, for a member (see [`ClusterLink`]).
    pub fn cluster_link(&self) -> &ClusterLink {
        &self.cluster
    }

    /// `--with engine-support`: the major version and the end of its standard support.
    pub fn engine_support(&self) -> Option<(&str, Option<DateTime>)> {
        let major = self.joined.engine_major_version.as_deref()?;
        Some((major, self.joined.standard_support_end))
    }

    /// The record as one JSON object with every field, in schema order (tests, benchmarks).
    #[cfg(test)]
    pub fn to_json(&self, context: &super::RecordContext) -> String {
        super::to_json(self, context)
    }
}

impl SharedSource for InstanceRecord {
    fn certificate(&self) -> Option<&CertificateDetails> {
        self.instance.certificate_details.as_ref()
    }

    fn joined(&self) -> &Joined {
        &self.joined
    }
}

impl Joinable for InstanceRecord {
    fn arn(&self) -> Option<&str> {
        self.db_instance_arn()
    }

    fn engine_major_key(&self) -> Option<(&str, &str)> {
        let engine = self.engine.as_deref()?;
        let version = self.instance.engine_version.as_deref()?;
        Some((engine, major_engine_version(engine, version)?))
    }

    fn joined_mut(&mut self) -> &mut Joined {
        &mut self.joined
    }

    fn tls_query(&self) -> Option<TlsQuery> {
        let pending = |status: Option<&str>| status.map(|s| s == "pending-reboot");
        let instance = self.instance.db_parameter_groups().first().and_then(|g| {
            Some((
                g.db_parameter_group_name()?,
                pending(g.parameter_apply_status()),
            ))
        });
        let cluster = match &self.cluster {
            ClusterLink::NotMember => Ok(None),
            ClusterLink::Unknown => Err("the instance's DB cluster could not be listed"),
            ClusterLink::Member { cluster, .. } => {
                let id = self.db_instance_identifier();
                let status = cluster
                    .db_cluster_members()
                    .iter()
                    .find(|m| {
                        m.db_instance_identifier().is_some() && m.db_instance_identifier() == id
                    })
                    .and_then(|m| m.db_cluster_parameter_group_status());
                Ok(cluster
                    .db_cluster_parameter_group()
                    .map(|g| (g, pending(status))))
            }
        };
        Some(TlsQuery::of(
            self.engine.as_deref(),
            Groups {
                instance,
                cluster,
                ..Groups::default()
            },
        ))
    }
}
