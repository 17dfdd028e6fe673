#!/usr/bin/env bash
# Benchmarks for rds-inventory: this tool vs the seeds' boto3 pattern vs threaded boto3
# vs the fan-out lower bound, against the fake endpoint (fake-aws) on 127.0.0.1 only.
#
#   bench/run.sh                 # everything, ~30-40 min on 2 cores (includes a clean build)
#   bench/run.sh --quick         # small sizes, 1 run each, no build: a smoke run of ~2 min
#   bench/run.sh --only 1,2      # some scenarios: 1 fan-out, 2 side by side (+5 first row),
#                                # 3 memory (+4 throughput), 4 profile, 6 scale, 7 clean build
#   bench/run.sh --runs 5 --seed-runs 3
#   bench/run.sh --only 8        # organization scale: 2,000 and 10,000 accounts x 17 regions,
#                                # beside the SDK alone (bench/sdk_call_floor.rs)
#   bench/run.sh --only 9        # callgrind of the per-target path (mostly empty targets)
#   bench/run.sh --only 10 --baseline-tool OLD_BIN --baseline-name 7ac9d76
#                                # instances only, OLD_BIN vs this tree, alternating runs on one
#                                # fake: scenario 2's workload and organization scale
#   bench/run.sh --only 11       # --kind all (nine kinds) at organization scale (fake --clusters 1
#                                # and the registry's kinds from --kinds-fake-args, default
#                                # "--automated-backups 1 --cluster-automated-backups 1 --proxies 1
#                                # --blue-green 1 --global-clusters 1 --awsbackup-snapshots 0";
#                                # sizes --kinds-accounts 2000,10000, --kinds-runs 1, --fake-clusters N)
#   bench/run.sh --only 12       # --kind snapshots at organization scale (fake: ~10 manual snapshots
#                                # in 5 % of targets; sizes --snapshot-accounts 2000,10000)
#   bench/run.sh --only 13       # instances --with price at organization scale, alternating with
#                                # the same run without price (fake --price-list-any; sizes
#                                # --price-accounts 2000,10000; both with --kinds-runs N)
#   bench/run.sh --only 14,15    # instances --with parameters (fake: 3 parameter groups per
#                                # target) and --with utilization (the fake's GetMetricData), each
#                                # alternating with the same run without the join (sizes
#                                # --join-accounts 2000,10000; --kinds-runs N)
#
# The profiles (4, 9) need function names: they run a symbolized copy built into
# target/profiling (strip off, line tables; ~7 min the first time, incremental after) and
# bench.py refuses to profile a binary without a symbol table (--profile-tool PATH).
#   bench/run.sh --tool PATH --name NAME   # measure another rds-inventory binary
#
# Writes the markdown table to stdout and bench/results/latest.md (quick.md for --quick), raw
# numbers and callgrind tables to bench/results/raw/ (ignored by git). Progress goes to stderr.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Nothing may reach a real AWS endpoint or a proxy: static base keys, no config files, no IMDS.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ROLE_ARN \
      AWS_WEB_IDENTITY_TOKEN_FILE http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/nonexistent/rds-bench/config
export AWS_SHARED_CREDENTIALS_FILE=/nonexistent/rds-bench/credentials
export AWS_ACCESS_KEY_ID=AKIDBASE AWS_SECRET_ACCESS_KEY=x AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export NO_PROXY=127.0.0.1,localhost

echo "bench: building release binaries" >&2
cargo build --release -p fake-aws -p rds-inventory --bins --example sdk_call_floor >&2

PYTHON=.venv-moto/bin/python
if ! "$PYTHON" -c 'import boto3' 2>/dev/null; then
    echo "bench: creating .venv-moto (boto3) with scripts/setup-moto.sh" >&2
    scripts/setup-moto.sh >/dev/null
fi

# Snapshot the binaries: other builds in this tree must not swap them mid-run.
BIN_DIR="$(mktemp -d /tmp/rds-bench-bin.XXXXXX)"
trap 'rm -rf "$BIN_DIR"' EXIT
target_dir="$(cargo metadata --format-version 1 --no-deps | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
cp "$target_dir/release/rds-inventory" "$target_dir/release/fake-aws" \
    "$target_dir/release/examples/sdk_call_floor" "$BIN_DIR/"

command="bench/run.sh${*:+ $*}"
# Profiles (4 and 9) run when no --only is given or when --only lists them.
# A candidate given with --tool is profiled itself (with --profile-tool, or refused if stripped).
only=""
own_tool=""
previous=""
for arg in "$@"; do
    case "$arg" in
        --only=*) only="${arg#--only=}" ;;
        --profile-tool* | --tool*) own_tool=yes ;;
    esac
    [[ "$previous" == --only ]] && only="$arg"
    previous="$arg"
done
profile_args=()
if [[ -z "$own_tool" ]] && { [[ -z "$only" ]] || [[ ",$only," =~ ,\ *[49]\ *, ]]; }; then
    # Same code as the release build, plus a symbol table and line tables: callgrind can only
    # attribute instructions to functions it can name.
    echo "bench: building the symbolized profiling copy (target/profiling)" >&2
    CARGO_PROFILE_RELEASE_STRIP=false CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
        cargo build --release --bin rds-inventory --target-dir target/profiling >&2
    cp target/profiling/release/rds-inventory "$BIN_DIR/rds-inventory-prof"
    profile_args=(--profile-tool "$BIN_DIR/rds-inventory-prof")
fi

"$PYTHON" bench/bench.py --bin-dir "$BIN_DIR" --python "$PWD/$PYTHON" \
    --command "$command" "${profile_args[@]}" "$@"
