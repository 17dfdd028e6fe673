#!/usr/bin/env bash
# Regenerates the README's field table, between <!-- fields:start --> and <!-- fields:end -->,
# from the schema's one definition (`rds-inventory fields -f markdown`). A unit test fails
# until the README and the schema agree.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

grep -q '^<!-- fields:start -->$' README.md && grep -q '^<!-- fields:end -->$' README.md || {
    echo "README.md lacks the <!-- fields:start --> / <!-- fields:end --> markers" >&2
    exit 1
}
table="$(mktemp)"
trap 'rm -f "$table" README.md.tmp' EXIT
cargo run --quiet --bin rds-inventory -- fields -f markdown > "$table"
awk -v table="$table" '
    /^<!-- fields:start -->$/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /^<!-- fields:end -->$/ { skip = 0 }
    !skip { print }
' README.md > README.md.tmp
mv README.md.tmp README.md
