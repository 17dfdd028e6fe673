#!/usr/bin/env bash
# The full check: formatting, clippy, then every test (unit, fake-endpoint and moto end-to-end).
# Extra arguments go to `cargo test`, e.g. `scripts/test.sh --test it inventory::`.
#
# Clippy lints the workspace's own crates while they compile for the tests (clippy-driver as
# cargo's RUSTC_WORKSPACE_WRAPPER, which is how `cargo clippy` itself runs it), so the
# dependencies are compiled once, by the same build that scripts/demo.sh already made, instead
# of a second time in `cargo clippy`'s check mode. RDS_INVENTORY_SEPARATE_CLIPPY=1 runs the
# plain `cargo clippy --workspace --all-targets` first instead.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

step() { printf '==> %s\n' "$*" >&2; }

step "cargo fmt --check"
cargo fmt --all --check

step "moto (pinned)"
RDS_INVENTORY_MOTO_SERVER="$(scripts/setup-moto.sh)"
export RDS_INVENTORY_MOTO_SERVER

# The .deb from the dev build the tests just made (no second compile), unpacked and checked.
# Skipped when arguments choose some tests only.
package_check() {
    [[ $# -eq 0 ]] || return 0
    step "the .deb: scripts/package.sh --profile dev, then scripts/check-package.sh"
    scripts/package.sh --profile dev
    scripts/check-package.sh
}

# The tests never read real AWS settings, but keep them out of the way all the same.
export AWS_EC2_METADATA_DISABLED=true

if [[ "${RDS_INVENTORY_SEPARATE_CLIPPY:-}" == 1 ]]; then
    step "cargo clippy"
    cargo clippy --workspace --all-targets --locked -- -D warnings
    step "cargo test"
    cargo test --workspace --locked "$@"
    package_check "$@"
    exit 0
fi

clippy_driver="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver || true)"
if [[ -z "$clippy_driver" ]]; then
    echo "test.sh: clippy-driver not found (rustup component add clippy)" >&2
    exit 1
fi
step "cargo test, linted by clippy -D warnings"
# `cargo test` builds every target `cargo clippy --all-targets` checks: lib, bins, tests,
# examples, and lib and bins again as unit tests. CLIPPY_ARGS is how cargo clippy hands its
# `-- -D warnings` to the driver.
RUSTC_WORKSPACE_WRAPPER="$clippy_driver" \
    CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__" \
    cargo test --workspace --locked "$@"
package_check "$@"
