/**
 * A model's form, read from the spec: each input of the model's request schema becomes a field
 * spec (what control, which limits, which help text), with nothing written here about any model.
 * `$ref`s are followed into `spec.components.schemas` (keywords beside a `$ref`, like `default`,
 * override the target's), a `oneOf` input becomes one field set per form (its `title`), and an
 * `if`/`then` rule that requires a field when a switch is on shows that field only then.
 */
import { type JsonSchema, type ModelFacts, spec } from '@kling-kit/contract';

/** The spec's named schemas (with titles and descriptions, which the generated JSON Schemas drop). */
const components = spec.components.schemas as unknown as Readonly<Record<string, JsonSchema>>;

/** A named schema of the spec; throws for a name the spec lacks. */
export function schemaNamed(name: string): JsonSchema {
  const schema = components[name];
  if (!schema) {
    throw new Error(`The spec has no schema "${name}"`);
  }
  return schema;
}

/** A schema with its `$ref` followed (recursively); keywords beside the `$ref` win over the target's. */
export function resolveSchema(schema: JsonSchema | undefined): JsonSchema {
  if (!schema) {
    return {};
  }
  const ref = schema.$ref;
  if (typeof ref !== 'string') {
    return schema;
  }
  const { $ref: _ref, ...siblings } = schema;
  return { ...resolveSchema(schemaNamed(ref.replace('#/components/schemas/', ''))), ...siblings };
}

const asSchemas = (value: unknown): JsonSchema[] =>
  Array.isArray(value) ? (value as JsonSchema[]).map(resolveSchema) : [];
const asNumber = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const asStrings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** A value an enum or a const allows. */
export type EnumValue = string | number;

/** When a field is shown: only while another field (a switch) has a value. */
export interface ShownWhen {
  readonly field: string;
  readonly equals: unknown;
}

interface BaseField {
  /** The property name in the body. */
  readonly name: string;
  /** The label shown (and the control's accessible name), from the property name. */
  readonly label: string;
  readonly required: boolean;
  /** The schema's description (the property's own, else its referenced schema's): help text. */
  readonly description?: string | undefined;
  /** Shown (and sent) only while another field has a value (an `if`/`then` rule of the schema). */
  readonly shownWhen?: ShownWhen | undefined;
}

/** A string: a textarea or a one-line input, with a character counter. */
export interface TextField extends BaseField {
  readonly kind: 'text';
  readonly minLength?: number | undefined;
  readonly maxLength?: number | undefined;
  readonly multiline: boolean;
}

/** What a URL points to, from the schema's `x-accepted-media-types`. */
export type UrlMedia = 'image' | 'video' | 'audio' | 'file';

/** A URL (`format: uri`, or a URL or `""`). */
export interface UrlField extends BaseField {
  readonly kind: 'url';
  /** Media types the URL may point to (`x-accepted-media-types`); empty when the spec says none. */
  readonly accept: readonly string[];
  readonly media: UrlMedia;
  /** An input's URL is a file of the model (uploadable); a request-level URL (the callback) is not. */
  readonly upload: boolean;
}

/** An `enum` (strings or integers): a select. */
export interface SelectField extends BaseField {
  readonly kind: 'select';
  readonly options: readonly EnumValue[];
  readonly default?: EnumValue | undefined;
}

/** A boolean: a switch. `fixed` when the schema allows one value only (`const`). */
export interface SwitchField extends BaseField {
  readonly kind: 'switch';
  readonly default?: boolean | undefined;
  readonly fixed?: boolean | undefined;
}

/** A number: a slider with its value when it has a minimum and a maximum, else a number input. */
export interface NumberField extends BaseField {
  readonly kind: 'number';
  readonly integer: boolean;
  readonly slider: boolean;
  readonly minimum?: number | undefined;
  readonly maximum?: number | undefined;
  readonly step?: number | undefined;
  readonly default?: number | undefined;
}

/** An array of URLs: a list of URL inputs (add, remove, upload). */
export interface UrlListField extends BaseField {
  readonly kind: 'url-list';
  readonly item: UrlField;
  readonly minItems: number;
  readonly maxItems?: number | undefined;
}

/** An array of objects (shots, elements): an editor of items, each with its own fields. */
export interface ObjectListField extends BaseField {
  readonly kind: 'objects';
  /** What one item is called ("Shot", "Element"), from the item schema's title. */
  readonly itemNoun: string;
  readonly fields: readonly FieldSpec[];
  readonly minItems: number;
  readonly maxItems?: number | undefined;
}

/** Anything else: JSON typed by hand (a shape the playground does not know yet still works). */
export interface JsonField extends BaseField {
  readonly kind: 'json';
}

/** One field of a model's form. */
export type FieldSpec =
  | TextField
  | UrlField
  | SelectField
  | SwitchField
  | NumberField
  | UrlListField
  | ObjectListField
  | JsonField;

/** One form of a model's input (a `oneOf` branch, or the only one). */
export interface FormBranch {
  /** The branch's `title` ("Single first frame"); the input schema's title when there is one form. */
  readonly title: string;
  readonly description?: string | undefined;
  readonly fields: readonly FieldSpec[];
  /** Property names the branch requires (to recognise which form an example uses). */
  readonly requiredNames: readonly string[];
}

/** A model's whole form: its input's forms, and the request-level fields (the callback URL). */
export interface ModelForm {
  readonly modelId: string;
  /** The input schema's description (e.g. how its forms differ). */
  readonly description?: string | undefined;
  /** One entry, or one per `oneOf` form. */
  readonly branches: readonly FormBranch[];
  /** Request fields other than `model` and `input` (`callBackUrl`). */
  readonly requestFields: readonly FieldSpec[];
}

const WORDS: Readonly<Record<string, string>> = { url: 'URL', urls: 'URLs', cfg: 'CFG', id: 'ID' };

/** A label from a property name: `tail_image_url` → "Tail image URL", `callBackUrl` → "Callback URL". */
export function labelOf(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\s-]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
  // "call back" is one word in English.
  const joined = words.join(' ').replace(/\bcall back\b/, 'callback');
  return joined
    .split(' ')
    .map((word, index) => {
      const known = WORDS[word];
      if (known) {
        return known;
      }
      return index === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word;
    })
    .join(' ');
}

/** The singular of a plural label's last word: "Image URLs" → "Image URL". */
export function singularOf(label: string): string {
  return label.replace(/s$/, '');
}

/** A label inside a sentence: the first letter lowered unless the word is an acronym ("Image URL" → "image URL"). */
export function inSentence(label: string): string {
  return /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

/** "a" or "an" before a word. */
export function articleOf(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** What one item of an object list is called: the item title's last word ("Omni shot" → "Shot"). */
function nounOf(itemSchema: JsonSchema, fallback: string): string {
  const title = asString(itemSchema.title)
    ?.replace(/\([^)]*\)/g, '')
    .trim();
  const last = title?.split(/\s+/).at(-1);
  if (!last) {
    return singularOf(fallback);
  }
  return last.charAt(0).toUpperCase() + last.slice(1);
}

/** The URL schema among a string schema and its `anyOf`/`oneOf` (a URL or `""`), if it is one. */
function urlSchemaOf(schema: JsonSchema): JsonSchema | undefined {
  if (schema.format === 'uri') {
    return schema;
  }
  const options = [...asSchemas(schema.anyOf), ...asSchemas(schema.oneOf)];
  const url = options.find((option) => option.format === 'uri');
  const others = options.filter((option) => option !== url);
  return url && others.every((option) => option.const === '') ? url : undefined;
}

function mediaOf(accept: readonly string[]): UrlMedia {
  const kinds = new Set(accept.map((type) => type.split('/')[0]));
  if (kinds.size === 1) {
    const [kind] = kinds;
    if (kind === 'image' || kind === 'video' || kind === 'audio') {
      return kind;
    }
  }
  return 'file';
}

interface FieldContext {
  readonly name: string;
  readonly label: string;
  readonly required: boolean;
  /** Whether a URL here is one of the model's files (inputs), not a request-level URL. */
  readonly inInput: boolean;
  readonly shownWhen?: ShownWhen | undefined;
}

/** The field spec of one property schema. */
export function fieldOf(property: JsonSchema, context: FieldContext): FieldSpec {
  const schema = resolveSchema(property);
  const base = {
    name: context.name,
    label: context.label,
    required: context.required,
    description: asString(property.description) ?? asString(schema.description),
    ...(context.shownWhen ? { shownWhen: context.shownWhen } : {}),
  };
  const url = urlSchemaOf(schema);
  if (url) {
    const accept = asStrings(url['x-accepted-media-types']);
    return { ...base, kind: 'url', accept, media: mediaOf(accept), upload: context.inInput };
  }
  if (Array.isArray(schema.enum)) {
    const options = (schema.enum as unknown[]).filter(
      (value): value is EnumValue => typeof value === 'string' || typeof value === 'number',
    );
    const fallback = schema.default;
    return {
      ...base,
      kind: 'select',
      options,
      default: typeof fallback === 'string' || typeof fallback === 'number' ? fallback : undefined,
    };
  }
  if (schema.type === 'boolean') {
    return {
      ...base,
      kind: 'switch',
      default: typeof schema.default === 'boolean' ? schema.default : undefined,
      fixed: typeof schema.const === 'boolean' ? schema.const : undefined,
    };
  }
  if (schema.type === 'number' || schema.type === 'integer') {
    const minimum = asNumber(schema.minimum);
    const maximum = asNumber(schema.maximum);
    const integer = schema.type === 'integer';
    return {
      ...base,
      kind: 'number',
      integer,
      slider: !integer && minimum !== undefined && maximum !== undefined,
      minimum,
      maximum,
      step: asNumber(schema.multipleOf) ?? (integer ? 1 : undefined),
      default: asNumber(schema.default),
    };
  }
  if (schema.type === 'string') {
    const maxLength = asNumber(schema.maxLength);
    return {
      ...base,
      kind: 'text',
      minLength: asNumber(schema.minLength),
      maxLength,
      multiline: /prompt|description/i.test(context.name) || (maxLength ?? 0) > 200,
    };
  }
  if (schema.type === 'array') {
    const items = resolveSchema(schema.items as JsonSchema | undefined);
    const minItems = asNumber(schema.minItems) ?? 0;
    const maxItems = asNumber(schema.maxItems);
    const itemUrl = urlSchemaOf(items);
    if (itemUrl) {
      const item = fieldOf(items, {
        ...context,
        label: singularOf(context.label),
        required: true,
        shownWhen: undefined,
      }) as UrlField;
      return { ...base, kind: 'url-list', item: { ...item, description: undefined }, minItems, maxItems };
    }
    if (items.type === 'object' && items.properties) {
      return {
        ...base,
        kind: 'objects',
        itemNoun: nounOf(items, context.label),
        fields: fieldsOf(items, context.inInput),
        minItems,
        maxItems,
      };
    }
  }
  return { ...base, kind: 'json' };
}

/** The conditions under which a property is required: `if {x: const true} then {required: [property]}`. */
function conditionsOf(schema: JsonSchema): Map<string, ShownWhen> {
  const found = new Map<string, ShownWhen>();
  const visit = (node: JsonSchema) => {
    const condition = node.if as JsonSchema | undefined;
    const then = node.then as JsonSchema | undefined;
    if (condition && then) {
      const when = Object.entries((condition.properties as Record<string, JsonSchema> | undefined) ?? {});
      const [entry] = when;
      if (when.length === 1 && entry && 'const' in entry[1]) {
        for (const name of asStrings(then.required)) {
          found.set(name, { field: entry[0], equals: entry[1].const });
        }
      }
    }
    for (const part of asSchemas(node.allOf)) {
      visit(part);
    }
  };
  visit(schema);
  return found;
}

/** The fields of an object schema, in the spec's order. Arrays that may hold nothing are left out. */
export function fieldsOf(objectSchema: JsonSchema, inInput: boolean): FieldSpec[] {
  const schema = resolveSchema(objectSchema);
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const required = new Set(asStrings(schema.required));
  const conditions = conditionsOf(schema);
  return Object.entries(properties).flatMap(([name, property]) => {
    if (resolveSchema(property).maxItems === 0) {
      return []; // an array that must stay empty in this form: nothing to fill
    }
    const shownWhen = conditions.get(name);
    const field = fieldOf(property, {
      name,
      label: labelOf(name),
      required: required.has(name),
      inInput,
      shownWhen: shownWhen && shownWhen.field in properties ? shownWhen : undefined,
    });
    return [field];
  });
}

/** The form of a model, from its catalog entry's input and request schemas. */
export function modelFormOf(entry: Pick<ModelFacts, 'id' | 'inputSchema' | 'requestSchema'>): ModelForm {
  const input = resolveSchema(schemaNamed(entry.inputSchema));
  const forms = asSchemas(input.oneOf);
  const branches: FormBranch[] = (forms.length > 0 ? forms : [input]).map((form, index) => ({
    title: asString(form.title) ?? (forms.length > 0 ? `Form ${index + 1}` : entry.id),
    description: forms.length > 0 ? asString(form.description) : undefined,
    fields: fieldsOf(form, true),
    requiredNames: asStrings(form.required),
  }));
  const request = resolveSchema(schemaNamed(entry.requestSchema));
  const requestRequired = new Set(asStrings(request.required));
  const requestFields = Object.entries((request.properties as Record<string, JsonSchema> | undefined) ?? {})
    .filter(([name]) => name !== 'model' && name !== 'input')
    .map(([name, property]) =>
      fieldOf(property, { name, label: labelOf(name), required: requestRequired.has(name), inInput: false }),
    );
  return {
    modelId: entry.id,
    description: asString(input.description),
    branches,
    requestFields,
  };
}
