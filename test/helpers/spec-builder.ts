/**
 * Test specs without temp files: a FakeSpec holds topics.yaml (built from values, or as YAML text when
 * a test asserts positions) and the files next to it in memory, and validates through the same
 * pure validateSpec the CLI uses, with an in-memory FileSource.
 */
import { dirname, resolve } from 'node:path';
import { stringify } from 'yaml';
import { parseSpecDocument, type SpecDocument } from '../../src/manifest/document.js';
import { inMemoryFiles, type FileSource } from '../../src/manifest/file-source.js';
import type { ResolvedSpec } from '../../src/manifest/types.js';
import { requireEnvironment, validateSpec, type ValidateOptions, type ValidationResult } from '../../src/manifest/validate.js';

type Obj = Record<string, unknown>;

/** Where a fake topics.yaml lives; nothing is ever written there. */
export const FAKE_SPEC_FILE = '/virtual/kafkaform/topics.yaml';

export class FakeSpec {
  private readonly value: Obj;
  private readonly text: string | undefined;
  private readonly extra: Record<string, string> = {};

  constructor(source: Obj | string = { version: 1 }, readonly file: string = FAKE_SPEC_FILE) {
    if (typeof source === 'string') {
      this.text = source;
      this.value = {};
    } else {
      this.value = structuredClone(source);
    }
  }

  /** Sets a value at a dotted path (`cluster.brokers`), creating the mappings on the way. */
  set(path: string, value: unknown): this {
    this.assertBuilt();
    const keys = path.split('.');
    let cur = this.value;
    for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Obj;
    cur[keys[keys.length - 1]!] = value;
    return this;
  }

  /** Merges a mapping into a section (`topics`, `services`, `users`, `environments`, …). */
  private entry(section: string, name: string, value: unknown): this {
    this.assertBuilt();
    this.value[section] = { ...((this.value[section] as Obj | undefined) ?? {}), [name]: value };
    return this;
  }

  topic(name: string, props: Obj = {}): this {
    return this.entry('topics', name, props);
  }

  service(name: string, props: Obj): this {
    return this.entry('services', name, props);
  }

  user(name: string, props: Obj): this {
    return this.entry('users', name, props);
  }

  environment(name: string, overlay: Obj = {}): this {
    return this.entry('environments', name, overlay);
  }

  /** Appends to a list section (`acls`, `quotas`). */
  push(section: 'acls' | 'quotas', item: Obj): this {
    this.assertBuilt();
    this.value[section] = [...((this.value[section] as unknown[] | undefined) ?? []), item];
    return this;
  }

  /** A file next to topics.yaml (schema files, password files), relative to its directory. */
  withFile(relative: string, text: string): this {
    this.extra[resolve(dirname(this.file), relative)] = text;
    return this;
  }

  get files(): FileSource {
    return inMemoryFiles(this.extra);
  }

  yaml(): string {
    return this.text ?? stringify(this.value);
  }

  document(): SpecDocument {
    return parseSpecDocument(this.yaml(), this.file);
  }

  validate(opts: ValidateOptions = {}): ValidationResult {
    return validateSpec(this.document(), { files: this.files, ...opts });
  }

  /** The resolved spec of one environment (throws, like the CLI, when the spec is not valid). */
  resolve(env?: string): ResolvedSpec {
    return requireEnvironment(this.validate(), env);
  }

  private assertBuilt(): void {
    if (this.text !== undefined) throw new Error('a FakeSpec made from YAML text is edited as text');
  }
}

/** A spec built from values; starts as `version: 1` (plus `base`). */
export function specBuilder(base: Obj = {}): FakeSpec {
  return new FakeSpec({ version: 1, ...base });
}

/** A spec from YAML text, for tests that assert line and column positions. */
export function specFromYaml(text: string, file: string = FAKE_SPEC_FILE): FakeSpec {
  return new FakeSpec(text, file);
}

/** A minimal valid ResolvedSpec for tests of later steps (capacity, drift, plan) that need no YAML at all. */
export function resolvedSpec(over: Partial<ResolvedSpec> = {}): ResolvedSpec {
  return {
    file: FAKE_SPEC_FILE,
    environment: 'default',
    cluster: { name: 'kafka', bootstrapServers: [], kafkaMajor: 4, connection: { bootstrapServers: [] } },
    policy: { maxPartitions: 1000, minReplicationFactor: 1, allowTopicDeletion: false, managedPrefixes: [''], requireSchemaDocs: false },
    topics: [],
    services: [],
    acls: [],
    users: [],
    quotas: [],
    ...over,
  };
}
