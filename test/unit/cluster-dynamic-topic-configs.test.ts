import { describe, expect, it } from 'vitest';
import { plt } from '../../src/cluster/platformatic-kafka.js';
import { parseTopicConfigsResponse } from '../../src/cluster/dynamic-topic-configs.js';

interface Entry {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: Array<{ name: string; value: string | null; source: number }>;
  configType: number;
  documentation: string | null;
}
interface Result {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: Entry[];
}

/** A DescribeConfigs v4 response body as a broker writes it (the layout of the package's describe-configs-v4). */
function encode(results: Result[]) {
  return plt.Writer.create()
    .appendInt32(7)
    .appendArray(results, (w, r) => {
      w.appendInt16(r.errorCode)
        .appendString(r.errorMessage)
        .appendInt8(r.resourceType)
        .appendString(r.resourceName)
        .appendArray(r.configs, (w, c) => {
          w.appendString(c.name)
            .appendString(c.value)
            .appendBoolean(c.readOnly)
            .appendInt8(c.configSource)
            .appendBoolean(c.isSensitive)
            .appendArray(c.synonyms, (w, s) => w.appendString(s.name).appendString(s.value).appendInt8(s.source))
            .appendInt8(c.configType)
            .appendString(c.documentation);
        });
    })
    .appendTaggedFields();
}

const entry = (name: string, value: string | null, configSource: number, more: Partial<Entry> = {}): Entry => ({
  name, value, readOnly: false, configSource, isSensitive: false, synonyms: [], configType: 2, documentation: null, ...more,
});
const topic = (resourceName: string, configs: Entry[], errorCode = 0, errorMessage: string | null = null): Result => ({ errorCode, errorMessage, resourceType: 2, resourceName, configs });

/** What the package's own decoder gives, filtered as kafkaform reads it: source 1, value set. */
function reference(results: Result[]) {
  const decoded = plt.describeConfigsV4.parseResponse(1, 32, 4, plt.Reader.from(encode(results))) as { results: Result[] };
  return decoded.results.map((r) => ({
    ...r,
    configs: Object.fromEntries(r.configs.filter((c) => c.configSource === 1 && c.value !== null).map((c) => [c.name, c.value])),
  }));
}

describe('DescribeConfigs v4 decoded for the configs set on each topic', () => {
  it('keeps the entries of config source 1 with a value, as the package decoder filtered that way', () => {
    const results = [
      topic('orders', [
        entry('retention.ms', '1000', 1),
        entry('segment.bytes', '1073741824', 5, { readOnly: true, documentation: 'The segment file size for the log' }),
        entry('cleanup.policy', 'delete', 4, { synonyms: [{ name: 'log.cleanup.policy', value: 'delete', source: 5 }, { name: 'x', value: null, source: 4 }] }),
        entry('flush.ms', null, 1),
        entry('message.timestamp.type', '', 1),
        entry('sasl.jaas.config', null, 1, { isSensitive: true }),
      ]),
      topic('пример.topic-ü', [entry('compression.type', 'zstd', 1, { documentation: 'ünïcödé doc' }), entry('max.message.bytes', '1048588', 5)]),
      topic('empty', []),
    ];
    const ours = parseTopicConfigsResponse(1, 32, 4, plt.Reader.from(encode(results)));
    expect(ours.throttleTimeMs).toBe(7);
    expect(ours.results).toEqual(reference(results));
    expect(ours.results[0]!.configs).toEqual({ 'retention.ms': '1000', 'message.timestamp.type': '' });
    expect(ours.results[1]!.configs).toEqual({ 'compression.type': 'zstd' });
  });

  it('decodes many topics of many entries to the same configs as the package decoder', () => {
    const results = Array.from({ length: 20 }, (_, i) =>
      topic(`t${i}`, Array.from({ length: 33 }, (_, k) => entry(`key.${k}`, k % 7 === 0 ? null : `v${i}-${k}`, k % 3 === 0 ? 1 : 5, k % 5 === 0 ? { documentation: 'd'.repeat(k * 10) } : {}))),
    );
    expect(parseTopicConfigsResponse(1, 32, 4, plt.Reader.from(encode(results))).results).toEqual(reference(results));
  });

  it('throws the package’s ResponseError for a refused topic, its response holding the topics that were answered', () => {
    const results = [topic('a', [entry('retention.ms', '5', 1)]), topic('secret', [], 29, 'Topic authorization failed.')];
    let thrown: unknown;
    try {
      parseTopicConfigsResponse(1, 32, 4, plt.Reader.from(encode(results)));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(plt.ResponseError);
    const response = (thrown as { response: { results: Array<{ resourceName: string; errorCode: number; configs: Record<string, string> }> } }).response;
    expect(response.results.map((r) => [r.resourceName, r.errorCode, r.configs])).toEqual([['a', 0, { 'retention.ms': '5' }], ['secret', 29, {}]]);
    expect((thrown as { errors: Array<{ apiId?: string }> }).errors[0]!.apiId).toBe('TOPIC_AUTHORIZATION_FAILED');
  });
});
