import { kitTestConfig, typeTests } from '@kling-kit/vitest-setup/config';

export default kitTestConfig({ test: { typecheck: typeTests } });
