/**
 * CDKTF composition root (cdktf.json's app): read topics.yaml, one stack per environment, synth.
 * No logic here; `kafkaform synth` does the same through src/cli. It imports the library's one
 * entry point, as a team's stacks/main.ts (written by `kafkaform init`) imports 'kafkaform'.
 */
import { synthFromFile } from '../src/index.js';

const file = process.env.KAFKAFORM_FILE ?? 'topics.yaml';
const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
synthFromFile({ file, outdir, environments: process.env.KAFKAFORM_ENV ? [process.env.KAFKAFORM_ENV] : undefined });
