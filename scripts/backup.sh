#!/usr/bin/env bash
# A consistent backup of SuToHaMu: the database (pg_dump, custom format), which holds the
# uploaded documents too (DOCUMENT_STORAGE=database), in one dated directory with checksums.
# With DOCUMENT_STORAGE=s3 the documents are the object store's to keep (its versioning or
# replication); this backs up the database alone.
#
#   DATABASE_URL=postgres://user:pw@host:5432/sutohamu scripts/backup.sh [TARGET_DIR]
#
# TARGET_DIR defaults to backups/ in the project; the backup is TARGET_DIR/sutohamu-<UTC time>/
# with database.dump and SHA256SUMS, and its path is printed last. The dump is one snapshot of
# the database (pg_dump runs in a single repeatable-read transaction, so the app may keep
# running): every document an agreement refers to is in it.
# Restore with scripts/restore.sh.
set -euo pipefail

project=$(cd "$(dirname "$0")/.." && pwd)
PATH="${PG_BIN:-/usr/lib/postgresql/15/bin}:$PATH"
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL must be a postgres:// URL (SQLite: copy db.sqlite3)" >&2; exit 2 ;;
esac
target="${1:-$project/backups}"
name="sutohamu-$(date -u +%Y%m%dT%H%M%SZ)"

mkdir -p "$target"
work=$(mktemp -d "$target/.$name.XXXXXX")
trap 'rm -rf "$work"' EXIT

pg_dump --format=custom --compress=6 --no-owner --no-privileges \
  --file="$work/database.dump" "$DATABASE_URL"
(cd "$work" && sha256sum database.dump > SHA256SUMS)
chmod 700 "$work"
mv "$work" "$target/$name"  # complete or absent: never a half-written backup under its name
trap - EXIT
echo "$target/$name"
