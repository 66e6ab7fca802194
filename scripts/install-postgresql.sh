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
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=""
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod +x "$POLICY"
  ADDED_POLICY=1
fi
cleanup() { if [ -n "$ADDED_POLICY" ]; then $SUDO rm -f "$POLICY"; fi; }
trap cleanup EXIT
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends postgresql
# Where systemd runs, the unit may have been enabled regardless: keep it off so nothing holds :5432.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now postgresql >/dev/null 2>&1 || true
fi
ls -d /usr/lib/postgresql/*/bin/initdb
