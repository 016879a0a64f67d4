import type { UserConfig } from 'vitest/config';

/** The shared base. */
export declare const baseTestConfig: UserConfig;
/** Type tests (`*.test-d.ts`) checked against the package's own tsconfig. */
export declare const typeTests: { enabled: true; include: string[]; tsconfig: string };
/** The base merged with a package's own settings. */
export declare function kitTestConfig(overrides?: UserConfig): UserConfig;
