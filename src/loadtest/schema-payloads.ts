/**
 * Realistic load: when a topic declares a value schema, the load test sends values generated from
 * it (Avro binary, JSON or Protobuf binary, sized towards the topic's messageBytes) instead of synthetic bytes.
 */
import { dirname, resolve } from 'node:path';
import { generatePayload } from '../schema/payload.js';
import { readSchemaFile } from '../schema/schema-file.js';
import type { ResolvedSpec } from '../manifest/types.js';
import type { Workload } from './workload.js';

/** Distinct payloads per topic, used in turn (generation is not on the hot path). */
export const PAYLOAD_POOL_SIZE = 32;

/** Adds schema payloads to every topic workload whose declared topic has a value schema; returns the topics that got them. */
export function attachSchemaPayloads(workload: Workload, spec: ResolvedSpec, poolSize = PAYLOAD_POOL_SIZE): string[] {
  const baseDir = dirname(spec.file);
  const done: string[] = [];
  for (const tw of workload.topics) {
    const value = spec.topics.find((t) => t.name === tw.topic)?.schema?.value;
    if (!value) continue;
    const schema = readSchemaFile(resolve(baseDir, value.file), value.format);
    const payloads: Buffer[] = [];
    for (let seed = 1; seed <= poolSize; seed++) payloads.push(generatePayload(schema.parsed, value.format, tw.messageBytes, seed).buffer);
    tw.payloads = payloads;
    done.push(tw.topic);
  }
  return done;
}
