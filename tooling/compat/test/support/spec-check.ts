/** Checks a recorded answer against the spec: the schema the spec declares for that operation and status. */
import { findOperation, formatIssues, type SchemaName, spec, validateSchema } from '@kling-kit/contract';
import type { Exchange } from './recording-proxy';

type Loose = { readonly [key: string]: Loose | undefined } & { readonly $ref?: string };

const document = spec as unknown as Loose;

function resolveRef(node: Loose | undefined): Loose | undefined {
  const ref = node?.$ref;
  if (typeof ref !== 'string') {
    return node;
  }
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<Loose | undefined>((at, key) => at?.[key], document);
}

/** The component schema the spec declares for an answer of `operation` with HTTP `status`. */
export function answerSchemaName(method: string, path: string, status: number): SchemaName | undefined {
  const operation = document.paths?.[path]?.[method.toLowerCase()];
  const responses = operation?.responses;
  const response = resolveRef(responses?.[String(status)] ?? responses?.default);
  const ref = response?.content?.['application/json']?.schema?.$ref;
  return typeof ref === 'string' ? (ref.split('/').pop() as SchemaName) : undefined;
}

/** What is wrong with an exchange's answer according to the spec; empty when it conforms. */
export function specProblems(exchange: Exchange): string[] {
  const where = `${exchange.method} ${exchange.path}${exchange.query} → HTTP ${exchange.status}`;
  const operation = findOperation(exchange.method, exchange.path);
  if (!operation) {
    return [`${where}: not an operation of the spec`];
  }
  const schema = answerSchemaName(operation.method, operation.path, exchange.status);
  if (!schema) {
    return [`${where}: the spec declares no JSON answer for this status`];
  }
  if (!exchange.contentType.startsWith('application/json')) {
    return [`${where}: Content-Type ${exchange.contentType}, the spec says application/json`];
  }
  let body: unknown;
  try {
    body = JSON.parse(exchange.responseBody);
  } catch {
    return [`${where}: the answer is not JSON`];
  }
  const result = validateSchema(schema, body);
  if (!result.ok) {
    return [`${where}: not a ${schema}: ${formatIssues(result.issues)}`];
  }
  // A success record carries its result as a JSON string: check what it decodes to as well.
  const resultJson = (body as { data?: { resultJson?: unknown } }).data?.resultJson;
  if (schema === 'TaskRecordEnvelope' && typeof resultJson === 'string' && resultJson !== '') {
    const decoded = validateSchema('TaskResult', JSON.parse(resultJson));
    if (!decoded.ok) {
      return [`${where}: resultJson is not a TaskResult: ${formatIssues(decoded.issues)}`];
    }
  }
  return [];
}

/** Every problem of every exchange. */
export function allSpecProblems(exchanges: readonly Exchange[]): string[] {
  return exchanges.flatMap(specProblems);
}
