#!/usr/bin/env bash
# The stock CDKTF CLI (cdktf-cli 0.21.0, about 420 MB with its dependencies), for the new-user test
# that runs `cdktf synth` in a team's project: installed once from npm into
# ~/.cache/kafkaform/cdktf-cli (KAFKAFORM_CACHE_DIR overrides), idempotent; prints the binary's path.
set -euo pipefail
version=0.21.0
root="${KAFKAFORM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaform}/cdktf-cli-$version"
bin="$root/node_modules/.bin/cdktf"
if [ ! -x "$bin" ]; then
  mkdir -p "$root"
  echo "› installing cdktf-cli@$version into $root (once)" >&2
  npm install --prefix "$root" --no-audit --no-fund --no-save --loglevel=error "cdktf-cli@$version" >&2
fi
echo "$bin"
