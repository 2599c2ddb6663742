import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * The API document promises bounds on every request field; this holds the running service to
 * each of them. The document is walked as served (`GET /docs`), so a field or a route added later
 * is covered without touching this test: for every documented constraint of a request field
 * (minLength, maxLength, pattern, format, enum, minimum, maximum, minItems, maxItems, and the
 * `x-decimal` range of a number written as a string) a value just outside it is sent, alone, and
 * the answer must be 400 with an error at that field's path (`body.x`, `query.x`, `params.x`,
 * `body.samples[0].bytes`). Operator tokens may call every route, so no refusal comes first.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
};
type Operation = { parameters?: { name: string; in: 'path' | 'query'; schema: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> } };
type Document = { paths: Record<string, Record<string, Operation>> };

/** A request field: where it is, how to put a value there, and which error paths name it. */
interface Field {
  route: string;
  part: 'params' | 'query' | 'body';
  path: string;
  schema: Schema;
  /** the body (or parameter value) holding `value` at this field */
  place(value: unknown): unknown;
  /** the field's path, and a union's own path above it (a union is refused as a whole) */
  names: string[];
}

interface Probe {
  field: Field;
  constraint: string;
  value: unknown;
}

let app: App;
let operator: string;
let document: Document;

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  document = (await app.api.inject({ method: 'GET', url: '/docs' })).json<Document>();
});
afterAll(async () => {
  await app.close();
});

const typesOf = (schema: Schema): string[] => (schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]);

/** Every leaf (and every array) of a request part, with the way to reach it. */
function fieldsOf(route: string, part: Field['part'], schema: Schema, path: string, place: (value: unknown) => unknown, unions: string[], out: Field[]): Field[] {
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) fieldsOf(route, part, branch, path, place, [...unions, path], out);
  if (schema.properties) {
    // a tagged item (usage samples) keeps its tag, so that the field is judged as that kind's
    const tag = Object.entries(schema.properties).find(([, property]) => property.const !== undefined);
    for (const [name, property] of Object.entries(schema.properties)) {
      const base = tag && tag[0] !== name ? { [tag[0]]: tag[1].const } : {};
      fieldsOf(route, part, property, `${path}.${name}`, (value) => place({ ...base, [name]: value }), unions, out);
    }
  }
  if (schema.items) fieldsOf(route, part, schema.items, `${path}[0]`, (value) => place([value]), unions, out);
  if (typesOf(schema).length > 0 && !schema.properties) out.push({ route, part, path, schema, place, names: [path, ...unions] });
  return out;
}

function requestFields(document: Document): Field[] {
  const fields: Field[] = [];
  for (const [url, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const route = `${method.toUpperCase()} ${url}`;
      for (const parameter of operation.parameters ?? []) {
        const part = parameter.in === 'path' ? 'params' : 'query';
        fieldsOf(route, part, parameter.schema, `${part}.${parameter.name}`, (value) => value, [], fields);
      }
      const body = operation.requestBody?.content['application/json']?.schema;
      if (body) fieldsOf(route, 'body', body, 'body', (value) => value, [], fields);
    }
  }
  return fields;
}

/** A value the schema takes, to fill a list with (only lists' sizes are probed with it). */
function validValue(schema: Schema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.format === 'uuid') return randomUUID();
  if (schema.anyOf?.[0]) return validValue(schema.anyOf[0]);
  return typesOf(schema).includes('object') ? {} : 'x';
}

/** One more than a decimal string (whole numbers; bounds are written as such). */
const decimalPlusOne = (value: string) => (value.includes('.') ? `${value}1` : (BigInt(value) + 1n).toString());
const decimalMinusOne = (value: string) => (BigInt(value) - 1n).toString();

/** For each documented constraint of the field, a value just outside it. */
function probesOf(field: Field): Probe[] {
  const s = field.schema;
  const probes: Probe[] = [];
  const add = (constraint: string, value: unknown) => probes.push({ field, constraint, value });
  const numeric = typesOf(s).some((type) => type === 'integer' || type === 'number');
  const asSent = (n: number) => (field.part === 'body' ? n : String(n));
  if (typeof s.maxLength === 'number') add(`maxLength ${s.maxLength}`, 'x'.repeat(s.maxLength + 1));
  // an empty path parameter is another URL, not an empty value
  if (typeof s.minLength === 'number' && s.minLength > 0 && !(field.part === 'params' && s.minLength === 1)) add(`minLength ${s.minLength}`, 'x'.repeat(s.minLength - 1));
  if (typeof s.pattern === 'string') {
    const pattern = new RegExp(s.pattern);
    const outside = ['!', '~~', ' x', 'x', '0', 'A', '-1'].find((candidate) => !pattern.test(candidate));
    if (outside !== undefined) add(`pattern ${s.pattern}`, outside);
  }
  if (s.format === 'uuid') add('format uuid', 'not-a-uuid');
  if (s.format === 'date-time') add('format date-time', 'not-an-instant');
  if (s.format === 'email') add('format email', 'not-an-email');
  if (s.enum) add(`enum ${s.enum.join('|')}`, 'none-of-these');
  if (numeric && typeof s.minimum === 'number') add(`minimum ${s.minimum}`, asSent(s.minimum - 1));
  if (numeric && typeof s.maximum === 'number') add(`maximum ${s.maximum}`, asSent(s.maximum + 1));
  if (typeof s.maxItems === 'number' && s.items) add(`maxItems ${s.maxItems}`, Array.from({ length: s.maxItems + 1 }, () => validValue(s.items!)));
  if (typeof s.minItems === 'number' && s.minItems > 0) add(`minItems ${s.minItems}`, []);
  const decimal = s['x-decimal'] as { minimum: string; exclusiveMinimum?: boolean; maximum: string; maxDecimals?: number } | undefined;
  if (decimal) {
    add(`x-decimal maximum ${decimal.maximum}`, decimalPlusOne(decimal.maximum));
    add(`x-decimal minimum ${decimal.minimum}${decimal.exclusiveMinimum ? ' (exclusive)' : ''}`, decimal.exclusiveMinimum ? decimal.minimum : decimalMinusOne(decimal.minimum));
    if (decimal.maxDecimals !== undefined && decimal.maxDecimals > 0) add(`x-decimal maxDecimals ${decimal.maxDecimals}`, `0.${'0'.repeat(decimal.maxDecimals)}1`);
  }
  return probes;
}

/** The probe as a request: the field holds the value; every other path parameter a well-formed one. */
function requestOf({ field, value }: Probe) {
  const [method, template] = field.route.split(' ') as [string, string];
  const name = field.path.slice(field.part.length + 1);
  const url = template.replace(/\{([A-Za-z0-9_]+)\}/g, (_all, param: string) =>
    encodeURIComponent(field.part === 'params' && param === name ? String(field.place(value)) : param === 'planId' ? 'plan-probe' : randomUUID()),
  );
  const query = field.part === 'query' ? `?${new URLSearchParams({ [name]: String(field.place(value)) }).toString()}` : '';
  return {
    method: method as 'GET',
    url: `${url}${query}`,
    headers: bearer(operator),
    ...(field.part === 'body' ? { payload: field.place(value) as object } : method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
  };
}

/** `body.kinds.0` as the document names it: `body.kinds[0]`. */
const documentPath = (path: string) => path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');

function bounded(field: Field): boolean {
  const s = field.schema;
  const types = typesOf(s).filter((type) => type !== 'null');
  if (types.includes('string')) return ['maxLength', 'enum', 'const', 'pattern', 'format'].some((keyword) => keyword in s);
  if (types.includes('integer') || types.includes('number')) return 'minimum' in s && 'maximum' in s;
  if (types.includes('array')) return 'maxItems' in s;
  return true;
}

describe('the OpenAPI document promises only what is enforced', () => {
  it('a value just outside each documented bound of a request field is refused at that field', async () => {
    const probes = requestFields(document).flatMap(probesOf);
    // the walk reaches the fields it must: a document it cannot read would pass vacuously
    expect(probes.length).toBeGreaterThan(200);
    expect(probes.map((probe) => probe.field.path)).toEqual(expect.arrayContaining(['body.samples[0].bytes', 'query.limit', 'params.accountId', 'body.amount']));

    const unenforced: string[] = [];
    for (const probe of probes) {
      const response = await app.api.inject(requestOf(probe));
      const errors = response.statusCode === 400 ? response.json<{ errors?: { path: string }[] }>().errors ?? [] : [];
      if (!errors.some((error) => probe.field.names.includes(documentPath(error.path)))) {
        unenforced.push(`${probe.field.route} ${probe.field.path} ${probe.constraint}: sent ${JSON.stringify(probe.value).slice(0, 60)}, got ${response.statusCode} ${response.body.slice(0, 300)}`);
      }
    }
    expect(unenforced).toEqual([]);
  });

  it('every request field documents its bounds: text its length or form, numbers their range, lists their size', () => {
    const unbounded = requestFields(document)
      .filter((field) => !bounded(field))
      .map((field) => `${field.route} ${field.path}`);
    expect(unbounded).toEqual([]);
  });
});
