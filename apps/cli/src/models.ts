/** Every model definition of `@kling-kit/client/models` (catalog entry + checks), by id and alias. */
import * as definitions from '@kling-kit/client/models';
import type { ModelDefinition } from '@kling-kit/contract/models';

/** The definitions, each under its id and its deprecated aliases. */
export const models: ReadonlyMap<string, ModelDefinition> = new Map(
  (Object.values(definitions) as unknown[])
    .filter(
      (value): value is ModelDefinition =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as Partial<ModelDefinition>).validate === 'function' &&
        typeof (value as Partial<ModelDefinition>).id === 'string',
    )
    .flatMap((definition) => [definition.id, ...definition.aliases].map((id) => [id, definition] as const)),
);
