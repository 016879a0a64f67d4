/**
 * The tsdown build shared by every published @kling-kit package; each package's tsdown.config.ts
 * passes its own entries. ESM + `.d.ts` for `import`, and a CommonJS door for `require`: per entry a
 * one-line `dist/<entry>.cjs` that `require()`s the ESM build (Node ≥ 20.19 and ≥ 22.12 load ES
 * modules synchronously) and `dist/<entry>.d.cts` types compiled from the same sources. There is one
 * copy of the code, so no dual-package hazard, and browser bundles get exactly the ESM build.
 * Why this and not a second, real CommonJS build: tooling/release/README.md.
 */

const door = (esmFile) =>
  [
    "'use strict';",
    '// CommonJS entry: require() loads the ES module build (Node >= 20.19 / 22.12), the same instance import() gets.',
    `module.exports = require('./${esmFile}');`,
    '',
  ].join('\n');

/**
 * Rolldown plugin for the `cjs` format: turns each exported entry chunk into the door to its ESM twin
 * and drops every other file, so the only CommonJS JavaScript published is those one-liners.
 * @param {readonly string[]} esmOnly entry names that get no door (a CLI)
 */
function requireEsmDoors(esmOnly) {
  return {
    name: 'kling-kit:require-esm-doors',
    generateBundle(_options, bundle) {
      for (const [fileName, file] of Object.entries(bundle)) {
        if (
          file.type === 'chunk' &&
          file.isEntry &&
          fileName.endsWith('.cjs') &&
          !esmOnly.includes(file.name)
        ) {
          file.code = door(`${fileName.split('/').pop().slice(0, -'.cjs'.length)}.js`);
        } else {
          delete bundle[fileName];
        }
      }
    },
  };
}

/** @param {import('./library.d.mts').PackageBuild} build */
export function publishedPackage({ entry, platform, target = 'es2022', unbundle = false, esmOnly = [] }) {
  // Rolldown's "significant time in plugins" notes are about build speed (the d.ts pass), not the output.
  const checks = { pluginTimings: false };
  return {
    entry,
    platform,
    target,
    unbundle,
    dts: true,
    clean: true,
    // `.js` + `.d.ts` for ESM, `.cjs` + `.d.cts` for CommonJS ("type": "module" packages).
    fixedExtension: false,
    // No source maps in the published build: they would point at src/, which is not published.
    sourcemap: false,
    checks,
    format: {
      esm: {},
      // tsdown's advice against shipping CommonJS does not apply: the CommonJS files are the doors.
      cjs: { plugins: [requireEsmDoors(esmOnly)], checks: { ...checks, legacyCjs: false } },
    },
  };
}
