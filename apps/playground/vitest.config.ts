import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  test: {
    // Every test runs under the loopback-only guard (tooling/vitest): no traffic leaves 127.0.0.0/8 and ::1.
    setupFiles: ['@kling-kit/vitest-setup/setup'],
    // Component tests opt into happy-dom with a docblock; the e2e runs in node and drives Chromium.
    include: ['test/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    testTimeout: 20_000,
  },
});
