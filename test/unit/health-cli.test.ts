import { describe, expect, it } from 'vitest';
import { parseInterval, parseListen } from '../../src/cli/commands/exporter.js';
import { UserError } from '../../src/errors.js';

describe('exporter options', () => {
  it('--listen takes HOST:PORT (IPv6 in brackets; port 0 picks a free one)', () => {
    expect(parseListen('127.0.0.1:9308')).toEqual({ host: '127.0.0.1', port: 9308 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    for (const bad of ['9308', 'localhost:', 'h:70000', 'h:p']) expect(() => parseListen(bad), bad).toThrow(UserError);
  });

  it('--interval takes a duration of at least 1s', () => {
    expect(parseInterval('30s')).toBe(30_000);
    expect(parseInterval('1m')).toBe(60_000);
    for (const bad of ['500ms', 'forever', 'soon', '']) expect(() => parseInterval(bad), bad).toThrow(/--interval/);
  });
});
