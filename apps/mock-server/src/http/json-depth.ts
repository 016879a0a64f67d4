/**
 * How deep a JSON text nests, measured on the text before parsing. Deeply nested input is cheap to
 * send and expensive to walk: the validators, `JSON.stringify` and logs recurse, and a few thousand
 * levels overflow the stack. Every JSON body the mock reads is held to `MAX_JSON_DEPTH` first.
 */

/** The deepest nesting any body of the API or the admin API may have (kie.ai's bodies nest 3 deep). */
export const MAX_JSON_DEPTH = 64;

/** Whether `text` opens more than `limit` arrays/objects inside each other (brackets in strings ignored). */
export function nestsDeeperThan(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) {
        index++;
      } else if (char === 0x22 /* " */) {
        inString = false;
      }
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      if (++depth > limit) {
        return true;
      }
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}
