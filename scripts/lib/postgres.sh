# Makes sure a PostgreSQL server is reachable and a database exists.
# Uses $CLINICVETTING_DB when set; otherwise a project-local cluster under .data/postgres
# started from the installed binaries (apt-get installs them when missing and we are root).
# shellcheck shell=bash

PG_PORT="${CLINICVETTING_PG_PORT:-55432}"
PG_USER="clinicvetting"
PG_PASSWORD="clinicvetting"
PG_DATA="$DATA_DIR/postgres"
PG_LOG="$DATA_DIR/postgres.log"
PG_SOCKET_DIR="/tmp"

pg_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

as_owner() {
  # The server refuses to run as root: run cluster commands as the postgres user then.
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_postgres() {
  [ "$(id -u)" = "0" ] || die "PostgreSQL binaries are missing: install the 'postgresql' package (as root: apt-get install postgresql) or set CLINICVETTING_DB."
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL binaries are missing and apt-get is not available: install PostgreSQL or set CLINICVETTING_DB."
  step "Installing PostgreSQL with apt-get (first run on this machine)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || die "apt-get install postgresql failed."
  ok "installed $(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
}

pg_local_connection() {
  echo "Host=127.0.0.1;Port=$PG_PORT;Database=$1;Username=$PG_USER;Password=$PG_PASSWORD"
}

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1; }

ensure_local_cluster() {
  PG_BIN="$(pg_bin_dir)" || true
  if [ -z "${PG_BIN:-}" ]; then install_postgres; PG_BIN="$(pg_bin_dir)"; fi
  [ -n "${PG_BIN:-}" ] || die "No PostgreSQL binaries found under /usr/lib/postgresql."

  if pg_ready; then
    ok "PostgreSQL already running on 127.0.0.1:$PG_PORT"
    return
  fi

  if [ "$(id -u)" = "0" ] && ! runuser -u postgres -- test -w "$DATA_DIR" 2>/dev/null; then
    # The postgres user must be able to reach the data folder; hand it .data (and let it through the parents).
    chown postgres "$DATA_DIR"
    local d="$DATA_DIR"
    while [ "$d" != "/" ]; do d="$(dirname "$d")"; runuser -u postgres -- test -x "$d" 2>/dev/null || chmod o+x "$d"; done
  fi

  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    step "Creating a local PostgreSQL cluster in .data/postgres"
    mkdir -p "$PG_DATA"
    [ "$(id -u)" = "0" ] && chown postgres "$PG_DATA"
    chmod 700 "$PG_DATA"
    local pwfile="$DATA_DIR/.pgpass-init"
    echo "$PG_PASSWORD" > "$pwfile"
    [ "$(id -u)" = "0" ] && chown postgres "$pwfile"
    as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --pwfile="$pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$DATA_DIR/initdb.log" 2>&1 \
      || { rm -f "$pwfile"; cat "$DATA_DIR/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pwfile"
    cat >> "$PG_DATA/postgresql.conf" <<CONF
# ClinicVetting development cluster
max_connections = 300
shared_buffers = 256MB
CONF
    ok "cluster created"
  fi

  # Which statements cost what (issue 17's profiles): pg_stat_statements, on clusters created before it too (at their next start).
  if ! as_owner grep -q "^shared_preload_libraries = 'pg_stat_statements'" "$PG_DATA/postgresql.conf"; then
    as_owner sh -c "printf '%s\\n' \"shared_preload_libraries = 'pg_stat_statements'\" 'pg_stat_statements.track = all' 'pg_stat_statements.track_planning = on' >> '$PG_DATA/postgresql.conf'"
  fi

  step "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
  touch "$PG_LOG"; [ "$(id -u)" = "0" ] && chown postgres "$PG_LOG"
  as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_SOCKET_DIR" -w -t 60 start >/dev/null \
    || { tail -n 20 "$PG_LOG" >&2; die "PostgreSQL did not start (log: $PG_LOG)"; }
  ok "PostgreSQL running"
}

ensure_database() {
  local db="$1"
  local exists
  exists="$(PGPASSWORD="$PG_PASSWORD" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc \
    "select 1 from pg_database where datname = '$db'")"
  if [ "$exists" != "1" ]; then
    PGPASSWORD="$PG_PASSWORD" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -q -c "create database \"$db\"" \
      || die "could not create database $db"
    ok "database $db created"
  fi
}

# ensure_postgres DBNAME: exports CLINICVETTING_CONNECTION for the app.
ensure_postgres() {
  local db="$1"
  if [ -n "${CLINICVETTING_DB:-}" ]; then
    ok "Using the database from CLINICVETTING_DB"
    export CLINICVETTING_CONNECTION="$CLINICVETTING_DB"
    return
  fi
  ensure_local_cluster
  ensure_database "$db"
  export CLINICVETTING_CONNECTION
  CLINICVETTING_CONNECTION="$(pg_local_connection "$db")"
}

stop_local_cluster() {
  PG_BIN="$(pg_bin_dir)" || die "No PostgreSQL binaries found."
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && ok "PostgreSQL stopped"
  else
    ok "PostgreSQL is not running"
  fi
}
