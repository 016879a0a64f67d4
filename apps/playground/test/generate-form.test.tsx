// @vitest-environment happy-dom
/**
 * The generic form in a DOM: controls built from the chosen model's schema (counters, selects,
 * switches, sliders, URL lists, the shot editor, the choice of form), live validation with the
 * model's definition, Generate disabled while invalid, and every model's example accepted. Limits
 * are read here from the contract's generated JSON Schemas, independently of the form.
 */
import {
  creditsOf,
  type JsonSchema,
  jsonSchemaOf,
  type ModelFacts,
  models,
  type SchemaName,
} from '@kling-kit/contract';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GenerateForm } from '../src/components/generate-form';
import { ModelPicker } from '../src/components/model-picker';
import { formatCredits, formOf, modelById, validateRequest } from '../src/lib/catalog';
import { type FormRequest, initialState, stateFromExample } from '../src/lib/form-values';

/** A keyword of a property of a named schema, through its `$ref`. */
const keyword = (schemaName: string, property: string, name: string) => {
  const schema = (jsonSchemaOf(schemaName as SchemaName).properties as Record<string, JsonSchema>)[property];
  const ref = schema?.$ref;
  const target = typeof ref === 'string' ? jsonSchemaOf(ref.split('/').at(-1) as SchemaName) : schema;
  return target?.[name] as number;
};

function Harness({
  modelId = 'kling/v2-1-pro',
  example = false,
  upload = false,
  onSubmit,
}: {
  modelId?: string;
  example?: boolean;
  upload?: boolean;
  onSubmit(request: FormRequest): void;
}) {
  const entry = modelById(modelId);
  const form = formOf(entry);
  const [state, setState] = useState(() =>
    example ? stateFromExample(form, entry.example) : initialState(form),
  );
  return (
    <GenerateForm
      entry={entry}
      form={form}
      state={state}
      onChange={setState}
      onSubmit={onSubmit}
      onUpload={upload ? async (file) => `https://uploads.example/${file.name}` : undefined}
    />
  );
}

const field = (label: string) => screen.getByLabelText(label, { exact: true }) as HTMLInputElement;
const type = (label: string, value: string) => fireEvent.change(field(label), { target: { value } });
const messageOf = (label: string) => document.getElementById(`${field(label).id}-error`)?.textContent ?? null;
const generate = () => screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement;

afterEach(cleanup);

describe('the form of kling/v2-1-pro', () => {
  it('has one control per input of the schema, labelled from its name, and the callback URL', () => {
    render(<Harness onSubmit={vi.fn()} />);
    for (const label of [
      'Prompt',
      'Image URL',
      'Duration',
      'Negative prompt',
      'CFG scale',
      'Tail image URL',
      'Callback URL',
    ]) {
      expect(field(label)).toBeTruthy();
    }
    expect(field('Prompt').tagName).toBe('TEXTAREA');
    expect(field('Duration').tagName).toBe('SELECT');
  });

  it('counts the prompt against the schema limit and flags one character over it', () => {
    const max = keyword('KlingV21ProInput', 'prompt', 'maxLength');
    render(<Harness onSubmit={vi.fn()} />);
    expect(screen.getByText(`0 / ${max}`)).toBeTruthy();
    type('Prompt', 'a'.repeat(max));
    expect(screen.getByText(`${max} / ${max}`)).toBeTruthy();
    expect(messageOf('Prompt')).toBeNull();
    type('Prompt', 'a'.repeat(max + 1));
    expect(messageOf('Prompt')).toContain(`must be at most ${max} characters`);
    expect(field('Prompt').getAttribute('aria-invalid')).toBe('true');
    expect(field('Prompt').getAttribute('aria-describedby')).toContain(`${field('Prompt').id}-error`);
  });

  it('counts characters as the contract does (an emoji is one)', () => {
    const max = keyword('KlingV21ProInput', 'prompt', 'maxLength');
    render(<Harness onSubmit={vi.fn()} />);
    type('Prompt', '🎬'.repeat(max));
    expect(messageOf('Prompt')).toBeNull();
    expect(screen.getByText(`${max} / ${max}`)).toBeTruthy();
  });

  it('shows the description of the spec as help, linked to the control', () => {
    render(<Harness onSubmit={vi.fn()} />);
    const help = document.getElementById(`${field('Negative prompt').id}-help`);
    expect(help?.textContent).toMatch(/^Elements to keep out of the video/);
    expect(field('Negative prompt').getAttribute('aria-describedby')).toContain(help?.id);
  });

  it('keeps Generate disabled while invalid, says why, and shows every message on request', () => {
    const onSubmit = vi.fn();
    render(<Harness onSubmit={onSubmit} />);
    expect(generate().disabled).toBe(true);
    expect(messageOf('Prompt')).toBeNull(); // nothing is shown before the user acts
    expect(
      screen.getByText(
        /^Not ready, 2 problems \(Image URL, Prompt\)|^Not ready, 2 problems \(Prompt, Image URL\)/,
      ),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Show what to fix' }));
    expect(messageOf('Prompt')).toContain('must not be empty');
    expect(messageOf('Image URL')).toContain('is required');
    fireEvent.submit(generate().form as HTMLFormElement);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('checks URLs with the model’s definition', () => {
    render(<Harness onSubmit={vi.fn()} />);
    type('Image URL', 'not a url');
    type('Tail image URL', 'ftp://x');
    type('Callback URL', 'nope');
    expect(messageOf('Image URL')).toBeTruthy();
    expect(messageOf('Tail image URL')).toBeTruthy();
    expect(messageOf('Callback URL')).toContain('URL');
  });

  it('offers the catalog durations and estimates the credits of the chosen one', () => {
    const entry = modelById('kling/v2-1-pro');
    render(<Harness example onSubmit={vi.fn()} />);
    const select = field('Duration') as unknown as HTMLSelectElement;
    expect([...select.options].map((option) => option.value)).toEqual(entry.durations.map(String));
    expect(select.value).toBe(entry.defaults.duration);
    for (const duration of entry.durations) {
      fireEvent.change(select, { target: { value: duration } });
      const credits = formatCredits(creditsOf(entry, { duration }));
      expect(screen.getByText(`Ready: ${credits} credits if it succeeds.`)).toBeTruthy();
    }
    expect(screen.getByText('About this price')).toBeTruthy();
    expect(screen.getByText(entry.credits.source)).toBeTruthy();
  });

  it('steps CFG scale over the schema range from its default, its value shown', () => {
    render(<Harness onSubmit={vi.fn()} />);
    const slider = field('CFG scale');
    expect(slider.type).toBe('range');
    expect(Number(slider.min)).toBe(keyword('KlingV21ProInput', 'cfg_scale', 'minimum'));
    expect(Number(slider.max)).toBe(keyword('KlingV21ProInput', 'cfg_scale', 'maximum'));
    expect(Number(slider.step)).toBe(keyword('KlingV21ProInput', 'cfg_scale', 'multipleOf'));
    expect(Number(slider.value)).toBe(keyword('KlingV21ProInput', 'cfg_scale', 'default'));
    fireEvent.change(slider, { target: { value: '0.7' } });
    expect(document.getElementById(`${slider.id}-hint`)?.textContent).toBe('0.7');
  });

  it('submits the example as the exact body, "" optional fields left out', () => {
    const onSubmit = vi.fn();
    const { example } = modelById('kling/v2-1-pro');
    render(<Harness example onSubmit={onSubmit} />);
    expect(generate().disabled).toBe(false);
    fireEvent.click(generate());
    expect(onSubmit).toHaveBeenCalledTimes(1);
    const request = onSubmit.mock.calls[0]?.[0] as FormRequest;
    const { tail_image_url: _empty, ...input } = example.input as Record<string, unknown>;
    expect(request).toEqual({ ...example, input });
    expect(validateRequest(request).ok).toBe(true);
  });
});

describe('controls from other schemas', () => {
  it('a boolean is a switch', () => {
    render(<Harness modelId="kling-2.6/image-to-video" example onSubmit={vi.fn()} />);
    const sound = screen.getByRole('switch', { name: 'Sound' }) as HTMLInputElement;
    expect(sound.checked).toBe(false);
    fireEvent.click(sound);
    expect(sound.checked).toBe(true);
    const entry = modelById('kling-2.6/image-to-video');
    const credits = creditsOf(entry, { ...entry.example.input, sound: true });
    expect(screen.getByText(`Ready: ${formatCredits(credits)} credits if it succeeds.`)).toBeTruthy();
  });

  it('a one-item URL list is one URL field with its upload; a longer one adds and removes rows', async () => {
    render(<Harness modelId="kling-2.6/image-to-video" onSubmit={vi.fn()} upload />);
    expect(field('Image URLs').type).toBe('url');
    const upload = field('Upload an image for Image URLs');
    expect(upload.type).toBe('file');
    expect(upload.accept).toBe((jsonSchemaOf('ImageUrl')['x-accepted-media-types'] as string[]).join(','));
    fireEvent.change(upload, { target: { files: [new File(['x'], 'frame.png', { type: 'image/png' })] } });
    await screen.findByText('Uploaded frame.png');
    expect(field('Image URLs').value).toBe('https://uploads.example/frame.png');
    cleanup();
    render(<Harness modelId="kling-3.0-omni/reference-to-video" onSubmit={vi.fn()} />);
    const forms = jsonSchemaOf('Kling30OmniReferenceToVideoInput').oneOf as JsonSchema[];
    const max = ((forms[0]?.properties ?? {}) as Record<string, JsonSchema>).image_urls?.maxItems as number;
    const add = screen.getByRole('button', { name: 'Add an image URL' }) as HTMLButtonElement;
    for (let index = 1; index < max; index++) {
      fireEvent.click(add);
    }
    expect(screen.getAllByLabelText(/^Image URL \d+$/)).toHaveLength(max);
    expect(add.disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: `Remove Image URL ${max}` }));
    expect(screen.getAllByLabelText(/^Image URL \d+$/)).toHaveLength(max - 1);
    expect(add.disabled).toBe(false);
  });

  it('a oneOf input offers its forms by title and switches the fields', () => {
    render(<Harness modelId="kling-3.0-omni/image-to-video" example onSubmit={vi.fn()} />);
    const group = screen.getByRole('group', { name: 'Form' });
    const single = within(group).getByRole('radio', { name: 'Single first frame' }) as HTMLInputElement;
    expect(single.checked).toBe(true);
    expect(field('Image URLs').type).toBe('url');
    fireEvent.click(within(group).getByRole('radio', { name: 'First and last frames' }));
    expect(field('Image URL 1').value).toMatch(/^https:/);
    expect(field('Image URL 2').value).toBe('');
    expect(generate().disabled).toBe(true); // the second frame is missing (one image is the other form)
    fireEvent.click(screen.getByRole('button', { name: 'Show what to fix' }));
    expect(screen.getByText('Image URLs: must have at least 2 item(s)')).toBeTruthy();
    type('Image URL 2', 'https://example.com/last.png');
    expect(generate().disabled).toBe(false);
  });

  it('a value a form allows once only is a switch that cannot change', () => {
    render(<Harness modelId="kling-3.0-omni/reference-to-video" onSubmit={vi.fn()} />);
    fireEvent.click(screen.getByRole('radio', { name: 'Video input only' }));
    const audio = screen.getByRole('switch', { name: 'Audio' }) as HTMLInputElement;
    expect(audio.disabled).toBe(true);
    expect(audio.checked).toBe(false);
  });
});

describe('the multi-shot editor', () => {
  it('appears with its switch, adds, reorders and removes shots, and totals their seconds', () => {
    const onSubmit = vi.fn();
    render(<Harness modelId="kling-3.0/video" example onSubmit={onSubmit} />);
    expect(screen.queryByRole('group', { name: /^Multi prompt/ })).toBeNull();
    fireEvent.click(screen.getByRole('switch', { name: 'Multi shots' }));
    const editor = screen.getByRole('group', { name: /^Multi prompt/ });
    expect(generate().disabled).toBe(true); // multi_shots needs a shot
    const add = within(editor).getByRole('button', { name: 'Add a shot' });
    fireEvent.click(add);
    fireEvent.click(add);
    type('Shot 1 Prompt', 'A wide shot of the room');
    type('Shot 1 Duration', '2');
    type('Shot 2 Prompt', 'A close-up of the dancer');
    type('Shot 2 Duration', '3');
    expect(within(editor).getByText(/2 of up to 5 · 5 s in total \(the video: 5 s\)/)).toBeTruthy();
    expect(
      (within(editor).getByRole('button', { name: 'Move up shot 1' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    fireEvent.click(within(editor).getByRole('button', { name: 'Move up shot 2' }));
    expect(field('Shot 1 Prompt').value).toBe('A close-up of the dancer');
    expect(screen.getByText('Shot 2 moved to position 1.')).toBeTruthy();
    expect(generate().disabled).toBe(false);
    fireEvent.click(generate());
    const request = onSubmit.mock.calls[0]?.[0] as FormRequest;
    expect(request.input).toMatchObject({
      multi_shots: true,
      multi_prompt: [
        { prompt: 'A close-up of the dancer', duration: 3 },
        { prompt: 'A wide shot of the room', duration: 2 },
      ],
    });
    fireEvent.click(within(editor).getByRole('button', { name: 'Remove shot 1' }));
    expect(field('Shot 1 Prompt').value).toBe('A wide shot of the room');
  });

  it('flags a shot over its limits at the shot', () => {
    const max = keyword('KlingShot', 'duration', 'maximum');
    render(<Harness modelId="kling-3.0/video" example onSubmit={vi.fn()} />);
    fireEvent.click(screen.getByRole('switch', { name: 'Multi shots' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add a shot' }));
    type('Shot 1 Prompt', 'x');
    type('Shot 1 Duration', String(max + 1));
    expect(messageOf('Shot 1 Duration')).toContain(`must be <= ${max}`);
    expect(field('Shot 1 Duration').getAttribute('aria-invalid')).toBe('true');
  });
});

describe('the model picker', () => {
  it('groups the catalog by generation and describes the chosen model', () => {
    const onChange = vi.fn();
    const entry = modelById('kling-3.0/motion-control');
    render(<ModelPicker entry={entry} onChange={onChange} onFillExample={vi.fn()} />);
    const select = field('Model') as unknown as HTMLSelectElement;
    const groups = [...select.querySelectorAll('optgroup')].map((group) => group.label);
    expect(groups[0]).toBe('Kling 2.1');
    expect(groups).toHaveLength(new Set(models.map((model) => model.generation)).size);
    expect(select.options).toHaveLength(models.length);
    expect(select.value).toBe(entry.id);
    expect(screen.getByText(entry.summary)).toBeTruthy();
    expect(screen.getByText(entry.kind)).toBeTruthy();
    fireEvent.change(select, { target: { value: 'kling/ai-avatar-pro' } });
    expect(onChange).toHaveBeenCalledWith('kling/ai-avatar-pro');
  });
});

describe.each(models.map((entry: ModelFacts) => ({ id: entry.id })))('the example of $id', ({ id }) => {
  it('fills a form that may be sent', () => {
    const onSubmit = vi.fn();
    render(<Harness modelId={id} example onSubmit={onSubmit} />);
    expect(document.querySelectorAll('[aria-invalid="true"]')).toHaveLength(0);
    fireEvent.click(generate());
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(validateRequest(onSubmit.mock.calls[0]?.[0] as FormRequest).ok).toBe(true);
  });
});
