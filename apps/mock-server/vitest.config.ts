import { kitTestConfig } from '@kling-kit/vitest-setup/config';

export default kitTestConfig({ test: { testTimeout: 20_000 } });
