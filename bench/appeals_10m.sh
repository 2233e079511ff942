#!/usr/bin/env bash
# Appeals at scale: N cases (default 10,000,000) played through the workflow into a fresh SQLite
# database by `ecity demo`, then the issue's read targets measured over HTTP with wrk:
#   1. a filtered, scoped list page (a town administrator, state filter, 20 per page): p95 < 50 ms
#   2. the monthly statistics by unit for one year (admin): < 500 ms
#   3. a full-text search, first page (admin and a town administrator): p95 < 200 ms
# A list page comes without its count (count=false, as the console asks for it); the count
# (capped at 10,000 matches) is its own request, measured on its own line.
# Latency is measured with 2 connections (one per core), then throughput with 8, each after a
# 2-second warm-up of the same request.
# Usage: bench/appeals_10m.sh [N]
#   DURATION=seconds per wrk run (default 10); KEEP=1 keeps the database;
#   DB=path/to/big.db measures an existing SQLite database instead of loading one;
#   BACKEND=postgresql loads into a PostgreSQL 15 cluster started in the work directory (as the
#   `postgres` user when run as root; shared_buffers 4 GB), or PG_URL="postgresql:…" measures an
#   existing PostgreSQL database.
# A load needs about 1.5 GB of disk per million cases and 20-25 minutes per 10 M on 2 cores
# (SQLite; PostgreSQL about 40 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
ECITY=$PWD/build/release/ecity
N=${1:-10000000}
DURATION=${DURATION:-10}
BACKEND=${BACKEND:-sqlite}
[ -n "${PG_URL:-}" ] && BACKEND=postgresql
work=$(mktemp -d /var/tmp/ecity-10m.XXXXXX)
chmod 755 "$work"
pid=""
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_pg=(); [ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  wait 2>/dev/null || true
  [ -d "$work/pg" ] && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%Y-%m-%d), $BACKEND"
load=1
if [ "$BACKEND" = postgresql ]; then
  if [ -n "${PG_URL:-}" ]; then
    url=$PG_URL; load=0
  else
    [ "$(id -u)" = 0 ] && chown postgres "$work"
    "${as_pg[@]}" "$pgbin/initdb" -D "$work/pg" -U ecity --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    pgport=$(free_port)
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o "-c listen_addresses=127.0.0.1 -p $pgport \
      -k $work -c shared_buffers=4GB -c work_mem=64MB -c maintenance_work_mem=1GB -c effective_cache_size=16GB \
      -c max_wal_size=8GB -c checkpoint_timeout=15min" start >/dev/null
    "${as_pg[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U ecity ecity
    url="postgresql:host=127.0.0.1 port=$pgport dbname=ecity user=ecity"
  fi
  count_cases() { psql "${url#postgresql:}" -Atc 'SELECT MAX(id) FROM appeals'; }
else
  db=${DB:-$work/big.db}
  [ -n "${DB:-}" ] && load=0
  url="sqlite:$db"
  count_cases() { sqlite3 "$db" 'SELECT MAX(id) FROM appeals'; }
fi
export ECITY_DATABASE_URL="$url" ECITY_LOG_LEVEL=warn ECITY_FILES_DIR="$work/files"
if [ "$load" = 1 ]; then
  start=$(date +%s)
  "$ECITY" demo --admin-password 'Bench#2026pw' --appeals "$N" | grep -E "demo year|appeals"
  echo "load: $(( $(date +%s) - start )) s for $N cases"
fi
echo "cases: $(count_cases)"

port=$(free_port)
ECITY_SERVER_PORT=$port "$ECITY" serve >"$work/serve.log" 2>&1 & pid=$!
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.1; done
login() { curl -s -XPOST "http://127.0.0.1:$port/api/auth/login" -d "{\"username\":\"$1\",\"password\":\"Bench#2026pw\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/'; }
admin=$(login admin)
town=$(login tanshan)

# wrk with a p95 line (wrk prints 50/75/90/99 only).
cat > "$work/p95.lua" <<'LUA'
local token = os.getenv("TOKEN")
wrk.headers["Authorization"] = "Bearer " .. token
done = function(summary, latency, requests)
  io.write(string.format("%d requests (%.0f/s), errors %d, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n", summary.requests,
    summary.requests / (summary.duration / 1e6),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
LUA
measure() {
  TOKEN=$1 wrk -t2 -c2 -d2s -s "$work/p95.lua" "$2" >/dev/null  # warm-up, not reported
  echo "  c2: $(TOKEN=$1 wrk -t2 -c2 -d"${DURATION}s" -s "$work/p95.lua" "$2" | tail -1)"
  echo "  c8: $(TOKEN=$1 wrk -t2 -c8 -d"${DURATION}s" -s "$work/p95.lua" "$2" | tail -1)"
}
base="http://127.0.0.1:$port/api/appeals"
q=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("路灯不亮"))')

echo "list, town administrator, state=handling, page 1 of 20 (target p95 < 50 ms):"
measure "$town" "$base?state=handling&size=20&count=false"
echo "  its count:"
measure "$town" "$base?state=handling&size=1"
echo "list, town administrator, page 50 of all its cases:"
measure "$town" "$base?size=20&page=50&count=false"
echo "  its count (capped at 10,000):"
measure "$town" "$base?size=1"

to=$(date -u +%Y-%m-%d)
from=$(date -u -d "$to - 364 days" +%Y-%m-%d)
echo "statistics by unit, $from to $to, admin (target < 500 ms), 5 requests:"
for i in 1 2 3 4 5; do
  curl -s -o /dev/null -w "  %{http_code} %{time_total} s\n" -H "Authorization: Bearer $admin" \
    "$base/stats?group=unit&from=$from&to=$to"
done
echo "full-text search q=路灯不亮, first page, admin (target p95 < 200 ms):"
measure "$admin" "$base?q=$q&size=20&count=false"
echo "  its count (capped at 1,000 for a search):"
measure "$admin" "$base?q=$q&size=1"
echo "full-text search q=路灯不亮 within a town administrator's scope:"
measure "$town" "$base?q=$q&size=20&count=false"
echo "  its count (capped at 1,000 for a search):"
measure "$town" "$base?q=$q&size=1"
