#!/usr/bin/env bash
# Validates docker-compose.yml offline (no Docker engine needed): installs
# Debian's docker-compose if it is missing, then runs `config -q` on the file
# with its built-in defaults and with deploy/.env.example.
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

# First with the file's own defaults (plus ./.env if one exists),
# then again with the documented example environment.
docker-compose --project-directory "$REPO_ROOT" -f docker-compose.yml config -q
docker-compose --project-directory "$REPO_ROOT" --env-file deploy/.env.example -f docker-compose.yml config -q

# Every file the compose file mounts or builds from must exist.
for f in Dockerfile .dockerignore deploy/postgres-init/01-create-databases.sh; do
  [[ -f "$f" ]] || { echo "check-compose: missing $f" >&2; exit 1; }
done
echo "check-compose: docker-compose.yml is valid"
