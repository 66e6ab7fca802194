#!/usr/bin/env bash
# The test command (`npm test`): set up (idempotent), then the unit and the integration tests.
# Integration tests start their own real Kafka clusters on free loopback ports and run real terraform.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -x scripts/install-chromium.sh ] && bash scripts/install-chromium.sh
[ -x scripts/install-prometheus.sh ] && bash scripts/install-prometheus.sh
[ -x scripts/install-postgresql.sh ] && bash scripts/install-postgresql.sh
[ -x scripts/install-actionlint.sh ] && bash scripts/install-actionlint.sh
npx biome lint --error-on-warnings   # Biome: recommended rules, kebab-case file names, no import cycles
npx tsc -p tsconfig.json   # type-checks src, stacks, test, bench and scripts (no emit)
npx typedoc --logLevel Warn   # the library's API docs into docs/api (git-ignored); a broken {@link} or doc warning fails
npx vitest run --project unit "$@"
# The unit project again on the other Node lines kafkaform supports, fetched into the cache by
# install-node.sh (KAFKAFORM_TEST_NODES="" skips them; scripts/test-node-matrix.sh runs the whole suite).
for v in ${KAFKAFORM_TEST_NODES-22.23.5 24.22.3}; do
  bin=$(bash scripts/install-node.sh "$v")
  echo "› unit tests on Node $("$bin/node" --version)"
  PATH="$bin:$PATH" node node_modules/vitest/vitest.mjs run --project unit "$@"
done
npx vitest run --project integration "$@"
