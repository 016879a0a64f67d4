/**
 * When to poll a task next, by the spec's `x-poll-schedule` (kie.ai's guidance: every 2–3 s early,
 * then back off). The delay grows with the task's age, so a finished task is noticed within about
 * 2.5 s early on and within 10 % of its age later, at well under one request per second.
 */
import { POLL_SCHEDULE, type TaskState } from '@kling-kit/contract';

/** How long to wait before the next poll of a task in `state` created `elapsedMs` ago. */
export type PollDelay = (state: TaskState | undefined, elapsedMs: number) => number;

/** The default schedule. Jitter only shortens a delay, so the bounds above hold. */
export const defaultPollDelay: PollDelay = (state, elapsedMs) => {
  const jitter = 0.85 + Math.random() * 0.15;
  const schedule = POLL_SCHEDULE;
  if (elapsedMs < schedule.earlyPhaseMs) {
    return Math.floor(schedule.earlyDelayMs * jitter);
  }
  // Queues hand over to generation at any time; generation of a 5–10 s video takes minutes.
  const ceiling = state === 'generating' ? schedule.maxDelayGeneratingMs : schedule.maxDelayMs;
  const delay = Math.min(ceiling, Math.max(schedule.earlyDelayMs, elapsedMs * schedule.backoffShareOfAge));
  return Math.floor(delay * jitter);
};
