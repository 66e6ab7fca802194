/**
 * The one door to the CDK for Terraform runtime: every other file imports App, stacks, variables,
 * backends and the resource base classes from here, never from the package itself.
 * cdktf was archived on 2025-12-10; CDK Terrain (`cdktn`) is its maintained fork with the same API.
 * Moving to it is changing the package name on the `from` line below (and the snapshot's metadata
 * `version`); test/unit/cdk-portability.test.ts proves both produce the same Terraform JSON.
 * Keep this file re-exports only: that test substitutes the whole module with the other package.
 */
export {
  App,
  GcsBackend,
  LocalBackend,
  PgBackend,
  RemoteBackend,
  S3Backend,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
  type GcsBackendConfig,
  type IResolvable,
  type PgBackendConfig,
  type RemoteBackendConfig,
  type S3BackendConfig,
  type TerraformProviderGeneratorMetadata,
  type TerraformResourceLifecycle,
} from 'cdktf';
