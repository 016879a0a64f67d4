/** The task: its id, a timeline of states with elapsed times, then the video or why it failed. */
import { useEffect, useRef, useState } from 'react';
import type { RunState } from '../lib/use-task-runner';
import { ErrorPanel } from './error-panel';

const seconds = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

/** Ticks while `active`, so the elapsed time runs as the task does. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) {
      return;
    }
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** The task card. */
export function TaskPanel({ run }: { run: RunState }) {
  const active = run.status === 'creating' || run.status === 'watching';
  const now = useNow(active);
  const video = run.task?.state === 'success' ? run.task.resultUrls[0] : undefined;
  // A task just created is brought into view (the form may be long, and the task is below it on a
  // phone), so its states and video are seen: Chromium plays a muted autoplay video only while it is
  // on screen. Focus stays where it is, and nothing moves later while someone edits the form.
  const card = useRef<HTMLElement>(null);
  useEffect(() => {
    if (run.taskId && run.status === 'watching') {
      const still = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
      card.current?.scrollIntoView?.({ block: 'nearest', behavior: still ? 'auto' : 'smooth' });
    }
  }, [run.taskId, run.status === 'watching']);
  return (
    <section ref={card} className="card" aria-labelledby="task-heading" aria-busy={active}>
      <h2 id="task-heading">Task</h2>
      {run.status === 'idle' && <p className="hint">Fill the request and press Generate.</p>}
      {run.status === 'creating' && <p role="status">Creating the task…</p>}
      {run.taskId && (
        <p>
          Task id <code data-testid="task-id">{run.taskId}</code>
          {run.model && (
            <>
              {' '}
              of <code data-testid="task-model">{run.model}</code>
            </>
          )}
          {active && run.startedAt !== undefined && (
            <span className="hint"> · running for {seconds(now - run.startedAt)}</span>
          )}
        </p>
      )}
      {run.timeline.length > 0 && (
        <ol className="timeline" aria-label="Timeline">
          {run.timeline.map((entry) => (
            <li key={`${entry.state}-${entry.atMs}`} data-state={entry.state}>
              <span className={`state state-${entry.state}`}>{entry.state}</span>{' '}
              <span className="hint">at {seconds(entry.atMs)}</span>
            </li>
          ))}
        </ol>
      )}
      {video && (
        <div className="result">
          {/* Muted autoplay is allowed everywhere; a video with sound is unmuted with its controls. */}
          <video src={video} controls autoPlay muted loop playsInline aria-label="Generated video" />
          <a href={video} download>
            Download the video
          </a>
        </div>
      )}
      {run.task?.state === 'fail' && (
        <div className="error-panel" role="alert">
          <p className="error-title">The generation failed</p>
          <dl>
            <dt>failCode</dt>
            <dd>{run.task.failCode ?? 'none'}</dd>
            <dt>failMsg</dt>
            <dd>{run.task.failMsg ?? 'none'}</dd>
          </dl>
        </div>
      )}
      {run.error && <ErrorPanel error={run.error} />}
    </section>
  );
}
