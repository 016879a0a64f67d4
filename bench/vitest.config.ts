import { kitTestConfig } from '@kling-kit/vitest-setup/config';

export default kitTestConfig({ test: { testTimeout: 60_000, restoreMocks: false } });
