#!/usr/bin/env bash
# Runs the browser end-to-end tests: Debian's Chromium, driven by Python Playwright, against a
# crest server started here on a free port with a fresh data directory.
#
#   e2e/run.sh [pytest args]
#   CREST_BIN            the crest binary (default target/release/crest)
#   CREST_E2E_VENV       the Python environment (default ~/.cache/crest-e2e), made from e2e/requirements.txt
#   CREST_SCREENSHOTS    where the tests put screenshots (default target/screenshots)
#   CREST_DATABASE_URL   optional: run the server on this PostgreSQL database instead of SQLite
# Exits 77 (skipped) when Chromium is missing and cannot be installed, except under CI, where that fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
CHROMIUM=/usr/bin/chromium
CREST_BIN=${CREST_BIN:-$ROOT/target/release/crest}
VENV=${CREST_E2E_VENV:-$HOME/.cache/crest-e2e}
export CREST_SCREENSHOTS=${CREST_SCREENSHOTS:-$ROOT/target/screenshots}

# --- the browser: Debian's chromium, never a downloaded one ---------------------------------------
if [[ ! -x $CHROMIUM ]]; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "e2e: installing chromium from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "e2e: $CHROMIUM is missing and this is not root: install Debian's chromium (apt-get install chromium)" >&2
    [[ -n ${CI:-} ]] && exit 1
    exit 77
  fi
fi
if [[ ! -x $CREST_BIN ]]; then
  echo "e2e: no crest binary at $CREST_BIN (build it with cargo build --release, or set CREST_BIN)" >&2
  exit 1
fi

# --- the Python environment (pinned; Playwright's own browsers are never installed) --------------
stamp=$VENV/.requirements
if [[ ! -x $VENV/bin/python ]] || ! cmp -s "$ROOT/e2e/requirements.txt" "$stamp"; then
  echo "e2e: preparing $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/e2e/requirements.txt"
  cp "$ROOT/e2e/requirements.txt" "$stamp"
fi
PY=$VENV/bin/python

# --- the server ------------------------------------------------------------------------------------
work=$(mktemp -d)
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export CREST_E2E_URL=http://127.0.0.1:$port
export CREST_E2E_ADMIN=admin@localhost
export CREST_E2E_TOKEN=$("$PY" -c 'import uuid; print(uuid.uuid4())')
export CREST_E2E_PASSWORD=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')
server=
stop() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap stop EXIT
CREST_LISTEN=127.0.0.1:$port CREST_DATA_DIR=$work/data \
  CREST_BOOTSTRAP_ADMIN=$CREST_E2E_ADMIN CREST_BOOTSTRAP_TOKEN=$CREST_E2E_TOKEN \
  CREST_BOOTSTRAP_PASSWORD=$CREST_E2E_PASSWORD CREST_PUBLIC_URL=$CREST_E2E_URL \
  CREST_ALERT_EVERY_SECONDS=1 \
  "$CREST_BIN" serve >"$work/server.log" 2>&1 &
server=$!
echo "e2e: crest at $CREST_E2E_URL (log: $work/server.log)"
"$PY" - <<'PY' || { echo "e2e: the server did not become healthy:" >&2; cat "$work/server.log" >&2; exit 1; }
import os, time, urllib.request
deadline = time.monotonic() + 120
while True:
    try:
        with urllib.request.urlopen(os.environ["CREST_E2E_URL"] + "/healthz", timeout=2) as r:
            if r.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        raise SystemExit(1)
    time.sleep(0.2)
PY

mkdir -p "$CREST_SCREENSHOTS"
status=0
# pytest options alone (-k alerts) still run the e2e directory, never the whole checkout
targets=("$@")
if ((!$#)) || [[ ${1:-} == -* ]]; then targets=("$ROOT/e2e" "$@"); fi
"$PY" -m pytest -p no:cacheprovider -q "${targets[@]}" || status=$?
if ((status)); then echo "e2e: the server's log is below" >&2; tail -n 50 "$work/server.log" >&2; fi
echo "e2e: screenshots in $CREST_SCREENSHOTS"
exit $status
