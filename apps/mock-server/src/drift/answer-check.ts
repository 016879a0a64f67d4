/**
 * `--validate`: checks a real answer against the spec. The operation's envelope schema (codes,
 * record fields and types, states, from their enums), then what JSON Schema leaves to the reader:
 * the JSON strings inside a record (`param` is a `TaskParam`, a non-empty `resultJson` a
 * `TaskResult`) and the record being the one asked for.
 */
import { type OperationId, type SchemaName, type ValidationIssue, validateSchema } from '@kling-kit/contract';
import type { Exchange } from './exchange';

/** The envelope schema of each operation's answers. */
export const ENVELOPE_OF: Record<OperationId, SchemaName> = {
  createTask: 'CreateTaskEnvelope',
  getTaskRecord: 'TaskRecordEnvelope',
  getCreditBalance: 'CreditBalanceEnvelope',
  getDownloadUrl: 'DownloadUrlEnvelope',
  uploadFileStream: 'FileUploadEnvelope',
  uploadFileBase64: 'FileUploadEnvelope',
  uploadFileFromUrl: 'FileUploadEnvelope',
};

/** One way an answer differs from the spec. */
export interface DriftIssue {
  /** Where, as a dotted path in the answer body (`data.state`); `""` for the body itself. */
  path: string;
  message: string;
}

const at = (prefix: string, issue: ValidationIssue): DriftIssue => ({
  path: issue.path ? `${prefix}.${issue.path}` : prefix,
  message: issue.message,
});

/** The JSON string at `path` decoded and checked against `schema`. */
function checkJsonString(value: string, path: string, schema: SchemaName): DriftIssue[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(value);
  } catch {
    return [{ path, message: `must be a JSON-encoded ${schema} (not JSON)` }];
  }
  const result = validateSchema(schema, decoded);
  return result.ok ? [] : result.issues.map((issue) => at(path, issue));
}

/** What JSON Schema leaves to the reader of a record: its `param` and non-empty `resultJson` decoded. */
function checkRecordStrings(data: unknown, prefix: string): DriftIssue[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return [];
  }
  const record = data as Record<string, unknown>;
  return [
    ...(typeof record.param === 'string'
      ? checkJsonString(record.param, `${prefix}.param`, 'TaskParam')
      : []),
    ...(typeof record.resultJson === 'string' && record.resultJson !== ''
      ? checkJsonString(record.resultJson, `${prefix}.resultJson`, 'TaskResult')
      : []),
  ];
}

/** Every way a callback body kie.ai POSTed differs from the spec's `CallbackPayload`. */
export function checkCallback(body: unknown): DriftIssue[] {
  const result = validateSchema('CallbackPayload', body);
  const issues: DriftIssue[] = result.ok ? [] : result.issues.map((issue) => ({ ...issue }));
  const data = (body as { data?: unknown } | null)?.data;
  return [...issues, ...checkRecordStrings(data, 'data')];
}

/** Every way the answer of `exchange` differs from the spec; empty when it matches. */
export function checkAnswer(exchange: Exchange): DriftIssue[] {
  if (exchange.operationId === 'receiveTaskCallback') {
    // A callback: what kie.ai sent is the request; the mock's receiver answered it.
    const sent = exchange.request.body;
    return sent?.json === undefined
      ? [{ path: '', message: 'must be a JSON CallbackPayload' }]
      : checkCallback(sent.json);
  }
  const body = exchange.answer.body;
  if (body?.json === undefined) {
    return body?.omitted
      ? []
      : [
          {
            path: '',
            message: `must be a JSON envelope (got ${body?.text === undefined ? 'no body' : 'text'})`,
          },
        ];
  }
  const envelope = ENVELOPE_OF[exchange.operationId];
  const result = validateSchema(envelope, body.json);
  const issues: DriftIssue[] = result.ok ? [] : result.issues.map((issue) => ({ ...issue }));
  if (exchange.operationId !== 'getTaskRecord') {
    return issues;
  }
  const data = (body.json as { data?: unknown }).data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return issues;
  }
  const record = data as Record<string, unknown>;
  issues.push(...checkRecordStrings(record, 'data'));
  const asked = exchange.query.taskId;
  if (asked !== undefined && typeof record.taskId === 'string' && record.taskId !== asked) {
    issues.push({ path: 'data.taskId', message: 'must be the taskId asked for' });
  }
  return issues;
}
