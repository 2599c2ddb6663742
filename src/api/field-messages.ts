import type { z } from 'zod';
import type { FieldIssue } from '../domain/errors.ts';

/**
 * Zod's own texts ("Invalid input: expected string, received undefined") name its types, not
 * what a person should send. Each failing rule gets one sentence a portal can show next to the
 * field; a schema's own message (a regex's "must be YYYY-MM", a domain rule's) wins over these.
 */
type RawIssue = Parameters<z.core.$ZodErrorMap>[0];

const TYPE_WORDS: Record<string, string> = {
  string: 'must be text',
  number: 'must be a number',
  int: 'must be a whole number',
  boolean: 'must be true or false',
  object: 'must be an object',
  array: 'must be a list',
  null: 'must be null',
  bigint: 'must be a whole number',
  date: 'must be a date',
};

const FORMAT_WORDS: Record<string, string> = {
  email: 'must be an email address',
  uuid: 'must be a UUID',
  guid: 'must be a UUID',
  url: 'must be a URL',
  datetime: 'must be an ISO 8601 instant with its offset, e.g. 2026-03-01T12:00:00-03:00',
  date: 'must be a date, YYYY-MM-DD',
  regex: 'is not in the expected format',
};

const plural = (n: number | bigint, unit: string) => `${n} ${unit}${Number(n) === 1 ? '' : 's'}`;

/** "must be at least 3 characters long", "must have at most 20 items", "must be greater than 0" */
function boundMessage(origin: string, side: 'least' | 'most' | 'exactly', value: number | bigint, inclusive: boolean | undefined): string {
  const words = side === 'exactly' ? 'exactly' : `at ${side}`;
  if (origin === 'string') return `must be ${words} ${plural(value, 'character')} long`;
  if (origin === 'array' || origin === 'set') return `must have ${words} ${plural(value, 'item')}`;
  if (side === 'exactly') return `must be ${value}`;
  if (inclusive === false) return `must be ${side === 'least' ? 'greater' : 'less'} than ${value}`;
  return `must be ${words} ${value}`;
}

export const friendlyMessage: z.core.$ZodErrorMap = (issue: RawIssue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'number' && typeof issue.input === 'number') return 'must be a finite number';
      return TYPE_WORDS[issue.expected] ?? `must be of type ${issue.expected}`;
    }
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1 && !issue.exact) return 'must not be empty';
      return boundMessage(issue.origin, issue.exact ? 'exactly' : 'least', issue.minimum, issue.inclusive);
    case 'too_big':
      return boundMessage(issue.origin, issue.exact ? 'exactly' : 'most', issue.maximum, issue.inclusive);
    case 'invalid_format':
      return FORMAT_WORDS[issue.format] ?? `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return 'is none of the accepted forms (see the API document)';
    case 'invalid_key':
      return 'has a key that is not allowed';
    case 'invalid_element':
      return 'has an item that is not allowed';
    case 'unrecognized_keys':
      return 'unknown field';
    case 'custom':
      return 'is not valid';
    default:
      return undefined;
  }
};

/**
 * One issue per failing rule and field: a whole-number check's own ±2^53 bound adds nothing
 * next to the field's real bound, so of several bounds on one side the tightest is kept.
 */
export function tightestBounds(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const kept = new Map<string, z.core.$ZodIssue>();
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code !== 'too_big' && issue.code !== 'too_small') {
      out.push(issue);
      continue;
    }
    const key = `${issue.code}:${issue.path.map(String).join('.')}`;
    const earlier = kept.get(key);
    if (!earlier) {
      kept.set(key, issue);
      out.push(issue);
      continue;
    }
    const tighter =
      issue.code === 'too_big' ? Number(issue.maximum) < Number((earlier as typeof issue).maximum) : Number(issue.minimum) > Number((earlier as typeof issue).minimum);
    if (tighter) {
      out[out.indexOf(earlier)] = issue;
      kept.set(key, issue);
    }
  }
  return out;
}

/**
 * Paths are `<part>.<field>` everywhere (`body.requestedGiB`, `query.cursor`, `params.accountId`).
 * A rule of the domain names the field alone (`requestedGiB`); it is placed in the part of the
 * request that has that field.
 */
export function qualifyPaths(issues: readonly FieldIssue[], parts: { body?: z.ZodType; query?: z.ZodType; params?: z.ZodType }): FieldIssue[] {
  return issues.map((issue) => {
    if (/^(body|query|params|headers)(\.|$)/.test(issue.path)) return issue;
    const field = issue.path.split('.')[0]!;
    const part = (['params', 'query', 'body'] as const).find((name) => field !== '' && hasField(parts[name], field)) ?? (parts.body ? 'body' : parts.query ? 'query' : 'params');
    return { ...issue, path: issue.path === '' ? part : `${part}.${issue.path}` };
  });
}

function hasField(schema: z.ZodType | undefined, field: string): boolean {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape !== undefined && Object.hasOwn(shape, field);
}
