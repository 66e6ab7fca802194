/**
 * A small client for the Confluent Schema Registry REST API (also served by AxonOps, Apicurio's
 * ccompat API, Karapace, Redpanda). fetch-based; basic auth from a password the caller resolved
 * (passwordFrom); the password and the Authorization header never appear in errors or logs.
 */
import { UserError } from '../errors.js';

/** Another registered schema a schema uses: `name` as the schema writes it (an import, a $ref). */
export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

export interface RegistryClientOptions {
  url: string;
  username?: string;
  password?: string;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface RegisteredVersion {
  subject: string;
  version: number;
  id: number;
  schema: string;
  schemaType: 'AVRO' | 'JSON' | 'PROTOBUF';
  /** The registered schemas this version uses (absent when none). */
  references?: SchemaReference[];
  /** Their texts, and those of the schemas they use in turn, by reference name (filled by collectRegistryState). */
  referencedSchemas?: Record<string, string>;
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export class SchemaRegistryClient {
  readonly url: string;
  private readonly auth?: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(opts: RegistryClientOptions) {
    this.url = opts.url.replace(/\/+$/, '');
    if (opts.username !== undefined && opts.username !== '') this.auth = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.fetchFn = opts.fetch ?? fetch;
  }

  private async request<T>(method: string, path: string, body?: unknown, opts: { notFound?: T } = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: `${CONTENT_TYPE}, application/json` };
    if (body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
    if (this.auth) headers.Authorization = this.auth;
    let res: Response;
    try {
      res = await this.fetchFn(`${this.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw new UserError(`schema registry ${this.url} is not reachable (${cause})`, 'check schemaRegistry.url in topics.yaml, --registry-url or KAFKAFORM_SCHEMA_REGISTRY_URL');
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.status === 404 && 'notFound' in opts) return opts.notFound as T;
    if (!res.ok) {
      const err = json as { error_code?: number; message?: string } | undefined;
      if (res.status === 401 || res.status === 403) {
        throw new UserError(`schema registry ${this.url} refused ${method} ${path} (HTTP ${res.status})`, 'check schemaRegistry.username / passwordFrom');
      }
      throw new RegistryError(`schema registry: ${method} ${path} failed (HTTP ${res.status}${err?.error_code ? `, error ${err.error_code}` : ''}): ${err?.message ?? text.slice(0, 300)}`, res.status, err?.error_code);
    }
    return json as T;
  }

  /** All subjects (some registries answer `null` when there are none). */
  async listSubjects(): Promise<string[]> {
    return ((await this.request<string[] | null>('GET', '/subjects')) ?? []).slice().sort();
  }

  /** Version numbers of a subject, ascending; [] when the subject does not exist. */
  async listVersions(subject: string): Promise<number[]> {
    const v = await this.request<number[] | null>('GET', `/subjects/${encodeURIComponent(subject)}/versions`, undefined, { notFound: [] });
    return (v ?? []).slice().sort((a, b) => a - b);
  }

  /** One version (a number or 'latest'); undefined when it does not exist. */
  async getVersion(subject: string, version: number | 'latest'): Promise<RegisteredVersion | undefined> {
    const r = await this.request<(Partial<RegisteredVersion> & { schema: string }) | undefined>('GET', `/subjects/${encodeURIComponent(subject)}/versions/${version}`, undefined, { notFound: undefined });
    if (!r) return undefined;
    const references = r.references && r.references.length > 0 ? { references: r.references } : {};
    return { subject: r.subject ?? subject, version: r.version!, id: r.id!, schema: r.schema, schemaType: r.schemaType ?? 'AVRO', ...references };
  }

  /** The subject's own compatibility level; undefined when it only inherits the global one. */
  async getSubjectCompatibility(subject: string): Promise<string | undefined> {
    const r = await this.request<{ compatibilityLevel?: string; compatibility?: string } | undefined>('GET', `/config/${encodeURIComponent(subject)}`, undefined, { notFound: undefined });
    return r?.compatibilityLevel ?? r?.compatibility;
  }

  /** The registry-wide default compatibility level. */
  async getGlobalCompatibility(): Promise<string> {
    const r = await this.request<{ compatibilityLevel?: string; compatibility?: string }>('GET', '/config');
    return r.compatibilityLevel ?? r.compatibility ?? 'BACKWARD';
  }

  async setSubjectCompatibility(subject: string, level: string): Promise<void> {
    await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  }

  /** The registry's own compatibility verdict for a candidate schema against `version` (default latest). */
  async checkCompatibility(subject: string, schema: string, schemaType: string, version: number | 'latest' = 'latest', references: SchemaReference[] = []): Promise<{ isCompatible: boolean; messages: string[] }> {
    const r = await this.request<{ is_compatible?: boolean; messages?: string[] } | undefined>(
      'POST',
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/${version}?verbose=true`,
      { schema, ...(schemaType !== 'AVRO' ? { schemaType } : {}), ...(references.length > 0 ? { references } : {}) },
      { notFound: undefined },
    );
    // 404: no such subject/version yet, so nothing to be incompatible with.
    if (!r) return { isCompatible: true, messages: [] };
    return { isCompatible: r.is_compatible === true, messages: r.messages ?? [] };
  }

  /** Registers a schema under a subject, with the schemas it references; returns the schema id (an identical schema returns its existing id). */
  async register(subject: string, schema: string, schemaType: string, references: SchemaReference[] = []): Promise<number> {
    const r = await this.request<{ id: number }>('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema,
      ...(schemaType !== 'AVRO' ? { schemaType } : {}),
      ...(references.length > 0 ? { references } : {}),
    });
    return r.id;
  }
}
