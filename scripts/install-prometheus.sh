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
# shellcheck source=lib/apt-install-without-service.sh
. "$(dirname "$0")/lib/apt-install-without-service.sh"
apt_install_without_service prometheus
prometheus --version 2>&1 | head -1
promtool --version 2>&1 | head -1
