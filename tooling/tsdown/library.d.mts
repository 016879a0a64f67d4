/** What a published package says about its build; the rest is shared (library.mjs). */
export interface PackageBuild {
  /** Source entries; each becomes `dist/<name>.js` + `.d.ts`, and `dist/<name>.cjs` + `.d.cts`. */
  entry: string[];
  /** `neutral` for code that runs anywhere (browsers, Deno, Bun, edge), `node` for Node-only packages. */
  platform: 'neutral' | 'node';
  /** @default 'es2022' */
  target?: string;
  /** One file per module, so bundlers drop what a consumer does not import. @default false */
  unbundle?: boolean;
  /** Entry names that are not exported (a CLI): ESM only, no CommonJS door. @default [] */
  esmOnly?: string[];
}

interface Checks {
  pluginTimings: false;
}

/** The tsdown config of a published package: pass it to `defineConfig`. */
export declare function publishedPackage(build: PackageBuild): {
  entry: string[];
  platform: 'neutral' | 'node';
  target: string;
  unbundle: boolean;
  dts: true;
  clean: true;
  fixedExtension: false;
  sourcemap: false;
  checks: Checks;
  format: {
    esm: Record<string, never>;
    cjs: { plugins: { name: string }[]; checks: Checks & { legacyCjs: false } };
  };
};
