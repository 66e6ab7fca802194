/**
 * The Mongey/kafka-connect Terraform provider (`kafka-connect_connector`), built from its Go module
 * with the same recipe as the kafka provider (go-provider.ts). v0.5.0 is the exact version the Go
 * module proxy serves; the binary is built once into kafkaform's filesystem mirror.
 */
import type { GoProviderResult } from './go-provider.js';
import { ensureGoProvider } from './go-provider.js';
import type { ProviderSpec } from './provider.js';
import type { Progress } from '../progress.js';

/** Mongey/kafka-connect: connectors through the Connect REST API (create, config, delete). */
export const CONNECT_PROVIDER = {
  module: 'github.com/Mongey/terraform-provider-kafka-connect',
  version: 'v0.5.0',
  namespace: 'mongey',
  type: 'kafka-connect',
} as const satisfies ProviderSpec;

/** Builds (once) and installs the kafka-connect provider into the mirror. */
export function ensureConnectProvider(opts: { onProgress?: Progress } = {}): Promise<GoProviderResult> {
  return ensureGoProvider({ ...CONNECT_PROVIDER, onProgress: opts.onProgress });
}
