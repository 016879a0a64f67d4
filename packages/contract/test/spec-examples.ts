/** Walks the spec and lists every named example with the component schema it must match. */
import { spec } from '../src/index';

export interface SpecExample {
  /** Where the example sits: `POST /api/v1/jobs/createTask request application/json`. */
  where: string;
  name: string;
  schemaName: string;
  value: unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: walks an untyped JSON document
type Node = Record<string, any>;
const document = spec as unknown as Node;

const follow = (node: Node): Node => {
  if (typeof node?.$ref !== 'string') {
    return node;
  }
  const target = (node.$ref as string)
    .replace(/^#\//, '')
    .split('/')
    .reduce<Node>((parent, key) => parent[key], document);
  return follow(target);
};

const schemaNameOf = (schema: Node, where: string): string => {
  const ref = schema?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/components/schemas/')) {
    throw new Error(`${where}: the schema must be a $ref to a component schema`);
  }
  return ref.slice('#/components/schemas/'.length);
};

function fromContent(content: Node | undefined, where: string, out: SpecExample[]): void {
  for (const [mediaType, media] of Object.entries(content ?? {})) {
    const schemaName = schemaNameOf(media.schema, `${where} ${mediaType}`);
    for (const [name, example] of Object.entries<Node>(media.examples ?? {})) {
      out.push({ where: `${where} ${mediaType}`, name, schemaName, value: follow(example).value });
    }
  }
}

export const operations = (): { where: string; operation: Node }[] => {
  const items: { where: string; operation: Node }[] = [];
  const visit = (prefix: string, pathItem: Node) => {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const operation = follow(pathItem)[method];
      if (operation) {
        items.push({ where: `${method.toUpperCase()} ${prefix}`, operation });
      }
    }
  };
  for (const [path, item] of Object.entries<Node>(document.paths)) {
    visit(path, item);
  }
  for (const [name, item] of Object.entries<Node>(document.webhooks ?? {})) {
    visit(`webhook ${name}`, item);
  }
  return items;
};

export function collectExamples(): SpecExample[] {
  const out: SpecExample[] = [];
  for (const { where, operation } of operations()) {
    fromContent(follow(operation.requestBody ?? {}).content, `${where} request`, out);
    for (const [status, response] of Object.entries<Node>(operation.responses ?? {})) {
      fromContent(follow(response).content, `${where} ${status}`, out);
    }
  }
  return out;
}
