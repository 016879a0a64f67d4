/**
 * What the generic form edits and what it sends: values per field (as the controls hold them),
 * initial values from the schema's defaults, values from a model's catalog example, the createTask
 * body built from them (empty optional fields left out), and the validator's issues mapped back to
 * the fields they are about.
 */
import type { ModelFacts, ValidationIssue } from '@kling-kit/contract';
import type { FieldSpec, FormBranch, ModelForm } from './model-form';

/** One item of an object list: a stable key (for React and focus) and its fields' values. */
export interface ListItem {
  readonly key: string;
  readonly values: Values;
}

/**
 * A field's value as its control holds it: text, URL, JSON and number inputs hold strings, a slider
 * a number, a select its option (`undefined`: not sent), a switch a boolean (`undefined`: not
 * sent), a URL list strings, an object list items.
 */
export type Value = string | number | boolean | undefined | readonly string[] | readonly ListItem[];

/** Values by property name. */
export type Values = Readonly<Record<string, Value>>;

/** The whole form's state for one model. */
export interface FormState {
  readonly modelId: string;
  /** The chosen form (`oneOf` branch); 0 when the model has one. */
  readonly branch: number;
  /** The input's values by property name, shared by the model's forms. */
  readonly values: Values;
  /** Request-level values (`callBackUrl`). */
  readonly request: Values;
}

/** The createTask body the form sends. */
export interface FormRequest {
  readonly model: string;
  readonly callBackUrl?: string;
  readonly input: Record<string, unknown>;
}

let nextKey = 0;
/** A new key for an object list item. */
export const newItemKey = (): string => `i${++nextKey}`;

/** A field's value before anyone types: the schema's default, or empty. */
export function initialValue(field: FieldSpec): Value {
  switch (field.kind) {
    case 'text':
    case 'url':
    case 'json':
      return '';
    case 'select':
      if (field.default !== undefined && field.options.includes(field.default)) {
        return field.default;
      }
      return field.required ? field.options[0] : undefined;
    case 'switch':
      return field.fixed ?? field.default ?? (field.required ? false : undefined);
    case 'number':
      return field.slider ? (field.default ?? field.minimum ?? 0) : '';
    case 'url-list':
      return Array.from({ length: Math.max(field.minItems, field.required ? 1 : 0) }, () => '');
    case 'objects':
      return Array.from({ length: field.minItems }, () => newItem(field.fields));
  }
}

/** An object list item with every field at its initial value. */
export function newItem(fields: readonly FieldSpec[]): ListItem {
  return { key: newItemKey(), values: initialValues(fields) };
}

/** Initial values of fields. */
export function initialValues(fields: readonly FieldSpec[]): Values {
  return Object.fromEntries(fields.map((field) => [field.name, initialValue(field)]));
}

/** Every field of every form of a model, the first form's first (one spec per name). */
function allFields(form: ModelForm, first = 0): FieldSpec[] {
  const seen = new Set<string>();
  const ordered = [form.branches[first], ...form.branches.filter((_, index) => index !== first)];
  return ordered.flatMap((branch) =>
    (branch?.fields ?? []).filter((field) => !seen.has(field.name) && seen.add(field.name)),
  );
}

/** The form of a model before anyone types. */
export function initialState(form: ModelForm): FormState {
  return {
    modelId: form.modelId,
    branch: 0,
    values: initialValues(allFields(form)),
    request: initialValues(form.requestFields),
  };
}

const isStrings = (value: Value): value is readonly string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Whether a value the controls hold fits a field (same kind of control, an allowed option). */
export function fits(field: FieldSpec, value: Value): boolean {
  switch (field.kind) {
    case 'text':
    case 'url':
    case 'json':
      return typeof value === 'string';
    case 'select':
      return value === undefined ? !field.required : field.options.includes(value as string | number);
    case 'switch':
      return field.fixed !== undefined
        ? value === field.fixed
        : typeof value === 'boolean' || (value === undefined && !field.required);
    case 'number':
      return field.slider
        ? typeof value === 'number' &&
            (field.minimum === undefined || value >= field.minimum) &&
            (field.maximum === undefined || value <= field.maximum)
        : typeof value === 'string';
    case 'url-list':
      return isStrings(value) && (field.maxItems === undefined || value.length <= field.maxItems);
    case 'objects':
      return false; // items of another schema: start again
  }
}

/** Pads URL lists to the number of items a form needs (after a change of form). */
function padded(field: FieldSpec, value: Value): Value {
  if (field.kind === 'url-list' && isStrings(value)) {
    const needed = Math.max(field.minItems, field.required ? 1 : 0);
    return value.length >= needed
      ? value
      : [...value, ...Array.from({ length: needed - value.length }, () => '')];
  }
  return value;
}

/** Switches to another form of the model, keeping every value that fits the new form. */
export function withBranch(form: ModelForm, state: FormState, branch: number): FormState {
  const fields = form.branches[branch]?.fields ?? [];
  const values: Record<string, Value> = { ...state.values };
  for (const field of fields) {
    const current = state.values[field.name];
    values[field.name] = fits(field, current) ? padded(field, current) : initialValue(field);
  }
  return { ...state, branch, values };
}

/**
 * The form of another model, keeping what makes sense: each value whose field the new model has
 * with the same kind of control and an allowed value (the prompt, image URLs, the callback URL…).
 */
export function switchModel(previous: ModelForm, state: FormState, next: ModelForm): FormState {
  const fresh = initialState(next);
  const before = new Map(allFields(previous).map((field) => [field.name, field]));
  const keep = (fields: readonly FieldSpec[], old: Values, start: Values, kinds: Map<string, FieldSpec>) =>
    Object.fromEntries(
      fields.map((field) => {
        const value = old[field.name];
        const same = kinds.get(field.name)?.kind === field.kind;
        return [field.name, same && fits(field, value) ? padded(field, value) : start[field.name]];
      }),
    );
  return {
    ...fresh,
    values: keep(allFields(next), state.values, fresh.values, before),
    request: keep(
      next.requestFields,
      state.request,
      fresh.request,
      new Map(previous.requestFields.map((field) => [field.name, field])),
    ),
  };
}

/** A raw JSON value (from an example) as a field's control holds it; undefined when it does not fit. */
export function valueFromJson(field: FieldSpec, raw: unknown): Value {
  switch (field.kind) {
    case 'text':
    case 'url':
      return typeof raw === 'string' ? raw : undefined;
    case 'json':
      return raw === undefined ? undefined : JSON.stringify(raw, null, 2);
    case 'select':
      return field.options.includes(raw as string | number) ? (raw as string | number) : undefined;
    case 'switch':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'number':
      if (typeof raw !== 'number') {
        return undefined;
      }
      return field.slider ? raw : String(raw);
    case 'url-list':
      return Array.isArray(raw) ? padded(field, raw.map(String)) : undefined;
    case 'objects':
      return Array.isArray(raw)
        ? raw.map((item) => ({ key: newItemKey(), values: valuesFromJson(field.fields, item) }))
        : undefined;
  }
}

/** Values of fields from a JSON object; what it lacks (or does not fit) takes the initial value. */
export function valuesFromJson(fields: readonly FieldSpec[], raw: unknown): Values {
  const source = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return Object.fromEntries(
    fields.map((field) => {
      const value = Object.hasOwn(source, field.name) ? valueFromJson(field, source[field.name]) : undefined;
      return [field.name, value === undefined ? initialValue(field) : value];
    }),
  );
}

/** How far an input is from a form: missing required names, unknown names, list sizes out of range. */
function distance(branch: FormBranch, input: Record<string, unknown>): number {
  const names = new Set(branch.fields.map((field) => field.name));
  let misses = branch.requiredNames.filter((name) => !Object.hasOwn(input, name)).length;
  misses += Object.keys(input).filter((name) => !names.has(name)).length;
  for (const field of branch.fields) {
    const value = input[field.name];
    if ((field.kind === 'url-list' || field.kind === 'objects') && Array.isArray(value)) {
      misses += value.length < field.minItems || value.length > (field.maxItems ?? Infinity) ? 1 : 0;
    }
  }
  return misses;
}

/** The form (`oneOf` branch) an input was written for: the closest one, the first on a tie. */
export function branchOf(form: ModelForm, input: unknown): number {
  const given = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  let best = 0;
  let bestDistance = Infinity;
  form.branches.forEach((branch, index) => {
    const found = distance(branch, given);
    if (found < bestDistance) {
      best = index;
      bestDistance = found;
    }
  });
  return best;
}

/** The form filled with the model's catalog example (each model has one). */
export function stateFromExample(form: ModelForm, example: ModelFacts['example']): FormState {
  const branch = branchOf(form, example.input);
  const fresh = initialState(form);
  return {
    modelId: form.modelId,
    branch,
    values: { ...fresh.values, ...valuesFromJson(form.branches[branch]?.fields ?? [], example.input) },
    request: valuesFromJson(form.requestFields, example),
  };
}

/** Whether a field is shown (and sent): always, or while the switch it depends on has its value. */
export function isShown(field: FieldSpec, fields: readonly FieldSpec[], values: Values): boolean {
  if (!field.shownWhen) {
    return true;
  }
  const { field: name, equals } = field.shownWhen;
  const control = fields.find((candidate) => candidate.name === name);
  const current = values[name] ?? (control?.kind === 'switch' ? control.default : undefined);
  return current === equals;
}

/** The fields of the chosen form that are shown now. */
export function shownFields(form: ModelForm, state: FormState): FieldSpec[] {
  const fields = form.branches[state.branch]?.fields ?? [];
  return fields.filter((field) => isShown(field, fields, state.values));
}

/** Where each part of the body came from: body path (`input.image_urls[0]`) → field key (`image_urls.0`). */
export type Origins = Map<string, string>;

/** A field's value as sent, or `undefined` to leave it out of the body. */
function bodyValue(field: FieldSpec, value: Value, path: string, key: string, origins: Origins): unknown {
  switch (field.kind) {
    case 'text':
      // A required text is sent even empty (the validator says whether empty is allowed).
      return typeof value === 'string' && (value !== '' || field.required) ? value : undefined;
    case 'url': {
      const url = typeof value === 'string' ? value.trim() : '';
      return url === '' ? undefined : url;
    }
    case 'select':
    case 'switch':
      return field.kind === 'switch' && field.fixed !== undefined ? field.fixed : value;
    case 'number': {
      if (typeof value === 'number') {
        return value;
      }
      const text = typeof value === 'string' ? value.trim() : '';
      if (text === '') {
        return undefined;
      }
      return Number.isFinite(Number(text)) ? Number(text) : text;
    }
    case 'json': {
      const text = typeof value === 'string' ? value.trim() : '';
      if (text === '') {
        return undefined;
      }
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text; // sent as typed: the validator names the field
      }
    }
    case 'url-list': {
      const sent: string[] = [];
      (isStrings(value) ? value : []).forEach((url, index) => {
        if (url.trim() !== '') {
          origins.set(`${path}[${sent.length}]`, `${key}.${index}`);
          sent.push(url.trim());
        }
      });
      return sent.length > 0 || field.required ? sent : undefined;
    }
    case 'objects': {
      const items = Array.isArray(value) ? (value as readonly ListItem[]) : [];
      const sent = items.map((item, index) =>
        bodyOf(field.fields, item.values, `${path}[${index}]`, `${key}.${index}`, origins),
      );
      return sent.length > 0 || field.required ? sent : undefined;
    }
  }
}

/** The body object of fields (shown ones only), recording where each part came from. */
function bodyOf(
  fields: readonly FieldSpec[],
  values: Values,
  path: string,
  keyPrefix: string,
  origins: Origins,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    if (!isShown(field, fields, values)) {
      continue;
    }
    const fieldPath = path ? `${path}.${field.name}` : field.name;
    const key = keyPrefix ? `${keyPrefix}.${field.name}` : field.name;
    origins.set(fieldPath, key);
    const sent = bodyValue(field, values[field.name], fieldPath, key, origins);
    if (sent !== undefined) {
      body[field.name] = sent;
    }
  }
  return body;
}

/** The exact createTask body of the form, and where each part of it came from. */
export function buildRequest(form: ModelForm, state: FormState): { request: FormRequest; origins: Origins } {
  const origins: Origins = new Map();
  const requestPart = bodyOf(form.requestFields, state.request, '', '', origins);
  const input = bodyOf(form.branches[state.branch]?.fields ?? [], state.values, 'input', '', origins);
  return { request: { model: form.modelId, ...requestPart, input }, origins };
}

/**
 * What the chosen form needs beyond the model's validator: a `oneOf` body is valid when it matches
 * any form, so one meant as "First and last frames" with a single image would pass as "Single first
 * frame". The chosen form's required fields and list sizes are checked here, worded as the contract.
 */
export function chosenFormIssues(
  form: ModelForm,
  state: FormState,
  input: Record<string, unknown>,
): ValidationIssue[] {
  if (form.branches.length < 2) {
    return [];
  }
  const issues: ValidationIssue[] = [];
  for (const field of shownFields(form, state)) {
    const value = input[field.name];
    const path = `input.${field.name}`;
    if (value === undefined) {
      if (field.required) {
        issues.push({ path, keyword: 'required', message: 'is required' });
      }
    } else if ((field.kind === 'url-list' || field.kind === 'objects') && Array.isArray(value)) {
      if (value.length < field.minItems) {
        issues.push({ path, keyword: 'minItems', message: `must have at least ${field.minItems} item(s)` });
      } else if (field.maxItems !== undefined && value.length > field.maxItems) {
        issues.push({ path, keyword: 'maxItems', message: `must have at most ${field.maxItems} item(s)` });
      }
    }
  }
  return issues;
}

/** Issues mapped to the fields they are about (the first per field), and the others. */
export interface FieldIssues {
  /** Message by field key (`prompt`, `image_urls.0`, `multi_prompt.1.duration`). */
  readonly byKey: Readonly<Record<string, string>>;
  /** Issues about no single field (`customize_multi_shots and prefer_multi_shots cannot both be true`). */
  readonly general: readonly string[];
}

/** Maps the validator's issues to the fields whose values they are about. */
export function issuesByField(issues: readonly ValidationIssue[], origins: Origins): FieldIssues {
  const byKey: Record<string, string> = {};
  const general: string[] = [];
  for (const issue of issues) {
    let path = issue.path;
    let key = origins.get(path);
    while (key === undefined && path !== '') {
      const shorter = path.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
      path = shorter === path ? '' : shorter;
      key = origins.get(path);
    }
    if (key === undefined) {
      general.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    } else {
      byKey[key] ??= issue.message;
    }
  }
  return { byKey, general };
}
