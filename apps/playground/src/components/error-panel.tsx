/** An error explained: the code, its meaning from the spec, the server's message and what to do. */
import type { ExplainedError } from '../lib/explain-error';

/** Renders an explained error as an alert. */
export function ErrorPanel({ error }: { error: ExplainedError }) {
  return (
    <div className="error-panel" role="alert">
      <p className="error-title">{error.title}</p>
      <dl>
        {error.code !== undefined && (
          <>
            <dt>Code</dt>
            <dd>
              {error.code}
              {error.name ? ` ${error.name}` : ''}
            </dd>
          </>
        )}
        {error.meaning && (
          <>
            <dt>Meaning</dt>
            <dd>{error.meaning}</dd>
          </>
        )}
        {error.msg && (
          <>
            <dt>Message</dt>
            <dd>{error.msg}</dd>
          </>
        )}
        <dt>What to do</dt>
        <dd>{error.advice}</dd>
      </dl>
    </div>
  );
}
