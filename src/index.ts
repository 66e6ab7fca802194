/**
 * kafkaform as a library: the one entry point (`import { … } from 'kafkaform'`). A team's
 * stacks/main.ts reads topics.yaml and synthesizes one CDKTF stack per environment, exactly as
 * `kafkaform synth` does; teams that compose in code add the intent-level constructs
 * (topics, grants, users, quotas) to those stacks or their own.
 *
 * @example
 * ```ts
 * import { createKafkaformApp, KafkaformStack, KafkaTopic, readManifest, requireEnvironment } from 'kafkaform';
 *
 * const app = createKafkaformApp({ outdir: 'cdktf.out' });
 * const spec = requireEnvironment(readManifest('topics.yaml'), 'dev');
 * const stack = new KafkaformStack(app, 'dev', { spec, outdir: 'cdktf.out', stateDir: '.', writeOnlySecrets: true });
 * KafkaTopic.fromTopicName(stack, 'Audit', 'audit').grantRead('User:auditor', { group: 'auditor' });
 * app.synth();
 * ```
 * @packageDocumentation
 */

// Reading and validating topics.yaml.
export { readManifest, requireEnvironment, validateSpec, type ValidateOptions, type ValidationResult } from './manifest/validate.js';
export { hasErrors, renderDiagnostic, type Diagnostic, type Severity } from './manifest/diagnostics.js';
export type { SpecDocument } from './manifest/document.js';
export type { ResolvedQuota, ResolvedSpec, ResolvedTopic, ResolvedUser } from './manifest/types.js';
export type { AclBinding, AclOperation, AclPermission, PatternType, ResourceType } from './model/acl-binding.js';

// Synthesizing Terraform: stacks, the app, the file-to-cdktf.out shortcut.
export { createKafkaformApp, KafkaformStack, synthStacks, userPasswordVariable, type KafkaformStackProps, type StackOptions, type SynthOptions } from './synth/stack.js';
export { synthFromFile, type SynthFileOptions, type SynthFileResult } from './synth/synth-file.js';
export { App, TerraformStack } from './synth/cdk.js';

// Intent-level constructs.
export {
  aclAddress,
  KafkaAcl,
  KafkaQuota,
  KafkaScramUser,
  KafkaTopic,
  quotaAddress,
  topicAddress,
  userAddress,
  type GrantReadOptions,
  type GrantWriteOptions,
  type ITopic,
  type KafkaAclProps,
  type KafkaQuotaProps,
  type KafkaResourceProps,
  type KafkaTopicProps,
  type KafkaUserProps,
} from './synth/constructs.js';
export { KAFKA_TF_PROVIDER, KafkaProvider, type KafkaProviderConfig } from './synth/kafka-bindings.js';

// The error a caller can show as is (what is wrong, and a hint).
export { UserError } from './errors.js';
