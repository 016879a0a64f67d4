/** The playground page: connection, model picker, the model's form, task, code and history. */
import type { KlingClient } from '@kling-kit/client';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ConnectionPanel } from './components/connection-panel';
import { CopyCode } from './components/copy-code';
import { GenerateForm } from './components/generate-form';
import { HistoryList } from './components/history-list';
import { ModelPicker } from './components/model-picker';
import { TaskPanel } from './components/task-panel';
import { DEFAULT_MODEL_ID, formOf, modelById } from './lib/catalog';
import {
  baseUrlOf,
  type Connection,
  clientFor,
  MOCK_KEY,
  MOCK_POLL_DELAY,
  type ServerConfig,
} from './lib/connection';
import { type ExplainedError, explainError } from './lib/explain-error';
import {
  buildRequest,
  type FormRequest,
  type FormState,
  initialState,
  stateFromExample,
  switchModel,
} from './lib/form-values';
import { type HistoryEntry, loadHistory, saveToHistory } from './lib/history';
import type { SnippetTarget } from './lib/snippets';
import { useTaskRunner } from './lib/use-task-runner';

type ClientOrError =
  | { client: KlingClient; error?: undefined }
  | { client?: undefined; error: ExplainedError };

/** Asks the serving mock what it offers (the proxy); other servers simply have no proxy. */
async function loadServerConfig(): Promise<ServerConfig | null> {
  try {
    const answer = await fetch('/__playground', { headers: { Accept: 'application/json' } });
    return answer.ok ? ((await answer.json()) as ServerConfig) : null;
  } catch {
    return null;
  }
}

/** The whole page. */
export function App() {
  const origin = window.location.origin;
  const [server, setServer] = useState<ServerConfig>({ proxyTarget: null, proxyHasKey: false });
  const [connection, setConnection] = useState<Connection>({
    target: 'mock',
    customUrl: '',
    apiKey: MOCK_KEY,
  });
  const [formState, setFormState] = useState<FormState>(() =>
    initialState(formOf(modelById(DEFAULT_MODEL_ID))),
  );
  /** Bumped when the form is replaced (another model, the example): its messages start hidden again. */
  const [formVersion, setFormVersion] = useState(0);
  const entry = modelById(formState.modelId);
  const form = formOf(entry);
  const [history, setHistory] = useState<HistoryEntry[]>(loadHistory);
  const [credits, setCredits] = useState<number | null>(null);
  const [creditsError, setCreditsError] = useState<ExplainedError | null>(null);
  const remember = useCallback((entry: HistoryEntry) => setHistory(saveToHistory(entry)), []);
  const { run, start, resume, fail } = useTaskRunner(remember);

  const baseUrl = baseUrlOf(connection, origin);
  const api = useMemo<ClientOrError>(() => {
    try {
      return { client: clientFor(connection, origin, server.proxyHasKey, server.proxyToken) };
    } catch (error) {
      return { error: explainError(error) };
    }
  }, [connection, origin, server.proxyHasKey, server.proxyToken]);
  const runOptions = () =>
    api.client && {
      client: api.client,
      baseUrl,
      pollDelay: connection.target === 'mock' ? MOCK_POLL_DELAY : undefined,
    };

  useEffect(() => {
    loadServerConfig().then((config) => config && setServer(config));
  }, []);

  const refreshCredits = useCallback(async () => {
    if (!api.client) {
      setCredits(null);
      setCreditsError(api.error);
      return;
    }
    try {
      setCredits(await api.client.getCredits());
      setCreditsError(null);
    } catch (error) {
      setCreditsError(explainError(error));
    }
  }, [api]);
  useEffect(() => {
    const timer = setTimeout(refreshCredits, 250);
    return () => clearTimeout(timer);
  }, [refreshCredits]);
  const finished = run.status === 'success' || run.status === 'fail';
  useEffect(() => {
    if (finished) {
      refreshCredits();
    }
  }, [finished, refreshCredits]);

  const onSubmit = (request: FormRequest) => {
    const options = runOptions();
    if (options) {
      start(options, request);
    } else {
      fail(new Error(api.error?.msg ?? 'No connection'));
    }
  };
  const onOpen = (entry: HistoryEntry) => {
    const options = runOptions();
    if (options) {
      resume(options, entry);
    } else {
      fail(new Error(api.error?.msg ?? 'No connection'));
    }
  };
  const onUpload = async (file: File) => {
    if (!api.client) {
      throw new Error(api.error?.msg ?? 'No connection');
    }
    return (await api.client.uploadFile(file, { fileName: file.name })).downloadUrl;
  };
  const chooseModel = (modelId: string) => {
    const next = modelById(modelId);
    setFormState(switchModel(form, formState, formOf(next)));
    setFormVersion((version) => version + 1);
  };
  const loadExample = () => {
    setFormState(stateFromExample(form, entry.example));
    setFormVersion((version) => version + 1);
  };

  const snippetTarget: SnippetTarget =
    connection.target === 'mock'
      ? { baseUrl: origin, printableKey: connection.apiKey === MOCK_KEY ? MOCK_KEY : undefined }
      : { baseUrl: connection.target === 'proxy' ? (server.proxyTarget ?? baseUrl) : baseUrl };

  return (
    <>
      <header className="page-header">
        <h1>Kling playground</h1>
        <p>
          Every Kling video model kie.ai serves: pick one, fill its form and generate, against the offline
          mock by default. <a href="/reference">API reference</a>
        </p>
      </header>
      <main className="layout">
        <div className="column">
          <ConnectionPanel
            connection={connection}
            onChange={setConnection}
            server={server}
            baseUrl={baseUrl}
            credits={credits}
            creditsError={creditsError}
            onRefreshCredits={refreshCredits}
          />
          <ModelPicker entry={entry} onChange={chooseModel} onFillExample={loadExample} />
          <GenerateForm
            key={`${formState.modelId}#${formVersion}`}
            entry={entry}
            form={form}
            state={formState}
            onChange={setFormState}
            onSubmit={onSubmit}
            busy={run.status === 'creating'}
            onUpload={onUpload}
          />
        </div>
        <div className="column">
          <TaskPanel run={run} />
          <CopyCode request={buildRequest(form, formState).request} target={snippetTarget} />
          <HistoryList entries={history} onOpen={onOpen} />
        </div>
      </main>
    </>
  );
}
