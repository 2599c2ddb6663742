import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * Every route of the OpenAPI document, fed text holding control characters and unpaired
 * surrogates in every string it takes (path, query, body): no answer is a 5xx, every error is
 * problem+json, a request with such text is 400 naming a field of it, and nothing a request was
 * refused for leaves an event or a sealed key behind.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let operator: string;

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  format?: string;
};
interface Operation {
  parameters?: { name: string; in: 'path' | 'query'; schema: JsonSchema }[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
}

const BAD = ['\u0000', '\ud800', '\udfff', '\u0007', '\u001b', '\u007f', '\u0085'];
/** The characters that must be refused, wherever they are sent. */
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Mostly plausible text, often with a character that has no place in any text field. */
const fuzzText = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 6 }) }, { weight: 2, arbitrary: fc.constantFrom(...BAD) }, fc.constantFrom('a', '-', '@x.co', '2026-01')), { maxLength: 5 })
  .map((parts) => parts.join(''));
/** What can travel in a URL: no unpaired surrogates (they have no UTF-8 form), controls yes. */
const urlText = fuzzText.map((text) => text.replace(/[\ud800-\udfff]/g, '\u0001'));

function valueFor(schema: JsonSchema | undefined, text: fc.Arbitrary<string>, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return text;
  if (schema.const !== undefined) return fc.oneof(fc.constant(schema.const), text);
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), text);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((option) => valueFor(option, text, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      if (properties.length === 0) return fc.dictionary(text, text, { maxKeys: 2 });
      return fc.record(Object.fromEntries(properties.map(([name, property]) => [name, valueFor(property, text, depth + 1)])), {
        requiredKeys: schema.required ?? [],
      });
    }
    case 'array':
      return fc.array(valueFor(schema.items, text, depth + 1), { maxLength: 3 });
    case 'integer':
      return fc.oneof(fc.integer({ min: -2, max: 1_000 }), text);
    case 'number':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), text);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return text;
  }
}

const holdsForbiddenText = (value: unknown): boolean =>
  typeof value === 'string'
    ? FORBIDDEN.test(value)
    : Array.isArray(value)
      ? value.some(holdsForbiddenText)
      : value !== null && typeof value === 'object'
        ? Object.entries(value).some(([key, item]) => FORBIDDEN.test(key) || holdsForbiddenText(item))
        : false;

async function sideEffects() {
  const { rows } = await sql<{ events: string; keys: string }>`select (select count(*) from es_events) as events, (select count(*) from sealing_keys) as keys`.execute(
    app.infrastructure.readModels,
  );
  return `${rows[0]!.events}/${rows[0]!.keys}`;
}

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
});
afterAll(async () => {
  await app.close();
});

describe('fuzzing every route of the OpenAPI document with bad text', () => {
  it('finds no 5xx, only problem+json errors, 400 for bad text, and no partial state', async () => {
    const document = (await app.api.inject({ method: 'GET', url: '/docs' })).json<{ paths: Record<string, Record<string, Operation>> }>();
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
    expect(operations.length).toBeGreaterThan(50);

    let slug = 0;
    for (const { path, method, operation } of operations) {
      // A real account, so requests get past "no such account" to the rules behind it.
      const opened = await app.api.inject({
        method: 'POST',
        url: '/accounts',
        headers: bearer(operator),
        payload: { name: 'Fuzz Co', slug: `fuzz-${++slug}`, billingEmail: 'billing@fuzz.co', document: '529.982.247-25' },
      });
      const accountId = opened.json<{ accountId: string }>().accountId;
      const parameters = operation.parameters ?? [];
      const pathParams = fc.record(
        Object.fromEntries(
          parameters.filter((p) => p.in === 'path').map((p) => [p.name, p.name === 'accountId' ? fc.oneof({ weight: 4, arbitrary: fc.constant(accountId) }, urlText) : fc.oneof(fc.uuid(), urlText)]),
        ),
      );
      const query = fc.record(Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, fc.oneof(valueFor(p.schema, urlText).map(String), urlText)])), {
        requiredKeys: [],
      });
      const bodySchema = operation.requestBody?.content['application/json'].schema;
      const body = bodySchema ? valueFor(bodySchema, fuzzText) : fc.constant(undefined);

      await fc.assert(
        fc.asyncProperty(pathParams, query, body, async (params, queryValues, payload) => {
          const url =
            path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params[name]))) +
            (Object.keys(queryValues).length > 0 ? `?${new URLSearchParams(queryValues as Record<string, string>).toString()}` : '');
          const before = await sideEffects();
          const response = await app.api.inject({
            method: method.toUpperCase() as 'GET',
            url,
            headers: { ...bearer(operator), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
            ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
          });
          const where = `${method.toUpperCase()} ${url} ${JSON.stringify(payload)} -> ${response.statusCode} ${response.body}`;
          expect(response.statusCode, where).toBeLessThan(500);
          if (response.statusCode >= 400) {
            expect(response.headers['content-type'], where).toMatch(/^application\/problem\+json/);
            expect(await sideEffects(), `refused, yet recorded: ${where}`).toBe(before);
          }
          // Fastify keeps a path parameter whole only up to 100 characters; beyond it is 414 first.
          const sentBadText = holdsForbiddenText(params) || holdsForbiddenText(queryValues) || holdsForbiddenText(payload);
          if (sentBadText && response.statusCode !== 414) {
            expect(response.statusCode, where).toBe(400);
            expect(response.json<{ errors?: { path: string }[] }>().errors?.length, where).toBeGreaterThan(0);
          }
        }),
        { numRuns: 12, seed: 20261206 ^ slug },
      );
    }
  }, 600_000);
});
