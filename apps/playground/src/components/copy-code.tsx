/** "Copy as curl" and "Copy as TypeScript" for the exact request of the chosen model, with the code shown too. */
import { useState } from 'react';
import { curlSnippet, type SnippetRequest, type SnippetTarget, typescriptSnippet } from '../lib/snippets';

/** Props of `CopyCode`. */
export interface CopyCodeProps {
  request: SnippetRequest;
  target: SnippetTarget;
}

/** Writes to the clipboard; false where the browser refuses (no permission, insecure origin). */
async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** The copy buttons and the code they copy. */
export function CopyCode({ request, target }: CopyCodeProps) {
  const [shown, setShown] = useState<'curl' | 'typescript'>('curl');
  const [status, setStatus] = useState('');
  const code = shown === 'curl' ? curlSnippet(request, target) : typescriptSnippet(request, target);
  const onCopy = async (kind: 'curl' | 'typescript') => {
    setShown(kind);
    const text = kind === 'curl' ? curlSnippet(request, target) : typescriptSnippet(request, target);
    setStatus(
      (await copy(text))
        ? `Copied as ${kind === 'curl' ? 'curl' : 'TypeScript'}.`
        : 'Select the code below and copy it.',
    );
  };
  return (
    <section className="card" aria-labelledby="code-heading">
      <h2 id="code-heading">As code</h2>
      <div className="actions">
        <button type="button" onClick={() => onCopy('curl')}>
          Copy as curl
        </button>
        <button type="button" onClick={() => onCopy('typescript')}>
          Copy as TypeScript
        </button>
        <span className="hint" role="status">
          {status}
        </span>
      </div>
      <pre>
        <code>{code}</code>
      </pre>
    </section>
  );
}
