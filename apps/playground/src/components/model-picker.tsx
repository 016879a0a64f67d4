/**
 * The model picker: every model of the catalog grouped by generation (v2.1 Pro first), what the
 * chosen one is (kind, summary, durations, sound, how sure the schema is), and "Fill the form"
 * with its catalog example.
 */
import type { ModelFacts } from '@kling-kit/contract';
import { audioText, catalog, durationsText, generations } from '../lib/catalog';

/** Props of `ModelPicker`. */
export interface ModelPickerProps {
  entry: ModelFacts;
  onChange(modelId: string): void;
  /** Loads the model's catalog example into the form. */
  onFillExample(): void;
  models?: readonly ModelFacts[];
}

/** The model card. */
export function ModelPicker({ entry, onChange, onFillExample, models = catalog }: ModelPickerProps) {
  return (
    <section className="card" aria-labelledby="model-heading">
      <h2 id="model-heading">Choose a model</h2>
      <div className="field">
        <label htmlFor="model">Model</label>
        <select
          id="model"
          value={entry.id}
          aria-describedby="model-summary"
          onChange={(event) => onChange(event.target.value)}
        >
          {generations(models).map((group) => (
            <optgroup key={group.name} label={`Kling ${group.name}`}>
              {group.models.map((model) => (
                <option key={model.id} value={model.id}>
                  {model.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      <p id="model-summary">{entry.summary}</p>
      <dl className="model-facts">
        <dt>Id</dt>
        <dd>
          <code>{entry.id}</code>
        </dd>
        <dt>Kind</dt>
        <dd>{entry.kind}</dd>
        <dt>Durations</dt>
        <dd>{durationsText(entry)}</dd>
        <dt>Sound</dt>
        <dd>{audioText(entry)}</dd>
        <dt>Schema confidence</dt>
        <dd>{entry.confidence}</dd>
      </dl>
      <details>
        <summary>Where this model's schema comes from</summary>
        <p>{entry.sources}</p>
        <p>
          kie.ai's page: <a href={entry.docs}>{entry.docs}</a>
        </p>
      </details>
      <div className="actions">
        <button type="button" onClick={onFillExample} aria-describedby="example-hint">
          Fill the form
        </button>
        <span id="example-hint" className="hint">
          with the example of {entry.name}
        </span>
      </div>
    </section>
  );
}
