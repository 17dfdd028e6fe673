#!/usr/bin/env bash
# Checks the .deb scripts/package.sh built (scripts/test.sh runs it after the tests): its file
# list, the packaged binary's --version and an offline `plan` of the packaged example accounts
# file, the man page rendered, and the systemd units verified where systemd-analyze exists.
#
#     scripts/check-package.sh [target/debian/rds-inventory_*.deb]
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_ROOT/target}"

deb="${1:-$(ls -t "$TARGET_DIR"/debian/rds-inventory_*.deb 2>/dev/null | head -n 1)}"
[[ -f "$deb" ]] || { echo "check-package: no .deb (run scripts/package.sh)" >&2; exit 1; }
fail() { echo "check-package: $*" >&2; exit 1; }

scratch="$(mktemp -d "${TMPDIR:-/tmp}/rds-inventory-deb.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

echo "--- $deb: $(stat -c %s "$deb") bytes"
dpkg-deb -c "$deb" >"$scratch/list"
for path in \
    ./usr/bin/rds-inventory \
    ./usr/share/man/man1/rds-inventory.1.gz \
    ./usr/share/bash-completion/completions/rds-inventory \
    ./usr/share/zsh/vendor-completions/_rds-inventory \
    ./usr/share/fish/vendor_completions.d/rds-inventory.fish \
    ./usr/share/doc/rds-inventory/examples/accounts.example.toml \
    ./usr/share/doc/rds-inventory/copyright \
    ./usr/share/doc/rds-inventory/LICENSE-MIT \
    ./usr/share/doc/rds-inventory/LICENSE-APACHE \
    ./usr/share/doc/rds-inventory/nightly.md \
    ./usr/lib/systemd/system/rds-inventory.service \
    ./usr/lib/systemd/system/rds-inventory.timer \
    ./usr/lib/rds-inventory/rds-inventory-nightly \
    ./etc/default/rds-inventory; do
    grep -q " $path\$" "$scratch/list" || fail "$path is not in the package"
done
echo "file list: $(wc -l <"$scratch/list") entries, every expected path present"

# Installed disabled: no enable/start in the maintainer scripts.
dpkg-deb -e "$deb" "$scratch/control"
grep -q 'adduser --system' "$scratch/control/postinst" || fail "postinst creates no system user"
# cargo-deb's enable snippet only re-enables what the admin had enabled (was-enabled).
if grep -B2 'deb-systemd-helper enable' "$scratch/control/postinst" | grep -q 'debian-installed\|^[^#]*enable.*--now'; then
    fail "postinst enables the units"
fi
! grep -q 'deb-systemd-invoke start' "$scratch/control/postinst" || fail "postinst starts the units"

root="$scratch/root"
dpkg-deb -x "$deb" "$root"
bin="$root/usr/bin/rds-inventory"
# No AWS settings of the caller: the checks below must not need any.
clean=(env -i "PATH=/usr/bin:/bin" "HOME=$scratch" AWS_EC2_METADATA_DISABLED=true
    AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent)

version="$("${clean[@]}" "$bin" --version)"
expected="rds-inventory $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
[[ "$version" == "$expected" ]] || fail "--version says '$version', Cargo.toml '$expected'"
echo "--version: $version"

example="$root/usr/share/doc/rds-inventory/examples/accounts.example.toml"
"${clean[@]}" "$bin" -c "$example" plan >"$scratch/plan" \
    || fail "plan of the packaged example failed"
cat "$scratch/plan"
[[ $(wc -l <"$scratch/plan") -ge 2 ]] || fail "plan listed no target"

page="$root/usr/share/man/man1/rds-inventory.1.gz"
zcat "$page" | head -n 5 | grep -q '^\.TH ' || fail "the man page has no .TH header"
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man -l "$page" 2>/dev/null >"$scratch/man.txt" || true
elif command -v groff >/dev/null 2>&1; then
    zcat "$page" | groff -man -Tutf8 >"$scratch/man.txt" 2>/dev/null || true
fi
if [[ -s "$scratch/man.txt" ]]; then
    grep -q 'NAME' "$scratch/man.txt" && grep -q 'SYNOPSIS' "$scratch/man.txt" \
        || fail "the rendered man page lacks NAME or SYNOPSIS"
    echo "man page: $(wc -l <"$scratch/man.txt") lines rendered"
else
    echo "man page: .TH header present (neither man nor groff here to render it)"
fi

if command -v systemd-analyze >/dev/null 2>&1; then
    units="$scratch/units"
    mkdir "$units"
    cp "$root"/usr/lib/systemd/system/rds-inventory.{service,timer} "$units/"
    # The service's ExecStart, as installed, is in the scratch root here.
    sed -i "s|^ExecStart=/usr/lib/|ExecStart=$root/usr/lib/|" "$units/rds-inventory.service"
    # verify exits 0 on unknown keys; any message is a failure.
    (cd "$units" && systemd-analyze verify --man=no rds-inventory.service rds-inventory.timer) \
        >"$scratch/verify" 2>&1 || { cat "$scratch/verify" >&2; fail "systemd-analyze verify failed"; }
    [[ ! -s "$scratch/verify" ]] || { cat "$scratch/verify" >&2; fail "systemd-analyze verify complained"; }
    echo "systemd-analyze verify: service and timer clean"
else
    echo "systemd-analyze: not here, units not verified"
fi
sh -n "$root/usr/lib/rds-inventory/rds-inventory-nightly" || fail "the nightly script does not parse"
echo "package OK"
