/** Past tasks of this browser, newest first; each can be reopened (and resumed if unfinished). */
import { KLING_MODEL } from '@kling-kit/contract';
import type { HistoryEntry } from '../lib/history';

/** Props of `HistoryList`. */
export interface HistoryListProps {
  entries: readonly HistoryEntry[];
  onOpen(entry: HistoryEntry): void;
}

const excerpt = (text: string) =>
  Array.from(text).length > 80 ? `${Array.from(text).slice(0, 80).join('')}…` : text;

/** The history card. */
export function HistoryList({ entries, onOpen }: HistoryListProps) {
  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {entries.length === 0 ? (
        <p className="hint">Tasks you create are listed here, in this browser only.</p>
      ) : (
        <ul className="history">
          {entries.map((entry) => (
            <li key={entry.taskId}>
              {/* The name is the visible text (WCAG 2.5.3): "Open task" is only added for screen readers. */}
              <button type="button" onClick={() => onOpen(entry)}>
                <span className="visually-hidden">Open task </span>
                <code>{entry.taskId}</code>
                <span className="history-model">
                  <span className={`state state-${entry.state}`}>{entry.state}</span> ·{' '}
                  <code>{entry.model ?? KLING_MODEL}</code>
                </span>
                {entry.prompt !== '' && <span className="history-prompt">{excerpt(entry.prompt)}</span>}
                <span className="hint">{new Date(entry.createdAt).toLocaleString('en-GB')}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
