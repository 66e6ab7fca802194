/**
 * Kafka's `cleanup.policy` is a list (`compact,delete`) that the broker keeps in the order it was
 * written, so `delete,compact` and `compact,delete` are the same policy. Pure.
 */

/** The policies in a `cleanup.policy` value (or a list from topics.yaml), trimmed and sorted; [] when unset. */
export function parseCleanupPolicy(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const parts = typeof value === 'string' ? value.split(',') : value;
  return parts.map((s) => s.trim()).filter(Boolean).sort();
}

/** One canonical string for a `cleanup.policy` value, for comparing and writing it. */
export function normalizeCleanupPolicy(value: string | readonly string[]): string {
  return parseCleanupPolicy(value).join(',');
}
