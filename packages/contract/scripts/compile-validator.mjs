/**
 * The contract's one validator: compiles every schema under `components.schemas` of the spec into
 * TypeScript at `pnpm generate`, one `check<Name>` function per schema. Each schema becomes a
 * composition of a few small checks (`type`, `length`, `uri`, `items`, `object`, `anyOf`, …, in
 * RUNTIME below) with its limits as arguments: no schema is read at run time, and a bundle that
 * validates one body ships that body's compositions and the checks they use, not an interpreter and
 * its schemas. The messages are written once, in the checks; a composition used twice (the same
 * property in several models or branches) is one constant, so a model's validator costs a few
 * hundred bytes.
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

/** A value's JSON types, as `is()` tells them apart. */
const hasType = (value, type) =>
  type === 'null'
    ? value === null
    : type === 'integer'
      ? Number.isInteger(value)
      : type === 'array'
        ? Array.isArray(value)
        : type === 'object'
          ? typeof value === 'object' && value !== null && !Array.isArray(value)
          : typeof value === type;

/** Returns the TypeScript source of the module: the runtime checks and one `check<Name>` per schema. */
export function compileValidators(document) {
  const schemas = document.components.schemas;

  /**
   * Every composition, by its text: the first time a text is seen it gets a token, and each use of
   * the token is counted, so that a composition used twice becomes one constant.
   */
  const nodes = new Map(); // token → { text, uses }
  const tokens = new Map(); // text → token
  const node = (text) => {
    let token = tokens.get(text);
    if (!token) {
      token = `\uE000${nodes.size}\uE000`;
      tokens.set(text, token);
      nodes.set(token, { text, uses: 0 });
    }
    return token;
  };
  /** A call of a runtime check: pure, so a bundle drops the compositions it does not use. */
  const call = (fn, ...args) => node(`/* @__PURE__ */ ${fn}(${args.join(', ')})`);
  /**
   * The checks that return true on a mismatch (a type, an enum that decides the type, a
   * discriminator), to stop the other checks of their schema. A schema of one such check, met
   * through `$ref` or `allOf` among other parts, is wrapped in an `all()` of its own, so that it
   * stops itself only.
   */
  const stopping = new Set();
  const stop = (token) => {
    stopping.add(token);
    return token;
  };
  const scopedPart = (token) => (stopping.has(token) ? call('all', token) : token);

  const patterns = [];
  const regex = (pattern) => {
    if (!patterns.includes(pattern)) {
      patterns.push(pattern);
    }
    return `PATTERN_${patterns.indexOf(pattern)}`;
  };

  /** The compiled token of each named schema (`null` while it compiles: a cycle reads it lazily). */
  const named = new Map();
  const fnFor = (name) => {
    if (!schemas[name]) {
      throw new Error(`compileValidators: $ref to unknown schema "${name}"`);
    }
    if (named.has(name)) {
      const token = named.get(name);
      // A schema that refers to itself, directly or not: read it when called, once it exists (and
      // never stop the caller's other checks).
      return (
        token ?? node(`(v: unknown, p: string, out: Issue[]) => {\n  \uE001${name}\uE001(v, p, out);\n}`)
      );
    }
    named.set(name, null);
    const token = compile(schemas[name], name);
    named.set(name, token);
    return token;
  };

  /** A sub-schema (a property, an item, an alternative…) as one check. */
  const sub = (schema, where) => {
    const ref = onlyRef(schema);
    return ref ? fnFor(ref.slice(REF.length)) : compile(schema, where);
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

  /**
   * The parts of a schema, in the order the checks run: applicators first ($ref, allOf, anyOf,
   * oneOf or discriminator, not, if), then the type (a mismatch stops the schema's other checks),
   * const and enum, then the string, number, array and object keywords.
   */
  function compile(schema, where) {
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
    const parts = [];
    const part = (token) => parts.push(token);
    if (schema.$ref) {
      part(scopedPart(fnFor(schema.$ref.slice(REF.length))));
    }
    schema.allOf?.forEach((entry, index) => {
      part(scopedPart(sub(entry, `${where}.allOf[${index}]`)));
    });
    if (schema.anyOf) {
      // Alternatives are tried in order and the first that matches ends the search.
      const list = schema.anyOf.map((entry, index) => sub(entry, `${where}.anyOf[${index}]`));
      part(call('anyOf', `[${list.join(', ')}]`));
    }
    if (schema.discriminator) {
      // One branch per value of the tag: the value picks the schema, so its issues are the only ones.
      const { propertyName, mapping } = schema.discriminator;
      if (!schema.oneOf || !mapping || typeof propertyName !== 'string') {
        throw new Error(`compileValidators: ${where} needs oneOf and a discriminator mapping`);
      }
      const branches = Object.entries(mapping).map(
        ([value, ref]) => `${q(value)}: ${fnFor(ref.slice(REF.length))}`,
      );
      part(stop(call('discriminator', q(propertyName), `{ ${branches.join(', ')} }`)));
    } else if (schema.oneOf) {
      const list = schema.oneOf.map((entry, index) => sub(entry, `${where}.oneOf[${index}]`));
      part(call('oneOf', `[${list.join(', ')}]`));
    }
    if (schema.not) {
      // The message is the sub-schema's description, which says what must not happen.
      const message = schema.not.description ?? 'must not match the excluded form';
      part(call('not', sub(schema.not, `${where}.not`), q(message)));
    }
    if (schema.if) {
      if (!schema.then && !schema.else) {
        throw new Error(`compileValidators: ${where} has "if" without "then" or "else"`);
      }
      const branches = [
        sub(schema.if, `${where}.if`),
        schema.then ? sub(schema.then, `${where}.then`) : '0',
        ...(schema.else ? [sub(schema.else, `${where}.else`)] : []),
      ];
      part(call('when', ...branches));
    } else if (schema.then || schema.else) {
      throw new Error(`compileValidators: ${where} has "then" or "else" without "if"`);
    }

    const types =
      schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type];
    const hasEnum = Array.isArray(schema.enum);
    // An enum whose values all have the declared type decides the type as well: one check.
    const enumDecides =
      hasEnum &&
      types !== undefined &&
      schema.const === undefined &&
      schema.enum.every((value) => types.some((type) => hasType(value, type)));
    if (enumDecides) {
      part(stop(call('enumOf', q(schema.enum), '1')));
    } else {
      if (types) {
        // `duration: 5` reads better as "must be one of "5", "10"" than as "must be a string".
        part(
          stop(
            hasEnum
              ? call('type', q(types), q(`must be one of ${schema.enum.map(q).join(', ')}`), q('enum'))
              : call('type', q(types), q(`must be ${types.map(typeName).join(' or ')}`)),
          ),
        );
      }
      if (schema.const !== undefined) {
        part(call('constant', q(schema.const)));
      }
      if (hasEnum) {
        part(call('enumOf', q(schema.enum)));
      }
    }
    if (typeof schema.minLength === 'number' || typeof schema.maxLength === 'number') {
      part(
        call(
          'length',
          String(schema.minLength ?? 0),
          ...(typeof schema.maxLength === 'number' ? [String(schema.maxLength)] : []),
        ),
      );
    }
    if (schema.format === 'uri') {
      // Every URL of the spec is a `uri` with an http(s) pattern: one check with its two messages.
      part(call('uri', schema.pattern ? regex(schema.pattern) : '0'));
    } else if (schema.format !== undefined || schema.pattern !== undefined) {
      part(
        call(
          'format',
          schema.format ? FORMATS[schema.format] : '0',
          q(schema.format ? `must be a valid ${schema.format}` : ''),
          ...(schema.pattern ? [regex(schema.pattern), q(`must match ${schema.pattern}`)] : []),
        ),
      );
    }
    if (typeof schema.minimum === 'number') {
      part(call('limit', String(schema.minimum)));
    }
    if (typeof schema.maximum === 'number') {
      part(call('limit', String(schema.maximum), '1'));
    }
    if (typeof schema.exclusiveMinimum === 'number') {
      part(call('exclusiveLimit', String(schema.exclusiveMinimum)));
    }
    if (typeof schema.exclusiveMaximum === 'number') {
      part(call('exclusiveLimit', String(schema.exclusiveMaximum), '1'));
    }
    if (typeof schema.multipleOf === 'number') {
      part(call('multipleOf', String(schema.multipleOf)));
    }
    if (typeof schema.minItems === 'number' || typeof schema.maxItems === 'number' || schema.items) {
      const item = schema.items ? sub(schema.items, `${where}.items`) : undefined;
      part(
        call(
          'items',
          String(schema.minItems ?? 0),
          ...(typeof schema.maxItems === 'number' || item ? [String(schema.maxItems ?? 'Infinity')] : []),
          ...(item ? [item] : []),
        ),
      );
    }
    if (schema.required || schema.properties || schema.additionalProperties !== undefined) {
      const properties = Object.entries(schema.properties ?? {}).map(([name, child]) => {
        if (name === '__proto__') {
          throw new Error(`compileValidators: ${where} has a property named "__proto__"`);
        }
        return `${/^[A-Za-z_$][\w$]*$/.test(name) ? name : q(name)}: ${sub(child, `${where}.properties.${name}`)}`;
      });
      const additional =
        schema.additionalProperties === false
          ? ['0']
          : typeof schema.additionalProperties === 'object'
            ? [sub(schema.additionalProperties, `${where}.additionalProperties`)]
            : [];
      part(call('object', q(schema.required ?? []), `{ ${properties.join(', ')} }`, ...additional));
    }
    // No assertion (an annotated `{}`) accepts anything: `all()` of nothing.
    return parts.length === 1 ? parts[0] : call('all', ...parts);
  }

  const names = Object.keys(schemas);
  for (const name of names) {
    fnFor(name);
  }

  // Count the uses of every token: in the exports (each named schema's check) and in other texts.
  for (const name of names) {
    nodes.get(named.get(name)).uses++;
  }
  for (const { text } of nodes.values()) {
    for (const token of text.match(/\uE000\d+\uE000/g) ?? []) {
      nodes.get(token).uses++;
    }
  }
  // A token used once is written where it is used; the others become constants, in the order they
  // were made (after everything they refer to). A named schema's constant takes its first name.
  const constName = new Map();
  for (const name of names) {
    const token = named.get(name);
    if (!constName.has(token)) {
      constName.set(token, `schema${name}`);
    }
  }
  let shared = 0;
  for (const [token, entry] of nodes) {
    if (entry.uses > 1 && !constName.has(token)) {
      constName.set(token, `c${shared++}`);
    }
  }
  const expand = (text) =>
    text
      .replace(/\uE000\d+\uE000/g, (token) => constName.get(token) ?? expand(nodes.get(token).text))
      .replace(/\uE001(\w+)\uE001/g, (_whole, name) => constName.get(named.get(name)));
  const constants = [...nodes]
    .filter(([token]) => constName.has(token))
    .map(([token, entry]) => `const ${constName.get(token)}: Check = ${expand(entry.text)};\n`)
    .join('');

  const regexes = patterns
    .map((pattern, index) => `const PATTERN_${index} = /* @__PURE__ */ new RegExp(${q(pattern)}, 'u');\n`)
    .join('');
  const exports = names
    .map(
      (name) =>
        `/** Checks a value against \`${name}\` of the spec: the issues found, none when it is valid. */
export const check${name}: (value: unknown) => Issue[] = /* @__PURE__ */ run(${constName.get(named.get(name))});
`,
    )
    .join('\n');
  return `${RUNTIME}${regexes}
${constants}
${exports}`;
}

const RUNTIME = `import type { ValidationIssue as Issue } from '../validation';

/** Appends the issues of \`v\` (at path \`p\`) to \`out\`; true stops the other checks of its schema. */
type Check = (v: unknown, p: string, out: Issue[]) => unknown;

// An object is not null and not an array; for the other types of typeof, the extra tests hold anyway.
const is = (value: unknown, type: string): boolean =>
  type === 'integer'
    ? Number.isInteger(value)
    : type === 'array'
      ? Array.isArray(value)
      : type === 'null'
        ? value === null
        : typeof value === type && value !== null && !Array.isArray(value);
/** The length in characters (code points), as JSON Schema counts it. */
const chars = (text: string): number => [...text].length;
const add = (out: Issue[], path: string, keyword: string, message: string): true => {
  out.push({ path, keyword, message });
  return true;
};
const at = (path: string, key: string): string => (path ? \`\${path}.\${key}\` : key);
/** \`must be one of "5", "10"\`. */
const oneOfMessage = (values: readonly unknown[]): string =>
  \`must be one of \${values.map((value) => JSON.stringify(value)).join(', ')}\`;
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
/** The issues each check finds on its own (an alternative, a condition), without stopping. */
const outcome = (check: Check, v: unknown, p: string): Issue[] => {
  const found: Issue[] = [];
  check(v, p, found);
  return found;
};

/** A schema of several parts: each in turn, until one stops the rest (a type mismatch). */
const all =
  (...checks: Check[]): Check =>
  (v, p, out) => {
    checks.some((check) => check(v, p, out));
  };
/** The value has one of the types (else the message: the type's, or the enum's); stops on a mismatch. */
const type =
  (types: readonly string[], message: string, keyword = 'type'): Check =>
  (v, p, out) =>
    !types.some((name) => is(v, name)) && add(out, p, keyword, message);
/** One of the values; with \`stops\`, the enum decides the type too and a mismatch stops the schema. */
const enumOf =
  (values: readonly unknown[], stops?: 1): Check =>
  (v, p, out) =>
    !values.includes(v) && add(out, p, 'enum', oneOfMessage(values)) && stops;
const constant =
  (value: unknown): Check =>
  (v, p, out) => {
    if (v !== value) {
      add(out, p, 'const', value === '' ? 'must be an empty string' : \`must be \${JSON.stringify(value)}\`);
    }
  };
/** minLength and maxLength, in characters (code points). */
const length =
  (min: number, max = Infinity): Check =>
  (v, p, out) => {
    // UTF-16 length ≥ code points, so the count runs only when the length alone cannot decide.
    if (typeof v === 'string') {
      if (v.length < min * 2 && chars(v) < min) {
        add(out, p, 'minLength', min === 1 ? 'must not be empty' : \`must be at least \${min} characters\`);
      }
      if (v.length > max && chars(v) > max) {
        add(out, p, 'maxLength', \`must be at most \${max} characters (got \${chars(v)})\`);
      }
    }
  };
/** format and pattern: the format first, the pattern only for a value in the format. */
const format =
  (valid: ((text: string) => boolean) | 0, message: string, pattern?: RegExp, patternMessage?: string): Check =>
  (v, p, out) => {
    if (typeof v === 'string') {
      if (valid && !valid(v)) {
        add(out, p, 'format', message);
      } else if (pattern && !pattern.test(v)) {
        add(out, p, 'pattern', patternMessage as string);
      }
    }
  };
/** The \`uri\` format, and the http(s) pattern every URL of the spec has. */
const uri =
  (pattern: RegExp | 0): Check =>
  (v, p, out) => {
    if (typeof v === 'string') {
      if (!isUri(v)) {
        add(out, p, 'format', 'must be a valid URL');
      } else if (pattern && !pattern.test(v)) {
        add(out, p, 'pattern', 'must be an http(s) URL');
      }
    }
  };
/** minimum, or maximum with \`max\`. */
const limit =
  (bound: number, max?: 1): Check =>
  (v, p, out) => {
    if (typeof v === 'number' && (max ? v > bound : v < bound)) {
      add(out, p, max ? 'maximum' : 'minimum', \`must be \${max ? '<=' : '>='} \${bound}\`);
    }
  };
/** exclusiveMinimum, or exclusiveMaximum with \`max\`. */
const exclusiveLimit =
  (bound: number, max?: 1): Check =>
  (v, p, out) => {
    if (typeof v === 'number' && (max ? v >= bound : v <= bound)) {
      add(out, p, max ? 'exclusiveMaximum' : 'exclusiveMinimum', \`must be \${max ? '<' : '>'} \${bound}\`);
    }
  };
const multipleOf =
  (step: number): Check =>
  (v, p, out) => {
    // Tolerates binary floating point: 0.3 / 0.1 is 2.9999999999999996.
    if (typeof v === 'number' && !(Math.abs(v / step - Math.round(v / step)) <= 1e-9)) {
      add(out, p, 'multipleOf', \`must be a multiple of \${step}\`);
    }
  };
/** minItems, maxItems and items. */
const items =
  (min: number, max = Infinity, item?: Check): Check =>
  (v, p, out) => {
    if (Array.isArray(v)) {
      if (v.length < min) {
        add(out, p, 'minItems', \`must have at least \${min} item(s)\`);
      }
      if (v.length > max) {
        add(out, p, 'maxItems', \`must have at most \${max} item(s)\`);
      }
      item && v.forEach((value, index) => item(value, \`\${p}[\${index}]\`, out));
    }
  };
/** required, properties and additionalProperties (0: none allowed; a check: what they must be). */
const object =
  (required: readonly string[], properties: Readonly<Record<string, Check>>, additional?: Check | 0): Check =>
  (v, p, out) => {
    if (is(v, 'object')) {
      const o = v as Record<string, unknown>;
      for (const name of required) {
        if (o[name] === undefined) {
          add(out, at(p, name), 'required', 'is required');
        }
      }
      for (const name in properties) {
        if (o[name] !== undefined) {
          (properties[name] as Check)(o[name], at(p, name), out);
        }
      }
      if (additional !== undefined) {
        for (const key of Object.keys(o)) {
          if (!Object.hasOwn(properties, key)) {
            if (additional) {
              additional(o[key], at(p, key), out);
            } else {
              add(out, at(p, key), 'additionalProperties', 'is not allowed');
            }
          }
        }
      }
    }
  };
/** anyOf: the alternatives in order, up to the first that matches. */
const anyOf =
  (alternatives: readonly Check[]): Check =>
  (v, p, out) => {
    const outcomes: Issue[][] = [];
    for (const alternative of alternatives) {
      const found = outcome(alternative, v, p);
      outcomes.push(found);
      if (found.length === 0) {
        break;
      }
    }
    pickAlternative(outcomes, p, out);
  };
/** oneOf: as anyOf when nothing matches; an issue of its own when more than one does. */
const oneOf =
  (alternatives: readonly Check[]): Check =>
  (v, p, out) => {
    const outcomes = alternatives.map((alternative) => outcome(alternative, v, p));
    const matches = outcomes.filter((found) => found.length === 0).length;
    if (matches > 1) {
      add(out, p, 'oneOf', \`must match exactly one alternative (matched \${matches})\`);
    } else if (matches === 0) {
      pickAlternative(outcomes, p, out);
    }
  };
/** oneOf with a discriminator: the tag's value picks the one schema; stops on a value that is not an object. */
const discriminator =
  (property: string, mapping: Readonly<Record<string, Check>>): Check =>
  (v, p, out) => {
    if (!is(v, 'object')) {
      return add(out, p, 'type', 'must be an object');
    }
    const tag = (v as Record<string, unknown>)[property];
    if (tag === undefined) {
      add(out, at(p, property), 'required', 'is required');
    } else if (typeof tag === 'string' && Object.hasOwn(mapping, tag)) {
      (mapping[tag] as Check)(v, p, out);
    } else {
      add(out, at(p, property), 'discriminator', oneOfMessage(Object.keys(mapping)));
    }
  };
const not =
  (check: Check, message: string): Check =>
  (v, p, out) => {
    if (outcome(check, v, p).length === 0) {
      add(out, p, 'not', message);
    }
  };
/** if / then / else. */
const when =
  (condition: Check, then: Check | 0, otherwise?: Check): Check =>
  (v, p, out) => {
    const next = outcome(condition, v, p).length === 0 ? then : otherwise;
    next && next(v, p, out);
  };
/** A schema's check as the exported function: the issues of a value, none when it is valid. */
const run =
  (check: Check) =>
  (value: unknown): Issue[] =>
    outcome(check, value, '');
`;
