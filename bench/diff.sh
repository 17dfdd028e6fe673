#!/usr/bin/env bash
# Benchmark for `rds-inventory diff`: two NDJSON inventories of N records shaped like the
# tool's (about 45 fields, nested objects and arrays), NEW with 1 % of records changed and, as
# in real nightly runs, every record's latest_restorable_time and certificate_days_left moved
# on and the targets in another order. Runs the release binary under /usr/bin/time -v and
# prints wall time and peak RSS for three scenarios:
#   own     OLD and NEW as the tool writes them (compact, UTF-8 as is)
#   python  OLD and NEW as Python's json.dumps writes them by default (", " and ": ", \u
#           escapes for everything not ASCII)
#   mixed   OLD as the tool writes it, NEW as json.dumps does (two tools mixed)
# The records are the same in every scenario, so each should find the same changes.
#
#   bench/diff.sh               # 200,000 records, 1 % changed, 3 runs of each scenario
#   bench/diff.sh --records 50000 --runs 1 --scenarios own,mixed
#   bench/diff.sh --no-build    # use target/release/rds-inventory as it is
#   bench/diff.sh --bin /tmp/diff-before/target/release/rds-inventory   # another binary
#
# Needs bash, python3 and GNU time; the files go to ${TMPDIR:-/tmp}/rds-diff-bench and are kept
# (regenerated only when the parameters change).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RECORDS=200000
CHANGED_PERCENT=1
RUNS=3
BUILD=1
BIN=target/release/rds-inventory
SCENARIOS=own,python,mixed
while [ $# -gt 0 ]; do
    case "$1" in
        --records) RECORDS="$2"; shift 2 ;;
        --changed-percent) CHANGED_PERCENT="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --bin) BIN="$2"; BUILD=0; shift 2 ;;
        --scenarios) SCENARIOS="$2"; shift 2 ;;
        *) echo "usage: $0 [--records N] [--changed-percent P] [--runs N] [--no-build] [--bin PATH] [--scenarios own,python,mixed]" >&2; exit 2 ;;
    esac
done

DIR="${TMPDIR:-/tmp}/rds-diff-bench"
mkdir -p "$DIR"
STAMP="$DIR/params"
# Bump when the generated files change shape, so old files are not reused.
SHAPE=2
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$RECORDS $CHANGED_PERCENT $SHAPE" ]; then
    echo "bench: generating $RECORDS records, $CHANGED_PERCENT % changed, in $DIR" >&2
    python3 - "$DIR" "$RECORDS" "$CHANGED_PERCENT" <<'PY'
import json, random, sys

out_dir, total, percent = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rng = random.Random(7)
REGIONS = ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2"]
# Tag values people type: accents, other scripts, an emoji (a surrogate pair once \u-escaped).
OWNERS = ["Zoë Martin", "José Núñez", "Łukasz Wróbel", "Søren Ødegård", "田中 太郎", "ops 🚀"]
ENGINES = [("postgres", "16.3"), ("mysql", "8.0.36"), ("aurora-postgresql", "15.4"), ("mariadb", "10.11.6")]
PER_TARGET = 500

def record(i):
    target, n = divmod(i, PER_TARGET)
    account = f"{100000000000 + target // len(REGIONS):012d}"
    region = REGIONS[target % len(REGIONS)]
    ident = f"db-{n:05d}-{rng.choice(['orders', 'users', 'billing', 'events'])}"
    engine, version = rng.choice(ENGINES)
    rid = f"db-{rng.getrandbits(130):033X}"[:29]
    az = region + rng.choice("abc")
    return {
        "account_id": account, "account_name": f"team-{target // len(REGIONS)}", "region": region,
        "db_instance_identifier": ident,
        "db_instance_arn": f"arn:aws:rds:{region}:{account}:db:{ident}",
        "dbi_resource_id": rid, "db_instance_class": rng.choice(["db.t3.micro", "db.r6g.large", "db.m6i.xlarge"]),
        "engine": engine, "engine_version": version, "db_instance_status": "available",
        "endpoint_address": f"{ident}.c{target:05d}.{region}.rds.amazonaws.com",
        "endpoint_port": 5432 if "postgres" in engine else 3306,
        "allocated_storage": rng.choice([20, 100, 500, 1000]), "max_allocated_storage": 2000,
        "storage_type": "gp3", "iops": 3000, "storage_throughput": 125, "storage_encrypted": True,
        "kms_key_id": f"arn:aws:kms:{region}:{account}:key/{rng.getrandbits(128):032x}",
        "multi_az": rng.random() < 0.3, "availability_zone": az, "secondary_availability_zone": None,
        "publicly_accessible": rng.random() < 0.02, "deletion_protection": rng.random() < 0.8,
        "db_subnet_group": f"subnets-{target}", "vpc_id": f"vpc-{rng.getrandbits(64):017x}",
        "db_cluster_identifier": None, "instance_create_time": "2023-05-04T10:11:12Z",
        "master_username": "admin", "db_name": "app", "backup_retention_period": 7,
        "preferred_backup_window": "02:00-03:00", "preferred_maintenance_window": "sun:04:00-sun:05:00",
        "latest_restorable_time": "2024-06-01T01:55:00Z", "auto_minor_version_upgrade": True,
        "license_model": "postgresql-license" if "postgres" in engine else "general-public-license",
        "ca_certificate_identifier": "rds-ca-rsa2048-g1",
        "certificate_details": {"ca_identifier": "rds-ca-rsa2048-g1", "valid_till": "2025-06-01T00:00:00Z"},
        "certificate_days_left": 365, "performance_insights_enabled": rng.random() < 0.5,
        "iam_database_authentication_enabled": False, "copy_tags_to_snapshot": True,
        "monitoring_interval": 60, "network_type": "IPV4",
        "vpc_security_groups": [{"vpc_security_group_id": f"sg-{rng.getrandbits(64):017x}", "status": "active"}],
        "db_parameter_groups": [{"db_parameter_group_name": f"default.{engine}", "parameter_apply_status": "in-sync"}],
        "enabled_cloudwatch_logs_exports": ["postgresql"] if "postgres" in engine else ["error", "slowquery"],
        "pending_modified_values": {},
        "tags": {"owner": f"team-{target % 17}", "env": rng.choice(["prod", "staging"]),
                 "cost-center": f"cc-{rng.randrange(1000)}", "app": ident.split("-")[-1],
                 "contact": rng.choice(OWNERS)},
    }

def changed(r):
    r = dict(r)
    kind = rng.randrange(3)
    if kind == 0:
        r["engine_version"] += ".1"
    elif kind == 1:
        r["tags"] = dict(r["tags"], owner="someone-else")
    else:
        r["deletion_protection"] = not r["deletion_protection"]
    return r

# The tool's own format (serde_json's compact output) and json.dumps' default one.
def own(r):
    return json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n"

def python(r):
    return json.dumps(r) + "\n"

def write(name, records):
    with open(f"{out_dir}/{name}.ndjson", "w", encoding="utf-8") as f_own, \
            open(f"{out_dir}/{name}.py.ndjson", "w", encoding="utf-8") as f_py:
        for r in records:
            f_own.write(own(r))
            f_py.write(python(r))

old = [record(i) for i in range(total)]
changed_ids = set(rng.sample(range(total), int(total * percent / 100)))
write("old", old)
# NEW: the same targets in another order, every record's clock-driven fields moved on.
targets = list(range(0, total, PER_TARGET))
rng.shuffle(targets)

def new_records():
    for start in targets:
        for i in range(start, min(start + PER_TARGET, total)):
            r = changed(old[i]) if i in changed_ids else dict(old[i])
            r["latest_restorable_time"] = "2024-06-02T01:55:00Z"
            r["certificate_days_left"] = 364
            yield r

write("new", new_records())
PY
    echo "$RECORDS $CHANGED_PERCENT $SHAPE" > "$STAMP"
fi

if [ "$BUILD" = 1 ]; then
    echo "bench: cargo build --release" >&2
    cargo build --release --bin rds-inventory >&2
fi
[ -x "$BIN" ] || { echo "bench: $BIN not built" >&2; exit 1; }

ls -l "$DIR"/*.ndjson | grep -v changes | awk '{printf "bench: %s %.0f MiB\n", $NF, $5/1048576}' >&2
# The machine may be shared: CPU time and the share of a core the run got tell how much of the
# wall time was spent waiting for a core.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "| scenario | run | wall s | CPU s (user+sys) | CPU share | peak RSS MiB | changes | exit |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for scenario in ${SCENARIOS//,/ }; do
    case "$scenario" in
        own) files=("$DIR/old.ndjson" "$DIR/new.ndjson") ;;
        python) files=("$DIR/old.py.ndjson" "$DIR/new.py.ndjson") ;;
        mixed) files=("$DIR/old.ndjson" "$DIR/new.py.ndjson") ;;
        *) echo "bench: unknown scenario $scenario (own, python, mixed)" >&2; exit 2 ;;
    esac
    for run in $(seq 1 "$RUNS"); do
        set +e
        /usr/bin/time -v "$BIN" diff "${files[@]}" > "$DIR/changes.ndjson" 2> "$DIR/time.txt"
        code=$?
        set -e
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s}' "$DIR/time.txt")
        rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$DIR/time.txt")
        cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$DIR/time.txt")
        share=$(awk -F': ' '/Percent of CPU/ {print $2}' "$DIR/time.txt")
        echo "| $scenario | $run | $wall | $cpu | $share | $rss | $(wc -l < "$DIR/changes.ndjson") | $code |"
    done
done
