/**
 * End to end in a real Chromium against the real `kling-mock` CLI serving the built playground,
 * with the seed model (the default): its example through every state to a playing video, a
 * validation error, an upload, an envelope error forced through the admin API, history after a
 * reload, keyboard use, phone width, the proxy, no console errors. The other models of the family
 * are in `family.e2e.test.ts`.
 */
import { join } from 'node:path';
import {
  creditsForDuration,
  describeResponseCode,
  type JsonSchema,
  jsonSchemaOf,
  type RequestOf,
  spec,
  taskStates,
} from '@kling-kit/contract';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, type MockProcess, startMockCli } from './browser';

type CreateTaskRequest = RequestOf<'kling/v2-1-pro'>;
const seed = spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples.seed
  .value as CreateTaskRequest;
const promptMax = (jsonSchemaOf('KlingV21ProInput').properties as Record<string, JsonSchema>).prompt
  ?.maxLength as number;
/** A 1×1 PNG standing in for the example's image host (the test stays offline). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let mock: MockProcess;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
let firstTaskId = '';

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const credits = async () =>
  Number((await page.getByText(/^Credits: [\d,]+$/).textContent())?.replace(/\D/g, ''));
const admin = async (method: string, path: string, body?: unknown) => {
  const answer = await fetch(`${mock.url}/__admin${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return ((await answer.json()) as { data: unknown }).data;
};

async function fillSeedExample(): Promise<void> {
  const { input } = seed;
  await page.getByLabel('Prompt', { exact: true }).fill(input.prompt);
  await page.getByLabel('Image URL', { exact: true }).fill(input.image_url);
  await page.getByLabel('Tail image URL', { exact: true }).fill(input.tail_image_url ?? '');
  await page.getByLabel('Duration', { exact: true }).selectOption(input.duration ?? '5');
  await page.getByLabel('Negative prompt', { exact: true }).fill(input.negative_prompt ?? '');
  await page.getByLabel('CFG scale', { exact: true }).fill(String(input.cfg_scale));
  await page.getByLabel('Callback URL', { exact: true }).fill(seed.callBackUrl ?? '');
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
  await page.route('https://file.aiquickdraw.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'image/png', body: PNG }),
  );
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await mock?.stop();
});

describe('the playground in Chromium', () => {
  it('is what kling-mock serves at /', async () => {
    expect(mock.banner).toContain(`playground: ${mock.url}/`);
    await page.goto(`${mock.url}/`);
    await expect(page.getByRole('heading', { name: 'Kling playground' }).isVisible()).resolves.toBe(true);
    // The seed model is the default.
    await expect(page.getByLabel('Model', { exact: true }).inputValue()).resolves.toBe(seed.model);
    await page.getByText(/^Credits: [\d,]+$/).waitFor();
  });

  it('runs the seed example through its states to a playing video', async () => {
    await fillSeedExample();
    await page.getByAltText('Preview of Image URL').waitFor();
    await shot('1-seed-example-filled');
    const before = await credits();
    await page.getByRole('button', { name: 'Generate' }).click();
    firstTaskId = (await page.getByTestId('task-id').textContent()) ?? '';
    expect(firstTaskId).toMatch(/^[0-9a-f]{32}$/);
    await page.locator('.timeline li[data-state="success"]').waitFor({ timeout: 15_000 });

    const timeline = await page
      .locator('.timeline li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-state') ?? ''));
    expect(timeline[0]).toBe('created');
    expect(timeline.at(-1)).toBe('success');
    expect(timeline).toContain('generating');
    const order = timeline.slice(1).map((state) => taskStates.indexOf(state as (typeof taskStates)[number]));
    expect(order).toEqual([...order].sort((a, b) => a - b));

    const video = page.locator('video');
    await video.scrollIntoViewIfNeeded(); // Chromium plays muted autoplay only on screen
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 3, null, {
      timeout: 10_000,
    });
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.3, null, {
      timeout: 10_000,
    });
    const media = await video.evaluate((element: HTMLVideoElement) => ({
      readyState: element.readyState,
      duration: element.duration,
      paused: element.paused,
      src: element.currentSrc,
    }));
    expect(media.readyState).toBeGreaterThanOrEqual(3);
    expect(media.duration).toBeCloseTo(Number(seed.input.duration), 1);
    expect(media.paused).toBe(false);
    expect(media.src).toBe(`${mock.url}/files/results/${firstTaskId}.mp4`);
    await expect(page.getByRole('link', { name: 'Download the video' }).getAttribute('href')).resolves.toBe(
      media.src,
    );
    await page
      .getByText(`Credits: ${(before - creditsForDuration(seed.input.duration)).toLocaleString('en-US')}`)
      .waitFor();
    await shot('2-video-playing');
  });

  it('shows a validation error for an over-long prompt and sends nothing', async () => {
    const tasksBefore = ((await admin('GET', '/tasks')) as unknown[]).length;
    const prompt = page.getByLabel('Prompt', { exact: true });
    await prompt.fill('x'.repeat(promptMax + 1));
    await page.getByText(`Prompt: must be at most ${promptMax} characters`).waitFor();
    await expect(prompt.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByText(`${promptMax + 1} / ${promptMax}`).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Generate' }).isDisabled()).resolves.toBe(true);
    await page.getByText('nothing is sent until it is fixed').waitFor();
    await page.getByLabel('Callback URL', { exact: true }).press('Enter'); // nor does a submit by keyboard
    await shot('3-validation-error');
    expect(((await admin('GET', '/tasks')) as unknown[]).length).toBe(tasksBefore);
    await prompt.fill(seed.input.prompt);
  });

  it('uploads a local image through the upload API into "Image URL"', async () => {
    await page
      .getByLabel('Upload an image for Image URL', { exact: true })
      .setInputFiles({ name: 'frame.png', mimeType: 'image/png', buffer: PNG });
    await page.getByText('Uploaded frame.png').waitFor();
    const url = await page.getByLabel('Image URL', { exact: true }).inputValue();
    expect(url.startsWith(`${mock.url}/files/uploads/`)).toBe(true);
    expect((await fetch(url)).status).toBe(200);
  });

  it('explains an envelope error forced through the admin API (402)', async () => {
    await admin('POST', '/faults', { operation: 'createTask', code: 402 });
    await page.getByRole('button', { name: 'Generate' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const info = describeResponseCode(402);
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain('402');
    expect(text).toContain(info?.name);
    expect(text).toContain(info?.meaning);
    expect(text).toContain('What to do');
    await shot('4-envelope-error-402');
  });

  it('keeps the history after a reload, reopens a task, and never stores a real key', async () => {
    await page.getByLabel('Target').selectOption('custom');
    await page.getByLabel('Base URL').fill(mock.url);
    await page.getByLabel('API key').fill('sk-real-secret-123');
    await expect(page.getByRole('note').textContent()).resolves.toContain('memory only');
    await page.reload();
    const entry = page.getByRole('button', { name: `Open task ${firstTaskId}` });
    await entry.waitFor();
    await expect(entry.textContent()).resolves.toContain('success');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(stored).toContain(firstTaskId);
    expect(stored).not.toContain('sk-real-secret-123');
    await expect(page.getByLabel('API key').inputValue()).resolves.toBe('mock-key');
    await entry.click();
    await page.locator('.timeline li[data-state="success"]').waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 3);
    await shot('5-history-reopened');
  });

  it('works by keyboard and fits a phone screen', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.getByRole('button', { name: 'Fill the form' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Prompt', { exact: true }).inputValue()).resolves.toBe(seed.input.prompt);
    await page.getByLabel('Callback URL', { exact: true }).focus();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('About this price');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Generate');
    const previous = await page.getByTestId('task-id').textContent();
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => {
      const current = document.querySelector('[data-testid="task-id"]')?.textContent;
      return Boolean(current && current !== id);
    }, previous);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('6-phone-width');
  });

  it('reaches "kie.ai" through a second kling-mock started with --proxy', async () => {
    // The first mock stands in for kie.ai; the page only ever talks to the proxying server.
    const proxying = await startMockCli(['--proxy', mock.url]);
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${proxying.url}/`);
      await page.getByLabel('Target').selectOption('proxy');
      await page.getByLabel('API key').fill('sk-real-secret-456');
      await expect(page.getByRole('note').textContent()).resolves.toContain('memory only');
      await page.getByRole('button', { name: 'Fill the form' }).click();
      const upstreamTasks = ((await admin('GET', '/tasks')) as unknown[]).length;
      await page.getByRole('button', { name: 'Generate' }).click();
      await page.locator('.timeline li[data-state="success"]').waitFor({ timeout: 15_000 });
      expect(((await admin('GET', '/tasks')) as unknown[]).length).toBe(upstreamTasks + 1);
      const proxiedTasks = (await fetch(`${proxying.url}/__admin/tasks`).then((r) => r.json())) as {
        data: unknown[];
      };
      expect(proxiedTasks.data).toHaveLength(0);
      await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 3);
      await expect(page.locator('pre').textContent()).resolves.toContain('$KIE_API_KEY');
      await shot('7-through-the-proxy');
    } finally {
      await proxying.stop();
    }
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
