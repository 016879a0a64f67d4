/**
 * The Kling model catalog, read from the spec's `x-model` extensions: what each model is, its
 * durations, and what it costs. Prices are **third-party figures** (kie.ai publishes no readable
 * price list); each entry names its source and a confidence level.
 */
import { MODEL_ALIASES, MODEL_CATALOG } from './generated/models';
import type { components } from './generated/openapi';

type Schemas = components['schemas'];

/** A current Kling model id (19 of them, `kling/v2-1-pro` first). */
export type ModelId = Schemas['KlingModel'];
/** A deprecated model id still accepted (`kling/v1-avatar-standard`, `kling/ai-avatar-v1-pro`). */
export type ModelAlias = Schemas['KlingModelAlias'];
/** Any model id a create request may carry. */
export type AnyModelId = ModelId | ModelAlias;
/** The createTask body of any model. */
export type AnyCreateTaskRequest = Schemas['CreateTaskRequest'];
/** The createTask body of one model (or of the model an alias stands for, with the alias). */
export type RequestOf<M extends AnyModelId> = AnyCreateTaskRequest extends infer R
  ? R extends { readonly model: infer K }
    ? M extends K
      ? R
      : never
    : never
  : never;
/** The `input` of one model's createTask body. */
export type InputOf<M extends AnyModelId> = RequestOf<M>['input'];

/** What kind of video a model makes. */
export type ModelKind =
  | 'text-to-video'
  | 'image-to-video'
  | 'video'
  | 'motion-control'
  | 'reference-to-video'
  | 'video-to-video'
  | 'avatar';

/** An input value a price rule matches. */
export type RuleValue = string | number | boolean;

/** What code needs of a model to price and run a request: its id, length rules, sound and price. */
export interface ModelEssentials {
  /** The model id sent as `model`. */
  readonly id: ModelId;
  /** A display name, e.g. "Kling v2.1 Pro". */
  readonly name: string;
  /** Deprecated ids accepted for this model. */
  readonly aliases: readonly string[];
  /** The input that sets the video's length, or the length assumed when none does. */
  readonly seconds: { readonly field?: string; readonly assumed?: number; readonly note?: string };
  /** Whether the video has sound: never, always, or when an input (`sound`, `audio`) is true. */
  readonly audio: 'none' | 'always' | { readonly field: string };
  /** The price: the first rule whose `when` matches the input (defaults applied), per video or per second. */
  readonly credits: {
    readonly per: 'video' | 'second';
    readonly rules: readonly {
      readonly when?: Readonly<Record<string, RuleValue>>;
      readonly credits: number;
    }[];
  };
  /** The allowed values of the duration input (strings or integers, as the model takes them). */
  readonly durations: readonly (string | number)[];
  /** The defaults kie.ai applies to omitted inputs. */
  readonly defaults: Readonly<Record<string, unknown>>;
}

/** One model's catalog entry (the spec's `x-model`, plus its durations, defaults and example). */
export interface ModelFacts extends ModelEssentials {
  /** The generation a picker groups it under: "2.1", "2.5", "2.6", "3.0", "3.0 Omni", "V3 Turbo", "AI Avatar". */
  readonly generation: string;
  readonly kind: ModelKind;
  readonly summary: string;
  /** kie.ai's page for the model. */
  readonly docs: string;
  /** Where the input schema comes from. */
  readonly sources: string;
  /** How sure the schema is: `high` (two independent doc copies agree), `medium` (one), `low` (they conflict). */
  readonly confidence: 'high' | 'medium' | 'low';
  /** The price, with how sure it is and where it comes from (every price is a third-party figure). */
  readonly credits: ModelEssentials['credits'] & {
    readonly confidence: 'high' | 'medium' | 'low';
    readonly source: string;
  };
  /** The mock's estimate of the generation time: `base + perVideoSecond × seconds` (no published figures). */
  readonly generationSeconds: { readonly base: number; readonly perVideoSecond: number };
  /** The spec's request and input schema names. */
  readonly requestSchema: string;
  readonly inputSchema: string;
  /** The model's documented example request. */
  readonly example: { readonly model: string; readonly callBackUrl?: string; readonly input: object };
}

/** Every model's catalog entry, in the spec's order (the seed first). */
export const models: readonly ModelFacts[] = MODEL_CATALOG;

/** The current id a model id stands for (an alias's model, or the id itself). */
export function canonicalModelId(id: string): string {
  return Object.hasOwn(MODEL_ALIASES, id) ? ((MODEL_ALIASES as Record<string, string>)[id] as string) : id;
}

/** The catalog entry of a model id or deprecated alias; undefined for a model kie.ai does not serve. */
export function findModel(id: string): ModelFacts | undefined {
  const current = canonicalModelId(id);
  return models.find((entry) => entry.id === current);
}

/** An input's value of option `name`, or the model's default for it (no copy of the input: the mock prices every create). */
const optionOf = (facts: Pick<ModelEssentials, 'defaults'>, input: unknown, name: string): unknown =>
  typeof input === 'object' && input !== null && Object.hasOwn(input, name)
    ? (input as Record<string, unknown>)[name]
    : (facts.defaults as Record<string, unknown>)[name];

/** The length in seconds of the video a request makes: its duration input, or the assumed length. */
export function videoSecondsOf(facts: Pick<ModelEssentials, 'seconds' | 'defaults'>, input: unknown): number {
  const value = facts.seconds.field ? optionOf(facts, input, facts.seconds.field) : undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : (facts.seconds.assumed ?? 5);
}

/** Whether the video a request makes has sound. */
export function hasAudio(facts: Pick<ModelEssentials, 'audio' | 'defaults'>, input: unknown): boolean {
  return facts.audio === 'always'
    ? true
    : facts.audio === 'none'
      ? false
      : optionOf(facts, input, facts.audio.field) === true;
}

/** The credits one model charges for an input, from its catalog entry (a third-party price). */
export function creditsOf(
  facts: Pick<ModelEssentials, 'credits' | 'seconds' | 'defaults'>,
  input: unknown,
): number {
  const rule = facts.credits.rules.find(
    ({ when }) =>
      !when || Object.entries(when).every(([name, value]) => optionOf(facts, input, name) === value),
  );
  const credits = rule?.credits ?? 0;
  return facts.credits.per === 'second' ? credits * videoSecondsOf(facts, input) : credits;
}

/**
 * The credits a create request would cost on success, from the catalog (third-party prices, see
 * each entry's `credits.source` and `credits.confidence`). Throws for a model the catalog lacks.
 */
export function estimateCredits(request: { readonly model: string; readonly input?: unknown }): number {
  const facts = findModel(request.model);
  if (!facts) {
    throw new Error(`Unknown Kling model "${String(request.model)}"`);
  }
  return creditsOf(facts, request.input);
}
