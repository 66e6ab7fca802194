import { describe, expect, it } from 'vitest';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { NotReadError } from '../../src/cluster/not-read.js';
import { collectDrift } from '../../src/drift/collect-drift.js';
import { renderDriftMarkdown, renderDriftText } from '../../src/drift/render-drift.js';
import { ClusterError } from '../../src/errors.js';
import type { ResolvedSpec } from '../../src/manifest/types.js';
import { specFromYaml } from '../helpers/spec-builder.js';

const SPEC = `
version: 1
cluster: { name: shop, bootstrapServers: ['127.0.0.1:9092'], brokers: 1 }
defaults: { partitions: 1, replicationFactor: 1 }
policy: { managedPrefixes: [''] }
topics:
  orders.placed: {}
users:
  alice: { mechanism: SCRAM-SHA-512, passwordFrom: env:ALICE_PASSWORD }
  bob: { mechanism: SCRAM-SHA-256, iterations: 8192, passwordFrom: env:BOB_PASSWORD }
quotas:
  - user: alice
    producerByteRate: 1MiB
    consumerByteRate: 2MiB
  - clientId: '<default>'
    requestPercentage: 50
`;

const spec = (): ResolvedSpec => specFromYaml(SPEC).resolve();
const connection = { bootstrapServers: ['127.0.0.1:9092'] };

/** A cluster holding exactly the spec's users and quotas (as a deploy leaves it). */
function deployed(s: ResolvedSpec): InMemoryClusterPort {
  return new InMemoryClusterPort({
    topics: s.topics.map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: { ...t.config } })),
    users: s.users.map((u) => ({ name: u.name, credentials: [{ mechanism: u.mechanism, iterations: u.iterations }] })),
    quotas: s.quotas.map((q) => ({ ...q })),
  });
}

describe('drift of SCRAM users and client quotas through the in-memory port', () => {
  it('is in sync when the cluster holds exactly the declared users and quotas; only passwords are not checked', async () => {
    const s = spec();
    const r = await collectDrift(s, connection, { ports: () => deployed(s) });
    expect(r.drift).toEqual([]);
    expect(r.inSync).toBe(true);
    expect(r.partial).toBe(false);
    expect(r.checked).toMatchObject({ users: 2, quotas: 2, liveUsers: 2, liveQuotas: 2 });
    expect(r.notChecked).toEqual([{ resource: 'user', code: 'never-returned', reason: expect.stringMatching(/^passwords: Kafka never returns them/) }]);
  });

  it('a credential of another mechanism on a declared user is not drift', async () => {
    const s = spec();
    const port = deployed(s);
    port.users[0]!.credentials.push({ mechanism: 'SCRAM-SHA-256', iterations: 4096 });
    expect((await collectDrift(s, connection, { ports: () => port })).drift).toEqual([]);
  });

  it('reports a deleted user, an added user, a changed quota, changed iterations and mechanism, a new quota, each once', async () => {
    const s = spec();
    const port = deployed(s);
    port.users.splice(0, 1); // alice deleted
    port.users[0]!.credentials = [{ mechanism: 'SCRAM-SHA-256', iterations: 4096 }]; // bob's iterations changed
    port.users.push({ name: 'carol', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }] });
    port.quotas[0]!.producerByteRate = 512; // alice's quota changed
    port.quotas.push({ user: 'carol', clientId: 'app', consumerByteRate: 100 });
    const r = await collectDrift(s, connection, { ports: () => port });
    expect(r.drift).toEqual([
      { resource: 'user', name: 'alice', kind: 'missing', expected: { mechanism: 'SCRAM-SHA-512', iterations: 4096 } },
      { resource: 'user', name: 'bob', kind: 'changed', field: 'iterations', expected: 8192, actual: 4096 },
      { resource: 'user', name: 'carol', kind: 'unmanaged', actual: { credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }] } },
      { resource: 'quota', name: 'user=alice', kind: 'changed', field: 'producerByteRate', expected: 1048576, actual: 512 },
      { resource: 'quota', name: 'user=carol,client-id=app', kind: 'unmanaged', actual: { consumerByteRate: 100 } },
    ]);
    expect(renderDriftText(r)).toContain('~ quota user=alice  changed  producerByteRate: expected 1048576, actual 512');
    expect(renderDriftMarkdown(r)).toContain('| user | `carol` | unmanaged |');
  });

  it('never calls the user the read logged in as unmanaged', async () => {
    const s = spec();
    const port = deployed(s);
    port.users.push({ name: 'admin', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }] });
    const r = await collectDrift(s, { ...connection, sasl: { mechanism: 'scram-sha512', username: 'admin', password: 'x' } }, { ports: () => port });
    expect(r.drift).toEqual([]);
    const other = deployed(s);
    other.users.push({ name: 'admin', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }] });
    expect((await collectDrift(s, connection, { ports: () => other })).drift.map((d) => [d.name, d.kind])).toEqual([['admin', 'unmanaged']]);
  });

  it('reports a user whose declared mechanism is gone, a missing quota and a limit set only on the cluster', async () => {
    const s = spec();
    const port = deployed(s);
    port.users[0]!.credentials = [{ mechanism: 'SCRAM-SHA-256', iterations: 4096 }];
    port.quotas.splice(1, 1);
    port.quotas[0]!.requestPercentage = 10;
    const r = await collectDrift(s, connection, { ports: () => port });
    expect(r.drift).toEqual([
      { resource: 'user', name: 'alice', kind: 'changed', field: 'mechanism', expected: 'SCRAM-SHA-512', actual: 'SCRAM-SHA-256' },
      { resource: 'quota', name: 'client-id=<default>', kind: 'missing', expected: { requestPercentage: 50 } },
      { resource: 'quota', name: 'user=alice', kind: 'changed', field: 'requestPercentage', expected: null, actual: 10 },
    ]);
  });

  it('users it may not read are not reported missing: the read is partial and says why', async () => {
    const s = spec();
    const port = deployed(s).failNext('listScramUsers', new ClusterError('unauthorized', 'not authorized: CLUSTER_AUTHORIZATION_FAILED'));
    port.users.splice(0);
    const r = await collectDrift(s, connection, { ports: () => port });
    expect(r.drift).toEqual([]);
    expect(r.partial).toBe(true);
    expect(r.notChecked).toEqual([{ resource: 'user', code: 'unauthorized', reason: expect.stringMatching(/^SCRAM users could not be read: the broker refused/) }]);
    expect(renderDriftText(r)).toMatch(/partial read: users not read\)?$/m);
  });

  it('a client that cannot read quotas makes the read partial too', async () => {
    const s = spec();
    const port = deployed(s).failNext('listQuotas', new NotReadError('client', 'client quotas are not readable with the kafkajs client'));
    const r = await collectDrift(s, connection, { ports: () => port });
    expect(r.partial).toBe(true);
    expect(r.notChecked.map((n) => [n.resource, n.code])).toEqual([
      ['quota', 'client'],
      ['user', 'never-returned'],
    ]);
  });
});
