import { kitTestConfig } from '@kling-kit/vitest-setup/config';

// Each test spawns a third-party client (an MCP server, a CLI) as a Node child process.
export default kitTestConfig({ test: { testTimeout: 30_000, hookTimeout: 30_000 } });
