#!/bin/bash
# Runs once, on the first start of the postgres container (empty data volume):
# creates one database per service, owned by POSTGRES_USER. The services'
# Alembic migrations (the *-migrate jobs in docker-compose.yml) create the tables.
set -euo pipefail

databases="${SINERGI_DATABASES:-sinergi_registry sinergi_enrollment sinergi_funding}"

for db in $databases; do
  exists="$(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$db'")"
  if [[ "$exists" != 1 ]]; then
    echo "creating database $db (owner $POSTGRES_USER)"
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
      -c "CREATE DATABASE \"$db\" OWNER \"$POSTGRES_USER\""
  fi
done
