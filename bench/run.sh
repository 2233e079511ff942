#!/usr/bin/env bash
# Runs every benchmark and prints the figures that docs/BENCHMARKS.md records:
#   1. Google Benchmark kernels (calendar, locator, HJ 212, air; key projects at scale: projects_bench).
#   2. GET /healthz with wrk (100 connections, 2 threads) against nginx serving a static file
#      of the same size, in the same run.
#   3. An authenticated, data-scoped list of 50 users on SQLite.
#   4. /healthz p99 while 20 clients sign in continuously (argon2id).
#   5. Idle resident memory and time from start to a ready /readyz on an empty database.
#   6. Appeal intake over HTTP against the sqlite3 C API (bench/intake.sh, ROUNDS=2).
#   7. The HJ 212 listener with 10,000 simulated stations (bench/hj212_load.sh).
# Traffic goes to 127.0.0.1 only; every load is bounded in time. DURATION=seconds per run.
set -euo pipefail
cd "$(dirname "$0")/.."
ECITY=$PWD/build/release/ecity
DURATION=${DURATION:-10}
work=$(mktemp -d /tmp/ecity-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return 0; sleep 0.05; done; return 1; }
rps() { awk '/Requests\/sec/ {print $2}'; }

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%Y-%m-%d)"

echo "== kernels (Google Benchmark)"
for b in build/release/bench/*_bench; do "$b" --benchmark_min_time=0.2 2>/dev/null | grep -E "^BM_|^-|Benchmark" || true; done

echo "== server"
export ECITY_DATABASE_URL="sqlite:$work/bench.db" ECITY_LOG_LEVEL=warn
"$ECITY" demo --admin-password 'Bench#2026pw' --appeals 0 >/dev/null
port=$(free_port)
ECITY_SERVER_PORT=$port "$ECITY" serve >"$work/serve.log" 2>&1 & pids+=($!)
wait_ready "$port"

# nginx serving a file as large as the /healthz body, on its own port.
body=$(curl -s "http://127.0.0.1:$port/healthz")
mkdir -p "$work/nginx/html"; printf '%s' "$body" > "$work/nginx/html/healthz"
nport=$(free_port)
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log; daemon off;
events { worker_connections 1024; }
http { access_log off; default_type application/json;
  server { listen 127.0.0.1:$nport; root $work/nginx/html; location / { } } }
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" & pids+=($!)
sleep 0.5
e=$(wrk -t2 -c100 -d"${DURATION}s" "http://127.0.0.1:$port/healthz" | rps)
n=$(wrk -t2 -c100 -d"${DURATION}s" "http://127.0.0.1:$nport/healthz" | rps)
echo "healthz: ecity $e req/s, nginx (1 worker, same-size static file) $n req/s, ratio $(awk -v a="$e" -v b="$n" 'BEGIN{printf "%.2f", a/b}') (target >= 0.50)"

# 50 users in the admin's scope, then the list.
token=$(curl -s -XPOST "http://127.0.0.1:$port/api/auth/login" -d '{"username":"admin","password":"Bench#2026pw"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
have=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/users?size=1" | sed -E 's/.*"total":([0-9]+).*/\1/')
for i in $(seq "$have" 55); do
  curl -s -o /dev/null -XPOST -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/users" \
    -d "{\"username\":\"bench$i\",\"name\":\"压测用户$i\",\"password\":\"Bench#2026pw\",\"phone\":\"1380000$(printf %04d "$i")\"}"
done
cat > "$work/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA
u=$(wrk -t2 -c50 -d"${DURATION}s" -s "$work/auth.lua" "http://127.0.0.1:$port/api/users?size=50" | rps)
echo "users list (50 per page, authenticated, data-scoped, SQLite): $u req/s (target >= 10000)"

# Logins (20 clients) and, at the same time, /healthz latency.
cat > "$work/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"bench1","password":"Bench#2026pw"}'
LUA
wrk -t1 -c20 -d"$((DURATION + 2))s" -s "$work/login.lua" "http://127.0.0.1:$port/api/auth/login" >"$work/login.out" &
lp=$!
sleep 1
wrk -t1 -c10 -d"${DURATION}s" --latency "http://127.0.0.1:$port/healthz" >"$work/health.out"
wait $lp
echo "logins: $(rps <"$work/login.out") req/s over 20 connections; healthz during logins: $(awk '/ 99%/ {print "p99 " $2} / 50%/ {print "p50 " $2}' "$work/health.out" | tr '\n' ' ')(target p99 < 5ms)"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true

# Cold start on an empty database, and idle memory.
export ECITY_DATABASE_URL="sqlite:$work/empty.db"
port=$(free_port)
start=$(date +%s%N)
ECITY_SERVER_PORT=$port "$ECITY" serve >"$work/serve2.log" 2>&1 & sp=$!; pids+=($sp)
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.005; done
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 2
rss=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$sp/status")
echo "start to ready /readyz on an empty database (includes migrating it): ${ready_ms} ms (target < 500); idle RSS ${rss} MB (target < 60)"

# Appeal intake over HTTP (group commit, synchronous=FULL) against the same rows inserted one
# transaction each with the sqlite3 C API, alternated on fresh databases.
ROUNDS=${ROUNDS:-2} DURATION=$DURATION bench/intake.sh | tail -n +2

# The HJ 212 listener: 10,000 simulated stations on loopback, answered after commit.
echo "== HJ 212 listener under load (bench/hj212_load.sh)"
DURATION=30 bench/hj212_load.sh | tail -n +2
