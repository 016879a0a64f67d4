// @vitest-environment happy-dom
/**
 * The form's validation rules, driven by the contract: every limit below is read from the spec's
 * JSON Schemas here, independently of the form's own reading, so a drift fails.
 */
import {
  creditsForDuration,
  durations,
  inputDefaults,
  type JsonSchema,
  jsonSchemaOf,
  type RequestOf,
  type SchemaName,
  spec,
  validateCreateTaskRequest,
} from '@kling-kit/contract';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GenerateForm } from '../src/components/generate-form';
import { valuesFromRequest } from '../src/lib/examples';
import { costOf, type FormValues, initialValues } from '../src/lib/form-rules';

type CreateTaskRequest = RequestOf<'kling/v2-1-pro'>;
const properties = jsonSchemaOf('KlingV21ProInput').properties as Record<string, JsonSchema>;
/** A keyword of an input's schema, through its `$ref` to a shared component when it has one. */
const keyword = (field: string, name: string) => {
  const schema = properties[field];
  const ref = schema?.$ref;
  const target = typeof ref === 'string' ? jsonSchemaOf(ref.split('/').at(-1) as SchemaName) : schema;
  return target?.[name] as number;
};
const seed = spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples.seed
  .value as CreateTaskRequest;
const LABELS = [
  'Prompt',
  'Image URL',
  'Tail image URL',
  'Duration',
  'Negative prompt',
  'CFG scale',
  'Callback URL',
];

function Harness({
  start = initialValues,
  onSubmit,
}: {
  start?: FormValues;
  onSubmit(r: CreateTaskRequest): void;
}) {
  const [values, setValues] = useState(start);
  return <GenerateForm values={values} onChange={setValues} onSubmit={onSubmit} cost={costOf(values)} />;
}

const field = (label: string) => screen.getByLabelText(label, { exact: true }) as HTMLInputElement;
const type = (label: string, value: string) => fireEvent.change(field(label), { target: { value } });
const messageOf = (label: string) => document.getElementById(`${field(label).id}-error`)?.textContent ?? null;

afterEach(cleanup);

describe('the request form', () => {
  it('has one control per input, labelled exactly, and a Generate button', () => {
    render(<Harness onSubmit={vi.fn()} />);
    for (const label of LABELS) {
      expect(field(label)).toBeTruthy();
    }
    expect(screen.getByRole('button', { name: 'Generate' })).toBeTruthy();
  });

  it('counts the prompt against the contract limit and flags one character over it', () => {
    const max = keyword('prompt', 'maxLength');
    render(<Harness onSubmit={vi.fn()} />);
    expect(screen.getByText(`0 / ${max}`)).toBeTruthy();
    type('Prompt', 'a'.repeat(max));
    expect(screen.getByText(`${max} / ${max}`)).toBeTruthy();
    expect(messageOf('Prompt')).toBeNull();
    type('Prompt', 'a'.repeat(max + 1));
    expect(messageOf('Prompt')).toContain(`must be at most ${max} characters`);
    expect(field('Prompt').getAttribute('aria-invalid')).toBe('true');
    expect(field('Prompt').getAttribute('aria-describedby')).toContain('prompt-error');
  });

  it('counts characters as the contract does (an emoji is one)', () => {
    const max = keyword('prompt', 'maxLength');
    render(<Harness onSubmit={vi.fn()} />);
    type('Prompt', '🎬'.repeat(max));
    expect(messageOf('Prompt')).toBeNull();
    expect(screen.getByText(`${max} / ${max}`)).toBeTruthy();
  });

  it('flags a negative prompt over its own limit', () => {
    const max = keyword('negative_prompt', 'maxLength');
    render(<Harness onSubmit={vi.fn()} />);
    expect(screen.getByText(`0 / ${max}`)).toBeTruthy();
    type('Negative prompt', 'n'.repeat(max + 1));
    expect(messageOf('Negative prompt')).toContain(`must be at most ${max} characters`);
  });

  it('sends nothing while invalid, and shows every message on Generate', () => {
    const onSubmit = vi.fn();
    render(<Harness onSubmit={onSubmit} />);
    expect(messageOf('Prompt')).toBeNull(); // nothing is shown before the user acts
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(messageOf('Prompt')).toContain('must not be empty');
    expect(messageOf('Image URL')).toContain('is required');
    expect(screen.getByText(/nothing was sent/)).toBeTruthy();
  });

  it('checks URLs with the contract', () => {
    render(<Harness onSubmit={vi.fn()} />);
    type('Image URL', 'not a url');
    type('Tail image URL', 'ftp://x');
    type('Callback URL', 'nope');
    expect(messageOf('Image URL')).toBeTruthy();
    expect(messageOf('Tail image URL')).toBeTruthy();
    expect(messageOf('Callback URL')).toContain('URL');
  });

  it('offers the contract durations and shows the cost of the chosen one', () => {
    render(<Harness onSubmit={vi.fn()} />);
    const select = field('Duration') as unknown as HTMLSelectElement;
    expect([...select.options].map((option) => option.value)).toEqual([...durations]);
    expect(select.value).toBe(inputDefaults.duration);
    for (const duration of durations) {
      fireEvent.change(select, { target: { value: duration } });
      expect(screen.getByText(`${creditsForDuration(duration)} credits on success`)).toBeTruthy();
    }
  });

  it('steps CFG scale over the contract range from its default', () => {
    render(<Harness onSubmit={vi.fn()} />);
    const slider = field('CFG scale');
    expect(slider.type).toBe('range');
    expect(Number(slider.min)).toBe(keyword('cfg_scale', 'minimum'));
    expect(Number(slider.max)).toBe(keyword('cfg_scale', 'maximum'));
    expect(Number(slider.step)).toBe(keyword('cfg_scale', 'multipleOf'));
    expect(Number(slider.value)).toBe(inputDefaults.cfg_scale);
  });

  it('flags a CFG scale off the contract step', () => {
    const step = keyword('cfg_scale', 'multipleOf');
    render(<Harness start={{ ...valuesFromRequest(seed), cfg_scale: step / 2 }} onSubmit={vi.fn()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    expect(messageOf('CFG scale')).toContain(`multiple of ${step}`);
  });

  it('submits the seed example as a request the contract accepts', () => {
    const onSubmit = vi.fn();
    render(<Harness start={valuesFromRequest(seed)} onSubmit={onSubmit} />);
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    const request = onSubmit.mock.calls[0]?.[0] as CreateTaskRequest;
    const { tail_image_url: _empty, ...seedInput } = seed.input;
    expect(request).toEqual({ ...seed, input: seedInput });
    expect(validateCreateTaskRequest(request).ok).toBe(true);
  });
});
