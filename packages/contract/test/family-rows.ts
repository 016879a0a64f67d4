/**
 * Rows of the family's constraint table, derived from the spec: for each model, starting from its
 * documented example, one change per rule of its input schema (a required field removed, a string
 * one character too long, a value outside its enum, an array one item too long, …), each with the
 * field and the keyword the validator must name. Nothing here restates a limit by hand.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { type ModelFacts, models, spec } from '../src/index';

type Json = Record<string, unknown>;
type Schema = Readonly<Record<string, unknown>>;

/** One body that breaks exactly one rule of one model. */
export interface FamilyRow {
  readonly model: string;
  readonly name: string;
  readonly body: Json;
  readonly path: string;
  readonly keyword: string;
}

const schemas = spec.components.schemas as unknown as Record<string, Schema>;

/** A property schema with its `$ref` followed (siblings such as `default` kept). */
const resolve = (schema: Schema): Schema => {
  const ref = schema.$ref as string | undefined;
  return ref
    ? { ...resolve(schemas[ref.split('/').pop() as string] as Schema), ...schema, $ref: undefined }
    : schema;
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'spec', components: spec.components }, 'spec');

/** The object form of a model's input that its example uses (the input itself, or a `oneOf` branch). */
export function formOf(facts: ModelFacts): Schema {
  const input = schemas[facts.inputSchema] as Schema;
  const branches = input.oneOf as Schema[] | undefined;
  if (!branches) {
    return input;
  }
  const index = branches.findIndex((_, i) =>
    ajv.validate({ $ref: `spec#/components/schemas/${facts.inputSchema}/oneOf/${i}` }, facts.example.input),
  );
  if (index < 0) {
    throw new Error(`${facts.id}: the example matches no form of ${facts.inputSchema}`);
  }
  return branches[index] as Schema;
}

const wrongEnumValue = (values: readonly unknown[]): unknown =>
  typeof values[0] === 'number' ? 99 : typeof values[0] === 'boolean' ? 'yes' : 'not-an-option';

/** The rows of one model. */
export function rowsOf(facts: ModelFacts): FamilyRow[] {
  const form = formOf(facts);
  const example = structuredClone(facts.example) as Json;
  const input = example.input as Json;
  const rows: FamilyRow[] = [];
  const row = (name: string, change: Json, path: string, keyword: string) => {
    const body = structuredClone(example);
    const changed = { ...(body.input as Json), ...change };
    for (const [key, value] of Object.entries(changed)) {
      if (value === undefined) {
        delete changed[key];
      }
    }
    body.input = changed;
    rows.push({ model: facts.id, name, body, path, keyword });
  };
  const required = (form.required as string[] | undefined) ?? [];
  for (const field of required) {
    row(`without ${field}`, { [field]: undefined }, `input.${field}`, 'required');
  }
  for (const [field, raw] of Object.entries((form.properties as Record<string, Schema>) ?? {})) {
    const schema = resolve(raw);
    const at = `input.${field}`;
    if (Array.isArray(schema.enum)) {
      row(`${field} outside its enum`, { [field]: wrongEnumValue(schema.enum) }, at, 'enum');
    } else if (schema.const !== undefined) {
      row(`${field} other than ${JSON.stringify(schema.const)}`, { [field]: !schema.const }, at, 'const');
    } else if (schema.type === 'boolean') {
      row(`${field} not a boolean`, { [field]: 'yes' }, at, 'type');
    }
    if (typeof schema.maxLength === 'number') {
      row(`${field} one character too long`, { [field]: 'a'.repeat(schema.maxLength + 1) }, at, 'maxLength');
    }
    if (schema.minLength === 1) {
      row(`${field} empty`, { [field]: '' }, at, 'minLength');
    }
    if (typeof schema.maximum === 'number' && !Array.isArray(schema.enum)) {
      row(`${field} above its maximum`, { [field]: schema.maximum + 1 }, at, 'maximum');
    }
    if (typeof schema.minimum === 'number' && !Array.isArray(schema.enum)) {
      row(`${field} below its minimum`, { [field]: schema.minimum - 1 }, at, 'minimum');
    }
    if (schema.type === 'array') {
      const sample = (input[field] as unknown[] | undefined)?.[0];
      if (sample !== undefined && typeof schema.maxItems === 'number') {
        row(
          `${field} one item too many`,
          { [field]: Array.from({ length: schema.maxItems + 1 }, () => sample) },
          at,
          'maxItems',
        );
      }
      if (typeof schema.minItems === 'number' && schema.minItems > 0) {
        row(`${field} with too few items`, { [field]: [] }, at, 'minItems');
      }
      if (typeof sample === 'string') {
        row(`${field} with a non-URL item`, { [field]: ['not a url'] }, `${at}[0]`, 'format');
      }
    }
    if (schema.format === 'uri') {
      row(`${field} not a URL`, { [field]: 'not a url' }, at, 'format');
    }
  }
  if (form.additionalProperties === false) {
    row('with an unknown field', { unknown_field: 1 }, 'input.unknown_field', 'additionalProperties');
  }
  return rows;
}

const ajvCreateTask = ajv.compile({ $ref: 'spec#/components/schemas/CreateTaskRequest' });

/**
 * Every row of every model. A change that another form of the same input accepts (two images
 * where the single-frame form allows one) breaks no rule of the model, so it is not a row.
 */
export const familyRows: readonly FamilyRow[] = models
  .flatMap(rowsOf)
  .filter((row) => !ajvCreateTask(row.body));
