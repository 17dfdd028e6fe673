#!/usr/bin/env bash
# Benchmarks for rds-inventory: this tool vs the seeds' boto3 pattern vs threaded boto3
# vs the fan-out lower bound, against the fake endpoint (fake-aws) on 127.0.0.1 only.
#
#   bench/run.sh                 # everything, ~30-40 min on 2 cores (includes a clean build)
#   bench/run.sh --quick         # small sizes, 1 run each, no build: a smoke run of ~2 min
#   bench/run.sh --only 1,2      # some scenarios: 1 fan-out, 2 side by side (+5 first row),
#                                # 3 memory (+4 throughput), 4 profile, 6 scale, 7 clean build
#   bench/run.sh --runs 5 --seed-runs 3
#   bench/run.sh --profile-build # also build a copy with line tables for our crate (into
#                                # /tmp/bench-prof-target, ~7 min the first time) so the profile
#                                # can tell the mapping (record.rs) apart from the fetch task
#   bench/run.sh --tool PATH --name NAME   # measure another rds-inventory binary
#
# Writes the markdown table to stdout and bench/results/latest.md (quick.md for --quick), raw
# numbers to latest.json. Progress goes to stderr.
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
cargo build --release -p fake-aws -p rds-inventory --bins >&2

PYTHON=.venv-moto/bin/python
if ! "$PYTHON" -c 'import boto3' 2>/dev/null; then
    echo "bench: creating .venv-moto (boto3) with scripts/setup-moto.sh" >&2
    scripts/setup-moto.sh >/dev/null
fi

# Snapshot the binaries: other builds in this tree must not swap them mid-run.
BIN_DIR="$(mktemp -d /tmp/rds-bench-bin.XXXXXX)"
trap 'rm -rf "$BIN_DIR"' EXIT
target_dir="$(cargo metadata --format-version 1 --no-deps | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
cp "$target_dir/release/rds-inventory" "$target_dir/release/fake-aws" "$BIN_DIR/"

command="bench/run.sh${*:+ $*}"
args=()
profile_args=()
for arg in "$@"; do
    if [[ "$arg" == --profile-build ]]; then
        echo "bench: building the profiling copy (line tables for rds-inventory)" >&2
        CARGO_TARGET_DIR=/tmp/bench-prof-target cargo build --release --bin rds-inventory \
            --config 'profile.release.package.rds-inventory.debug="line-tables-only"' \
            --config 'profile.release.strip="none"' >&2
        cp /tmp/bench-prof-target/release/rds-inventory "$BIN_DIR/rds-inventory-prof"
        profile_args=(--profile-tool "$BIN_DIR/rds-inventory-prof")
    else
        args+=("$arg")
    fi
done

"$PYTHON" bench/bench.py --bin-dir "$BIN_DIR" --python "$PWD/$PYTHON" \
    --command "$command" "${profile_args[@]}" "${args[@]}"
