/**
 * The Kling family end to end, in a real Chromium against the real `kling-mock` CLI (fast timing)
 * serving the built playground: for each kind of model (image-to-video, text-to-video, motion
 * control, avatar, multi-shot), the model is picked, its form filled with its example and edited
 * through the UI, the task generated, and the result video plays with the length and shape the
 * request asked for. The body the mock received is the body the page showed, and the mock charged
 * what the page estimated; axe-core finds no violation with the video and the history shown.
 */
import { join } from 'node:path';
import { findModel, type ModelFacts, videoSecondsOf } from '@kling-kit/contract';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { ARTIFACTS, launchChromium, type MockProcess, startMockCli } from './browser';

/** A 1×1 PNG standing in for the examples' image hosts (the test stays offline). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const RATIOS: Readonly<Record<string, number>> = { '16:9': 16 / 9, '9:16': 9 / 16, '1:1': 1 };

let mock: MockProcess;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

interface Body {
  model: string;
  callBackUrl?: string;
  input: Record<string, unknown>;
}
interface TaskView {
  model: string;
  price: number;
  record: { param: string };
}

const admin = async <T>(path: string): Promise<T> =>
  ((await (await fetch(`${mock.url}/__admin${path}`)).json()) as { data: T }).data;
const entryOf = (id: string): ModelFacts => {
  const entry = findModel(id);
  if (!entry) {
    throw new Error(`no model ${id}`);
  }
  return entry;
};
const field = (label: string) => page.getByLabel(label, { exact: true });
const generateButton = () => page.getByRole('button', { name: 'Generate' });

/** Picks a model and fills its form with the model's catalog example, through the page. */
async function pickWithExample(id: string): Promise<void> {
  await field('Model').selectOption(id);
  await page.getByRole('button', { name: 'Fill the form' }).click();
  await expect.poll(() => generateButton().isEnabled()).toBe(true);
}

/** The body the page shows under "As code" (the curl snippet's `-d`). */
async function shownBody(): Promise<Body> {
  const curl = (await page.locator('pre').textContent()) ?? '';
  const quoted = /-d '([\s\S]*)'$/.exec(curl)?.[1] ?? '';
  return JSON.parse(quoted.replaceAll(`'\\''`, `'`)) as Body;
}

/** The estimate the form shows, in credits. */
async function estimate(): Promise<number> {
  const text = (await page.locator('.estimate strong').textContent()) ?? '';
  return Number(text.replace(/[^\d.]/g, ''));
}

/** Generates, follows the task to success, and checks the video plays as the request asked. */
async function generateAndPlay(name: string): Promise<{ body: Body; taskId: string }> {
  const body = await shownBody();
  const estimated = await estimate();
  const entry = entryOf(body.model);
  const previous = await page
    .getByTestId('task-id')
    .textContent({ timeout: 100 })
    .catch(() => null);
  await generateButton().click();
  await page.waitForFunction((id) => {
    const current = document.querySelector('[data-testid="task-id"]')?.textContent;
    return Boolean(current && current !== id);
  }, previous);
  const taskId = (await page.getByTestId('task-id').textContent()) ?? '';
  await expect(page.getByTestId('task-model').textContent()).resolves.toBe(body.model);
  await page.locator('.timeline li[data-state="success"]').waitFor({ timeout: 20_000 });

  // What the mock received is the body the page showed, and it charges what the page estimated.
  const task = await admin<TaskView>(`/tasks/${taskId}`);
  expect(task.model).toBe(body.model);
  expect(JSON.parse(task.record.param)).toEqual(body);
  expect(task.price).toBeCloseTo(estimated, 2);

  const video = page.locator('video');
  await video.scrollIntoViewIfNeeded(); // Chromium plays muted autoplay only on screen
  await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 3, null, {
    timeout: 10_000,
  });
  const first = await video.evaluate((element: HTMLVideoElement) => element.currentTime);
  await page.waitForFunction(
    (start) => (document.querySelector('video')?.currentTime ?? 0) > start + 0.2,
    first,
    { timeout: 10_000 },
  );
  const media = await video.evaluate((element: HTMLVideoElement) => ({
    duration: element.duration,
    width: element.videoWidth,
    height: element.videoHeight,
    paused: element.paused,
    src: element.currentSrc,
  }));
  expect(media.paused).toBe(false);
  expect(media.src).toBe(`${mock.url}/files/results/${taskId}.mp4`);
  expect(Math.abs(media.duration - videoSecondsOf(entry, body.input))).toBeLessThanOrEqual(0.2);
  // The frame follows aspect_ratio (the model's default when not sent); the mock draws image-,
  // video- and audio-driven models (and "auto") at 16:9, since it never fetches their inputs.
  const asked = body.input.aspect_ratio ?? entry.defaults.aspect_ratio;
  const ratio = RATIOS[String(asked)] ?? RATIOS['16:9'];
  expect(media.width / media.height).toBeCloseTo(ratio ?? 0, 2);
  // The history lists the task with its model.
  await expect(
    page.getByRole('button', { name: new RegExp(`^Open task ${taskId} `) }).textContent(),
  ).resolves.toContain(body.model);
  await page.screenshot({ path: join(ARTIFACTS, `family-${name}.png`), fullPage: true });
  // The page after the task (its video, the history of several models) is as accessible as ever.
  expect(await axeViolations(page)).toEqual([]);
  return { body, taskId };
}

/** Whether an MP4 has a sound track (an `mp4a` sample entry). */
async function hasSoundTrack(taskId: string): Promise<boolean> {
  const bytes = Buffer.from(await (await fetch(`${mock.url}/files/results/${taskId}.mp4`)).arrayBuffer());
  return bytes.includes(Buffer.from('mp4a'));
}

beforeAll(async () => {
  mock = await startMockCli();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  // Only the mock is reached: the examples' images (on other hosts) get a PNG, anything else fails.
  await page.route('**/*', (route) => {
    const request = route.request();
    if (request.url().startsWith(`${mock.url}/`)) {
      return route.continue();
    }
    if (request.resourceType() === 'image') {
      return route.fulfill({ status: 200, contentType: 'image/png', body: PNG });
    }
    return route.abort('blockedbyclient');
  });
  await page.goto(`${mock.url}/`);
  await page.getByText(/^Credits: [\d,]+$/).waitFor();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await mock?.stop();
});

describe('every kind of Kling model in Chromium', () => {
  it('image-to-video: kling-2.6/image-to-video, 10 s with sound', async () => {
    await pickWithExample('kling-2.6/image-to-video');
    await page.getByAltText('Preview of Image URLs').waitFor();
    await page.getByRole('switch', { name: 'Sound' }).check();
    await field('Duration').selectOption('10');
    const { body, taskId } = await generateAndPlay('image-to-video');
    expect(body.input).toMatchObject({ sound: true, duration: '10' });
    expect(body.input.image_urls).toEqual((entryOf(body.model).example.input as Body['input']).image_urls);
    await expect(hasSoundTrack(taskId)).resolves.toBe(true);
  });

  it('text-to-video: kling/v3-turbo-text-to-video, 9:16 for 4 s', async () => {
    await pickWithExample('kling/v3-turbo-text-to-video');
    await field('Aspect ratio').selectOption('9:16');
    await field('Duration').selectOption('4');
    await field('Prompt').fill('A paper boat drifts down a rain-soaked street at night, neon reflections');
    const { body } = await generateAndPlay('text-to-video');
    expect(body.input).toMatchObject({ aspect_ratio: '9:16', duration: '4' });
  });

  it('motion control: kling-3.0/motion-control at 1080p', async () => {
    await pickWithExample('kling-3.0/motion-control');
    await field('Mode').selectOption('1080p');
    const { body } = await generateAndPlay('motion-control');
    expect(body.input).toMatchObject({ mode: '1080p' });
    expect(body.input.video_urls).toEqual((entryOf(body.model).example.input as Body['input']).video_urls);
  });

  it('avatar: kling/ai-avatar-pro, with a direction for the performance', async () => {
    await pickWithExample('kling/ai-avatar-pro');
    await field('Prompt').fill('Warm and calm, a slight smile');
    const { body, taskId } = await generateAndPlay('avatar');
    expect(body.input).toMatchObject({ prompt: 'Warm and calm, a slight smile' });
    await expect(hasSoundTrack(taskId)).resolves.toBe(true); // an avatar always speaks
  });

  it('multi-shot: kling-3.0/video with two shots through the shot editor', async () => {
    await pickWithExample('kling-3.0/video');
    await page.getByRole('switch', { name: 'Multi shots' }).check();
    await expect(generateButton().isDisabled()).resolves.toBe(true); // a multi-shot video needs shots
    await page.getByRole('button', { name: 'Add a shot' }).click();
    await field('Shot 1 Prompt').fill('Close-up: the dancer ties her shoes');
    await field('Shot 1 Duration').fill('4');
    await page.getByRole('button', { name: 'Add a shot' }).click();
    await field('Shot 2 Prompt').fill('Wide: she spins across the sunlit floor');
    await field('Shot 2 Duration').fill('2');
    await page.getByRole('button', { name: 'Move up shot 2' }).click();
    await field('Duration').selectOption('6');
    await page.getByText('2 of up to 5 · 6 s in total (the video: 6 s)').waitFor();
    const { body, taskId } = await generateAndPlay('multi-shot');
    expect(body.input).toMatchObject({
      multi_shots: true,
      duration: '6',
      multi_prompt: [
        { prompt: 'Wide: she spins across the sunlit floor', duration: 2 },
        { prompt: 'Close-up: the dancer ties her shoes', duration: 4 },
      ],
    });
    await expect(hasSoundTrack(taskId)).resolves.toBe(body.input.sound === true);
  });

  it('multi-shot: kling-3.0-omni/text-to-video with custom shots, 1:1', async () => {
    await pickWithExample('kling-3.0-omni/text-to-video');
    await page.getByRole('switch', { name: 'Customize multi shots' }).check();
    await field('Aspect ratio').selectOption('1:1');
    await page.getByRole('button', { name: 'Add a shot' }).click();
    await field('Shot 1 Prompt').fill('The keeper climbs the stairs');
    await field('Shot 1 Duration').fill('3');
    await page.getByRole('button', { name: 'Add a shot' }).click();
    await field('Shot 2 Prompt').fill('Lightning over the sea');
    await field('Shot 2 Duration').fill('4');
    await field('Duration').selectOption('7');
    const { body } = await generateAndPlay('omni-shots');
    expect(body.input).toMatchObject({ customize_multi_shots: true, duration: 7, aspect_ratio: '1:1' });
    expect(body.input.multi_prompt).toHaveLength(2);
  });

  it('keeps the prompt when switching models, and the code follows the model', async () => {
    await pickWithExample('kling/v2-1-pro');
    const prompt = await field('Prompt').inputValue();
    await field('Model').selectOption('kling-3.0-omni/text-to-video');
    await expect(field('Prompt').inputValue()).resolves.toBe(prompt);
    await page.getByRole('button', { name: 'Copy as TypeScript' }).click();
    const code = (await page.locator('pre').textContent()) ?? '';
    expect(code).toContain("import { kling30OmniTextToVideo } from '@kling-kit/client/models';");
    expect(code).toContain('models: [kling30OmniTextToVideo]');
    expect(code).toContain('"model": "kling-3.0-omni/text-to-video"');
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
