/** Units live in types: durations and sizes as written in topics.yaml, converted once. */

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** The value `tryParse` found, or the error `parse` throws for input that is not one. */
function parsed<T>(value: T | undefined, what: string, input: unknown): T {
  if (value === undefined) throw new Error(`not a ${what}: ${String(input)}`);
  return value;
}

export class Duration {
  private constructor(readonly milliseconds: number) {}

  /** `forever` is Kafka's -1. */
  static readonly FOREVER = new Duration(-1);

  /** Parses `30s`, `15m`, `12h`, `7d`, `2w`, `500ms`, `forever`, or a plain number of milliseconds. */
  static parse(input: string | number): Duration {
    return parsed(Duration.tryParse(input), 'duration', input);
  }

  static tryParse(input: unknown): Duration | undefined {
    if (typeof input === 'number') return Number.isInteger(input) && input >= -1 ? new Duration(input) : undefined;
    if (typeof input !== 'string') return undefined;
    const s = input.trim();
    if (s === 'forever' || s === '-1') return Duration.FOREVER;
    const m = /^(\d+)\s*(ms|s|m|h|d|w)?$/.exec(s);
    if (!m) return undefined;
    const n = Number(m[1]);
    const unit = m[2] ?? 'ms';
    return new Duration(n * DURATION_UNITS[unit]!);
  }

  isForever(): boolean {
    return this.milliseconds < 0;
  }

  toMilliseconds(): number {
    return this.milliseconds;
  }

  /** Shortest exact human form (`7d`, `36h`, `forever`). */
  toString(): string {
    return formatDurationMs(this.milliseconds);
  }
}

export function formatDurationMs(ms: number): string {
  if (ms < 0) return 'forever';
  if (ms === 0) return '0ms';
  for (const [unit, size] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  TB: 1000 ** 4,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

export class Size {
  private constructor(readonly bytes: number) {}

  /** Parses `512KiB`, `1MiB`, `10GiB`, `1MB`, `100B` or plain bytes. */
  static parse(input: string | number): Size {
    return parsed(Size.tryParse(input), 'size', input);
  }

  static tryParse(input: unknown): Size | undefined {
    if (typeof input === 'number') return Number.isInteger(input) && input >= -1 ? new Size(input) : undefined;
    if (typeof input !== 'string') return undefined;
    const m = /^(-1|\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$/.exec(input.trim());
    if (!m) return undefined;
    const bytes = Number(m[1]) * SIZE_UNITS[m[2] ?? 'B']!;
    if (!Number.isSafeInteger(bytes)) return undefined;
    return new Size(bytes);
  }

  toString(): string {
    return formatBytes(this.bytes);
  }
}

/** Exact binary form where one exists (`1MiB`), else plain bytes. */
export function formatBytes(bytes: number): string {
  if (bytes <= 0) return String(bytes);
  for (const [unit, size] of [['TiB', 1024 ** 4], ['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

export const DURATION_PATTERN = '^(forever|-1|\\d+\\s*(ms|s|m|h|d|w)?)$';
export const SIZE_PATTERN = '^(-1|\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?)$';
