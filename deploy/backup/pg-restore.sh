#!/usr/bin/env bash
# Restores a dump that pg-backup.sh made into memOS's schema, in one transaction (all or nothing).
# Stop every memOS that uses the schema first. The schema must not exist, unless --force, which
# drops it (and everything in it) first. The dump restores into the schema it was taken from;
# run this as the database user memOS connects with, so that it owns what is restored.
#
#   MEMOS_DATABASE_URL=postgres://memos@db:5432/memos MEMOS_DATABASE_SCHEMA=memos \
#     deploy/backup/pg-restore.sh /backups/memos-20270101T030000Z.dump [--force]
#
# Afterwards: restore Redis from the same time (redis-backup.sh), or clear memOS's caches in it
# (see "Backup and restore" in docs/operations.md), then start memOS.
set -euo pipefail

dump="${1:-}"
force="${2:-}"
if [[ -z "$dump" || "$dump" == -* || ( -n "$force" && "$force" != "--force" ) ]]; then
  echo "usage: MEMOS_DATABASE_URL=... [MEMOS_DATABASE_SCHEMA=memos] $0 DUMP_FILE [--force]" >&2
  exit 2
fi
url="${MEMOS_DATABASE_URL:?set MEMOS_DATABASE_URL to the database memOS uses}"
schema="${MEMOS_DATABASE_SCHEMA:-memos}"
if [[ ! "$schema" =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
  echo "MEMOS_DATABASE_SCHEMA '$schema' is not a memOS schema name" >&2
  exit 2
fi
if ! listing=$(pg_restore --list "$dump" 2>&1); then
  echo "$dump is not a pg_dump custom-format file: $listing" >&2
  exit 1
fi
# Here-strings, not pipes: under pipefail, grep -q or awk stopping at their first match could fail the
# pipe (printf then meets a closed pipe) and call a good dump bad.
dumped=$(awk '$4 == "SCHEMA" && $5 == "-" { print $6; exit }' <<<"$listing")
if [[ "$dumped" != "$schema" ]]; then
  echo "$dump holds the schema '${dumped:-none}', not '$schema': set MEMOS_DATABASE_SCHEMA=$dumped" >&2
  exit 1
fi
if ! grep -q " TABLE $schema schema_migrations " <<<"$listing"; then
  echo "$dump is not a memOS dump (no $schema.schema_migrations)" >&2
  exit 1
fi

exists=$(psql "$url" -XAtq -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM pg_namespace WHERE nspname = '$schema'")
if [[ "$exists" == "1" ]]; then
  if [[ "$force" != "--force" ]]; then
    echo "the schema '$schema' exists already; stop memOS and pass --force to replace it" >&2
    exit 1
  fi
fi

started=$(date +%s)
# One transaction: the drop and the restore commit together, or neither does.
{
  echo "BEGIN;"
  [[ "$exists" == "1" ]] && echo "DROP SCHEMA \"$schema\" CASCADE;"
  pg_restore --no-owner --no-privileges --file=- "$dump"
  echo "COMMIT;"
} | PGOPTIONS="-c client_min_messages=warning" psql "$url" -Xq -v ON_ERROR_STOP=1 >/dev/null
version=$(psql "$url" -XAtq -c "SELECT max(version) FROM \"$schema\".schema_migrations")
echo "restored schema $schema from $dump (schema version $version) in $(( $(date +%s) - started )) s; start memOS to serve it"
