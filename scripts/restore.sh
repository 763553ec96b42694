#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database; anything else is refused,
# so a restore never mixes with or overwrites live data.
#
#   createdb -O sutohamu sutohamu_restored
#   DATABASE_URL=postgres://user:pw@host:5432/sutohamu_restored scripts/restore.sh BACKUP_DIR
#
# The uploaded documents are in the database and come back with it. The checksums are checked
# first; the database is restored in one transaction (all or nothing).
set -euo pipefail

PATH="${PG_BIN:-/usr/lib/postgresql/15/bin}:$PATH"
backup="${1:?usage: restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?set DATABASE_URL to the empty PostgreSQL database to restore into}"

[ -f "$backup/database.dump" ] && [ -f "$backup/SHA256SUMS" ] \
  || { echo "restore.sh: $backup is not a backup made by backup.sh" >&2; exit 2; }
(cd "$backup" && sha256sum --quiet --check SHA256SUMS) \
  || { echo "restore.sh: checksums do not match; refusing" >&2; exit 2; }

relations=$(psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 -c "
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
    AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')")
if [ "$relations" != "0" ]; then
  echo "restore.sh: the database is not empty ($relations tables, views or sequences); refusing" >&2
  exit 3
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$backup/database.dump"
echo "restored $backup"
