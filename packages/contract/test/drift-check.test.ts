import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = resolve(import.meta.dirname, '..');
const specPath = resolve(packageDir, '../../spec/kling.yaml');
const tempDir = mkdtempSync(join(tmpdir(), 'kling-drift-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

const check = (spec: string) =>
  run(process.execPath, ['scripts/generate.mjs', '--check', '--spec', spec], { cwd: packageDir }).then(
    ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe('the generated-code drift check', () => {
  it('passes when the generated code matches the spec', async () => {
    const result = await check(specPath);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Generated code matches spec\/kling\.yaml \(\d+ files\)/);
  }, 30_000);

  it('fails, naming the files and the fix, when the spec changed without `pnpm generate`', async () => {
    const edited = join(tempDir, 'kling.yaml');
    writeFileSync(edited, readFileSync(specPath, 'utf8').replace('maxLength: 5000', 'maxLength: 4000'));
    const result = await check(edited);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('differs: packages/contract/src/generated/spec.ts');
    expect(result.stderr).toContain('differs: packages/contract/src/generated/hey-api/zod.gen.ts');
    expect(result.stderr).toContain('Fix: run `pnpm generate` and commit packages/contract/src/generated.');
  }, 30_000);
});
