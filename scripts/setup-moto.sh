#!/usr/bin/env bash
# Create <repo>/.venv-moto with the pinned moto server used by the end-to-end tests and the demo.
# Idempotent: does nothing when the pinned version already imports; rebuilds a broken venv.
# Prints the path of moto_server on stdout (everything else goes to stderr).
set -euo pipefail

MOTO_VERSION="5.2.5"
# The Prometheus project's own text-format parser, so tests never check metrics with our code.
PROMETHEUS_CLIENT_VERSION="0.21.1"
# CBOR for scripts/moto_server.py, which bridges CloudWatch's Smithy RPC v2 CBOR to moto.
CBOR2_VERSION="6.3.0"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${RDS_INVENTORY_MOTO_VENV:-$REPO_ROOT/.venv-moto}"
PYTHON="${PYTHON:-python3}"

log() { printf 'setup-moto: %s\n' "$*" >&2; }

installed_ok() {
    [[ -x "$VENV/bin/python" && -x "$VENV/bin/moto_server" ]] || return 1
    local got
    got="$("$VENV/bin/python" -c 'import importlib.metadata as m, moto, boto3, flask, prometheus_client, cbor2; print(m.version("moto"), m.version("prometheus_client"), m.version("cbor2"))' 2>/dev/null)" || return 1
    [[ "$got" == "$MOTO_VERSION $PROMETHEUS_CLIENT_VERSION $CBOR2_VERSION" ]]
}

make_venv() {
    rm -rf "$VENV"
    # Debian ships python3 without the venv module unless python3-venv is installed;
    # fall back to the virtualenv package from PyPI.
    if "$PYTHON" -m venv "$VENV" >/dev/null 2>&1 && [[ -x "$VENV/bin/pip" ]]; then
        return 0
    fi
    log "python3 -m venv unavailable; using virtualenv"
    rm -rf "$VENV"
    if ! "$PYTHON" -m virtualenv --version >/dev/null 2>&1; then
        local pip_user=("$PYTHON" -m pip install --user --quiet --disable-pip-version-check)
        # A Debian system python refuses --user installs (PEP 668) unless told otherwise.
        "${pip_user[@]}" virtualenv >&2 ||
            "${pip_user[@]}" --break-system-packages virtualenv >&2
    fi
    "$PYTHON" -m virtualenv --quiet "$VENV" >&2
}

if installed_ok; then
    log "moto $MOTO_VERSION already installed in $VENV"
else
    log "installing moto[server]==$MOTO_VERSION into $VENV"
    make_venv
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "moto[server]==$MOTO_VERSION" "prometheus_client==$PROMETHEUS_CLIENT_VERSION" \
        "cbor2==$CBOR2_VERSION" >&2
    if ! installed_ok; then
        log "moto install in $VENV is still not usable"
        exit 1
    fi
fi

echo "$VENV/bin/moto_server"
