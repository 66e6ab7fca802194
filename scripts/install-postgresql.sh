#!/usr/bin/env bash
# Installs Debian's postgresql package for the pg-backend test (Terraform's `pg` state backend against a
# real PostgreSQL). The test starts its own throwaway cluster (initdb into a temp dir, loopback, a free
# port) and stops it; the package's own cluster and service are never started: a policy-rc.d forbids it
# during the install, and one already running is stopped. Idempotent: does nothing when initdb is there.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "postgresql already installed: $(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)"
  exit 0
fi
# shellcheck source=lib/apt-install-without-service.sh
. "$(dirname "$0")/lib/apt-install-without-service.sh"
apt_install_without_service postgresql
ls -d /usr/lib/postgresql/*/bin/initdb
