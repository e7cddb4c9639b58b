# shellcheck shell=bash
# Test services for CI: PostgreSQL and an S3 server (versitygw).
#
# Sourced by .ci/run (not executed): it defines functions and, through
# start_services, exports the OPUS_TEST_* variables that internal/testsvc reads
# and installs an EXIT trap that stops both services, whatever the outcome.
#
#   OPUS_TEST_POSTGRES_DSN   postgres://opus@127.0.0.1:PORT/opus?sslmode=disable
#   OPUS_TEST_S3_ENDPOINT    http://127.0.0.1:PORT
#   OPUS_TEST_S3_ACCESS_KEY  OPUS_TEST_S3_SECRET_KEY  OPUS_TEST_S3_REGION (us-east-1)
#
# versitygw is installed into a private GOBIN that is put first on PATH, so
# tests that start their own gateway (testsvc.StartVersityGW) find it.

VERSITYGW_MODULE="github.com/versity/versitygw/cmd/versitygw@v1.8.0"
SVC_PG_USER_OS="opus-pg" # unprivileged OS user that owns the cluster when we run as root
SVC_PG_ROLE="opus"       # PostgreSQL superuser role in the DSN
SVC_START_TIMEOUT=60     # seconds to wait for a service to answer
SVC_PORT_ATTEMPTS=5      # ports to try when the one picked is taken before we bind it

SVC_DIR=""
SVC_PG_BIN=""
SVC_PG_DATA=""
SVC_PG_STARTED=0
SVC_VGW_PID=""
SVC_LOGS_SHOWN=0

svc_log() { echo "== services: $*"; }

svc_die() {
  SVC_LOGS_SHOWN=1 # whoever fails has printed the log that explains it
  echo "== services: FAILED: $*" >&2
  exit 1
}

# svc_dump_log TITLE FILE: print the end of a service log on stderr.
svc_dump_log() {
  [ -f "$2" ] || { echo "--- $1: no log at $2" >&2; return 0; }
  echo "--- $1 ($2, last 200 lines)" >&2
  tail -n 200 "$2" >&2 || true
  echo "--- end of $1" >&2
}

# svc_port_free PORT: true if nothing answers on 127.0.0.1:PORT.
svc_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# svc_pick_port FIRST: print the first free port in FIRST..FIRST+199.
svc_pick_port() {
  local p
  for ((p = $1; p < $1 + 200; p++)); do
    if svc_port_free "$p"; then echo "$p"; return 0; fi
  done
  return 1
}

# svc_listens PID PORT: true if process PID listens on PORT (always true
# without ss: the HTTP check alone then decides).
svc_listens() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltnp "sport = :$2" 2>/dev/null | grep -q "pid=$1,"
}

# svc_as_pg CMD...: run CMD as the OS user that owns the cluster.
svc_as_pg() {
  if [ "$(id -u)" = 0 ]; then
    (cd "$SVC_DIR" && runuser -u "$SVC_PG_USER_OS" -- "$@")
  else
    (cd "$SVC_DIR" && "$@")
  fi
}

svc_find_pg_bin() {
  local initdb t
  initdb=$(command -v initdb 2>/dev/null || true)
  if [ -z "$initdb" ]; then
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  [ -n "$initdb" ] || svc_die "PostgreSQL not found: no initdb on PATH or in /usr/lib/postgresql/*/bin"
  SVC_PG_BIN=$(dirname "$(readlink -f "$initdb")")
  for t in postgres initdb pg_ctl pg_isready psql; do
    [ -x "$SVC_PG_BIN/$t" ] || svc_die "PostgreSQL tool $SVC_PG_BIN/$t is missing"
  done
}

start_postgres() {
  local port log attempt i
  svc_find_pg_bin
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root.
    if ! id -u "$SVC_PG_USER_OS" >/dev/null 2>&1; then
      svc_log "creating OS user $SVC_PG_USER_OS for PostgreSQL"
      useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$SVC_PG_USER_OS" ||
        id -u "$SVC_PG_USER_OS" >/dev/null 2>&1 || svc_die "cannot create OS user $SVC_PG_USER_OS"
    fi
  fi

  SVC_PG_DATA="$SVC_DIR/pg/data"
  log="$SVC_DIR/pg/postgres.log"
  mkdir -p "$SVC_DIR/pg/sock"
  if [ "$(id -u)" = 0 ]; then chown -R "$SVC_PG_USER_OS:" "$SVC_DIR/pg"; fi

  svc_log "$("$SVC_PG_BIN/postgres" --version): initdb in $SVC_PG_DATA"
  if ! svc_as_pg "$SVC_PG_BIN/initdb" -D "$SVC_PG_DATA" -U "$SVC_PG_ROLE" -A trust -E UTF8 \
    --locale=C --no-sync >"$SVC_DIR/pg/initdb.log" 2>&1; then
    svc_dump_log "initdb log" "$SVC_DIR/pg/initdb.log"
    svc_die "initdb failed"
  fi
  # Test-only settings: loopback TCP, trust auth (initdb -A trust), socket in
  # our temp dir, no durability (the cluster is thrown away). The port goes on
  # the pg_ctl command line so that a retry can take another one.
  {
    echo ""
    echo "# added by .ci/services.sh"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$SVC_DIR/pg/sock'"
    echo "max_connections = 200"
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
  } >>"$SVC_PG_DATA/postgresql.conf"

  # A port free when we look may be taken before PostgreSQL binds it (another
  # job on the machine): then try the next one.
  port=55432
  for ((attempt = 1; ; attempt++)); do
    port=$(svc_pick_port "$port") || svc_die "no free port for PostgreSQL from 55432"
    svc_log "starting PostgreSQL on 127.0.0.1:$port"
    SVC_PG_STARTED=1
    if svc_as_pg "$SVC_PG_BIN/pg_ctl" -D "$SVC_PG_DATA" -l "$log" -o "-p $port" \
      -w -t "$SVC_START_TIMEOUT" start >"$SVC_DIR/pg/pg_ctl.log" 2>&1; then
      break
    fi
    SVC_PG_STARTED=0
    if [ "$attempt" -lt "$SVC_PORT_ATTEMPTS" ] && grep -q "Address already in use" "$log" 2>/dev/null; then
      svc_log "port $port was taken meanwhile, trying another"
      mv "$log" "$log.$attempt"
      port=$((port + 1))
      continue
    fi
    svc_dump_log "pg_ctl output" "$SVC_DIR/pg/pg_ctl.log"
    svc_dump_log "PostgreSQL log" "$log"
    svc_die "PostgreSQL did not start"
  done

  for ((i = 0; i < SVC_START_TIMEOUT * 2; i++)); do
    "$SVC_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$SVC_PG_ROLE" -d postgres && break
    sleep 0.5
  done
  if ! "$SVC_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$SVC_PG_ROLE" -d postgres; then
    svc_dump_log "PostgreSQL log" "$log"
    svc_die "PostgreSQL does not accept TCP connections on 127.0.0.1:$port"
  fi
  if ! "$SVC_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$SVC_PG_ROLE" -d postgres \
    -c "CREATE DATABASE opus" >"$SVC_DIR/pg/createdb.log" 2>&1; then
    svc_dump_log "CREATE DATABASE output" "$SVC_DIR/pg/createdb.log"
    svc_dump_log "PostgreSQL log" "$log"
    svc_die "cannot create database opus"
  fi
  export OPUS_TEST_POSTGRES_DSN="postgres://$SVC_PG_ROLE@127.0.0.1:$port/opus?sslmode=disable"
  svc_log "PostgreSQL ready: OPUS_TEST_POSTGRES_DSN=$OPUS_TEST_POSTGRES_DSN"
}

install_versitygw() {
  local t0 t1
  mkdir -p "$SVC_DIR/bin"
  svc_log "installing $VERSITYGW_MODULE (about 2 minutes on a cold build cache)"
  t0=$(date +%s)
  # Outside the module and with GOFLAGS cleared, so nothing of ours (-mod,
  # go.work, ...) leaks into this build.
  if ! (cd "$SVC_DIR" && GOFLAGS= GOWORK=off GOBIN="$SVC_DIR/bin" go install "$VERSITYGW_MODULE"); then
    svc_die "go install $VERSITYGW_MODULE failed"
  fi
  t1=$(date +%s)
  svc_log "versitygw installed in $((t1 - t0))s"
  export PATH="$SVC_DIR/bin:$PATH"
}

start_versitygw() {
  local port log data i code attempt
  install_versitygw
  data="$SVC_DIR/s3/data"
  log="$SVC_DIR/s3/versitygw.log"
  mkdir -p "$data"
  export OPUS_TEST_S3_ACCESS_KEY="opus-ci-access"
  export OPUS_TEST_S3_SECRET_KEY="opus-ci-secret-$(od -An -N8 -tx8 /dev/urandom | tr -d ' \n')"
  export OPUS_TEST_S3_REGION="us-east-1"

  port=57070
  for ((attempt = 1; ; attempt++)); do
    port=$(svc_pick_port "$port") || svc_die "no free port for versitygw from 57070"
    svc_log "starting versitygw on 127.0.0.1:$port (posix backend in $data)"
    # Credentials through the environment (ROOT_ACCESS_KEY / ROOT_SECRET_KEY)
    # rather than the command line, so they do not show in ps.
    ROOT_ACCESS_KEY="$OPUS_TEST_S3_ACCESS_KEY" ROOT_SECRET_KEY="$OPUS_TEST_S3_SECRET_KEY" \
      "$SVC_DIR/bin/versitygw" --quiet --port "127.0.0.1:$port" --region "$OPUS_TEST_S3_REGION" \
      posix "$data" </dev/null >"$log" 2>&1 &
    SVC_VGW_PID=$!

    # Ready when our process listens on the port and answers HTTP (an
    # anonymous request gets 403 AccessDenied).
    code=000
    for ((i = 0; i < SVC_START_TIMEOUT * 4; i++)); do
      kill -0 "$SVC_VGW_PID" 2>/dev/null || break
      if svc_listens "$SVC_VGW_PID" "$port"; then
        code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null || true)
        if [ -n "$code" ] && [ "$code" != 000 ]; then break; fi
      fi
      sleep 0.25
    done
    if kill -0 "$SVC_VGW_PID" 2>/dev/null; then
      if [ -n "$code" ] && [ "$code" != 000 ]; then break; fi
      svc_dump_log "versitygw log" "$log"
      svc_die "versitygw does not answer HTTP on 127.0.0.1:$port after ${SVC_START_TIMEOUT}s"
    fi
    wait "$SVC_VGW_PID" 2>/dev/null || true
    SVC_VGW_PID=""
    if [ "$attempt" -lt "$SVC_PORT_ATTEMPTS" ] && grep -q "address already in use" "$log" 2>/dev/null; then
      svc_log "port $port was taken meanwhile, trying another"
      mv "$log" "$log.$attempt"
      port=$((port + 1))
      continue
    fi
    svc_dump_log "versitygw log" "$log"
    svc_die "versitygw exited during startup"
  done
  export OPUS_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
  svc_log "versitygw ready (pid $SVC_VGW_PID, HTTP $code): OPUS_TEST_S3_ENDPOINT=$OPUS_TEST_S3_ENDPOINT"
}

# stop_services: the EXIT trap. Never fails; keeps the script's exit status.
stop_services() {
  local rc=$? i f
  set +e
  if [ -n "$SVC_VGW_PID" ]; then
    svc_log "stopping versitygw (pid $SVC_VGW_PID)"
    kill "$SVC_VGW_PID" 2>/dev/null
    for ((i = 0; i < 40; i++)); do kill -0 "$SVC_VGW_PID" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$SVC_VGW_PID" 2>/dev/null
    wait "$SVC_VGW_PID" 2>/dev/null
    SVC_VGW_PID=""
  fi
  if [ "$SVC_PG_STARTED" = 1 ]; then
    svc_log "stopping PostgreSQL"
    svc_as_pg "$SVC_PG_BIN/pg_ctl" -D "$SVC_PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      svc_as_pg "$SVC_PG_BIN/pg_ctl" -D "$SVC_PG_DATA" -m immediate -w -t 30 stop >/dev/null 2>&1
    SVC_PG_STARTED=0
  fi
  if [ -n "$SVC_DIR" ] && [ -d "$SVC_DIR" ]; then
    if [ "$rc" != 0 ] && [ "$SVC_LOGS_SHOWN" = 0 ]; then
      # A red run: show what the services said, it may be why.
      for f in "$SVC_DIR/pg/postgres.log" "$SVC_DIR/s3/versitygw.log"; do
        if [ -s "$f" ]; then svc_dump_log "$(basename "$f")" "$f" 2>&1 | tail -n 40 >&2; fi
      done
    fi
    rm -rf "$SVC_DIR"
  fi
  return "$rc"
}

# start_services: start PostgreSQL and versitygw, export OPUS_TEST_*, and
# arrange for both to stop when the calling script exits.
start_services() {
  # As root the cluster runs as another OS user, who must be able to reach
  # the data dir: use /tmp then, not a TMPDIR that may sit under /root.
  local tmp="${TMPDIR:-/tmp}"
  if [ "$(id -u)" = 0 ]; then tmp=/tmp; fi
  SVC_DIR=$(mktemp -d "$tmp/opus-ci-services.XXXXXX")
  chmod 755 "$SVC_DIR"
  trap stop_services EXIT
  # Turn signals into an ordinary exit so that the EXIT trap runs.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  start_postgres
  start_versitygw
}
