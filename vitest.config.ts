import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // A timeout is not a speed check (benchmarks are): the first test of a file pays for importing
          // the CLI, which takes seconds on a loaded 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          tags: [
            { name: 'kafkajs-compat', description: 'what kafkajs can do against a real broker (the README table)' },
            { name: 'cdktf-cli', description: 'the stock CDKTF CLI (about 420 MB, installed once into the cache) in a new user project' },
          ],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // Real brokers and terraform on a 2-core machine: one file at a time.
          fileParallelism: false,
          pool: 'forks',
        },
      },
    ],
  },
});
