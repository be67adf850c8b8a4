#!/usr/bin/env bash
# Back up the portal's PostgreSQL database to one file (pg_dump's custom format: compressed, restorable
# table by table). Usage: DATABASE_URL=postgres://… scripts/backup.sh [FILE]
# FILE defaults to secpa-YYYYmmdd-HHMMSS.dump in $BACKUP_DIR (default: the current directory).
# Uploaded documents are not in the database: back up MEDIA_ROOT (or the bucket) alongside.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must name the database to back up}"
file="${1:-${BACKUP_DIR:-.}/secpa-$(date -u +%Y%m%d-%H%M%S).dump}"
tmp="$file.partial"
trap 'rm -f "$tmp"' EXIT
pg_dump --format=custom --no-owner --no-privileges --file="$tmp" "$DATABASE_URL"
pg_restore --list "$tmp" >/dev/null  # a truncated or unreadable dump fails here, not on restore day
mv "$tmp" "$file"
trap - EXIT
echo "$file"
