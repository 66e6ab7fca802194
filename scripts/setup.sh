#!/usr/bin/env bash
# Installs everything kafkaform needs, idempotently and cached:
# npm dependencies, the compiled CLI, Apache Kafka jars (Maven Central), the Mongey/kafka
# Terraform provider (built from its Go module into a filesystem mirror), and a terraform check.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0

need() { command -v "$1" >/dev/null 2>&1 || { echo "kafkaform setup: '$1' is missing — $2" >&2; exit 1; }; }
need node "install Node.js 20 or newer"
need npm "install npm (comes with Node.js)"
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { echo "kafkaform setup: Node.js $(node -v) is too old; kafkaform needs 20 or newer" >&2; exit 1; }

# npm: reinstall only when package-lock.json changed since the last install.
stamp=node_modules/.kafkaform-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "› npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
else
  echo "› npm dependencies up to date"
fi

echo "› compiling TypeScript"
npm run --silent build

# Kafka jars, provider build, terraform check (kafkaform's own code; cached in ~/.cache/kafkaform).
node bin/kafkaform.js setup "$@"
