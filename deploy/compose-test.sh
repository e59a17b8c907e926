#!/usr/bin/env bash
# `make compose-test`: docker-compose.yml built and run end to end on this machine, offline, in
# production mode (SINERGI_MODE=production, the compose file's default).
#
# Installs the engine if missing (docker.io, docker-compose, debootstrap), starts dockerd by hand
# without a bridge network, builds a Debian base with debootstrap and from it the Postgres, Kafka and
# Python images (deploy/compose/*/Dockerfile; Debian's packages and the Maven jars of
# deploy/kafka/pom.xml), then the project's image from a hash-pinned wheelhouse. Makes what an
# operator provides, in a throwaway folder: a CA, the broker's and the APIs' certificates, the
# registry's encrypted signing key and its passphrase, random passwords and secrets. Runs
# `docker-compose up` with deploy/compose/host-network.yml on ports that clash with nothing of the
# local stack, waits for health and runs deploy/compose/scenario.py through the published ports (https
# trusting the CA; Kafka over SASL_SSL, an agency principal made with `sinergi kafka grant` included),
# then checks that the project's image refuses to start in production mode with clear-text Kafka or
# the old default bootstrap secret.
# Always ends with `docker-compose down -v`, the daemon stopped by its pid and its data (the secrets
# with it) removed. Caches (the Debian base, the wheelhouse, the built base images) stay in
# .stack/compose-cache.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"
export DEBIAN_FRONTEND=noninteractive

STATE="$REPO/.stack/compose"        # the daemon's data, sockets and logs: removed at the end
CACHE="$REPO/.stack/compose-cache"  # kept between runs
WHEELHOUSE=deploy/compose/wheelhouse
SOCK="$STATE/run/docker.sock"
PIDFILE="$STATE/dockerd.pid"
ENV_FILE="$STATE/compose.env"
SECRETS="$STATE/secrets"            # what an operator provides: certificates, keys, passwords
PROJECT=sinergi-compose-test
# docker-compose.yml with the host-network override, resolved by `docker-compose config` into
# $RESOLVED without the published ports: Compose v1 refuses `ports:` beside `network_mode: host`,
# and an override cannot remove a list in v1 (Compose v2's `!reset` could).
RESOLVED="$STATE/compose.resolved.yml"
SOURCES=(docker-compose --project-directory "$REPO" --env-file "$ENV_FILE"
  -f docker-compose.yml -f deploy/compose/host-network.yml)
COMPOSE=(docker-compose --project-name "$PROJECT" --project-directory "$REPO" -f "$RESOLVED")
export DOCKER_HOST="unix://$SOCK"

# Ports of the compose stack: none of the local stack's (Postgres 55432, Kafka 9092-9094 and its
# three-node cluster 19092-19294, services 8001-8003).
POSTGRES_PORT=56432 KAFKA_INTERNAL_PORT=29092 KAFKA_CONTROLLER_PORT=29093 KAFKA_EXTERNAL_PORT=29094
REGISTRY_PORT=18001 ENROLLMENT_PORT=18002 FUNDING_PORT=18003

BASE_IMAGE=sinergi-compose/debian:bookworm
PYTHON_IMAGE=sinergi-compose/python:3.11-bookworm
POSTGRES_IMAGE=sinergi-compose/postgres:15-bookworm
KAFKA_IMAGE=sinergi-compose/kafka:4.1.1
SINERGI_IMAGE=sinergi-compose/sinergi:test

say() { printf 'compose-test: %s\n' "$*"; }
fail() { say "FAILED: $*" >&2; exit 1; }

started=$SECONDS stage_name="" stage_start=0 timings=()
stage() {
  stage_done
  stage_name="$1" stage_start=$SECONDS
  say "== $stage_name"
}
stage_done() {
  if [[ -n "$stage_name" ]]; then
    timings+=("$(printf '%-32s %4ss' "$stage_name" $((SECONDS - stage_start)))")
    say "   $stage_name: $((SECONDS - stage_start))s"
  fi
  stage_name=""
}

dockerd_pid() { [[ -f "$PIDFILE" ]] && cat "$PIDFILE" 2>/dev/null || true; }

stop_dockerd() {
  local pid
  pid="$(dockerd_pid)"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  # Whatever the daemon left mounted under its folders (overlays, shm, netns), deepest first.
  awk -v s="$STATE" 'index($2, s) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$STATE"
}

compose_up=0
finish() {
  local status=$?
  trap - EXIT
  stage_done
  if [[ $status -ne 0 && $compose_up -eq 1 ]]; then
    say "logs of the failed run (last 60 lines per container):"
    "${COMPOSE[@]}" ps 2>&1 || true
    "${COMPOSE[@]}" logs --no-color --tail=60 2>&1 | tail -n 400 || true
  fi
  stage "down and clean up"
  if [[ $compose_up -eq 1 ]]; then "${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1 || true; fi
  stop_dockerd
  stage_done
  say "stage timings:"
  printf '  %s\n' "${timings[@]}"
  say "total $((SECONDS - started))s: $([[ $status -eq 0 ]] && echo green || echo FAILED)"
  exit "$status"
}

# ---------------------------------------------------------------------------------------------
stage "engine and tools"
[[ "$(id -u)" -eq 0 ]] || fail "must run as root (it starts dockerd)"
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v mvn >/dev/null || missing+=(maven)
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } </dev/null >/dev/null \
    || fail "apt-get install ${missing[*]}"
fi
[[ -x .venv/bin/python ]] || bash deploy/install.sh
for port in $POSTGRES_PORT $KAFKA_INTERNAL_PORT $KAFKA_CONTROLLER_PORT $KAFKA_EXTERNAL_PORT \
  $REGISTRY_PORT $ENROLLMENT_PORT $FUNDING_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "port $port is in use"; fi
done

stage "start dockerd"
stop_dockerd  # a previous run that was killed
trap finish EXIT
mkdir -p "$STATE/run" "$CACHE"
dockerd --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
  --data-root "$STATE/data" --exec-root "$STATE/run/exec" \
  --host "unix://$SOCK" --pidfile "$PIDFILE" </dev/null >"$STATE/dockerd.log" 2>&1 &
for _ in $(seq 120); do docker version >/dev/null 2>&1 && break; sleep 0.5; done
docker version >/dev/null 2>&1 || { tail -n 30 "$STATE/dockerd.log" >&2; fail "dockerd did not start"; }
say "dockerd pid $(dockerd_pid), $(docker info --format '{{.Driver}}, cgroup v{{.CgroupVersion}}')"

stage "debian base"
rootfs_tar="$CACHE/debian-bookworm-minbase.tar"
if [[ ! -s "$rootfs_tar" ]]; then
  rm -rf "$CACHE/rootfs"
  debootstrap --variant=minbase bookworm "$CACHE/rootfs" http://deb.debian.org/debian </dev/null \
    >"$CACHE/debootstrap.log" 2>&1 || { tail -n 20 "$CACHE/debootstrap.log" >&2; fail "debootstrap"; }
  tar -C "$CACHE/rootfs" -cf "$rootfs_tar.tmp" . && mv "$rootfs_tar.tmp" "$rootfs_tar"
  rm -rf "$CACHE/rootfs"
fi
docker import "$rootfs_tar" "$BASE_IMAGE" >/dev/null

stage "kafka jars and wheelhouse"
libs="$CACHE/kafka-libs"
pom_hash="$(sha256sum deploy/kafka/pom.xml | cut -c1-16)"
# The local stack's jars, and kafka-tools for the healthcheck's kafka-broker-api-versions.sh.
if [[ "$(cat "$libs/.pom" 2>/dev/null)" != "$pom_hash" ]]; then
  { mvn -B -q -f deploy/kafka/pom.xml dependency:copy-dependencies -DoutputDirectory="$libs" \
    && mvn -B -q dependency:copy -Dartifact=org.apache.kafka:kafka-tools:4.1.1 -DoutputDirectory="$libs"; } \
    </dev/null >"$STATE/mvn.log" 2>&1 || { tail -n 30 "$STATE/mvn.log" >&2; fail "fetching the Kafka jars"; }
  echo "$pom_hash" >"$libs/.pom"
fi
locks_hash="$(cat deploy/requirements.lock deploy/requirements-build.lock | sha256sum | cut -c1-16)"
if [[ "$(cat "$WHEELHOUSE/.locks" 2>/dev/null)" != "$locks_hash" ]]; then
  rm -f "$WHEELHOUSE"/*.whl
  .venv/bin/python -m pip download -q --require-hashes --only-binary=:all: --no-deps \
    -r deploy/requirements.lock -r deploy/requirements-build.lock -d "$WHEELHOUSE" </dev/null
  echo "$locks_hash" >"$WHEELHOUSE/.locks"
fi

stage "postgres, kafka, python images"
kafka_ctx="$STATE/kafka-context"
mkdir -p "$kafka_ctx"
cp -a deploy/compose/kafka/. deploy/kafka/log4j2.xml "$kafka_ctx/"
rm -f "$kafka_ctx/start.sh"  # mounted by docker-compose.yml, not built in
cp -al "$libs" "$kafka_ctx/libs" 2>/dev/null || cp -a "$libs" "$kafka_ctx/libs"
# A built image is kept as a tarball named by the hash of everything it is built from.
base_sum="$(sha256sum "$rootfs_tar" | cut -c1-64)"
image_key() {  # context folder
  { echo "$base_sum"; find "$1" -type f -printf '%P %s\n' | sort
    find "$1" -type f ! -name '*.jar' -print0 | sort -z | xargs -0 cat; } | sha256sum | cut -c1-16
}
build_image() {  # tag context
  local tag="$1" ctx="$2" name="${1//[\/:]/_}" tar
  tar="$CACHE/images/$name-$(image_key "$ctx").tar"
  if [[ -s "$tar" ]]; then
    docker load -q -i "$tar" >/dev/null
  else
    docker build -q --network host --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$tag" "$ctx" >"$STATE/build-$name.log" 2>&1 \
      || { tail -n 30 "$STATE/build-$name.log" >&2; return 1; }
    mkdir -p "$CACHE/images"
    rm -f "$CACHE/images/$name"-*.tar
    docker save -o "$tar.tmp" "$tag" && mv "$tar.tmp" "$tar"
  fi
}
pids=()
build_image "$PYTHON_IMAGE" deploy/compose/python & pids+=($!)
build_image "$POSTGRES_IMAGE" deploy/compose/postgres & pids+=($!)
build_image "$KAFKA_IMAGE" "$kafka_ctx" & pids+=($!)
for p in "${pids[@]}"; do wait "$p" || fail "building an image (logs in $STATE/build-*.log)"; done

stage "certificates and secrets"
# What an operator provides (README, "Compose stack (operators)"), made fresh each run in a folder
# only root can enter, removed at the end with $STATE; the files are 0444 so that the containers'
# users (postgres, appuser, sinergi) can read their read-only mounts.
pki="$STATE/pki"  # the CA's key and the requests: never given to a container
umask 077
mkdir -p "$pki" "$SECRETS"
secret() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
put() { printf '%s' "$2" >"$SECRETS/$1"; }  # name value
leaf() {  # name CN SANs: a server certificate signed by the CA
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
    "$3" >"$pki/$1.ext"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$pki/$1.key" -out "$pki/$1.csr" \
    && openssl x509 -req -in "$pki/$1.csr" -CA "$SECRETS/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
      -extfile "$pki/$1.ext" -out "$pki/$1.crt"
}
{
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Sinergi compose-test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$pki/ca.key" -out "$SECRETS/ca.pem" \
  && leaf kafka kafka "DNS:kafka,DNS:localhost,IP:127.0.0.1" \
  && leaf api registry "DNS:registry,DNS:enrollment,DNS:funding,DNS:localhost,IP:127.0.0.1" \
  && put registry_signing_key_passphrase "$(secret)" \
  && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes-256-cbc \
    -pass "file:$SECRETS/registry_signing_key_passphrase" -out "$SECRETS/registry_signing_key.pem"
} </dev/null >"$STATE/pki.log" 2>&1 || { tail -n 20 "$STATE/pki.log" >&2; fail "making the certificates"; }
# The broker's PEM keystore: its PKCS#8 key, then its chain. The APIs: certificate and key apart.
cat "$pki/kafka.key" "$pki/kafka.crt" "$SECRETS/ca.pem" >"$SECRETS/kafka.pem"
cp "$pki/api.crt" "$pki/api.key" "$SECRETS/"
put postgres_password "$(secret)"
for service in registry enrollment funding; do
  put "${service}_database_url" "postgresql+asyncpg://sinergi_$service:$(secret)@postgres:$POSTGRES_PORT/sinergi_$service"
  put "${service}_kafka_password" "$(secret)"
done
put kafka_admin_password "$(secret)"
put registry_bootstrap_client_secret "$(secret)"
chmod 0444 "$SECRETS"/*
# No secret in the environment file: only the folder that holds them.
cat >"$ENV_FILE" <<EOF
SINERGI_IMAGE=$SINERGI_IMAGE
SINERGI_PYTHON_IMAGE=$PYTHON_IMAGE
SINERGI_WHEELHOUSE=$WHEELHOUSE
POSTGRES_IMAGE=$POSTGRES_IMAGE
KAFKA_IMAGE=$KAFKA_IMAGE
SINERGI_SECRETS_DIR=$SECRETS
SINERGI_BIND=127.0.0.1
SINERGI_LISTEN_HOST=127.0.0.1
POSTGRES_LISTEN_ADDRESSES=127.0.0.1
KAFKA_LISTEN_HOST=127.0.0.1
POSTGRES_PORT=$POSTGRES_PORT
KAFKA_INTERNAL_PORT=$KAFKA_INTERNAL_PORT
KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT
KAFKA_EXTERNAL_PORT=$KAFKA_EXTERNAL_PORT
REGISTRY_PORT=$REGISTRY_PORT
ENROLLMENT_PORT=$ENROLLMENT_PORT
FUNDING_PORT=$FUNDING_PORT
ENROLLMENT_PUBLIC_BASE_URL=https://127.0.0.1:$ENROLLMENT_PORT
EOF
"${SOURCES[@]}" config >"$RESOLVED"
.venv/bin/python - "$RESOLVED" <<'EOF'
import sys

import yaml

path = sys.argv[1]
with open(path) as f:
    config = yaml.safe_load(f)
for service in config["services"].values():
    if service.get("network_mode") == "host":
        service.pop("ports", None)
with open(path, "w") as f:
    yaml.safe_dump(config, f, sort_keys=False)
EOF
umask 022

stage "project image"
"${COMPOSE[@]}" build -q registry </dev/null >"$STATE/build-sinergi.log" 2>&1 \
  || { tail -n 40 "$STATE/build-sinergi.log" >&2; fail "building the project image"; }

stage "up until healthy"
compose_up=1
timeout 600 "${COMPOSE[@]}" up -d --no-build </dev/null >"$STATE/up.log" 2>&1 \
  || { cat "$STATE/up.log" >&2; fail "docker-compose up"; }
seed="$("${COMPOSE[@]}" ps -q seed)"
[[ -n "$seed" ]] || fail "the seed job never started"
[[ "$(timeout 300 docker wait "$seed")" == 0 ]] || fail "the seed job failed"
for service in registry enrollment funding; do
  health="$(docker inspect -f '{{.State.Health.Status}}' "$("${COMPOSE[@]}" ps -q "$service")")"
  [[ "$health" == healthy ]] || fail "$service is $health"
done
say "postgres, kafka, three services healthy; migrations and seed done"

stage "agency grant"
# An agency principal, made as an operator would: `sinergi kafka grant` in a one-off container of the
# project's image, as the admin over SASL_SSL; it prints the agency's client properties.
"${COMPOSE[@]}" run --rm --no-deps -T kafka-setup sh -c \
  'export SINERGI_KAFKA_ADMIN_PASSWORD="$(cat "$SINERGI_KAFKA_ADMIN_PASSWORD_FILE")" && exec sinergi kafka grant compose-bkn enrollment.enrollments' \
  </dev/null >"$STATE/agency.properties" 2>"$STATE/grant.log" \
  || { cat "$STATE/grant.log" "$STATE/agency.properties" >&2; fail "sinergi kafka grant"; }
grep -q '^security.protocol=SASL_SSL$' "$STATE/agency.properties" \
  || { cat "$STATE/agency.properties" >&2; fail "the grant printed no SASL_SSL properties"; }
say "agency-compose-bkn may read enrollment.enrollments"

stage "scenario"
set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a
COMPOSE_SECRETS="$SECRETS" AGENCY_PROPERTIES="$STATE/agency.properties" \
  .venv/bin/python deploy/compose/scenario.py </dev/null

stage "production refusals"
# The project's image in production mode with one weak setting each, as an operator would meet it:
# the registry service as compose runs it (its secrets, its database) exits non-zero and says why.
# Stopped first: Compose v1 links a one-off container to its service's running ones, which host
# networking refuses.
"${COMPOSE[@]}" stop registry </dev/null >/dev/null 2>&1
refused() {  # what (a setting=value) expected-message
  local out code
  set +e
  out="$(timeout 120 "${COMPOSE[@]}" run --rm --no-deps -T -e "$1" registry </dev/null 2>&1)"
  code=$?
  set -e
  if [[ $code -eq 0 || $code -eq 124 ]] || ! grep -qF "$2" <<<"$out"; then
    printf '%s\n' "$out" | tail -n 30 >&2
    fail "the registry with $1 exited $code without refusing: $2"
  fi
  say "$1: exit $code, \"$2\""
}
refused SINERGI_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT \
  "SINERGI_KAFKA_SECURITY_PROTOCOL must be SASL_SSL (authenticated, encrypted), not SASL_PLAINTEXT"
refused REGISTRY_BOOTSTRAP_CLIENT_SECRET=change-me-operator-secret \
  "REGISTRY_BOOTSTRAP_CLIENT_SECRET is refused with SINERGI_MODE=production"
