#!/bin/sh
# Sets up, or upgrades, Temporal's schema in its two Postgres databases with the SQL tool of the
# admin-tools image (its schemas are embedded: --schema-name). Both steps are idempotent, so the
# job runs on every `docker compose up` and also upgrades the schema after a server upgrade.
set -eu
for pair in "${DBNAME:-temporal}:postgresql/v12/temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:postgresql/v12/visibility"; do
  db=${pair%%:*}
  schema=${pair#*:}
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p 5432 -u "$POSTGRES_USER" --db "$db" setup-schema -v 0.0
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p 5432 -u "$POSTGRES_USER" --db "$db" update-schema --schema-name "$schema"
done
echo "Temporal schema ready"
