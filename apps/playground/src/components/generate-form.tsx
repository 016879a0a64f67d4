/**
 * The createTask form of the chosen model, built from its schema: a choice of form for a `oneOf`
 * input, one control per shown field, the callback URL, live validation with the model's own
 * definition (messages at the fields), the estimated credits, and Generate (disabled while invalid).
 */
import { type ModelFacts, videoSecondsOf } from '@kling-kit/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { estimateOf, formatCredits, validateRequest } from '../lib/catalog';
import {
  buildRequest,
  chosenFormIssues,
  type FormRequest,
  type FormState,
  issuesByField,
  shownFields,
  type Value,
  withBranch,
} from '../lib/form-values';
import { type FieldSpec, inSentence, type ModelForm } from '../lib/model-form';
import { HelpText } from './help-text';
import { SchemaField } from './schema-field';

/** Props of `GenerateForm`. */
export interface GenerateFormProps {
  entry: ModelFacts;
  form: ModelForm;
  state: FormState;
  onChange(state: FormState): void;
  /** Called with the exact request once it is valid. */
  onSubmit(request: FormRequest): void;
  /** A task is being created: the button waits. */
  busy?: boolean | undefined;
  /** Uploads a local file and resolves with its URL (fills a URL field). */
  onUpload?: ((file: File) => Promise<string>) | undefined;
}

/** A field key (`multi_prompt.1.duration`) as people read it ("Multi prompt, shot 2 duration"). */
export function labelOfKey(fields: readonly FieldSpec[], key: string): string {
  const [name, ...rest] = key.split('.');
  const field = fields.find((candidate) => candidate.name === name);
  if (!field) {
    return key;
  }
  const [index, ...deeper] = rest;
  if (index === undefined) {
    return field.label;
  }
  if (field.kind === 'url-list') {
    return field.maxItems === 1 ? field.label : `${field.item.label} ${Number(index) + 1}`;
  }
  if (field.kind === 'objects') {
    const item = `${field.itemNoun} ${Number(index) + 1}`;
    return deeper.length > 0 ? `${item} ${inSentence(labelOfKey(field.fields, deeper.join('.')))}` : item;
  }
  return field.label;
}

/** The form. Messages show once a field was edited, or for every field after "Show what to fix". */
export function GenerateForm({ entry, form, state, onChange, onSubmit, busy, onUpload }: GenerateFormProps) {
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [revealAll, setRevealAll] = useState(false);
  const [focusInvalid, setFocusInvalid] = useState(false);
  useEffect(() => {
    if (focusInvalid) {
      document.querySelector<HTMLElement>('form [aria-invalid="true"]')?.focus();
      setFocusInvalid(false);
    }
  }, [focusInvalid]);

  const { request, origins } = buildRequest(form, state);
  const checked = validateRequest(request);
  const allIssues = [...(checked.issues ?? []), ...chosenFormIssues(form, state, request.input)];
  const validation = { ok: allIssues.length === 0 };
  const issues = issuesByField(allIssues, origins);
  const shown = (key: string) => revealAll || touched.has(key.split('.')[0] ?? key);
  const errorOf = (key: string) => (shown(key) ? issues.byKey[key] : undefined);
  const touch = (key: string) => {
    const name = key.split('.')[0] ?? key;
    setTouched((previous) => (previous.has(name) ? previous : new Set(previous).add(name)));
  };
  const branch = form.branches[state.branch];
  const fields = shownFields(form, state);
  const estimate = estimateOf(entry, request.input);
  const invalidKeys = Object.keys(issues.byKey);
  const problems = invalidKeys.length + issues.general.length;
  const problemNames = [
    ...new Set(invalidKeys.map((key) => labelOfKey([...fields, ...form.requestFields], key))),
  ];
  const general = revealAll || touched.size > 0 ? issues.general : [];

  const setValue = (name: string, value: Value) =>
    onChange({ ...state, values: { ...state.values, [name]: value } });
  const setRequestValue = (name: string, value: Value) =>
    onChange({ ...state, request: { ...state.request, [name]: value } });
  const reveal = () => {
    setRevealAll(true);
    setFocusInvalid(true);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!validation.ok) {
      reveal();
      return;
    }
    onSubmit(request);
  };

  const context = {
    idPrefix: 'f',
    keyPrefix: '',
    labelPrefix: '',
    errorOf,
    touch,
    onUpload,
    secondsField: entry.seconds.field,
    lengthSeconds: videoSecondsOf(entry, request.input),
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="request-heading">
      <h2 id="request-heading">Request</h2>
      <p className="hint">
        {entry.name} · <code>{entry.id}</code>
      </p>
      {form.description && <HelpText id="form-help" text={form.description} />}
      {form.branches.length > 1 && (
        <fieldset
          className="branch-choice"
          aria-describedby={branch?.description ? 'branch-help' : undefined}
        >
          <legend>Form</legend>
          <div className="radios">
            {form.branches.map((candidate, index) => (
              <label key={candidate.title} className="radio">
                <input
                  type="radio"
                  name="form-branch"
                  value={index}
                  checked={state.branch === index}
                  onChange={() => onChange(withBranch(form, state, index))}
                />
                {candidate.title}
              </label>
            ))}
          </div>
          {branch?.description && <HelpText id="branch-help" text={branch.description} />}
        </fieldset>
      )}
      {fields.map((field) => (
        <SchemaField
          key={`${state.branch}-${field.name}`}
          {...context}
          field={field}
          value={state.values[field.name]}
          onChange={(value) => setValue(field.name, value)}
        />
      ))}
      {form.requestFields.map((field) => (
        <SchemaField
          key={field.name}
          {...context}
          field={field}
          value={state.request[field.name]}
          onChange={(value) => setRequestValue(field.name, value)}
        />
      ))}
      <div className="estimate">
        <p>
          Estimated cost: <strong>{formatCredits(estimate.credits)} credits</strong> if it succeeds (
          {estimate.detail}).
        </p>
        <details>
          <summary>About this price</summary>
          <p>
            Prices are third-party figures: kie.ai publishes no price list that can be read, so these come
            from the catalog in the spec. Charged on success only.
          </p>
          <dl>
            <dt>Source</dt>
            <dd>{entry.credits.source}</dd>
            <dt>Confidence</dt>
            <dd>{entry.credits.confidence}</dd>
          </dl>
        </details>
      </div>
      {general.length > 0 && (
        <ul className="form-issues" aria-label="Problems with the request">
          {general.map((message) => (
            <li key={message} className="field-error">
              {message}
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !validation.ok}>
          Generate
        </button>
        {!validation.ok && (
          <button type="button" onClick={reveal}>
            Show what to fix
          </button>
        )}
        <span className="hint" role="status">
          {validation.ok
            ? busy
              ? 'Creating the task…'
              : `Ready: ${formatCredits(estimate.credits)} credits if it succeeds.`
            : `Not ready, ${problems} problem${problems === 1 ? '' : 's'}${
                problemNames.length > 0 ? ` (${problemNames.join(', ')})` : ''
              }: nothing is sent until ${problems === 1 ? 'it is' : 'they are'} fixed.`}
        </span>
      </div>
    </form>
  );
}
