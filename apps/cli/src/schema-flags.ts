/**
 * The command-line flags of a model, read from its input schema in the spec (the catalog entry's
 * `inputSchema`), so a model added to the spec needs no CLI code. Each input property is a flag named
 * in kebab-case (`negative_prompt` → `--negative-prompt`); a URL input also answers to its name
 * without `_url`/`_urls` (`image_url` → `--image`, `tail_image_url` → `--tail-image`, `image_urls` →
 * `--image`, repeatable). Booleans are `--sound` / `--no-sound`, numbers and integers are parsed
 * (`--duration 10` is `"10"` for a model whose duration is a string, `10` for an Omni model), arrays
 * of plain values repeat the flag, and arrays of objects (`multi_prompt`) take JSON.
 */
import { type JsonSchema, type ModelFacts, spec } from '@kling-kit/contract';

const schemas = spec.components.schemas as unknown as Readonly<Record<string, JsonSchema>>;

/** How a flag's text becomes an input value. */
export type FlagKind = 'string' | 'number' | 'boolean' | 'list' | 'json';

/** One input of a model, as a flag. */
export interface InputFlag {
  /** The input property (`image_url`). */
  readonly property: string;
  /** The flag's name without dashes (`image-url`; `input-<name>` if it would clash with a command flag). */
  readonly name: string;
  /** A shorter name for a URL input (`image`), when it clashes with nothing. */
  readonly alias?: string;
  readonly kind: FlagKind;
  /** Whether the value (or each item) is a URL, so a local path is uploaded in its place. */
  readonly url: boolean;
  /** The value is an array: the flag may be repeated (lists, and JSON arrays of objects). */
  readonly array: boolean;
  /** The list's items are numbers (a `list` of integers). */
  readonly numericItems?: boolean;
  /** The allowed values, when the schema enumerates them. */
  readonly choices?: readonly unknown[];
  /** Required in every form of the input. */
  readonly required: boolean;
  /** kie.ai's default when the input is omitted (schema or catalog). */
  readonly default?: unknown;
  /** The schema's description, first sentence. */
  readonly description: string;
  /** What a URL input accepts (`x-accepted-media-types`), for checking a local file first. */
  readonly mediaTypes?: readonly string[];
  /** The largest file a URL input accepts (`x-max-file-bytes`). */
  readonly maxBytes?: number;
}

/** Flags of the commands themselves: an input with one of these names gets `--input-<name>`. */
export const RESERVED_FLAGS: ReadonlySet<string> = new Set([
  'model',
  'out',
  'out-dir',
  'json',
  'quiet',
  'api-key',
  'base-url',
  'mock',
  'callback-url',
  'timeout',
  'color',
  'help',
  'version',
  'concurrency',
  'retry-unknown',
  'retry-failed',
  'id',
]);

/** A schema with its `$ref` followed (sibling keywords such as `default` kept over the target's). */
export function deref(schema: JsonSchema | undefined): JsonSchema {
  let current: JsonSchema = schema ?? {};
  for (let depth = 0; typeof current.$ref === 'string' && depth < 16; depth++) {
    const { $ref, ...siblings } = current;
    const target = schemas[($ref as string).replace('#/components/schemas/', '')];
    if (!target) {
      throw new Error(`The spec has no schema ${String($ref)}`);
    }
    current = { ...target, ...siblings };
  }
  return current;
}

const list = (value: unknown): JsonSchema[] => (Array.isArray(value) ? (value as JsonSchema[]) : []);
/** The alternatives and parts a schema is made of (not `not`/`if`/`then`: those only restate rules). */
const parts = (schema: JsonSchema) => [...list(schema.allOf), ...list(schema.oneOf), ...list(schema.anyOf)];

/** Every property of an object schema, over all its forms: name → the schemas that declare it. */
export function propertiesOf(
  schema: JsonSchema,
  into = new Map<string, JsonSchema[]>(),
): Map<string, JsonSchema[]> {
  const resolved = deref(schema);
  for (const [name, property] of Object.entries((resolved.properties ?? {}) as Record<string, JsonSchema>)) {
    into.set(name, [...(into.get(name) ?? []), property]);
  }
  for (const part of parts(resolved)) {
    propertiesOf(part, into);
  }
  return into;
}

/** The properties every form of the schema requires. */
function requiredOf(schema: JsonSchema): Set<string> {
  const resolved = deref(schema);
  const required = new Set(list(resolved.required) as unknown as string[]);
  for (const part of list(resolved.allOf)) {
    for (const name of requiredOf(part)) {
      required.add(name);
    }
  }
  const alternatives = list(resolved.oneOf ?? resolved.anyOf);
  if (alternatives.length > 0) {
    const [first, ...rest] = alternatives.map(requiredOf);
    for (const name of first ?? []) {
      if (rest.every((set) => set.has(name))) {
        required.add(name);
      }
    }
  }
  return required;
}

const jsonType = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : Number.isInteger(value)
        ? 'integer'
        : typeof value;

/** The JSON types a schema allows. */
function typesOf(schema: JsonSchema): Set<string> {
  const resolved = deref(schema);
  const types = new Set<string>();
  const type = resolved.type;
  for (const name of Array.isArray(type) ? type : type === undefined ? [] : [type]) {
    types.add(String(name));
  }
  if (types.size === 0 && 'const' in resolved) {
    types.add(jsonType(resolved.const));
  }
  if (types.size === 0 && Array.isArray(resolved.enum)) {
    for (const value of resolved.enum) {
      types.add(jsonType(value));
    }
  }
  for (const part of parts(resolved)) {
    for (const name of typesOf(part)) {
      types.add(name);
    }
  }
  return types;
}

/** The values a schema enumerates, or undefined when any of its forms takes more than a list. */
function choicesOf(schema: JsonSchema): unknown[] | undefined {
  const resolved = deref(schema);
  const alternatives = parts(resolved);
  if (Array.isArray(resolved.enum)) {
    return [...resolved.enum];
  }
  if ('const' in resolved) {
    return [resolved.const];
  }
  if (alternatives.length === 0) {
    return undefined;
  }
  const all = alternatives.map(choicesOf);
  return all.every((choices) => choices !== undefined) ? [...new Set(all.flat())] : undefined;
}

/** The URL schema a value must match (a string with `format: uri`, through `$ref`/`anyOf`), if any. */
export function urlSchemaOf(schema: JsonSchema): JsonSchema | undefined {
  const resolved = deref(schema);
  if (resolved.format === 'uri') {
    return resolved;
  }
  for (const part of parts(resolved)) {
    const found = urlSchemaOf(part);
    if (found) {
      return found;
    }
  }
  return undefined;
}

/** The schema of an array's items, when the schema is an array. */
export function itemsOf(schema: JsonSchema): JsonSchema | undefined {
  const resolved = deref(schema);
  if (resolved.items) {
    return resolved.items as JsonSchema;
  }
  for (const part of parts(resolved)) {
    const found = itemsOf(part);
    if (found) {
      return found;
    }
  }
  return undefined;
}

/** The first sentence of a description, without its asides (parentheses, what follows a colon). */
const firstSentence = (text: unknown): string => {
  const flat = String(text ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\s*\([^)]*\)/g, '')
    .replace(/`/g, '')
    .trim();
  const end = flat.search(/[.:;](\s|$)/);
  return (end < 0 ? flat : flat.slice(0, end)).replace(/[.,]$/, '');
};

const kebab = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();

function flagOf(property: string, declared: readonly JsonSchema[], required: boolean, facts: ModelFacts) {
  const types = new Set(declared.flatMap((schema) => [...typesOf(schema)]));
  const items = declared.map(itemsOf).find((schema) => schema !== undefined);
  const itemTypes = items ? typesOf(items) : new Set<string>();
  const url = declared.some((schema) => urlSchemaOf(schema) ?? (items ? urlSchemaOf(items) : undefined));
  const kind: FlagKind = types.has('array')
    ? [...itemTypes].every((type) => ['string', 'integer', 'number'].includes(type))
      ? 'list'
      : 'json'
    : types.has('object')
      ? 'json'
      : types.size > 0 && [...types].every((type) => type === 'boolean')
        ? 'boolean'
        : !types.has('string') && (types.has('integer') || types.has('number'))
          ? 'number'
          : 'string';
  const all = declared.map(choicesOf);
  const choices = all.every((values) => values !== undefined) ? [...new Set(all.flat())] : undefined;
  const urlSchema = declared
    .map((schema) => urlSchemaOf(schema) ?? (items && urlSchemaOf(items)))
    .find(Boolean);
  const resolved = declared.map(deref);
  const fallback = resolved.find((schema) => 'default' in schema)?.default;
  const description = resolved.map((schema) => schema.description).find(Boolean) ?? urlSchema?.description;
  return {
    property,
    kind,
    url: Boolean(url),
    array: types.has('array'),
    ...(kind === 'list' && !itemTypes.has('string') ? { numericItems: true } : {}),
    ...(choices && kind !== 'boolean' && choices.length > 0 ? { choices } : {}),
    required,
    ...(property in facts.defaults
      ? { default: facts.defaults[property] }
      : fallback !== undefined
        ? { default: fallback }
        : {}),
    description: firstSentence(description),
    ...(Array.isArray(urlSchema?.['x-accepted-media-types'])
      ? { mediaTypes: urlSchema['x-accepted-media-types'] as string[] }
      : {}),
    ...(typeof urlSchema?.['x-max-file-bytes'] === 'number'
      ? { maxBytes: urlSchema['x-max-file-bytes'] as number }
      : {}),
  };
}

/** The input flags of a model, in the schema's order. */
export function inputFlagsOf(facts: ModelFacts): InputFlag[] {
  const input = schemas[facts.inputSchema];
  if (!input) {
    throw new Error(`The spec has no input schema ${facts.inputSchema} for ${facts.id}`);
  }
  const required = requiredOf(input);
  const flags = [...propertiesOf(input)].map(([property, declared]) => {
    const name = kebab(property);
    return {
      ...flagOf(property, declared, required.has(property), facts),
      name: RESERVED_FLAGS.has(name) ? `input-${name}` : name,
    };
  });
  // A URL input's short name (`--image`), unless another flag has that name or another input wants it.
  const taken = new Set([...RESERVED_FLAGS, ...flags.map((flag) => flag.name)]);
  const wanted = new Map<string, number>();
  const shortOf = (flag: InputFlag) => (flag.url ? flag.name.replace(/-urls?$/, '') : flag.name);
  for (const flag of flags) {
    wanted.set(shortOf(flag), (wanted.get(shortOf(flag)) ?? 0) + 1);
  }
  return flags.map((flag) => {
    const alias = shortOf(flag);
    return alias !== flag.name && alias !== '' && !taken.has(alias) && wanted.get(alias) === 1
      ? { ...flag, alias }
      : flag;
  });
}

/** Looks an input up by property, flag name or alias (for the fields of a batch line). */
export function flagIndex(flags: readonly InputFlag[]): Map<string, InputFlag> {
  const index = new Map<string, InputFlag>();
  for (const flag of flags) {
    for (const key of [flag.property, flag.name, flag.alias]) {
      if (key && !index.has(key)) {
        index.set(key, flag);
      }
    }
  }
  return index;
}
