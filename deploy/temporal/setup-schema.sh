#!/bin/sh
# Run by the temporal-schema service (temporalio/admin-tools) before the Temporal server
# starts: creates Temporal's two databases in PostgreSQL and brings their schemas up to the
# version of the admin-tools image, which is pinned to the server's version in
# docker-compose.yml. Safe to run on every `docker compose up`: that is also how an upgrade
# of the image gets its schema changes.
#
# Connection settings come from the environment, where temporal-sql-tool reads them
# (SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD), so the password is on no
# command line. Written for temporalio/admin-tools 1.31, whose schema files are under
# /etc/temporal/schema/postgresql/v12 (the postgres12 plugin, PostgreSQL 12 or newer).
set -eu
: "${SQL_PASSWORD:?set POSTGRES_PASSWORD}"
SCHEMA_ROOT="${TEMPORAL_SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) dir="$SCHEMA_ROOT/temporal/versioned" ;;
    *) dir="$SCHEMA_ROOT/visibility/versioned" ;;
  esac
  # `create` and `setup-schema -v 0.0` fail once the database and its schema_version table
  # exist, i.e. on every run after the first; update-schema then fails for real if either
  # is missing, so nothing is hidden by letting the first two fail.
  temporal-sql-tool --db "$db" create || echo "database $db exists"
  temporal-sql-tool --db "$db" setup-schema -v 0.0 || echo "database $db has a schema version"
  temporal-sql-tool --db "$db" update-schema -d "$dir"
done
echo 'Temporal schema is up to date'
