import { kitTestConfig } from '@kling-kit/vitest-setup/config';

// Each test file starts its own redis-server; the multi-process ones run against kie.ai's real limits.
export default kitTestConfig({ test: { testTimeout: 60_000, hookTimeout: 30_000 } });
