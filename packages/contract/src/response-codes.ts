/** The envelope's business codes and their meanings, read from the spec's `ResponseCode` schema. */
import type { components } from './generated/openapi';
import { spec } from './generated/spec';

// The full document, not the validators' JSON Schemas: those carry no descriptions.
const ResponseCodeSchema = spec.components.schemas.ResponseCode;

/** A business code of the `{code, msg, data}` envelope. */
export type ResponseCode = components['schemas']['ResponseCode'];

/** What a business code means, as the spec documents it. */
export interface ResponseCodeInfo {
  readonly code: ResponseCode;
  /** PascalCase name (`InsufficientCredits`), from `x-enum-varnames`. */
  readonly name: string;
  /** One line from `x-enum-descriptions`: `Insufficient credits - the account balance cannot cover the operation`. */
  readonly meaning: string;
}

/** Every business code of the spec, in the spec's order. */
export const responseCodes: readonly ResponseCodeInfo[] = /* @__PURE__ */ ResponseCodeSchema.enum.map(
  (code, index) => ({
    code,
    name: ResponseCodeSchema['x-enum-varnames'][index] ?? String(code),
    meaning: ResponseCodeSchema['x-enum-descriptions'][index] ?? '',
  }),
);

const byCode = /* @__PURE__ */ new Map<number, ResponseCodeInfo>(
  responseCodes.map((info) => [info.code, info]),
);

/** Looks a business code up; `undefined` for a code the spec does not list. */
export function describeResponseCode(code: number): ResponseCodeInfo | undefined {
  return byCode.get(code);
}

/** Whether `code` is one of the spec's business codes. */
export function isResponseCode(code: unknown): code is ResponseCode {
  return typeof code === 'number' && byCode.has(code);
}
