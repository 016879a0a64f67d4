/** Where calls go, with which key, and the live credit balance. */
import { type Connection, MOCK_KEY, type ServerConfig, type Target, usesRealKey } from '../lib/connection';
import type { ExplainedError } from '../lib/explain-error';

/** Props of `ConnectionPanel`. */
export interface ConnectionPanelProps {
  connection: Connection;
  onChange(connection: Connection): void;
  server: ServerConfig;
  /** The resolved base URL (shown for the mock and the proxy). */
  baseUrl: string;
  credits: number | null;
  creditsError: ExplainedError | null;
  onRefreshCredits(): void;
}

/** The connection card. */
export function ConnectionPanel(props: ConnectionPanelProps) {
  const { connection, onChange, server, baseUrl, credits, creditsError, onRefreshCredits } = props;
  const setTarget = (target: Target) =>
    onChange({ ...connection, target, apiKey: target === 'mock' ? MOCK_KEY : '' });
  const realKey = usesRealKey(connection);
  return (
    <section className="card" aria-labelledby="connection-heading">
      <h2 id="connection-heading">Connection</h2>
      <div className="row">
        <div className="field">
          <label htmlFor="target">Target</label>
          <select
            id="target"
            value={connection.target}
            onChange={(event) => setTarget(event.target.value as Target)}
          >
            <option value="mock">Offline mock (this server)</option>
            {server.proxyTarget && <option value="proxy">Real API through the proxy</option>}
            <option value="custom">Other base URL</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="base-url">Base URL</label>
          <input
            id="base-url"
            type="url"
            value={connection.target === 'custom' ? connection.customUrl : baseUrl}
            readOnly={connection.target !== 'custom'}
            placeholder="http://127.0.0.1:4010"
            onChange={(event) => onChange({ ...connection, customUrl: event.target.value })}
          />
        </div>
      </div>
      {connection.target === 'proxy' && server.proxyTarget && (
        <p className="hint">
          Calls go to this server, which forwards them to {server.proxyTarget}: no CORS, and the page never
          talks to kie.ai itself.
        </p>
      )}
      <div className="field">
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type={realKey ? 'password' : 'text'}
          autoComplete="off"
          spellCheck={false}
          value={connection.apiKey}
          placeholder={server.proxyHasKey && connection.target === 'proxy' ? 'the server adds its key' : ''}
          onChange={(event) => onChange({ ...connection, apiKey: event.target.value })}
        />
      </div>
      {realKey ? (
        <p className="warning" role="note">
          A real key is kept in this tab's memory only: it is never saved, a reload forgets it, and it is sent
          only to the base URL above. Anyone who can run scripts in this page could read it.
          {server.proxyHasKey &&
            connection.target === 'proxy' &&
            ' The proxy holds its own key: you may leave this empty.'}
        </p>
      ) : (
        <p className="hint">The mock accepts any key; "{MOCK_KEY}" is a placeholder, not a secret.</p>
      )}
      <div className="credits">
        <span role="status" aria-live="polite">
          {creditsError
            ? `Credits unavailable: ${creditsError.title}${creditsError.msg ? ` (${creditsError.msg})` : ''}`
            : credits === null
              ? 'Credits: …'
              : `Credits: ${credits.toLocaleString('en-US')}`}
        </span>
        <button type="button" onClick={onRefreshCredits}>
          Refresh credits
        </button>
      </div>
    </section>
  );
}
