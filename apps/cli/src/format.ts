/** How `kling` writes durations, sizes, speeds and credits for people. */

/** `1:05`, `12:00`, `1:02:03` for a duration in ms. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** `950 B`, `12.3 kB`, `27.5 MB`, `1.20 GB` (decimal units, as download tools print them). */
export function bytes(count: number): string {
  if (count < 1000) {
    return `${count} B`;
  }
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = count;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[unit]}`;
}

/** `8.1 MB/s`. */
export const speed = (count: number, ms: number): string => `${bytes(ms > 0 ? (count * 1000) / ms : 0)}/s`;

/** A number of credits without float noise: `50`, `22.5`, `112.5`. */
export const credits = (value: number): string => String(Math.round(value * 1000) / 1000);

/**
 * A duration flag: `90s`, `20m`, `2h`, `1500ms`; a bare number is seconds. Returns ms, or
 * undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!match) {
    return undefined;
  }
  const unit = (match[2] ?? 's').toLowerCase();
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return Math.round(Number(match[1]) * factor);
}

/** A word for a shell command line: as it is when safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
