/**
 * A URL field: the input, a preview for images (a preview that fails to load says so and nothing
 * else breaks), and for a model's files an upload control that sends a local file through the
 * upload API and fills in its URL.
 */
import { type ChangeEvent, type ReactNode, useState } from 'react';
import type { UrlMedia } from '../lib/model-form';
import { describedBy, Field } from './field';

/** Props of `UrlInput`. */
export interface UrlInputProps {
  id: string;
  label: string;
  labelPrefix?: string | undefined;
  value: string;
  required?: boolean | undefined;
  help?: string | undefined;
  error?: string | undefined;
  /** What the URL points to: decides the preview and the upload control's wording. */
  media: UrlMedia;
  /** Media types the upload accepts (`x-accepted-media-types`). */
  accept: readonly string[];
  /** Extra `aria-describedby` ids (a list's own message). */
  describedByExtra?: string | undefined;
  /** Invalid without a message of its own (an empty row of a list that has too few). */
  invalid?: boolean | undefined;
  onChange(value: string): void;
  onBlur(): void;
  /** Uploads a local file through the upload API and resolves with its URL. */
  onUpload?: ((file: File) => Promise<string>) | undefined;
  /** Extra controls after the upload (a list's Remove button). */
  actions?: ReactNode;
}

const UPLOAD_WORDING: Record<UrlMedia, string> = {
  image: 'Upload an image',
  video: 'Upload a video',
  audio: 'Upload an audio file',
  file: 'Upload a file',
};

/** Whether a URL can be previewed as an image (http(s) and parseable). */
export function isPreviewable(url: string): boolean {
  if (!/^https?:\/\//i.test(url.trim())) {
    return false;
  }
  try {
    new URL(url.trim());
    return true;
  } catch {
    return false;
  }
}

/** Whether a URL of unknown media looks like an image (by its file extension). */
const looksLikeImage = (url: string) => /\.(png|jpe?g|webp|gif|avif)(\?|#|$)/i.test(url.trim());

/** The input, its preview and the upload control. */
export function UrlInput(props: UrlInputProps) {
  const { id, label, labelPrefix, value, required, help, error, media, accept, onChange, onBlur, onUpload } =
    props;
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

  const image = media === 'image' || (media === 'file' && looksLikeImage(value));
  const preview = image && isPreviewable(value) && broken !== value;
  const fullLabel = `${labelPrefix ?? ''}${label}`;
  const describedIds = [describedBy(id, { help: Boolean(help), error }), props.describedByExtra]
    .filter(Boolean)
    .join(' ');
  return (
    <Field id={id} label={label} labelPrefix={labelPrefix} help={help} error={error} className="url-field">
      <input
        id={id}
        type="url"
        inputMode="url"
        placeholder="https://…"
        value={value}
        required={required}
        aria-invalid={error || props.invalid ? true : undefined}
        aria-describedby={describedIds || undefined}
        onChange={(event) => onChange(event.target.value)}
        onBlur={onBlur}
      />
      {(image || onUpload || props.actions) && (
        <div className="image-row">
          {image &&
            (preview ? (
              <img
                className="preview"
                src={value.trim()}
                alt={`Preview of ${fullLabel}`}
                onError={() => setBroken(value)}
              />
            ) : (
              value.trim() !== '' && <span className="hint">No preview</span>
            ))}
          {onUpload && (
            <div className="upload">
              <label htmlFor={`${id}-upload`} className="button-like">
                {UPLOAD_WORDING[media]}
                <span className="visually-hidden"> for {fullLabel}</span>
              </label>
              <input
                id={`${id}-upload`}
                className="visually-hidden"
                type="file"
                accept={accept.length > 0 ? accept.join(',') : undefined}
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
          {props.actions}
        </div>
      )}
    </Field>
  );
}
