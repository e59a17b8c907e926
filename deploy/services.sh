#!/usr/bin/env bash
# Start, stop or check the three Sinergi services as background processes (API + relay + consumers each).
# Logs: .stack/logs/<service>.log. Usage: deploy/services.sh start|stop|status
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
run="$repo/.stack/run"; logs="$repo/.stack/logs"
mkdir -p "$run" "$logs"
declare -A PORTS=([registry]=8001 [enrollment]=8002 [funding]=8003)

# Local defaults; an operator overrides them in the environment.
export REGISTRY_BOOTSTRAP_CLIENT_ID="${REGISTRY_BOOTSTRAP_CLIENT_ID:-operator}"
export REGISTRY_BOOTSTRAP_CLIENT_SECRET="${REGISTRY_BOOTSTRAP_CLIENT_SECRET:-operator-local-secret}"
export SINERGI_JWKS_URL="${SINERGI_JWKS_URL:-http://127.0.0.1:8001/.well-known/jwks.json}"

alive() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

healthy() { .venv/bin/python - "$1" <<'PY'
import sys, urllib.request
try:
    urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=1)
except Exception:
    sys.exit(1)
PY
}

start() {
  for svc in registry enrollment funding; do
    if alive "$svc"; then echo "$svc: already running (pid $(cat "$run/$svc.pid"))"; continue; fi
    setsid nohup .venv/bin/python -m "$svc" --port "${PORTS[$svc]}" >>"$logs/$svc.log" 2>&1 < /dev/null &
    echo $! > "$run/$svc.pid"
    for _ in $(seq 1 60); do
      healthy "${PORTS[$svc]}" && break
      if ! alive "$svc"; then echo "$svc failed to start; see $logs/$svc.log" >&2; tail -20 "$logs/$svc.log" >&2; exit 1; fi
      sleep 0.5
    done
    healthy "${PORTS[$svc]}" || { echo "$svc did not become healthy; see $logs/$svc.log" >&2; exit 1; }
    echo "$svc: http://127.0.0.1:${PORTS[$svc]} (docs at /docs, log $logs/$svc.log)"
  done
}

stop() {
  for svc in funding enrollment registry; do
    if alive "$svc"; then
      kill -TERM "$(cat "$run/$svc.pid")"
      for _ in $(seq 1 60); do alive "$svc" || break; sleep 0.5; done
      alive "$svc" && kill -KILL "$(cat "$run/$svc.pid")"
      echo "$svc: stopped"
    fi
    rm -f "$run/$svc.pid"
  done
}

status() {
  rc=0
  for svc in registry enrollment funding; do
    if alive "$svc"; then echo "$svc: running (pid $(cat "$run/$svc.pid"), port ${PORTS[$svc]})"; else echo "$svc: stopped"; rc=1; fi
  done
  return $rc
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
