/** Renderers for the load-test report: text, Markdown, and a self-contained HTML page with inline SVG charts. Pure. */
import type { LatencySummary, PercentilePoint } from './histogram.js';
import type { BaselineComparison } from './compare-baseline.js';
import type { LoadTestReport, MaxRateResult, TimeSeriesPoint } from './report-types.js';

export type ReportFormat = 'text' | 'json' | 'markdown' | 'html';

export function renderReport(r: LoadTestReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(r, null, 2)}\n`;
    case 'markdown':
      return renderMarkdown(r);
    case 'html':
      return renderHtml(r);
    default:
      return renderText(r);
  }
}

const n = (v: number, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ms`;

/** The verdict in one line: did Kafka keep every acknowledged record exactly once? */
export function deliveryVerdict(r: LoadTestReport): string {
  const m = r.messages;
  if (m.lost === 0 && m.duplicated === 0) return `OK: all ${n(m.acknowledged)} acknowledged messages consumed exactly once`;
  return `PROBLEM: ${n(m.lost)} acknowledged messages lost, ${n(m.duplicated)} duplicated`;
}

/** What the run could not do as the topics declare it (today: zstd on a Node without it). */
export function compressionNotes(r: LoadTestReport): string[] {
  return r.topics.filter((t) => t.compressionNote).map((t) => `${t.topic}: ${t.compressionNote}`);
}

function latencyRow(name: string, l: LatencySummary): string[] {
  return [name, ms(l.p50), ms(l.p95), ms(l.p99), ms(l.p999), ms(l.max)];
}

function settingsLine(r: LoadTestReport): string {
  const s = r.settings;
  return `${s.mode === 'max' ? 'rate search (max)' : 'fixed rate'}${s.workers ? ` over ${s.workers} worker processes` : ''}, acks=${s.acks}${s.idempotent ? ' (idempotent)' : ''}, compression=${s.compression === 'topic' ? "each topic's own" : s.compression}, ${s.producersPerTopic} producer(s) and ${s.consumersPerTopic} consumer(s) per topic, client ${r.client}`;
}

export function renderText(r: LoadTestReport): string {
  const out: string[] = [];
  out.push(`Load test ${r.runId} on ${r.cluster.name} (${r.cluster.environment}) at ${r.cluster.bootstrapServers.join(',')}`);
  out.push(`  ${settingsLine(r)}; ${n(r.durationSeconds, 1)} s of traffic`);
  for (const note of compressionNotes(r)) out.push(`  note: ${note}`);
  out.push('');
  out.push(`Producer  ${n(r.producer.messagesPerSecond)} msg/s  ${n(r.producer.megabytesPerSecond, 2)} MB/s`);
  out.push(`Consumer  ${n(r.consumer.messagesPerSecond)} msg/s  ${n(r.consumer.megabytesPerSecond, 2)} MB/s`);
  out.push('');
  const rows = [latencyRow('publish', r.latencyMs.publish), latencyRow('publish delay', r.latencyMs.publishDelay), latencyRow('end-to-end', r.latencyMs.endToEnd)];
  out.push(alignTable(['latency', 'p50', 'p95', 'p99', 'p99.9', 'max'], rows));
  out.push('');
  const m = r.messages;
  out.push(`Messages  sent ${n(m.sent)}, acknowledged ${n(m.acknowledged)}, failed ${n(m.failed)}, consumed ${n(m.consumed)}, lost ${n(m.lost)}, duplicated ${n(m.duplicated)}${m.redelivered ? `, redelivered ${n(m.redelivered)}` : ''}${m.missedByConsumers ? ` (${n(m.missedByConsumers)} found only by a re-read: the live consumers missed them)` : ''}`);
  out.push(`Lag       max ${n(r.lag.max)}, final ${n(r.lag.final)}${r.drained ? '' : ' (drain timed out)'}`);
  out.push(`Errors    ${n(r.errors.count)} failed sends, ${n(r.errors.clientWarnings)} client warnings (retries, reconnects)`);
  if (r.maxRate) {
    out.push('');
    out.push(maxRateLine(r.maxRate));
    out.push(alignTable(STEP_HEADERS, stepRows(r.maxRate)));
  }
  if (r.workers) {
    out.push('', workersLine(r));
    out.push(alignTable(WORKER_HEADERS, workerRows(r)));
  }
  if (r.topics.length > 1) {
    out.push('');
    out.push(
      alignTable(
        ['topic', 'partitions', 'target msg/s', 'produced msg/s', 'consumed msg/s', 'p99 publish', 'lost', 'dup'],
        r.topics.map((t) => [t.topic, String(t.partitions), n(t.targetMessagesPerSecond), n(t.producer.messagesPerSecond), n(t.consumer.messagesPerSecond), ms(t.latencyMs.publish.p99), n(t.messages.lost), n(t.messages.duplicated)]),
      ),
    );
  }
  if (r.baseline) {
    out.push('', baselineLine(r.baseline));
    out.push(alignTable(BASELINE_HEADERS, baselineRows(r.baseline)));
  }
  out.push('');
  out.push(deliveryVerdict(r));
  if (r.deletedTopics.length) out.push(`Deleted temporary topics: ${r.deletedTopics.join(', ')}`);
  return `${out.join('\n')}\n`;
}

const pct = (v: number) => `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)} %`;
const BASELINE_HEADERS = ['metric', 'baseline', 'this run', 'change', 'verdict'];

/** The comparison with the baseline as table rows (the same columns in every format). */
function baselineRows(b: BaselineComparison): string[][] {
  const v = (x: number, unit: 'msg/s' | 'ms') => (unit === 'ms' ? ms(x) : `${n(x)} msg/s`);
  return b.rows.map((r) => [r.metric, v(r.baseline, r.unit), v(r.current, r.unit), pct(r.change), r.regressed ? 'REGRESSED' : 'ok']);
}

/** The gate's verdict and thresholds in one line. */
export function baselineLine(b: BaselineComparison): string {
  const t = b.thresholds;
  return `${b.regressed ? 'REGRESSION' : 'No regression'} against baseline run ${b.baselineRunId} (${b.baselineStartedAt}): throughput may fall ${Math.round(t.maxThroughputDrop * 100)} %, latency percentiles may rise ${Math.round(t.maxLatencyRise * 100)} % (and ${t.minLatencyRiseMs} ms)`;
}

/** The verdict of a --rate max run in one line. */
export function maxRateLine(m: MaxRateResult): string {
  const found = m.limitReached ? 'limit reached' : m.sustainableMessagesPerSecond > 0 ? 'lower bound: the run ended before the limit was bracketed' : 'no step was sustainable: a lower bound of 0';
  const producerOnly = m.producerCeilingMessagesPerSecond !== undefined ? `; producers alone (consumers paused) ${n(m.producerCeilingMessagesPerSecond)} msg/s` : '';
  return `Max sustainable rate: ${n(m.sustainableMessagesPerSecond)} msg/s (${found}); closed-loop ceiling ${n(m.ceilingMessagesPerSecond)} msg/s${producerOnly}`;
}

const WORKER_HEADERS = ['worker', 'status', 'host (pid)', 'partitions', 'produced msg/s', 'sent', 'acknowledged', 'consumed', 'p99 publish', 'note'];

/** How many workers ran and how they ended, in one line. */
export function workersLine(r: LoadTestReport): string {
  const ws = r.workers ?? [];
  const bad = ws.filter((w) => w.status !== 'finished');
  return `Workers: ${ws.length} process(es)${bad.length ? `; ${bad.map((w) => `${w.name} ${w.status}`).join(', ')}: its records are not in the totals above` : ', all finished and merged'}`;
}

/** Each worker's own figures as table rows (the same columns in every format). */
function workerRows(r: LoadTestReport): string[][] {
  return (r.workers ?? []).map((w) => [
    w.name,
    w.status,
    `${w.host} (${w.pid})`,
    Object.values(w.partitions)
      .map((ps) => ps.join(','))
      .join('; ') || '-',
    n(w.producer.messagesPerSecond),
    n(w.messages.sent),
    n(w.messages.acknowledged),
    n(w.messages.consumed),
    w.latencyMs ? ms(w.latencyMs.publish.p99) : '',
    [w.reason, w.messages.consumedByOthers !== undefined ? `${n(w.messages.consumedByOthers)} of its records read by other workers` : undefined].filter(Boolean).join('; '),
  ]);
}

const STEP_HEADERS = ['seconds', 'phase', 'target msg/s', 'of ceiling', 'achieved msg/s', 'publish delay p99', 'lag', 'verdict'];

/** The ceiling phase and every step as table rows (the same columns in every format). */
function stepRows(m: MaxRateResult): string[][] {
  const ceiling = [`0–${m.ceilingPhaseSeconds}`, 'ceiling (closed loop)', 'as fast as possible', '', n(m.ceilingMessagesPerSecond), '', '', ''];
  const steps = m.steps.map((s) => [`${s.fromSecond}–${s.toSecond}`, 'step (open loop)', n(s.targetMessagesPerSecond), `${Math.round(s.fractionOfCeiling * 100)} %`, n(s.acknowledgedPerSecond), ms(s.publishDelayP99Ms), n(s.lag), s.sustainable ? 'sustainable' : 'not sustainable']);
  const producerOnly =
    m.producerCeilingMessagesPerSecond !== undefined ? [[`${m.producerCeilingFromSecond}–${m.producerCeilingToSecond}`, 'producers alone (consumers paused)', 'as fast as possible', '', n(m.producerCeilingMessagesPerSecond), '', '', '']] : [];
  return [ceiling, ...steps, ...producerOnly];
}

function alignTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [headers, ...rows].map((cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

export function renderMarkdown(r: LoadTestReport): string {
  const out: string[] = [];
  out.push(`## Load test \`${r.runId}\` — ${r.cluster.name} (${r.cluster.environment})`, '');
  out.push(`${settingsLine(r)}; ${n(r.durationSeconds, 1)} s of traffic.`, '');
  for (const note of compressionNotes(r)) out.push(`> note: ${note}`, '');
  out.push(`**${deliveryVerdict(r)}**`, '');
  out.push('| | msg/s | MB/s |', '|---|---:|---:|');
  out.push(`| producer | ${n(r.producer.messagesPerSecond)} | ${n(r.producer.megabytesPerSecond, 2)} |`);
  out.push(`| consumer | ${n(r.consumer.messagesPerSecond)} | ${n(r.consumer.megabytesPerSecond, 2)} |`, '');
  out.push('| latency | p50 | p95 | p99 | p99.9 | max |', '|---|---:|---:|---:|---:|---:|');
  for (const row of [latencyRow('publish', r.latencyMs.publish), latencyRow('publish delay', r.latencyMs.publishDelay), latencyRow('end-to-end', r.latencyMs.endToEnd)]) out.push(`| ${row.join(' | ')} |`);
  out.push('');
  const m = r.messages;
  out.push('| sent | acknowledged | failed | consumed | lost | duplicated | max lag | errors |', '|---:|---:|---:|---:|---:|---:|---:|---:|');
  out.push(`| ${n(m.sent)} | ${n(m.acknowledged)} | ${n(m.failed)} | ${n(m.consumed)} | ${n(m.lost)} | ${n(m.duplicated)} | ${n(r.lag.max)} | ${n(r.errors.count)} |`, '');
  if (r.maxRate) {
    out.push(`**${maxRateLine(r.maxRate)}**`, '');
    out.push(`| ${STEP_HEADERS.join(' | ')} |`, `|---|---|${STEP_HEADERS.slice(2).map(() => '---:').join('|')}|`);
    for (const row of stepRows(r.maxRate)) out.push(`| ${row.join(' | ')} |`);
    out.push('');
  }
  if (r.workers) {
    out.push(`**${workersLine(r)}**`, '');
    out.push(`| ${WORKER_HEADERS.join(' | ')} |`, '|---|---|---|---|---:|---:|---:|---:|---:|---|');
    for (const row of workerRows(r)) out.push(`| ${row.join(' | ')} |`);
    out.push('');
  }
  if (r.baseline) {
    out.push(`**${baselineLine(r.baseline)}**`, '');
    out.push(`| ${BASELINE_HEADERS.join(' | ')} |`, '|---|---:|---:|---:|---|');
    for (const row of baselineRows(r.baseline)) out.push(`| ${row.join(' | ')} |`);
    out.push('');
  }
  out.push('| topic | load topic | partitions | target msg/s | produced msg/s | per partition msg/s | consumed msg/s | p99 publish | p99 end-to-end |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const t of r.topics) {
    out.push(`| ${t.topic} | ${t.loadTopic} | ${t.partitions} | ${n(t.targetMessagesPerSecond)} | ${n(t.producer.messagesPerSecond)} | ${n(t.perPartition.producer.messagesPerSecond)} | ${n(t.consumer.messagesPerSecond)} | ${ms(t.latencyMs.publish.p99)} | ${ms(t.latencyMs.endToEnd.p99)} |`);
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// HTML with inline SVG charts (no scripts, no external resources)

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
}

const W = 720;
const H = 260;
const PAD = { l: 64, r: 16, t: 16, b: 40 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** A line chart as an SVG element; `xLabel(x)` formats ticks (e.g. percentiles on a log scale). */
export function renderLineChart(opts: { id: string; title: string; yLabel: string; series: Series[]; xTicks: Array<[number, string]>; xMin: number; xMax: number }): string {
  const yMax = niceMax(Math.max(0, ...opts.series.flatMap((s) => s.points.map((p) => p[1]))));
  const x = (v: number) => PAD.l + ((v - opts.xMin) / Math.max(1e-9, opts.xMax - opts.xMin)) * (W - PAD.l - PAD.r);
  const y = (v: number) => H - PAD.b - (v / yMax) * (H - PAD.t - PAD.b);
  const parts: string[] = [];
  parts.push(`<svg id="${esc(opts.id)}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(opts.title)}">`);
  parts.push(`<title>${esc(opts.title)}</title>`);
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${PAD.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${esc(fmtTick(v))}</text>`);
  }
  for (const [v, label] of opts.xTicks) {
    parts.push(`<text x="${x(v).toFixed(1)}" y="${H - PAD.b + 16}" text-anchor="middle" font-size="11">${esc(label)}</text>`);
  }
  parts.push(`<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle" font-size="11">${esc(opts.yLabel)}</text>`);
  parts.push(`<line x1="${PAD.l}" x2="${PAD.l}" y1="${PAD.t}" y2="${H - PAD.b}" stroke="#888"/><line x1="${PAD.l}" x2="${W - PAD.r}" y1="${H - PAD.b}" y2="${H - PAD.b}" stroke="#888"/>`);
  opts.series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');
    parts.push(`<path class="series" data-series="${esc(s.name)}" d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    parts.push(`<rect x="${PAD.l + 10 + i * 170}" y="${H - 14}" width="10" height="10" fill="${s.color}"/><text x="${PAD.l + 24 + i * 170}" y="${H - 5}" font-size="11">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

function fmtTick(v: number): string {
  if (v >= 1_000_000) return `${+(v / 1_000_000).toFixed(1)}M`;
  if (v >= 1000) return `${+(v / 1000).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

function timeTicks(seconds: number): Array<[number, string]> {
  const step = Math.max(1, niceMax(seconds / 8));
  const out: Array<[number, string]> = [];
  for (let s = 0; s <= seconds; s += step) out.push([s, `${s}s`]);
  return out;
}

/** Percentile p mapped to -log10(1 - p/100): 90 → 1, 99 → 2, 99.9 → 3 (the usual HDR x axis). */
function nines(p: number): number {
  return -Math.log10(Math.max(1e-6, 1 - p / 100));
}

function percentileSeries(name: string, color: string, pts: PercentilePoint[]): Series {
  return { name, color, points: pts.filter((p) => p.percentile < 100).map((p) => [nines(p.percentile), p.valueMs]) };
}

/** A chart over the run's seconds: one series per [name, colour, value of the second (undefined: no point)]. */
function timeChart(r: LoadTestReport, id: string, title: string, yLabel: string, series: Array<[string, string, (p: TimeSeriesPoint) => number | undefined]>): string {
  const ts = r.timeSeries;
  const last = Math.max(1, ts.length - 1);
  const points = (value: (p: TimeSeriesPoint) => number | undefined) => ts.flatMap((p): Array<[number, number]> => {
    const v = value(p);
    return v === undefined ? [] : [[p.second, v]];
  });
  return renderLineChart({ id, title, yLabel, xMin: 0, xMax: last, xTicks: timeTicks(last), series: series.map(([name, color, value]) => ({ name, color, points: points(value) })) });
}

function htmlRows(rows: string[][]): string {
  return rows.map((row) => `<tr>${row.map((c, i) => (i === 0 ? `<th>${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`).join('\n');
}

function baselineHtml(b: BaselineComparison): string {
  return `<p id="baseline-verdict"><strong>${esc(baselineLine(b))}</strong></p>
<table id="baseline"><tr>${BASELINE_HEADERS.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>
${htmlRows(baselineRows(b))}</table>`;
}

function workersHtml(r: LoadTestReport): string {
  return `<p id="workers-verdict"><strong>${esc(workersLine(r))}</strong></p>
<table id="workers"><tr>${WORKER_HEADERS.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>
${htmlRows(workerRows(r))}</table>`;
}

function maxRateHtml(m: MaxRateResult): string {
  const rows = htmlRows(stepRows(m));
  return `<p id="max-rate"><strong>${esc(maxRateLine(m))}</strong></p>
<table id="steps"><tr>${STEP_HEADERS.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>
${rows}</table>`;
}

export function renderHtml(r: LoadTestReport): string {
  const throughput = timeChart(r, 'chart-throughput', 'Throughput over time (messages/s)', 'messages/s', [
    // No target while the producers ran closed loop (the ceiling phase): the line starts with the first step.
    ['target', '#999999', (p) => (p.closedLoop ? undefined : p.targetMessagesPerSecond)],
    ['acknowledged', '#1f77b4', (p) => p.acknowledgedPerSecond],
    ['consumed', '#2ca02c', (p) => p.consumedPerSecond],
  ]);
  const latency = timeChart(r, 'chart-latency', 'Latency over time (p99 per second, ms)', 'ms', [
    ['publish p99', '#1f77b4', (p) => p.publishP99Ms],
    ['publish delay p99', '#ff7f0e', (p) => p.publishDelayP99Ms],
    ['end-to-end p99', '#2ca02c', (p) => p.endToEndP99Ms],
  ]);
  const curve = renderLineChart({
    id: 'chart-percentiles',
    title: 'Latency by percentile (ms)',
    yLabel: 'ms',
    xMin: 0,
    xMax: 5,
    xTicks: [
      [0, '0%'],
      [1, '90%'],
      [2, '99%'],
      [3, '99.9%'],
      [4, '99.99%'],
      [5, '99.999%'],
    ],
    series: [percentileSeries('publish', '#1f77b4', r.latencyPercentilesMs.publish), percentileSeries('end-to-end', '#2ca02c', r.latencyPercentilesMs.endToEnd)],
  });
  const lag = timeChart(r, 'chart-lag', 'Consumer lag and errors over time', 'records', [
    ['lag', '#9467bd', (p) => p.lag],
    ['errors', '#d62728', (p) => p.errors],
  ]);
  const m = r.messages;
  const lat = (name: string, l: LatencySummary) => `<tr><th>${name}</th><td>${ms(l.p50)}</td><td>${ms(l.p95)}</td><td>${ms(l.p99)}</td><td>${ms(l.p999)}</td><td>${ms(l.max)}</td></tr>`;
  const ok = m.lost === 0 && m.duplicated === 0;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kafkaform load test ${esc(r.runId)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,-apple-system,sans-serif;margin:2rem;color:#222;max-width:960px}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ddd;padding:4px 10px;text-align:right}th:first-child{text-align:left}
.verdict{font-weight:600;color:${ok ? '#2a7a2a' : '#b00020'}}figure{margin:1.5rem 0}figcaption{font-weight:600;margin-bottom:.3rem}
</style></head><body>
<h1>Load test <code>${esc(r.runId)}</code></h1>
<p>${esc(r.cluster.name)} (${esc(r.cluster.environment)}) at ${esc(r.cluster.bootstrapServers.join(', '))} — ${esc(settingsLine(r))}; ${n(r.durationSeconds, 1)} s of traffic, ${esc(r.startedAt)}.</p>
${compressionNotes(r)
  .map((note) => `<p class="note">note: ${esc(note)}</p>`)
  .join('\n')}
<p class="verdict" id="verdict">${esc(deliveryVerdict(r))}</p>
<table id="summary"><tr><th></th><th>msg/s</th><th>MB/s</th></tr>
<tr><th>producer</th><td>${n(r.producer.messagesPerSecond)}</td><td>${n(r.producer.megabytesPerSecond, 2)}</td></tr>
<tr><th>consumer</th><td>${n(r.consumer.messagesPerSecond)}</td><td>${n(r.consumer.megabytesPerSecond, 2)}</td></tr></table>
<table id="latency"><tr><th>latency</th><th>p50</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr>
${lat('publish', r.latencyMs.publish)}${lat('publish delay', r.latencyMs.publishDelay)}${lat('end-to-end', r.latencyMs.endToEnd)}</table>
<table id="messages"><tr><th>sent</th><th>acknowledged</th><th>failed</th><th>consumed</th><th>lost</th><th>duplicated</th><th>max lag</th><th>errors</th><th>client warnings</th></tr>
<tr><td>${n(m.sent)}</td><td>${n(m.acknowledged)}</td><td>${n(m.failed)}</td><td>${n(m.consumed)}</td><td>${n(m.lost)}</td><td>${n(m.duplicated)}</td><td>${n(r.lag.max)}</td><td>${n(r.errors.count)}</td><td>${n(r.errors.clientWarnings)}</td></tr></table>
${r.maxRate ? maxRateHtml(r.maxRate) : ''}
${r.workers ? workersHtml(r) : ''}
${r.baseline ? baselineHtml(r.baseline) : ''}
<figure><figcaption>Throughput over time</figcaption>${throughput}</figure>
<figure><figcaption>Latency over time</figcaption>${latency}</figure>
<figure><figcaption>Latency percentile curve</figcaption>${curve}</figure>
<figure><figcaption>Consumer lag and errors</figcaption>${lag}</figure>
</body></html>
`;
}
