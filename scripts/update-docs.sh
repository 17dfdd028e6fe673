#!/usr/bin/env bash
# Rewrites the generated blocks of docs/ from the freshly built binary:
#   docs/usage.md   the `rds-inventory --help` block (between help:start and help:end)
#   docs/fields.md  the field table of each kind (between fields:KIND:start and fields:KIND:end)
# Tests fail while a block and the binary differ (tests/cli.rs, src/record/schema.rs).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

HELP_START='<!-- help:start: scripts/update-docs.sh writes this block -->'
HELP_END='<!-- help:end -->'
FIELDS_START='<!-- fields:instances:start -->'
FIELDS_END='<!-- fields:instances:end -->'

require_markers() { # FILE START END
    local marker count
    for marker in "$2" "$3"; do
        count="$(grep -cxF -- "$marker" "$1" || true)"
        if [[ "$count" != 1 ]]; then
            echo "update-docs: $1 must hold the line '$marker' once (found $count)" >&2
            exit 1
        fi
    done
}

# Replaces the lines between START and END of FILE with the contents of BLOCK_FILE.
replace_block() { # FILE START END BLOCK_FILE
    local out
    out="$(mktemp)"
    awk -v start="$2" -v end="$3" -v block="$4" '
        $0 == start { print; while ((getline line < block) > 0) print line; skipping = 1; next }
        $0 == end { skipping = 0 }
        !skipping { print }
    ' "$1" >"$out"
    cat "$out" >"$1"
    rm -f "$out"
}

require_markers docs/usage.md "$HELP_START" "$HELP_END"
require_markers docs/fields.md "$FIELDS_START" "$FIELDS_END"

cargo build --quiet --bin rds-inventory
bin="${CARGO_TARGET_DIR:-$REPO_ROOT/target}/debug/rds-inventory"

help="$(mktemp)"
table="$(mktemp)"
trap 'rm -f "$help" "$table"' EXIT
# An empty environment, as the test runs it: clap prints the values of set variables
# ([env: NAME=value]) and wraps to $COLUMNS.
{
    echo '```text'
    env -i PATH="$PATH" "$bin" --help
    echo '```'
} >"$help"
env -i PATH="$PATH" "$bin" fields -f markdown >"$table"

replace_block docs/usage.md "$HELP_START" "$HELP_END" "$help"
replace_block docs/fields.md "$FIELDS_START" "$FIELDS_END" "$table"
echo "docs/usage.md and docs/fields.md: generated blocks updated from $bin" >&2
