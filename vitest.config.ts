import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globals: false,
    include: ['test/**/*.test.ts'],
    // Finds (or starts) PostgreSQL and Redis and checks Chromium before any test file runs.
    globalSetup: ['test/support/global-setup.ts'],
    // Each file gets its own database and Redis prefix, so files run in parallel safely.
    pool: 'forks',
    maxWorkers: 2,
    // Generous: an end-to-end test makes a score of round trips to a bot on two shared cores,
    // and a CI machine under its neighbours' load can take several times as long as a quiet one.
    // A test that hangs still fails; only the wait for it is longer.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
