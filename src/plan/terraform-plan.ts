/**
 * computePlanChanges: a `terraform show -json` plan as kafkaform resources (topic, ACL, user,
 * quota) with the action and changed attributes, instead of raw Terraform addresses.
 */
import { formatAcl } from '../acl/derive.js';
import type { AclBinding } from '../manifest/types.js';

export type ResourceKind = 'topic' | 'acl' | 'user' | 'quota' | 'schema' | 'other';
/** `import`: an existing resource taken into the state (Terraform import block, or an adopted quota); any change it then needs follows as its own update. */
export type ChangeAction = 'import' | 'create' | 'update' | 'replace' | 'delete' | 'no-op' | 'read';

export interface AttributeChange {
  attribute: string;
  before?: unknown;
  after?: unknown;
  /** True when the attribute is sensitive: values are never shown. */
  sensitive?: boolean;
}

export interface PlannedChange {
  address: string;
  resource: ResourceKind;
  name: string;
  action: ChangeAction;
  changes: AttributeChange[];
  /** For ACL changes: the binding itself (all kafka_acl fields are ForceNew, so before = after). */
  acl?: AclBinding;
  /** For replacements: the attributes that force it (terraform's replace_paths), e.g. `partitions`. */
  replacePaths?: string[];
  /** For imports: the provider's import id (absent for an adopted quota, which has no importer). */
  importId?: string;
}

interface TfResourceChange {
  address: string;
  type: string;
  change: {
    actions: string[];
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
    before_sensitive?: unknown;
    after_sensitive?: unknown;
    replace_paths?: unknown[][];
    /** Set when the resource is imported by an import block (Terraform ≥ 1.5). */
    importing?: { id?: string };
  };
}

const KIND: Record<string, ResourceKind> = {
  kafka_topic: 'topic',
  kafka_acl: 'acl',
  kafka_user_scram_credential: 'user',
  kafka_quota: 'quota',
  schemaregistry_schema: 'schema',
};

function actionOf(actions: string[]): ChangeAction {
  const a = [...actions].sort().join(',');
  if (a === 'create') return 'create';
  if (a === 'delete') return 'delete';
  if (a === 'update') return 'update';
  if (a === 'create,delete') return 'replace';
  if (a === 'read') return 'read';
  return 'no-op';
}

const ACL_RESOURCE_TYPES: Record<string, AclBinding['resourceType']> = {
  Topic: 'topic',
  Group: 'group',
  Cluster: 'cluster',
  TransactionalID: 'transactionalId',
  DelegationToken: 'delegationToken',
  User: 'user',
};

/** The ACL binding a kafka_acl resource's values describe. */
export function aclBindingOf(v: Record<string, unknown>): AclBinding {
  return {
    principal: String(v.acl_principal),
    host: String(v.acl_host),
    operation: String(v.acl_operation) as AclBinding['operation'],
    permission: String(v.acl_permission_type).toLowerCase() === 'deny' ? 'deny' : 'allow',
    resourceType: ACL_RESOURCE_TYPES[String(v.resource_type)] ?? 'topic',
    resourceName: String(v.resource_name),
    patternType: String(v.resource_pattern_type_filter).toLowerCase() === 'prefixed' ? 'prefixed' : 'literal',
  };
}

/** The readable kafkaform name of a planned resource. */
export function resourceName(type: string, v: Record<string, unknown>): string {
  switch (type) {
    case 'kafka_topic':
      return String(v.name);
    case 'kafka_acl':
      return formatAcl(aclBindingOf(v));
    case 'kafka_user_scram_credential':
      return `${String(v.username)} (${String(v.scram_mechanism)})`;
    case 'kafka_quota':
      return `${String(v.entity_type)}:${v.entity_name ? String(v.entity_name) : '<default>'}`;
    case 'schemaregistry_schema':
      return String(v.subject);
    default:
      return String(v.name ?? v.id ?? '');
  }
}

function isSensitive(mask: unknown, key: string): boolean {
  return mask === true || (typeof mask === 'object' && mask !== null && (mask as Record<string, unknown>)[key] === true);
}

/** Flattens `config` maps so each Kafka config is its own attribute change. */
function diffAttributes(before: Record<string, unknown> | null, after: Record<string, unknown> | null, bs: unknown, as: unknown): AttributeChange[] {
  const out: AttributeChange[] = [];
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of [...keys].sort()) {
    if (k === 'id') continue;
    const b = before?.[k];
    const a = after?.[k];
    const sensitive = isSensitive(bs, k) || isSensitive(as, k);
    if (k === 'config' && (typeof b === 'object' || typeof a === 'object')) {
      const bm = (b ?? {}) as Record<string, unknown>;
      const am = (a ?? {}) as Record<string, unknown>;
      for (const ck of [...new Set([...Object.keys(bm), ...Object.keys(am)])].sort()) {
        if (JSON.stringify(bm[ck]) !== JSON.stringify(am[ck])) out.push({ attribute: `config.${ck}`, before: bm[ck], after: am[ck] });
      }
      continue;
    }
    if (JSON.stringify(b) !== JSON.stringify(a)) out.push(sensitive ? { attribute: k, sensitive: true } : { attribute: k, before: b, after: a });
  }
  return out;
}

export interface PlanChangesOptions {
  /** Addresses whose create adopts a resource that already exists (quotas, which have no importer): shown as `import`. */
  adopted?: ReadonlySet<string>;
  /** The live `config` of each adopted address (Adoption.adoptedQuotaLive): declared values that differ follow the import as an update. */
  adoptedLive?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * Maps a parsed `terraform show -json` plan to kafkaform changes (no-ops dropped). An imported
 * resource is an `import`, followed by its update when the apply then changes it.
 */
export function computePlanChanges(plan: unknown, opts: PlanChangesOptions = {}): PlannedChange[] {
  const rcs = ((plan as { resource_changes?: TfResourceChange[] }).resource_changes ?? []).filter((rc) => rc.type in KIND);
  const out: PlannedChange[] = [];
  for (const rc of rcs) {
    const action = actionOf(rc.change.actions);
    const values = (rc.change.after ?? rc.change.before ?? {}) as Record<string, unknown>;
    const importing = rc.change.importing !== undefined || (action === 'create' && opts.adopted?.has(rc.address) === true);
    if (importing) {
      const imported: PlannedChange = { address: rc.address, resource: KIND[rc.type]!, name: resourceName(rc.type, values), action: 'import', changes: [] };
      if (rc.change.importing?.id !== undefined) imported.importId = rc.change.importing.id;
      if (rc.type === 'kafka_acl') imported.acl = aclBindingOf(values);
      out.push(imported);
      // An adopted quota's create writes the declared values: those that differ from the live ones are its update.
      if (action === 'create') {
        const liveConfig = opts.adoptedLive?.[rc.address];
        // Only declared keys are written (AlterClientQuotas is an upsert): a live-only limit is not changed by this apply.
        const changes = liveConfig ? diffAttributes({ config: liveConfig }, { config: values.config ?? {} }, undefined, undefined).filter((a) => a.after !== undefined) : [];
        if (changes.length > 0) out.push({ address: rc.address, resource: KIND[rc.type]!, name: imported.name, action: 'update', changes });
        continue;
      }
    }
    if (action === 'no-op' || action === 'read') continue;
    const change: PlannedChange = {
      address: rc.address,
      resource: KIND[rc.type]!,
      name: resourceName(rc.type, values),
      action,
      changes: action === 'update' || action === 'replace' ? diffAttributes(rc.change.before, rc.change.after, rc.change.before_sensitive, rc.change.after_sensitive) : [],
    };
    if (rc.type === 'kafka_acl') change.acl = aclBindingOf((rc.change.before ?? rc.change.after ?? {}) as Record<string, unknown>);
    if (action === 'replace' && rc.change.replace_paths?.length) change.replacePaths = rc.change.replace_paths.map((p) => p.map(String).join('.'));
    out.push(change);
  }
  const order: Record<ResourceKind, number> = { topic: 0, schema: 1, user: 2, acl: 3, quota: 4, other: 5 };
  return out.sort((a, b) => order[a.resource] - order[b.resource] || a.name.localeCompare(b.name));
}

export function summarizeChanges(changes: PlannedChange[]): Record<'import' | 'create' | 'update' | 'replace' | 'delete', number> {
  const s = { import: 0, create: 0, update: 0, replace: 0, delete: 0 };
  for (const c of changes) if (c.action in s) s[c.action as keyof typeof s]++;
  return s;
}
