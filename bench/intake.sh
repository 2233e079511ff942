#!/usr/bin/env bash
# Appeal intake over HTTP (group commit, synchronous=FULL) against the sqlite3 C API inserting
# the same rows one transaction each, alternated ROUNDS times on the same machine so that the
# ratio is read from neighbouring runs (this machine's speed swings by tens of percent).
#   bench/intake.sh                  → DURATION=10 ROUNDS=3, 64 connections
#   CONNS=128 ROUNDS=5 bench/intake.sh
# Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
ECITY=$PWD/build/release/ecity
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-64}
work=$(mktemp -d /tmp/ecity-intake.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rps() { awk '/Requests\/sec/ {print $2}'; }

echo "== machine: $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), ${DURATION} s per run, $CONNS connections"
export ECITY_LOG_LEVEL=warn
ECITY_DATABASE_URL="sqlite:$work/base.db" "$ECITY" demo --admin-password 'Bench#2026pw' --appeals 0 >/dev/null
port=$(free_port)
sum_a=0; sum_b=0
for round in $(seq 1 "$ROUNDS"); do
  cp "$work/base.db" "$work/http.db"; cp "$work/base.db" "$work/capi.db"
  ECITY_DATABASE_URL="sqlite:$work/http.db" ECITY_SERVER_PORT=$port "$ECITY" serve >"$work/serve.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
  token=$(curl -s -XPOST "http://127.0.0.1:$port/api/auth/login" -d '{"username":"admin","password":"Bench#2026pw"}' |
    sed -E 's/.*"token":"([^"]+)".*/\1/')
  cat_id=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/appeals/categories" |
    python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin)["items"] if c["name"]=="路灯不亮"][0])')
  cat > "$work/intake.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '{"channel":"phone","type":"help","category_id":$cat_id,"urgency":"normal","caller_name":"张先生","caller_phone":"13806321234","content":"峄城区坛山街道青檀路路灯连续三晚不亮，夜间出行不便，请尽快维修。","address":"坛山街道青檀路 88 号附近"}'
LUA
  a=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$work/intake.lua" "http://127.0.0.1:$port/api/appeals" | rps)
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  b=$(build/release/bench/appeal_insert_baseline "$work/capi.db" "$DURATION" "$cat_id" | awk '{print $2}')
  echo "round $round: HTTP $a appeals/s; C API one transaction each $b appeals/s; ratio $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a/b}')"
  sum_a=$(awk -v s="$sum_a" -v a="$a" 'BEGIN{print s+a}'); sum_b=$(awk -v s="$sum_b" -v b="$b" 'BEGIN{print s+b}')
done
echo "appeal intake over HTTP ($CONNS connections, synchronous=FULL): mean $(awk -v s="$sum_a" -v n="$ROUNDS" 'BEGIN{printf "%.0f", s/n}') appeals/s (target >= 5000); C API mean $(awk -v s="$sum_b" -v n="$ROUNDS" 'BEGIN{printf "%.0f", s/n}') appeals/s; ratio $(awk -v a="$sum_a" -v b="$sum_b" 'BEGIN{printf "%.2f", a/b}') (target >= 3)"
