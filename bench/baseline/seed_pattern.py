#!/usr/bin/env python3
"""The seeds' approach, faithfully: sequential loops over accounts then regions, one botocore
RefreshableCredentials per account (AssumeRole through a fresh `boto3.client('sts')`, as in the
blog's refresh_external_credentials) shared by that account's regions, a new botocore session +
boto3 Session + RDS client per region, and describe_db_instances paged with the paginator.

Only three deviations from the blog, all needed to benchmark it: the endpoint URL (the fake),
the account list (from the accounts file the Rust tool reads), and writing each instance out as
one NDJSON line with the same fields as rds-inventory (the blog's "# ..."), so every contender
does the same work. Base credentials come from the environment, as `setup_default_session`
would resolve them.

usage: seed_pattern.py ACCOUNTS.toml ENDPOINT_URL > out.ndjson
Prints `seed_pattern: N instances; N AssumeRole calls; N s` on stderr.
"""
import json
import sys
import time

import boto3
import botocore
import botocore.credentials
from botocore.session import get_session

sys.path.insert(0, __import__("os").path.dirname(__file__))
from common import load_accounts, record  # noqa: E402

started = time.monotonic()
accounts, regions = load_accounts(sys.argv[1])
endpoint_url = sys.argv[2]
out = sys.stdout
assume_role_calls = 0
instances = 0

boto3.setup_default_session()

roleArn = ""


def refresh_external_credentials():
    global assume_role_calls
    assume_role_calls += 1
    # Assume role, get details
    client = boto3.client("sts", endpoint_url=endpoint_url)
    credentials = client.assume_role(
        RoleArn=roleArn, RoleSessionName="thisNameMattersNot", DurationSeconds=3600
    ).get("Credentials")
    return {
        "access_key": credentials.get("AccessKeyId"),
        "secret_key": credentials.get("SecretAccessKey"),
        "token": credentials.get("SessionToken"),
        "expiry_time": credentials.get("Expiration").isoformat(),
    }


for account in accounts:
    id = account.get("id")
    accountName = account.get("name")
    roleArn = "arn:aws:iam::" + str(id) + ":role/InventoryReadOnly"

    credentials = botocore.credentials.RefreshableCredentials.create_from_metadata(
        metadata=refresh_external_credentials(),
        refresh_using=refresh_external_credentials,
        method="sts-assume-role",
    )

    for region in account.get("regions") or regions:
        session = get_session()
        session._credentials = credentials
        session.set_config_variable("region", region)
        autorefresh_session = boto3.session.Session(botocore_session=session)

        rds = autorefresh_session.client("rds", endpoint_url=endpoint_url)
        for page in rds.get_paginator("describe_db_instances").paginate():
            for db in page["DBInstances"]:
                out.write(json.dumps(record(id, accountName, region, db)))
                out.write("\n")
                instances += 1

out.flush()
print(
    f"seed_pattern: {instances} instances; {assume_role_calls} AssumeRole calls; "
    f"{time.monotonic() - started:.1f} s",
    file=sys.stderr,
)
