/** Latency recording in HDR histograms (microsecond resolution, 3 significant digits), read out in milliseconds. */
import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export interface PercentilePoint {
  percentile: number;
  valueMs: number;
}

// Up to one hour; anything longer is clamped (a load test is bounded far below that).
const HIGHEST_US = 3_600_000_000;

export class LatencyHistogram {
  private readonly h: Histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, bitBucketSize: 'packed', useWebAssembly: false });

  /** Records `count` samples of `ms` (a batch acknowledged at once: one call, not one per record). */
  recordMs(ms: number, count = 1): void {
    const us = Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000)));
    if (count === 1) this.h.recordValue(us);
    else if (count > 1) this.h.recordValueWithCount(us, count);
  }

  get count(): number {
    return this.h.totalCount;
  }

  percentileMs(p: number): number {
    return this.h.totalCount === 0 ? 0 : round3(this.h.getValueAtPercentile(p) / 1000);
  }

  summary(): LatencySummary {
    return {
      count: this.h.totalCount,
      mean: this.h.totalCount === 0 ? 0 : round3(this.h.mean / 1000),
      p50: this.percentileMs(50),
      p95: this.percentileMs(95),
      p99: this.percentileMs(99),
      p999: this.percentileMs(99.9),
      max: this.h.totalCount === 0 ? 0 : round3(this.h.maxValue / 1000),
    };
  }

  /** The percentile curve (0 … 99.999), the classic HDR "latency by percentile" plot. */
  curve(): PercentilePoint[] {
    const ps = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 98, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100];
    return this.h.totalCount === 0 ? [] : ps.map((p) => ({ percentile: p, valueMs: this.percentileMs(p) }));
  }

  add(other: LatencyHistogram): void {
    this.h.add(other.h);
  }

  /**
   * The histogram in HdrHistogram's compressed base64 form (what OpenMessaging Benchmark ships
   * between workers), prefixed with the exact maximum in µs, which the encoding rounds to its bucket.
   */
  serialize(): string {
    return `${this.h.totalCount === 0 ? 0 : this.h.maxValue}:${hdr.encodeIntoCompressedBase64(this.h)}`;
  }

  /** A histogram from serialize(); adding it to another is exact, bucket by bucket. */
  static deserialize(encoded: string): LatencyHistogram {
    const out = new LatencyHistogram();
    const colon = encoded.indexOf(':');
    if (colon < 0) throw new Error('not a serialized latency histogram');
    const decoded = hdr.decodeFromCompressedBase64(encoded.slice(colon + 1), 'packed', false) as Histogram & { maxValue: number };
    if (decoded.totalCount > 0) {
      decoded.maxValue = Number(encoded.slice(0, colon));
      out.h.add(decoded);
    }
    return out;
  }
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
