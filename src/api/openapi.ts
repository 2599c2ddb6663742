import { z } from 'zod';
import { ProblemSchema } from './problem.ts';
import { AFTER_DESCRIPTION, AFTER_POSITION, type Access, type RouteRegistry } from './route.ts';

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const EVENT_POSITION_HEADER = {
  description:
    'the log position of the last event this command appended: pass it as `?after=` to a read to see its effect. Absent when the command appended nothing (a retry of one already recorded); an Idempotency-Key replay answers the first answer\'s',
  required: false,
  schema: { type: 'string', pattern: AFTER_POSITION.source },
};

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

function errorResponses(access: Access, hasInput: boolean, hasBody: boolean): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  if (hasInput) {
    responses['400'] = problemResponse(
      'Invalid input (`validation_failed`; `invalid_cursor` for a page cursor this list did not hand out; `malformed_json`): ' +
        '`errors` lists every failing field at its full path, one message per failing rule. Text holding control characters or unpaired surrogates is refused.',
    );
  }
  if (hasBody) {
    responses['413'] = problemResponse('`payload_too_large`: the body is over 1 MiB');
    responses['415'] = problemResponse('`unsupported_media_type`: the body is not application/json');
  }
  if (access !== 'public') responses['401'] = problemResponse('No API token, or a bad or revoked one');
  if (access !== 'public') {
    const who = access === 'operator' || access === 'account:operator' ? 'Operators only' : access === 'metering' ? 'Operators and metering tokens only' : `Your role lacks ${access}`;
    responses['403'] = problemResponse(who);
  }
  if (access.startsWith('own-account:')) responses['404'] = problemResponse('Nothing found by a lookup that names one thing (an invoice number); another account\'s is answered the same');
  else if (access !== 'public' && access !== 'operator' && access !== 'metering') responses['404'] = problemResponse('No such account (or not yours)');
  return responses;
}

/** OpenAPI 3.1 from the same zod schemas the routes parse with: the document cannot drift from the code. */
export function buildOpenApiDocument(registry: RouteRegistry, info: { title: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of registry.routes) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [part, schema] of [
      ['path', route.params],
      ['query', route.query],
    ] as const) {
      if (!schema) continue;
      const shape = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
      for (const [name, property] of Object.entries(shape.properties ?? {})) {
        parameters.push({ name, in: part, required: part === 'path' || (shape.required ?? []).includes(name), schema: property });
      }
    }
    const reads = route.method === 'GET' && route.access !== 'public';
    if (reads) {
      const waitsFor = route.readModels === undefined ? 'every read model' : route.readModels.length === 0 ? 'no read model (answered at once)' : `the ${route.readModels.join(', ')} read model${route.readModels.length > 1 ? 's' : ''}`;
      parameters.push({
        name: 'after',
        in: 'query',
        required: false,
        schema: { type: 'string', pattern: AFTER_POSITION.source, maxLength: 41, description: `${AFTER_DESCRIPTION}. This route waits for ${waitsFor}` },
      });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses)) {
      const text = status === '200' ? Object.entries(route.textContent ?? {}).map(([type, description]) => [type, { schema: { type: 'string', description } }] as const) : [];
      responses[status] = schema
        ? { description: schema.description ?? 'OK', content: { 'application/json': { schema: jsonSchema(schema, 'output') }, ...Object.fromEntries(text) } }
        : { description: 'OK' };
    }
    if (route.produces && responses['200']) {
      const ok = responses['200'] as { description: string; content?: Record<string, unknown> };
      const alternatives = Object.entries(route.produces).map(([type, description]) => [type, { schema: { type: 'string', ...(type.startsWith('text/') ? {} : { format: 'binary' }), description } }]);
      responses['200'] = { ...ok, content: { ...(ok.content ?? {}), ...Object.fromEntries(alternatives) } };
    }
    if (route.method !== 'GET') {
      // what a read passes as `?after=` to see this command's effect (route.ts sets it for every command)
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) < 300) responses[status] = { ...(response as object), headers: { 'event-position': EVENT_POSITION_HEADER } };
      }
    }
    Object.assign(responses, errorResponses(route.access, Boolean(route.params || route.query || route.body), Boolean(route.body)));
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      summary: route.summary,
      ...(route.access !== 'public' ? { 'x-access': route.access } : {}),
      ...(reads && route.readModels ? { 'x-read-models': route.readModels } : {}),
      tags: route.tags,
      ...(route.access === 'public' ? { security: [] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'cpl_… token from `npm run ops -- create-operator-token`' } },
      schemas: { Problem: jsonSchema(ProblemSchema, 'output') },
    },
    paths,
  };
}
