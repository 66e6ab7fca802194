/** Durations and sizes as written in topics.yaml, converted once to Kafka's units. */
import { describe, expect, it } from 'vitest';
import { Duration, Size, formatBytes, formatDurationMs } from '../../src/model/units.js';

describe('Duration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1000', 1000],
    [86_400_000, 86_400_000],
    ['forever', -1],
    [-1, -1],
  ] as const)('%s is %d ms', (input, ms) => {
    expect(Duration.parse(input).toMilliseconds()).toBe(ms);
  });

  it.each(['7 days', '1y', '1.5h', '-5s', '', 'd', 1.5, -2, null, true])('rejects %s', (input) => {
    expect(Duration.tryParse(input)).toBeUndefined();
  });

  it('prints the shortest exact form', () => {
    expect(formatDurationMs(604_800_000)).toBe('1w');
    expect(formatDurationMs(129_600_000)).toBe('36h');
    expect(formatDurationMs(1500)).toBe('1500ms');
    expect(formatDurationMs(-1)).toBe('forever');
    expect(Duration.parse('14d').toString()).toBe('2w');
  });
});

describe('Size', () => {
  it.each([
    ['100B', 100],
    ['512KiB', 524_288],
    ['1MiB', 1_048_576],
    ['10GiB', 10_737_418_240],
    ['1MB', 1_000_000],
    ['1.5KiB', 1536],
    [2048, 2048],
    ['-1', -1],
  ] as const)('%s is %d bytes', (input, bytes) => {
    expect(Size.parse(input).bytes).toBe(bytes);
  });

  it.each(['1MiBs', 'one', '1 mb', '0.1B', '1e3', '', 1.5, -2, {}])('rejects %s', (input) => {
    expect(Size.tryParse(input)).toBeUndefined();
  });

  it('prints exact binary forms', () => {
    expect(formatBytes(1_048_576)).toBe('1MiB');
    expect(formatBytes(1000)).toBe('1000');
    expect(Size.parse('2048KiB').toString()).toBe('2MiB');
  });
});
