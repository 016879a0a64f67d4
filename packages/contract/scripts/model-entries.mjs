/**
 * The model catalog's entries, read from the spec: each request schema's `x-model`, checked against
 * the schema (its ids, its duration field, its fallback price), with what code needs from the schema
 * itself (the durations, the defaults of the inputs, the example). `generate.mjs` writes them as the
 * catalog and the model definitions; `family-table.mjs` renders the README table from them.
 */

/** The entries in the spec's order (CreateTaskRequest's `oneOf`); throws naming what the spec lacks. */
export function modelEntries(document) {
  const schemas = document.components.schemas;
  const resolve = (schema) => (schema?.$ref ? schemas[schema.$ref.split('/').pop()] : schema);
  /** The object forms of an input schema: itself, or each `oneOf` branch. */
  const forms = (schema) => (schema.oneOf ? schema.oneOf.map(resolve) : [schema]);
  const union = document.components.schemas.CreateTaskRequest;
  const order = union.oneOf.map((ref) => ref.$ref.split('/').pop());
  const known = document.components.schemas.KlingModel.enum;
  const aliasOf = document.components.schemas.KlingModelAlias['x-alias-of'];
  const entries = order.map((requestSchema) => {
    const request = schemas[requestSchema];
    const model = request['x-model'];
    if (!model || !known.includes(model.id)) {
      throw new Error(`spec: ${requestSchema} needs an x-model whose id is in KlingModel`);
    }
    const ids =
      request.properties.model.const !== undefined
        ? [request.properties.model.const]
        : request.properties.model.enum;
    const aliases = model.aliases ?? [];
    if (
      ids[0] !== model.id ||
      ids.length !== aliases.length + 1 ||
      !aliases.every((alias) => ids.includes(alias) && aliasOf[alias] === model.id)
    ) {
      throw new Error(`spec: ${requestSchema}'s model values must be its x-model id and aliases`);
    }
    const inputSchema = request.properties.input.$ref.split('/').pop();
    const defaults = {};
    const durations = [];
    for (const form of forms(schemas[inputSchema])) {
      for (const [name, property] of Object.entries(form.properties ?? {})) {
        const target = resolve(property);
        const value = property.default ?? target.default;
        if (value !== undefined && !(name in defaults) && !Array.isArray(value)) {
          defaults[name] = value;
        }
        if (name === model.seconds.field) {
          for (const option of target.enum ?? []) {
            if (!durations.includes(option)) {
              durations.push(option);
            }
          }
        }
      }
    }
    if (model.seconds.field && durations.length === 0) {
      throw new Error(`spec: ${requestSchema}'s duration field ${model.seconds.field} needs an enum`);
    }
    if (!model.seconds.field && typeof model.seconds.assumed !== 'number') {
      throw new Error(`spec: ${requestSchema} has no duration field, so x-model.seconds needs \`assumed\``);
    }
    const fallback = model.credits.rules.at(-1);
    if (!fallback || fallback.when) {
      throw new Error(`spec: ${requestSchema}'s last credit rule must have no \`when\` (the fallback)`);
    }
    const [example] = request.examples ?? [];
    if (!example) {
      throw new Error(`spec: ${requestSchema} needs an example`);
    }
    return {
      constName: `${requestSchema.replace(/Request$/, '')}Model`,
      value: {
        ...model,
        aliases,
        requestSchema,
        inputSchema,
        durations,
        defaults,
        example,
      },
    };
  });
  const missing = known.filter((id) => !entries.some((entry) => entry.value.id === id));
  if (missing.length > 0) {
    throw new Error(`spec: KlingModel lists models without a request schema: ${missing.join(', ')}`);
  }
  return entries;
}
