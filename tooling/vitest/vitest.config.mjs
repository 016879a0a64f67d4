import { kitTestConfig } from './config.mjs';

export default kitTestConfig({ test: { include: ['test/**/*.test.mjs'] } });
