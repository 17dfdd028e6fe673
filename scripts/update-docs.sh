#!/usr/bin/env bash
# Rewrites the generated blocks of docs/ from the freshly built binary:
#   docs/usage.md   the `rds-inventory --help` block (between help:start and help:end) and each
#                   command's (between help:COMMAND:start and help:COMMAND:end)
#   docs/fields.md  the field table of each kind (between fields:KIND:start and fields:KIND:end)
#   docs/permissions.md  the table of kinds (between kinds:start and kinds:end)
# Tests fail while a block and the binary differ (tests/it/cli.rs, src/record/schema.rs,
# src/record/kinds/tests.rs).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

HELP_START='<!-- help:start: scripts/update-docs.sh writes this block -->'
HELP_END='<!-- help:end -->'

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

cargo build --quiet --bin rds-inventory
bin="${CARGO_TARGET_DIR:-$REPO_ROOT/target}/debug/rds-inventory"

# The kinds are the binary's own list: the possible values of `fields --kind`.
mapfile -t kinds < <(env -i PATH="$PATH" "$bin" fields --help | awk '
    /--kind <KIND>/ { in_kind = 1; next }
    in_kind && /^ +- [a-z-]+:/ { sub(/^ +- /, ""); sub(/:.*/, ""); print }
    in_kind && /\[default/ { exit }')
if [[ "${#kinds[@]}" == 0 ]]; then
    echo "update-docs: found no kinds in '$bin fields --help'" >&2
    exit 1
fi
for kind in "${kinds[@]}"; do
    require_markers docs/fields.md "<!-- fields:$kind:start -->" "<!-- fields:$kind:end -->"
done

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
replace_block docs/usage.md "$HELP_START" "$HELP_END" "$help"
# Each command's own --help (tests/it/cli.rs holds them to the binary).
for command in plan diff fields kinds completions man; do
    require_markers docs/usage.md "<!-- help:$command:start -->" "<!-- help:$command:end -->"
    {
        echo '```text'
        env -i PATH="$PATH" "$bin" "$command" --help
        echo '```'
    } >"$help"
    replace_block docs/usage.md "<!-- help:$command:start -->" "<!-- help:$command:end -->" "$help"
done
for kind in "${kinds[@]}"; do
    env -i PATH="$PATH" "$bin" fields --kind "$kind" -f markdown >"$table"
    replace_block docs/fields.md "<!-- fields:$kind:start -->" "<!-- fields:$kind:end -->" "$table"
done
require_markers docs/permissions.md "<!-- kinds:start -->" "<!-- kinds:end -->"
env -i PATH="$PATH" "$bin" kinds -f markdown >"$table"
replace_block docs/permissions.md "<!-- kinds:start -->" "<!-- kinds:end -->" "$table"
echo "docs/usage.md and docs/fields.md (${kinds[*]}): generated blocks updated from $bin" >&2
