/** A labelled form field: label, control, hint (e.g. a counter) and its validation message. */
import type { ReactNode } from 'react';

/** The `aria-describedby` of a field's control: its hint and message, when shown. */
export function describedBy(id: string, hasHint: boolean, error: string | undefined): string | undefined {
  const ids = [hasHint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

/** Props of `Field`. */
export interface FieldProps {
  /** The control's id. */
  id: string;
  /** The accessible label, exactly as the control is named. */
  label: string;
  /** Shown next to the label (a counter, a value). */
  hint?: ReactNode;
  /** The validation message, when the field is invalid and may show it. */
  error?: string | undefined;
  children: ReactNode;
}

/** Renders the label, the control, the hint and the message. */
export function Field({ id, label, hint, error, children }: FieldProps) {
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <div className="field-head">
        <label htmlFor={id}>{label}</label>
        {hint !== undefined && (
          <span id={`${id}-hint`} className="hint">
            {hint}
          </span>
        )}
      </div>
      {children}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {label}: {error}
        </p>
      )}
    </div>
  );
}
