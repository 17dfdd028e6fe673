#!/usr/bin/env bash
# See rds-inventory work, with no AWS account: a local moto server plays three accounts in two
# regions, the tool inventories them through sts:AssumeRole, and the output is shown as NDJSON,
# CSV and a summary. Nothing leaves 127.0.0.1; your AWS profiles are never read.
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
echo "--- accounts file ($WORK/accounts.toml):"
cat "$WORK/accounts.toml"

# The tool gets only base keys allowed to call sts:AssumeRole, and nothing else from the caller's
# AWS environment: no profile, no config file, no instance metadata.
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
        "$BIN" --endpoint-url "$MOTO_URL" -c "$WORK/accounts.toml" "$@"
}

step "rds-inventory plan: the targets, without calling RDS (--check assumes each role once)"
inventory plan --check | head -n 8

step "rds-inventory -f table (for people; the progress bar shows only on a terminal)"
inventory --quiet -f table

step "DB clusters: rds-inventory --kind clusters -f table"
inventory --quiet --kind clusters -f table

step "Aurora instance rows: AWS's own values beside the ones the cluster enforces (effective_*)"
inventory --quiet -f table -a prod -r us-east-1 --columns \
    db_instance_identifier,db_cluster_identifier,cluster_role,deletion_protection,effective_deletion_protection,backup_retention_period,effective_backup_retention_period,storage_encrypted,effective_storage_encrypted

step "DB snapshots and who can restore each: rds-inventory --kind snapshots -f table (moto makes the automated ones)"
# Only manual snapshots can be shared; moto also makes automated ones of the Aurora cluster's
# member instances, which AWS does not (their backups are cluster snapshots).
inventory --quiet --kind snapshots -f table --columns \
    account_name,region,db_snapshot_identifier,snapshot_type,db_instance_identifier,shared_publicly,shared_with_accounts,shared_with_outside_accounts

step "every kind in one run, one file each: rds-inventory --kind all -o '{kind}.ndjson'"
status=0
inventory --quiet --kind all -o "$WORK/{kind}.ndjson" || status=$?
echo "exit code: $status; $(wc -l <"$WORK/instances.ndjson") instances, $(wc -l <"$WORK/clusters.ndjson") clusters, $(wc -l <"$WORK/snapshots.ndjson") DB snapshots, $(wc -l <"$WORK/cluster-snapshots.ndjson") cluster snapshots" >&2

step "rds-inventory (NDJSON, the default): first 3 of the lines"
echo "\$ rds-inventory --endpoint-url $MOTO_URL -c accounts.toml > inventory.ndjson" >&2
status=0
inventory >"$WORK/inventory.ndjson" || status=$?
echo "exit code: $status (0 = every account/region listed)" >&2
head -n 3 "$WORK/inventory.ndjson"

step "rds-inventory -f csv -o inventory.csv --summary summary.json (first rows; note the quoted multi-line tag)"
status=0
inventory --quiet -f csv -o "$WORK/inventory.csv" --summary "$WORK/summary.json" || status=$?
echo "exit code: $status" >&2
head -n 8 "$WORK/inventory.csv"
echo "--- summary.json (targets and AssumeRole calls):" >&2
"$VENV_PYTHON" -c 'import json,sys; s=json.load(open(sys.argv[1])); print(json.dumps({k: s[k] for k in ("status", "targets", "instances", "assume_role_calls", "instances_by_engine")}))' "$WORK/summary.json"

step "summary (computed from the NDJSON)"
"$VENV_PYTHON" - "$WORK/inventory.ndjson" <<'PY'
import collections, json, sys
records = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
by_target = collections.Counter((r["account_name"], r["account_id"], r["region"]) for r in records)
print(f"{len(records)} DB instances in {len(by_target)} account/region pairs")
for (name, account, region), n in sorted(by_target.items()):
    print(f"  {name:<10} {account}  {region:<10} {n}")
engines = collections.Counter(r["engine"] for r in records)
print("engines:", ", ".join(f"{e} {n}" for e, n in sorted(engines.items())))
public = sorted(f'{r["account_name"]}/{r["region"]}/{r["db_instance_identifier"]}'
                for r in records if r["publicly_accessible"])
print(f"publicly accessible ({len(public)}):", ", ".join(public))
unprotected = sorted(f'{r["account_name"]}/{r["region"]}/{r["db_instance_identifier"]}'
                     for r in records
                     if r["publicly_accessible"] and r["effective_deletion_protection"] is not True)
print(f"publicly accessible without deletion protection in force ({len(unprotected)}):",
      ", ".join(unprotected))
PY

step "done; moto stops now"
