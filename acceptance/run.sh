#!/usr/bin/env bash
# Runs the acceptance checks of ../shared/reference/alerts-dashboards-events-proxies.md §13 that
# crest has built (events, proxies, alerts, maintenance windows, the SDK's send_event), with the
# real REST client (wavefront-api-client 2.202.2) and the real SDK (wavefront-sdk-python 2.1.0),
# against a crest server started here on a free port with a fresh data directory.
#
#   acceptance/run.sh [pytest args]
#   CREST_BIN              the crest binary (default target/release/crest)
#   CREST_ACCEPTANCE_VENV  the Python environment (default ~/.cache/crest-acceptance), from requirements.txt
#   CREST_DATABASE_URL     optional: a PostgreSQL server; the run makes a fresh database beside the one
#                          it names and drops it afterwards
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
CREST_BIN=${CREST_BIN:-$ROOT/target/release/crest}
VENV=${CREST_ACCEPTANCE_VENV:-$HOME/.cache/crest-acceptance}
if [[ ! -x $CREST_BIN ]]; then
  echo "acceptance: no crest binary at $CREST_BIN (build it with cargo build --release, or set CREST_BIN)" >&2
  exit 1
fi

# --- the Python environment (pinned) ------------------------------------------------------------
stamp=$VENV/.requirements
if [[ ! -x $VENV/bin/python ]] || ! cmp -s "$ROOT/acceptance/requirements.txt" "$stamp"; then
  echo "acceptance: preparing $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/acceptance/requirements.txt"
  cp "$ROOT/acceptance/requirements.txt" "$stamp"
fi
PY=$VENV/bin/python

# --- the server ------------------------------------------------------------------------------------
work=$(mktemp -d)
db_name=
server=
stop() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [[ -n $db_name ]]; then psql "$CREST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" >/dev/null || true; fi
  rm -rf "$work"
}
trap stop EXIT
server_env=()
if [[ -n ${CREST_DATABASE_URL:-} ]]; then
  db_name=crest_acceptance_$("$PY" -c 'import uuid; print(uuid.uuid4().hex[:12])')
  psql "$CREST_DATABASE_URL" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $db_name"
  server_env+=(CREST_DATABASE_URL="${CREST_DATABASE_URL%/*}/$db_name")
fi
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export CREST_ACCEPTANCE_URL=http://127.0.0.1:$port
export CREST_ACCEPTANCE_TOKEN=$("$PY" -c 'import uuid; print(uuid.uuid4())')
env "${server_env[@]}" CREST_LISTEN=127.0.0.1:$port CREST_DATA_DIR=$work/data \
  CREST_BOOTSTRAP_ADMIN=admin@acceptance.test CREST_BOOTSTRAP_TOKEN=$CREST_ACCEPTANCE_TOKEN \
  CREST_DERIVED_EVERY_SECONDS=2 \
  "$CREST_BIN" serve >"$work/server.log" 2>&1 &
server=$!
echo "acceptance: crest at $CREST_ACCEPTANCE_URL${db_name:+ on PostgreSQL database $db_name}"
"$PY" - <<'PY' || { echo "acceptance: the server did not become healthy:" >&2; cat "$work/server.log" >&2; exit 1; }
import os, time, urllib.request
deadline = time.monotonic() + 120
while True:
    try:
        with urllib.request.urlopen(os.environ["CREST_ACCEPTANCE_URL"] + "/healthz", timeout=2) as r:
            if r.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        raise SystemExit(1)
    time.sleep(0.2)
PY

status=0
export PYTHONDONTWRITEBYTECODE=1 NO_PROXY=127.0.0.1,localhost
cd "$ROOT/acceptance"
"$PY" -m pytest -p no:cacheprovider --timeout=180 -q "$@" || status=$?
if ((status)); then echo "acceptance: the server's log is below" >&2; tail -n 50 "$work/server.log" >&2; fi
exit $status
