/**
 * What each business code means to a client, read from the spec (`x-enum-error-classes`,
 * `x-enum-transient` on `ResponseCode`): its error class and whether a retry may pass. Kept apart
 * from `response-codes.ts` so a bundle that needs these facts carries no descriptions.
 */
import { ERROR_CLASS_BY_CODE, type RESPONSE_CODE_FACTS, TRANSIENT_CODES } from './generated/facts';

/** The name of the client error class of a business code (`RateLimitError`, …). */
export type ErrorClassName = Exclude<(typeof RESPONSE_CODE_FACTS)[number]['errorClass'], null>;

/** Whether a request that got `code` may pass if repeated: a transient code of the spec, or any unknown 5xx. */
export function isTransientCode(code: number): boolean {
  return code in ERROR_CLASS_BY_CODE ? TRANSIENT_CODES.includes(code) : code >= 500;
}

/** The client error class name of a business code of the spec; undefined for 200 and unknown codes. */
export function errorClassOf(code: number): ErrorClassName | undefined {
  return (ERROR_CLASS_BY_CODE as Partial<Record<number, ErrorClassName>>)[code];
}
