/** The input of ACL derivation: a service's role as topics.yaml declares it, already resolved. */

export type ServiceType = 'producer' | 'consumer' | 'streams' | 'connect';

/** A service as its ACLs are derived from it: its role, principal and the resources it uses. */
export interface ServiceRole {
  name: string;
  /** Declared, or inferred: streams with applicationId; producer/consumer when only one list is set. */
  type?: ServiceType;
  principal: string;
  produces: string[];
  consumes: string[];
  group?: string; // consumer group (literal unless it ends with '-' or '*')
  transactionalId?: string; // prefixed when it ends with '-' or '*'
  applicationId?: string; // streams
  exactlyOnce?: boolean; // streams
  internalTopicPrefix?: string; // connect
  host: string;
}
