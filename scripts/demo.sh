#!/usr/bin/env bash
# See rds-inventory work, with no AWS account: a local moto server plays three accounts in two
# regions, the tool inventories them through sts:AssumeRole, and each kind is shown as a short
# table of a few chosen fields (--columns), whether TLS is enforced, what sits idle, reservations
# ending soon (from fake-aws: moto has none), then every kind in one run, the summary file and a
# question answered from the NDJSON. About 100 lines in all. Nothing leaves 127.0.0.1; your AWS
# profiles are never read.
#
#     scripts/demo.sh    # from any directory; the first run installs moto and builds the tool
#                        # (the same build scripts/test.sh uses), a few minutes on 2 cores
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

if [[ -t 2 ]]; then
    step() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
else
    step() { printf '\n==> %s\n' "$*" >&2; }
fi

if [[ $# -ne 0 ]]; then
    echo "usage: scripts/demo.sh" >&2
    exit 2
fi

# moto installs (network, pip) while cargo compiles (CPU): the two overlap.
SETUP_LOG="$(mktemp "${TMPDIR:-/tmp}/rds-inventory-setup-moto.XXXXXX")"
scripts/setup-moto.sh >"$SETUP_LOG.out" 2>"$SETUP_LOG" &
SETUP_PID=$!
trap 'kill "$SETUP_PID" 2>/dev/null; rm -f "$SETUP_LOG" "$SETUP_LOG.out"' EXIT

# The dev profile and the whole workspace, exactly what `cargo test --workspace` compiles:
# building the fake-aws member too gives its dependencies (hyper's server side) the same
# features as in the test build, so scripts/test.sh reuses every compiled dependency.
step "building rds-inventory (the build scripts/test.sh reuses)"
cargo build --workspace --bins --locked --quiet
BIN="${CARGO_TARGET_DIR:-$REPO_ROOT/target}/debug/rds-inventory"

step "installing moto (pinned) if needed"
if ! wait "$SETUP_PID"; then
    cat "$SETUP_LOG" >&2
    rm -f "$SETUP_LOG" "$SETUP_LOG.out"
    echo "demo: installing moto failed (log above)" >&2
    exit 1
fi
cat "$SETUP_LOG" >&2
MOTO_SERVER="$(cat "$SETUP_LOG.out")"
rm -f "$SETUP_LOG" "$SETUP_LOG.out"
trap - EXIT
VENV_PYTHON="$(dirname "$MOTO_SERVER")/python"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/rds-inventory-demo.XXXXXX")"
MOTO_LOG="$WORK/moto.log"
# shellcheck source=scripts/moto.sh
source scripts/moto.sh
cleanup() {
    moto_stop
    rm -rf "$WORK"
}

step "starting moto on 127.0.0.1"
moto_start
trap cleanup EXIT
echo "moto at $MOTO_URL" >&2

step "seeding 3 accounts x 2 regions through assumed roles"
"$VENV_PYTHON" scripts/seed_moto.py "$MOTO_URL" --accounts-file "$WORK/accounts.toml"
echo "accounts file: $(grep -c '^\[\[accounts\]\]' "$WORK/accounts.toml") accounts, $(grep '^regions' "$WORK/accounts.toml")"

# The tool gets only base keys allowed to call sts:AssumeRole, and nothing else from the caller's
# AWS environment: no profile, no config file, no instance metadata. ENDPOINT and ACCOUNTS aim
# it elsewhere than moto and the sample accounts (the reservations step).
inventory() {
    local var
    local -a unset_args=()
    for var in $(compgen -e); do
        case "$var" in AWS_*|RDS_INVENTORY_*) unset_args+=(-u "$var") ;; esac
    done
    env "${unset_args[@]}" \
        AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
        AWS_EC2_METADATA_DISABLED=true \
        AWS_CONFIG_FILE=/nonexistent/rds-inventory-demo/config \
        AWS_SHARED_CREDENTIALS_FILE=/nonexistent/rds-inventory-demo/credentials \
        NO_PROXY=127.0.0.1,localhost \
        "$BIN" --endpoint-url "${ENDPOINT:-$MOTO_URL}" -c "${ACCOUNTS:-$WORK/accounts.toml}" "$@"
}

# NDJSON on stdin -> a table of the fields named `field=HEADER`, the same short headers for every
# kind; `--only field=value` keeps matching records, and says how many others were left out.
show() {
    "$VENV_PYTHON" -c '
import json, sys
only, columns = None, []
for arg in sys.argv[1:]:
    if arg.startswith("--only="):
        only = arg[len("--only="):].split("=", 1)
    else:
        columns.append(arg.split("=", 1))
def cell(v):
    if v is None or v == []: return "-"
    if isinstance(v, bool): return "yes" if v else "no"
    if isinstance(v, list): return ",".join(map(str, v))
    return str(v)
records = [json.loads(l) for l in sys.stdin if l.strip()]
kept = [r for r in records if only is None or cell(r.get(only[0])) == only[1]]
rows = [[h for _, h in columns]] + [[cell(r.get(f)) for f, _ in columns] for r in kept]
widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
for row in rows:
    print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
if len(kept) < len(records):
    print(f"({len(records) - len(kept)} more with {only[0]} other than {only[1]}: not shown)")
' "$@"
}

step "rds-inventory plan --check: the targets, each role assumed once, no RDS call"
inventory plan --check | show account_name=ACCOUNT region=REGION role_arn=ROLE kinds=KINDS

step "instances (the default kind): rds-inventory --columns ..."
echo "DEL-PROTECT is the deletion protection in force: an Aurora member's comes from its cluster"
inventory --quiet --columns account_name,region,db_instance_identifier,engine,engine_version,publicly_accessible,effective_deletion_protection |
    show account_name=ACCOUNT region=REGION db_instance_identifier=IDENTIFIER engine=ENGINE \
        engine_version=VERSION publicly_accessible=PUBLIC effective_deletion_protection=DEL-PROTECT

step "DB clusters: rds-inventory --kind clusters --columns ..."
inventory --quiet --kind clusters --columns account_name,region,db_cluster_identifier,engine,engine_version,deletion_protection,backup_retention_period |
    show account_name=ACCOUNT region=REGION db_cluster_identifier=IDENTIFIER engine=ENGINE \
        engine_version=VERSION deletion_protection=DEL-PROTECT backup_retention_period=BACKUP-DAYS

step "manual DB snapshots and who can restore them: rds-inventory --kind snapshots --columns ..."
inventory --quiet --kind snapshots --columns account_name,region,db_snapshot_identifier,snapshot_type,shared_publicly,shared_with_accounts,shared_with_outside_accounts |
    show --only=snapshot_type=manual account_name=ACCOUNT region=REGION \
        db_snapshot_identifier=IDENTIFIER shared_publicly=PUBLIC \
        shared_with_accounts=SHARED-WITH shared_with_outside_accounts=OUTSIDE

step "DB cluster snapshots: rds-inventory --kind cluster-snapshots --columns ..."
inventory --quiet --kind cluster-snapshots --columns account_name,region,db_cluster_snapshot_identifier,snapshot_type,shared_publicly,shared_with_outside_accounts |
    show account_name=ACCOUNT region=REGION db_cluster_snapshot_identifier=IDENTIFIER \
        snapshot_type=TYPE shared_publicly=PUBLIC shared_with_outside_accounts=OUTSIDE

step "retained backups of deleted instances (storage still billed): --kind automated-backups"
inventory --quiet --kind instances,automated-backups -o "$WORK/{kind}.ndjson"
show --only=status=retained account_name=ACCOUNT region=REGION db_instance_identifier=INSTANCE \
    status=STATUS source_exists=INSTANCE-EXISTS allocated_storage=GIB <"$WORK/automated-backups.ndjson"

step "RDS proxies and whether they refuse plaintext clients: --kind proxies"
inventory --quiet --kind proxies --columns account_name,region,db_proxy_name,engine_family,require_tls |
    show account_name=ACCOUNT region=REGION db_proxy_name=PROXY engine_family=ENGINE require_tls=TLS-REQUIRED

step "is encryption in transit enforced? --with parameters (prod, us-east-1)"
echo "from each instance's parameter group; moto serves no engine defaults, so a default group's value is unknown, with the reason"
inventory --quiet --account prod --region us-east-1 --with parameters --columns db_instance_identifier,engine,publicly_accessible,tls_required,tls_required_parameter,tls_required_value,tls_required_source,tls_required_reason |
    show db_instance_identifier=IDENTIFIER engine=ENGINE publicly_accessible=PUBLIC tls_required=TLS-REQUIRED \
        tls_required_parameter=PARAMETER tls_required_value=VALUE tls_required_source=SOURCE tls_required_reason=WHY-UNKNOWN

step "what sits idle? --with utilization (the 14 whole days before today, from CloudWatch)"
echo "IDLE: a point every day and no connection on any; unknown without 14 days of points (the Aurora members have none here)"
inventory --quiet --account prod --region us-east-1 --with utilization --columns db_instance_identifier,idle,connections_max,cpu_avg_percent,utilization_datapoints |
    show db_instance_identifier=IDENTIFIER idle=IDLE connections_max=MAX-CONNECTIONS cpu_avg_percent=CPU-AVG-% utilization_datapoints=DAYS-WITH-POINTS

step "reserved DB instances, and which end soon: --kind reservations (against fake-aws: moto has none)"
FAKE_OUT="$WORK/fake-aws.out"
: >"$FAKE_OUT"
"$(dirname "$BIN")/fake-aws" --accounts 1 --regions us-east-1 --instances 0 --reserved-instances 4 --seed 6 >"$FAKE_OUT" 2>&1 &
FAKE_PID=$!
trap 'kill "$FAKE_PID" 2>/dev/null || true; cleanup' EXIT
until grep -q '^listening on ' "$FAKE_OUT"; do
    kill -0 "$FAKE_PID" 2>/dev/null || { cat "$FAKE_OUT" >&2; exit 1; }
    sleep 0.1
done
printf 'regions = ["us-east-1"]\n[[accounts]]\nid = "100000000000"\nname = "fake"\n' >"$WORK/fake-accounts.toml"
ENDPOINT="$(sed -n 's/^listening on //p' "$FAKE_OUT")" ACCOUNTS="$WORK/fake-accounts.toml" inventory --quiet \
    --kind reservations --columns reserved_db_instance_id,db_instance_class,product_description,state,ends_at,days_left,active |
    show reserved_db_instance_id=RESERVATION db_instance_class=CLASS product_description=ENGINE state=STATE \
        ends_at=ENDS days_left=DAYS-LEFT active=ACTIVE
echo "active with under 30 days left: counted in the summary and as rds_inventory_reservations_ending_within_30_days"
kill "$FAKE_PID" 2>/dev/null || true
wait "$FAKE_PID" 2>/dev/null || true
trap cleanup EXIT

# moto has no DescribeDBClusterAutomatedBackups nor DescribeReservedDBInstances: every other
# kind (`rds-inventory kinds`).
step "every kind in one run, one NDJSON file each: rds-inventory --kind ... -o '{kind}.ndjson'"
status=0
inventory --quiet --kind instances,clusters,snapshots,cluster-snapshots,automated-backups,proxies,blue-green-deployments,global-clusters,parameter-groups,cluster-parameter-groups \
    -o "$WORK/{kind}.ndjson" --summary "$WORK/summary.json" || status=$?
counts=""
for kind in instances clusters snapshots cluster-snapshots automated-backups proxies blue-green-deployments global-clusters parameter-groups cluster-parameter-groups; do
    counts+="${counts:+, }$(wc -l <"$WORK/$kind.ndjson") $kind"
done
echo "exit code $status; $counts"
"$VENV_PYTHON" -c 'import json,sys; s=json.load(open(sys.argv[1])); print("summary.json:", json.dumps({k: s[k] for k in ("status", "targets", "assume_role_calls")}, separators=(",", ":")))' "$WORK/summary.json"

step "a question for the NDJSON: public instances without deletion protection in force"
"$VENV_PYTHON" - "$WORK/instances.ndjson" <<'PY'
import json, sys, textwrap
records = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
risky = sorted(f'{r["account_name"]}/{r["region"]}/{r["db_instance_identifier"]}' for r in records
               if r["publicly_accessible"] and r["effective_deletion_protection"] is not True)
print(f"{len(risky)} of {len(records)} instances:")
print(textwrap.fill(", ".join(risky), width=96, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False))
PY
echo "(the same with jq: docs/output.md#everyday-questions-with-jq)"

step "done; moto stops now"
