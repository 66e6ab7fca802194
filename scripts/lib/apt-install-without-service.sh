#!/usr/bin/env bash
# Sourced by the install-*.sh scripts: apt_install_without_service PACKAGE installs one Debian package whose
# system service must never run (the tests start their own instance on loopback): a policy-rc.d forbids
# starting it during the install, and where systemd runs, the unit is disabled and stopped afterwards.
apt_install_without_service() {
  local package=$1 sudo="" policy=/usr/sbin/policy-rc.d added=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    added=1
  fi
  # The policy is removed however the install ends.
  trap "if [ -n '$added' ]; then $sudo rm -f '$policy'; fi" EXIT
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "$package"
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now "$package" >/dev/null 2>&1 || true
  fi
}
