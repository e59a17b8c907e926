#!/bin/bash
# Runs once, on the first start of the postgres container (empty data volume): one role per service,
# with the password from <SERVICE>_DB_PASSWORD, owning that service's database and nothing else; the
# public cannot connect to the databases. The services' Alembic migrations (the *-migrate jobs in
# docker-compose.yml) create the tables as that role.
set -euo pipefail

psql_admin() { psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres "$@"; }

for service in registry enrollment funding; do
  name="sinergi_$service"
  password_var="${service^^}_DB_PASSWORD"
  password="${!password_var:?$password_var must be set}"
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
