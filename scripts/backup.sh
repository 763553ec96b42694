#!/usr/bin/env bash
# A consistent backup of SuToHaMu: the database (pg_dump, custom format) and the uploaded
# documents (PRIVATE_MEDIA_ROOT), in one dated directory with checksums.
#
#   DATABASE_URL=postgres://user:pw@host:5432/sutohamu scripts/backup.sh [TARGET_DIR]
#
# TARGET_DIR defaults to backups/ in the project; the backup is TARGET_DIR/sutohamu-<UTC time>/
# with database.dump, documents.tar.gz and SHA256SUMS, and its path is printed last.
# The dump is one snapshot of the database (pg_dump runs in a single repeatable-read
# transaction, so the app may keep running). Documents are written once and never changed, and
# they are archived after the dump: every document the dump refers to is in the archive.
# Restore with scripts/restore.sh.
set -euo pipefail

project=$(cd "$(dirname "$0")/.." && pwd)
PATH="${PG_BIN:-/usr/lib/postgresql/15/bin}:$PATH"
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL must be a postgres:// URL (SQLite: copy db.sqlite3)" >&2; exit 2 ;;
esac
media="${PRIVATE_MEDIA_ROOT:-$project/private}"
target="${1:-$project/backups}"
name="sutohamu-$(date -u +%Y%m%dT%H%M%SZ)"

mkdir -p "$target"
work=$(mktemp -d "$target/.$name.XXXXXX")
trap 'rm -rf "$work"' EXIT

pg_dump --format=custom --compress=6 --no-owner --no-privileges \
  --file="$work/database.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$work/documents.tar.gz" .
else
  tar -czf "$work/documents.tar.gz" --files-from /dev/null
fi
(cd "$work" && sha256sum database.dump documents.tar.gz > SHA256SUMS)
chmod 700 "$work"
mv "$work" "$target/$name"  # complete or absent: never a half-written backup under its name
trap - EXIT
echo "$target/$name"
