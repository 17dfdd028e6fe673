"""Shared by the boto3 baselines: the accounts file and the output record (same fields and
order as rds-inventory's, see README "Output")."""
import tomllib


def load_accounts(path):
    """(accounts, default regions) from an rds-inventory accounts file."""
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    accounts = [
        {"id": a["id"], "name": a.get("name", a["id"]), "regions": a.get("regions")}
        for a in doc["accounts"]
    ]
    return accounts, doc.get("regions", [])


def record(account_id, account_name, region, db):
    endpoint = db.get("Endpoint") or {}
    subnet = db.get("DBSubnetGroup") or {}
    created = db.get("InstanceCreateTime")
    return {
        "account_id": account_id,
        "account_name": account_name,
        "region": region,
        "db_instance_identifier": db.get("DBInstanceIdentifier"),
        "db_instance_arn": db.get("DBInstanceArn"),
        "dbi_resource_id": db.get("DbiResourceId"),
        "db_instance_class": db.get("DBInstanceClass"),
        "engine": db.get("Engine"),
        "engine_version": db.get("EngineVersion"),
        "db_instance_status": db.get("DBInstanceStatus"),
        "endpoint_address": endpoint.get("Address"),
        "endpoint_port": endpoint.get("Port"),
        "allocated_storage": db.get("AllocatedStorage"),
        "storage_type": db.get("StorageType"),
        "storage_encrypted": db.get("StorageEncrypted"),
        "multi_az": db.get("MultiAZ"),
        "availability_zone": db.get("AvailabilityZone"),
        "publicly_accessible": db.get("PubliclyAccessible"),
        "deletion_protection": db.get("DeletionProtection"),
        "db_subnet_group": subnet.get("DBSubnetGroupName"),
        "vpc_id": subnet.get("VpcId"),
        "db_cluster_identifier": db.get("DBClusterIdentifier"),
        "instance_create_time": created.strftime("%Y-%m-%dT%H:%M:%SZ") if created else None,
        "tags": {t["Key"]: t.get("Value", "") for t in db.get("TagList", []) if "Key" in t},
    }
