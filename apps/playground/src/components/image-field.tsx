/** An image URL field with a preview, and optionally an upload control that fills it. */
import { type ChangeEvent, useState } from 'react';
import { formLimits, isPreviewable } from '../lib/form-rules';
import { describedBy, Field } from './field';

/** Props of `ImageField`. */
export interface ImageFieldProps {
  id: string;
  label: string;
  value: string;
  error?: string | undefined;
  required?: boolean;
  onChange(value: string): void;
  onBlur(): void;
  /** Uploads a local file through the upload API and resolves with its URL. */
  onUpload?: ((file: File) => Promise<string>) | undefined;
}

/** The URL input, its preview and the upload control. */
export function ImageField({
  id,
  label,
  value,
  error,
  required,
  onChange,
  onBlur,
  onUpload,
}: ImageFieldProps) {
  const [upload, setUpload] = useState<{ status: 'idle' | 'busy' | 'failed'; message?: string }>({
    status: 'idle',
  });
  const [broken, setBroken] = useState<string | null>(null);

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file || !onUpload) {
      return;
    }
    setUpload({ status: 'busy', message: `Uploading ${file.name}…` });
    try {
      const url = await onUpload(file);
      onChange(url);
      setUpload({ status: 'idle', message: `Uploaded ${file.name}` });
    } catch (failure) {
      setUpload({ status: 'failed', message: failure instanceof Error ? failure.message : 'Upload failed' });
    }
  };

  const preview = isPreviewable(value) && broken !== value;
  return (
    <Field id={id} label={label} error={error}>
      <input
        id={id}
        type="url"
        inputMode="url"
        placeholder="https://…"
        value={value}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, false, error)}
        onChange={(event) => onChange(event.target.value)}
        onBlur={onBlur}
      />
      <div className="image-row">
        {preview ? (
          <img
            className="preview"
            src={value}
            alt={`Preview of ${label.toLowerCase()}`}
            onError={() => setBroken(value)}
          />
        ) : (
          value.trim() !== '' && <span className="hint">No preview</span>
        )}
        {onUpload && (
          <div className="upload">
            <label htmlFor={`${id}-upload`} className="button-like">
              Upload an image
            </label>
            <input
              id={`${id}-upload`}
              className="visually-hidden"
              type="file"
              accept={formLimits.imageMediaTypes.join(',')}
              disabled={upload.status === 'busy'}
              onChange={onFile}
            />
            {upload.message && (
              <span className={upload.status === 'failed' ? 'field-error' : 'hint'} role="status">
                {upload.message}
              </span>
            )}
          </div>
        )}
      </div>
    </Field>
  );
}
