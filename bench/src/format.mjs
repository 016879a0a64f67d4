/** Formatting shared by the results.md sections. */

/** Bytes as kB with two decimals. */
export const kb = (bytes) => `${(bytes / 1024).toFixed(2)} kB`;

/** PASS or MISS. */
export const verdict = (ok) => (ok ? 'PASS' : 'MISS');

/** A number with fixed decimals and thousands separators. */
export const fmt = (value, decimals = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/** A share as a percentage. */
export const pct = (share, decimals = 0) => `${fmt(share * 100, decimals)} %`;

/** One summary row: figure, measured, goal, and PASS/MISS (`ok`), or info when `ok` is null. */
export const row = (figure, measured, goal, ok) => ({ figure, measured, goal, ok });
