import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireFileLock } from '../os/file-lock.js';
import { runCommandSettled } from '../os/run-command.js';
import { cacheDir } from '../toolchain/paths.js';
import { UserError } from '../errors.js';
import { noProgress, type Progress } from '../progress.js';

/**
 * Newest Apache Kafka 4.x release that resolves completely on Maven Central (checked 2026-11-21 with
 * `mvn dependency:get …:RELEASE`). Central's metadata already lists kafka_2.13 4.4.0, but its
 * runtime dependencies kafka-tools / kafka-tools-api 4.4.0 are not published, so 4.4.0 cannot run.
 * KAFKAFORM_KAFKA_VERSION or the option overrides.
 */
export const DEFAULT_KAFKA_VERSION = '4.3.1';

/** The 3.x line that is still common in production; its jars need an explicit logging binding. */
export const KAFKA_3_VERSION = '3.9.1';

/** A pinned plugin, so the result does not depend on Maven's super-POM default (2.8, which is ancient). */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

const LOG4J2_VERSION = '2.25.4';
const MARKER = '.complete';
const VERSION_PATTERN = /^\d+\.\d+\.\d+(?:[-.][0-9A-Za-z.-]+)?$/;

export interface KafkaJars {
  version: string;
  /** Directory holding every jar a broker, the storage tool and the perf tools need (`-cp '<libDir>/*'`). */
  libDir: string;
}

export interface EnsureKafkaJarsOptions {
  version?: string;
  onProgress?: Progress;
  env?: NodeJS.ProcessEnv;
}

/** The Kafka version to use: the option, else KAFKAFORM_KAFKA_VERSION, else DEFAULT_KAFKA_VERSION. */
export function resolveKafkaVersion(version?: string, env: NodeJS.ProcessEnv = process.env): string {
  // Empty strings (an unset CLI flag, `KAFKAFORM_KAFKA_VERSION=`) mean "not chosen".
  const chosen = version || env.KAFKAFORM_KAFKA_VERSION || DEFAULT_KAFKA_VERSION;
  if (!VERSION_PATTERN.test(chosen)) {
    throw new UserError(
      `Invalid Kafka version '${chosen}'.`,
      `Use a release number such as ${DEFAULT_KAFKA_VERSION} or ${KAFKA_3_VERSION} (option or KAFKAFORM_KAFKA_VERSION).`,
    );
  }
  return chosen;
}

/** The major version of a Kafka release ('3.9.1' → 3). */
export function kafkaMajor(version: string): number {
  return Number.parseInt(version.split('.')[0] ?? '0', 10);
}

/** The java executable: KAFKAFORM_JAVA, else $JAVA_HOME/bin/java, else `java` on PATH. */
export function javaExecutable(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KAFKAFORM_JAVA) return env.KAFKAFORM_JAVA;
  if (env.JAVA_HOME && existsSync(join(env.JAVA_HOME, 'bin', 'java'))) return join(env.JAVA_HOME, 'bin', 'java');
  return 'java';
}

/** Fails with a UserError unless a Java runtime that can run Kafka (17+) is available. */
export function assertJava(env: NodeJS.ProcessEnv = process.env): string {
  const java = javaExecutable(env);
  const result = spawnSync(java, ['-version'], { encoding: 'utf8', env });
  if (result.error || result.status !== 0) {
    throw new UserError(
      `Java is required to run a local Kafka broker, but '${java} -version' failed` +
        (result.error ? `: ${result.error.message}` : '.'),
      'Install a Java 17+ runtime (e.g. `apt-get install openjdk-17-jre-headless`) or set JAVA_HOME / KAFKAFORM_JAVA.',
    );
  }
  const banner = `${result.stderr}${result.stdout}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(banner);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : undefined;
  if (major !== undefined && major < 17) {
    throw new UserError(
      `Kafka needs Java 17 or newer, but '${java}' is Java ${major}.`,
      'Install a Java 17+ runtime or point JAVA_HOME / KAFKAFORM_JAVA at one.',
    );
  }
  return java;
}

function assertMaven(): void {
  const result = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new UserError(
      "Maven ('mvn') is required to fetch the Kafka jars from Maven Central, but it was not found or failed to run.",
      'Install Maven (e.g. `apt-get install maven`), or pre-populate the cache directory with the jars.',
    );
  }
}

/** A minimal POM whose runtime dependencies are exactly the jars a broker and the perf tools need. */
export function renderKafkaPom(version: string): string {
  const deps: Array<[string, string, string]> = [
    ['org.apache.kafka', 'kafka_2.13', version],
    // ProducerPerformance / ConsumerPerformance: the load-test reference.
    ['org.apache.kafka', 'kafka-tools', version],
  ];
  // The published POMs depend on the slf4j 1.7 API only (the binding is added by the tarball's
  // build, not by Maven), so without one of these the broker logs nothing at all.
  if (kafkaMajor(version) < 4) {
    deps.push(['org.slf4j', 'slf4j-reload4j', '1.7.36'], ['ch.qos.reload4j', 'reload4j', '1.2.25']);
  } else {
    // What the 4.x distribution ships: log4j2 behind slf4j 1.7. Pinned together so api/core/binding match.
    deps.push(
      ['org.apache.logging.log4j', 'log4j-api', LOG4J2_VERSION],
      ['org.apache.logging.log4j', 'log4j-core', LOG4J2_VERSION],
      ['org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J2_VERSION],
    );
  }
  const depXml = deps
    .map(
      ([g, a, v]) =>
        `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.kafkaform</groupId>
  <artifactId>kafka-dist</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
${depXml}
  </dependencies>
</project>
`;
}

/** True when the jars for this version were fetched completely (the marker is written last). */
export function kafkaJarsPresent(version: string, root: string = cacheDir()): boolean {
  const dir = join(root, 'kafka', version);
  return existsSync(join(dir, MARKER)) && existsSync(join(dir, 'lib'));
}

/** Fetches (once) the Kafka broker + tools jars for a version into the cache and returns where they are. */
export async function ensureKafkaJars(opts: EnsureKafkaJarsOptions = {}): Promise<KafkaJars> {
  const env = opts.env ?? process.env;
  const progress = opts.onProgress ?? noProgress;
  const version = resolveKafkaVersion(opts.version, env);
  const dir = join(cacheDir(env), 'kafka', version);
  const libDir = join(dir, 'lib');
  if (kafkaJarsPresent(version, cacheDir(env))) return { version, libDir };

  const release = await acquireFileLock(join(dir, '.lock'), `fetching Kafka ${version} jars`, { onProgress: progress });
  try {
    // Another process may have finished the download while we waited for the lock.
    if (kafkaJarsPresent(version, cacheDir(env))) return { version, libDir };
    assertJava(env);
    assertMaven();
    // No marker: whatever is in lib/ is a half-finished download; start over.
    rmSync(libDir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const pom = join(dir, 'pom.xml');
    writeFileSync(pom, renderKafkaPom(version));
    progress(`Fetching Apache Kafka ${version} jars from Maven Central (mvn dependency:copy-dependencies)…`);
    const started = Date.now();
    const args = [
      '-B',
      '-q',
      // Retry what an earlier attempt failed to resolve (Maven otherwise caches the failure for a day).
      '-U',
      '-f',
      pom,
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      `-DoutputDirectory=${libDir}`,
      '-DincludeScope=runtime',
    ];
    const r = await runCommandSettled('mvn', args, { cwd: dir });
    const code = r.exitCode;
    if (code !== 0) {
      rmSync(libDir, { recursive: true, force: true });
      // Maven's boilerplate ("re-run with -e", help links) says nothing about the cause.
      const tail = r.tail
        .map(stripAnsi)
        .filter((l) => l.trim() !== '' && !/^\[ERROR\]\s*$|re-run Maven|-e switch|-X switch|For more information|cwiki\.apache\.org|^\[ERROR\] \[Help/.test(l))
        .slice(-12)
        .join('\n');
      throw new UserError(
        `Could not download Apache Kafka ${version} with Maven (exit code ${code}).\n${tail}`,
        `Check that Maven Central is reachable and that ${version} is a released Kafka version` +
          ` (set KAFKAFORM_KAFKA_VERSION or --kafka-version to another one).`,
      );
    }
    const jars = existsSync(libDir) ? readdirSync(libDir).filter((f) => f.endsWith('.jar')) : [];
    if (!jars.some((f) => f.startsWith('kafka_2.13-')) || !jars.some((f) => f.startsWith('kafka-tools-'))) {
      rmSync(libDir, { recursive: true, force: true });
      throw new UserError(
        `Maven finished but the Kafka ${version} jars are missing from ${libDir}.`,
        'Retry; if it persists, remove the directory and check ~/.m2/settings.xml for mirrors that filter artifacts.',
      );
    }
    writeFileSync(
      join(dir, MARKER),
      JSON.stringify({ version, jars: jars.length, fetchedAt: new Date().toISOString() }, null, 2) + '\n',
    );
    progress(`Fetched ${jars.length} jars for Kafka ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return { version, libDir };
  } finally {
    release();
  }
}

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is exactly what ANSI colour codes start with
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
