//! The SDK's structures and enums as JSON values, shapes and field values: one line per type
//! says which members are written (a guard test notices members the SDK adds).

use aws_sdk_rds::types::{
    ActivityStreamMode, ActivityStreamPolicyStatus, ActivityStreamStatus, AdditionalStorageVolume,
    AdditionalStorageVolumeOutput, AutomationMode, AvailabilityZone, CertificateDetails,
    ClusterPendingModifiedValues, ClusterScalabilityType, DatabaseInsightsMode, DbClusterMember,
    DbClusterOptionGroupStatus, DbClusterRole, DbClusterStatusInfo,
    DbInstanceAutomatedBackupsReplication, DbInstanceRole, DbInstanceStatusInfo,
    DbParameterGroupStatus, DbSecurityGroupMembership, DbSubnetGroup, DomainMembership, Endpoint,
    LimitlessDatabase, LimitlessDatabaseStatus, LocalWriteForwardingStatus, MasterUserSecret,
    OptionGroupMembership, Outpost, PendingCloudwatchLogsExports, PendingMaintenanceAction,
    PendingModifiedValues, ProcessorFeature, RdsCustomClusterConfiguration, ReplicaMode,
    ScalingConfigurationInfo, ServerlessV2ScalingConfigurationInfo, StorageEncryptionType, Subnet,
    UpgradeRolloutOrder, VpcSecurityGroupMembership, WriteForwardingStatus,
};

/// An enum of the SDK is written as AWS spells it.
macro_rules! sdk_enums {
    ($($ty:ident)*) => {$(
        impl $crate::record::json::ToJson for $ty {
            fn write_json(&self, out: &mut Vec<u8>) {
                $crate::record::json::write_str(out, self.as_str());
            }
        }
        impl $crate::record::value::AsFieldValue for $ty {
            fn field_value(&self) -> $crate::record::value::FieldValue<'_> {
                $crate::record::value::FieldValue::Text(self.as_str())
            }
        }
        impl $crate::record::shape::HasShape for $ty {
            fn shape() -> $crate::record::shape::Shape {
                $crate::record::shape::Shape::Text
            }
        }
    )*};
}
pub(crate) use sdk_enums;

sdk_enums! {
    ActivityStreamMode ActivityStreamPolicyStatus ActivityStreamStatus AutomationMode
    DatabaseInsightsMode ReplicaMode StorageEncryptionType UpgradeRolloutOrder
    WriteForwardingStatus LocalWriteForwardingStatus ClusterScalabilityType LimitlessDatabaseStatus
}

/// A structure of the SDK becomes an object keyed by the SDK's snake_case member names.
/// `member => f` writes `f(&member)` instead of the member itself.
macro_rules! sdk_structs {
    (@value $value:expr) => { $value };
    (@value $value:expr, $via:path) => { $via(&$value) };
    ($($ty:ident { $($member:ident $(=> $via:path)?),* $(,)? })*) => {
    $(
        impl $crate::record::json::ToJson for $ty {
            fn write_json(&self, out: &mut Vec<u8>) {
                let mut object = $crate::record::json::Object::start(out);
                $(object.member(stringify!($member), &$crate::record::sdk_types::sdk_structs!(@value self.$member $(, $via)?));)*
                object.end();
            }
        }
        impl $crate::record::value::AsFieldValue for $ty {
            fn field_value(&self) -> $crate::record::value::FieldValue<'_> {
                $crate::record::value::FieldValue::Nested(self)
            }
        }
        impl $crate::record::shape::HasShape for $ty {
            fn shape() -> $crate::record::shape::Shape {
                $crate::record::shape::Shape::Object(vec![$((
                    stringify!($member),
                    $crate::record::shape::shape_of(|v: &$ty| &v.$member),
                )),*])
            }
        }
    )*
        /// Each structure written: its name, the members written, and the `Debug` of an
        /// empty value (which names every member the SDK has), for the test that notices
        /// new SDK members.
        #[cfg(test)]
        pub(crate) fn nested_structs() -> Vec<(&'static str, &'static [&'static str], String)> {
            vec![$((
                stringify!($ty),
                &[$(stringify!($member)),*],
                format!("{:?}", $ty::builder().build()),
            )),*]
        }
    };
}

pub(crate) use sdk_structs;

/// A password AWS reports as pending: its presence is kept, never its value.
fn redacted(value: &Option<String>) -> Option<&'static str> {
    value.as_ref().map(|_| "****")
}

sdk_structs! {
    Endpoint { address, port, hosted_zone_id }
    DbSecurityGroupMembership { db_security_group_name, status }
    VpcSecurityGroupMembership { vpc_security_group_id, status }
    DbParameterGroupStatus { db_parameter_group_name, parameter_apply_status }
    DbSubnetGroup {
        db_subnet_group_name, db_subnet_group_description, vpc_id, subnet_group_status, subnets,
        db_subnet_group_arn, supported_network_types,
    }
    Subnet { subnet_identifier, subnet_availability_zone, subnet_outpost, subnet_status }
    AvailabilityZone { name }
    Outpost { arn }
    PendingModifiedValues {
        db_instance_class, allocated_storage, master_user_password => redacted, port,
        backup_retention_period, multi_az, engine_version, license_model, iops,
        storage_throughput, db_instance_identifier, storage_type, ca_certificate_identifier,
        db_subnet_group_name, pending_cloudwatch_logs_exports, processor_features,
        automation_mode, resume_full_automation_mode_time, multi_tenant,
        iam_database_authentication_enabled, dedicated_log_volume, engine,
        additional_storage_volumes, db_capacity_reservation_identifier,
    }
    PendingCloudwatchLogsExports { log_types_to_enable, log_types_to_disable }
    ProcessorFeature { name, value }
    OptionGroupMembership { option_group_name, status }
    DbInstanceStatusInfo { status_type, normal, status, message }
    DomainMembership { domain, status, fqdn, iam_role_name, ou, auth_secret_arn, dns_ips }
    DbInstanceRole { role_arn, feature_name, status }
    DbInstanceAutomatedBackupsReplication { db_instance_automated_backups_arn }
    CertificateDetails { ca_identifier, valid_till }
    MasterUserSecret { secret_arn, secret_status, kms_key_id }
    AdditionalStorageVolumeOutput {
        volume_name, storage_volume_status, storage_operation_status,
        storage_operation_percent_progress, allocated_storage, iops, max_allocated_storage,
        storage_throughput, storage_type,
    }
    AdditionalStorageVolume {
        volume_name, allocated_storage, iops, max_allocated_storage, storage_throughput,
        storage_type,
    }
    PendingMaintenanceAction {
        action, description, auto_applied_after_date, forced_apply_date, current_apply_date,
        opt_in_status,
    }
    DbClusterOptionGroupStatus { db_cluster_option_group_name, status }
    DbClusterStatusInfo { status_type, normal, status, message }
    DbClusterMember {
        db_instance_identifier, is_cluster_writer, db_cluster_parameter_group_status,
        promotion_tier,
    }
    DbClusterRole { role_arn, status, feature_name }
    ClusterPendingModifiedValues {
        pending_cloudwatch_logs_exports, db_cluster_identifier,
        master_user_password => redacted, iam_database_authentication_enabled, engine_version,
        backup_retention_period, storage_type, allocated_storage,
        rds_custom_cluster_configuration, iops, certificate_details,
    }
    ScalingConfigurationInfo {
        min_capacity, max_capacity, auto_pause, seconds_until_auto_pause, timeout_action,
        seconds_before_timeout,
    }
    RdsCustomClusterConfiguration {
        interconnect_subnet_id, transit_gateway_multicast_domain_id, replica_mode,
    }
    LimitlessDatabase { status, min_required_acu }
    ServerlessV2ScalingConfigurationInfo { min_capacity, max_capacity, seconds_until_auto_pause }
}
