//! The query-protocol XML bodies, with the element names the SDK deserializers look for.

use crate::db_instance::emit_db_instance;
use crate::inventory::FakeInstance;
use crate::sink::{push_escaped, XmlSink};
use std::fmt::Write;

pub(crate) const STS_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
pub(crate) const RDS_NAMESPACE: &str = "http://rds.amazonaws.com/doc/2014-10-31/";

fn push_element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    push_escaped(out, text);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn push_display_element(out: &mut String, name: &str, value: impl std::fmt::Display) {
    // Writing to a String cannot fail.
    let _ = write!(out, "<{name}>{value}</{name}>");
}

/// Who is to blame for an error, as AWS reports it in `<Type>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    Sender,
    Receiver,
}

/// `<ErrorResponse>` as STS and RDS send it.
pub(crate) fn error_response(
    namespace: &str,
    fault: Fault,
    code: &str,
    message: &str,
    request_id: &str,
) -> String {
    let mut out = String::with_capacity(256 + message.len());
    let _ = write!(out, "<ErrorResponse xmlns=\"{namespace}\"><Error>");
    let fault = match fault {
        Fault::Sender => "Sender",
        Fault::Receiver => "Receiver",
    };
    push_element(&mut out, "Type", fault);
    push_element(&mut out, "Code", code);
    push_element(&mut out, "Message", message);
    out.push_str("</Error>");
    push_element(&mut out, "RequestId", request_id);
    out.push_str("</ErrorResponse>");
    out
}

/// The pieces of a successful AssumeRole answer.
pub(crate) struct IssuedRole<'a> {
    /// `aws`, `aws-us-gov`, ... as in the RoleArn.
    pub(crate) partition: &'a str,
    pub(crate) role_arn_account: &'a str,
    pub(crate) role_name: &'a str,
    pub(crate) session_name: &'a str,
    pub(crate) role_id: &'a str,
    pub(crate) access_key_id: &'a str,
    pub(crate) secret_access_key: &'a str,
    pub(crate) session_token: &'a str,
    pub(crate) reported_expiration: &'a str,
}

pub(crate) fn assume_role_response(role: &IssuedRole<'_>, request_id: &str) -> String {
    let mut out = String::with_capacity(1024);
    let _ = write!(
        out,
        "<AssumeRoleResponse xmlns=\"{STS_NAMESPACE}\"><AssumeRoleResult><AssumedRoleUser>"
    );
    push_element(
        &mut out,
        "Arn",
        &format!(
            "arn:{}:sts::{}:assumed-role/{}/{}",
            role.partition, role.role_arn_account, role.role_name, role.session_name
        ),
    );
    push_element(
        &mut out,
        "AssumedRoleId",
        &format!("{}:{}", role.role_id, role.session_name),
    );
    out.push_str("</AssumedRoleUser><Credentials>");
    push_element(&mut out, "AccessKeyId", role.access_key_id);
    push_element(&mut out, "SecretAccessKey", role.secret_access_key);
    push_element(&mut out, "SessionToken", role.session_token);
    push_element(&mut out, "Expiration", role.reported_expiration);
    out.push_str("</Credentials></AssumeRoleResult><ResponseMetadata>");
    push_element(&mut out, "RequestId", request_id);
    out.push_str("</ResponseMetadata></AssumeRoleResponse>");
    out
}

pub(crate) fn describe_db_instances_response(
    instances: impl Iterator<Item = FakeInstance>,
    complete: bool,
    next_marker: Option<&str>,
    request_id: &str,
) -> String {
    // Reserving up front avoids repeated regrowth of a page of up to 100 instances.
    let per_instance = if complete { 6000 } else { 1300 };
    let mut out = String::with_capacity(512 + per_instance * instances.size_hint().0);
    let _ = write!(
        out,
        "<DescribeDBInstancesResponse xmlns=\"{RDS_NAMESPACE}\"><DescribeDBInstancesResult><DBInstances>"
    );
    for instance in instances {
        if complete {
            out.push_str("<DBInstance>");
            emit_db_instance(&instance, true, &mut XmlSink { out: &mut out });
            out.push_str("</DBInstance>");
        } else {
            push_db_instance(&mut out, &instance);
        }
    }
    out.push_str("</DBInstances>");
    if let Some(marker) = next_marker {
        push_element(&mut out, "Marker", marker);
    }
    out.push_str("</DescribeDBInstancesResult><ResponseMetadata>");
    push_element(&mut out, "RequestId", request_id);
    out.push_str("</ResponseMetadata></DescribeDBInstancesResponse>");
    out
}

/// `<{Operation}Response><{Operation}Result>`, the body `fill` writes, an optional Marker,
/// and the request id: the envelope of every RDS Describe answer.
pub(crate) fn rds_result(
    operation: &str,
    next_marker: Option<&str>,
    request_id: &str,
    fill: impl FnOnce(&mut String),
) -> String {
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<{operation}Response xmlns=\"{RDS_NAMESPACE}\"><{operation}Result>"
    );
    fill(&mut out);
    if let Some(marker) = next_marker {
        push_element(&mut out, "Marker", marker);
    }
    let _ = write!(out, "</{operation}Result><ResponseMetadata>");
    push_element(&mut out, "RequestId", request_id);
    let _ = write!(out, "</ResponseMetadata></{operation}Response>");
    out
}

/// The original 21 members, written directly: the default pages cost what they always did.
/// `emit_db_instance(_, false, _)` describes the same members (tests compare the two).
fn push_db_instance(out: &mut String, instance: &FakeInstance) {
    out.push_str("<DBInstance>");
    push_element(out, "DBInstanceIdentifier", &instance.identifier);
    push_element(out, "DBInstanceArn", &instance.arn);
    push_element(out, "DbiResourceId", &instance.resource_id);
    push_element(out, "DBInstanceClass", &instance.instance_class);
    push_element(out, "Engine", &instance.engine);
    push_element(out, "EngineVersion", &instance.engine_version);
    push_element(out, "DBInstanceStatus", &instance.status);
    if let (Some(address), Some(port)) = (&instance.endpoint_address, instance.endpoint_port) {
        out.push_str("<Endpoint>");
        push_element(out, "Address", address);
        push_display_element(out, "Port", port);
        out.push_str("</Endpoint>");
    }
    push_display_element(out, "AllocatedStorage", instance.allocated_storage);
    push_element(out, "StorageType", &instance.storage_type);
    push_display_element(out, "StorageEncrypted", instance.storage_encrypted);
    push_display_element(out, "MultiAZ", instance.multi_az);
    if let Some(zone) = &instance.availability_zone {
        push_element(out, "AvailabilityZone", zone);
    }
    push_display_element(out, "PubliclyAccessible", instance.publicly_accessible);
    push_display_element(out, "DeletionProtection", instance.deletion_protection);
    if let Some(cluster) = &instance.db_cluster_identifier {
        push_element(out, "DBClusterIdentifier", cluster);
    }
    out.push_str("<DBSubnetGroup>");
    push_element(out, "DBSubnetGroupName", &instance.db_subnet_group_name);
    push_element(out, "VpcId", &instance.vpc_id);
    push_element(out, "SubnetGroupStatus", "Complete");
    out.push_str("</DBSubnetGroup>");
    if let Some(created) = &instance.instance_create_time {
        push_element(out, "InstanceCreateTime", created);
    }
    out.push_str("<TagList>");
    for (key, value) in &instance.tags {
        out.push_str("<Tag>");
        push_element(out, "Key", key);
        push_element(out, "Value", value);
        out.push_str("</Tag>");
    }
    out.push_str("</TagList></DBInstance>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_response_has_the_wrapped_shape() {
        let xml = error_response(
            RDS_NAMESPACE,
            Fault::Sender,
            "Throttling",
            "Rate exceeded",
            "r1",
        );
        assert_eq!(
            xml,
            "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type>\
             <Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r1</RequestId>\
             </ErrorResponse>"
        );
    }
}
