/**
 * The jobs file of `kling batch`: one JSON object per line with the fields of `generate` (`model`,
 * `prompt`, `image`, `duration`, `negative-prompt` / `negative_prompt`, …, `callBackUrl`), or kie.ai's
 * own shape (`{"model", "input": {…}, "callBackUrl"}`), plus `id` and `out` (the result's file name
 * in `--out-dir`). Local paths are relative to the jobs file's folder. Every line is checked
 * (fields, the model's rules, the files) before anything is uploaded or created.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { creditsOf, findModel, type ModelFacts } from '@kling-kit/contract';
import { CliError, usageError } from '../errors';
import { checkLocalFiles, type LocalFile } from '../local-files';
import { models } from '../models';
import { type CreateRequest, checkRequest, coerce, localFileSlots } from '../request';
import { flagIndex, inputFlagsOf } from '../schema-flags';

/** The model a line without `model` uses (the seed). */
export const DEFAULT_MODEL = 'kling/v2-1-pro';

/** One line of the jobs file, checked. */
export interface Job {
  /** 1-based line number. */
  readonly line: number;
  /** What the journal knows the job by: a hash of the line's content and its occurrence, so editing other lines or reordering keeps it. */
  readonly key: string;
  readonly id?: string;
  readonly facts: ModelFacts;
  /** The create request; local paths are replaced by upload URLs when uploaded. */
  readonly request: CreateRequest;
  /** The result's file name in `--out-dir`: the line's `out`, else `<id>.mp4`; none: `<taskId>.mp4`. */
  readonly out?: string;
  /** The catalog's estimate, in credits. */
  readonly credits: number;
  readonly files: readonly LocalFile[];
}

const CALLBACK_KEYS = ['callBackUrl', 'callbackUrl', 'callback-url', 'callback_url'];

/** The JSON of a value with its object keys sorted, for a stable hash. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function parseLine(fields: Record<string, unknown>): Omit<Job, 'line' | 'key' | 'files' | 'credits'> {
  const model = typeof fields.model === 'string' ? fields.model : DEFAULT_MODEL;
  const facts = findModel(model);
  if (!facts) {
    throw usageError(`unknown model ${JSON.stringify(fields.model)} (kling models lists them)`);
  }
  const flags = flagIndex(inputFlagsOf(facts));
  const given = fields.input;
  const input: Record<string, unknown> = {};
  const problems: string[] = [];
  const take = (key: string, value: unknown) => {
    const flag = flags.get(key);
    if (!flag) {
      problems.push(`unknown field "${key}" for ${facts.id}`);
      return;
    }
    input[flag.property] = coerce(flag, value);
  };
  if (given && typeof given === 'object' && !Array.isArray(given)) {
    for (const [key, value] of Object.entries(given)) {
      take(key, value);
    }
  }
  let callBackUrl: unknown;
  for (const [key, value] of Object.entries(fields)) {
    if (
      key === 'model' ||
      key === 'id' ||
      key === 'out' ||
      (key === 'input' && given === value && typeof value === 'object')
    ) {
      continue;
    }
    if (CALLBACK_KEYS.includes(key)) {
      callBackUrl = value;
      continue;
    }
    take(key, value);
  }
  if (problems.length > 0) {
    throw usageError(`${problems.join('; ')} (kling generate --model ${facts.id} --help lists its inputs)`);
  }
  if (fields.out !== undefined && (typeof fields.out !== 'string' || fields.out.trim() === '')) {
    throw usageError('"out" must be a file name');
  }
  const id = fields.id === undefined ? undefined : String(fields.id);
  const out =
    typeof fields.out === 'string'
      ? fields.out
      : id !== undefined
        ? `${id.replace(/[^\w.-]+/g, '_')}.mp4`
        : undefined;
  return {
    facts,
    request: { model, ...(callBackUrl !== undefined ? { callBackUrl: String(callBackUrl) } : {}), input },
    ...(id !== undefined ? { id } : {}),
    ...(out !== undefined ? { out } : {}),
  };
}

/** Reads and checks the jobs file; throws one usage error listing every problem, line by line. */
export async function readJobs(path: string): Promise<Job[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw usageError(`${path}: cannot read the jobs file`);
  }
  const jobs: Job[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const [index, raw] of text.split('\n').entries()) {
    const trimmed = raw.trim();
    if (trimmed === '') {
      continue;
    }
    const line = index + 1;
    try {
      let fields: unknown;
      try {
        fields = JSON.parse(trimmed);
      } catch (error) {
        throw usageError(`not JSON (${(error as Error).message})`);
      }
      if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
        throw usageError('not a JSON object');
      }
      const parsed = parseLine(fields as Record<string, unknown>);
      checkRequest(models.get(parsed.request.model), parsed.facts, parsed.request);
      const files = await checkLocalFiles(localFileSlots(parsed.facts, parsed.request.input), dirname(path));
      const hash = createHash('sha256').update(canonical(fields)).digest('hex').slice(0, 16);
      const occurrence = seen.get(hash) ?? 0;
      seen.set(hash, occurrence + 1);
      jobs.push({
        ...parsed,
        line,
        key: `${hash}#${occurrence}`,
        credits: creditsOf(parsed.facts, parsed.request.input),
        files,
      });
    } catch (error) {
      if (!(error instanceof CliError)) {
        throw error;
      }
      problems.push(`line ${line}: ${error.message.replace(/\n/g, '\n    ')}`);
    }
  }
  const outputs = new Map<string, number>();
  for (const job of jobs) {
    if (job.out !== undefined) {
      const earlier = outputs.get(job.out);
      if (earlier !== undefined) {
        problems.push(
          `line ${job.line}: its result would overwrite line ${earlier}'s (${job.out}): give it another "out" or "id"`,
        );
      }
      outputs.set(job.out, job.line);
    }
  }
  if (problems.length > 0) {
    throw usageError(`${path} has problems; nothing was started:\n  ${problems.join('\n  ')}`);
  }
  if (jobs.length === 0) {
    throw usageError(`${path} has no jobs (one JSON object per line)`);
  }
  return jobs;
}
