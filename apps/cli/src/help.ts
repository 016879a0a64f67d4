/** The texts of `kling --help` that are not generated from the commands. */

export const DESCRIPTION =
  "Generate videos with kie.ai's Kling models from a terminal: upload a photo, create the task, watch it, download the result.";

export const FOOTER = `
Examples:
  kling generate --image ./photo.jpg --prompt "A paper boat drifts down a rainy street"
  kling generate --mock --image ./photo.jpg --prompt "…"   # offline, no key (an in-process kling-mock)
  kling generate --model kling-3.0/video --help             # that model's inputs as flags
  kling wait <taskId> --out video.mp4                       # resume after Ctrl-C, or any task
  kling batch jobs.jsonl --out-dir videos                   # one JSON request per line, resumable

Environment:
  KIE_API_KEY   the kie.ai API key (or --api-key); never printed
  KIE_BASE_URL  a kie-compatible server instead of https://api.kie.ai (or --base-url)
  NO_COLOR      no colour (as --no-color)

Exit codes:
  0 ok · 1 task failed · 2 usage or input · 3 key or credits · 4 network or service
  5 create outcome unknown · 6 wait timed out · 130 interrupted (Ctrl-C) · 143 terminated
`;

export const GENERATE_FOOTER = `
Local paths given to URL inputs are uploaded with kie.ai's stream upload; URLs are passed as they are.
Every model's inputs are flags: kling models lists the models, kling generate --model <id> --help shows its flags.
The input is checked with the model's own rules before anything is uploaded or sent.`;
