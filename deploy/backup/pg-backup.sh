#!/usr/bin/env bash
# Backs up memOS's PostgreSQL schema (server mode) with pg_dump, in the custom format (-Fc:
# compressed, restored selectively and in parallel by pg_restore). pg_dump reads one snapshot,
# so the dump is consistent while memOS keeps serving. Only memOS's schema is dumped: the role
# memos_tenant (row-level security) is cluster-wide, and memOS grants it again at every start.
#
#   MEMOS_DATABASE_URL=postgres://memos@db:5432/memos MEMOS_DATABASE_SCHEMA=memos \
#     deploy/backup/pg-backup.sh /backups/memos-$(date -u +%Y%m%dT%H%M%SZ).dump
#
# The dump is written beside OUT and renamed when whole; then its table of contents is listed
# back (pg_restore --list) to check it reads. Exit code 0 only when all of that worked.
set -euo pipefail

out="${1:-}"
if [[ -z "$out" || "$out" == -* ]]; then
  echo "usage: MEMOS_DATABASE_URL=... [MEMOS_DATABASE_SCHEMA=memos] $0 OUT_FILE" >&2
  exit 2
fi
url="${MEMOS_DATABASE_URL:?set MEMOS_DATABASE_URL to the database memOS uses}"
schema="${MEMOS_DATABASE_SCHEMA:-memos}"
if [[ ! "$schema" =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
  echo "MEMOS_DATABASE_SCHEMA '$schema' is not a memOS schema name" >&2
  exit 2
fi
if [[ -e "$out" ]]; then
  echo "$out exists already; give another name" >&2
  exit 1
fi

tables=$(psql "$url" -XAtq -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM pg_tables WHERE schemaname = '$schema' AND tablename = 'schema_migrations'")
if [[ "$tables" != "1" ]]; then
  echo "the database has no memOS schema '$schema' (no $schema.schema_migrations)" >&2
  exit 1
fi

partial="$(dirname "$out")/.$(basename "$out").partial"
trap 'rm -f "$partial"' EXIT
started=$(date +%s)
pg_dump --format=custom --schema="$schema" --no-owner --no-privileges --file="$partial" "$url"
sync "$partial" 2>/dev/null || true
entries=$(pg_restore --list "$partial" | grep -c ' TABLE DATA ' || true)
mv "$partial" "$out"
trap - EXIT
sync "$(dirname "$out")" 2>/dev/null || true
version=$(psql "$url" -XAtq -c "SELECT max(version) FROM $schema.schema_migrations")
echo "pg_dump of schema $schema written: $out ($(stat -c %s "$out") bytes, $entries tables with data, schema version $version) in $(( $(date +%s) - started )) s"
