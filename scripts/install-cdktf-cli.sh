#!/usr/bin/env bash
# The stock CDKTF CLI (cdktf-cli 0.21.0, about 420 MB with its dependencies), for the new-user test
# that runs `cdktf synth` in a team's project: installed once from npm into
# ~/.cache/kafkaform/cdktf-cli-0.21.0 (KAFKAFORM_CACHE_DIR overrides), idempotent; prints the path of
# a launcher for it.
#
# The CLI loads node-pty, a native module shipped prebuilt only for Node ABIs up to 127 (Node 22);
# on a newer Node (24 is ABI 137) it fails with "Cannot find module '../build/Debug/pty.node'", and
# its sources cannot be rebuilt here (node-gyp would fetch that Node's headers). So the launcher runs
# the CLI on the Node on PATH when a prebuild fits it, and otherwise on the Node it was installed
# with (recorded in node-path). The app the CLI starts (cdktf.json's `app`) still runs on PATH's Node.
set -euo pipefail
version=0.21.0
root="${KAFKAFORM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaform}/cdktf-cli-$version"
cli="$root/node_modules/cdktf-cli/bundle/bin/cdktf"
launcher="$root/cdktf"
if [ ! -f "$cli" ]; then
  mkdir -p "$root"
  echo "› installing cdktf-cli@$version into $root (once)" >&2
  npm install --prefix "$root" --no-audit --no-fund --no-save --loglevel=error "cdktf-cli@$version" >&2
fi
if [ ! -s "$root/node-path" ]; then
  # The Node that did the install; a later run may have another first on PATH.
  node -p 'process.execPath' >"$root/node-path.tmp" && mv "$root/node-path.tmp" "$root/node-path"
fi
cat >"$launcher.tmp" <<'EOF'
#!/usr/bin/env bash
# Written by scripts/install-cdktf-cli.sh: runs cdktf-cli on a Node its prebuilt node-pty fits.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
prebuilds="$root/node_modules/@cdktf/node-pty-prebuilt-multiarch/prebuilds"
node=node
fits() { [ -f "$prebuilds/$("$1" -p 'process.platform + "-" + process.arch')/node.abi$("$1" -p 'process.versions.modules').node" ]; }
if ! fits node; then
  node=$(cat "$root/node-path")
  if ! fits "$node"; then
    echo "cdktf-cli: its prebuilt node-pty fits neither the Node on PATH ($(node --version)) nor $node ($("$node" --version)); install it under Node 22 or older: rm -rf '$root' and run scripts/install-cdktf-cli.sh with that Node first on PATH" >&2
    exit 1
  fi
fi
exec "$node" "$root/node_modules/cdktf-cli/bundle/bin/cdktf" "$@"
EOF
chmod +x "$launcher.tmp" && mv "$launcher.tmp" "$launcher"
echo "$launcher"
