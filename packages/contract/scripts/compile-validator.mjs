/**
 * Compiles a schema of the spec into straight-line TypeScript (like ajv's standalone code), so the
 * client ships a few hundred bytes of checks instead of a JSON Schema interpreter and its schemas.
 * The messages are exactly those of src/json-schema.ts; a test compares the two on every rule.
 */

const REF = '#/components/schemas/';
const q = (value) => JSON.stringify(value);

/** Returns the TypeScript source of `export function <exportName>(value): ValidationIssue[]`. */
export function compileValidator(document, rootName, exportName) {
  const schemas = document.components.schemas;
  const functions = new Map();
  const patterns = [];
  const regex = (pattern) => {
    if (!patterns.includes(pattern)) {
      patterns.push(pattern);
    }
    return `PATTERN_${patterns.indexOf(pattern)}`;
  };

  const fnFor = (name) => {
    if (!functions.has(name)) {
      functions.set(name, null);
      functions.set(
        name,
        `function schema${name}(v: unknown, p: string, out: Issue[]): void {\n${body(schemas[name], '  ')}}\n`,
      );
    }
    return `schema${name}`;
  };

  const ANNOTATIONS = new Set(['description', 'title', 'example', 'examples', 'default', 'deprecated']);
  const onlyRef = (schema) => {
    const keys = Object.keys(schema).filter((key) => !ANNOTATIONS.has(key) && !key.startsWith('x-'));
    if (keys.length === 1 && keys[0] === '$ref') {
      return schema.$ref;
    }
    return keys.length === 1 && keys[0] === 'allOf' && schema.allOf.length === 1
      ? onlyRef(schema.allOf[0])
      : undefined;
  };

  /** A schema checked in a closure of its own, so its type mismatch `return` stays local. */
  const scoped = (schema, value, path, indent) => {
    const ref = onlyRef(schema);
    if (ref) {
      return `${indent}${fnFor(ref.slice(REF.length))}(${value}, ${path}, out);\n`;
    }
    return `${indent}((v: unknown, p: string) => {\n${body(schema, `${indent}  `)}${indent}})(${value}, ${path});\n`;
  };

  /** Code that appends the issues of `v` at path `p` to `out` (both in scope), in the interpreter's order. */
  function body(schema, indent) {
    const v = 'v';
    const p = 'p';
    let code = '';
    const line = (text) => {
      code += `${indent}${text}\n`;
    };
    const add = (keyword, message, at = p) => `add(out, ${at}, ${q(keyword)}, ${message});`;
    if (schema.$ref) {
      line(`${fnFor(schema.$ref.slice(REF.length))}(${v}, ${p}, out);`);
    }
    for (const part of schema.allOf ?? []) {
      code += scoped(part, 'v', 'p', indent);
    }
    if (schema.anyOf) {
      // Alternatives are tried in order and the first that matches ends the search.
      line('const alternatives: Issue[][] = [];');
      for (const alternative of schema.anyOf) {
        line('if (alternatives.every((found) => found.length > 0)) {');
        line('  const found: Issue[] = [];');
        line('  alternatives.push(found);');
        line('  ((out: Issue[]) => {');
        code += scoped(alternative, 'v', 'p', `${indent}    `);
        line('  })(found);');
        line('}');
      }
      line('pickAlternative(alternatives, p, out);');
    }
    const checks = [];
    const types =
      schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types) {
      const test = types.map((type) => `is(${v}, ${q(type)})`).join(' || ');
      const message = Array.isArray(schema.enum)
        ? add('enum', q(`must be one of ${schema.enum.map(q).join(', ')}`))
        : add(
            'type',
            q(
              `must be ${types.map((type) => (type === 'null' ? 'null' : `a${/^[aeiou]/.test(type) ? 'n' : ''} ${type}`)).join(' or ')}`,
            ),
          );
      checks.push(`if (!(${test})) {\n${indent}  ${message}\n${indent}  return;\n${indent}}`);
    }
    if (schema.const !== undefined) {
      checks.push(
        `if (${v} !== ${q(schema.const)}) {\n${indent}  ${add('const', q(schema.const === '' ? 'must be an empty string' : `must be ${q(schema.const)}`))}\n${indent}}`,
      );
    }
    if (Array.isArray(schema.enum)) {
      checks.push(
        `if (!${q(schema.enum)}.includes(${v} as never)) {\n${indent}  ${add('enum', q(`must be one of ${schema.enum.map(q).join(', ')}`))}\n${indent}}`,
      );
    }
    const strings = [];
    if (typeof schema.minLength === 'number') {
      // UTF-16 length ≥ code points, so the count runs only when the length alone cannot decide.
      strings.push(
        `if (${v}.length < ${schema.minLength * 2} && chars(${v}) < ${schema.minLength}) {\n${indent}    ${add('minLength', q(schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`))}\n${indent}  }`,
      );
    }
    if (typeof schema.maxLength === 'number') {
      strings.push(
        `if (${v}.length > ${schema.maxLength} && chars(${v}) > ${schema.maxLength}) {\n${indent}    ${add('maxLength', `\`must be at most ${schema.maxLength} characters (got \${chars(${v})})\``)}\n${indent}  }`,
      );
    }
    if (schema.format === 'uri' || schema.pattern) {
      const format = schema.format === 'uri' ? `!isUri(${v})` : 'false';
      const pattern = schema.pattern ? `!${regex(schema.pattern)}.test(${v})` : 'false';
      strings.push(
        `if (${format}) {\n${indent}    ${add('format', q('must be a valid URL'))}\n${indent}  } else if (${pattern}) {\n${indent}    ${add('pattern', q(schema.format === 'uri' ? 'must be an http(s) URL' : `must match ${schema.pattern}`))}\n${indent}  }`,
      );
    } else if (schema.format !== undefined) {
      throw new Error(`compileValidator: format "${schema.format}" is not supported`);
    }
    if (strings.length > 0) {
      checks.push(`if (typeof ${v} === 'string') {\n${indent}  ${strings.join(`\n${indent}  `)}\n${indent}}`);
    }
    const numbers = [];
    if (typeof schema.minimum === 'number') {
      numbers.push(
        `if (${v} < ${schema.minimum}) {\n${indent}    ${add('minimum', q(`must be >= ${schema.minimum}`))}\n${indent}  }`,
      );
    }
    if (typeof schema.maximum === 'number') {
      numbers.push(
        `if (${v} > ${schema.maximum}) {\n${indent}    ${add('maximum', q(`must be <= ${schema.maximum}`))}\n${indent}  }`,
      );
    }
    if (typeof schema.multipleOf === 'number') {
      numbers.push(
        `if (!isMultiple(${v}, ${schema.multipleOf})) {\n${indent}    ${add('multipleOf', q(`must be a multiple of ${schema.multipleOf}`))}\n${indent}  }`,
      );
    }
    if (numbers.length > 0) {
      checks.push(`if (typeof ${v} === 'number') {\n${indent}  ${numbers.join(`\n${indent}  `)}\n${indent}}`);
    }
    if (schema.required || schema.properties) {
      const object = [];
      for (const name of schema.required ?? []) {
        object.push(
          `if (o[${q(name)}] === undefined) {\n${indent}    ${add('required', q('is required'), `at(${p}, ${q(name)})`)}\n${indent}  }`,
        );
      }
      for (const [name, child] of Object.entries(schema.properties ?? {})) {
        object.push(
          `if (o[${q(name)}] !== undefined) {\n${scoped(child, `o[${q(name)}]`, `at(p, ${q(name)})`, `${indent}    `)}${indent}  }`,
        );
      }
      checks.push(
        `if (is(${v}, 'object')) {\n${indent}  const o = ${v} as Record<string, unknown>;\n${indent}  ${object.join(`\n${indent}  `)}\n${indent}}`,
      );
    }
    for (const keyword of [
      'items',
      'minItems',
      'oneOf',
      'additionalProperties',
      'exclusiveMinimum',
      'exclusiveMaximum',
      'maxItems',
    ]) {
      if (schema[keyword] !== undefined) {
        throw new Error(`compileValidator: keyword "${keyword}" is not supported`);
      }
    }
    if (checks.length > 0) {
      code += `${indent}${checks.join(`\n${indent}`)}\n`;
    }
    return code;
  }

  fnFor(rootName);
  // Schemas with the same rules (HttpUrl and ImageUrl) compile to the same body: keep one function.
  const bodies = new Map();
  for (const [name, source] of functions) {
    const body = source.slice(source.indexOf('{'));
    const twin = bodies.get(body);
    if (twin) {
      functions.delete(name);
      for (const [other, text] of functions) {
        functions.set(other, text.replaceAll(`schema${name}(`, `schema${twin}(`));
      }
    } else {
      bodies.set(body, name);
    }
  }
  const constants = patterns
    .map((pattern, index) => `const PATTERN_${index} = new RegExp(${q(pattern)}, 'u');\n`)
    .join('');
  return `${RUNTIME}${constants}
/** Checks a value against \`${rootName}\` of the spec; the issues in the order of src/json-schema.ts. */
export function ${exportName}(value: unknown): Issue[] {
  const out: Issue[] = [];
  schema${rootName}(value, '', out);
  return out;
}

${[...functions.values()].join('\n')}`;
}

const RUNTIME = `import type { ValidationIssue as Issue } from '../json-schema';

const is = (value: unknown, type: string): boolean =>
  type === 'null'
    ? value === null
    : type === 'integer'
      ? Number.isInteger(value)
      : type === 'object'
        ? typeof value === 'object' && value !== null && !Array.isArray(value)
        : type === 'array'
          ? Array.isArray(value)
          : typeof value === type;
const chars = (text: string): number => {
  let count = 0;
  for (const _ of text) {
    count++;
  }
  return count;
};
const add = (out: Issue[], path: string, keyword: string, message: string): void => {
  out.push({ path, keyword, message });
};
const at = (path: string, key: string): string => (path ? \`\${path}.\${key}\` : key);
const isMultiple = (value: number, step: number): boolean => Math.abs(value / step - Math.round(value / step)) <= 1e-9;
function isUri(text: string): boolean {
  if (typeof URL.canParse === 'function') {
    return URL.canParse(text);
  }
  try {
    return Boolean(new URL(text));
  } catch {
    return false;
  }
}
function pickAlternative(outcomes: Issue[][], path: string, out: Issue[]): void {
  if (outcomes.some((found) => found.length === 0)) {
    return;
  }
  const informative = outcomes.filter((found) => found.some((issue) => issue.keyword !== 'type'));
  if (informative.length === 1) {
    out.push(...(informative[0] as Issue[]));
    return;
  }
  const reasons = outcomes.map((found) => found.map((issue) => issue.message).join(' and '));
  out.push({ path, keyword: 'anyOf', message: [...new Set(reasons)].join(', or ') });
}
`;
