import { kitTestConfig } from '@kling-kit/vitest-setup/config';

// The end-to-end tests spawn the built `kling` against a real kling-mock; a batch test runs ~15 s.
export default kitTestConfig({ test: { testTimeout: 60_000, hookTimeout: 30_000 } });
