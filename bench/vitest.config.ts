import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Every test runs under the loopback-only guard (tooling/vitest): no traffic leaves 127.0.0.0/8 and ::1.
    setupFiles: ['@kling-kit/vitest-setup/setup'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
