/**
 * Accessibility in every state, checked by axe-core (WCAG 2.0/2.1/2.2 A and AA, best practices) in
 * a real Chromium at 1280 px and 375 px wide, in the light and the dark colour scheme: the empty
 * page, the filled form, validation errors, a task waiting, queuing and generating, the video after
 * success, a failure and an envelope error, and a history of several tasks in every state.
 */
import { join } from 'node:path';
import { taskStates } from '@kling-kit/contract';
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
  const violations = async (state: string): Promise<string[]> => {
    const found: string[] = [];
    for (const colorScheme of SCHEMES) {
      await page.emulateMedia({ colorScheme });
      for (const violation of await axeViolations(page)) {
        found.push(`[${state}, ${colorScheme}, ${width} px] ${violation}`);
      }
      await page.screenshot({
        path: join(ARTIFACTS, `a11y-${width}-${state}-${colorScheme}.png`),
        fullPage: true,
      });
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
      .getByLabel('Upload an image')
      .setInputFiles({ name: 'frame.png', mimeType: 'image/png', buffer: PNG });
    await page.getByText('Uploaded frame.png').waitFor();
    await page.getByAltText('Preview of image url').waitFor();
    await page.getByAltText('Preview of tail image url').waitFor();
    expect(await violations('filled')).toEqual([]);
  });

  it('the form showing validation errors', async () => {
    // One past each limit, read from the page's own counters ("0 / 2500").
    const tooLong = async (id: string, char: string) => {
      const max = Number((await page.locator(`#${id}-hint`).textContent())?.split('/')[1]);
      expect(max).toBeGreaterThan(0);
      return char.repeat(max + 1);
    };
    await page.getByLabel('Prompt', { exact: true }).fill(await tooLong('prompt', 'x'));
    await page.getByLabel('Image URL', { exact: true }).fill('not a url');
    await page.getByLabel('Tail image URL', { exact: true }).fill('also not a url');
    await page.getByLabel('Negative prompt', { exact: true }).fill(await tooLong('negative_prompt', 'y'));
    await page.getByLabel('Callback URL', { exact: true }).fill('callback');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByText('nothing was sent').waitFor();
    const invalid = await page
      .locator('[aria-invalid="true"]')
      .evaluateAll((fields) => fields.map((field) => field.id));
    expect(invalid.sort()).toEqual(
      ['callback-url', 'image_url', 'negative_prompt', 'prompt', 'tail_image_url'].sort(),
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
});
