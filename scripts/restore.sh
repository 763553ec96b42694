#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database (and an empty documents
# directory); anything else is refused, so a restore never mixes with or overwrites live data.
#
#   createdb -O sutohamu sutohamu_restored
#   DATABASE_URL=postgres://user:pw@host:5432/sutohamu_restored scripts/restore.sh BACKUP_DIR
#
# Documents go to PRIVATE_MEDIA_ROOT (default private/ in the project). The checksums are
# checked first; the database is restored in one transaction (all or nothing).
set -euo pipefail

project=$(cd "$(dirname "$0")/.." && pwd)
PATH="${PG_BIN:-/usr/lib/postgresql/15/bin}:$PATH"
backup="${1:?usage: restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?set DATABASE_URL to the empty PostgreSQL database to restore into}"
media="${PRIVATE_MEDIA_ROOT:-$project/private}"

[ -f "$backup/database.dump" ] && [ -f "$backup/documents.tar.gz" ] \
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
if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
  echo "restore.sh: $media is not empty; refusing" >&2
  exit 3
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$backup/database.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$backup/documents.tar.gz"
echo "restored $backup"
