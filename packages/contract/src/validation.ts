/** The shapes every validator of the contract shares: issues, results, and how issues read. */

/** A JSON Schema object as generated from the spec (read-only, as emitted with `as const`). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** One reason a value does not match its schema. */
export interface ValidationIssue {
  /** Where the problem is, as a dotted path (`input.prompt`, `resultUrls[0]`); `""` for the value itself. */
  readonly path: string;
  /** The JSON Schema keyword that failed (`maxLength`, `required`, `enum`, …). */
  readonly keyword: string;
  /** A sentence for humans, without the path: `must be at most 5000 characters`. */
  readonly message: string;
}

/** The outcome of a validation: the value typed on success, the issues otherwise. */
export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T; readonly issues?: undefined }
  | { readonly ok: false; readonly value?: undefined; readonly issues: readonly ValidationIssue[] };

/** A validator bound to one schema of the spec. */
export type Validator<T> = (value: unknown) => ValidationResult<T>;

/** Turns a compiled check (issues of a value) into a typed validator. */
export function validatorOf<T>(check: (value: unknown) => ValidationIssue[]): Validator<T> {
  return (value) => {
    const issues = check(value);
    return issues.length === 0 ? { ok: true, value: value as T } : { ok: false, issues };
  };
}

/** Formats issues as one line each: `input.prompt: must be at most 5000 characters`. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
}
