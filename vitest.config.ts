import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real servers on loopback; two workers fit a 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
    // Starting a process needs the `system` tag; `npm run test:unit` leaves those tests out.
    setupFiles: ['test/helpers/tiers.ts'],
    tags: [
      {
        name: 'system',
        description:
          'starts a process (the built CLI, npm, promtool, Prometheus, Chromium); not in test:unit',
      },
    ],
  },
});
