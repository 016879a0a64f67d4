/**
 * A create request from what the user gave: the flags of `generate` or the fields of a batch line,
 * turned into the model's input (values typed as its schema wants), then checked with the model's own
 * validator, the checks (and messages) kie.ai's mock uses, before anything is uploaded or sent.
 */
import { type JsonSchema, type ModelFacts, spec } from '@kling-kit/contract';
import type { ModelDefinition } from '@kling-kit/contract/models';
import { usageError } from './errors';
import { type InputFlag, inputFlagsOf, itemsOf, propertiesOf, urlSchemaOf } from './schema-flags';

/** A createTask body. */
export interface CreateRequest {
  model: string;
  callBackUrl?: string;
  input: Record<string, unknown>;
}

const schemas = spec.components.schemas as unknown as Readonly<Record<string, JsonSchema>>;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function coerceScalar(value: unknown, numeric: boolean): unknown {
  if (numeric) {
    return typeof value === 'string' && NUMBER.test(value.trim()) ? Number(value) : value;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

/**
 * A value typed as the input wants it: `"10"` for a string duration and `10` for an integer one,
 * `true` for `"true"`, a list from one value, JSON text parsed. A value that cannot be typed is kept
 * as it is, so the validator reports it with kie.ai's message.
 */
export function coerce(flag: InputFlag, value: unknown): unknown {
  switch (flag.kind) {
    case 'number':
      return coerceScalar(value, true);
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'list':
      return (Array.isArray(value) ? value : [value]).map((item) =>
        coerceScalar(item, Boolean(flag.numericItems)),
      );
    case 'json': {
      // From the command line: the text of each `--multi-prompt '…'`; an array's items may come one by one.
      const texts = Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : [value];
      const parsed = texts.map((text) => {
        if (typeof text !== 'string') {
          return text;
        }
        try {
          return JSON.parse(text) as unknown;
        } catch (error) {
          throw usageError(`--${flag.name}: not valid JSON (${(error as Error).message})`);
        }
      });
      return flag.array ? parsed.flatMap((item) => (Array.isArray(item) ? item : [item])) : parsed.at(-1);
    }
    default:
      return coerceScalar(value, false);
  }
}

/** Whether a value names a local file rather than a URL (no scheme: `./photo.jpg`, `shots/a.png`). */
export const isLocalPath = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '' && !/^[a-z][a-z0-9+.-]+:/i.test(value);

/** A local path found where the input wants a URL. */
export interface FileSlot {
  /** Where in the input: `image_url`, `image_urls[1]`, `elements[0].element_input_urls[0]`. */
  readonly label: string;
  /** The path as given. */
  readonly given: string;
  /** The URL schema of that place (its accepted media types and size limit). */
  readonly schema: JsonSchema;
  /** Puts the uploaded URL in the path's place. */
  set(url: string): void;
}

function walk(
  value: unknown,
  schema: JsonSchema,
  label: string,
  slots: FileSlot[],
  set: (url: string) => void,
) {
  if (typeof value === 'string') {
    const urlSchema = urlSchemaOf(schema);
    if (urlSchema && isLocalPath(value)) {
      slots.push({ label, given: value, schema: urlSchema, set });
    }
    return;
  }
  if (Array.isArray(value)) {
    const items = itemsOf(schema);
    if (items) {
      value.forEach((item, index) => {
        walk(item, items, `${label}[${index}]`, slots, (url) => {
          value[index] = url;
        });
      });
    }
    return;
  }
  if (value && typeof value === 'object') {
    const properties = propertiesOf(schema);
    const record = value as Record<string, unknown>;
    for (const [key, item] of Object.entries(record)) {
      const declared = properties.get(key) ?? [];
      const chosen =
        declared.find((candidate) => urlSchemaOf(candidate) || itemsOf(candidate)) ?? declared[0];
      if (chosen) {
        walk(item, chosen, label ? `${label}.${key}` : key, slots, (url) => {
          record[key] = url;
        });
      }
    }
  }
}

/** Every local path in a URL place of the input, nested ones too (an element's images). */
export function localFileSlots(facts: ModelFacts, input: Record<string, unknown>): FileSlot[] {
  const slots: FileSlot[] = [];
  walk(input, schemas[facts.inputSchema] ?? {}, '', slots, () => {});
  return slots;
}

/**
 * Checks a request with its model's validator before anything is uploaded or sent: local paths
 * stand in as placeholder URLs (they become upload URLs later). Throws a usage error with kie.ai's
 * messages, one per line.
 */
export function checkRequest(
  definition: ModelDefinition | undefined,
  facts: ModelFacts,
  request: CreateRequest,
) {
  if (!definition) {
    return;
  }
  const copy = structuredClone(request);
  localFileSlots(facts, copy.input).forEach((slot, index) => {
    slot.set(`https://upload.invalid/pending/${index}`);
  });
  const checked = definition.validate(copy);
  if (!checked.ok) {
    // kie.ai's message as it is, then the flag that sets the input.
    const flags = new Map(inputFlagsOf(facts).map((flag) => [flag.property, `--${flag.alias ?? flag.name}`]));
    const flagOf = (path: string) => flags.get(/^input\.([^.[]+)/.exec(path)?.[1] ?? '');
    throw usageError(
      `the input breaks ${facts.id}'s rules, nothing was sent:\n${checked.issues
        .map((issue) => {
          const flag = flagOf(issue.path);
          return `  ${issue.path ? `${issue.path}: ` : ''}${issue.message}${flag ? `  (${flag})` : ''}`;
        })
        .join('\n')}`,
      `kling generate --model ${facts.id} --help lists its inputs`,
    );
  }
}
