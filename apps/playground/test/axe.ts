/**
 * axe-core in a page under test: injects the engine from the `axe-core` package (no network, and
 * through the DevTools protocol so a Content-Security-Policy cannot block it), runs the WCAG 2.0,
 * 2.1 and 2.2 A/AA rules plus axe's best practices, and returns each violation as a readable block
 * (rule, impact, the elements' selectors and what to fix), so a failing `toEqual([])` says it all.
 *
 * Generic on purpose: any page, any state, any form (call it again after each change of state).
 */
import axe, { type ElementContext } from 'axe-core';
import type { Page } from 'playwright-core';

/** The rule sets checked: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices. */
export const AXE_TAGS: readonly string[] = [
  'wcag2a',
  'wcag2aa',
  'wcag21a',
  'wcag21aa',
  'wcag22aa',
  'best-practice',
];

/** What to check: a part of the page, and rules to leave out (say why where you call it). */
export interface AxeOptions {
  /** CSS selectors of the parts to check (default: the whole document). */
  include?: readonly string[];
  /** CSS selectors of parts to skip. */
  exclude?: readonly string[];
  /** Rule ids to turn off. */
  disableRules?: readonly string[];
}

/** One element that breaks a rule. */
export interface AxeNode {
  /** Selectors of the element (one per frame or shadow root it sits in), joined with " >>> ". */
  target: string;
  /** The element's opening markup, shortened. */
  html: string;
  /** axe's "Fix any of the following / Fix all of the following" text. */
  failureSummary: string;
}

/** One rule that the page breaks, with every element that breaks it. */
export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

type AxeWindow = typeof window & { axe?: typeof axe };

/** Makes sure `window.axe` exists in the page (again after a navigation or reload). */
async function inject(page: Page): Promise<void> {
  const present = await page.evaluate(() => typeof (window as AxeWindow).axe?.run === 'function');
  if (!present) {
    // A string is evaluated as an expression in the page's main world: no <script>, no fetch.
    await page.evaluate(axe.source);
  }
}

/** Runs axe-core in the page as it is now and returns its violations. */
export async function runAxe(page: Page, options: AxeOptions = {}): Promise<AxeViolation[]> {
  await inject(page);
  return page.evaluate(
    async ({ tags, include, exclude, disableRules }) => {
      const engine = (window as AxeWindow).axe;
      if (!engine) {
        throw new Error('axe-core was not injected');
      }
      const included: ElementContext = include.length > 0 ? include : document;
      const context: ElementContext = exclude.length > 0 ? { include: included, exclude } : included;
      const results = await engine.run(context, {
        runOnly: { type: 'tag', values: [...tags] },
        resultTypes: ['violations'],
        rules: Object.fromEntries(disableRules.map((id) => [id, { enabled: false }])),
      });
      const selector = (target: unknown): string =>
        Array.isArray(target) ? target.map(selector).join(' >>> ') : String(target);
      return results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact ?? 'unknown',
        help: violation.help,
        helpUrl: violation.helpUrl,
        nodes: violation.nodes.map((node) => ({
          target: selector(node.target),
          html: node.html.length > 200 ? `${node.html.slice(0, 200)}…` : node.html,
          failureSummary: node.failureSummary ?? '',
        })),
      }));
    },
    {
      tags: [...AXE_TAGS],
      include: [...(options.include ?? [])],
      exclude: [...(options.exclude ?? [])],
      disableRules: [...(options.disableRules ?? [])],
    },
  );
}

/** A violation as a few readable lines: rule, impact, help, then each element and what to fix. */
export function formatViolation(violation: AxeViolation): string {
  const nodes = violation.nodes.map((node) =>
    [
      `  - ${node.target}`,
      `    ${node.html}`,
      ...node.failureSummary
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => `    ${line.trim()}`),
    ].join('\n'),
  );
  return [`${violation.id} (${violation.impact}): ${violation.help} <${violation.helpUrl}>`, ...nodes].join(
    '\n',
  );
}

/**
 * The page's accessibility violations as readable strings, one per rule: `[]` when axe finds none.
 * `expect(await axeViolations(page)).toEqual([])` then prints what to fix and where.
 */
export async function axeViolations(page: Page, options: AxeOptions = {}): Promise<string[]> {
  return (await runAxe(page, options)).map(formatViolation);
}
