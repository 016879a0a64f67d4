/**
 * The vitest configuration every package starts from: tests under `test/`, mocks restored after
 * each test, and the loopback-only guard (`setup.mjs`). A package adds only what is its own:
 *
 * ```ts
 * import { kitTestConfig } from '@kling-kit/vitest-setup/config';
 * export default kitTestConfig({ test: { testTimeout: 20_000 } });
 * ```
 */
import { fileURLToPath, URL as NodeURL } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';

const setup = fileURLToPath(new NodeURL('./setup.mjs', import.meta.url));

/** The shared base. */
export const baseTestConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    restoreMocks: true,
    // Every test runs under the loopback-only guard: no traffic leaves 127.0.0.0/8 and ::1.
    setupFiles: [setup],
  },
});

/** Type tests (`*.test-d.ts`) checked against the package's own tsconfig. */
export const typeTests = { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' };

/** The base merged with a package's own settings (arrays such as `include` are replaced, not appended). */
export function kitTestConfig(overrides = {}) {
  return mergeConfig(baseTestConfig, overrides, false);
}
