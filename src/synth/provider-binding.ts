/**
 * Builders for the hand-written provider bindings (kafka-bindings.ts, schema-subjects.ts): a
 * binding is its provider, its Terraform type and one function from its typed config to the
 * provider's snake_case attributes. Written on the CDK base classes through ./cdk.js, so they run
 * unchanged under cdktf and cdktn (generated prebuilt bindings are tied to one of the two).
 */
import type { Construct } from 'constructs';
import { TerraformProvider, TerraformResource, type TerraformProviderGeneratorMetadata, type TerraformResourceLifecycle } from './cdk.js';

/** A Terraform provider: `required_providers.<name>` gets `source` and `version` (pinned exactly). */
export interface ProviderRef {
  readonly name: string;
  readonly source: string;
  readonly version: string;
}

/** Meta-arguments kafkaform sets on a resource. */
export interface ResourceMeta {
  provider?: TerraformProvider;
  lifecycle?: TerraformResourceLifecycle;
}

/** Attribute values in the order the JSON lists them; `undefined` ones are left out. */
type Attributes = Record<string, unknown>;

function metadataOf(ref: ProviderRef): TerraformProviderGeneratorMetadata {
  return { providerName: ref.name, providerVersion: ref.version, providerVersionConstraint: ref.version };
}

/** A binding class as the declarations name it (an anonymous class type cannot appear in a .d.ts). */
export interface BindingClass<Base, C> {
  new (scope: Construct, id: string, config: C): Base & { readonly config: C };
}

/** The class of `ref`'s provider block, with the attributes `attributes` computes from its config. */
export function providerBinding<C>(ref: ProviderRef, attributes: (config: C) => Attributes): BindingClass<TerraformProvider, C> {
  return class extends TerraformProvider {
    constructor(
      scope: Construct,
      id: string,
      readonly config: C,
    ) {
      super(scope, id, { terraformResourceType: ref.name, terraformGeneratorMetadata: metadataOf(ref), terraformProviderSource: ref.source });
    }

    protected override synthesizeAttributes(): Attributes {
      return attributes(this.config);
    }
  };
}

/**
 * The class of resource `type` of `ref`. `attributes` gets a `writeOnly` wrapper for write-only
 * attributes: cdktn checks those against the App's `targetVersions` context (its generated
 * bindings call markWriteOnlyAttribute the same way); cdktf has no such check and no such method,
 * so there the value passes through.
 */
export function resourceBinding<C extends ResourceMeta>(
  ref: ProviderRef,
  type: string,
  attributes: (config: C, writeOnly: (value: unknown) => unknown) => Attributes,
): BindingClass<TerraformResource, C> {
  return class extends TerraformResource {
    constructor(
      scope: Construct,
      id: string,
      readonly config: C,
    ) {
      super(scope, id, { terraformResourceType: type, terraformGeneratorMetadata: metadataOf(ref), provider: config.provider, lifecycle: config.lifecycle });
    }

    protected override synthesizeAttributes(): Attributes {
      const mark = (this as unknown as { markWriteOnlyAttribute?: (v: unknown) => unknown }).markWriteOnlyAttribute;
      return attributes(this.config, (value) => (typeof mark === 'function' ? mark.call(this, value) : value));
    }
  };
}
