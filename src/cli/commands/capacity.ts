import { DEFAULT_ASSUMPTIONS, FIT_FLAGS, measurementsFromReport, planCapacity, renderCapacityPlan, type CapacityAssumptions } from '../../capacity/compute-capacity.js';
import { readLoadTestReport } from '../../loadtest/read-report.js';
import type { LoadTestReport } from '../../loadtest/report-types.js';
import { parseDurationFlag } from '../../loadtest/workload.js';
import { Size } from '../../model/units.js';
import { UserError } from '../../errors.js';
import { CONNECTION_OPTIONS, EXIT, FILE_OPTION, oneOf, str, type Command } from '../framework.js';
import { LOADTEST_OPTIONS, runLoadtestFromArgs } from './loadtest.js';
import { readValidSpec } from '../read-valid-spec.js';

function num(v: unknown, flag: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new UserError(`--${flag} must be a number ≥ ${min}`, `got ${JSON.stringify(v)}`);
  return n;
}

function bytes(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const s = Size.tryParse(String(v));
  if (!s || s.bytes <= 0) throw new UserError(`--${flag} must be a size`, 'e.g. 125MB, 1TiB');
  return s.bytes;
}

export const capacityCommand: Command = {
  name: 'capacity',
  summary: 'Plan partitions, brokers and storage from the expected load and measured per-partition throughput',
  usage: 'capacity [-f topics.yaml] [--env NAME] [--from report.json] [--format text|json|markdown]',
  description:
    'Per topic: target = messagesPerSecond × peakFactor × headroom; partitions needed = max(target ÷ produce-per-partition, target ÷ consume-per-partition, expected.consumers); recommended = max(declared, needed), since Kafka cannot reduce partitions. ' +
    'Brokers = max(network, disk throughput, storage, RF) at the target utilisation; storage = rate × size × retention × RF + headroom. ' +
    'The per-partition numbers come from a load-test report (--from) or from a short load test run now. Exit code 2 when a declared topic or the broker count does not fit.',
  examples: ['kafkaform loadtest --format json --out loadtest.json && kafkaform capacity --from loadtest.json', 'kafkaform capacity --env prod --from loadtest.json --format markdown'],
  options: {
    ...FILE_OPTION,
    ...CONNECTION_OPTIONS,
    ...Object.fromEntries(Object.entries(LOADTEST_OPTIONS).filter(([k]) => ['producers', 'consumers', 'acks', 'message-bytes', 'rate'].includes(k))),
    from: { type: 'string', value: 'FILE', description: 'A `kafkaform loadtest --format json` report; without it a short load test measures now' },
    'measure-duration': { type: 'string', value: 'DURATION', description: 'Length of the on-the-spot measurement (a --rate max run)', default: '20s' },
    headroom: { type: 'string', value: 'X', description: 'Multiplier on the peak rate', default: String(DEFAULT_ASSUMPTIONS.headroom) },
    utilization: { type: 'string', value: '0..1', description: 'Target broker utilisation', default: String(DEFAULT_ASSUMPTIONS.targetUtilization) },
    'broker-network': { type: 'string', value: 'SIZE', description: 'Network bytes/s per broker (default 125MB = 1 Gbit/s)' },
    'broker-disk': { type: 'string', value: 'SIZE', description: 'Disk write bytes/s per broker (default 200MiB)' },
    'broker-storage': { type: 'string', value: 'SIZE', description: 'Usable storage per broker (default 1TiB)' },
    format: { type: 'string', value: 'FORMAT', description: 'text | json | markdown', default: 'text' },
    json: { type: 'boolean', description: 'Same as --format json' },
  },
  async run({ args, io }) {
    const format = args.json ? 'json' : oneOf(args.format ?? 'text', ['text', 'json', 'markdown'] as const, 'format')!;
    const { spec } = readValidSpec({ args, io }, 'no capacity plan');
    const from = str(args.from);
    let report: LoadTestReport;
    if (from) {
      report = readLoadTestReport(from);
    } else {
      io.progress('no --from report: measuring per-partition throughput with a short --rate max load test');
      ({ report } = await runLoadtestFromArgs({ ...args, rate: args.rate ?? 'max' }, io, { durationMs: parseDurationFlag(str(args['measure-duration']) ?? '20s') }));
    }
    const assumptions: CapacityAssumptions = {
      ...DEFAULT_ASSUMPTIONS,
      headroom: num(args.headroom, 'headroom', 1) ?? DEFAULT_ASSUMPTIONS.headroom,
      targetUtilization: Math.min(1, num(args.utilization, 'utilization', 0.01) ?? DEFAULT_ASSUMPTIONS.targetUtilization),
      brokerNetworkBytesPerSecond: bytes(args['broker-network'], 'broker-network') ?? DEFAULT_ASSUMPTIONS.brokerNetworkBytesPerSecond,
      brokerDiskBytesPerSecond: bytes(args['broker-disk'], 'broker-disk') ?? DEFAULT_ASSUMPTIONS.brokerDiskBytesPerSecond,
      brokerStorageBytes: bytes(args['broker-storage'], 'broker-storage') ?? DEFAULT_ASSUMPTIONS.brokerStorageBytes,
    };
    const measurements = measurementsFromReport(report, from ? `${from} (run ${report.runId})` : `a ${report.durationSeconds}s load test (run ${report.runId})`);
    if (Object.keys(measurements.topics).length === 0 || !measurements.fallback || measurements.fallback.produceBytesPerSecond <= 0) {
      throw new UserError('the load-test report has no usable per-partition throughput', 'run a load test that acknowledges and consumes records');
    }
    const plan = planCapacity(spec, measurements, assumptions);
    io.stdout(format === 'json' ? JSON.stringify(plan, null, 2) : renderCapacityPlan(plan, format));
    return plan.flags.some((f) => FIT_FLAGS.includes(f.flag)) ? EXIT.changes : EXIT.ok;
  },
};
