#!/usr/bin/env bash
# Validates docker-compose.yml offline (no Docker engine needed): installs Debian's docker-compose if
# it is missing, then runs `config -q` on the file, alone and with deploy/compose/host-network.yml,
# with deploy/.env.example plus a placeholder secrets folder (the file has no default secret), checks
# that it still refuses to start without it, and that no secret is passed in a container's environment
# (only <NAME>_FILE paths to Docker secrets).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO_ROOT"

if ! command -v docker-compose >/dev/null 2>&1; then
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "check-compose: docker-compose is missing; install it (apt-get install -y docker-compose)" >&2
    exit 1
  fi
  echo "check-compose: installing docker-compose (apt) ..."
  log="$(mktemp)"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose; } </dev/null >"$log" 2>&1; then
    echo "check-compose: installing docker-compose failed; log: $log" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
fi

env_file="$(mktemp)"
trap 'rm -f "$env_file"' EXIT
# The documented example with every REQUIRED (empty) secret given a placeholder.
sed -E 's/^([A-Z0-9_]+)=$/\1=check-only-placeholder/' deploy/.env.example >"$env_file"
# Only the example's settings: not an operator's ./.env, nor this shell's.
compose() { env -i PATH="$PATH" docker-compose --project-directory "$REPO_ROOT" --env-file "$1" "${@:2}"; }

compose "$env_file" -f docker-compose.yml config -q
compose "$env_file" -f docker-compose.yml -f deploy/compose/host-network.yml config -q
if compose deploy/.env.example -f docker-compose.yml config -q 2>/dev/null; then
  echo "check-compose: docker-compose.yml starts without its secrets (a \${VAR:?} is missing)" >&2
  exit 1
fi
# A secret's value in an environment: block (a password, secret, passphrase or key that is not a file).
leaks="$(compose "$env_file" -f docker-compose.yml config \
  | grep -E '^ +[A-Z0-9_]*(PASSWORD|SECRET|PASSPHRASE|_PEM|_KEY|DATABASE_URL): ' || true)"
if [[ -n "$leaks" ]]; then
  echo "check-compose: secrets in a container's environment (use <NAME>_FILE and a Docker secret):" >&2
  echo "$leaks" >&2
  exit 1
fi

# Every file the compose file mounts or builds from must exist.
for f in Dockerfile .dockerignore deploy/postgres-init/01-create-databases.sh deploy/requirements.lock \
  deploy/requirements-build.lock deploy/compose/wheelhouse/README deploy/compose/kafka/start.sh; do
  [[ -f "$f" ]] || { echo "check-compose: missing $f" >&2; exit 1; }
done
echo "check-compose: docker-compose.yml is valid"
