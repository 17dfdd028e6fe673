#!/usr/bin/env bash
# Rewrites the `rds-inventory --help` block of README.md (between the help:start and help:end
# marker lines) from the freshly built binary. tests/cli.rs fails while the two differ.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

START='<!-- help:start: scripts/update-readme-help.sh writes this block -->'
END='<!-- help:end -->'
for marker in "$START" "$END"; do
    count="$(grep -cxF -- "$marker" README.md || true)"
    if [[ "$count" != 1 ]]; then
        echo "update-readme-help: README.md must hold the line '$marker' once (found $count)" >&2
        exit 1
    fi
done

cargo build --quiet --bin rds-inventory
bin="${CARGO_TARGET_DIR:-$REPO_ROOT/target}/debug/rds-inventory"

help="$(mktemp)"
readme="$(mktemp)"
trap 'rm -f "$help" "$readme"' EXIT
# An empty environment, as the test runs it: clap prints the values of set variables
# ([env: NAME=value]) and wraps to $COLUMNS.
env -i PATH="$PATH" "$bin" --help >"$help"

awk -v start="$START" -v end="$END" -v help="$help" '
    $0 == start {
        print
        print "```text"
        while ((getline line < help) > 0) print line
        print "```"
        skipping = 1
        next
    }
    $0 == end { skipping = 0 }
    !skipping { print }
' README.md >"$readme"
cat "$readme" >README.md
echo "README.md: help block updated from $bin --help" >&2
