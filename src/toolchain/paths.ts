import { homedir } from 'node:os';
import { join } from 'node:path';

/** Root of kafkaform's cache (jars, provider mirror, dev cluster data); KAFKAFORM_CACHE_DIR overrides. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KAFKAFORM_CACHE_DIR) return env.KAFKAFORM_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.length > 0 ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(xdg, 'kafkaform');
}
