/**
 * Accessibility in every state, checked by axe-core (WCAG 2.0/2.1/2.2 A and AA, best practices) in
 * a real Chromium at 1280 px and 375 px wide, in the light and the dark colour scheme: the empty
 * page, the filled form, validation errors, a task waiting, queuing and generating, the video after
 * success, a failure and an envelope error, a history of several tasks in every state, every
 * model's form filled with its example (one page per width, the model switched in the page), each
 * form of a `oneOf` model, the multi-shot and element editors, and invalid states of other models.
 */
import { join } from 'node:path';
import { models, taskStates } from '@kling-kit/contract';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { ARTIFACTS, launchChromium, type MockProcess, startMockCli } from './browser';

/** A 1×1 PNG standing in for the example's image host (the test stays offline). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const HISTORY_KEY = 'kling-kit.playground.history.v1';
const SCHEMES = ['light', 'dark'] as const;

let mock: MockProcess;
let browser: Browser;

const admin = async (method: string, path: string, body?: unknown) => {
  const answer = await fetch(`${mock.url}/__admin${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const envelope = (await answer.json()) as { code: number; msg: string; data: unknown };
  if (!answer.ok) {
    throw new Error(`${method} /__admin${path}: ${envelope.code} ${envelope.msg}`);
  }
  return envelope.data;
};

beforeAll(async () => {
  mock = await startMockCli();
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await mock?.stop();
});

describe('the axe helper', () => {
  it('names the rule, the element and what to fix', async () => {
    const page = await browser.newPage();
    try {
      await page.setContent(
        '<!doctype html><html lang="en"><head><title>Broken</title></head><body><main><h1>Broken</h1>' +
          '<input id="nameless"><button aria-label="Delete">Remove</button></main></body></html>',
      );
      const found = (await axeViolations(page)).sort();
      expect(found).toHaveLength(2);
      expect(found[0]).toMatch(
        /^label \(critical\): Form elements must have labels <https:\/\/\S+>\n {2}- #nameless\n/,
      );
      expect(found[0]).toContain('Fix any of the following:');
      expect(found[1]).toMatch(/^label-content-name-mismatch \(serious\): .*\n {2}- button\n/);
      await expect(
        axeViolations(page, { exclude: ['#nameless'], disableRules: ['label-content-name-mismatch'] }),
      ).resolves.toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe.each([
  { width: 1280, height: 900 },
  { width: 375, height: 800 },
])('axe-core at $width px wide', ({ width, height }) => {
  let context: BrowserContext;
  let page: Page;
  let taskId = '';

  /** The violations of the page as it is now, in both colour schemes; a screenshot of each state. */
  const violations = async (state: string, { screenshots = true } = {}): Promise<string[]> => {
    const found: string[] = [];
    for (const colorScheme of SCHEMES) {
      await page.emulateMedia({ colorScheme });
      for (const violation of await axeViolations(page)) {
        found.push(`[${state}, ${colorScheme}, ${width} px] ${violation}`);
      }
      if (screenshots) {
        await page.screenshot({
          path: join(ARTIFACTS, `a11y-${width}-${state}-${colorScheme}.png`),
          fullPage: true,
        });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    return found;
  };
  const waitForState = (state: string) =>
    page.locator(`.timeline li[data-state="${state}"]`).waitFor({ timeout: 15_000 });
  /** Waits until the result video can play, or fails with the state of the <video>. */
  const waitForVideo = async () => {
    try {
      await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 3, null, {
        timeout: 10_000,
      });
    } catch (error) {
      const video = await page.evaluate(() => {
        const element = document.querySelector('video');
        return (
          element && {
            src: element.currentSrc,
            readyState: element.readyState,
            networkState: element.networkState,
            error: element.error?.message ?? null,
          }
        );
      });
      throw new Error(`The result video did not load: ${JSON.stringify(video)}`, { cause: error });
    }
  };
  /** Fills the form from the spec's first example (the seed's) through the page's own button. */
  const fillSeedExample = async () => {
    await page.getByRole('button', { name: 'Fill the form' }).click();
    await expect.poll(() => page.getByLabel('Prompt', { exact: true }).inputValue()).not.toBe('');
  };
  /** Chromium's own accessible name (DevTools protocol) and the visible text of each match. */
  const accessibleNames = async (selector: string) => {
    const cdp = await context.newCDPSession(page);
    try {
      const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
      const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
      const found: { name: string; visible: string }[] = [];
      for (const nodeId of nodeIds) {
        const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
        const { object } = await cdp.send('DOM.resolveNode', { nodeId });
        const { result } = await cdp.send('Runtime.callFunctionOn', {
          objectId: object.objectId ?? '',
          functionDeclaration: 'function () { return this.innerText; }',
          returnByValue: true,
        });
        found.push({ name: String(nodes[0]?.name?.value ?? ''), visible: String(result.value) });
      }
      return found;
    } finally {
      await cdp.detach();
    }
  };
  /** Creates a task from the filled form and returns its id once it is shown. */
  const generate = async () => {
    const previous = await page
      .getByTestId('task-id')
      .textContent({ timeout: 100 })
      .catch(() => null);
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.waitForFunction((id) => {
      const current = document.querySelector('[data-testid="task-id"]')?.textContent;
      return Boolean(current && current !== id);
    }, previous);
    return (await page.getByTestId('task-id').textContent()) ?? '';
  };

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width, height } });
    // Only the mock is reached; the example's image host answers with a PNG, anything else fails.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${mock.url}/`)) {
        return route.continue();
      }
      if (url.startsWith('https://file.aiquickdraw.com/')) {
        return route.fulfill({ status: 200, contentType: 'image/png', body: PNG });
      }
      return route.abort('blockedbyclient');
    });
    page = await context.newPage();
  }, 30_000);

  afterAll(async () => {
    await context?.close();
  });

  it('the empty page', async () => {
    await page.goto(`${mock.url}/`);
    await page.getByText(/^Credits: [\d,]+$/).waitFor();
    expect(await violations('empty')).toEqual([]);
  });

  it('the form filled with valid values', async () => {
    await fillSeedExample();
    const imageUrl = await page.getByLabel('Image URL', { exact: true }).inputValue();
    await page.getByLabel('Tail image URL', { exact: true }).fill(imageUrl);
    await page
      .getByLabel('Upload an image for Image URL', { exact: true })
      .setInputFiles({ name: 'frame.png', mimeType: 'image/png', buffer: PNG });
    await page.getByText('Uploaded frame.png').waitFor();
    await page.getByAltText('Preview of Image URL').waitFor();
    await page.getByAltText('Preview of Tail image URL').waitFor();
    await page.getByText('About this price').click(); // the price's source and confidence, shown
    expect(await violations('filled')).toEqual([]);
  });

  it('the form showing validation errors', async () => {
    // One past each limit, read from the page's own counters ("0 / 2500").
    const tooLong = async (id: string, char: string) => {
      const max = Number((await page.locator(`#f-${id}-hint`).textContent())?.split('/')[1]);
      expect(max).toBeGreaterThan(0);
      return char.repeat(max + 1);
    };
    await page.getByLabel('Prompt', { exact: true }).fill(await tooLong('prompt', 'x'));
    await page.getByLabel('Image URL', { exact: true }).fill('not a url');
    await page.getByLabel('Tail image URL', { exact: true }).fill('also not a url');
    await page.getByLabel('Negative prompt', { exact: true }).fill(await tooLong('negative_prompt', 'y'));
    await page.getByLabel('Callback URL', { exact: true }).fill('callback');
    await expect(page.getByRole('button', { name: 'Generate' }).isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Show what to fix' }).click();
    await page.getByText('nothing is sent until they are fixed').waitFor();
    const invalid = await page
      .locator('[aria-invalid="true"]')
      .evaluateAll((fields) => fields.map((field) => field.id));
    expect(invalid.sort()).toEqual(
      ['f-callBackUrl', 'f-image_url', 'f-negative_prompt', 'f-prompt', 'f-tail_image_url'].sort(),
    );
    expect(await violations('invalid')).toEqual([]);
  });

  it('during a task: waiting, queuing and generating', async () => {
    await fillSeedExample();
    // Long state durations for this task only, so each state holds while axe looks at it.
    await admin('PATCH', '/config', { timing: 'waiting=120s,queuing=120s,generating=120s' });
    try {
      taskId = await generate();
    } finally {
      await admin('PATCH', '/config', { timing: 'fast' });
    }
    expect(taskId).toMatch(/^[0-9a-f]{32}$/);
    const found: string[] = [];
    for (const state of ['waiting', 'queuing', 'generating'] as const) {
      if (state !== 'waiting') {
        await admin('POST', `/tasks/${taskId}/state`, { state });
      }
      await waitForState(state);
      found.push(...(await violations(state)));
    }
    expect(found).toEqual([]);
  });

  it('after success, with the result video shown', async () => {
    await admin('POST', `/tasks/${taskId}/state`, { state: 'success' });
    await waitForState('success');
    await waitForVideo();
    expect(await violations('success')).toEqual([]);
  });

  it('after a failed generation and after an envelope error', async () => {
    await admin('PATCH', '/config', { timing: 'waiting=120s,queuing=120s,generating=120s' });
    let failed: string;
    try {
      failed = await generate();
    } finally {
      await admin('PATCH', '/config', { timing: 'fast' });
    }
    await admin('POST', `/tasks/${failed}/state`, {
      state: 'fail',
      failCode: 500,
      failMsg: 'Internal error during generation',
    });
    await waitForState('fail');
    const found = await violations('fail');

    await admin('POST', '/faults', { operation: 'createTask', code: 402 });
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('alert').filter({ hasText: '402' }).waitFor();
    found.push(...(await violations('error-402')));
    expect(found).toEqual([]);
  });

  it('with several history entries, one per state', async () => {
    // The tasks created above, plus one entry for each state the list can show.
    const now = Date.now();
    await page.evaluate(
      ({ key, entries }) => {
        const stored = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown[];
        localStorage.setItem(key, JSON.stringify([...stored, ...entries]));
      },
      {
        key: HISTORY_KEY,
        entries: ['created', ...taskStates].map((state, index) => ({
          taskId: `${index}`.padStart(32, 'f'),
          model: models[index % models.length]?.id,
          prompt: `A ${state} task: a gravity surfer diving between ancient ruins suspended midair`,
          state,
          createdAt: now - (index + 1) * 60_000,
          baseUrl: mock.url,
        })),
      },
    );
    await page.reload();
    await page.getByText(/^Credits: [\d,]+$/).waitFor();
    const entries = page.getByRole('button', { name: /^Open task / });
    await expect(entries.count()).resolves.toBeGreaterThanOrEqual(taskStates.length + 3);
    // The accessible name holds the visible text (WCAG 2.5.3, axe's label-content-name-mismatch).
    const squeeze = (text: string) => text.replace(/\s+/g, '');
    const names = await accessibleNames('.history button');
    expect(names).toHaveLength(await entries.count());
    for (const { name, visible } of names) {
      expect(name).toMatch(/^Open task [0-9a-f]{32} /);
      expect(squeeze(name)).toContain(squeeze(visible));
    }
    expect(await violations('history')).toEqual([]);

    await page.getByRole('button', { name: `Open task ${taskId}` }).click();
    await waitForState('success');
    await waitForVideo();
    expect(await violations('history-reopened')).toEqual([]);
  });

  it('with a real key and another base URL', async () => {
    await page.getByLabel('Target').selectOption('custom');
    await page.getByLabel('Base URL').fill(mock.url);
    await page.getByLabel('API key').fill('sk-a11y-test-key');
    await page.getByRole('note').waitFor();
    const found = await violations('real-key');
    await page.getByLabel('Target').selectOption('mock');
    expect(found).toEqual([]);
  });

  it("every model's form, filled with its example", async () => {
    const found: string[] = [];
    for (const entry of models) {
      await page.getByLabel('Model', { exact: true }).selectOption(entry.id);
      await page.getByRole('button', { name: 'Fill the form' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(true);
      found.push(
        ...(await violations(`model-${entry.id.replace(/[^a-z0-9.]+/gi, '-')}`, { screenshots: false })),
      );
      // No form is wider than the screen (long URLs, lists and editors wrap or scroll inside).
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) {
        found.push(`[${entry.id}, ${width} px] the page scrolls sideways by ${overflow} px`);
      }
    }
    await page.screenshot({ path: join(ARTIFACTS, `a11y-${width}-models-last.png`), fullPage: true });
    expect(found).toEqual([]);
  });

  it('each form of a oneOf model, with a switch that cannot change', async () => {
    await page.getByLabel('Model', { exact: true }).selectOption('kling-3.0-omni/reference-to-video');
    await page.getByRole('button', { name: 'Fill the form' }).click();
    const found: string[] = [];
    const forms = page.getByRole('group', { name: 'Form' }).getByRole('radio');
    for (let index = 0; index < (await forms.count()); index++) {
      await forms.nth(index).check();
      found.push(...(await violations(`oneof-form-${index + 1}`, { screenshots: index === 1 })));
    }
    await expect(page.getByRole('switch', { name: 'Audio' }).isDisabled()).resolves.toBe(true);
    expect(found).toEqual([]);
  });

  it('the multi-shot and element editors, valid and invalid', async () => {
    await page.getByLabel('Model', { exact: true }).selectOption('kling-3.0/video');
    await page.getByRole('button', { name: 'Fill the form' }).click();
    await page.getByRole('switch', { name: 'Multi shots' }).check();
    for (const [index, prompt, seconds] of [
      [1, 'Close-up: the dancer ties her shoes', '2'],
      [2, 'Wide: she spins across the sunlit floor', '3'],
    ] as const) {
      await page.getByRole('button', { name: 'Add a shot' }).click();
      await page.getByLabel(`Shot ${index} Prompt`, { exact: true }).fill(prompt);
      await page.getByLabel(`Shot ${index} Duration`, { exact: true }).fill(seconds);
    }
    await page.getByRole('button', { name: 'Move up shot 2' }).click();
    await page.getByRole('button', { name: 'Add an element' }).click();
    await page.getByLabel('Element 1 Name', { exact: true }).fill('dancer');
    await page.getByLabel('Element 1 Description', { exact: true }).fill('The dancer in a red dress');
    await expect.poll(() => page.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(false);
    const found = await violations('shots');
    // One past each shot limit, and an element without its images: every message shown.
    await page.getByLabel('Shot 1 Duration', { exact: true }).fill('99');
    await page.getByLabel('Shot 2 Duration', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Show what to fix' }).click();
    await expect.poll(() => page.locator('[aria-invalid="true"]').count()).toBeGreaterThanOrEqual(3);
    found.push(...(await violations('shots-invalid')));
    expect(found).toEqual([]);
  });

  it('invalid forms of other models: lists, switches and a rule across fields', async () => {
    const found: string[] = [];
    await page.getByLabel('Model', { exact: true }).selectOption('kling-3.0/motion-control');
    await page.getByRole('button', { name: 'Show what to fix' }).click();
    await expect.poll(() => page.locator('[aria-invalid="true"]').count()).toBeGreaterThanOrEqual(2);
    found.push(...(await violations('motion-invalid')));
    await page.getByLabel('Model', { exact: true }).selectOption('kling-3.0-omni/image-to-video');
    await page.getByRole('button', { name: 'Fill the form' }).click();
    await page.getByRole('switch', { name: 'Customize multi shots' }).check();
    await page.getByRole('switch', { name: 'Prefer multi shots' }).check();
    await page.getByRole('button', { name: 'Show what to fix' }).click();
    await page.getByText('cannot both be true').waitFor();
    found.push(...(await violations('omni-invalid')));
    await page.getByLabel('Model', { exact: true }).selectOption('kling/v2-1-pro');
    expect(found).toEqual([]);
  });
});
