/**
 * Terraform `import` blocks (Terraform ≥ 1.5) that adopt resources which already exist on the
 * cluster into the stack's state. They live in their own file beside cdk.tf.json
 * (kafkaform-imports.tf.json; Terraform reads every *.tf.json of the directory), so the synthesized
 * stack itself never depends on what the cluster or the state holds. Import ids follow the Mongey
 * provider 0.13.1 importers: a topic's name; an ACL's seven `|`-joined fields; `username|mechanism`.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AclBinding } from '../manifest/types.js';
import { aclAddress, RESOURCE_TYPE, topicAddress, userAddress } from './constructs.js';

export interface ImportBlock {
  /** The resource address in the stack, e.g. `kafka_topic.topic_orders`. */
  to: string;
  /** The provider's import id. */
  id: string;
}

export const IMPORTS_FILE = 'kafkaform-imports.tf.json';

/** The import block adopting an existing topic. */
export function topicImport(name: string): ImportBlock {
  return { to: `kafka_topic.${topicAddress(name)}`, id: name };
}

/** The import block adopting an existing ACL binding (principal|host|operation|permission|type|name|pattern). */
export function aclImport(a: AclBinding): ImportBlock {
  const id = [a.principal, a.host, a.operation, a.permission === 'allow' ? 'Allow' : 'Deny', RESOURCE_TYPE[a.resourceType], a.resourceName, a.patternType === 'prefixed' ? 'Prefixed' : 'Literal'].join('|');
  return { to: `kafka_acl.${aclAddress(a)}`, id };
}

/** The import block adopting an existing SCRAM credential (the write-only form: no password in the id). */
export function userImport(name: string, mechanism: string): ImportBlock {
  return { to: `kafka_user_scram_credential.${userAddress(name)}`, id: `${name}|${mechanism}` };
}

/** Writes the stack's import blocks, or removes the file when there are none (a stale block would import again). */
export function writeImportBlocks(stackDir: string, imports: readonly ImportBlock[]): void {
  const file = join(stackDir, IMPORTS_FILE);
  if (imports.length === 0) {
    rmSync(file, { force: true });
    return;
  }
  writeFileSync(file, `${JSON.stringify({ import: imports.map((i) => ({ to: i.to, id: i.id })) }, null, 2)}\n`);
}
