import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/loadtest/histogram.js';
import { LatencySketch, SKETCH_ACCURACY } from '../../src/loadtest/latency-sketch.js';

function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** Uniform over 0.5 … 50 ms, and two skewed spreads: a long tail (u^6) and a bimodal one (fast path, 2 % slow outliers). */
const DATA: Record<string, (r: () => number) => number> = {
  uniform: (r) => 0.5 + 49.5 * r(),
  longTail: (r) => 0.5 + 400 * r() ** 6,
  bimodal: (r) => (r() < 0.98 ? 1 + r() : 200 + 800 * r()),
};

const PERCENTILES = [0, 1, 10, 50, 75, 90, 95, 99, 99.5, 99.9, 100];

/** The exact value at percentile p, ranked as HdrHistogram ranks (the sketch's rule). */
function exact(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.floor((p / 100) * sorted.length + 0.5)) - 1]!;
}

function fill(values: number[]): LatencySketch {
  const s = new LatencySketch();
  for (const v of values) s.recordMs(v);
  return s;
}

describe('LatencySketch', () => {
  for (const [name, gen] of Object.entries(DATA)) {
    it(`${name} data: every percentile is within 1 % of the exact value, and of LatencyHistogram's`, () => {
      const r = lcg(name.length * 7919);
      const values = Array.from({ length: 20_000 }, () => gen(r));
      const sketch = fill(values);
      const hdr = new LatencyHistogram();
      for (const v of values) hdr.recordMs(v);
      const sorted = [...values].sort((a, b) => a - b);
      for (const p of PERCENTILES) {
        const x = exact(sorted, p);
        // 1 % relative, plus the 1 µs the read-out rounds to.
        expect(Math.abs(sketch.percentileMs(p) - x), `p${p}`).toBeLessThanOrEqual(SKETCH_ACCURACY * x + 0.0005);
        // LatencyHistogram is itself within 0.1 % (3 significant digits) and 1 µs of the exact value.
        const h = hdr.percentileMs(p);
        expect(Math.abs(sketch.percentileMs(p) - h), `p${p} vs HDR`).toBeLessThanOrEqual((SKETCH_ACCURACY + 0.001) * h + 0.001);
      }
      expect(sketch.count).toBe(values.length);
      // The extremes are exact.
      expect(sketch.percentileMs(100)).toBeCloseTo(sorted.at(-1)!, 3);
      expect(sketch.percentileMs(0)).toBeCloseTo(sorted[0]!, 3);
    });
  }

  it('merging two sketches equals recording everything into one', () => {
    const r = lcg(3);
    const a = Array.from({ length: 5000 }, () => DATA.longTail!(r));
    const b = Array.from({ length: 700 }, () => DATA.bimodal!(r));
    const merged = fill(a);
    merged.add(fill(b));
    const one = fill([...a, ...b]);
    expect(merged.serialize()).toEqual(one.serialize());
    for (const p of PERCENTILES) expect(merged.percentileMs(p)).toBe(one.percentileMs(p));
    expect(merged.count).toBe(5700);
  });

  it('a batch recorded with a count equals the same value recorded one by one', () => {
    const batch = new LatencySketch();
    batch.recordMs(4.2, 300);
    batch.recordMs(9, 0);
    expect(batch.serialize()).toEqual(fill(Array.from({ length: 300 }, () => 4.2)).serialize());
  });

  it('round-trips through its serialized form and JSON, sparse [index, count] pairs', () => {
    const r = lcg(11);
    const s = fill(Array.from({ length: 3000 }, () => DATA.longTail!(r)));
    const wire = s.serialize();
    expect(wire.bins.length % 2).toBe(0);
    expect(wire.bins.length / 2).toBeLessThan(1000);
    const back = LatencySketch.deserialize(JSON.parse(JSON.stringify(wire)))!;
    expect(back.serialize()).toEqual(wire);
    for (const p of PERCENTILES) expect(back.percentileMs(p)).toBe(s.percentileMs(p));
  });

  it('refuses what it cannot merge: another accuracy, or malformed pairs', () => {
    const wire = fill([1, 2, 3]).serialize();
    expect(LatencySketch.deserialize({ ...wire, accuracy: 0.02 })).toBeUndefined();
    expect(LatencySketch.deserialize({ ...wire, bins: [1] })).toBeUndefined();
    expect(LatencySketch.deserialize({ ...wire, bins: [1.5, 2] })).toBeUndefined();
    expect(LatencySketch.deserialize({ ...wire, bins: [1e9, 2] })).toBeUndefined();
    expect(LatencySketch.deserialize(undefined)).toBeUndefined();
  });

  it('an empty sketch reads 0, round-trips empty, and adds nothing to another', () => {
    const empty = new LatencySketch();
    expect(empty.count).toBe(0);
    expect(empty.percentileMs(99)).toBe(0);
    const back = LatencySketch.deserialize(empty.serialize())!;
    expect(back.count).toBe(0);
    expect(back.serialize()).toEqual({ accuracy: SKETCH_ACCURACY, min: 0, max: 0, bins: [] });
    const s = fill([5, 6]);
    const before = s.serialize();
    s.add(back);
    expect(s.serialize()).toEqual(before);
    back.add(s);
    expect(back.percentileMs(50)).toBe(s.percentileMs(50));
  });

  it('clamps like LatencyHistogram: 0 ms reads as 1 µs, beyond an hour as an hour', () => {
    const s = fill([0, -3]);
    expect(s.percentileMs(50)).toBe(0.001);
    s.recordMs(1e12);
    expect(s.percentileMs(100)).toBe(3_600_000);
  });
});
