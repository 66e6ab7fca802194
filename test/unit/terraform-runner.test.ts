import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionStringSecrets, lockTimeout, runTerraform, scrubSecrets, terraformPlan } from '../../src/deploy/terraform-runner.js';
import { describeStateLock, parseStateLock } from '../../src/deploy/state-lock.js';
import { recoverInterruptedLocalState } from '../../src/deploy/state-recovery.js';
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

describe('topics that already exist', () => {
  it('names the topic of each already-exists error, from the error\'s own "with" line', async () => {
    const { topicsThatAlreadyExist } = await import('../../src/deploy/terraform-runner.js');
    const tail = [
      'Error: kafka server: Topic with this name already exists',
      '',
      '  with kafka_topic.topic_a,',
      '  on cdk.tf.json line 3, in resource.kafka_topic.topic_a:',
      'Error: kafka: broker not connected',
      '  with kafka_topic.topic_b,',
      'Error: kafka server: Topic with this name already exists',
      '  with kafka_topic.topic_c,',
    ];
    expect(topicsThatAlreadyExist(tail)).toEqual(['kafka_topic.topic_a', 'kafka_topic.topic_c']);
    expect(topicsThatAlreadyExist(['Error: kafka server: Topic with this name already exists'])).toEqual([]);
  });
});

describe('state locks', () => {
  // What terraform 1.11.4 prints when the local state is locked by a running apply.
  const localLock = [
    'Acquiring state lock. This may take a few moments...',
    '',
    'Error: Error acquiring the state lock',
    '',
    'Error message: resource temporarily unavailable',
    'Lock Info:',
    '  ID:        f23e6078-adb9-ca59-1b5c-1c943ad40342',
    '  Path:      terraform.tfstate',
    '  Operation: OperationTypeApply',
    '  Who:       ci@runner-7',
    '  Version:   1.11.4',
    '  Created:   2026-12-01 10:35:27.179348676 +0000 UTC',
    '  Info:      ',
    '',
    'Terraform acquires a state lock to protect the state from being written',
  ];

  it('parses the Lock Info block; other output is not a lock error', () => {
    expect(parseStateLock(localLock)).toEqual({
      id: 'f23e6078-adb9-ca59-1b5c-1c943ad40342',
      path: 'terraform.tfstate',
      operation: 'apply',
      who: 'ci@runner-7',
      created: '2026-12-01 10:35:27.179348676 +0000 UTC',
      reason: 'resource temporarily unavailable',
    });
    expect(parseStateLock(['Error: kafka server: Topic with this name already exists'])).toBeUndefined();
  });

  it('names the lock and what releases it, per backend', () => {
    const lock = parseStateLock(localLock)!;
    const local = describeStateLock(lock, 'local', '/p/cdktf.out/stacks/dev', '30s');
    expect(local.message).toBe('the Terraform state terraform.tfstate is locked by another terraform run (apply by ci@runner-7 since 2026-12-01 10:35:27.179348676 +0000 UTC, lock ID f23e6078-adb9-ca59-1b5c-1c943ad40342); waited 30s');
    expect(local.hint).toMatch(/ends with its process, even a killed one/);
    const s3 = describeStateLock(lock, 's3', '/p/cdktf.out/stacks/dev', '30s');
    expect(s3.hint).toContain('`terraform force-unlock -force f23e6078-adb9-ca59-1b5c-1c943ad40342` run in /p/cdktf.out/stacks/dev');
    const pg = describeStateLock({ ...lock, path: '' }, 'pg', '/p', '5s');
    expect(pg.message).toBe('the Terraform state in PostgreSQL (the stack\'s schema) is locked by another terraform session; waited 5s');
    expect(pg.hint).toMatch(/pg_terminate_backend/);
  });

  it('a plan stopped by a lock fails with that message instead of terraform\'s whole tail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkaform-lock-'));
    try {
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { pg: {} } } }));
      const script = join(dir, 'terraform');
      writeFileSync(script, `#!/bin/sh\ncat >&2 <<'X'\n${localLock.join('\n')}\nX\nexit 1\n`, { mode: 0o755 });
      const tc = { terraform: { path: script, flavor: 'terraform' as const, version: '1.11.4', platform: 'linux_amd64', supportsWriteOnly: true }, env: {} };
      const err = await terraformPlan(dir, tc, { env: { KAFKAFORM_LOCK_TIMEOUT: '2s' } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TerraformError);
      expect((err as TerraformError).command).toContain('-lock-timeout=2s');
      expect((err as TerraformError).outputTail).toEqual(['the Terraform state in PostgreSQL (the stack\'s schema) is locked by another terraform session; waited 2s']);
      expect((err as TerraformError).hint).toMatch(/advisory lock/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('KAFKAFORM_LOCK_TIMEOUT: terraform durations only', () => {
    expect(lockTimeout({})).toBe('30s');
    expect(lockTimeout({ KAFKAFORM_LOCK_TIMEOUT: '5m' })).toBe('5m');
    expect(() => lockTimeout({ KAFKAFORM_LOCK_TIMEOUT: 'soon' })).toThrow(/not a duration/);
  });
});

describe('the pg connection string is a secret', () => {
  it('scrubs the whole string and the password inside it (URL or key=value)', () => {
    expect(connectionStringSecrets(undefined)).toEqual([]);
    expect(connectionStringSecrets('postgres://ci:p%40ss@db:5432/tf')).toEqual(['postgres://ci:p%40ss@db:5432/tf', 'p%40ss', 'p@ss']);
    expect(connectionStringSecrets("host=db user=ci password='s3 cret' dbname=tf")).toContain('s3 cret');
    expect(connectionStringSecrets('postgres://db/tf')).toEqual(['postgres://db/tf']);
  });
});

describe('signals while terraform runs', () => {
  it('a SIGTERM to kafkaform goes to terraform once; kafkaform waits for it and then says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkaform-sig-'));
    try {
      // Stands in for terraform: on TERM it "saves the state" and exits, as terraform does.
      const script = join(dir, 'terraform');
      writeFileSync(script, `#!/bin/sh\ntrap 'echo saved > "${dir}/saved"; exit 1' TERM\necho ready\nwhile :; do sleep 0.05; done\n`, { mode: 0o755 });
      const tc = { terraform: { path: script, flavor: 'terraform' as const, version: '1.11.4', platform: 'linux_amd64', supportsWriteOnly: true }, env: {} };
      const before = process.listenerCount('SIGTERM');
      let pid = 0;
      const run = runTerraform(dir, tc, ['apply'], {
        onSpawn: (p) => {
          pid = p;
        },
        onOutput: (line) => {
          if (line === 'ready') process.emit('SIGTERM', 'SIGTERM');
        },
      });
      await expect(run).rejects.toThrow(/stopped by SIGTERM: `terraform apply` was interrupted and has ended \(exit code 1\)/);
      expect(pid).toBeGreaterThan(0);
      expect(readFileSync(join(dir, 'saved'), 'utf8')).toBe('saved\n');
      expect(process.listenerCount('SIGTERM')).toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});

describe('recoverInterruptedLocalState', () => {
  const state = (serial: number) => JSON.stringify({ version: 4, serial, lineage: 'l', resources: [] });
  const stack = () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkaform-recover-'));
    mkdirSync(join(dir, 'stack'));
    writeFileSync(join(dir, 'stack', 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: '../terraform.dev.tfstate' } } } }));
    return { dir, stackDir: join(dir, 'stack'), path: join(dir, 'terraform.dev.tfstate') };
  };
  it('leaves a whole state, a missing one and an empty one without backup alone', () => {
    const s = stack();
    try {
      expect(recoverInterruptedLocalState(s.stackDir)).toBeUndefined();
      writeFileSync(s.path, '');
      expect(recoverInterruptedLocalState(s.stackDir)).toBeUndefined();
      writeFileSync(s.path, state(7));
      writeFileSync(`${s.path}.backup`, state(3));
      expect(recoverInterruptedLocalState(s.stackDir)).toBeUndefined();
      expect(readFileSync(s.path, 'utf8')).toBe(state(7));
    } finally {
      rmSync(s.dir, { recursive: true, force: true });
    }
  });
  it("an emptied state gets terraform's backup back; a cut-short one is kept aside", () => {
    const s = stack();
    try {
      writeFileSync(`${s.path}.backup`, state(3));
      writeFileSync(s.path, '');
      expect(recoverInterruptedLocalState(s.stackDir)?.message).toMatch(/was empty \(an interrupted terraform\); restored terraform's backup \(serial 3\)/);
      expect(readFileSync(s.path, 'utf8')).toBe(state(3));
      writeFileSync(s.path, state(9).slice(0, 20));
      const r = recoverInterruptedLocalState(s.stackDir, new Date('2026-12-01T10:00:00Z'));
      expect(r?.message).toMatch(/was cut short .*the broken file is .*interrupted-2026-12-01T10-00-00-000Z/);
      expect(readFileSync(s.path, 'utf8')).toBe(state(3));
      expect(readFileSync(`${s.path}.interrupted-2026-12-01T10-00-00-000Z`, 'utf8')).toBe(state(9).slice(0, 20));
    } finally {
      rmSync(s.dir, { recursive: true, force: true });
    }
  });
  it('a cut-short state without backup is moved aside; other backends are not touched', () => {
    const s = stack();
    try {
      writeFileSync(s.path, '{"version": 4, "ser');
      expect(recoverInterruptedLocalState(s.stackDir)?.message).toMatch(/has no backup: moved it to/);
      expect(existsSync(s.path)).toBe(false);
      writeFileSync(join(s.stackDir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { pg: {} } } }));
      writeFileSync(s.path, '');
      expect(recoverInterruptedLocalState(s.stackDir)).toBeUndefined();
    } finally {
      rmSync(s.dir, { recursive: true, force: true });
    }
  });
});
