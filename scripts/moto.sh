#!/usr/bin/env bash
# Start and stop a local moto server bound to 127.0.0.1 on a free port.
#
# As a library (what demo.sh does):
#     source scripts/moto.sh
#     moto_start            # sets MOTO_URL and MOTO_PID, installs an EXIT trap that stops it
#     ...
#     moto_stop             # optional; the trap does it too
# Run directly, it starts moto, prints the URL and serves until Ctrl-C:
#     scripts/moto.sh
#
# What runs is moto's own application behind scripts/moto_server.py (CloudWatch's CBOR calls
# bridged to moto), started by the python beside MOTO_SERVER (default
# <repo>/.venv-moto/bin/moto_server, made by scripts/setup-moto.sh), the venv that has moto.
# The server's log goes to MOTO_LOG (default: a temporary file).

_MOTO_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOTO_SERVER="${MOTO_SERVER:-${RDS_INVENTORY_MOTO_SERVER:-$_MOTO_REPO_ROOT/.venv-moto/bin/moto_server}}"
MOTO_READY_TIMEOUT="${MOTO_READY_TIMEOUT:-30}"
MOTO_URL=""
MOTO_PID=""

# The venv's python is always there when moto is; fall back to python3 for the port probe.
_moto_python() {
    local venv_py
    venv_py="$(dirname "$MOTO_SERVER")/python"
    if [[ -x "$venv_py" ]]; then echo "$venv_py"; else echo python3; fi
}

_moto_free_port() {
    "$(_moto_python)" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Exit 0 once GET <url>/moto-api/ answers 200; give up after MOTO_READY_TIMEOUT seconds or
# as soon as the server process has died.
_moto_wait_ready() {
    local url="$1" pid="$2"
    "$(_moto_python)" - "$url" "$pid" "$MOTO_READY_TIMEOUT" <<'PY'
import os, sys, time, urllib.request
url, pid, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(2)
    try:
        with urllib.request.urlopen(url + "/moto-api/", timeout=1) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
PY
}

moto_stop() {
    if [[ -n "$MOTO_PID" ]]; then
        kill "$MOTO_PID" 2>/dev/null || true
        wait "$MOTO_PID" 2>/dev/null || true
        MOTO_PID=""
    fi
}

moto_start() {
    if [[ ! -x "$MOTO_SERVER" ]]; then
        echo "moto not installed ($MOTO_SERVER): run scripts/setup-moto.sh" >&2
        return 1
    fi
    MOTO_LOG="${MOTO_LOG:-$(mktemp "${TMPDIR:-/tmp}/moto-log.XXXXXX")}"
    local attempt port rc
    # The port may be taken between probing and binding; try a few ports.
    for attempt in 1 2 3; do
        port="$(_moto_free_port)"
        # moto_server's own app behind scripts/moto_server.py, which adds CloudWatch in CBOR.
        "$(_moto_python)" "$_MOTO_REPO_ROOT/scripts/moto_server.py" -H 127.0.0.1 -p "$port" \
            >>"$MOTO_LOG" 2>&1 &
        MOTO_PID=$!
        trap moto_stop EXIT
        rc=0
        _moto_wait_ready "http://127.0.0.1:$port" "$MOTO_PID" || rc=$?
        if [[ $rc -eq 0 ]]; then
            MOTO_URL="http://127.0.0.1:$port"
            export MOTO_URL MOTO_PID
            return 0
        fi
        moto_stop
        if [[ $rc -eq 1 ]]; then
            echo "moto did not answer within ${MOTO_READY_TIMEOUT}s; log: $MOTO_LOG" >&2
            return 1
        fi
        echo "moto exited at start (attempt $attempt, port $port); log: $MOTO_LOG" >&2
    done
    return 1
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    MOTO_LOG="${MOTO_LOG:-/dev/stderr}"
    moto_start
    echo "$MOTO_URL"
    trap 'moto_stop; exit 130' INT TERM
    wait "$MOTO_PID"
fi
