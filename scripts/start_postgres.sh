#!/usr/bin/env bash
# Start the local PostgreSQL server (Debian's packages) for the tests, and make
#   postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres
# work, as a throwaway test server (durability off, see below). Safe to run any number of times: it creates the cluster only if there is
# none, starts it only if it is down, and (re)sets the password every time.
# Needs root (or sudo) and the `postgresql` package. Prints the URL last.
set -euo pipefail

PORT=5432
PASSWORD=postgres
URL="postgresql+psycopg://postgres:${PASSWORD}@127.0.0.1:${PORT}/postgres"

log() { echo "[start_postgres] $*" >&2; }

as_postgres() {
    # cd / so that psql & co. do not complain about an unreadable working directory
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && sudo -u postgres -- "$@")
    fi
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -- "$@"; fi
}

# The newest installed server version, e.g. 15.
VERSION=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null \
    | awk -F/ '{print $5}' | sort -V | tail -n 1)
if [ -z "$VERSION" ]; then
    log "no PostgreSQL server under /usr/lib/postgresql: apt-get install -y postgresql"
    exit 1
fi
log "PostgreSQL server version $VERSION"

cluster_field() {  # cluster_field N: column N of `pg_lsclusters` for $VERSION/main, or empty
    pg_lsclusters -h 2>/dev/null | awk -v v="$VERSION" -v n="$1" '$1 == v && $2 == "main" {print $n}'
}

if [ -z "$(cluster_field 2)" ]; then
    log "no cluster $VERSION/main: pg_createcluster $VERSION main --port $PORT"
    as_root pg_createcluster "$VERSION" main --port "$PORT" >&2
fi

# The socket directory lives on /run, which may have been emptied since boot.
as_root install -d -o postgres -g postgres -m 2775 /var/run/postgresql

status=$(cluster_field 4)
port=$(cluster_field 3)
if [ "$port" != "$PORT" ]; then
    if [ "$status" = "down" ]; then
        log "cluster $VERSION/main is set to port $port: setting it to $PORT"
        as_root pg_conftool "$VERSION" main set port "$PORT" >&2
    else
        log "cluster $VERSION/main is running on port $port, not $PORT: stop it first"
        exit 1
    fi
fi

case "$status" in
    online*)
        log "cluster $VERSION/main is already running"
        ;;
    *)
        log "pg_ctlcluster $VERSION main start"
        if ! as_root pg_ctlcluster "$VERSION" main start >&2; then
            log "start failed; the end of its log:"
            tail -n 30 "/var/log/postgresql/postgresql-$VERSION-main.log" >&2 || true
            exit 1
        fi
        ;;
esac

log "waiting for pg_isready on 127.0.0.1:$PORT"
for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$PORT"; then
        break
    fi
    sleep 1
done
if ! pg_isready -h 127.0.0.1 -p "$PORT" >&2; then
    log "server did not become ready in 60 s; the end of its log:"
    tail -n 30 "/var/log/postgresql/postgresql-$VERSION-main.log" >&2 || true
    exit 1
fi

# Local TCP connections use scram-sha-256 in Debian's pg_hba.conf: give the
# superuser a known password (over the Unix socket, where peer auth lets us in).
log "setting the password of user postgres"
as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" \
    -c "ALTER USER postgres PASSWORD '${PASSWORD}'"

# A server for tests, thrown away after: it need not survive a power cut, so commits do not wait for the
# disk (about a third off the PostgreSQL test run). Set BREAKTHROUGH_PG_DURABLE=1 to keep the defaults.
if [ "${BREAKTHROUGH_PG_DURABLE:-0}" = "1" ]; then
    DURABLE=on
else
    DURABLE=off
fi
log "test server: fsync, synchronous_commit and full_page_writes $DURABLE"
as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" \
    -c "ALTER SYSTEM SET fsync = $DURABLE" \
    -c "ALTER SYSTEM SET synchronous_commit = $DURABLE" \
    -c "ALTER SYSTEM SET full_page_writes = $DURABLE" \
    -c "SELECT pg_reload_conf()" >/dev/null

log "checking a TCP login as postgres@127.0.0.1:$PORT"
PGPASSWORD="$PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
    -tA -c "SELECT 'connected to ' || version()" >&2

echo "$URL"
