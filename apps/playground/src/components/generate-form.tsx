/**
 * The createTask form: one field per input of the spec, limits and options from the contract,
 * inline messages from the contract's validator before anything is sent, and the cost in credits.
 */
import { type FormEvent, useState } from 'react';
import {
  characterCount,
  type FieldName,
  type FormRequest,
  type FormValues,
  formLimits,
  toCreateTaskRequest,
  validateForm,
} from '../lib/form-rules';
import { describedBy, Field } from './field';
import { ImageField } from './image-field';

/** Props of `GenerateForm`. */
export interface GenerateFormProps {
  values: FormValues;
  onChange(values: FormValues): void;
  /** Called with the exact request once the form is valid. */
  onSubmit(request: FormRequest): void;
  /** A task is being created: the button waits. */
  busy?: boolean;
  /** Uploads a local image and resolves with its URL (fills "Image URL"). */
  onUpload?: ((file: File) => Promise<string>) | undefined;
  /** The price of the chosen duration, in credits. */
  cost: number;
}

const counter = (text: string, max: number) => `${characterCount(text)} / ${max}`;

/** The form. Messages show once a field was edited, and for every field after a submit attempt. */
export function GenerateForm({ values, onChange, onSubmit, busy, onUpload, cost }: GenerateFormProps) {
  const [touched, setTouched] = useState<ReadonlySet<FieldName>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const errors = validateForm(values);
  const shown = (field: FieldName) => (submitted || touched.has(field) ? errors[field] : undefined);
  const touch = (field: FieldName) => setTouched((previous) => new Set(previous).add(field));
  const set = <K extends FieldName>(field: K, value: FormValues[K]) => {
    touch(field);
    onChange({ ...values, [field]: value });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(errors).length > 0) {
      const first = Object.keys(errors)[0];
      document.getElementById(first === 'callBackUrl' ? 'callback-url' : (first ?? ''))?.focus();
      return;
    }
    onSubmit(toCreateTaskRequest(values));
  };

  const { cfgScale } = formLimits;
  const invalidCount = Object.keys(errors).length;
  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Create a task">
      <h2>Request</h2>
      <Field
        id="prompt"
        label="Prompt"
        hint={counter(values.prompt, formLimits.promptMaxLength)}
        error={shown('prompt')}
      >
        <textarea
          id="prompt"
          rows={4}
          required
          value={values.prompt}
          aria-invalid={shown('prompt') ? true : undefined}
          aria-describedby={describedBy('prompt', true, shown('prompt'))}
          onChange={(event) => set('prompt', event.target.value)}
          onBlur={() => touch('prompt')}
        />
      </Field>
      <ImageField
        id="image_url"
        label="Image URL"
        required
        value={values.image_url}
        error={shown('image_url')}
        onChange={(value) => set('image_url', value)}
        onBlur={() => touch('image_url')}
        onUpload={onUpload}
      />
      <ImageField
        id="tail_image_url"
        label="Tail image URL"
        value={values.tail_image_url}
        error={shown('tail_image_url')}
        onChange={(value) => set('tail_image_url', value)}
        onBlur={() => touch('tail_image_url')}
      />
      <div className="row">
        <Field id="duration" label="Duration" hint={`${cost} credits on success`} error={shown('duration')}>
          <select
            id="duration"
            value={values.duration}
            aria-describedby={describedBy('duration', true, shown('duration'))}
            onChange={(event) => set('duration', event.target.value as FormValues['duration'])}
          >
            {formLimits.durations.map((duration) => (
              <option key={duration} value={duration}>
                {duration} seconds
              </option>
            ))}
          </select>
        </Field>
        <Field id="cfg_scale" label="CFG scale" hint={values.cfg_scale.toFixed(1)} error={shown('cfg_scale')}>
          <input
            id="cfg_scale"
            type="range"
            min={cfgScale.min}
            max={cfgScale.max}
            step={cfgScale.step}
            value={values.cfg_scale}
            aria-describedby={describedBy('cfg_scale', true, shown('cfg_scale'))}
            onChange={(event) => set('cfg_scale', Number(event.target.value))}
          />
        </Field>
      </div>
      <Field
        id="negative_prompt"
        label="Negative prompt"
        hint={counter(values.negative_prompt, formLimits.negativePromptMaxLength)}
        error={shown('negative_prompt')}
      >
        <textarea
          id="negative_prompt"
          rows={2}
          value={values.negative_prompt}
          aria-invalid={shown('negative_prompt') ? true : undefined}
          aria-describedby={describedBy('negative_prompt', true, shown('negative_prompt'))}
          onChange={(event) => set('negative_prompt', event.target.value)}
          onBlur={() => touch('negative_prompt')}
        />
      </Field>
      <Field id="callback-url" label="Callback URL" error={shown('callBackUrl')}>
        <input
          id="callback-url"
          type="url"
          inputMode="url"
          placeholder="https://your-domain.com/api/callback (optional)"
          value={values.callBackUrl}
          aria-invalid={shown('callBackUrl') ? true : undefined}
          aria-describedby={describedBy('callback-url', false, shown('callBackUrl'))}
          onChange={(event) => set('callBackUrl', event.target.value)}
          onBlur={() => touch('callBackUrl')}
        />
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Generate
        </button>
        <span className="hint" role="status">
          {submitted && invalidCount > 0
            ? `Fix ${invalidCount} field${invalidCount === 1 ? '' : 's'} first: nothing was sent.`
            : `Costs ${cost} credits if it succeeds.`}
        </span>
      </div>
    </form>
  );
}
