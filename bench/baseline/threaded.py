#!/usr/bin/env python3
"""The strongest plain-boto3 peer: the seed pattern's credentials (one botocore
RefreshableCredentials per account, shared by all its regions, created once under a lock on
first use) with a thread pool over (account, region) targets. One botocore session for the
process, so the RDS service model is loaded once; clients are created from it under a lock
(botocore sessions are not thread-safe, clients are), one per target, signed with its account's
refreshable credentials; pages are written as NDJSON by a single lock-protected writer as they
arrive. (A first version kept one session per thread: 32 copies of the service model, 515 MiB
peak RSS, first row after 7.6 s.)

usage: threaded.py ACCOUNTS.toml ENDPOINT_URL [WORKERS] > out.ndjson   (WORKERS default 32)
Prints `threaded: N instances; N AssumeRole calls; N s` on stderr.
"""
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore.credentials
from botocore.config import Config
from botocore.session import get_session

sys.path.insert(0, os.path.dirname(__file__))
from common import load_accounts, record  # noqa: E402

started = time.monotonic()
accounts, regions = load_accounts(sys.argv[1])
endpoint_url = sys.argv[2]
workers = int(sys.argv[3]) if len(sys.argv) > 3 else 32

base = boto3.session.Session()
sts = base.client("sts", endpoint_url=endpoint_url)  # botocore clients are thread-safe
counter_lock = threading.Lock()
assume_role_calls = 0
instances = 0
out_lock = threading.Lock()
out = sys.stdout

account_locks = {a["id"]: threading.Lock() for a in accounts}
account_credentials = {}
session = get_session()
session_lock = threading.Lock()


def refresher(role_arn):
    def refresh():
        global assume_role_calls
        with counter_lock:
            assume_role_calls += 1
        c = sts.assume_role(
            RoleArn=role_arn, RoleSessionName="threaded", DurationSeconds=3600
        )["Credentials"]
        return {
            "access_key": c["AccessKeyId"],
            "secret_key": c["SecretAccessKey"],
            "token": c["SessionToken"],
            "expiry_time": c["Expiration"].isoformat(),
        }

    return refresh


def credentials_for(account_id):
    with account_locks[account_id]:
        creds = account_credentials.get(account_id)
        if creds is None:
            refresh = refresher(f"arn:aws:iam::{account_id}:role/InventoryReadOnly")
            creds = botocore.credentials.RefreshableCredentials.create_from_metadata(
                metadata=refresh(), refresh_using=refresh, method="sts-assume-role"
            )
            account_credentials[account_id] = creds
        return creds


def list_target(target):
    global instances
    account, region = target
    credentials = credentials_for(account["id"])
    with session_lock:
        # create_client captures the credentials object the session holds at that moment.
        session._credentials = credentials
        rds = session.create_client(
            "rds",
            region_name=region,
            endpoint_url=endpoint_url,
            config=Config(retries={"mode": "standard", "max_attempts": 8}),
        )
    count = 0
    for page in rds.get_paginator("describe_db_instances").paginate(MaxRecords=100):
        lines = "".join(
            json.dumps(record(account["id"], account["name"], region, db)) + "\n"
            for db in page["DBInstances"]
        )
        with out_lock:
            out.write(lines)
        count += len(page["DBInstances"])
    with counter_lock:
        instances += count


targets = [(a, r) for a in accounts for r in (a.get("regions") or regions)]
with ThreadPoolExecutor(max_workers=workers) as pool:
    for _ in pool.map(list_target, targets):
        pass
out.flush()
print(
    f"threaded: {instances} instances; {assume_role_calls} AssumeRole calls; "
    f"{time.monotonic() - started:.1f} s",
    file=sys.stderr,
)
