/** Every semantic rule of topics.yaml, run per environment after normalisation (order does not matter: diagnostics are sorted). */
import { backendRule } from './backend.js';
import { clusterTlsRule } from './cluster-tls.js';
import { connectorsRule } from './connectors.js';
import { deadLetterRule } from './dead-letter.js';
import { maxLagRule } from './max-lag.js';
import { minInsyncRule } from './min-insync.js';
import { partitionsRfRule } from './partitions-rf.js';
import { quotasRule } from './quotas.js';
import { rawAclsRule } from './raw-acls.js';
import type { Rule } from './rule.js';
import { schemaDocsRule } from './schema-docs.js';
import { schemaRefsRule } from './schema-refs.js';
import { serviceRolesRule } from './service-roles.js';
import { topicConfigsRule } from './topic-configs.js';
import { topicNameRule } from './topic-name.js';
import { usersRule } from './users.js';

export type { Rule, RuleContext } from './rule.js';

export const rules: Rule[] = [
  clusterTlsRule,
  topicNameRule,
  partitionsRfRule,
  topicConfigsRule,
  minInsyncRule,
  schemaRefsRule,
  schemaDocsRule,
  deadLetterRule,
  serviceRolesRule,
  rawAclsRule,
  usersRule,
  quotasRule,
  backendRule,
  maxLagRule,
  connectorsRule,
];
