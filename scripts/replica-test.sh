#!/usr/bin/env bash
# HEARTH_READ_REPLICA_URL against a real streaming replica: makes a PostgreSQL primary and a hot
# standby of its own (Debian's binaries, temporary data directories, free ports, the `postgres` OS
# user when run as root), runs tests/replica.rs against them, and stops and removes both at the end.
# The machine's own cluster (port 5432) is never touched. CI runs it; it exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$PG_BIN/initdb" ] || { echo "no PostgreSQL binaries under /usr/lib/postgresql/*/bin"; exit 1; }

WORK="$(mktemp -d /tmp/hearth-replica.XXXXXX)"
# PostgreSQL refuses to run as root: as root, the clusters belong to the postgres user.
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$WORK"
  as_pg() { (cd "$WORK" && runuser -u postgres -- "$@"); }
else
  as_pg() { (cd "$WORK" && "$@"); }
fi

cleanup() {
  status=$?
  for cluster in standby primary; do
    if [ -f "$WORK/$cluster/postmaster.pid" ]; then
      as_pg "$PG_BIN/pg_ctl" -D "$WORK/$cluster" -m immediate -w stop >/dev/null 2>&1 || true
    fi
  done
  if [ "$status" != 0 ]; then
    for log in "$WORK"/*.log; do
      [ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }
    done
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

# A port nothing listens on (checked by connecting), from a range away from the usual services.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((30000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && [ "$port" != "${1:-}" ]; then
      echo "$port"
      return
    fi
  done
  echo "no free port found" >&2
  return 1
}
PRIMARY_PORT="$(free_port)"
STANDBY_PORT="$(free_port "$PRIMARY_PORT")"

psql_at() {
  local port="$1"; shift
  "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAc "$@"
}

echo "primary on 127.0.0.1:$PRIMARY_PORT, hot standby on 127.0.0.1:$STANDBY_PORT ($WORK)"
as_pg "$PG_BIN/initdb" -D "$WORK/primary" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
cat >>"$WORK/primary/postgresql.conf" <<EOF
port = $PRIMARY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
EOF
# The standby streams as postgres over TCP; trust, as every connection of this throwaway pair.
echo "host replication postgres 127.0.0.1/32 trust" >>"$WORK/primary/pg_hba.conf"
as_pg "$PG_BIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w start >/dev/null

# -R writes standby.signal and primary_conninfo: the copy starts as a streaming hot standby.
as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$WORK/standby" \
  -R -X stream --checkpoint=fast
echo "port = $STANDBY_PORT" >>"$WORK/standby/postgresql.conf"
as_pg "$PG_BIN/pg_ctl" -D "$WORK/standby" -l "$WORK/standby.log" -w start >/dev/null
[ "$(psql_at "$STANDBY_PORT" "SELECT pg_is_in_recovery()")" = t ] \
  || { echo "the standby is not in recovery"; exit 1; }

# Hearth's database, made on the primary; the standby has it once it has replayed that far.
psql_at "$PRIMARY_PORT" "CREATE DATABASE hearth"
for _ in $(seq 1 300); do
  [ "$(psql_at "$STANDBY_PORT" "SELECT count(*) FROM pg_database WHERE datname = 'hearth'")" = 1 ] && break
  sleep 0.1
done

HEARTH_TEST_PRIMARY_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT/hearth" \
HEARTH_TEST_REPLICA_URL="postgres://postgres@127.0.0.1:$STANDBY_PORT/hearth" \
  cargo test --locked --test replica -- --ignored
