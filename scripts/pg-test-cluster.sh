#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL 15 cluster for the integration tests.
#   pg-test-cluster.sh start DIR   → initdb in DIR, start on a free loopback port,
#                                     write DIR/url (an ecity database.url)
#   pg-test-cluster.sh stop DIR    → stop it and remove DIR
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres`
# user (created by Debian's postgresql package) or, failing that, `nobody`.
set -euo pipefail
cmd=$1; dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -x "$bin/initdb" ]] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

run_as=()
owner=$(id -un)
if [[ $(id -u) -eq 0 ]]; then
  owner=postgres; id postgres >/dev/null 2>&1 || owner=nobody
  run_as=(runuser -u "$owner" --)
fi

# The cluster itself lives under /tmp: the build tree may sit below a directory that the
# unprivileged owner cannot enter. DIR only records where it is (DIR/cluster) and its url.
stop_cluster() {
  local c; c=$(cat "$dir/cluster" 2>/dev/null || true)
  if [[ -n "$c" && -d "$c/data" ]]; then
    "${run_as[@]}" "$bin/pg_ctl" -D "$c/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$c"
  fi
}

case "$cmd" in
start)
  stop_cluster
  rm -rf "$dir"; mkdir -p "$dir"
  cluster=$(mktemp -d /tmp/ecity-pg.XXXXXX); chmod 755 "$cluster"
  echo "$cluster" > "$dir/cluster"
  # A free port: ask the kernel, then hand it over (small race, retried below).
  for attempt in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
           || echo $((20000 + RANDOM % 20000)))
    rm -rf "$cluster/data" "$cluster/sock"; mkdir -p "$cluster/data" "$cluster/sock"
    chown -R "$owner" "$cluster" 2>/dev/null || true
    "${run_as[@]}" "$bin/initdb" -D "$cluster/data" -U ecity --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    if "${run_as[@]}" "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 30 \
         -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster/sock -c fsync=off -c full_page_writes=off -c max_connections=200" start >/dev/null; then
      "${run_as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U ecity ecity_test
      echo "postgresql:host=127.0.0.1 port=$port dbname=ecity_test user=ecity" > "$dir/url"
      chmod 644 "$dir/url"
      echo "PostgreSQL test cluster on 127.0.0.1:$port"
      exit 0
    fi
    echo "start on port $port failed (attempt $attempt)" >&2; tail -5 "$cluster/server.log" "$dir/initdb.log" >&2 || true
  done
  exit 1 ;;
stop)
  stop_cluster
  rm -rf "$dir"
  echo "PostgreSQL test cluster stopped" ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
