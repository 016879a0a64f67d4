import { describe, expect, it } from 'vitest';
import { findChromium } from './browser';

describe('finding Chromium for the e2e', () => {
  it('fails with the install command instead of skipping when there is none', () => {
    expect(() => findChromium(['/nonexistent/chromium', undefined])).toThrow(
      /No Chromium found \(looked for \/nonexistent\/chromium\).*apt-get install -y chromium/,
    );
  });
});
