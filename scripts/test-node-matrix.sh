#!/usr/bin/env bash
# Runs the whole suite (scripts/test.sh: setup, lint, type check, unit and integration tests) once on
# each Node line given (default: 22 and 24), with that Node first on PATH so every child process the
# tests start (the CLI, the load-test workers) runs on it too. Node is fetched into the cache by
# install-node.sh. Usage: scripts/test-node-matrix.sh [VERSION ...]
set -euo pipefail
cd "$(dirname "$0")/.."
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(22.23.5 24.22.3)
for v in "${versions[@]}"; do
  bin=$(bash scripts/install-node.sh "$v")
  echo "› the whole suite on Node $("$bin/node" --version)"
  PATH="$bin:$PATH" KAFKAFORM_TEST_NODES="" bash scripts/test.sh
done
