/**
 * One field of a model's form, rendered from its spec: a textarea or input with a live character
 * counter, a select for an enum, a switch for a boolean, a slider with its value (or a number
 * input), a URL input with preview and upload, a URL list, an object list (shots, elements), or
 * JSON for a shape the playground does not know. Labels, limits and help all come from the schema.
 */
import type { ListItem, Value } from '../lib/form-values';
import type {
  FieldSpec,
  JsonField,
  NumberField,
  SelectField,
  SwitchField,
  TextField,
  UrlListField,
} from '../lib/model-form';
import { articleOf, inSentence } from '../lib/model-form';
import { describedBy, Field, FieldError, LabelText } from './field';
import { HelpText } from './help-text';
import { ObjectListField } from './object-list-field';
import { UrlInput } from './url-input';

/** What every field of a form shares: where it sits, how its messages show, the upload. */
export interface FieldContext {
  /** Prefix of control ids (`f`, or `f-multi_prompt-i3` inside an item). */
  idPrefix: string;
  /** Prefix of field keys (`''`, or `multi_prompt.1` inside an item): the keys issues map to. */
  keyPrefix: string;
  /** Read before labels by screen readers inside an item ("Shot 2 "). */
  labelPrefix: string;
  /** The message of a field key, when it may show. */
  errorOf(key: string): string | undefined;
  /** Marks a field as edited (its messages then show). */
  touch(key: string): void;
  onUpload?: ((file: File) => Promise<string>) | undefined;
  /** The input that sets the video's length (the catalog's `seconds.field`): its options read "5 seconds". */
  secondsField?: string | undefined;
  /** The video's length in seconds now (shown next to the shots' total). */
  lengthSeconds?: number | undefined;
}

/** Props of `SchemaField`. */
export interface SchemaFieldProps extends FieldContext {
  field: FieldSpec;
  value: Value;
  onChange(value: Value): void;
}

/** Characters as the contract counts them (code points, so an emoji is one). */
export function characterCount(text: string): number {
  return Array.from(text).length;
}

/** The counter shown next to a text field. */
export function counterText(text: string, maxLength: number | undefined): string {
  const count = characterCount(text);
  return maxLength === undefined ? `${count} characters` : `${count} / ${maxLength}`;
}

const keyOf = (context: FieldContext, name: string) =>
  context.keyPrefix ? `${context.keyPrefix}.${name}` : name;
const idOf = (context: FieldContext, name: string) => `${context.idPrefix}-${name}`;

function TextControl({ field, value, onChange, ...context }: SchemaFieldProps & { field: TextField }) {
  const id = idOf(context, field.name);
  const key = keyOf(context, field.name);
  const error = context.errorOf(key);
  const text = typeof value === 'string' ? value : '';
  const shared = {
    id,
    value: text,
    required: field.required,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(id, { hint: true, help: Boolean(field.description), error }),
    onBlur: () => context.touch(key),
  } as const;
  return (
    <Field
      id={id}
      label={field.label}
      labelPrefix={context.labelPrefix}
      hint={counterText(text, field.maxLength)}
      help={field.description}
      error={error}
    >
      {field.multiline ? (
        <textarea
          {...shared}
          rows={context.keyPrefix ? 2 : 4}
          onChange={(event) => {
            context.touch(key);
            onChange(event.target.value);
          }}
        />
      ) : (
        <input
          {...shared}
          type="text"
          onChange={(event) => {
            context.touch(key);
            onChange(event.target.value);
          }}
        />
      )}
    </Field>
  );
}

function SelectControl({ field, value, onChange, ...context }: SchemaFieldProps & { field: SelectField }) {
  const id = idOf(context, field.name);
  const key = keyOf(context, field.name);
  const error = context.errorOf(key);
  const seconds = context.secondsField === field.name && !context.keyPrefix;
  const current = field.options.find((option) => option === value);
  return (
    <Field
      id={id}
      label={field.label}
      labelPrefix={context.labelPrefix}
      help={field.description}
      error={error}
    >
      <select
        id={id}
        value={current === undefined ? '' : String(current)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, { help: Boolean(field.description), error })}
        onChange={(event) => {
          context.touch(key);
          const chosen = field.options.find((option) => String(option) === event.target.value);
          onChange(chosen);
        }}
      >
        {(current === undefined || (!field.required && field.default === undefined)) && (
          <option value="">not sent</option>
        )}
        {field.options.map((option) => (
          <option key={String(option)} value={String(option)}>
            {seconds ? `${option} seconds` : String(option)}
          </option>
        ))}
      </select>
    </Field>
  );
}

function SwitchControl({ field, value, onChange, ...context }: SchemaFieldProps & { field: SwitchField }) {
  const id = idOf(context, field.name);
  const key = keyOf(context, field.name);
  const error = context.errorOf(key);
  const fixed = field.fixed !== undefined;
  const state = fixed
    ? field.fixed
      ? 'always on here'
      : 'always off here'
    : value === undefined
      ? 'not sent'
      : '';
  return (
    <div className={error ? 'field switch-field field-invalid' : 'field switch-field'}>
      <div className="switch-row">
        <input
          id={id}
          type="checkbox"
          // biome-ignore lint/a11y/useAriaPropsForRole: a native checkbox exposes its state as aria-checked (ARIA in HTML: do not repeat it)
          role="switch"
          checked={(fixed ? field.fixed : value) === true}
          disabled={fixed}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, { hint: state !== '', help: Boolean(field.description), error })}
          onChange={(event) => {
            context.touch(key);
            onChange(event.target.checked);
          }}
        />
        <label htmlFor={id}>
          <LabelText label={field.label} prefix={context.labelPrefix} />
        </label>
        {state && (
          <span id={`${id}-hint`} className="hint">
            {state}
          </span>
        )}
      </div>
      {field.description && <HelpText id={`${id}-help`} text={field.description} />}
      {error && (
        <FieldError id={`${id}-error`} label={`${context.labelPrefix}${field.label}`} error={error} />
      )}
    </div>
  );
}

/** Decimals of a step (0.1 → 1), to show a slider's value as the schema counts it. */
const decimalsOf = (step: number | undefined) =>
  step === undefined || Number.isInteger(step) ? 0 : (String(step).split('.')[1]?.length ?? 0);

function NumberControl({ field, value, onChange, ...context }: SchemaFieldProps & { field: NumberField }) {
  const id = idOf(context, field.name);
  const key = keyOf(context, field.name);
  const error = context.errorOf(key);
  if (field.slider) {
    const current = typeof value === 'number' ? value : (field.default ?? field.minimum ?? 0);
    return (
      <Field
        id={id}
        label={field.label}
        labelPrefix={context.labelPrefix}
        hint={current.toFixed(decimalsOf(field.step))}
        help={field.description}
        error={error}
      >
        <input
          id={id}
          type="range"
          min={field.minimum}
          max={field.maximum}
          step={field.step ?? 'any'}
          value={current}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, { hint: true, help: Boolean(field.description), error })}
          onChange={(event) => {
            context.touch(key);
            onChange(Number(event.target.value));
          }}
        />
      </Field>
    );
  }
  const range =
    field.minimum !== undefined && field.maximum !== undefined
      ? `${field.minimum}–${field.maximum}`
      : field.minimum !== undefined
        ? `≥ ${field.minimum}`
        : field.maximum !== undefined
          ? `≤ ${field.maximum}`
          : undefined;
  return (
    <Field
      id={id}
      label={field.label}
      labelPrefix={context.labelPrefix}
      hint={range}
      help={field.description}
      error={error}
    >
      <input
        id={id}
        type="number"
        inputMode={field.integer ? 'numeric' : 'decimal'}
        min={field.minimum}
        max={field.maximum}
        step={field.step ?? 'any'}
        value={typeof value === 'string' ? value : ''}
        required={field.required}
        placeholder={field.default !== undefined ? `default ${field.default}` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, {
          hint: range !== undefined,
          help: Boolean(field.description),
          error,
        })}
        onChange={(event) => {
          context.touch(key);
          onChange(event.target.value);
        }}
        onBlur={() => context.touch(key)}
      />
    </Field>
  );
}

function JsonControl({ field, value, onChange, ...context }: SchemaFieldProps & { field: JsonField }) {
  const id = idOf(context, field.name);
  const key = keyOf(context, field.name);
  const text = typeof value === 'string' ? value : '';
  let parseError: string | undefined;
  if (text.trim() !== '') {
    try {
      JSON.parse(text);
    } catch {
      parseError = 'is not valid JSON';
    }
  }
  // A typing slip in JSON is a local fact: shown at once, before the validator's message.
  const error = parseError ?? context.errorOf(key);
  return (
    <Field
      id={id}
      label={field.label}
      labelPrefix={context.labelPrefix}
      hint="JSON"
      help={field.description}
      error={error}
    >
      <textarea
        id={id}
        rows={3}
        spellCheck={false}
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, { hint: true, help: Boolean(field.description), error })}
        onChange={(event) => {
          context.touch(key);
          onChange(event.target.value);
        }}
      />
    </Field>
  );
}

function UrlListControl({ field, value, onChange, ...context }: SchemaFieldProps & { field: UrlListField }) {
  const id = idOf(context, field.name);
  const key = keyOf(context, field.name);
  const urls = Array.isArray(value) ? (value as readonly string[]) : [];
  const listError = context.errorOf(key);
  const set = (index: number, url: string) => {
    context.touch(key);
    onChange(urls.map((existing, at) => (at === index ? url : existing)));
  };
  // A list of exactly one URL is one URL field, named by the list.
  if (field.maxItems === 1 && urls.length <= 1) {
    return (
      <UrlInput
        id={`${id}-0`}
        label={field.label}
        labelPrefix={context.labelPrefix}
        value={urls[0] ?? ''}
        required={field.required}
        help={field.description}
        error={context.errorOf(`${key}.0`) ?? listError}
        media={field.item.media}
        accept={field.item.accept}
        onChange={(url) => {
          context.touch(key);
          onChange([url]);
        }}
        onBlur={() => context.touch(key)}
        onUpload={field.item.upload ? context.onUpload : undefined}
      />
    );
  }
  const fewest = Math.max(field.minItems, field.required ? 1 : 0);
  const full = field.maxItems !== undefined && urls.length >= field.maxItems;
  const noun = inSentence(field.item.label);
  const limits =
    field.maxItems !== undefined
      ? field.minItems === field.maxItems
        ? `exactly ${field.maxItems}`
        : `${field.minItems > 0 ? `${field.minItems} to ` : 'up to '}${field.maxItems}`
      : field.minItems > 0
        ? `at least ${field.minItems}`
        : undefined;
  return (
    <fieldset
      className={listError ? 'list-field field-invalid' : 'list-field'}
      aria-describedby={describedBy(id, {
        hint: limits !== undefined,
        help: Boolean(field.description),
        error: listError,
      })}
    >
      <legend>
        <LabelText label={field.label} prefix={context.labelPrefix} />
      </legend>
      {limits && (
        <p id={`${id}-hint`} className="hint">
          {urls.length} of {limits}
        </p>
      )}
      {field.description && <HelpText id={`${id}-help`} text={field.description} />}
      {urls.map((url, index) => (
        <UrlInput
          key={index}
          id={`${id}-${index}`}
          label={`${field.item.label} ${index + 1}`}
          labelPrefix={context.labelPrefix}
          value={url}
          required={index < fewest}
          error={context.errorOf(`${key}.${index}`)}
          media={field.item.media}
          accept={field.item.accept}
          describedByExtra={listError && (index === 0 || url.trim() === '') ? `${id}-error` : undefined}
          invalid={Boolean(listError) && url.trim() === ''}
          onChange={(next) => set(index, next)}
          onBlur={() => context.touch(key)}
          onUpload={field.item.upload ? context.onUpload : undefined}
          actions={
            urls.length > fewest && (
              <button
                type="button"
                onClick={() => {
                  context.touch(key);
                  onChange(urls.filter((_, at) => at !== index));
                  document.getElementById(`${id}-add`)?.focus();
                }}
              >
                Remove
                <span className="visually-hidden">
                  {' '}
                  {context.labelPrefix}
                  {field.item.label} {index + 1}
                </span>
              </button>
            )
          }
        />
      ))}
      {!(
        field.maxItems !== undefined &&
        field.minItems === field.maxItems &&
        urls.length === field.maxItems
      ) && (
        <button
          id={`${id}-add`}
          type="button"
          disabled={full}
          onClick={() => {
            context.touch(key);
            onChange([...urls, '']);
            requestAnimationFrame(() => document.getElementById(`${id}-${urls.length}`)?.focus());
          }}
        >
          Add {articleOf(noun)} {noun}
          {context.labelPrefix && <span className="visually-hidden"> to {context.labelPrefix.trim()}</span>}
        </button>
      )}
      {listError && (
        <FieldError id={`${id}-error`} label={`${context.labelPrefix}${field.label}`} error={listError} />
      )}
    </fieldset>
  );
}

/** Renders one field of a model's form from its spec. */
export function SchemaField(props: SchemaFieldProps) {
  const { field } = props;
  switch (field.kind) {
    case 'text':
      return <TextControl {...props} field={field} />;
    case 'select':
      return <SelectControl {...props} field={field} />;
    case 'switch':
      return <SwitchControl {...props} field={field} />;
    case 'number':
      return <NumberControl {...props} field={field} />;
    case 'json':
      return <JsonControl {...props} field={field} />;
    case 'url': {
      const key = keyOf(props, field.name);
      return (
        <UrlInput
          id={idOf(props, field.name)}
          label={field.label}
          labelPrefix={props.labelPrefix}
          value={typeof props.value === 'string' ? props.value : ''}
          required={field.required}
          help={field.description}
          error={props.errorOf(key)}
          media={field.media}
          accept={field.accept}
          onChange={(url) => {
            props.touch(key);
            props.onChange(url);
          }}
          onBlur={() => props.touch(key)}
          onUpload={field.upload ? props.onUpload : undefined}
        />
      );
    }
    case 'url-list':
      return <UrlListControl {...props} field={field} />;
    case 'objects':
      return (
        <ObjectListField
          {...props}
          field={field}
          items={Array.isArray(props.value) ? (props.value as readonly ListItem[]) : []}
          renderField={({ key, ...child }) => <SchemaField key={key} {...child} />}
        />
      );
  }
}
