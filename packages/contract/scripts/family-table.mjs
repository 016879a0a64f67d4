/**
 * The README table of the Kling family, rendered from the spec's catalog (`x-model` of each request
 * schema) so no price or limit is copied by hand. `pnpm generate` writes it between the
 * `<!-- family-table -->` markers of each README in FAMILY_TABLE_READMES; `--check` fails when one
 * differs.
 */
import { modelEntries } from './model-entries.mjs';

/** READMEs (from the repository root) that show the family table. */
export const FAMILY_TABLE_READMES = ['README.md', 'packages/contract/README.md'];

export const START = '<!-- family-table:start (generated from spec/kling.yaml by `pnpm generate`) -->';
export const END = '<!-- family-table:end -->';

const schemasOf = (document) => document.components.schemas;
const resolve = (document, schema) =>
  schema?.$ref ? { ...schemasOf(document)[schema.$ref.split('/').pop()], ...schema } : schema;

/** The values an input can take, from its schema (every form of a `oneOf` input). */
function valuesOf(document, inputSchema, field) {
  const input = schemasOf(document)[inputSchema];
  const forms = input.oneOf ? input.oneOf.map((form) => resolve(document, form)) : [input];
  const values = [];
  for (const form of forms) {
    const property = resolve(document, form.properties?.[field]);
    const options =
      property?.const !== undefined
        ? [property.const]
        : property?.type === 'boolean' && !property.enum
          ? [false, true]
          : (property?.enum ?? []);
    for (const option of options) {
      if (!values.includes(option)) {
        values.push(option);
      }
    }
  }
  return values;
}

/** The first price rule that matches the options (defaults filled in), as the catalog's creditsOf reads it. */
const price = (model, defaults, values) =>
  model.credits.rules.find(
    ({ when }) =>
      !when || Object.entries(when).every(([name, value]) => (values[name] ?? defaults[name]) === value),
  ).credits;

/** "5 s 55, 5 s + sound 110, …": the price of every combination of the options a price depends on. */
function pricesCell(document, model) {
  const dimensions = [...new Set(model.credits.rules.flatMap((rule) => Object.keys(rule.when ?? {})))];
  const perVideoDuration =
    model.credits.per === 'video' && model.seconds.field && dimensions.includes(model.seconds.field);
  let combinations = [{}];
  for (const dimension of dimensions) {
    combinations = combinations.flatMap((combination) =>
      valuesOf(document, model.inputSchema, dimension).map((value) => ({
        ...combination,
        [dimension]: value,
      })),
    );
  }
  const label = (combination) =>
    Object.entries(combination)
      .filter(([, value]) => value !== false)
      .map(([name, value]) =>
        value === true ? name : name === model.seconds.field ? `${value} s` : String(value),
      )
      .join(' + ');
  const unit = model.credits.per === 'second' ? '/s' : '';
  const cells = combinations.map((combination) => {
    const text = label(combination);
    return `${text ? `${text} ` : ''}${price(model, model.defaults, combination)}${unit}`;
  });
  const unique = [...new Set(cells)];
  return `${unique.join(', ')}${model.credits.per === 'second' ? '' : perVideoDuration ? '' : ' per video'}`;
}

function durationsCell(model) {
  if (!model.seconds.field) {
    return `follows the input (${model.seconds.assumed} s assumed)`;
  }
  const values = model.durations.map(Number);
  const consecutive = values.every((value, index) => index === 0 || value === values[index - 1] + 1);
  const range =
    consecutive && values.length > 2 ? `${values[0]}–${values.at(-1)} s` : `${values.join(' or ')} s`;
  const type = model.durations.every((value) => typeof value === 'number') ? ' (integer)' : '';
  return `${range}${type}${model.seconds.assumed ? `; ${model.seconds.assumed} s assumed without one` : ''}`;
}

/** The Markdown table, one row per model in the spec's order. */
export function renderFamilyTable(document) {
  const header = [
    'model',
    'generation',
    'kind',
    'durations',
    'credits (third-party figures)',
    'confidence (schema / price)',
  ];
  const rows = modelEntries(document).map(({ value: model }) => {
    const aliases = model.aliases.length
      ? ` (alias ${model.aliases.map((alias) => `\`${alias}\``).join(', ')})`
      : '';
    return [
      `\`${model.id}\`${aliases}`,
      model.generation,
      model.kind,
      durationsCell(model),
      pricesCell(document, model),
      `${model.confidence} / ${model.credits.confidence}`,
    ];
  });
  // Columns padded to their widest cell, as the repository's formatter (biome) writes tables.
  const width = (text) => [...text].length;
  const widths = header.map((_, column) =>
    Math.max(3, ...[header, ...rows].map((cells) => width(cells[column]))),
  );
  const line = (cells) =>
    `| ${cells.map((cell, column) => cell + ' '.repeat(widths[column] - width(cell))).join(' | ')} |`;
  return [
    START,
    '',
    line(header),
    `| ${widths.map((size) => '-'.repeat(size)).join(' | ')} |`,
    ...rows.map(line),
    '',
    'Credits are charged on success only; 1 credit is $0.005. kie.ai publishes no price list that could be read, so every',
    "price is a third-party figure: each model's `x-model.credits` in the spec names its source. Confidence: **high**, two",
    'independent copies of the docs agree; **medium**, one source; **low**, sources conflict or are missing.',
    '',
    END,
  ].join('\n');
}

/** Replaces the table between the markers of a README's text; throws when the markers are missing. */
export function withFamilyTable(text, table, file) {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(`${file}: missing the family table markers (${START} … ${END})`);
  }
  return text.slice(0, start) + table + text.slice(end + END.length);
}
