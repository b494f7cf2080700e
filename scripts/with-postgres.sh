#!/usr/bin/env bash
# Runs a command with DATABASE_URL set to a PostgreSQL database of its own on this machine's Debian
# PostgreSQL: installs PostgreSQL when missing, starts its cluster when it is down (and stops it again at
# the end), makes a role and a database for this run alone (dropped at the end, with any databases
# the command made whose names start with it).
#   with-postgres.sh [--if-installed] COMMAND...
# --if-installed: on a machine without PostgreSQL, run COMMAND without DATABASE_URL instead of
# installing it (the bench uses this and says its PostgreSQL column was not measured).
# `npm run test:hub:postgres` and `.ci/run` run the hub's tests through it.
set -euo pipefail

installed() { command -v pg_ctlcluster >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }
fresh=""
if [ "${1:-}" = "--if-installed" ]; then
  shift
  if ! installed; then
    echo "PostgreSQL is not installed here: running without DATABASE_URL." >&2
    unset DATABASE_URL
    exec "$@"
  fi
else
  installed || fresh=1
  bash "$(dirname "$0")/install-postgres.sh"
fi

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
pg_ctl() {
  if [ "$(id -u)" -eq 0 ]; then pg_ctlcluster "$@"; else sudo pg_ctlcluster "$@"; fi
}

# The newest installed server and its first cluster (Debian makes "main" on install).
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
read -r cluster port status < <(pg_lsclusters -h | awk -v v="$version" '$1 == v { print $2, $3, $4; exit }') || true
if [ -z "${cluster:-}" ]; then
  echo "No PostgreSQL $version cluster found (pg_lsclusters); make one with: pg_createcluster $version main" >&2
  exit 1
fi

# Several runs may share the machine's cluster: each holds a shared lock, and only a run that started
# the cluster and is the last one holding the lock stops it.
exec 9>"${TMPDIR:-/tmp}/clienthub-postgres-$version-$cluster.lock"
flock -s 9

started=""
database=""
cleanup() {
  local code=$?
  if [ -n "$database" ]; then
    as_postgres psql -q -X -At -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE '${database}%'" 2>/dev/null |
      while read -r name; do as_postgres dropdb --if-exists --force "$name" 2>/dev/null || true; done
    as_postgres dropuser --if-exists "$database" 2>/dev/null || true
  fi
  if [ -n "$started" ] && flock -xn 9; then
    echo "Stopping PostgreSQL $version/$cluster (this run started it)."
    pg_ctl "$version" "$cluster" stop || true
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$status" != "online" ]; then
  echo "Starting PostgreSQL $version/$cluster on port $port…"
  pg_ctl "$version" "$cluster" start
  started=1
elif [ -n "$fresh" ]; then
  started=1 # the package's install started it: this run stops it all the same
fi

# A role and a database of this run's own (one name for both), so runs side by side do not meet.
password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
database="clienthub_test_$(date +%s)_$$"
as_postgres psql -q -X -v ON_ERROR_STOP=1 -d postgres <<SQL
CREATE ROLE $database LOGIN CREATEDB PASSWORD '$password';
CREATE DATABASE $database OWNER $database;
SQL

export DATABASE_URL="postgres://$database:$password@127.0.0.1:$port/$database"
echo "PostgreSQL $version at 127.0.0.1:$port, database $database (DATABASE_URL set for: $*)"
"$@"
