#!/usr/bin/env bash
# The HJ 212 listener under load: STATIONS simulated stations (ecity simulate stations) on
# loopback, each sending RATE packets a second for DURATION seconds, every packet asking for an
# answer; the listener answers only once a packet's data is on disk (SQLite, synchronous=FULL),
# so the simulator's answers a second are packets parsed, acknowledged and stored. Reports the
# rate while every station was connected, the server's counters, and its peak resident memory
# (VmHWM). The simulator runs on the same 2 cores, so the server gets less than the machine.
#   bench/hj212_load.sh                        → 10,000 stations × 6/s for 30 s
#   STATIONS=2000 RATE=30 bench/hj212_load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ECITY=$PWD/build/release/ecity
STATIONS=${STATIONS:-10000}
RATE=${RATE:-6}
DURATION=${DURATION:-30}
work=$(mktemp -d /tmp/ecity-hj212.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== machine: $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'); $STATIONS stations × $RATE packets/s for $DURATION s"
export ECITY_LOG_LEVEL=warn ECITY_DATABASE_URL="sqlite:$work/e.db"
"$ECITY" migrate >/dev/null
# Register the fleet (one transaction); port 1 refuses, so the simulator stops at once.
"$ECITY" simulate stations --count "$STATIONS" --port 1 --register >/dev/null 2>&1 || true
http=$(free_port); hj=$(free_port)
"$ECITY" serve --port "$http" --hj212-port "$hj" >"$work/serve.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$http/readyz" >/dev/null; do sleep 0.05; done
"$ECITY" simulate stations --count "$STATIONS" --port "$hj" --rate "$RATE" --duration "$DURATION" >"$work/sim.json"
metrics=$(curl -s "http://127.0.0.1:$http/metrics")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
python3 - "$work/sim.json" "$hwm" "$STATIONS" "$RATE" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); hwm_mb = int(sys.argv[2]) / 1024
steady = r["steady_answered_per_s"]
print(f"simulator: {r['connected']} connected, {r['sent']} sent, {r['answered']} answered, dropped {r['dropped']}")
print(f"stored and answered while all connected: {steady:,.0f} packets/s (offered {int(sys.argv[3]) * float(sys.argv[4]):,.0f}/s; target >= 50,000): {'met' if steady >= 50000 else 'NOT met'}")
print(f"server peak RSS: {hwm_mb:.0f} MB (target < 300): {'met' if hwm_mb < 300 else 'NOT met'}")
PY
echo "$metrics" | grep -E '^hj212_(packets|readings|store_failed|rejected)' || true
