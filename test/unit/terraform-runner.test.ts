import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../src/deploy/terraform-runner.js';
import { TerraformError, UserError } from '../../src/errors.js';

describe('scrubSecrets', () => {
  it('replaces every occurrence of each secret', () => {
    const text = 'password=s3cr3t! and again s3cr3t!; token abc-123';
    expect(scrubSecrets(text, ['s3cr3t!', 'abc-123'])).toBe('password=*** and again ***; token ***');
  });

  it('leaves text alone when there are no secrets or only empty ones', () => {
    expect(scrubSecrets('nothing to hide', [])).toBe('nothing to hide');
    expect(scrubSecrets('nothing to hide', [''])).toBe('nothing to hide');
  });

  it('hides a secret that contains another secret completely', () => {
    expect(scrubSecrets('x=hunter2hunter22 y=hunter2', ['hunter2', 'hunter2hunter22'])).toBe('x=*** y=***');
  });

  it('treats regex metacharacters literally', () => {
    expect(scrubSecrets('pw: a.b*c(d)$ and aXbbc', ['a.b*c(d)$'])).toBe('pw: *** and aXbbc');
  });

  it('also scrubs the JSON-escaped form terraform prints inside quoted strings', () => {
    const secret = 'pa"ss\\word';
    const printed = `sasl_password = ${JSON.stringify(secret)}`;
    expect(scrubSecrets(printed, [secret])).toBe('sasl_password = "***"');
  });

  it('works on multi-line text', () => {
    expect(scrubSecrets('line1 top\nline2 top\n', ['top'])).toBe('line1 ***\nline2 ***\n');
  });
});

describe('TerraformError', () => {
  it('is a UserError carrying command, terraform exit code and output tail', () => {
    const e = new TerraformError('terraform plan -input=false', 1, ['Error: boom', 'details ***'], 'a hint');
    expect(e).toBeInstanceOf(UserError);
    expect(e.command).toBe('terraform plan -input=false');
    expect(e.terraformExitCode).toBe(1);
    expect(e.outputTail).toEqual(['Error: boom', 'details ***']);
    expect(e.message).toContain('Error: boom');
    expect(e.hint).toBe('a hint');
  });
});

describe('transient provider connection errors', () => {
  it('recognises sarama\'s "broker not connected" only', async () => {
    const { isTransientProviderError } = await import('../../src/deploy/terraform-runner.js');
    expect(isTransientProviderError(['Error: kafka: broker not connected', '  with kafka_acl.acl_1'])).toBe(true);
    expect(isTransientProviderError(['Error: kafka server: Topic with this name already exists'])).toBe(false);
    expect(isTransientProviderError([])).toBe(false);
  });
});
