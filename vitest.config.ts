import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
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
