#!/usr/bin/env bash
# Follows README.md "Running in production" step by step against the machine's PostgreSQL:
# a database, migrations run once, two instances behind one address each, an admin token, both
# instances answering, and a graceful stop. CI runs it; it exits non-zero on the first deviation.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB="hearth_smoke_$$"
# The binary `cargo build` made (CI builds it just before this script).
HEARTH="${HEARTH_BIN:-${CARGO_TARGET_DIR:-target}/debug/hearth}"
[ -x "$HEARTH" ] || cargo build -q

psql_admin() { psql "$PG_ADMIN_URL" -v ON_ERROR_STOP=1 -qtAc "$1"; }
cleanup() {
  kill ${PIDS:-} 2>/dev/null || true
  wait 2>/dev/null || true
  psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# 1. A database for Hearth.
psql_admin "CREATE DATABASE $DB"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export HEARTH_DB_MAX_CONNECTIONS=10 HEARTH_DB_ACQUIRE_TIMEOUT=5 HEARTH_DB_STATEMENT_TIMEOUT=30
export HEARTH_PLAYGROUND=false HEARTH_INTROSPECTION=false HEARTH_RATE_LIMIT=600

# 2. Migrations, once, before the new version serves (instances starting together also agree).
"$HEARTH" migrate

# 3. Two instances.
PORT_A=$((20000 + $$ % 10000)); PORT_B=$((PORT_A + 1))
HEARTH_BIND="127.0.0.1:$PORT_A" "$HEARTH" serve 2>/tmp/hearth-smoke-a.log & PIDS="$!"
HEARTH_BIND="127.0.0.1:$PORT_B" "$HEARTH" serve 2>/tmp/hearth-smoke-b.log & PIDS="$PIDS $!"
for port in $PORT_A $PORT_B; do
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.1
  done
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "instance on $port not ready"; exit 1; }
done

# 4. An administrator's token.
TOKEN=$("$HEARTH" create-admin --email ops@example.org | tail -1)

# 5. Both instances answer with the same data; the playground is off.
for port in $PORT_A $PORT_B; do
  answer=$(curl -fs "http://127.0.0.1:$port/graphql" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{"query":"{ me { role organization { name } } }"}')
  echo "$answer" | grep -q '"role":"ADMIN"' || { echo "unexpected answer on $port: $answer"; exit 1; }
  status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: text/html' "http://127.0.0.1:$port/graphql")
  [ "$status" = 404 ] || { echo "playground answered $status on $port"; exit 1; }
done

# 6. Stop gracefully: SIGTERM, and each instance exits 0.
for pid in $PIDS; do
  kill -TERM "$pid"
  wait "$pid" || { echo "instance $pid did not stop cleanly"; exit 1; }
done
PIDS=""
echo "production smoke test: 2 passed, 0 failed"
