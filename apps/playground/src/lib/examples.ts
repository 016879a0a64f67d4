/** The createTask examples of the spec (the seed's own first), as form values. */
import { spec } from '@kling-kit/contract';
import { FORM_MODEL, type FormRequest, type FormValues, initialValues } from './form-rules';

/** A named example request from the spec. */
export interface RequestExample {
  readonly name: string;
  readonly summary: string;
  readonly request: FormRequest;
}

type ExampleMap = Record<string, { summary?: string; value?: { model?: string } }>;

/** Every createTask example in `spec/kling.yaml`, in the spec's order (`seed` first). */
export const requestExamples: readonly RequestExample[] = Object.entries(
  spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples as ExampleMap,
).flatMap(([name, example]) =>
  example.value?.model === FORM_MODEL
    ? [{ name, summary: example.summary ?? name, request: example.value as FormRequest }]
    : [],
);

/** Fills the form from an example request; fields it lacks take the form's initial values. */
export function valuesFromRequest(request: FormRequest): FormValues {
  const { input } = request;
  return {
    prompt: input.prompt,
    image_url: input.image_url,
    tail_image_url: input.tail_image_url ?? initialValues.tail_image_url,
    duration: input.duration ?? initialValues.duration,
    negative_prompt: input.negative_prompt ?? initialValues.negative_prompt,
    cfg_scale: input.cfg_scale ?? initialValues.cfg_scale,
    callBackUrl: request.callBackUrl ?? initialValues.callBackUrl,
  };
}
