#!/usr/bin/env bash
# The main job: set everything up, then validate → synth → deploy the repository's own
# topics.yaml (environment dev) to a real local Kafka that kafkaform starts itself, and show it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
kf() { node bin/kafkaform.js "$@"; }
echo; echo "== validate"; kf validate
echo; echo "== synth";    kf synth --env dev
echo; echo "== deploy (embedded local cluster)"; kf deploy --env dev --auto-approve
if kf help drift >/dev/null 2>&1 && node bin/kafkaform.js drift --help >/dev/null 2>&1; then
  echo; echo "== drift"; kf drift --env dev
fi
echo; echo "The local cluster keeps running: 'node bin/kafkaform.js dev status', 'node bin/kafkaform.js dev down'."
