/** What a declared connector's config is on the worker: its own keys plus `connector.class` and `tasks.max`. */
import type { ResolvedConnector } from '../manifest/types.js';

/** Keys a worker adds to every stored config by itself: never drift. */
export const WORKER_ADDED_KEYS: ReadonlySet<string> = new Set(['name']);

/** The config kafkaform puts for a connector (pure). */
export function desiredConfig(c: ResolvedConnector): Record<string, string> {
  return { ...c.config, 'connector.class': c.class, 'tasks.max': String(c.tasksMax) };
}

/** The worker's state name for a declared state. */
export function liveStateOf(state: ResolvedConnector['state']): 'RUNNING' | 'PAUSED' | 'STOPPED' {
  return state === 'paused' ? 'PAUSED' : state === 'stopped' ? 'STOPPED' : 'RUNNING';
}

/** A task trace cut to its first line and its root cause, so a drift report stays readable. */
export function trimTrace(trace: string, max = 400): string {
  const lines = trace.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const causes = lines.filter((l) => l.startsWith('Caused by:'));
  const picked = [lines[0] ?? '', ...(causes.length ? [causes[causes.length - 1]!] : [])].filter((l, i, a) => a.indexOf(l) === i);
  const out = picked.join(' … ');
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
