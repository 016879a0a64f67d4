import { findModel, type ModelFacts, models } from '@kling-kit/contract';
import { describe, expect, it } from 'vitest';
import { coerce, localFileSlots } from '../../src/request';
import { flagIndex, type InputFlag, inputFlagsOf, RESERVED_FLAGS } from '../../src/schema-flags';

const facts = (id: string) => findModel(id) as ModelFacts;
const flag = (id: string, property: string) =>
  inputFlagsOf(facts(id)).find((candidate) => candidate.property === property) as InputFlag;

describe('flags from the catalog', () => {
  it('gives every model of the catalog a flag per input property, none clashing with a command flag', () => {
    expect(models.length).toBeGreaterThanOrEqual(19);
    for (const model of models) {
      const flags = inputFlagsOf(model);
      expect(flags.length, model.id).toBeGreaterThan(0);
      const names = flags.flatMap((entry) => [entry.name, ...(entry.alias ? [entry.alias] : [])]);
      expect(new Set(names).size, model.id).toBe(names.length);
      expect(
        names.filter((name) => RESERVED_FLAGS.has(name)),
        model.id,
      ).toEqual([]);
      // The example request of each model uses only inputs that have a flag.
      const properties = new Set(flags.map((entry) => entry.property));
      for (const key of Object.keys(model.example.input)) {
        expect(properties.has(key), `${model.id}: ${key}`).toBe(true);
      }
    }
  });

  it('maps the seed as the README says', () => {
    expect(flag('kling/v2-1-pro', 'image_url')).toMatchObject({
      name: 'image-url',
      alias: 'image',
      kind: 'string',
      url: true,
      required: true,
    });
    expect(flag('kling/v2-1-pro', 'tail_image_url')).toMatchObject({
      alias: 'tail-image',
      url: true,
      required: false,
    });
    expect(flag('kling/v2-1-pro', 'negative_prompt')).toMatchObject({
      name: 'negative-prompt',
      kind: 'string',
    });
    expect(flag('kling/v2-1-pro', 'cfg_scale')).toMatchObject({
      name: 'cfg-scale',
      kind: 'number',
      default: 0.5,
    });
    expect(flag('kling/v2-1-pro', 'duration')).toMatchObject({
      kind: 'string',
      choices: ['5', '10'],
      default: '5',
    });
    expect(flag('kling/v2-1-pro', 'image_url').mediaTypes).toEqual(['image/jpeg', 'image/png', 'image/webp']);
  });

  it('types durations as each model takes them: strings for most, integers for Omni', () => {
    expect(coerce(flag('kling/v2-1-pro', 'duration'), '10')).toBe('10');
    expect(coerce(flag('kling/v2-1-pro', 'duration'), 10)).toBe('10');
    expect(coerce(flag('kling-3.0-omni/text-to-video', 'duration'), '10')).toBe(10);
    expect(coerce(flag('kling-3.0/video', 'duration'), '12')).toBe('12');
    // A value that cannot be typed is left for the validator to name.
    expect(coerce(flag('kling/v2-1-pro', 'cfg_scale'), 'high')).toBe('high');
  });

  it('makes booleans switches, URL arrays repeatable, arrays of objects JSON', () => {
    expect(flag('kling-2.6/image-to-video', 'sound')).toMatchObject({ kind: 'boolean' });
    expect(flag('kling-2.6/image-to-video', 'image_urls')).toMatchObject({
      alias: 'image',
      kind: 'list',
      url: true,
      array: true,
    });
    expect(flag('kling-2.6/motion-control', 'video_urls')).toMatchObject({
      alias: 'video',
      kind: 'list',
      url: true,
    });
    expect(flag('kling/ai-avatar-pro', 'audio_url')).toMatchObject({ alias: 'audio', url: true });
    const shots = flag('kling-3.0/video', 'multi_prompt');
    expect(shots).toMatchObject({ kind: 'json', array: true });
    expect(coerce(shots, ['{"prompt":"a","duration":2}', '[{"prompt":"b","duration":3}]'])).toEqual([
      { prompt: 'a', duration: 2 },
      { prompt: 'b', duration: 3 },
    ]);
    expect(() => coerce(shots, ['{nope'])).toThrow(/--multi-prompt: not valid JSON/);
    expect(coerce(flag('kling-2.6/image-to-video', 'sound'), 'true')).toBe(true);
    expect(coerce(flag('kling-2.6/image-to-video', 'image_urls'), 'a.png')).toEqual(['a.png']);
  });

  it('merges the forms of a oneOf input (Omni reference-to-video)', () => {
    const flags = inputFlagsOf(facts('kling-3.0-omni/reference-to-video'));
    expect(flags.map((entry) => entry.property).sort()).toEqual(
      [
        'aspect_ratio',
        'audio',
        'customize_multi_shots',
        'duration',
        'elements',
        'image_urls',
        'multi_prompt',
        'prefer_multi_shots',
        'prompt',
        'resolution',
        'video_urls',
      ].sort(),
    );
    expect(flags.find((entry) => entry.property === 'prompt')?.required).toBe(true);
    expect(flags.find((entry) => entry.property === 'image_urls')?.required).toBe(false);
    expect(flags.find((entry) => entry.property === 'aspect_ratio')?.choices).toEqual([
      '16:9',
      '9:16',
      '1:1',
      'auto',
    ]);
  });

  it('finds a batch line’s fields by property, flag name or alias', () => {
    const index = flagIndex(inputFlagsOf(facts('kling/v2-1-pro')));
    for (const key of ['tail_image_url', 'tail-image-url', 'tail-image']) {
      expect(index.get(key)?.property).toBe('tail_image_url');
    }
  });

  it('finds local paths in URL places, nested ones too, and leaves URLs and "" alone', () => {
    const input = {
      prompt: 'x',
      image_urls: ['https://example.com/a.png', './b.png'],
      elements: [
        { name: 'cat', description: 'a cat', element_input_urls: ['cat1.png', 'oss://bucket/cat2.png'] },
      ],
    };
    const slots = localFileSlots(facts('kling-3.0-omni/reference-to-video'), input);
    expect(slots.map((slot) => [slot.label, slot.given])).toEqual([
      ['image_urls[1]', './b.png'],
      ['elements[0].element_input_urls[0]', 'cat1.png'],
    ]);
    for (const slot of slots) {
      slot.set(`https://uploads/${slot.given}`);
    }
    expect(input.image_urls[1]).toBe('https://uploads/./b.png');
    expect(input.elements[0]?.element_input_urls[0]).toBe('https://uploads/cat1.png');
    expect(localFileSlots(facts('kling/v2-1-pro'), { prompt: 'photo.png', tail_image_url: '' })).toEqual([]);
  });
});
