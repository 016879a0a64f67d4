/**
 * "Copy as curl" and "Copy as TypeScript": the exact createTask request of the chosen model as
 * code. The TypeScript registers that model's definition from `@kling-kit/client/models`, so the
 * client checks the request locally before sending it.
 */
import { API_SERVER_URL } from '@kling-kit/contract';
import { definitionNameOf } from './catalog';

/** A createTask body of any model. */
export interface SnippetRequest {
  readonly model: string;
  readonly callBackUrl?: string | undefined;
  readonly input: object;
}

/** Where the snippet sends the request and which key it shows. */
export interface SnippetTarget {
  /** Base URL of the API (the mock's origin, or kie.ai's for the real API). */
  baseUrl: string;
  /** A key safe to print (the mock's placeholder); otherwise the snippet reads `KIE_API_KEY`. */
  printableKey?: string | undefined;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A curl command for the createTask request. */
export function curlSnippet(request: SnippetRequest, target: SnippetTarget): string {
  const auth = target.printableKey
    ? shellQuote(`Authorization: Bearer ${target.printableKey}`)
    : '"Authorization: Bearer $KIE_API_KEY"';
  return [
    `curl -X POST ${shellQuote(`${target.baseUrl}/api/v1/jobs/createTask`)} \\`,
    `  -H ${auth} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(JSON.stringify(request, null, 2))}`,
  ].join('\n');
}

/** A TypeScript program doing the same with @kling-kit/client (the model registered), then waiting for the video. */
export function typescriptSnippet(request: SnippetRequest, target: SnippetTarget): string {
  const definition = definitionNameOf(request.model);
  const options = [
    target.printableKey
      ? `  apiKey: ${JSON.stringify(target.printableKey)},`
      : '  apiKey: process.env.KIE_API_KEY,',
    ...(target.baseUrl === API_SERVER_URL ? [] : [`  baseUrl: ${JSON.stringify(target.baseUrl)},`]),
    ...(definition ? [`  models: [${definition}],`] : []),
  ];
  return [
    "import { createKlingClient } from '@kling-kit/client';",
    ...(definition ? [`import { ${definition} } from '@kling-kit/client/models';`] : []),
    '',
    'const kling = createKlingClient({',
    ...options,
    '});',
    `const task = await kling.generate(${JSON.stringify(request, null, 2)});`,
    'console.log(task.resultUrls[0]);',
  ].join('\n');
}
