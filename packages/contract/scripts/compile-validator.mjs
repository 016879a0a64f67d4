/**
 * The contract's one validator: compiles every schema under `components.schemas` of the spec into
 * straight-line TypeScript at `pnpm generate` (like ajv's standalone code), one `check<Name>`
 * function per schema. A bundle that validates one body ships that body's few hundred bytes of
 * checks, not an interpreter and its schemas.
 *
 * What the tests check (test/validator-parity.test.ts): on every row of the constraint tables and
 * on fast-check values generated from the schemas, each compiled check gives the same verdict as
 * ajv 8 (strict JSON Schema 2020-12, `multipleOfPrecision` for `cfg_scale`, ajv-formats' `uri` and
 * `date-time`), and its issues name a field that ajv also names. The messages themselves are ours.
 *
 * Supported keywords are listed in ASSERTIONS; any other assertion keyword in the spec makes
 * generation fail, so a constraint can never be skipped silently. Unknown object fields are
 * allowed (kie.ai ignores them) unless a schema says `additionalProperties`.
 */

const REF = '#/components/schemas/';
const q = (value) => JSON.stringify(value);

/** Keywords that only annotate: they never make a value invalid. */
const ANNOTATIONS = new Set([
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

/** Keywords the compiled code enforces. */
const ASSERTIONS = new Set([
  '$ref',
  'allOf',
  'anyOf',
  'oneOf',
  'discriminator',
  'not',
  'if',
  'then',
  'else',
  'type',
  'const',
  'enum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
]);

const FORMATS = { uri: 'isUri', 'date-time': 'isDateTime' };

/** `a string`, `an integer`, `null`: how a type is named in messages. */
const typeName = (type) => (type === 'null' ? 'null' : `a${/^[aeiou]/.test(type) ? 'n' : ''} ${type}`);

/** Returns the TypeScript source of the module: the runtime helpers and one `check<Name>` per schema. */
export function compileValidators(document) {
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
    if (!schemas[name]) {
      throw new Error(`compileValidators: $ref to unknown schema "${name}"`);
    }
    if (!functions.has(name)) {
      functions.set(name, null);
      functions.set(
        name,
        `function schema${name}(v: unknown, p: string, out: Issue[]): void {\n${body(schemas[name], '  ', name)}}\n`,
      );
    }
    return `schema${name}`;
  };

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
  const scoped = (schema, value, path, indent, where) => {
    const ref = onlyRef(schema);
    if (ref) {
      return `${indent}${fnFor(ref.slice(REF.length))}(${value}, ${path}, out);\n`;
    }
    return `${indent}((v: unknown, p: string) => {\n${body(schema, `${indent}  `, where)}${indent}})(${value}, ${path});\n`;
  };

  /** Code that collects the issues of every alternative into `alternatives` (anyOf stops at a match). */
  const alternativesCode = (list, indent, where, stopAtMatch) => {
    let code = `${indent}const alternatives: Issue[][] = [];\n`;
    list.forEach((alternative, index) => {
      const guard = stopAtMatch ? 'alternatives.every((found) => found.length > 0)' : 'true';
      code += `${indent}if (${guard}) {\n`;
      code += `${indent}  const found: Issue[] = [];\n`;
      code += `${indent}  alternatives.push(found);\n`;
      code += `${indent}  ((out: Issue[]) => {\n`;
      code += scoped(
        alternative,
        'v',
        'p',
        `${indent}    `,
        `${where}.${stopAtMatch ? 'anyOf' : 'oneOf'}[${index}]`,
      );
      code += `${indent}  })(found);\n`;
      code += `${indent}}\n`;
    });
    return code;
  };

  /** Code that appends the issues of `v` at path `p` to `out` (all three in scope). */
  function body(schema, indent, where) {
    for (const keyword of Object.keys(schema)) {
      if (!keyword.startsWith('x-') && !ANNOTATIONS.has(keyword) && !ASSERTIONS.has(keyword)) {
        throw new Error(
          `compileValidators: ${where} uses keyword "${keyword}", which the validator does not enforce`,
        );
      }
    }
    if (schema.format !== undefined && !FORMATS[schema.format]) {
      throw new Error(`compileValidators: ${where} uses format "${schema.format}", which is not supported`);
    }
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
    schema.allOf?.forEach((part, index) => {
      code += scoped(part, 'v', 'p', indent, `${where}.allOf[${index}]`);
    });
    if (schema.anyOf) {
      // Alternatives are tried in order and the first that matches ends the search.
      line('{');
      code += alternativesCode(schema.anyOf, `${indent}  `, where, true);
      line('  pickAlternative(alternatives, p, out);');
      line('}');
    }
    if (schema.discriminator) {
      // One branch per value of the tag: the value picks the schema, so its issues are the only ones.
      const { propertyName, mapping } = schema.discriminator;
      if (!schema.oneOf || !mapping || typeof propertyName !== 'string') {
        throw new Error(`compileValidators: ${where} needs oneOf and a discriminator mapping`);
      }
      const values = Object.keys(mapping);
      code += `${indent}if (!is(v, 'object')) {\n${indent}  ${add('type', q('must be an object'))}\n${indent}  return;\n${indent}}\n`;
      code += `${indent}switch ((v as Record<string, unknown>)[${q(propertyName)}]) {\n`;
      for (const [value, ref] of Object.entries(mapping)) {
        code += `${indent}  case ${q(value)}:\n${indent}    ${fnFor(ref.slice(REF.length))}(v, p, out);\n${indent}    break;\n`;
      }
      code += `${indent}  case undefined:\n${indent}    ${add('required', q('is required'), `at(p, ${q(propertyName)})`)}\n${indent}    break;\n`;
      code += `${indent}  default:\n${indent}    ${add('discriminator', q(`must be one of ${values.map(q).join(', ')}`), `at(p, ${q(propertyName)})`)}\n${indent}}\n`;
    } else if (schema.oneOf) {
      line('{');
      code += alternativesCode(schema.oneOf, `${indent}  `, where, false);
      line('  pickOne(alternatives, p, out);');
      line('}');
    }
    if (schema.not) {
      // The message is the sub-schema's description, which says what must not happen.
      const message = schema.not.description ?? 'must not match the excluded form';
      line('{');
      line('  const found: Issue[] = [];');
      line('  ((out: Issue[]) => {');
      code += scoped(schema.not, 'v', 'p', `${indent}    `, `${where}.not`);
      line('  })(found);');
      line(`  if (found.length === 0) {`);
      line(`    ${add('not', q(message))}`);
      line('  }');
      line('}');
    }
    if (schema.if) {
      if (!schema.then && !schema.else) {
        throw new Error(`compileValidators: ${where} has "if" without "then" or "else"`);
      }
      line('{');
      line('  const found: Issue[] = [];');
      line('  ((out: Issue[]) => {');
      code += scoped(schema.if, 'v', 'p', `${indent}    `, `${where}.if`);
      line('  })(found);');
      if (schema.then) {
        line('  if (found.length === 0) {');
        code += scoped(schema.then, 'v', 'p', `${indent}    `, `${where}.then`);
        line('  }');
      }
      if (schema.else) {
        line('  if (found.length > 0) {');
        code += scoped(schema.else, 'v', 'p', `${indent}    `, `${where}.else`);
        line('  }');
      }
      line('}');
    } else if (schema.then || schema.else) {
      throw new Error(`compileValidators: ${where} has "then" or "else" without "if"`);
    }
    const checks = [];
    const types =
      schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type];
    const enumMessage = Array.isArray(schema.enum)
      ? add('enum', q(`must be one of ${schema.enum.map(q).join(', ')}`))
      : undefined;
    const hasType = (value, type) =>
      type === 'null'
        ? value === null
        : type === 'integer'
          ? Number.isInteger(value)
          : type === 'array'
            ? Array.isArray(value)
            : typeof value === type && value !== null;
    // An enum whose values all have the declared type decides the type as well: one check.
    const enumDecides =
      enumMessage !== undefined &&
      types !== undefined &&
      schema.const === undefined &&
      schema.enum.every((value) => types.some((type) => hasType(value, type)));
    if (enumDecides) {
      checks.push(
        `if (!${q(schema.enum)}.includes(${v} as never)) {\n${indent}  ${enumMessage}\n${indent}  return;\n${indent}}`,
      );
    } else {
      if (types) {
        // A test TypeScript narrows by, so the checks after it need no guard of their own.
        const native = {
          string: `typeof ${v} === 'string'`,
          number: `typeof ${v} === 'number'`,
          integer: `typeof ${v} === 'number' && Number.isInteger(${v})`,
          boolean: `typeof ${v} === 'boolean'`,
          array: `Array.isArray(${v})`,
        };
        const test = types
          .map((type) => (types.length === 1 && native[type]) || `is(${v}, ${q(type)})`)
          .join(' || ');
        // `duration: 5` reads better as "must be one of "5", "10"" than as "must be a string".
        const message = enumMessage ?? add('type', q(`must be ${types.map(typeName).join(' or ')}`));
        checks.push(`if (!(${test})) {\n${indent}  ${message}\n${indent}  return;\n${indent}}`);
      }
      if (schema.const !== undefined) {
        checks.push(
          `if (${v} !== ${q(schema.const)}) {\n${indent}  ${add('const', q(schema.const === '' ? 'must be an empty string' : `must be ${q(schema.const)}`))}\n${indent}}`,
        );
      }
      if (enumMessage) {
        checks.push(
          `if (!${q(schema.enum)}.includes(${v} as never)) {\n${indent}  ${enumMessage}\n${indent}}`,
        );
      }
    }
    // After a type check that returned on a mismatch, the value's kind is known: no second guard.
    const only = !enumDecides && types?.length === 1 ? types[0] : undefined;
    const guard = (kind, test, block) =>
      only === kind || (kind === 'number' && only === 'integer')
        ? block
        : `if (${test}) {\n${indent}  ${block}\n${indent}}`;
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
    if (schema.format !== undefined || schema.pattern !== undefined) {
      const format = schema.format ? `!${FORMATS[schema.format]}(${v})` : 'false';
      const pattern = schema.pattern ? `!${regex(schema.pattern)}.test(${v})` : 'false';
      const formatMessage =
        schema.format === 'uri' ? 'must be a valid URL' : `must be a valid ${schema.format}`;
      const patternMessage =
        schema.format === 'uri' ? 'must be an http(s) URL' : `must match ${schema.pattern}`;
      strings.push(
        `if (${format}) {\n${indent}    ${add('format', q(formatMessage))}\n${indent}  } else if (${pattern}) {\n${indent}    ${add('pattern', q(patternMessage))}\n${indent}  }`,
      );
    }
    if (strings.length > 0) {
      checks.push(guard('string', `typeof ${v} === 'string'`, strings.join(`\n${indent}  `)));
    }
    const numbers = [];
    const bound = (keyword, operator, limit, words) => {
      if (typeof limit === 'number') {
        numbers.push(
          `if (${v} ${operator} ${limit}) {\n${indent}    ${add(keyword, q(`must be ${words} ${limit}`))}\n${indent}  }`,
        );
      }
    };
    bound('minimum', '<', schema.minimum, '>=');
    bound('maximum', '>', schema.maximum, '<=');
    bound('exclusiveMinimum', '<=', schema.exclusiveMinimum, '>');
    bound('exclusiveMaximum', '>=', schema.exclusiveMaximum, '<');
    if (typeof schema.multipleOf === 'number') {
      numbers.push(
        `if (!isMultiple(${v}, ${schema.multipleOf})) {\n${indent}    ${add('multipleOf', q(`must be a multiple of ${schema.multipleOf}`))}\n${indent}  }`,
      );
    }
    if (numbers.length > 0) {
      checks.push(guard('number', `typeof ${v} === 'number'`, numbers.join(`\n${indent}  `)));
    }
    const arrays = [];
    if (typeof schema.minItems === 'number') {
      arrays.push(
        `if (${v}.length < ${schema.minItems}) {\n${indent}    ${add('minItems', q(`must have at least ${schema.minItems} item(s)`))}\n${indent}  }`,
      );
    }
    if (typeof schema.maxItems === 'number') {
      arrays.push(
        `if (${v}.length > ${schema.maxItems}) {\n${indent}    ${add('maxItems', q(`must have at most ${schema.maxItems} item(s)`))}\n${indent}  }`,
      );
    }
    if (schema.items) {
      arrays.push(
        `${v}.forEach((item, index) => {\n${scoped(schema.items, 'item', `\`\${${p}}[\${index}]\``, `${indent}    `, `${where}.items`)}${indent}  });`,
      );
    }
    if (arrays.length > 0) {
      checks.push(guard('array', `Array.isArray(${v})`, arrays.join(`\n${indent}  `)));
    }
    if (schema.required || schema.properties || schema.additionalProperties !== undefined) {
      const object = [];
      for (const name of schema.required ?? []) {
        object.push(
          `if (o[${q(name)}] === undefined) {\n${indent}    ${add('required', q('is required'), `at(${p}, ${q(name)})`)}\n${indent}  }`,
        );
      }
      const known = Object.keys(schema.properties ?? {});
      for (const [name, child] of Object.entries(schema.properties ?? {})) {
        object.push(
          `if (o[${q(name)}] !== undefined) {\n${scoped(child, `o[${q(name)}]`, `at(p, ${q(name)})`, `${indent}    `, `${where}.properties.${name}`)}${indent}  }`,
        );
      }
      if (schema.additionalProperties === false) {
        object.push(
          `for (const key of Object.keys(o)) {\n${indent}    if (!${q(known)}.includes(key)) {\n${indent}      ${add('additionalProperties', q('is not allowed'), `at(${p}, key)`)}\n${indent}    }\n${indent}  }`,
        );
      } else if (typeof schema.additionalProperties === 'object') {
        object.push(
          `for (const key of Object.keys(o)) {\n${indent}    if (!${q(known)}.includes(key)) {\n${scoped(schema.additionalProperties, 'o[key]', `at(${p}, key)`, `${indent}      `, `${where}.additionalProperties`)}${indent}    }\n${indent}  }`,
        );
      }
      checks.push(
        guard(
          'object',
          `is(${v}, 'object')`,
          `const o = ${v} as Record<string, unknown>;\n${indent}  ${object.join(`\n${indent}  `)}`,
        ),
      );
    }
    if (checks.length > 0) {
      code += `${indent}${checks.join(`\n${indent}`)}\n`;
    }
    return code;
  }

  const names = Object.keys(schemas);
  for (const name of names) {
    fnFor(name);
  }
  // Schemas with the same rules (HttpUrl and ImageUrl) compile to the same body: keep one function.
  const aliases = new Map();
  const bodies = new Map();
  for (const [name, source] of functions) {
    const text = source.slice(source.indexOf('{'));
    const twin = bodies.get(text);
    if (twin) {
      aliases.set(name, twin);
      functions.delete(name);
      for (const [other, otherText] of functions) {
        functions.set(other, otherText.replaceAll(`schema${name}(`, `schema${twin}(`));
      }
    } else {
      bodies.set(text, name);
    }
  }
  const target = (name) => {
    let current = name;
    while (aliases.has(current)) {
      current = aliases.get(current);
    }
    return current;
  };
  const constants = patterns
    .map((pattern, index) => `const PATTERN_${index} = /* @__PURE__ */ new RegExp(${q(pattern)}, 'u');\n`)
    .join('');
  const exports = names
    .map(
      (
        name,
      ) => `/** Checks a value against \`${name}\` of the spec: the issues found, none when it is valid. */
export function check${name}(value: unknown): Issue[] {
  const out: Issue[] = [];
  schema${target(name)}(value, '', out);
  return out;
}
`,
    )
    .join('\n');
  return `${RUNTIME}${constants}
${exports}
${[...functions.values()].join('\n')}`;
}

const RUNTIME = `import type { ValidationIssue as Issue } from '../validation';

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
// Tolerates binary floating point: 0.3 / 0.1 is 2.9999999999999996.
const isMultiple = (value: number, step: number): boolean => Math.abs(value / step - Math.round(value / step)) <= 1e-9;
// RFC 3986 absolute URI, the \`uri\` format of JSON Schema: the expression of ajv-formats 3 (MIT).
const URI =
  /^(?:[a-z][a-z0-9+\\-.]*:)(?:\\/?\\/(?:(?:[a-z0-9\\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?)\\.){3}(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\\.[a-z0-9\\-._~!$&'()*+,;=:]+)\\]|(?:(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?)\\.){3}(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?)|(?:[a-z0-9\\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\\d*)?(?:\\/(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\\/(?:(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\\/(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\\/(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\\?(?:[a-z0-9\\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i;
const isUri = (text: string): boolean => /\\/|:/.test(text) && URI.test(text);
// RFC 3339 date-time, the \`date-time\` format of JSON Schema: a real calendar date and time, with a
// time zone; a leap second only at 23:59 UTC.
const DATE = /^(\\d{4})-(\\d{2})-(\\d{2})$/;
const TIME = /^(\\d{2}):(\\d{2}):(\\d{2}(?:\\.\\d+)?)(z|([+-])(\\d{2})(?::?(\\d{2}))?)?$/i;
function isDateTime(text: string): boolean {
  const [date, time, ...rest] = text.split(/t|\\s/i);
  const d = DATE.exec(date ?? '');
  const t = TIME.exec(time ?? '');
  if (rest.length > 0 || !d || !t || !t[4]) {
    return false;
  }
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  if (day < 1 || day > days) {
    return false;
  }
  const [hour, minute, second] = [Number(t[1]), Number(t[2]), Number(t[3])];
  const sign = t[5] === '-' ? -1 : 1;
  const [zoneHour, zoneMinute] = [Number(t[6] ?? 0), Number(t[7] ?? 0)];
  if (zoneHour > 23 || zoneMinute > 59) {
    return false;
  }
  if (hour <= 23 && minute <= 59 && second < 60) {
    return true;
  }
  const utcMinute = minute - zoneMinute * sign;
  const utcHour = hour - zoneHour * sign - (utcMinute < 0 ? 1 : 0);
  return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61;
}
/**
 * anyOf: the alternative the value came closest to speaks for all: not one the value's own type
 * rules out, and with the fewest issues. Equally close alternatives that fault the same fields are
 * merged field by field; otherwise the reasons of all are joined at the value itself.
 */
function pickAlternative(outcomes: Issue[][], path: string, out: Issue[]): void {
  if (outcomes.some((found) => found.length === 0)) {
    return;
  }
  const informative = outcomes.filter(
    (found) => !found.every((issue) => issue.keyword === 'type' && issue.path === path),
  );
  const fewest = Math.min(...informative.map((found) => found.length));
  const closest = informative.filter((found) => found.length === fewest);
  const fields = (found: Issue[]) => found.map((issue) => issue.path).join(' ');
  if (closest.length > 0 && closest.every((found) => fields(found) === fields(closest[0] as Issue[]))) {
    (closest[0] as Issue[]).forEach((issue, index) => {
      const messages = new Set(closest.map((found) => (found[index] as Issue).message));
      const keywords = new Set(closest.map((found) => (found[index] as Issue).keyword));
      out.push({
        path: issue.path,
        keyword: keywords.size === 1 ? issue.keyword : 'anyOf',
        message: [...messages].join(', or '),
      });
    });
    return;
  }
  const reasons = outcomes.map((found) => found.map((issue) => issue.message).join(' and '));
  out.push({ path, keyword: 'anyOf', message: [...new Set(reasons)].join(', or ') });
}
/** oneOf: as anyOf when nothing matches; an issue of its own when more than one does. */
function pickOne(outcomes: Issue[][], path: string, out: Issue[]): void {
  const matches = outcomes.filter((found) => found.length === 0).length;
  if (matches > 1) {
    out.push({ path, keyword: 'oneOf', message: \`must match exactly one alternative (matched \${matches})\` });
  } else if (matches === 0) {
    pickAlternative(outcomes, path, out);
  }
}
`;
