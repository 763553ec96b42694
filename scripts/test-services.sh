#!/usr/bin/env bash
# Install (where missing) and start PostgreSQL and Redis for the tests (and the other programs
# they drive: Chromium, npm for axe-core, gettext, wrk). Idempotent; needs root.
set -euo pipefail

missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# wrk: the benchmark's load (tests/bench builds its command line from the binary's path).
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# PostgreSQL: start the newest cluster, then the two roles: `sutohamu` owns the schema (it creates
# the test databases and runs the migrations), `sutohamu_app` is what the app and the tests run as
# (grants from `manage.py grant_app_role`: no DDL, no TRUNCATE, the logs INSERT and SELECT only).
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$" || pg_createcluster "$version" main
pg_lsclusters -h | grep -q "^$version main .* online" || pg_ctlcluster "$version" main start
for _ in $(seq 1 30); do
  runuser -u postgres -- pg_isready -q && break
  sleep 1
done
psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -tAc "$1"; }
[ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='sutohamu'")" = "1" ] \
  || psql_admin "CREATE ROLE sutohamu LOGIN PASSWORD 'sutohamu' CREATEDB"
[ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='sutohamu_app'")" = "1" ] \
  || psql_admin "CREATE ROLE sutohamu_app LOGIN PASSWORD 'sutohamu_app' NOCREATEDB NOCREATEROLE"
[ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='sutohamu'")" = "1" ] \
  || runuser -u postgres -- createdb -O sutohamu sutohamu

# Redis on loopback, without persistence.
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >/dev/null
  for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break
    sleep 0.5
  done
fi
# axe-core for the accessibility checks (from the npm registry, pinned by package-lock.json).
[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent

echo "PostgreSQL $version and Redis are up; Chromium and axe-core are installed."
