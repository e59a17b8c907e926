#!/bin/bash
# Runs once, on the first start of the postgres container (empty data volume): one role per service,
# owning that service's database and nothing else; the public cannot connect to the databases. The
# services' Alembic migrations (the *-migrate jobs in docker-compose.yml) create the tables as that role.
#
# Each role's password comes from the database URL the service itself is given, so the operator writes
# it once: the file <SERVICE>_DATABASE_URL_FILE names (a Docker secret), e.g.
#   postgresql+asyncpg://sinergi_registry:<password>@postgres:5432/sinergi_registry
# (or, without secrets, <SERVICE>_DB_PASSWORD).
set -euo pipefail

psql_admin() { psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres "$@"; }

for service in registry enrollment funding; do
  name="sinergi_$service"
  url_file_var="${service^^}_DATABASE_URL_FILE" password_var="${service^^}_DB_PASSWORD"
  if [[ -n "${!url_file_var:-}" ]]; then
    url="$(cat "${!url_file_var}")"
    userinfo="${url#*://}" && userinfo="${userinfo%@*}"
    if [[ "${userinfo%%:*}" != "$name" || "$userinfo" != *:* ]]; then
      echo "${!url_file_var}: the URL must connect as $name, with its password" >&2
      exit 1
    fi
    password="${userinfo#*:}"
  else
    password="${!password_var:?set $url_file_var or $password_var}"
  fi
  if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$name'")" != 1 ]]; then
    echo "creating role $name"
    # From stdin: psql substitutes :"name" and :'password' (quoted) there, not in -c.
    psql_admin -v name="$name" -v password="$password" <<<"CREATE ROLE :\"name\" LOGIN PASSWORD :'password'"
  fi
  if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" != 1 ]]; then
    echo "creating database $name (owner $name)"
    psql_admin -c "CREATE DATABASE \"$name\" OWNER \"$name\""
    psql_admin -c "REVOKE ALL ON DATABASE \"$name\" FROM PUBLIC"
  fi
done
