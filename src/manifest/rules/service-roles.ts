/** Services: the topics they name exist, and the fields they set fit their role (roles derive the ACLs). */
import { didYouMean, type DiagnosticDetails } from '../diagnostics.js';
import type { PathSegment } from '../document.js';
import { isStr, mapping, type WrittenService } from '../written.js';
import type { Rule, RuleContext } from './rule.js';

export const serviceRolesRule: Rule = (ctx) => {
  const written = mapping<Record<string, WrittenService>>(ctx.written.services);
  const allTopics = new Set(ctx.normalized.spec.topics.map((t) => t.name));
  for (const svc of ctx.normalized.spec.services) {
    const sPath: PathSegment[] = ['services', svc.name];
    const s = mapping<WrittenService>(written[svc.name]);
    checkTopicLists(ctx, svc.name, sPath, { produces: svc.produces, consumes: svc.consumes }, allTopics);
    checkRoleFields(ctx, sPath, s, svc.produces.length > 0, svc.consumes.length > 0);
    const type = svc.type;
    if (svc.produces.length === 0 && svc.consumes.length === 0 && type !== 'streams' && type !== 'connect') {
      ctx.warn('service-without-topics', sPath, `service "${svc.name}" neither produces nor consumes: no ACLs are derived for it`, { key: true });
    }
    if (s.group !== undefined && svc.consumes.length === 0 && type !== 'connect') ctx.warn('unused-field', [...sPath, 'group'], 'group is unused: the service consumes nothing');
  }
};

function checkTopicLists(ctx: RuleContext, name: string, sPath: PathSegment[], lists: Record<'produces' | 'consumes', string[]>, allTopics: Set<string>): void {
  for (const key of ['produces', 'consumes'] as const) {
    const list = lists[key];
    list.forEach((topic, i) => {
      if (allTopics.has(topic)) return;
      const s2 = didYouMean(topic, allTopics);
      ctx.error('unknown-topic', [...sPath, key, i], `service "${name}" ${key} "${topic}", which is not declared in topics`, {
        found: topic,
        allowed: `a topic declared under topics: (${allTopics.size} declared)`,
        hint: s2 ? `did you mean "${s2}"?` : `declare it under topics:, or remove it from ${key}`,
      });
    });
    const dup = list.find((t, i) => list.indexOf(t) !== i);
    if (dup) ctx.warn('duplicate-entry', [...sPath, key], `"${dup}" is listed twice`);
  }
}

/** Fields that belong to another role than the declared (or applicationId-implied) one. */
function checkRoleFields(ctx: RuleContext, sPath: PathSegment[], s: Partial<WrittenService>, produces: boolean, consumes: boolean): void {
  const mismatch = (field: string, message: string, details: DiagnosticDetails) => ctx.error('role-mismatch', [...sPath, field], message, details);
  const declared = s.type;
  if (declared === 'consumer' && produces) {
    mismatch('produces', 'a consumer service cannot produce', {
      found: 'type: consumer with produces', allowed: 'consumes, group', hint: 'remove produces, or drop `type: consumer` (roles are inferred from produces/consumes)',
    });
  }
  if (declared === 'producer' && consumes) {
    mismatch('consumes', 'a producer service cannot consume', {
      found: 'type: producer with consumes', allowed: 'produces, transactionalId', hint: 'remove consumes, or drop `type: producer` (roles are inferred from produces/consumes)',
    });
  }
  const type = declared !== undefined ? declared : isStr(s.applicationId) ? 'streams' : undefined;
  if (type === 'streams' && !isStr(s.applicationId)) {
    ctx.error('streams-application-id', sPath, 'a streams service needs applicationId', {
      key: true, found: 'no applicationId', allowed: 'applicationId: <application.id>', hint: 'add applicationId: <the application.id of the Kafka Streams app>',
    });
  }
  if (type !== undefined && type !== 'streams' && isStr(s.applicationId)) {
    mismatch('applicationId', `applicationId is for streams services, this one is ${type}`, {
      found: `type: ${type}`,
      allowed: 'type: streams',
      hint: 'set type: streams or remove applicationId',
    });
  }
  if (type !== 'streams' && s.exactlyOnce !== undefined) {
    mismatch('exactlyOnce', 'exactlyOnce is for streams services', {
      found: `type: ${type ?? 'inferred ' + (produces ? 'producer' : 'consumer')}`, allowed: 'type: streams', hint: 'use transactionalId for a transactional producer',
    });
  }
  if (type !== 'connect' && s.internalTopicPrefix !== undefined) {
    mismatch('internalTopicPrefix', 'internalTopicPrefix is for connect services', { found: `type: ${type ?? 'inferred'}`, allowed: 'type: connect' });
  }
  if (type === 'consumer' && s.transactionalId !== undefined) {
    mismatch('transactionalId', 'a consumer service has no transactional id', {
      found: 'type: consumer with transactionalId', allowed: 'transactionalId on producer services', hint: 'transactional ids belong to producers',
    });
  }
}
