/**
 * Every budget and goal the benchmarks check, in one place: `pnpm bench` (results.md) and the tests
 * that assert them (bench/test/budgets.test.ts) read them from here. Plain data, no imports, so any
 * script can read it without depending on the bench package. Limits that are kie.ai's facts (such as
 * its 10 recordInfo queries per second) are not budgets: they come from the spec, through the contract.
 */

/**
 * 1. The client's main entry, bundled for the browser (esbuild, minified, ESM), gzipped: at most this.
 * It carries the default model's checks and catalog entry (`kling/v2-1-pro`).
 */
export const CLIENT_GZIP_BUDGET_BYTES = 8 * 1024;

/**
 * 1. What each other model adds to an app that bundles the main entry: its definition imported from
 * `@kling-kit/client/models` and registered (`createKlingClient({ models: [definition] })`), gzipped,
 * at most this. Measured for every model of the catalog.
 */
export const CLIENT_EXTRA_MODEL_GZIP_BUDGET_BYTES = 1024;

/** 2. createTask + getTask through the client vs bare fetch, ratio of medians: at most this (`pnpm bench`). */
export const CLIENT_OVERHEAD_MAX_RATIO = 1.15;

/** 2. The same ratio as `pnpm test` asserts it: a loose bound, so a noisy machine never fails the test. */
export const CLIENT_OVERHEAD_TEST_MAX_RATIO = 1.5;

/** 3. Detection lag of the client's wait: at most this for tasks up to `WAIT_SHORT_TASK_S` long… */
export const WAIT_SHORT_LAG_MS = 3_000;
export const WAIT_SHORT_TASK_S = 30;
/** …and at most this share of a longer task's length. */
export const WAIT_LONG_LAG_SHARE = 0.1;
/** 3. Polls over all task lengths: at least this many times fewer than a fixed 500 ms poll. */
export const WAIT_POLLS_FEWER_THAN_500MS = 10;

/** 4. Mock throughput as a share of bare Express 5 serving the same routes without validation or state. */
export const MOCK_VS_BARE_MIN_RATIO = 0.7;
/** 4. Mock throughput against Stoplight Prism on the same spec: at least this many times Prism's. */
export const MOCK_VS_PRISM_MIN_RATIO = 1.5;

/** 5. Churn: heap and RSS after an hour of mock time at most this share above their 30-minute level. */
export const CHURN_MAX_GROWTH = 0.1;

/** 6. The mock CLI, spawn to first answer: at most this (median of the cold starts). */
export const COLD_START_MAX_MS = 300;
/** 6. The mock CLI's VmRSS 3 s after 2 000 createTask + 2 000 recordInfo: at most this. */
export const RSS_AFTER_LOAD_MAX_MIB = 130;

/** 8. `kling --help` cold start against `node -e 0`, ratio of medians: at most this. */
export const CLI_COLD_START_MAX_RATIO = 2;
/** 8. `kling batch` of 100 jobs: its creates take at most this share of the time kie.ai's create limit allows. */
export const CLI_BATCH_CREATES_MAX_RATIO = 1.05;
/** 8. `kling` downloading a 100 MB result: at least this share of curl's speed on loopback… */
export const CLI_DOWNLOAD_MIN_RATIO_TO_CURL = 0.8;
/** …with a peak RSS at most this much above a 10 MB download's (memory flat in the file's size). */
export const CLI_DOWNLOAD_RSS_GROWTH_MAX_MIB = 16;

/** 9. Scaling out on Redis, with callbacks through the handler: detection lag p95 at most this… */
export const REDIS_CALLBACK_LAG_P95_MS = 1_000;
/** …and at most this many recordInfo polls per task, on average. */
export const REDIS_CALLBACK_POLLS_PER_TASK = 0.2;
/** 9. 4 processes × 50 creates on one key: all created within this share of the time kie.ai's create limit allows. */
export const REDIS_CREATES_MAX_RATIO = 1.05;
