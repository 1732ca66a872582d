#!/usr/bin/env bash
# Run once by the postgres image (docker-entrypoint-initdb.d) when its data volume is new:
# a database and a user of their own for Smart Sync's settings, apart from Temporal's, so
# that Smart Sync's credentials reach nothing of Temporal's. Smart Sync creates its tables
# itself at start-up (versioned migrations); the user owns the database so that it can.
set -euo pipefail
: "${SMART_SYNC_DB_PASSWORD:?set SMART_SYNC_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v password="$SMART_SYNC_DB_PASSWORD" <<'SQL'
CREATE ROLE smart_sync LOGIN PASSWORD :'password';
CREATE DATABASE smart_sync OWNER smart_sync;
REVOKE ALL ON DATABASE smart_sync FROM PUBLIC;
SQL
