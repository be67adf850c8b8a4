#!/usr/bin/env bash
# Restore a dump written by scripts/backup.sh into an EMPTY database, then check the journal's chain.
# Usage: DATABASE_URL=postgres://…/empty_database scripts/restore.sh FILE
# Stop the application servers and workers first; afterwards run `manage.py migrate` if the code is newer.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must name the (empty) database to restore into}"
file="${1:?the dump file to restore}"
cd "$(dirname "$0")/.."
tables=$(psql "$DATABASE_URL" -Atc "select count(*) from pg_tables where schemaname = 'public'")
if [ "$tables" != "0" ]; then
    echo "restore.sh: the target database is not empty ($tables tables): restore into a new database." >&2
    exit 1
fi
pg_restore --no-owner --no-privileges --single-transaction --exit-on-error --dbname="$DATABASE_URL" "$file"
python="${PYTHON:-python}"
[ -x .venv/bin/python ] && python=.venv/bin/python
"$python" manage.py verify_journal
