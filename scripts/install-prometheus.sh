#!/usr/bin/env bash
# Installs Debian's prometheus package (Prometheus and promtool) for the health tests: promtool checks
# the exposition and unit-tests monitoring/alerts.yml; the integration test starts its own Prometheus
# on a free loopback port. Idempotent: does nothing when both are on the PATH. The package's system
# service is never started: a policy-rc.d forbids it during the install, and one already running is stopped.
set -euo pipefail
if command -v prometheus >/dev/null && command -v promtool >/dev/null; then
  echo "prometheus already installed: $(prometheus --version 2>&1 | head -1)"
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
$SUDO apt-get install -y --no-install-recommends prometheus
# Where systemd runs, the unit may have been enabled regardless: keep it off so nothing holds :9090.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
prometheus --version 2>&1 | head -1
promtool --version 2>&1 | head -1
