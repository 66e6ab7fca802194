#!/usr/bin/env bash
# The main job: set everything up, then validate → synth → deploy the repository's own
# topics.yaml (environment dev) to a real local Kafka that kafkaform starts itself, show what is
# there (drift), drive a short load test through it and turn the measurement into a capacity plan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
kf() { node bin/kafkaform.js "$@"; }
report="${TMPDIR:-/tmp}/kafkaform-loadtest-$$.json"
trap 'rm -f "$report"' EXIT
echo; echo "== validate"; kf validate
echo; echo "== synth";    kf synth --env dev
echo; echo "== deploy (embedded local cluster)"; kf deploy --env dev --auto-approve
echo; echo "== drift";    kf drift --env dev
echo; echo "== load test (--rate max, up to 60 s: a closed-loop ceiling, then steps below it, on temporary copies of the topics)"
kf loadtest --env dev --rate max --duration 60s --format json --out "$report" --quiet
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const l = r.latencyMs;
  console.log(`produced ${r.producer.messagesPerSecond.toFixed(0)} msg/s (${r.producer.megabytesPerSecond.toFixed(2)} MB/s); publish p99 ${l.publish.p99.toFixed(1)} ms, end-to-end p99 ${l.endToEnd.p99.toFixed(1)} ms`);
  console.log(`messages: sent ${r.messages.sent}, acknowledged ${r.messages.acknowledged}, consumed ${r.messages.consumed}, lost ${r.messages.lost}, duplicated ${r.messages.duplicated}`);
  const m = r.maxRate;
  if (m) console.log(`closed-loop ceiling ${m.ceilingMessagesPerSecond} msg/s; highest sustainable rate ${m.sustainableMessagesPerSecond} msg/s (${m.limitReached ? "limit reached" : "a lower bound"}) after ${m.steps.length} step(s), ${r.durationSeconds.toFixed(1)} s`);
  for (const t of r.topics) if (t.compressionNote) console.log(`note: ${t.topic}: ${t.compressionNote}`);
' "$report"
echo; echo "== capacity plan for prod from that measurement"
kf capacity --env prod --from "$report" || [ $? -eq 2 ]   # exit 2 = the plan flags something: shown, not a failure here
echo; echo "The local cluster keeps running: 'node bin/kafkaform.js dev status', 'node bin/kafkaform.js dev down'."
