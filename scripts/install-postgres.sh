#!/usr/bin/env bash
# Installs Debian's PostgreSQL when missing (the hub's tests run a second time on it; see
# scripts/test-hub-postgres.sh). Debian's package also makes the default cluster.
set -euo pipefail
if command -v pg_ctlcluster >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing PostgreSQL from Debian's packages…"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
