/** `kling models`: the catalog (kind, durations, typical time, credits), from the contract; no request. */
import { type ModelFacts, models, type RuleValue, videoSecondsOf } from '@kling-kit/contract';
import { clock } from '../format';
import { type CliIo, Output } from '../io';
import { type InputFlag, inputFlagsOf } from '../schema-flags';

/** "5 or 10 s", "3–15 s (integer)", or "follows the input (5 s assumed)". */
export function durationsText(facts: ModelFacts): string {
  const values = facts.durations.map(Number);
  if (values.length === 0) {
    return `follows the input (${facts.seconds.assumed ?? 5} s assumed)`;
  }
  const consecutive = values.every(
    (value, index) => index === 0 || value === (values[index - 1] as number) + 1,
  );
  const range =
    consecutive && values.length > 2 ? `${values[0]}–${values.at(-1)} s` : `${values.join(' or ')} s`;
  return `${range}${facts.durations.every((value) => typeof value === 'number') ? ' (integer)' : ''}`;
}

/** "10 s 100, 5 s 50" or "std 14/s, std + sound 20/s, …": the price of each option it depends on. */
export function creditsText(facts: ModelFacts, flags: readonly InputFlag[]): string {
  const dimensions = [...new Set(facts.credits.rules.flatMap((rule) => Object.keys(rule.when ?? {})))];
  let combinations: Record<string, RuleValue>[] = [{}];
  for (const dimension of dimensions) {
    const flag = flags.find((candidate) => candidate.property === dimension);
    const values = (flag?.kind === 'boolean' ? [false, true] : (flag?.choices ?? [])) as RuleValue[];
    combinations = combinations.flatMap((combination) =>
      values.map((value) => ({ ...combination, [dimension]: value })),
    );
  }
  const unit = facts.credits.per === 'second' ? '/s' : '';
  const cells = combinations.map((combination) => {
    const values = { ...facts.defaults, ...combination };
    const rule = facts.credits.rules.find(
      ({ when }) => !when || Object.entries(when).every(([name, value]) => values[name] === value),
    );
    const label = Object.entries(combination)
      .filter(([, value]) => value !== false)
      .map(([name, value]) =>
        value === true ? name : name === facts.seconds.field ? `${value} s` : String(value),
      )
      .join(' + ');
    return `${label ? `${label} ` : ''}${rule?.credits ?? 0}${unit}`;
  });
  return (
    [...new Set(cells)].join(', ') +
    (facts.credits.per === 'video' && !dimensions.includes(facts.seconds.field ?? '') ? ' per video' : '')
  );
}

/** The typical generation time at the default length. */
const typical = (facts: ModelFacts) => {
  const seconds = videoSecondsOf(facts, {});
  return `~${clock((facts.generationSeconds.base + facts.generationSeconds.perVideoSecond * seconds) * 1000)} for ${seconds} s`;
};

export function listModels(io: CliIo, options: { json?: boolean; color?: boolean }): number {
  const out = new Output(io, { ...options, quiet: !options.json && !io.stdout.isTTY });
  const rows = models.map((facts) => {
    const flags = inputFlagsOf(facts);
    return {
      facts,
      flags,
      durations: durationsText(facts),
      credits: creditsText(facts, flags),
      typical: typical(facts),
    };
  });
  if (out.mode === 'json') {
    for (const { facts, flags, durations, credits } of rows) {
      out.result(
        JSON.stringify({
          id: facts.id,
          name: facts.name,
          generation: facts.generation,
          kind: facts.kind,
          aliases: facts.aliases,
          durations: facts.durations,
          durationsText: durations,
          defaults: facts.defaults,
          credits: { ...facts.credits, summary: credits },
          generationSeconds: facts.generationSeconds,
          inputs: flags.map((flag) => ({
            property: flag.property,
            flag: `--${flag.alias ?? flag.name}`,
            kind: flag.kind,
            required: flag.required,
            ...(flag.choices ? { choices: flag.choices } : {}),
          })),
        }),
      );
    }
    return 0;
  }
  const header = {
    id: 'model',
    kind: 'kind',
    durations: 'durations',
    typical: 'typical time',
    credits: 'credits on success',
  };
  const table = [header, ...rows.map((row) => ({ ...row, id: row.facts.id, kind: row.facts.kind }))];
  const width = (key: 'id' | 'kind' | 'durations' | 'typical') =>
    Math.max(...table.map((row) => row[key].length));
  // Bold only for a terminal on stdout, where the table goes.
  const bold = (text: string) => (out.mode === 'human' ? out.colors.bold(text) : text);
  const dim = (text: string) => (out.mode === 'human' ? out.colors.dim(text) : text);
  for (const [index, row] of table.entries()) {
    const line = [
      row.id.padEnd(width('id')),
      row.kind.padEnd(width('kind')),
      row.durations.padEnd(width('durations')),
      row.typical.padEnd(width('typical')),
      row.credits,
    ].join('  ');
    out.result(index === 0 ? bold(line) : line);
  }
  out.result(
    dim(
      "\nCredits are third-party figures, charged on success only. kling generate --model <id> --help lists a model's inputs.",
    ),
  );
  return 0;
}
