/**
 * A small, dependency-free validator for the JSON Schema subset that `spec/kling.yaml` uses.
 *
 * It exists because @hey-api's zod output drops `multipleOf` (and defaults behind `$ref`), and
 * because the client must stay a few kB: it validates against the JSON Schemas that
 * @hey-api/openapi-ts generates from the spec, so every limit still comes from the spec. Any
 * keyword it does not implement makes it throw when the schema is compiled, so a constraint can
 * never be skipped silently.
 */

/** A JSON Schema object as generated from the spec (read-only, as emitted with `as const`). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** One reason a value does not match its schema. */
export interface ValidationIssue {
  /** Where the problem is, as a dotted path (`input.prompt`, `resultUrls[0]`); `""` for the value itself. */
  readonly path: string;
  /** The JSON Schema keyword that failed (`maxLength`, `required`, `enum`, …). */
  readonly keyword: string;
  /** A sentence for humans, without the path: `must be at most 5000 characters`. */
  readonly message: string;
}

/** The outcome of a validation: the value typed on success, the issues otherwise. */
export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T; readonly issues?: undefined }
  | { readonly ok: false; readonly value?: undefined; readonly issues: readonly ValidationIssue[] };

/** Keywords that only annotate: they never make a value invalid. */
const ANNOTATIONS = /* @__PURE__ */ new Set([
  'title',
  'description',
  'default',
  'example',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentMediaType',
  'contentSchema',
  'contentEncoding',
  '$comment',
]);

const ASSERTIONS = /* @__PURE__ */ new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'multipleOf',
  'required',
  'properties',
  'items',
  'minItems',
  'anyOf',
  'allOf',
]);

/** Throws when a schema (or one it contains) uses a keyword this validator does not enforce. */
export function assertSupportedKeywords(schema: JsonSchema, where = 'schema'): void {
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword.startsWith('x-') || ANNOTATIONS.has(keyword)) {
      continue;
    }
    if (!ASSERTIONS.has(keyword)) {
      throw new Error(
        `${where}: JSON Schema keyword "${keyword}" is not supported by the contract's validator`,
      );
    }
    if (keyword === 'properties') {
      for (const [name, child] of Object.entries(value as Record<string, JsonSchema>)) {
        assertSupportedKeywords(child, `${where}.properties.${name}`);
      }
    } else if (keyword === 'anyOf' || keyword === 'allOf') {
      (value as JsonSchema[]).forEach((child, index) => {
        assertSupportedKeywords(child, `${where}.${keyword}[${index}]`);
      });
    } else if (keyword === 'items') {
      assertSupportedKeywords(value as JsonSchema, `${where}.${keyword}`);
    }
  }
}

/** Resolves `#/components/schemas/<Name>` references. */
export type SchemaResolver = (ref: string) => JsonSchema;

function typeOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

const describe = (value: unknown): string => JSON.stringify(value);
const characters = (text: string): number => {
  let count = 0;
  for (const _ of text) {
    count++;
  }
  return count;
};
const join = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

function isValidUri(text: string): boolean {
  if (typeof URL.canParse === 'function') {
    return URL.canParse(text);
  }
  try {
    return Boolean(new URL(text));
  } catch {
    return false;
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const FORMATS: Record<string, (text: string) => boolean> = {
  uri: isValidUri,
  'date-time': (text) => DATE_TIME.test(text) && !Number.isNaN(Date.parse(text)),
};

/** Validates `value` against `schema`, appending what fails to `issues`. */
export function collectIssues(
  schema: JsonSchema,
  value: unknown,
  resolve: SchemaResolver,
  path: string,
  issues: ValidationIssue[],
): void {
  const add = (keyword: string, message: string, at = path): void => {
    issues.push({ path: at, keyword, message });
  };
  if (typeof schema.$ref === 'string') {
    collectIssues(resolve(schema.$ref), value, resolve, path, issues);
  }
  for (const sub of (schema.allOf as JsonSchema[] | undefined) ?? []) {
    collectIssues(sub, value, resolve, path, issues);
  }
  if (schema.anyOf) {
    checkAlternatives(schema.anyOf as JsonSchema[], value, resolve, path, issues);
  }

  if (schema.type !== undefined) {
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]) as string[];
    if (!types.some((type) => matchesType(value, type))) {
      if (Array.isArray(schema.enum)) {
        // `duration: 5` reads better as "must be one of "5", "10"" than as "must be a string".
        add('enum', `must be one of ${schema.enum.map(describe).join(', ')}`);
        return;
      }
      add(
        'type',
        `must be ${types.map((type) => (type === 'null' ? 'null' : `a${/^[aeiou]/.test(type) ? 'n' : ''} ${type}`)).join(' or ')}`,
      );
      return;
    }
  }
  if (schema.const !== undefined && value !== schema.const) {
    add('const', schema.const === '' ? 'must be an empty string' : `must be ${describe(schema.const)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    add('enum', `must be one of ${schema.enum.map(describe).join(', ')}`);
  }

  if (typeof value === 'string') {
    checkString(schema, value, add);
  } else if (typeof value === 'number') {
    checkNumber(schema, value, add);
  } else if (Array.isArray(value)) {
    checkArray(schema, value, resolve, path, issues, add);
  } else if (typeof value === 'object' && value !== null) {
    checkObject(schema, value as Record<string, unknown>, resolve, path, issues, add);
  }
}

type Add = (keyword: string, message: string, at?: string) => void;

function checkString(schema: JsonSchema, value: string, add: Add): void {
  const length = characters(value);
  if (typeof schema.minLength === 'number' && length < schema.minLength) {
    add(
      'minLength',
      schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`,
    );
  }
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
    add('maxLength', `must be at most ${schema.maxLength} characters (got ${length})`);
  }
  const formatCheck = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  if (formatCheck && !formatCheck(value)) {
    add('format', schema.format === 'uri' ? 'must be a valid URL' : `must be a valid ${schema.format}`);
  } else if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
    add('pattern', schema.format === 'uri' ? 'must be an http(s) URL' : `must match ${schema.pattern}`);
  }
}

function checkNumber(schema: JsonSchema, value: number, add: Add): void {
  if (typeof schema.minimum === 'number' && value < schema.minimum) {
    add('minimum', `must be >= ${schema.minimum}`);
  }
  if (typeof schema.maximum === 'number' && value > schema.maximum) {
    add('maximum', `must be <= ${schema.maximum}`);
  }
  if (typeof schema.multipleOf === 'number') {
    // Tolerate binary floating point: 0.3 / 0.1 is 2.9999999999999996.
    const quotient = value / schema.multipleOf;
    if (Math.abs(quotient - Math.round(quotient)) > 1e-9) {
      add('multipleOf', `must be a multiple of ${schema.multipleOf}`);
    }
  }
}

function checkArray(
  schema: JsonSchema,
  value: unknown[],
  resolve: SchemaResolver,
  path: string,
  issues: ValidationIssue[],
  add: Add,
): void {
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    add('minItems', `must have at least ${schema.minItems} item(s)`);
  }
  value.forEach((item, index) => {
    if (schema.items) {
      collectIssues(schema.items as JsonSchema, item, resolve, join(path, index), issues);
    }
  });
}

function checkObject(
  schema: JsonSchema,
  value: Record<string, unknown>,
  resolve: SchemaResolver,
  path: string,
  issues: ValidationIssue[],
  add: Add,
): void {
  for (const name of (schema.required as string[] | undefined) ?? []) {
    if (value[name] === undefined) {
      add('required', 'is required', join(path, name));
    }
  }
  // Unknown fields are allowed, as kie.ai ignores them.
  for (const [name, child] of Object.entries((schema.properties as Record<string, JsonSchema>) ?? {})) {
    if (value[name] !== undefined) {
      collectIssues(child, value[name], resolve, join(path, name), issues);
    }
  }
}

function checkAlternatives(
  alternatives: JsonSchema[],
  value: unknown,
  resolve: SchemaResolver,
  path: string,
  issues: ValidationIssue[],
): void {
  const outcomes: ValidationIssue[][] = [];
  for (const alternative of alternatives) {
    const found: ValidationIssue[] = [];
    collectIssues(alternative, value, resolve, path, found);
    if (found.length === 0) {
      return;
    }
    outcomes.push(found);
  }
  // Report the one alternative the value got furthest in (not a mere type mismatch), else all of them.
  const informative = outcomes.filter((found) => found.some((issue) => issue.keyword !== 'type'));
  if (informative.length === 1) {
    issues.push(...(informative[0] as ValidationIssue[]));
    return;
  }
  const reasons = outcomes.map((found) => found.map((issue) => issue.message).join(' and '));
  issues.push({ path, keyword: 'anyOf', message: [...new Set(reasons)].join(', or ') });
}
