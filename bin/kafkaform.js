#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build` and by `prepack`, so an installed package
// always has it). Only a repository checkout runs the TypeScript sources through tsx, a
// devDependency: when dist/ is missing or KAFKAFORM_FROM_SOURCE=1.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
const source = join(root, 'src', 'cli', 'main.ts');
const fromSource = Boolean(process.env.KAFKAFORM_FROM_SOURCE) || !existsSync(compiled);
let mod;
if (!fromSource) {
  mod = await import(pathToFileURL(compiled).href);
} else if (existsSync(source)) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    console.error('error: kafkaform runs from its TypeScript sources here, which needs tsx\nhint: run `npm install` in the kafkaform repository, or `npm run build`');
    process.exit(1);
  }
  mod = await import(pathToFileURL(source).href);
} else {
  console.error(`error: this kafkaform install has no compiled CLI (${compiled} is missing)\nhint: reinstall the package: npm install kafkaform`);
  process.exit(1);
}
process.exitCode = await mod.main(process.argv.slice(2));
