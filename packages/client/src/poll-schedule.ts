/**
 * When to poll a task next. kie.ai's guidance: every 2–3 s early, then back off (5–10 s, 15–30 s
 * after two minutes). The delay grows with the task's age, so a finished task is noticed within
 * about 2.5 s early on and within 10 % of its age later, at well under one request per second.
 */
import type { TaskState } from '@kling-kit/contract';

/** How long to wait before the next poll of a task in `state` created `elapsedMs` ago. */
export type PollDelay = (state: TaskState | undefined, elapsedMs: number) => number;

/** The default schedule. Jitter only shortens a delay, so the bounds above hold. */
export const defaultPollDelay: PollDelay = (state, elapsedMs) => {
  const jitter = 0.85 + Math.random() * 0.15;
  if (elapsedMs < 30_000) {
    return Math.floor(2_500 * jitter);
  }
  // Queues hand over to generation at any time; generation of a 5–10 s video takes minutes.
  const ceiling = state === 'generating' ? 30_000 : 10_000;
  return Math.floor(Math.min(ceiling, Math.max(2_500, elapsedMs * 0.1)) * jitter);
};
