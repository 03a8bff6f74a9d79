import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real servers on loopback; two workers fit a 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
