/**
 * An array of objects as an editor: each item a group of its schema's fields ("Shot 1": prompt and
 * duration; "Element 1": name, description, image URLs…), added, removed and moved up or down
 * within the schema's minItems/maxItems, with the total of the items' durations next to the video's
 * length when the items have one (the multi-shot editor of 3.0 and Omni).
 */
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { type ListItem, newItem, type Value } from '../lib/form-values';
import { articleOf, inSentence, type ObjectListField as ObjectListSpec } from '../lib/model-form';
import { describedBy, FieldError, LabelText } from './field';
import { HelpText } from './help-text';
import type { FieldContext, SchemaFieldProps } from './schema-field';

/** Props of `ObjectListField`. */
export interface ObjectListFieldProps extends FieldContext {
  field: ObjectListSpec;
  items: readonly ListItem[];
  onChange(value: Value): void;
  /** Renders one field of an item (the form's own field renderer). */
  renderField(props: SchemaFieldProps & { key: string }): ReactNode;
}

/** The sum of the items' `duration` values, when the items have a numeric duration. */
export function totalSeconds(field: ObjectListSpec, items: readonly ListItem[]): number | undefined {
  const duration = field.fields.find((sub) => sub.name === 'duration' && sub.kind === 'number');
  if (!duration) {
    return undefined;
  }
  return items.reduce((sum, item) => {
    const seconds = Number(item.values.duration);
    return sum + (Number.isFinite(seconds) ? seconds : 0);
  }, 0);
}

/** The editor. */
export function ObjectListField({ field, items, onChange, renderField, ...context }: ObjectListFieldProps) {
  const id = `${context.idPrefix}-${field.name}`;
  const key = context.keyPrefix ? `${context.keyPrefix}.${field.name}` : field.name;
  const noun = field.itemNoun;
  const lower = inSentence(noun);
  const listError = context.errorOf(key);
  const [announcement, setAnnouncement] = useState('');
  const focusNext = useRef<string | null>(null);
  useEffect(() => {
    if (focusNext.current) {
      document.getElementById(focusNext.current)?.focus();
      focusNext.current = null;
    }
  });

  const update = (next: readonly ListItem[], message: string, focus: string) => {
    context.touch(key);
    focusNext.current = focus;
    setAnnouncement(message);
    onChange(next);
  };
  const move = (index: number, by: -1 | 1) => {
    const target = index + by;
    const moving = items[index];
    if (!moving || target < 0 || target >= items.length) {
      return;
    }
    const next = [...items];
    next.splice(index, 1);
    next.splice(target, 0, moving);
    // Focus follows the moved item; at either end, the button that can still move it.
    const direction = target === 0 ? 'down' : target === items.length - 1 ? 'up' : by < 0 ? 'up' : 'down';
    update(next, `${noun} ${index + 1} moved to position ${target + 1}.`, `${id}-${moving.key}-${direction}`);
  };
  const fewest = field.minItems;
  const full = field.maxItems !== undefined && items.length >= field.maxItems;
  const total = totalSeconds(field, items);
  const limits =
    field.maxItems !== undefined
      ? `${items.length} of ${fewest > 0 ? `${fewest} to ` : 'up to '}${field.maxItems}`
      : `${items.length}`;
  const summary =
    total === undefined
      ? limits
      : `${limits} · ${total} s in total${context.lengthSeconds !== undefined ? ` (the video: ${context.lengthSeconds} s)` : ''}`;
  const prefix = context.labelPrefix;

  return (
    <fieldset
      className={listError ? 'objects-field field-invalid' : 'objects-field'}
      aria-describedby={describedBy(id, { hint: true, help: Boolean(field.description), error: listError })}
    >
      <legend>
        <LabelText
          label={
            field.label.toLowerCase().includes(lower.toLowerCase())
              ? field.label
              : `${field.label} (${lower}s)`
          }
          prefix={prefix}
        />
      </legend>
      <p id={`${id}-hint`} className="hint">
        {summary}
      </p>
      {field.description && <HelpText id={`${id}-help`} text={field.description} />}
      {items.map((item, index) => {
        const itemName = `${noun} ${index + 1}`;
        const itemId = `${id}-${item.key}`;
        return (
          <fieldset key={item.key} className="object-item" data-item={item.key}>
            <legend>
              <LabelText label={itemName} prefix={prefix} />
            </legend>
            {field.fields.map((sub) =>
              renderField({
                ...context,
                key: sub.name,
                field: sub,
                value: item.values[sub.name],
                idPrefix: itemId,
                keyPrefix: `${key}.${index}`,
                labelPrefix: `${prefix}${itemName} `,
                onChange: (value) =>
                  onChange(
                    items.map((existing) =>
                      existing.key === item.key
                        ? { ...existing, values: { ...existing.values, [sub.name]: value } }
                        : existing,
                    ),
                  ),
              }),
            )}
            <div className="actions item-actions">
              <button
                id={`${itemId}-up`}
                type="button"
                disabled={index === 0}
                onClick={() => move(index, -1)}
              >
                Move up<span className="visually-hidden"> {`${prefix}${lower} ${index + 1}`}</span>
              </button>
              <button
                id={`${itemId}-down`}
                type="button"
                disabled={index === items.length - 1}
                onClick={() => move(index, 1)}
              >
                Move down<span className="visually-hidden"> {`${prefix}${lower} ${index + 1}`}</span>
              </button>
              <button
                type="button"
                disabled={items.length <= fewest}
                onClick={() =>
                  update(
                    items.filter((existing) => existing.key !== item.key),
                    `${itemName} removed.`,
                    `${id}-add`,
                  )
                }
              >
                Remove<span className="visually-hidden"> {`${prefix}${lower} ${index + 1}`}</span>
              </button>
            </div>
          </fieldset>
        );
      })}
      <div className="actions">
        <button
          id={`${id}-add`}
          type="button"
          disabled={full}
          onClick={() => {
            const added = newItem(field.fields);
            const first = field.fields[0];
            update(
              [...items, added],
              `${noun} ${items.length + 1} added.`,
              first ? `${id}-${added.key}-${first.name}` : `${id}-add`,
            );
          }}
        >
          Add {articleOf(lower)} {lower}
          {prefix && <span className="visually-hidden"> to {prefix.trim()}</span>}
        </button>
        <span className="visually-hidden" role="status">
          {announcement}
        </span>
      </div>
      {listError && <FieldError id={`${id}-error`} label={`${prefix}${field.label}`} error={listError} />}
    </fieldset>
  );
}
