import { describe, expect, it } from 'vitest';
import {
  CLIENT_EXTRA_MODEL_GZIP_BUDGET_BYTES,
  CLIENT_GZIP_BUDGET_BYTES,
  CLIENT_OVERHEAD_TEST_MAX_RATIO,
} from '../src/budgets.mjs';
import { bundleSizes, measure, modelExtras } from '../src/bundle-size.mjs';
import { clientOverhead } from '../src/client-overhead.mjs';

describe('performance budgets (bench/src/budgets.mjs)', () => {
  it('keeps the client within its gzip budget, bundled for the browser', async () => {
    const { gzip } = await measure("export * from '@kling-kit/client';");
    expect(gzip).toBeLessThanOrEqual(CLIENT_GZIP_BUDGET_BYTES);
  });

  it('adds at most its budget for each model of the catalog registered on top of the main entry', async () => {
    const extras = await modelExtras();
    expect(extras).toHaveLength(19);
    expect(extras[0]).toMatchObject({ id: 'kling/v2-1-pro', name: 'klingV21Pro' });
    const over = extras.filter((entry) => entry.extra > CLIENT_EXTRA_MODEL_GZIP_BUDGET_BYTES);
    expect(over.map((entry) => `${entry.id}: ${entry.extra} B`)).toEqual([]);
  }, 120_000);

  it('bundles smaller than every peer but bare openapi-fetch, like for like (no peer validates inputs locally), in the same run', async () => {
    const rows = await bundleSizes();
    const ours = rows.find((row) => row.ours);
    const peers = rows.filter((row) => !row.ours && !row.bare);
    expect(peers.length).toBeGreaterThanOrEqual(4);
    // The default model's checks are really gone from the like-for-like bundle, and cost something.
    expect(ours.gzip - ours.withoutValidation.gzip).toBeGreaterThan(500);
    for (const peer of peers) {
      expect({ peer: peer.name, smaller: ours.withoutValidation.gzip < peer.gzip }).toEqual({
        peer: peer.name,
        smaller: true,
      });
    }
  }, 60_000);

  it('adds little to each request (loose bound, best of three runs, so it never flakes)', async () => {
    const ratios: number[] = [];
    for (let run = 0; run < 3 && !ratios.some((ratio) => ratio <= CLIENT_OVERHEAD_TEST_MAX_RATIO); run++) {
      ratios.push((await clientOverhead(150)).ratio);
    }
    expect(Math.min(...ratios)).toBeLessThanOrEqual(CLIENT_OVERHEAD_TEST_MAX_RATIO);
  }, 60_000);
});
