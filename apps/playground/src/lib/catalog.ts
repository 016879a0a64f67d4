/**
 * The models the playground offers: the contract's catalog (`models`, in the spec's order, the seed
 * `kling/v2-1-pro` first), grouped by generation for the picker, with each model's form, its
 * definition (`@kling-kit/contract/models`: the validator the form checks with) and the name that
 * definition is exported under (for copy-as-code). A model added to the spec appears here as is.
 */
import {
  creditsOf,
  KLING_MODEL,
  type ModelFacts,
  models,
  type ValidationResult,
  validateCreateTaskRequest,
  videoSecondsOf,
} from '@kling-kit/contract';
import * as definitions from '@kling-kit/contract/models';
import { type ModelForm, modelFormOf } from './model-form';

/** Every model, in the catalog's order. */
export const catalog: readonly ModelFacts[] = models;

/** The model the page starts with: the seed, the catalog's first. */
export const DEFAULT_MODEL_ID: string = catalog.find((entry) => entry.id === KLING_MODEL)?.id ?? KLING_MODEL;

/** A model's catalog entry; throws for an id the catalog lacks. */
export function modelById(id: string): ModelFacts {
  const entry = catalog.find((candidate) => candidate.id === id);
  if (!entry) {
    throw new Error(`The catalog has no model "${id}"`);
  }
  return entry;
}

/** The models grouped by `generation`, groups in order of first appearance (the seed's group first). */
export function generations(
  entries: readonly ModelFacts[] = catalog,
): { name: string; models: ModelFacts[] }[] {
  const groups = new Map<string, ModelFacts[]>();
  for (const entry of entries) {
    groups.set(entry.generation, [...(groups.get(entry.generation) ?? []), entry]);
  }
  return [...groups].map(([name, members]) => ({ name, models: members }));
}

const forms = new Map<string, ModelForm>();
/** The form of a model (built once from its schemas). */
export function formOf(entry: ModelFacts): ModelForm {
  let form = forms.get(entry.id);
  if (!form) {
    form = modelFormOf(entry);
    forms.set(entry.id, form);
  }
  return form;
}

type Definition = { readonly id: string; readonly validate: (value: unknown) => ValidationResult<unknown> };
const definitionEntries = Object.entries(definitions as unknown as Record<string, Definition>).filter(
  ([, definition]) => typeof definition?.validate === 'function',
);

/** Validates a createTask body with its model's definition (any model's checks when none matches). */
export function validateRequest(request: { model: string }): ValidationResult<unknown> {
  const found = definitionEntries.find(([, definition]) => definition.id === request.model)?.[1];
  return found ? found.validate(request) : validateCreateTaskRequest(request);
}

/** The export name of a model's definition in `@kling-kit/client/models` (`klingV21Pro`). */
export function definitionNameOf(modelId: string): string | undefined {
  return definitionEntries.find(([, definition]) => definition.id === modelId)?.[0];
}

/** The durations a model offers, for people: "5 or 10 s", "3–15 s", or what decides the length. */
export function durationsText(entry: ModelFacts): string {
  const values = entry.durations.map(Number);
  if (values.length === 0) {
    return entry.seconds.note ?? `follows the input (${entry.seconds.assumed ?? 5} s assumed)`;
  }
  const consecutive = values.every((value, index) => index === 0 || value === (values[index - 1] ?? 0) + 1);
  const text =
    consecutive && values.length > 2
      ? `${values[0]}–${values.at(-1)} s`
      : `${values.slice(0, -1).join(', ')}${values.length > 1 ? ' or ' : ''}${values.at(-1)} s`;
  return entry.seconds.note ? `${text}; ${entry.seconds.note}` : text;
}

/** Whether a model's video has sound, for people. */
export function audioText(entry: ModelFacts): string {
  if (entry.audio === 'always') {
    return 'always';
  }
  if (entry.audio === 'none') {
    return 'none';
  }
  return `when "${entry.audio.field}" is on`;
}

/** The estimated price of an input in credits (third-party figures), and how it is made up. */
export function estimateOf(entry: ModelFacts, input: unknown): { credits: number; detail: string } {
  const credits = creditsOf(entry, input);
  if (entry.credits.per === 'second') {
    const seconds = videoSecondsOf(entry, input);
    return { credits, detail: `${formatCredits(credits / seconds)} a second × ${seconds} s` };
  }
  return { credits, detail: 'per video' };
}

/** Credits for people: grouped, at most two decimals (prices like 22.5 a second exist). */
export function formatCredits(credits: number): string {
  return credits.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
