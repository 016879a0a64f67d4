/**
 * The form's rules, all read from @kling-kit/contract: limits, defaults and options come from the
 * spec's JSON Schemas, and validation is the contract's own `validateCreateTaskRequest`.
 */
import {
  creditsForDuration,
  type Duration,
  durations,
  inputDefaults,
  type JsonSchema,
  jsonSchemaOf,
  type RequestOf,
  type SchemaName,
  validateCreateTaskRequest,
} from '@kling-kit/contract';

/** The model this form is for (the spec's first). */
export const FORM_MODEL = 'kling/v2-1-pro';
/** The createTask body of `FORM_MODEL`: what the form sends. */
export type FormRequest = RequestOf<typeof FORM_MODEL>;

/** What the form edits: the model's inputs plus the callback URL, as strings where the UI types text. */
export interface FormValues {
  prompt: string;
  image_url: string;
  tail_image_url: string;
  duration: Duration;
  negative_prompt: string;
  cfg_scale: number;
  callBackUrl: string;
}

/** A field of the form. */
export type FieldName = keyof FormValues;

/** Validation messages by field (only fields with a problem). */
export type FieldErrors = Partial<Record<FieldName, string>>;

function numberKeyword(schema: JsonSchema | undefined, keyword: string, where: string): number {
  const value = schema?.[keyword];
  if (typeof value !== 'number') {
    throw new Error(`The contract has no numeric ${keyword} for ${where}`);
  }
  return value;
}

/** A schema with its `$ref` to another component of the spec followed. */
function resolved(schema: JsonSchema | undefined): JsonSchema | undefined {
  const ref = schema?.$ref;
  return typeof ref === 'string'
    ? jsonSchemaOf(ref.replace('#/components/schemas/', '') as SchemaName)
    : schema;
}

const inputProperties = Object.fromEntries(
  Object.entries(jsonSchemaOf('KlingV21ProInput').properties as Record<string, JsonSchema>).map(
    ([name, schema]) => [name, resolved(schema)],
  ),
) as Record<string, JsonSchema | undefined>;
const imageUrl = jsonSchemaOf('ImageUrl');

/** Limits and options of the form, from the spec. */
export const formLimits = {
  promptMaxLength: numberKeyword(inputProperties.prompt, 'maxLength', 'prompt'),
  negativePromptMaxLength: numberKeyword(inputProperties.negative_prompt, 'maxLength', 'negative_prompt'),
  cfgScale: {
    min: numberKeyword(inputProperties.cfg_scale, 'minimum', 'cfg_scale'),
    max: numberKeyword(inputProperties.cfg_scale, 'maximum', 'cfg_scale'),
    step: numberKeyword(inputProperties.cfg_scale, 'multipleOf', 'cfg_scale'),
  },
  durations,
  /** Media types kie.ai accepts for images (for the upload control's `accept`). */
  imageMediaTypes: (imageUrl['x-accepted-media-types'] as readonly string[] | undefined) ?? ['image/*'],
} as const;

/** The form as it starts: empty texts, the spec's defaults. */
export const initialValues: FormValues = {
  prompt: '',
  image_url: '',
  tail_image_url: '',
  duration: inputDefaults.duration,
  negative_prompt: '',
  cfg_scale: inputDefaults.cfg_scale,
  callBackUrl: '',
};

/** Characters as the contract counts them (code points, so an emoji is one). */
export function characterCount(text: string): number {
  return Array.from(text).length;
}

/** The price of the chosen duration, in credits (charged on success only). */
export function costOf(values: Pick<FormValues, 'duration'>): number {
  return creditsForDuration(values.duration);
}

/** The exact createTask body the form sends: empty optional fields are left out. */
export function toCreateTaskRequest(values: FormValues): FormRequest {
  const input: FormRequest['input'] = {
    prompt: values.prompt,
    image_url: values.image_url.trim(),
    duration: values.duration,
    cfg_scale: values.cfg_scale,
  };
  if (values.image_url.trim() === '') {
    // Missing, not empty: the contract then reports "is required".
    delete (input as Partial<FormRequest['input']>).image_url;
  }
  if (values.negative_prompt !== '') {
    input.negative_prompt = values.negative_prompt;
  }
  if (values.tail_image_url.trim() !== '') {
    input.tail_image_url = values.tail_image_url.trim();
  }
  return {
    model: FORM_MODEL,
    ...(values.callBackUrl.trim() !== '' ? { callBackUrl: values.callBackUrl.trim() } : {}),
    input,
  };
}

const FIELD_OF_PATH: Readonly<Record<string, FieldName>> = {
  'input.prompt': 'prompt',
  'input.image_url': 'image_url',
  'input.tail_image_url': 'tail_image_url',
  'input.duration': 'duration',
  'input.negative_prompt': 'negative_prompt',
  'input.cfg_scale': 'cfg_scale',
  callBackUrl: 'callBackUrl',
};

/** Validates the form with the contract's validator; one message per field (the first issue). */
export function validateForm(values: FormValues): FieldErrors {
  const result = validateCreateTaskRequest(toCreateTaskRequest(values));
  const errors: FieldErrors = {};
  for (const issue of result.issues ?? []) {
    const field = FIELD_OF_PATH[issue.path];
    if (field && errors[field] === undefined) {
      errors[field] = issue.message;
    }
  }
  return errors;
}

/** Whether a URL can be previewed as an image (http(s) and parseable). */
export function isPreviewable(url: string): boolean {
  if (!/^https?:\/\//i.test(url.trim())) {
    return false;
  }
  try {
    new URL(url.trim());
    return true;
  } catch {
    return false;
  }
}
