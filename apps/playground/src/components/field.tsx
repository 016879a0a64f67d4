/** A labelled form field: label, control, hint (a counter, a value), help text and its validation message. */
import type { ReactNode } from 'react';
import { HelpText } from './help-text';

/** The `aria-describedby` of a field's control: its hint, help and message, when shown. */
export function describedBy(
  id: string,
  parts: { hint?: boolean; help?: boolean; error?: string | undefined },
): string | undefined {
  const ids = [
    parts.hint ? `${id}-hint` : '',
    parts.help ? `${id}-help` : '',
    parts.error ? `${id}-error` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return ids === '' ? undefined : ids;
}

/** Props of `Field`. */
export interface FieldProps {
  /** The control's id. */
  id: string;
  /** The visible label. */
  label: string;
  /** Read before the label by screen readers only ("Shot 2 "), so the name says which item. */
  labelPrefix?: string | undefined;
  /** Shown next to the label (a counter, a value). */
  hint?: ReactNode;
  /** The schema's description of the field. */
  help?: string | undefined;
  /** The validation message, when the field is invalid and may show it. */
  error?: string | undefined;
  className?: string | undefined;
  children: ReactNode;
}

/** The label with its screen-reader prefix. */
export function LabelText({ label, prefix }: { label: string; prefix?: string | undefined }) {
  return (
    <>
      {prefix && <span className="visually-hidden">{prefix}</span>}
      {label}
    </>
  );
}

/** Renders the label, the control, the hint, the help and the message. */
export function Field({ id, label, labelPrefix, hint, help, error, className, children }: FieldProps) {
  return (
    <div className={['field', error ? 'field-invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <div className="field-head">
        <label htmlFor={id}>
          <LabelText label={label} prefix={labelPrefix} />
        </label>
        {hint !== undefined && (
          <span id={`${id}-hint`} className="hint">
            {hint}
          </span>
        )}
      </div>
      {children}
      {help && <HelpText id={`${id}-help`} text={help} />}
      {error && <FieldError id={`${id}-error`} label={`${labelPrefix ?? ''}${label}`} error={error} />}
    </div>
  );
}

/** A field's validation message, naming the field. */
export function FieldError({ id, label, error }: { id: string; label: string; error: string }) {
  return (
    <p id={id} className="field-error">
      {label}: {error}
    </p>
  );
}
