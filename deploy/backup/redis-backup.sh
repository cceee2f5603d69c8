#!/usr/bin/env bash
# Backs up the Redis memOS uses in server mode. Redis holds only short-term state: live sessions,
# the session outbox (messages on their way to episodic memory in PostgreSQL), and caches (which
# need no backup). Run it ON THE REDIS HOST (or where its data folder is mounted): it copies
# Redis's own files.
#
#   MEMOS_REDIS_URL=redis://127.0.0.1:6379 deploy/backup/redis-backup.sh /backups/redis-$(date -u +%Y%m%dT%H%M%SZ)
#
# AOF (appendonly yes, what memOS recommends): rewrites the AOF (BGREWRITEAOF), waits for the
# rewrite, turns automatic rewrites off while it copies the append-only folder (Redis 7's
# multi-part AOF: base, increments and manifest), then turns them back on. Without AOF, or with
# --rdb: BGSAVE, waits until LASTSAVE moves, copies the RDB file.
# To restore: stop Redis, put the copied folder (or dump.rdb) in Redis's `dir`, start Redis.
set -euo pipefail

out="${1:-}"
mode="${2:-}"
if [[ -z "$out" || "$out" == -* || ( -n "$mode" && "$mode" != "--rdb" ) ]]; then
  echo "usage: MEMOS_REDIS_URL=redis://HOST:PORT $0 OUT_DIR [--rdb]" >&2
  exit 2
fi
url="${MEMOS_REDIS_URL:?set MEMOS_REDIS_URL to the Redis memOS uses}"
if [[ -e "$out" ]]; then
  echo "$out exists already; give another name" >&2
  exit 1
fi
cli() { redis-cli -u "$url" --no-auth-warning "$@"; }
info() { cli INFO persistence | tr -d '\r' | awk -F: -v k="$1" '$1 == k { print $2 }'; }
config() { cli CONFIG GET "$1" | tr -d '\r' | sed -n 2p; }
# Waits (at most 10 minutes) until `info $1` answers $2.
wait_for() {
  for _ in $(seq 1 1200); do
    [[ "$(info "$1")" == "$2" ]] && return 0
    sleep 0.5
  done
  echo "Redis did not reach $1=$2 in 10 minutes" >&2
  exit 1
}

dir=$(config dir)
mkdir -p "$out.partial"
trap 'rm -rf "$out.partial"' EXIT
if [[ "$(info aof_enabled)" == "1" && "$mode" != "--rdb" ]]; then
  wait_for aof_rewrite_in_progress 0
  cli BGREWRITEAOF >/dev/null
  wait_for aof_rewrite_scheduled 0
  wait_for aof_rewrite_in_progress 0
  [[ "$(info aof_last_bgrewrite_status)" == "ok" ]] || { echo "the AOF rewrite failed; see the Redis log" >&2; exit 1; }
  percentage=$(config auto-aof-rewrite-percentage)
  cli CONFIG SET auto-aof-rewrite-percentage 0 >/dev/null
  trap 'cli CONFIG SET auto-aof-rewrite-percentage "$percentage" >/dev/null; rm -rf "$out.partial"' EXIT
  wait_for aof_rewrite_in_progress 0
  aofdir=$(config appenddirname)
  cp -a "$dir/$aofdir" "$out.partial/"
  cli CONFIG SET auto-aof-rewrite-percentage "$percentage" >/dev/null
  what="AOF folder $aofdir"
else
  # rdb_saves counts finished saves (Redis 7.2+); LASTSAVE (a time in seconds) otherwise.
  saves() { local n; n=$(info rdb_saves); if [[ -n "$n" ]]; then echo "$n"; else cli LASTSAVE; fi; }
  wait_for rdb_bgsave_in_progress 0
  before=$(saves)
  cli BGSAVE >/dev/null
  for _ in $(seq 1 1200); do
    [[ "$(saves)" != "$before" ]] && break
    sleep 0.5
  done
  [[ "$(saves)" != "$before" ]] || { echo "BGSAVE did not finish in 10 minutes" >&2; exit 1; }
  [[ "$(info rdb_last_bgsave_status)" == "ok" ]] || { echo "BGSAVE failed; see the Redis log" >&2; exit 1; }
  rdb=$(config dbfilename)
  cp -a "$dir/$rdb" "$out.partial/"
  what="RDB file $rdb"
fi
sync "$out.partial"/* 2>/dev/null || true
mv "$out.partial" "$out"
trap - EXIT
echo "Redis $what copied to $out ($(du -sb "$out" | cut -f1) bytes)"
