#!/usr/bin/env python3
"""Seed a moto server with the sample DB instances, clusters and snapshots of scripts/sample-fleet.json.

Run with the moto venv's python (boto3 comes with moto):

    .venv-moto/bin/python scripts/seed_moto.py http://127.0.0.1:PORT \
        [--accounts-file accounts.toml] [--expected-file expected.json] [--reset]

Every instance is created THROUGH assumed-role credentials, as the inventory reads them:
sts:AssumeRole on arn:aws:iam::<id>:role/<role_name> with the base keys, then an RDS client
with the returned keys, so moto files the instance under account <id>.
The end-to-end tests seed the same file from Rust (tests/common/moto.rs).
"""

import argparse
import datetime
import json
import os
import sys
import urllib.request
from pathlib import Path

# Never read the user's profiles or reach the instance metadata service.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_CONFIG_FILE"] = "/nonexistent/rds-inventory-seed/config"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/rds-inventory-seed/credentials"
for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(_var, None)

import boto3  # noqa: E402  (imported after the environment is pinned)

BASE_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
FLEET_FILE = Path(__file__).resolve().parent / "sample-fleet.json"


def load_fleet() -> dict:
    with open(FLEET_FILE, encoding="utf-8") as f:
        return json.load(f)


def assumed_session(endpoint: str, role_arn: str) -> boto3.Session:
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", **BASE_KEYS)
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="rds-inventory-seed")["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def seed(endpoint: str, fleet: dict) -> list:
    """Create the sample; return the expected records (the fields the tests compare)."""
    expected = []
    for account in fleet["accounts"]:
        role_arn = f"arn:aws:iam::{account['id']}:role/{fleet['role_name']}"
        session = assumed_session(endpoint, role_arn)
        for region in fleet["regions"]:
            wanted = account["instances"].get(region, [])
            rds = session.client("rds", endpoint_url=endpoint, region_name=region)
            seed_parameter_groups(rds, account.get("parameter_groups", {}).get(region, []))
            for inst in wanted:
                group = {"DBParameterGroupName": inst["parameter_group"]} if "parameter_group" in inst else {}
                rds.create_db_instance(
                    **group,
                    DBInstanceIdentifier=inst["id"],
                    DBInstanceClass="db.t3.micro",
                    Engine=inst["engine"],
                    EngineVersion=inst["engine_version"],  # moto 500s on mariadb without it
                    AllocatedStorage=20,
                    MasterUsername="inventory",
                    MasterUserPassword="not-a-secret-1",
                    PubliclyAccessible=inst["publicly_accessible"],
                    Tags=[{"Key": k, "Value": v} for k, v in inst["tags"].items()],
                )
                expected.append({
                    "account_id": account["id"],
                    "account_name": account["name"],
                    "region": region,
                    "db_instance_identifier": inst["id"],
                    "engine": inst["engine"],
                    "publicly_accessible": inst["publicly_accessible"],
                    "tags": inst["tags"],
                })
            members = seed_clusters(rds, account.get("clusters", {}).get(region, []))
            seed_snapshots(rds, account.get("snapshots", {}).get(region, []))
            seed_retired(rds, account.get("retired", {}).get(region, []))
            cloudwatch = session.client("cloudwatch", endpoint_url=endpoint, region_name=region)
            seed_activity(cloudwatch, account.get("activity", {}).get(region, {}))
            ec2 = session.client("ec2", endpoint_url=endpoint, region_name=region)
            seed_proxies(rds, ec2, account["id"], region, account.get("proxies", {}).get(region, []))
            # Check moto filed them under the assumed account, not its default one.
            listed = rds.describe_db_instances()["DBInstances"]
            wrong = [db["DBInstanceArn"] for db in listed if f":{account['id']}:db:" not in db["DBInstanceArn"]]
            if wrong or len(listed) != len(wanted) + members:
                sys.exit(f"seed: {account['id']}/{region} lists {len(listed)} instances, "
                         f"expected {len(wanted) + members}; foreign: {wrong}")
    return expected


def seed_clusters(rds, clusters: list) -> int:
    """Create the DB clusters of one target and their member instances; return how many."""
    members = 0
    for cluster in clusters:
        optional = {key: cluster[name] for key, name in [
            ("DeletionProtection", "deletion_protection"),
            ("StorageEncrypted", "storage_encrypted"),
            ("BackupRetentionPeriod", "backup_retention_period"),
            ("DBClusterInstanceClass", "db_cluster_instance_class"),
            ("AllocatedStorage", "allocated_storage"),
            ("StorageType", "storage_type"),
            ("Iops", "iops"),
        ] if name in cluster}
        rds.create_db_cluster(
            DBClusterIdentifier=cluster["id"],
            Engine=cluster["engine"],
            EngineVersion=cluster["engine_version"],
            MasterUsername="inventory",
            MasterUserPassword="not-a-secret-1",
            Tags=[{"Key": k, "Value": v} for k, v in cluster["tags"].items()],
            **optional,
        )
        for member in cluster["members"]:
            rds.create_db_instance(
                DBInstanceIdentifier=member["id"],
                DBInstanceClass="db.r6g.large",
                Engine=cluster["engine"],
                DBClusterIdentifier=cluster["id"],
                PubliclyAccessible=member["publicly_accessible"],
            )
            members += 1
    return members


def seed_snapshots(rds, snapshots: list) -> None:
    """Create the manual DB snapshots of one target and share each with its `restore` list
    (`all`: public). moto makes the automated ones itself when it creates an instance."""
    for snapshot in snapshots:
        rds.create_db_snapshot(DBSnapshotIdentifier=snapshot["id"],
                               DBInstanceIdentifier=snapshot["instance"])
        if snapshot["restore"]:
            rds.modify_db_snapshot_attribute(DBSnapshotIdentifier=snapshot["id"],
                                             AttributeName="restore",
                                             ValuesToAdd=snapshot["restore"])


def seed_retired(rds, retired: list) -> None:
    """Create and delete the instances of `retired`, keeping their automated backups: what
    `--kind automated-backups` lists as `retained`, with `source_exists` false."""
    for inst in retired:
        rds.create_db_instance(
            DBInstanceIdentifier=inst["id"], DBInstanceClass="db.t3.micro",
            Engine=inst["engine"], EngineVersion=inst["engine_version"], AllocatedStorage=20,
            MasterUsername="inventory", MasterUserPassword="not-a-secret-1",
            BackupRetentionPeriod=7)
        rds.delete_db_instance(DBInstanceIdentifier=inst["id"], SkipFinalSnapshot=True,
                               DeleteAutomatedBackups=False)


def seed_parameter_groups(rds, groups: list) -> None:
    """Create custom DB parameter groups with their user-set parameters (before the instances
    that name them)."""
    for group in groups:
        rds.create_db_parameter_group(DBParameterGroupName=group["name"],
                                      DBParameterGroupFamily=group["family"],
                                      Description="rds-inventory demo")
        rds.modify_db_parameter_group(DBParameterGroupName=group["name"], Parameters=[
            {"ParameterName": name, "ParameterValue": value, "ApplyMethod": "immediate"}
            for name, value in group["parameters"].items()])


# Daily AWS/RDS points of an instance by its activity: metric -> value on day d (days ago).
ACTIVITY = {
    "idle": {"DatabaseConnections": lambda d: 0, "CPUUtilization": lambda d: 1.5,
             "ReadIOPS": lambda d: 0.2, "WriteIOPS": lambda d: 0.8,
             "FreeStorageSpace": lambda d: 18e9},
    "busy": {"DatabaseConnections": lambda d: 20 + d % 7 * 5, "CPUUtilization": lambda d: 35 + d % 4 * 5,
             "ReadIOPS": lambda d: 120 + d * 3, "WriteIOPS": lambda d: 60 + d * 2,
             "FreeStorageSpace": lambda d: 12e9 - d * 1e8},
}


def seed_activity(cloudwatch, activity: dict) -> None:
    """Put 15 days of daily AWS/RDS points (noon UTC, today included) for each instance named,
    as CloudWatch would hold them: what `--with utilization` reads back."""
    today = datetime.datetime.now(datetime.timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
    for instance, kind in activity.items():
        cloudwatch.put_metric_data(Namespace="AWS/RDS", MetricData=[
            {"MetricName": metric, "Value": float(value(d)),
             "Timestamp": today - datetime.timedelta(days=d),
             "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": instance}]}
            for d in range(15) for metric, value in ACTIVITY[kind].items()])


def seed_proxies(rds, ec2, account_id: str, region: str, proxies: list) -> None:
    """Create the RDS proxies of one target in a VPC of two subnets (a proxy needs them)."""
    if not proxies:
        return
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24",
                                 AvailabilityZone=f"{region}{zone}")["Subnet"]["SubnetId"]
               for i, zone in [(1, "a"), (2, "b")]]
    for proxy in proxies:
        rds.create_db_proxy(
            DBProxyName=proxy["name"], EngineFamily=proxy["engine_family"],
            RequireTLS=proxy["require_tls"], VpcSubnetIds=subnets,
            RoleArn=f"arn:aws:iam::{account_id}:role/rds-proxy",
            Auth=[{"AuthScheme": "SECRETS", "IAMAuth": "DISABLED",
                   "SecretArn": f"arn:aws:secretsmanager:{region}:{account_id}:secret:{proxy['name']}"}])


def accounts_toml(fleet: dict) -> str:
    lines = [
        "# The sample accounts seeded into moto by scripts/seed_moto.py",
        "regions = [" + ", ".join(f'"{r}"' for r in fleet["regions"]) + "]",
        f'role_name = "{fleet["role_name"]}"',
        'session_name = "rds-inventory"',
        'session_duration = "1h"',
    ]
    for account in fleet["accounts"]:
        lines += ["", "[[accounts]]", f'id = "{account["id"]}"', f'name = "{account["name"]}"']
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint", help="moto URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--accounts-file", help="also write a matching accounts.toml here")
    parser.add_argument("--expected-file", help="write the expected records (JSON) here")
    parser.add_argument("--reset", action="store_true", help="reset moto's state first")
    args = parser.parse_args()

    endpoint = args.endpoint.rstrip("/")
    host = endpoint.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
    if host not in ("127.0.0.1", "localhost", "[::1]"):
        sys.exit(f"seed: refusing non-local endpoint {endpoint}")
    if args.reset:
        urllib.request.urlopen(urllib.request.Request(endpoint + "/moto-api/reset", method="POST"))

    fleet = load_fleet()
    expected = seed(endpoint, fleet)
    if args.accounts_file:
        Path(args.accounts_file).write_text(accounts_toml(fleet), encoding="utf-8")
    if args.expected_file:
        Path(args.expected_file).write_text(
            json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    targets = {(e["account_id"], e["region"]) for e in expected}
    print(f"seeded {len(expected)} DB instances in {len(targets)} of "
          f"{len(fleet['accounts']) * len(fleet['regions'])} account/region pairs", file=sys.stderr)


if __name__ == "__main__":
    main()
