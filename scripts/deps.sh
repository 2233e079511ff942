#!/usr/bin/env bash
# Installs what ecity needs on Debian 12 and is missing: build tools and libraries (apt),
# PostgreSQL 15 and Chromium for the tests, and the console's npm packages (npm ci).
# Idempotent and quiet when everything is present. Uses sudo when not root.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libsoci-dev libsqlite3-dev libpq-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcli11-dev libtomlplusplus-dev libsodium-dev libxlsxwriter-dev zlib1g-dev libgtest-dev libbenchmark-dev
  sqlite3 postgresql postgresql-contrib chromium nodejs npm wrk nginx-light curl
  clang libclang-rt-14-dev
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js from elsewhere (e.g. nodesource) satisfies the need for nodejs/npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The console's build (Vite 8) and browser tests (playwright-core) need Node.js 20.19 or
# newer; Debian 12's own nodejs is 18. Say so plainly instead of failing inside npm.
node_version=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
IFS=. read -r node_major node_minor _ <<<"$node_version"
if (( node_major < 20 || (node_major == 20 && node_minor < 19) )); then
  echo "deps: Node.js >= 20.19 is required (found $node_version). Install Node.js 20 (e.g. the nodejs" >&2
  echo "      package of your Node.js 20 apt repository) and run make again." >&2
  exit 1
fi

# The console's packages, exactly as locked; reinstall only when the lock file changed.
if [[ ! -d web/node_modules || web/package-lock.json -nt web/node_modules/.package-lock.json ]]; then
  echo "deps: npm ci (web)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
