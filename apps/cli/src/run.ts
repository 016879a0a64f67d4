/**
 * The `kling` program: commander parses the command line; each command's code is imported only when
 * it runs, so `kling --help` loads nothing else. `generate` gets one flag per input of the chosen
 * model (`--model`, the seed by default), generated from the contract's catalog.
 */
import { Command, CommanderError, Option } from 'commander';
import { version } from '../package.json';
import { EXIT_CODES } from './exit-codes';
import { DESCRIPTION, FOOTER, GENERATE_FOOTER } from './help';
import { type CliIo, processIo } from './io';
import type { InputFlag } from './schema-flags';

/** The seed model, used when `--model` is not given. */
const DEFAULT_MODEL = 'kling/v2-1-pro';

/** The value of `--model` / `-m` in the arguments, if given. */
function modelArgument(argv: readonly string[]): string | undefined {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--') {
      break;
    }
    if (arg === '--model' || arg === '-m') {
      return argv[index + 1];
    }
    if (arg.startsWith('--model=')) {
      return arg.slice('--model='.length);
    }
  }
  return undefined;
}

/** The command the arguments run (`kling help generate` runs `generate`'s help). */
function commandOf(argv: readonly string[]): string | undefined {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** One flag per input of the model; returns commander's attribute name → input. */
function addInputFlags(command: Command, model: string, flags: readonly InputFlag[]): Map<string, InputFlag> {
  const attributes = new Map<string, InputFlag>();
  const group = `Inputs of ${model}:`;
  for (const flag of flags) {
    const notes = [
      flag.required ? 'required' : '',
      flag.choices ? `one of ${flag.choices.map((choice) => String(choice)).join(', ')}` : '',
      flag.default !== undefined && flag.default !== '' ? `default ${JSON.stringify(flag.default)}` : '',
      flag.array ? 'repeatable' : '',
      flag.url
        ? `a local file is uploaded${flag.mediaTypes ? `: ${flag.mediaTypes.map((type) => type.split('/')[1]).join(', ')}` : ''}${flag.maxBytes ? `, up to ${Math.round(flag.maxBytes / 1_048_576)} MB` : ''}`
        : '',
    ].filter(Boolean);
    const describe = `${flag.description}${notes.length ? ` (${notes.join('; ')})` : ''}`;
    if (flag.kind === 'boolean') {
      const yes = new Option(`--${flag.name}`, `${describe} (--no-${flag.name}: false)`).helpGroup(group);
      command.addOption(yes);
      command.addOption(new Option(`--no-${flag.name}`).hideHelp());
      attributes.set(yes.attributeName(), flag);
      continue;
    }
    const placeholder =
      flag.kind === 'json'
        ? '<json>'
        : flag.url
          ? '<path|url>'
          : flag.kind === 'number'
            ? '<number>'
            : '<value>';
    for (const [index, name] of [flag.alias ?? flag.name, ...(flag.alias ? [flag.name] : [])].entries()) {
      const option = new Option(`--${name} ${placeholder}`, describe).helpGroup(group);
      if (flag.array) {
        option.argParser(collect);
      }
      if (index > 0) {
        option.hideHelp();
      }
      command.addOption(option);
      attributes.set(option.attributeName(), flag);
    }
  }
  return attributes;
}

/** The options of every command that talks to kie.ai. */
function withCommon(command: Command): Command {
  return command
    .option('--api-key <key>', 'kie.ai API key (default: KIE_API_KEY); never printed')
    .option(
      '--base-url <url>',
      'a kie-compatible server such as kling-mock (default: KIE_BASE_URL, else kie.ai)',
    )
    .option(
      '--mock',
      'run against an in-process kling-mock: no key, nothing charged (needs @kling-kit/mock-server)',
    )
    .option('--json', 'one NDJSON event per line on stdout (the default when stdout is not a terminal)')
    .option('-q, --quiet', 'print only the result and errors')
    .option('--no-color', 'no colour (NO_COLOR works too)');
}

/** Runs `kling` with these arguments (without `node` and the script); resolves with the exit code. */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT_CODES.ok;
  const program = new Command('kling')
    .description(DESCRIPTION)
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`kling: ${text.replace(/^error: /, '')}`),
    })
    .addHelpText('after', FOOTER);
  program.configureHelp({ sortSubcommands: false });

  const generate = withCommon(
    program
      .command('generate')
      .description('turn a photo (or a prompt) into a video: check, upload, create, follow, download')
      .option('-m, --model <id>', 'the model (kling models lists them)', DEFAULT_MODEL)
      .option('-o, --out <file>', 'where the video goes (default: <taskId>.mp4 here)')
      .option('--callback-url <url>', 'kie.ai POSTs the finished task here too')
      .option('--timeout <duration>', 'stop waiting after this (90s, 20m, 2h); the task runs on', '1h'),
  ).addHelpText('after', GENERATE_FOOTER);
  let inputAttributes = new Map<string, InputFlag>();
  const model = modelArgument(argv) ?? DEFAULT_MODEL;
  if (commandOf(argv) === 'generate') {
    // Only `generate` reads the catalog: every other command (and --help) starts without it.
    const [{ findModel }, { inputFlagsOf }] = await Promise.all([
      import('@kling-kit/contract'),
      import('./schema-flags'),
    ]);
    const facts = findModel(model);
    if (facts) {
      inputAttributes = addInputFlags(generate, facts.id, inputFlagsOf(facts));
    } else {
      // The action says the model is unknown (its flags cannot be known).
      generate.allowUnknownOption().allowExcessArguments();
    }
  }
  generate.action(async (options: Record<string, unknown>) => {
    const inputs: Record<string, unknown> = {};
    for (const [attribute, flag] of inputAttributes) {
      const value = options[attribute];
      if (value === undefined) {
        continue;
      }
      const earlier = inputs[flag.property];
      if (earlier !== undefined && !flag.array) {
        throw new CommanderError(
          EXIT_CODES.usage,
          'kling.duplicateInput',
          `kling: --${flag.alias} and --${flag.name} are the same input: give one\n`,
        );
      }
      inputs[flag.property] = Array.isArray(earlier) && Array.isArray(value) ? [...earlier, ...value] : value;
    }
    const { generate: command } = await import('./commands/generate');
    exitCode = await command(io, { ...(options as object), model: String(options.model), inputs });
  });

  withCommon(
    program
      .command('wait')
      .description('resume a task created anywhere: follow it and download its result')
      .argument('<taskId>')
      .option('-o, --out <file>', 'where the video goes (default: <taskId>.mp4 here)')
      .option('--timeout <duration>', 'stop waiting after this (90s, 20m, 2h); the task runs on', '1h'),
  ).action(async (taskId: string, options) => {
    const { wait } = await import('./commands/wait');
    exitCode = await wait(io, taskId, options);
  });

  withCommon(program.command('status').description("a task's state and result").argument('<taskId>')).action(
    async (taskId: string, options) => {
      const { status } = await import('./commands/account');
      exitCode = await status(io, taskId, options);
    },
  );

  withCommon(program.command('credits').description("the account's credit balance")).action(
    async (options) => {
      const { creditBalance } = await import('./commands/account');
      exitCode = await creditBalance(io, options);
    },
  );

  withCommon(
    program
      .command('upload')
      .description("upload a file with kie.ai's stream upload (or a URL with the URL upload); prints its URL")
      .argument('<file>'),
  ).action(async (file: string, options) => {
    const { upload } = await import('./commands/account');
    exitCode = await upload(io, file, options);
  });

  program
    .command('models')
    .description('the Kling models: kind, durations, typical time, credits')
    .option('--json', 'one JSON object per model and line')
    .option('--no-color', 'no colour')
    .action(async (options) => {
      const { listModels } = await import('./commands/models');
      exitCode = listModels(io, options);
    });

  withCommon(
    program
      .command('batch')
      .description('run every request of a JSONL file (resumable: it never pays twice)')
      .argument('<jobs.jsonl>')
      .option('-c, --concurrency <n>', 'jobs in progress at once', '50')
      .option('-o, --out-dir <dir>', 'where the videos go (default: here)')
      .option('--retry-unknown', 'create again the jobs whose create outcome is unknown (they may exist)')
      .option('--retry-failed', 'create again the jobs that failed')
      .option('--timeout <duration>', 'stop waiting for a task after this (90s, 20m, 2h)', '1h'),
  ).action(async (file: string, options) => {
    const { batch } = await import('./commands/batch');
    exitCode = await batch(io, file, options);
  });

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'kling.duplicateInput') {
        io.stderr.write(error.message);
      }
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? EXIT_CODES.ok
        : EXIT_CODES.usage;
    }
    throw error;
  }
  return exitCode;
}
