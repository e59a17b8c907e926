#!/usr/bin/env bash
# Create .venv and install the four Sinergi packages with the test tools. Idempotent: a no-op when
# nothing changed since the last successful install.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

if ! command -v python3 >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv
fi
if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    python3 -m venv .venv
  fi
fi

# pdftoppm renders printed PDFs to PNG so the tests can look at them as a reader would.
command -v pdftoppm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; }

# The official AsyncAPI JSON schemas (npm package @asyncapi/specs), to validate docs/asyncapi.json in the tests.
specs=.stack/asyncapi/package/schemas/3.0.0-without-\$id.json
if [ ! -f "$specs" ]; then
  command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
  mkdir -p .stack/asyncapi
  (cd .stack/asyncapi && npm pack -q @asyncapi/specs@6.11.1 >/dev/null && tar xzf asyncapi-specs-6.11.1.tgz)
fi

stamp=.venv/.sinergi-installed
want=$(cat requirements-dev.txt shared/pyproject.toml services/*/pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "installing Python packages into .venv"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements-dev.txt \
  -e ./shared -e ./services/registry -e ./services/enrollment -e ./services/funding
echo "$want" > "$stamp"
