/** Confluent's JSON Schema change types: which its strict policy accepts, and how kafkaform words one. */

export type ReaderSide = 'new' | 'old';

/** Change types Confluent's strict policy accepts (the rest break). */
export const COMPATIBLE = new Set([
  'TYPE_EXTENDED', 'MAX_LENGTH_INCREASED', 'MAX_LENGTH_REMOVED', 'MIN_LENGTH_DECREASED', 'MIN_LENGTH_REMOVED', 'PATTERN_REMOVED',
  'MAXIMUM_INCREASED', 'MAXIMUM_REMOVED', 'MINIMUM_DECREASED', 'MINIMUM_REMOVED', 'EXCLUSIVE_MAXIMUM_INCREASED', 'EXCLUSIVE_MAXIMUM_REMOVED',
  'EXCLUSIVE_MINIMUM_DECREASED', 'EXCLUSIVE_MINIMUM_REMOVED', 'MULTIPLE_OF_REDUCED', 'MULTIPLE_OF_REMOVED', 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED',
  'REQUIRED_ATTRIBUTE_REMOVED', 'DEPENDENCY_ARRAY_NARROWED', 'DEPENDENCY_ARRAY_REMOVED', 'DEPENDENCY_SCHEMA_REMOVED', 'MAX_PROPERTIES_INCREASED',
  'MAX_PROPERTIES_REMOVED', 'MIN_PROPERTIES_DECREASED', 'MIN_PROPERTIES_REMOVED', 'ADDITIONAL_PROPERTIES_ADDED', 'ADDITIONAL_PROPERTIES_EXTENDED',
  'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL', 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
  'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'MAX_ITEMS_INCREASED', 'MAX_ITEMS_REMOVED', 'MIN_ITEMS_DECREASED', 'MIN_ITEMS_REMOVED',
  'UNIQUE_ITEMS_REMOVED', 'ADDITIONAL_ITEMS_ADDED', 'ADDITIONAL_ITEMS_EXTENDED', 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', 'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL',
  'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', 'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'ENUM_ARRAY_EXTENDED', 'COMBINED_TYPE_EXTENDED', 'PRODUCT_TYPE_NARROWED', 'SUM_TYPE_EXTENDED',
  'NOT_TYPE_NARROWED', 'CONTAINS_REMOVED',
]);

/** One change Confluent's diff would name, at a path of the schema. */
export interface Difference {
  type: string;
  path: string;
  /** The original's and the update's value, when a value changed. */
  values?: [unknown, unknown];
}

const SWAPS: Record<string, string> = { ADDED: 'REMOVED', REMOVED: 'ADDED', INCREASED: 'DECREASED', DECREASED: 'INCREASED', EXTENDED: 'NARROWED', NARROWED: 'EXTENDED', EXPANDED: 'REDUCED', REDUCED: 'EXPANDED' };

/** One difference as a change from the old schema to the new one. */
export function describeDifference(d: Difference, side: ReaderSide): string {
  // Under FORWARD the diff runs from the new schema to the old: said the other way round.
  const words = d.type.split('_').map((w) => (side === 'old' ? (SWAPS[w] ?? w) : w));
  const what = words.join(' ').toLowerCase().replace('to open content model', 'to an open content model').replace('from closed content model', 'from a closed content model')
    .replace('added from a closed', 'added to a closed')
    .replace('removed to an open', 'removed from an open');
  const where = d.path ? `\`${d.path}\`` : 'the root';
  let values = '';
  if (d.values) {
    const [a, b] = side === 'new' ? d.values : [d.values[1], d.values[0]];
    values = a === undefined ? ` (${JSON.stringify(b ?? null)})` : b === undefined ? '' : ` from ${JSON.stringify(a)} to ${JSON.stringify(b)}`;
  }
  return `${where}: ${what}${values} [${d.type}${side === 'old' ? ', read by the old schema' : ''}]`;
}

