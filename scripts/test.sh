#!/usr/bin/env bash
# The full check: formatting, clippy, then every test (unit, fake-endpoint and moto end-to-end).
# Extra arguments go to `cargo test`, e.g. `scripts/test.sh --test e2e_moto`.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

step() { printf '==> %s\n' "$*" >&2; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "moto (pinned)"
RDS_INVENTORY_MOTO_SERVER="$(scripts/setup-moto.sh)"
export RDS_INVENTORY_MOTO_SERVER

step "cargo test"
# The tests never read real AWS settings, but keep them out of the way all the same.
export AWS_EC2_METADATA_DISABLED=true
cargo test --workspace --locked "$@"
