#!/bin/sh
# One-shot: create Temporal's two PostgreSQL databases and bring their schemas to this server version.
# Runs in temporalio/admin-tools; safe to run again (create is skipped when the database exists, and
# update-schema only applies versions that are missing). SQL_PASSWORD comes from the environment.
set -eu

PLUGIN=postgres12
HOST="${POSTGRES_SEEDS:-postgresql}"
PORT="${DB_PORT:-5432}"
USER_NAME="${POSTGRES_USER:-temporal}"
SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) dir="$SCHEMA_ROOT/temporal/versioned" ;;
    *) dir="$SCHEMA_ROOT/visibility/versioned" ;;
  esac
  tool="temporal-sql-tool --plugin $PLUGIN --ep $HOST -p $PORT -u $USER_NAME --db $db"
  $tool create-database 2>/dev/null || echo "database $db exists"
  $tool setup-schema -v 0.0 2>/dev/null || echo "schema of $db already initialised"
  $tool update-schema -d "$dir"
done
echo "Temporal schemas ready"
