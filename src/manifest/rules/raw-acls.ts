/** Raw `acls:` entries: a resource Kafka can name, operations that apply to it, topics that exist. */
import { CLUSTER_RESOURCE, VALID_OPERATIONS } from '../../acl/derive.js';
import type { PathSegment } from '../document.js';
import { viewRawAcl } from '../normalize.js';
import { list } from '../written.js';
import type { Rule } from './rule.js';

export const rawAclsRule: Rule = ({ written, normalized, error, warn }) => {
  const allTopics = new Set(normalized.spec.topics.map((t) => t.name));
  list<unknown>(written.acls).forEach((raw, i) => {
    // Shapes the schema pass already rejected (unknown resource type, …) get no second diagnostic.
    const acl = viewRawAcl(raw);
    if (!acl) return;
    const aPath: PathSegment[] = ['acls', i];
    const { resourceType: rtype, pattern } = acl;
    let rname = acl.name;
    if (rtype === 'cluster') {
      if (rname !== undefined && rname !== CLUSTER_RESOURCE) error('acl-resource', [...aPath, 'resource', 'name'], `the cluster resource is always named "${CLUSTER_RESOURCE}"`, {
        found: rname,
        allowed: CLUSTER_RESOURCE,
        hint: 'remove name',
      });
      if (pattern !== 'literal') error('acl-resource', [...aPath, 'resource', 'pattern'], 'the cluster resource only takes a literal pattern');
      rname = CLUSTER_RESOURCE;
    } else if (rname === undefined || rname === '') {
      error('acl-resource', [...aPath, 'resource'], `a ${rtype} ACL needs resource.name`, {
        found: 'no name',
        allowed: `a ${rtype} name, a prefix with pattern: prefixed, or '*'`,
        hint: "use name: '*' for every resource of this type",
      });
      return;
    }
    const validOps = VALID_OPERATIONS[rtype];
    for (const { op, index } of acl.operations) {
      if (validOps.includes(op)) continue;
      error('acl-operation', [...aPath, 'operations', index], `operation ${op} does not apply to a ${rtype}`, {
        found: op,
        allowed: validOps.join(', '),
        hint: `Kafka never checks ${op} on a ${rtype}: the binding would grant nothing`,
      });
    }
    if (rtype === 'topic' && pattern === 'literal' && rname !== '*' && !allTopics.has(rname)) {
      warn('acl-unknown-topic', [...aPath, 'resource', 'name'], `ACL on topic "${rname}", which is not declared in topics`, {
        hint: 'fine for topics managed elsewhere; otherwise check the name',
      });
    }
  });
};
