/**
 * `@kling-kit/contract/models`: one definition per Kling model (catalog entry + request validator),
 * so an app that validates one model bundles that model's checks only. The catalog alone (no
 * validators) is `models` in the main entry.
 */
export * from './generated/definitions';
export type { ModelDefinition } from './model-definition';
