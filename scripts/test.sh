#!/usr/bin/env bash
# The project's test command: unit and integration tests of every crate, then
# the redis-py interop suite against the freshly built hearth-server.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh -k hello -x     # extra arguments go to pytest
#
# It installs what is missing and is quick when everything is there:
#   - redis-server / redis-tools / tcl (Debian packages) for the reference
#     server of the differential tests and redis-benchmark;
#   - a Python venv at .venv with redis-py and pytest.
# Set HEARTH_SKIP_INSTALL=1 to install nothing (then missing tools fail).
# Exit status: non-zero if any build or test failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv"
PY_REQS=("redis>=5.2" "pytest")
INTEROP_TIMEOUT="${HEARTH_INTEROP_TIMEOUT:-1200}"
export DEBIAN_FRONTEND=noninteractive

log() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
    else echo "need root to run: $*" >&2; return 1
    fi
}

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null 2>&1 || { echo "apt-get not available; install $* by hand" >&2; return 1; }
    if [ "$APT_UPDATED" -eq 0 ]; then
        as_root apt-get update -qq
        APT_UPDATED=1
    fi
    as_root apt-get install -y -qq --no-install-recommends "$@"
}

ensure_cargo() {
    if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
        # shellcheck disable=SC1091
        . "$HOME/.cargo/env"
    fi
    command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install Rust with rustup" >&2; exit 1; }
}

ensure_redis() {
    if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
        return 0
    fi
    log "installing redis-server redis-tools tcl"
    apt_install redis-server redis-tools tcl
    # The Debian package may start a system instance on 6379; tests never use it.
}

venv_ready() {
    [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - <<'EOF' >/dev/null 2>&1
import sys
import pytest, redis
major, minor = (int(x) for x in redis.__version__.split(".")[:2])
sys.exit(0 if (major, minor) >= (5, 2) else 1)
EOF
}

ensure_python() {
    PYTHON="$VENV/bin/python"
    if venv_ready; then return 0; fi
    command -v python3 >/dev/null 2>&1 || apt_install python3
    log "setting up the Python environment at .venv"
    if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
        rm -rf "$VENV"
        # Debian ships venv/ensurepip separately.
        if apt_install python3-venv >/dev/null 2>&1 && python3 -m venv "$VENV"; then :; else
            rm -rf "$VENV"
            echo "python3 -m venv unavailable; falling back to pip --user" >&2
            python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
            python3 -m pip install -q --user "${PY_REQS[@]}" \
                || python3 -m pip install -q --user --break-system-packages "${PY_REQS[@]}"
            PYTHON="$(command -v python3)"
            return 0
        fi
    fi
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PY_REQS[@]}"
}

if [ "${HEARTH_SKIP_INSTALL:-0}" != "1" ]; then
    ensure_redis
    ensure_python
else
    PYTHON="$VENV/bin/python"
    [ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
fi
ensure_cargo

log "cargo build -p hearth-server"
cargo build -p hearth-server -j 2

CARGO_STATUS=0
CARGO_LOG="$(mktemp)"
trap 'rm -f "$CARGO_LOG"' EXIT
log "cargo test --workspace -j 2"
cargo test --workspace -j 2 2>&1 | tee "$CARGO_LOG" || CARGO_STATUS=$?
# `test result:` lines, one per test binary, summed into one line.
CARGO_SUMMARY="$(awk '/^test result:/ {
        for (i = 1; i <= NF; i++) {
            if ($(i) ~ /^passed;?$/) p += $(i-1)
            if ($(i) ~ /^failed;?$/) f += $(i-1)
            if ($(i) ~ /^ignored;?$/) g += $(i-1)
        }
        n++
    }
    END { printf "%d passed, %d failed, %d ignored (%d test binaries)", p, f, g, n }' "$CARGO_LOG")"

PYTEST_STATUS=0
shopt -s nullglob
INTEROP_TESTS=(tests/interop/test_*.py)
shopt -u nullglob
if [ "${#INTEROP_TESTS[@]}" -eq 0 ]; then
    log "interop: no tests in tests/interop, skipped"
    PYTEST_SUMMARY="no interop tests"
else
    export HEARTH_SERVER_BIN="${HEARTH_SERVER_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/hearth-server}"
    log "pytest -q tests/interop (HEARTH_SERVER_BIN=$HEARTH_SERVER_BIN)"
    PYTEST_LOG="$(mktemp)"
    trap 'rm -f "$CARGO_LOG" "$PYTEST_LOG"' EXIT
    # Exit 5 (no tests collected) counts as a failure: the directory has tests.
    timeout --kill-after=30 "$INTEROP_TIMEOUT" \
        "$PYTHON" -m pytest -q -p no:cacheprovider tests/interop "$@" 2>&1 | tee "$PYTEST_LOG" \
        || PYTEST_STATUS=$?
    PYTEST_SUMMARY="$(grep -E '^=* ?[0-9]+ (passed|failed|error|skipped)|no tests ran' "$PYTEST_LOG" | tail -n 1 | tr -d '=' | sed 's/^ *//;s/ *$//')"
    [ "$PYTEST_STATUS" -eq 124 ] && PYTEST_SUMMARY="timed out after ${INTEROP_TIMEOUT}s; $PYTEST_SUMMARY"
fi

log "summary"
echo "cargo test: $CARGO_SUMMARY (exit $CARGO_STATUS)"
echo "interop:    $PYTEST_SUMMARY (exit $PYTEST_STATUS)"
if [ "$CARGO_STATUS" -ne 0 ] || [ "$PYTEST_STATUS" -ne 0 ]; then
    echo "FAILED"
    exit 1
fi
echo "OK"
