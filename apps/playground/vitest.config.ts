import { kitTestConfig } from '@kling-kit/vitest-setup/config';
import react from '@vitejs/plugin-react';

export default kitTestConfig({
  plugins: [react()],
  test: {
    // Component tests opt into happy-dom with a docblock; the e2e runs in node and drives Chromium.
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 20_000,
  },
});
