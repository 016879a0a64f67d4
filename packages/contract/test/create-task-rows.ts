/**
 * The createTask constraint table: the seed body, and rows that each break exactly one rule of it
 * (or stay valid at a limit). Shared by the constraint tests and the ajv parity test.
 */
import type { CreateTaskRequest } from '../src/index';

export const seed: CreateTaskRequest = {
  model: 'kling/v2-1-pro',
  callBackUrl: 'https://your-domain.com/api/callback',
  input: {
    prompt:
      '第一人称视角：反重力冲浪者穿梭于悬浮半空的古老遗迹之间，发光苔藓照亮路径，冲浪板划过薄雾时发出嘶嘶声，速度越快，周遭的回声越响亮',
    image_url: 'https://file.aiquickdraw.com/custom-page/akr/section-images/1754892534386c8wt0qfs.webp',
    duration: '5',
    negative_prompt: '模糊、畸变、低画质',
    cfg_scale: 0.5,
    tail_image_url: '',
  },
};

type Patch = { model?: unknown; callBackUrl?: unknown; input?: Record<string, unknown> };
export const withChanges = ({ input, ...top }: Patch): unknown => {
  const body: Record<string, unknown> = { ...seed, ...top, input: { ...seed.input, ...input } };
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) {
      delete body[key];
    }
  }
  const inner = body.input as Record<string, unknown>;
  for (const [key, value] of Object.entries(inner)) {
    if (value === undefined) {
      delete inner[key];
    }
  }
  return body;
};

/** Each row breaks exactly one rule of the seed. `zod: false` marks what hey-api's zod output cannot express. */
export const rejected: { name: string; body: unknown; path: string; keyword: string; zod?: false }[] = [
  {
    name: 'over-long prompt (5001)',
    body: withChanges({ input: { prompt: 'a'.repeat(5001) } }),
    path: 'input.prompt',
    keyword: 'maxLength',
  },
  {
    name: 'over-long Chinese prompt (5001)',
    body: withChanges({ input: { prompt: '浪'.repeat(5001) } }),
    path: 'input.prompt',
    keyword: 'maxLength',
  },
  {
    name: 'empty prompt',
    body: withChanges({ input: { prompt: '' } }),
    path: 'input.prompt',
    keyword: 'minLength',
  },
  {
    name: 'missing prompt',
    body: withChanges({ input: { prompt: undefined } }),
    path: 'input.prompt',
    keyword: 'required',
  },
  {
    name: 'prompt not a string',
    body: withChanges({ input: { prompt: 42 } }),
    path: 'input.prompt',
    keyword: 'type',
  },
  {
    name: 'missing image_url',
    body: withChanges({ input: { image_url: undefined } }),
    path: 'input.image_url',
    keyword: 'required',
  },
  {
    name: 'image_url not a URL',
    body: withChanges({ input: { image_url: 'surfer.webp' } }),
    path: 'input.image_url',
    keyword: 'format',
  },
  {
    name: 'image_url not http(s)',
    body: withChanges({ input: { image_url: 'ftp://example.com/a.png' } }),
    path: 'input.image_url',
    keyword: 'pattern',
  },
  {
    name: 'duration "7"',
    body: withChanges({ input: { duration: '7' } }),
    path: 'input.duration',
    keyword: 'enum',
  },
  {
    name: 'duration as the number 5',
    body: withChanges({ input: { duration: 5 } }),
    path: 'input.duration',
    keyword: 'enum',
  },
  {
    name: 'over-long negative_prompt (501)',
    body: withChanges({ input: { negative_prompt: 'n'.repeat(501) } }),
    path: 'input.negative_prompt',
    keyword: 'maxLength',
  },
  {
    name: 'cfg_scale 1.1',
    body: withChanges({ input: { cfg_scale: 1.1 } }),
    path: 'input.cfg_scale',
    keyword: 'maximum',
  },
  {
    name: 'cfg_scale -0.1',
    body: withChanges({ input: { cfg_scale: -0.1 } }),
    path: 'input.cfg_scale',
    keyword: 'minimum',
  },
  {
    name: 'cfg_scale 0.55 (not a 0.1 step)',
    body: withChanges({ input: { cfg_scale: 0.55 } }),
    path: 'input.cfg_scale',
    keyword: 'multipleOf',
    zod: false,
  },
  {
    name: 'cfg_scale as a string',
    body: withChanges({ input: { cfg_scale: '0.5' } }),
    path: 'input.cfg_scale',
    keyword: 'type',
  },
  {
    name: 'tail_image_url not a URL',
    body: withChanges({ input: { tail_image_url: 'end.png' } }),
    path: 'input.tail_image_url',
    keyword: 'anyOf',
  },
  {
    name: 'unknown model',
    body: withChanges({ model: 'kling/v2-1-master' }),
    path: 'model',
    keyword: 'discriminator',
  },
  { name: 'missing model', body: withChanges({ model: undefined }), path: 'model', keyword: 'required' },
  {
    name: 'callBackUrl not a URI',
    body: withChanges({ callBackUrl: 'your-domain.com/callback' }),
    path: 'callBackUrl',
    keyword: 'anyOf',
  },
  { name: 'missing input', body: { model: 'kling/v2-1-pro' }, path: 'input', keyword: 'required' },
  {
    name: 'input not an object',
    body: { model: 'kling/v2-1-pro', input: 'surf' },
    path: 'input',
    keyword: 'type',
  },
  { name: 'body not an object', body: [seed], path: '', keyword: 'type' },
];

export const accepted: { name: string; body: unknown }[] = [
  { name: 'the seed example', body: seed },
  { name: 'prompt of exactly 5000 characters', body: withChanges({ input: { prompt: '浪'.repeat(5000) } }) },
  {
    name: 'negative_prompt of exactly 500 characters',
    body: withChanges({ input: { negative_prompt: 'n'.repeat(500) } }),
  },
  { name: 'duration "10"', body: withChanges({ input: { duration: '10' } }) },
  // kie.ai accepts an empty callBackUrl: no callback (a published client sends it on every task).
  { name: 'callBackUrl ""', body: withChanges({ callBackUrl: '' }) },
  ...[0, 0.1, 0.3, 0.7, 0.9, 1].map((cfg) => ({
    name: `cfg_scale ${cfg}`,
    body: withChanges({ input: { cfg_scale: cfg } }),
  })),
  {
    name: 'a real tail_image_url',
    body: withChanges({ input: { tail_image_url: 'https://example.com/end.png' } }),
  },
  {
    name: 'no optional field at all',
    body: { model: 'kling/v2-1-pro', input: { prompt: 'p', image_url: 'https://example.com/a.jpg' } },
  },
];
