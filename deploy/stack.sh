#!/usr/bin/env bash
# Sinergi local stack without Docker: a real PostgreSQL (Debian packages, a
# dedicated cluster "sinergi") and a real single-node Kafka broker in KRaft mode
# (Apache Kafka server jars from Maven Central, run with the machine's Java).
#
# Usage: deploy/stack.sh <command>
#   up            pg-start + kafka-start (installs what is missing; idempotent)
#   down          kafka-stop + pg-stop
#   status        print the state of both; exit 0 only if both are up
#   pg-start      install/create/configure/start Postgres, ensure role + databases
#   pg-stop       stop the Postgres cluster (fast shutdown)
#   pg-restart    restart the Postgres cluster (fast shutdown, then start)
#   kafka-start   fetch jars if needed, format storage once, start the broker
#   kafka-stop    graceful stop (SIGTERM), waits for the process to exit
#   kafka-kill    SIGKILL the broker (fault injection), waits for it to be gone
#   kafka-reset   stop the broker, delete its data (every topic), format and start
#                 again: a fresh broker, e.g. before benchmarks (test runs leave
#                 thousands of prefixed topics behind, and the broker's CPU grows)
#   cluster-up      a three-node KRaft cluster beside the single broker (idempotent): nodes 1-3,
#                   each broker+controller, on 127.0.0.1:19092 / 19192 / 19292 (controllers on
#                   19093 / 19193 / 19293, TLS on 19094 / 19194 / 19294), the same users, ACLs and CA
#                   as the single broker; replication factor 3, min.insync.replicas 2; data, logs and
#                   pid files in .stack/cluster/node<N>/ (tests/cluster, `make cluster-test`)
#   cluster-down    stop the three nodes (SIGTERM, then SIGKILL after 60 s)
#   cluster-status  print the state of each node; exit 0 only if all three are up
#   cluster-kill N  SIGKILL node N (fault injection)
#   cluster-stop N  stop node N gracefully
#   cluster-start N start node N again (the other two keep the quorum)
#   cluster-reset   cluster-down, delete the cluster's data, cluster-up
#
# Endpoints:
#   Postgres  127.0.0.1:55432  user sinergi / password sinergi (superuser)
#             databases sinergi_registry, sinergi_enrollment, sinergi_funding
#   Kafka     127.0.0.1:9092 (SASL_PLAINTEXT, SCRAM-SHA-512; admin / sinergi-admin-local is a super user;
#             the services' and agencies' users and ACLs come from `sinergi kafka setup` / `kafka grant`),
#             controller on 127.0.0.1:9093 (SASL PLAIN); the same users over TLS (SASL_SSL) on
#             127.0.0.1:9094, its CA in .stack/kafka/tls/ca.pem
# Optional overrides (e.g. a second stack on one machine): SINERGI_PG_PORT,
# SINERGI_KAFKA_PORT, SINERGI_KAFKA_CONTROLLER_PORT, SINERGI_KAFKA_HEAP (512m),
# SINERGI_KAFKA_ADMIN_PASSWORD, SINERGI_KAFKA_CONTROLLER_PASSWORD; for the cluster SINERGI_CLUSTER_PORT
# (19092: node N listens on it + 100 * (N - 1), its controller on +1, TLS on +2) and SINERGI_CLUSTER_HEAP (512m).
#
# Everything the stack creates for Kafka (jars, data, logs, pid) lives under
# <repo>/.stack/. Postgres is a Debian cluster (/etc/postgresql/<ver>/sinergi,
# data in /var/lib/postgresql/<ver>/sinergi, log in /var/log/postgresql/).
set -Eeuo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"
STACK_DIR="$REPO_ROOT/.stack"
LOG_DIR="$STACK_DIR/logs"

# ---- Postgres settings ------------------------------------------------------
PG_CLUSTER=sinergi
PG_HOST=127.0.0.1
PG_PORT="${SINERGI_PG_PORT:-55432}"
PG_USER=sinergi
PG_PASSWORD=sinergi
PG_DATABASES=(sinergi_registry sinergi_enrollment sinergi_funding)
PG_WAIT_SECONDS=30

# ---- Kafka settings ---------------------------------------------------------
KAFKA_HOST=127.0.0.1
KAFKA_PORT="${SINERGI_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${SINERGI_KAFKA_CONTROLLER_PORT:-9093}"
# The same principals over TLS (SASL_SSL), as production runs it, with a CA and certificate made here.
KAFKA_TLS_PORT="${SINERGI_KAFKA_TLS_PORT:-9094}"
KAFKA_POM="$SCRIPT_DIR/kafka/pom.xml"
KAFKA_LOG4J="$SCRIPT_DIR/kafka/log4j2.xml"
KAFKA_HOME="$STACK_DIR/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs"
# kafka_paths: where the broker of $KAFKA_HOME keeps its data, configuration, pid and log (cluster_node
# points them at a node of the cluster).
kafka_paths() {
  KAFKA_DATA="$KAFKA_HOME/data"
  KAFKA_CONF="$KAFKA_HOME/server.properties"
  KAFKA_PIDFILE="$KAFKA_HOME/kafka.pid"
  KAFKA_READYFILE="$KAFKA_HOME/kafka.ready"
  KAFKA_LOG="$KAFKA_HOME/server.log"
  # Written once the storage was formatted with the admin's SCRAM credentials; data formatted before
  # authentication existed has no admin and is formatted again.
  KAFKA_AUTH_MARK="$KAFKA_DATA/.scram-admin"
}
kafka_paths
KAFKA_CLUSTER_ID_FILE="$KAFKA_HOME/cluster.id"
KAFKA_HEAP="${SINERGI_KAFKA_HEAP:-512m}"
# The single broker is its own quorum and keeps one copy of each partition.
KAFKA_NODE_ID=1
KAFKA_QUORUM_VOTERS="1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT"
KAFKA_REPLICAS=1
KAFKA_MIN_ISR=1
# The local stack's fixed demo secrets (SPEC §9, local mode); production brokers get their own.
KAFKA_ADMIN_USER=admin
KAFKA_ADMIN_PASSWORD="${SINERGI_KAFKA_ADMIN_PASSWORD:-sinergi-admin-local}"
KAFKA_CONTROLLER_USER=controller
KAFKA_CONTROLLER_PASSWORD="${SINERGI_KAFKA_CONTROLLER_PASSWORD:-sinergi-controller-local}"
KAFKA_TLS_DIR="$KAFKA_HOME/tls"
KAFKA_START_WAIT_SECONDS=60
KAFKA_STOP_WAIT_SECONDS=60

# ---- Kafka cluster settings (cluster-*) ----------------------------------------
CLUSTER_DIR="$STACK_DIR/cluster"
CLUSTER_NODES=(1 2 3)
CLUSTER_PORT="${SINERGI_CLUSTER_PORT:-19092}"
CLUSTER_HEAP="${SINERGI_CLUSTER_HEAP:-512m}"

# ---- output helpers ---------------------------------------------------------
say()  { printf '[stack] %s\n' "$*"; }
warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }

# fail MESSAGE [LOGFILE]: print the message, the log path and its tail; exit 1.
fail() {
  local msg="$1" logfile="${2:-}"
  printf '[stack] ERROR: %s\n' "$msg" >&2
  if [[ -n "$logfile" ]]; then
    printf '[stack] log: %s\n' "$logfile" >&2
    if [[ -r "$logfile" ]]; then
      printf '[stack] ---- last lines of %s ----\n' "$logfile" >&2
      tail -n 40 "$logfile" >&2 || true
      printf '[stack] ---- end of log ----\n' >&2
    fi
  fi
  exit 1
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" >/dev/null 2>&1
}

# port_owner PORT: best-effort description of who listens on PORT.
port_owner() {
  if command -v ss >/dev/null 2>&1; then
    ss -ltnpH "sport = :$1" 2>/dev/null | sed 's/^/    /' || true
  fi
}

# ---- apt --------------------------------------------------------------------
APT_UPDATED=0
apt_install() {
  is_root || fail "need to install '$*' but not running as root; install it (apt-get install -y $*) or rerun as root"
  command -v apt-get >/dev/null 2>&1 || fail "need '$*' but apt-get is not available on this machine"
  mkdir -p "$LOG_DIR"
  local log="$LOG_DIR/apt.log"
  if [[ "$APT_UPDATED" -eq 0 ]]; then
    say "apt-get update ..."
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$log" 2>&1 \
      || fail "apt-get update failed" "$log"
    APT_UPDATED=1
  fi
  say "apt-get install -y $* ..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 "$@" </dev/null >>"$log" 2>&1 9>&- \
    || fail "apt-get install $* failed" "$log"
}

# ---- locking ----------------------------------------------------------------
# Serialize mutating subcommands (two concurrent `up`s must not both start a
# broker). fd 9 is closed for every daemon we launch so they don't hold it.
# take_lock [FILE]: the cluster has its own lock, so its faults never wait for the single broker's.
take_lock() {
  local lock="${1:-$STACK_DIR/.lock}"
  mkdir -p "$STACK_DIR" "$LOG_DIR" "$(dirname "$lock")"
  exec 9>"$lock"
  if ! flock -w 900 9; then
    fail "another deploy/stack.sh is still running (lock $lock held for 900 s)"
  fi
}

ensure_gitignore() {
  local gi="$REPO_ROOT/.gitignore"
  if [[ ! -f "$gi" ]] || ! grep -qxF '.stack/' "$gi"; then
    if [[ -s "$gi" && -n "$(tail -c1 "$gi")" ]]; then printf '\n' >>"$gi"; fi
    printf '.stack/\n' >>"$gi"
  fi
}

# =============================================================================
# Postgres
# =============================================================================
PG_VER=""

pg_server_versions() {
  local d
  for d in /usr/lib/postgresql/*/bin/postgres; do
    [[ -x "$d" ]] || continue
    d="${d#/usr/lib/postgresql/}"
    printf '%s\n' "${d%%/*}"
  done | sort -V
}

pg_installed() {
  command -v pg_createcluster >/dev/null 2>&1 \
    && command -v pg_ctlcluster >/dev/null 2>&1 \
    && command -v pg_isready >/dev/null 2>&1 \
    && command -v psql >/dev/null 2>&1 \
    && [[ -n "$(pg_server_versions)" ]]
}

ensure_pg_installed() {
  if ! pg_installed; then
    apt_install postgresql postgresql-contrib
    pg_installed || fail "postgresql was installed but its server binaries are still missing" "$LOG_DIR/apt.log"
  fi
}

# Version of the existing "sinergi" cluster, else the newest installed server.
pg_detect_version() {
  local existing
  existing="$(pg_lsclusters -h 2>/dev/null | awk -v c="$PG_CLUSTER" '$2==c {print $1}' | sort -V | tail -n1)"
  if [[ -n "$existing" && -x "/usr/lib/postgresql/$existing/bin/postgres" ]]; then
    PG_VER="$existing"
  else
    PG_VER="$(pg_server_versions | tail -n1)"
  fi
  [[ -n "$PG_VER" ]] || fail "no PostgreSQL server version found under /usr/lib/postgresql"
}

pg_cluster_exists() {
  [[ -n "$PG_VER" ]] && pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VER" -v c="$PG_CLUSTER" '$1==v && $2==c {f=1} END {exit !f}'
}

pg_cluster_online() {
  pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VER" -v c="$PG_CLUSTER" '$1==v && $2==c && $4 ~ /^online/ {f=1} END {exit !f}'
}

pg_logfile() { printf '/var/log/postgresql/postgresql-%s-%s.log' "$PG_VER" "$PG_CLUSTER"; }

pg_accepting() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2 >/dev/null 2>&1; }

as_postgres() {
  if is_root; then
    runuser -u postgres -- "$@"
  elif [[ "$(id -un)" == postgres ]]; then
    "$@"
  else
    sudo -n -u postgres -- "$@"
  fi
}

pg_admin_psql() {
  # Admin commands over the local unix socket as the postgres superuser.
  as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres "$@"
}

ensure_pg_cluster() {
  if ! pg_cluster_exists; then
    say "creating PostgreSQL $PG_VER cluster '$PG_CLUSTER' on port $PG_PORT ..."
    pg_createcluster --encoding UTF8 --locale C.UTF-8 --port "$PG_PORT" \
      "$PG_VER" "$PG_CLUSTER" >>"$LOG_DIR/pg_createcluster.log" 2>&1 9>&- \
      || fail "pg_createcluster $PG_VER $PG_CLUSTER failed" "$LOG_DIR/pg_createcluster.log"
  fi
}

# Writes our settings; returns 0 if anything changed (a restart is needed).
PG_CONF_CHANGED=0
ensure_pg_config() {
  local confdir="/etc/postgresql/$PG_VER/$PG_CLUSTER"
  local conf="$confdir/conf.d/50-sinergi.conf"
  local hba="$confdir/pg_hba.conf"
  local want
  want="# Managed by deploy/stack.sh - edits are overwritten.
listen_addresses = '127.0.0.1'
port = $PG_PORT
max_connections = 500
shared_buffers = 256MB
"
  mkdir -p "$confdir/conf.d"
  if [[ ! -f "$conf" ]] || [[ "$(cat "$conf")"$'\n' != "$want" ]]; then
    printf '%s' "$want" >"$conf"
    chown postgres:postgres "$conf" 2>/dev/null || true
    PG_CONF_CHANGED=1
  fi
  grep -q "include_dir = 'conf.d'" "$confdir/postgresql.conf" 2>/dev/null \
    || { printf "\ninclude_dir = 'conf.d'\n" >>"$confdir/postgresql.conf"; PG_CONF_CHANGED=1; }
  # Password auth over TCP 127.0.0.1 for the sinergi role (first matching line wins).
  if ! grep -Eq '^[[:space:]]*host[[:space:]]+all[[:space:]]+(all|sinergi)[[:space:]]+127\.0\.0\.1/32[[:space:]]+(scram-sha-256|md5)' "$hba"; then
    sed -i '1i host    all    sinergi    127.0.0.1/32    scram-sha-256    # added by deploy/stack.sh' "$hba"
    PG_CONF_CHANGED=1
  fi
}

pg_wait_ready() {
  local i
  for ((i = 0; i < PG_WAIT_SECONDS * 2; i++)); do
    pg_accepting && return 0
    sleep 0.5
  done
  fail "PostgreSQL did not accept connections on $PG_HOST:$PG_PORT within ${PG_WAIT_SECONDS}s" "$(pg_logfile)"
}

ensure_pg_role_and_dbs() {
  local log="$LOG_DIR/pg_admin.log" state db owner
  state="$(pg_admin_psql -At -c "SELECT rolsuper AND rolcanlogin FROM pg_roles WHERE rolname = '$PG_USER'" 2>>"$log")" \
    || fail "could not query roles as postgres on port $PG_PORT" "$log"
  if [[ "$state" != t ]]; then
    say "ensuring role $PG_USER (LOGIN SUPERUSER) ..."
    pg_admin_psql >>"$log" 2>&1 <<SQL || fail "could not create role $PG_USER" "$log"
SET password_encryption = 'scram-sha-256';
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
  END IF;
END
\$\$;
SQL
  fi
  for db in "${PG_DATABASES[@]}"; do
    owner="$(pg_admin_psql -At -c "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '$db'" 2>>"$log")" \
      || fail "could not query databases" "$log"
    if [[ -z "$owner" ]]; then
      say "creating database $db ..."
      pg_admin_psql -c "CREATE DATABASE $db OWNER $PG_USER" >>"$log" 2>&1 || fail "could not create database $db" "$log"
    elif [[ "$owner" != "$PG_USER" ]]; then
      pg_admin_psql -c "ALTER DATABASE $db OWNER TO $PG_USER" >>"$log" 2>&1 || fail "could not change owner of $db" "$log"
    fi
  done
  # The way the services and tests connect: password auth over TCP.
  if ! PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -At -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" \
      -d "${PG_DATABASES[0]}" -c 'SELECT 1' >/dev/null 2>>"$log"; then
    say "password login failed; resetting password of role $PG_USER ..."
    pg_admin_psql -c "SET password_encryption = 'scram-sha-256'; ALTER ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD'" >>"$log" 2>&1 \
      || fail "could not reset password of $PG_USER" "$log"
    PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -At -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" \
      -d "${PG_DATABASES[0]}" -c 'SELECT 1' >/dev/null 2>>"$log" \
      || fail "password login as $PG_USER@$PG_HOST:$PG_PORT still fails (check pg_hba.conf)" "$log"
  fi
}

pg_ctl() {
  # pg_ctlcluster VER sinergi ACTION [opts]; daemon must not inherit the lock fd.
  local action="$1"; shift
  if is_root; then
    install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  fi
  pg_ctlcluster "$PG_VER" "$PG_CLUSTER" "$action" "$@" >>"$LOG_DIR/pg_ctl.log" 2>&1 9>&-
}

cmd_pg_start() {
  ensure_pg_installed
  pg_detect_version
  ensure_pg_cluster
  ensure_pg_config
  if pg_cluster_online; then
    if [[ "$PG_CONF_CHANGED" -eq 1 ]]; then
      say "PostgreSQL settings changed; restarting cluster $PG_VER/$PG_CLUSTER ..."
      pg_ctl restart -m fast || fail "pg_ctlcluster restart failed" "$(pg_logfile)"
    fi
    pg_wait_ready
  else
    say "starting PostgreSQL $PG_VER/$PG_CLUSTER on $PG_HOST:$PG_PORT ..."
    pg_ctl start || fail "pg_ctlcluster $PG_VER $PG_CLUSTER start failed (see also $LOG_DIR/pg_ctl.log)" "$(pg_logfile)"
    pg_wait_ready
  fi
  ensure_pg_role_and_dbs
  say "postgres: up at postgresql://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/ (dbs: ${PG_DATABASES[*]})"
}

cmd_pg_stop() {
  if ! pg_installed; then say "postgres: not installed, nothing to stop"; return 0; fi
  pg_detect_version
  if ! pg_cluster_exists; then say "postgres: cluster $PG_CLUSTER does not exist, nothing to stop"; return 0; fi
  if ! pg_cluster_online; then say "postgres: already stopped"; return 0; fi
  say "stopping PostgreSQL $PG_VER/$PG_CLUSTER ..."
  pg_ctl stop -m fast || fail "pg_ctlcluster stop failed" "$(pg_logfile)"
  say "postgres: stopped"
}

cmd_pg_restart() {
  ensure_pg_installed
  pg_detect_version
  if ! pg_cluster_exists || ! pg_cluster_online; then
    cmd_pg_start
    return
  fi
  ensure_pg_config
  say "restarting PostgreSQL $PG_VER/$PG_CLUSTER ..."
  pg_ctl restart -m fast || fail "pg_ctlcluster restart failed" "$(pg_logfile)"
  pg_wait_ready
  ensure_pg_role_and_dbs
  say "postgres: up (restarted)"
}

pg_status() {
  if ! pg_installed; then echo "postgres: DOWN (not installed)"; return 1; fi
  pg_detect_version
  if ! pg_cluster_exists; then echo "postgres: DOWN (cluster $PG_CLUSTER not created)"; return 1; fi
  if pg_accepting; then
    echo "postgres: up (cluster $PG_VER/$PG_CLUSTER, $PG_HOST:$PG_PORT, user $PG_USER)"
    return 0
  fi
  echo "postgres: DOWN (cluster $PG_VER/$PG_CLUSTER, $PG_HOST:$PG_PORT)"
  return 1
}

# =============================================================================
# Kafka
# =============================================================================
JAVA=""

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

find_java() {
  local c m
  for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null || true)" /usr/lib/jvm/*/bin/java; do
    [[ -n "$c" && -x "$c" ]] || continue
    m="$(java_major "$c" 2>/dev/null || true)"
    if [[ "$m" =~ ^[0-9]+$ ]] && ((m >= 17)); then
      JAVA="$c"
      return 0
    fi
  done
  return 1
}

ensure_java() {
  [[ -n "$JAVA" ]] && return 0
  if ! find_java; then
    apt_install openjdk-17-jre-headless
    find_java || fail "no Java >= 17 found even after installing openjdk-17-jre-headless"
  fi
}

ensure_mvn() {
  command -v mvn >/dev/null 2>&1 || apt_install maven
}

pom_hash() { sha256sum "$KAFKA_POM" | cut -c1-64; }

libs_complete() {
  [[ -f "$KAFKA_LIBS/.complete" ]] \
    && [[ "$(cat "$KAFKA_LIBS/.complete")" == "$(pom_hash)" ]] \
    && compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar" >/dev/null
}

ensure_kafka_libs() {
  libs_complete && return 0
  ensure_java
  ensure_mvn
  local tmp="$KAFKA_HOME/libs.tmp" log="$LOG_DIR/mvn.log" t0=$SECONDS
  say "fetching Kafka jars from Maven Central (deploy/kafka/pom.xml) ..."
  rm -rf "$tmp"
  mkdir -p "$KAFKA_HOME"
  # JAVA_HOME for mvn: the Java we validated.
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$JAVA")")")" \
    mvn -B -q -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" </dev/null >"$log" 2>&1 9>&- \
    || fail "mvn dependency:copy-dependencies failed" "$log"
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || fail "mvn ran but no kafka_2.13 jar was copied" "$log"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  pom_hash >"$KAFKA_LIBS/.complete"
  say "fetched $(find "$KAFKA_LIBS" -maxdepth 1 -name "*.jar" | wc -l) jars in $((SECONDS - t0))s"
}

# ensure_kafka_tls: a CA of this clone and the broker's certificate for 127.0.0.1 (made once; clients trust
# $KAFKA_TLS_DIR/ca.pem, e.g. SINERGI_CA_FILE).
ensure_kafka_tls() {
  [[ -s "$KAFKA_TLS_DIR/broker.pem" && -s "$KAFKA_TLS_DIR/ca.pem" ]] && return 0
  command -v openssl >/dev/null 2>&1 || apt_install openssl
  local tmp="$KAFKA_TLS_DIR.tmp" log="$LOG_DIR/kafka-tls.log"
  rm -rf "$tmp" && mkdir -p "$tmp"
  say "making a CA and the broker's TLS certificate in $KAFKA_TLS_DIR ..."
  {
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Sinergi local CA" \
      -keyout "$tmp/ca.key" -out "$tmp/ca.pem" \
    && openssl req -newkey rsa:2048 -nodes -subj "/CN=$KAFKA_HOST" -keyout "$tmp/broker.key" -out "$tmp/broker.csr" \
    && printf 'subjectAltName=IP:%s,DNS:localhost\n' "$KAFKA_HOST" >"$tmp/san.ext" \
    && openssl x509 -req -in "$tmp/broker.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial -days 3650 \
      -extfile "$tmp/san.ext" -out "$tmp/broker.crt" \
    && openssl pkcs8 -topk8 -nocrypt -in "$tmp/broker.key" -out "$tmp/broker.pk8"
  } >"$log" 2>&1 || fail "could not make the Kafka TLS certificate" "$log"
  cat "$tmp/broker.pk8" "$tmp/broker.crt" >"$tmp/broker.pem"
  rm -rf "$KAFKA_TLS_DIR" && mv "$tmp" "$KAFKA_TLS_DIR"
}

write_kafka_config() {
  mkdir -p "$KAFKA_DATA"
  local tmp="$KAFKA_CONF.tmp"
  cat >"$tmp" <<EOF
# Generated by deploy/stack.sh - do not edit (rewritten on every kafka-start).
process.roles=broker,controller
node.id=$KAFKA_NODE_ID
controller.quorum.voters=$KAFKA_QUORUM_VOTERS
# Every connection is authenticated (SPEC §7): clients and the broker itself with SCRAM-SHA-512 on CLIENT
# (users live in the cluster metadata: the admin is added at format time, the services and agencies by
# sinergi kafka setup / sinergi kafka grant); the controller listener with PLAIN (KRaft controllers cannot
# use SCRAM, whose users are stored in the metadata they serve).
listeners=CLIENT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT,TLS://$KAFKA_HOST:$KAFKA_TLS_PORT
advertised.listeners=CLIENT://$KAFKA_HOST:$KAFKA_PORT,TLS://$KAFKA_HOST:$KAFKA_TLS_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=CLIENT
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,CLIENT:SASL_PLAINTEXT,TLS:SASL_SSL
listener.name.tls.ssl.keystore.type=PEM
listener.name.tls.ssl.keystore.location=$KAFKA_TLS_DIR/broker.pem
listener.name.tls.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_ADMIN_USER" password="$KAFKA_ADMIN_PASSWORD";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$KAFKA_CONTROLLER_USER" password="$KAFKA_CONTROLLER_PASSWORD" user_$KAFKA_CONTROLLER_USER="$KAFKA_CONTROLLER_PASSWORD";
# ACLs decide everything else: a principal without a matching ACL is refused.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:$KAFKA_ADMIN_USER;User:$KAFKA_CONTROLLER_USER
log.dirs=$KAFKA_DATA
num.partitions=3
default.replication.factor=$KAFKA_REPLICAS
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=$KAFKA_REPLICAS
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$KAFKA_REPLICAS
transaction.state.log.min.isr=$KAFKA_MIN_ISR
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=$KAFKA_REPLICAS
share.coordinator.state.topic.min.isr=$KAFKA_MIN_ISR
min.insync.replicas=$KAFKA_MIN_ISR
group.initial.rebalance.delay.ms=0
# Faster recovery after kafka-kill: the controller fences the dead incarnation
# after this timeout (default 9 s) before the restarted broker can register.
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=1000
num.network.threads=3
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
log.segment.bytes=1073741824
EOF
  mv "$tmp" "$KAFKA_CONF"
}

kafka_cluster_id() {
  local id=""
  if [[ -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    id="$(cat "$KAFKA_CLUSTER_ID_FILE")"
  elif [[ -f "$KAFKA_DATA/meta.properties" ]]; then
    id="$(sed -n 's/^cluster\.id=//p' "$KAFKA_DATA/meta.properties")"
  fi
  if [[ -z "$id" ]]; then
    id="$("$JAVA" -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_LOG4J" kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/kafka-format.log" | tail -n1)" \
      || fail "could not generate a Kafka cluster id" "$LOG_DIR/kafka-format.log"
  fi
  [[ "$id" =~ ^[A-Za-z0-9_-]{22}$ ]] || fail "bad Kafka cluster id '$id'" "$LOG_DIR/kafka-format.log"
  printf '%s\n' "$id" >"$KAFKA_CLUSTER_ID_FILE"
  printf '%s' "$id"
}

ensure_kafka_formatted() {
  [[ -f "$KAFKA_DATA/meta.properties" && -f "$KAFKA_AUTH_MARK" ]] && return 0
  if [[ -f "$KAFKA_DATA/meta.properties" ]]; then
    warn "Kafka data in $KAFKA_DATA was formatted without authentication; deleting it to format again"
    rm -rf "$KAFKA_DATA"
    mkdir -p "$KAFKA_DATA"
  fi
  local id log="$LOG_DIR/kafka-format.log"
  id="$(kafka_cluster_id)"
  say "formatting Kafka storage in $KAFKA_DATA (cluster id $id, SCRAM user $KAFKA_ADMIN_USER) ..."
  "$JAVA" -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_LOG4J" \
    kafka.tools.StorageTool format -t "$id" -c "$KAFKA_CONF" --ignore-formatted \
    --add-scram "SCRAM-SHA-512=[name=$KAFKA_ADMIN_USER,password=$KAFKA_ADMIN_PASSWORD]" </dev/null >>"$log" 2>&1 9>&- \
    || fail "kafka storage format failed" "$log"
  [[ -f "$KAFKA_DATA/meta.properties" ]] || fail "kafka storage format did not write meta.properties" "$log"
  : >"$KAFKA_AUTH_MARK"
}

# pid_alive PID: running and not a zombie (PID 1 here may not reap orphans).
pid_alive() {
  local pid="$1" state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/stat" ]] || return 1
  state="$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$pid/stat" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

is_our_broker() {
  pid_alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $KAFKA_CONF"
}

# kafka_pid: prints the pid of THIS clone's broker or fails. Uses the pid file,
# falling back to a scan of /proc for our exact command line (pid file lost).
kafka_pid() {
  local pid d
  if [[ -s "$KAFKA_PIDFILE" ]]; then
    pid="$(cat "$KAFKA_PIDFILE")"
    if is_our_broker "$pid"; then printf '%s' "$pid"; return 0; fi
  fi
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    if is_our_broker "$pid"; then
      printf '%s\n' "$pid" >"$KAFKA_PIDFILE" 2>/dev/null || true
      printf '%s' "$pid"
      return 0
    fi
  done
  return 1
}

kafka_is_ready() {
  local pid="$1"
  [[ -f "$KAFKA_READYFILE" && "$(cat "$KAFKA_READYFILE")" == "$pid" ]] && port_open "$KAFKA_PORT"
}

kafka_wait_ready() {
  local pid="$1" deadline=$((SECONDS + KAFKA_START_WAIT_SECONDS))
  while ((SECONDS < deadline)); do
    if ! pid_alive "$pid"; then
      rm -f "$KAFKA_PIDFILE" "$KAFKA_READYFILE"
      fail "Kafka broker (pid $pid) exited during start-up" "$KAFKA_LOG"
    fi
    if port_open "$KAFKA_PORT" && grep -qE 'Kafka Server started|started \(kafka\.server\.KafkaRaftServer\)' "$KAFKA_LOG" 2>/dev/null; then
      printf '%s\n' "$pid" >"$KAFKA_READYFILE"
      return 0
    fi
    sleep 0.5
  done
  fail "Kafka broker (pid $pid) not ready on $KAFKA_HOST:$KAFKA_PORT within ${KAFKA_START_WAIT_SECONDS}s (still running; rerun kafka-start to keep waiting, or kafka-kill)" "$KAFKA_LOG"
}

# kafka_launch: start the broker unless it runs; KAFKA_LAUNCHED is then the pid to wait for ("" when it
# was up and ready already). A cluster launches all its nodes before waiting: none is ready without a quorum.
KAFKA_LAUNCHED=""
kafka_launch() {
  local pid p
  KAFKA_LAUNCHED=""
  if pid="$(kafka_pid)"; then
    if kafka_is_ready "$pid"; then
      say "kafka: already up (pid $pid, $KAFKA_HOST:$KAFKA_PORT)"
      return 0
    fi
    say "kafka: process $pid is running but not ready yet; waiting ..."
    KAFKA_LAUNCHED="$pid"
    return 0
  fi
  rm -f "$KAFKA_PIDFILE" "$KAFKA_READYFILE"
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$KAFKA_TLS_PORT"; do
    if port_open "$p"; then
      fail "port $p on 127.0.0.1 is already in use by another process (not this stack's broker; another clone's stack? stop it first):
$(port_owner "$p")"
    fi
  done
  ensure_java
  ensure_kafka_libs
  ensure_kafka_tls
  write_kafka_config
  ensure_kafka_formatted
  [[ -f "$KAFKA_LOG" ]] && mv -f "$KAFKA_LOG" "$KAFKA_LOG.1"
  say "starting Kafka broker (KRaft, $KAFKA_HOST:$KAFKA_PORT) ..."
  (
    cd "$KAFKA_HOME"
    exec nohup setsid "$JAVA" \
      -Xms"$KAFKA_HEAP" -Xmx"$KAFKA_HEAP" \
      -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
      -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$KAFKA_LOG4J" \
      -Dkafka.logs.dir="$KAFKA_HOME" \
      -cp "$KAFKA_LIBS/*" \
      kafka.Kafka "$KAFKA_CONF"
  ) </dev/null >>"$KAFKA_LOG" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$KAFKA_PIDFILE"
  sleep 0.3
  if ! is_our_broker "$pid"; then
    # setsid may have forked (when we are a process-group leader): look it up.
    pid="$(kafka_pid)" || { sleep 1; pid="$(kafka_pid)"; } \
      || fail "Kafka broker exited right after launch" "$KAFKA_LOG"
  fi
  KAFKA_LAUNCHED="$pid"
}

# kafka_wait_launched T0: wait until the launched broker is ready (nothing to do when it was up).
kafka_wait_launched() {
  [[ -n "$KAFKA_LAUNCHED" ]] || return 0
  kafka_wait_ready "$KAFKA_LAUNCHED"
  say "kafka: up (pid $KAFKA_LAUNCHED, $KAFKA_HOST:$KAFKA_PORT) in $((SECONDS - $1))s; log $KAFKA_LOG"
}

cmd_kafka_start() {
  local t0=$SECONDS
  kafka_launch
  kafka_wait_launched "$t0"
}

# wait_gone PID SECONDS: true once the process is gone.
wait_gone() {
  local pid="$1" i
  for ((i = 0; i < $2 * 5; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.2
  done
  ! pid_alive "$pid"
}

cmd_kafka_stop() {
  local pid
  if ! pid="$(kafka_pid)"; then
    rm -f "$KAFKA_PIDFILE" "$KAFKA_READYFILE"
    say "kafka: already stopped"
    return 0
  fi
  say "stopping Kafka broker (pid $pid, SIGTERM) ..."
  rm -f "$KAFKA_READYFILE"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" "$KAFKA_STOP_WAIT_SECONDS"; then
    warn "broker did not exit within ${KAFKA_STOP_WAIT_SECONDS}s of SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || fail "Kafka broker pid $pid survived SIGKILL" "$KAFKA_LOG"
  fi
  rm -f "$KAFKA_PIDFILE"
  say "kafka: stopped"
}

cmd_kafka_kill() {
  local pid
  if ! pid="$(kafka_pid)"; then
    rm -f "$KAFKA_PIDFILE" "$KAFKA_READYFILE"
    say "kafka: not running"
    return 0
  fi
  say "killing Kafka broker (pid $pid, SIGKILL) ..."
  rm -f "$KAFKA_READYFILE"
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 10 || fail "Kafka broker pid $pid survived SIGKILL" "$KAFKA_LOG"
  rm -f "$KAFKA_PIDFILE"
  say "kafka: killed"
}

cmd_kafka_reset() {
  cmd_kafka_stop
  say "deleting Kafka data in $KAFKA_DATA ..."
  rm -rf "$KAFKA_DATA"
  cmd_kafka_start
}

kafka_status() {
  local pid
  if pid="$(kafka_pid)"; then
    if kafka_is_ready "$pid"; then
      echo "kafka: up (pid $pid, $KAFKA_HOST:$KAFKA_PORT, log $KAFKA_LOG)"
      return 0
    fi
    echo "kafka: STARTING/NOT READY (pid $pid, log $KAFKA_LOG)"
    return 1
  fi
  if port_open "$KAFKA_PORT"; then
    echo "kafka: DOWN for this clone, but port $KAFKA_PORT is in use by another process"
    return 1
  fi
  echo "kafka: DOWN"
  return 1
}

# =============================================================================
# Kafka cluster: three nodes, each broker and controller (a static quorum of three voters), beside the
# single broker. The single broker's functions serve each node once cluster_node has pointed them at it.
# =============================================================================
CLUSTER_ID_FILE="$CLUSTER_DIR/cluster.id"

# cluster_node N: the following kafka_* functions act on node N of the cluster.
cluster_node() {
  local n="$1" voters="" v
  [[ " ${CLUSTER_NODES[*]} " == *" $n "* ]] || fail "no cluster node '$n' (nodes: ${CLUSTER_NODES[*]})"
  for v in "${CLUSTER_NODES[@]}"; do
    voters+="${voters:+,}$v@$KAFKA_HOST:$((CLUSTER_PORT + 100 * (v - 1) + 1))"
  done
  KAFKA_NODE_ID="$n"
  KAFKA_QUORUM_VOTERS="$voters"
  KAFKA_PORT=$((CLUSTER_PORT + 100 * (n - 1)))
  KAFKA_CONTROLLER_PORT=$((KAFKA_PORT + 1))
  KAFKA_TLS_PORT=$((KAFKA_PORT + 2))
  KAFKA_HOME="$CLUSTER_DIR/node$n"
  kafka_paths
  # One cluster id for the three, so they form one cluster.
  KAFKA_CLUSTER_ID_FILE="$CLUSTER_ID_FILE"
  KAFKA_HEAP="$CLUSTER_HEAP"
  # Three copies of every partition; a write is acknowledged once two hold it, so one node may fail.
  KAFKA_REPLICAS=3
  KAFKA_MIN_ISR=2
  # Three JVMs start at once on a small machine.
  KAFKA_START_WAIT_SECONDS=120
}

cluster_bootstrap() {
  local n out=""
  for n in "${CLUSTER_NODES[@]}"; do out+="${out:+,}$KAFKA_HOST:$((CLUSTER_PORT + 100 * (n - 1)))"; done
  printf '%s' "$out"
}

cmd_cluster_up() {
  local n t0=$SECONDS launched=()
  mkdir -p "$CLUSTER_DIR"
  for n in "${CLUSTER_NODES[@]}"; do
    cluster_node "$n"
    kafka_launch
    launched+=("$KAFKA_LAUNCHED")
  done
  for n in "${CLUSTER_NODES[@]}"; do
    cluster_node "$n"
    KAFKA_LAUNCHED="${launched[n - 1]}"
    kafka_wait_launched "$t0"
  done
  say "cluster: up in $((SECONDS - t0))s; SINERGI_KAFKA_BOOTSTRAP=$(cluster_bootstrap)"
}

# All three at once: a node stopping alone after the others waits for a quorum that is gone.
cmd_cluster_down() {
  local n stopping=() rc=0
  for n in "${CLUSTER_NODES[@]}"; do
    (cluster_node "$n"; cmd_kafka_stop) &
    stopping+=("$!")
  done
  for n in "${stopping[@]}"; do wait "$n" || rc=1; done
  return "$rc"
}

cmd_cluster_reset() {
  cmd_cluster_down
  say "deleting the cluster's data in $CLUSTER_DIR ..."
  rm -rf "$CLUSTER_DIR"
  cmd_cluster_up
}

cluster_status() {
  local n rc=0
  for n in "${CLUSTER_NODES[@]}"; do
    cluster_node "$n"
    printf 'node %s ' "$n"
    kafka_status || rc=1
  done
  return "$rc"
}

# cluster_one ACTION N: kafka-ACTION on node N alone.
cluster_one() {
  [[ -n "${2:-}" ]] || fail "usage: deploy/stack.sh cluster-$1 N (N in ${CLUSTER_NODES[*]})"
  cluster_node "$2"
  "cmd_kafka_$1"
}

# =============================================================================
usage() {
  sed -n '2,/^set -Eeuo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -Eeuo/d' -e 's/^# \{0,1\}//'
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    up)
      take_lock; ensure_gitignore
      cmd_pg_start
      cmd_kafka_start
      say "stack is up"
      ;;
    down)
      take_lock
      cmd_kafka_stop
      cmd_pg_stop
      ;;
    status)
      local rc=0
      pg_status || rc=1
      kafka_status || rc=1
      exit "$rc"
      ;;
    pg-start)    take_lock; cmd_pg_start ;;
    pg-stop)     take_lock; cmd_pg_stop ;;
    pg-restart)  take_lock; cmd_pg_restart ;;
    kafka-start) take_lock; ensure_gitignore; cmd_kafka_start ;;
    kafka-stop)  take_lock; cmd_kafka_stop ;;
    kafka-kill)  take_lock; cmd_kafka_kill ;;
    kafka-reset) take_lock; ensure_gitignore; cmd_kafka_reset ;;
    cluster-up)     take_lock "$CLUSTER_DIR/.lock"; ensure_gitignore; cmd_cluster_up ;;
    cluster-down)   take_lock "$CLUSTER_DIR/.lock"; cmd_cluster_down ;;
    cluster-reset)  take_lock "$CLUSTER_DIR/.lock"; cmd_cluster_reset ;;
    cluster-status) cluster_status ;;
    cluster-kill)   take_lock "$CLUSTER_DIR/.lock"; cluster_one kill "${2:-}" ;;
    cluster-stop)   take_lock "$CLUSTER_DIR/.lock"; cluster_one stop "${2:-}" ;;
    cluster-start)  take_lock "$CLUSTER_DIR/.lock"; cluster_one start "${2:-}" ;;
    -h|--help|help) usage ;;
    *)
      usage >&2
      [[ -n "$cmd" ]] && echo "unknown command: $cmd" >&2
      exit 2
      ;;
  esac
}

main "$@"
