/** A schema description as help text: `code` spans and **bold** kept, line breaks folded. */
import type { ReactNode } from 'react';

/** Splits a description into text, `<code>` and `<strong>` parts. */
export function inlineMarkup(text: string): ReactNode[] {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .split(/(`[^`]+`|\*\*[^*]+\*\*)/)
    .filter((part) => part !== '')
    .map((part, index) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1) {
        return <code key={index}>{part.slice(1, -1)}</code>;
      }
      if (part.startsWith('**') && part.endsWith('**') && part.length > 3) {
        return <strong key={index}>{part.slice(2, -2)}</strong>;
      }
      return part;
    });
}

/** The help paragraph of a field (referenced by the control's `aria-describedby`). */
export function HelpText({ id, text }: { id: string; text: string }) {
  return (
    <p id={id} className="help">
      {inlineMarkup(text)}
    </p>
  );
}
