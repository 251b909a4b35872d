#!/usr/bin/env bash
# Backup and restore, checked once: dump a PostgreSQL database as the README's backup does
# (pg_dump --format=custom), restore the dump with pg_restore into a scratch database on the
# same server, and compare the row count of every table; with a media directory, archive it
# as the README's backup does and compare the archive's file list with the directory's.
#
#   .ci/backup-check.sh postgres://user@host:5432/portal portal_restore_check [MEDIA_ROOT]
#
# The scratch database is dropped and recreated, so its name must end in "_restore_check";
# it is dropped again at the end. Exit status: 0 when everything matches, 1 when a count or
# the file list differs (the differences are printed), 2 on bad arguments.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 SOURCE_DATABASE_URL SCRATCH_DATABASE_NAME [MEDIA_ROOT]" >&2
  exit 2
fi
source_url=$1
scratch=$2
media=${3:-}
case "$scratch" in
  *_restore_check) ;;
  *) echo "refusing to drop and recreate '$scratch': its name must end in _restore_check" >&2
     exit 2 ;;
esac
case "$source_url" in
  postgres://*/*|postgresql://*/*) ;;
  *) echo "the source must be a postgres://user@host:port/database URL" >&2; exit 2 ;;
esac
base=${source_url%%\?*}
scratch_url="${base%/*}/$scratch"

work=$(mktemp -d)
cleanup() {
  psql "$source_url" -qX -c "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# One line per table: "name count". query_to_xml runs the count for each table in one query.
counts() {
  psql "$1" -qAtX -F ' ' -c "
    SELECT table_name,
           (xpath('/row/n/text()',
                  query_to_xml(format('SELECT count(*) AS n FROM %I.%I', table_schema, table_name),
                               false, true, '')))[1]::text
    FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
    ORDER BY table_name"
}

# --- the database ----------------------------------------------------------------------------
pg_dump --format=custom --no-owner --no-privileges --file "$work/portal.dump" "$source_url"
echo "dump: $(du -h "$work/portal.dump" | cut -f1)"
psql "$source_url" -qX -v ON_ERROR_STOP=1 \
  -c "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" -c "CREATE DATABASE \"$scratch\"" >/dev/null
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$scratch_url" "$work/portal.dump"
counts "$source_url" > "$work/source.txt"
counts "$scratch_url" > "$work/restored.txt"
status=0
if diff -u "$work/source.txt" "$work/restored.txt" >"$work/counts.diff"; then
  tables=$(wc -l < "$work/source.txt")
  rows=$(awk '{ n += $2 } END { print n + 0 }' "$work/source.txt")
  echo "database: $tables tables, $rows rows restored, every count equal"
  grep -E '^(units_unit|units_user|units_membership|campaign_campaign|campaign_plan|reports_annualreport|reports_indicatorvalue|campaign_step) ' \
    "$work/restored.txt" | sed 's/^/  /' || true
else
  echo "database: row counts differ (source -, restored +):"
  cat "$work/counts.diff"
  status=1
fi

# --- the media ------------------------------------------------------------------------------------
if [ -n "$media" ]; then
  tar -C "$media" -czf "$work/media.tar.gz" .
  (cd "$media" && find . -type f | sort) > "$work/media-source.txt"
  tar -tzf "$work/media.tar.gz" | grep -v '/$' | sort > "$work/media-archive.txt"
  if diff -u "$work/media-source.txt" "$work/media-archive.txt"; then
    echo "media: $(wc -l < "$work/media-source.txt") files archived"
  else
    echo "media: the archive's file list differs from the directory's"
    status=1
  fi
fi
exit $status
