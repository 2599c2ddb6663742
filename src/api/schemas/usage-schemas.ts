import { z } from 'zod';
import { COUNT_TEXT } from '../../domain/rating/usage-meters.ts';
import { BATCH_SIZE, MAX_SAMPLES_PER_BATCH, SAMPLE_FIELDS } from '../../domain/usage/usage-samples.ts';
import { decimalBounds, textBounds } from './field-rule-schema.ts';

/**
 * `POST /usage`. The items are validated by the domain (src/domain/usage/usage-samples.ts)
 * as a whole batch, together with their bucket names, so that one answer lists every bad
 * item as `body.samples[3].bytes`; zod checks the envelope, and the documents below describe
 * the items in the OpenAPI document with the bounds of the same domain rules (SAMPLE_FIELDS,
 * COUNT_TEXT, BATCH_SIZE).
 */
const count = (what: string) => z.string().meta(decimalBounds(COUNT_TEXT)).describe(`${what}: a whole number from 0 to 2^63 − 1, as a decimal string`);
const instant = (what: string) =>
  z
    .string()
    .meta({ format: 'date-time' })
    .describe(`${what}: ISO 8601 with an offset, e.g. 2026-06-01T00:00:00-03:00; not later than the service's clock plus USAGE_MAX_CLOCK_SKEW (5 minutes)`);
const common = {
  sampleKey: z
    .string()
    .meta(textBounds(SAMPLE_FIELDS.sampleKey))
    .describe('1 to 200 printable ASCII characters; the same key re-sent with the same content changes nothing, with other content it is refused (409 sample_conflict)'),
  bucket: z.string().meta(textBounds(SAMPLE_FIELDS.bucket)).describe('the bucket name, as the storage server knows it'),
};

export const StorageSampleDoc = z.strictObject({
  kind: z.literal('storage'),
  ...common,
  bytes: count('bytes stored'),
  at: instant('when they were measured'),
});

export const TrafficSampleDoc = z.strictObject({
  kind: z.literal('traffic'),
  ...common,
  windowStart: instant('start of the measured window (it decides the period)'),
  windowEnd: instant('end of the window, exclusive; later than windowStart'),
  egressBytes: count('bytes sent'),
  ingressBytes: count('bytes received'),
  requestsA: count('class A requests (PUT, POST, COPY, LIST)'),
  requestsB: count('class B requests (GET, HEAD, others; DELETE is free)'),
});

export const CountersSampleDoc = z.strictObject({
  kind: z.literal('counters'),
  ...common,
  source: z.string().meta(textBounds(SAMPLE_FIELDS.source)).describe('the server the cumulative counters come from (letters, digits, dots, hyphens, underscores)'),
  at: instant('when the counters were read'),
  sentBytes: count('bytes sent since the server started'),
  receivedBytes: count('bytes received since the server started'),
  requestsA: count('class A requests since the server started'),
  requestsB: count('class B requests since the server started'),
});

const sampleDocument = (schema: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
};

export const UsageBatchBody = z.strictObject({
  samples: z
    .array(z.unknown().meta({ oneOf: [StorageSampleDoc, TrafficSampleDoc, CountersSampleDoc].map(sampleDocument) }))
    .meta({ minItems: BATCH_SIZE.minimum, maxItems: BATCH_SIZE.maximum })
    .describe(
      `1 to ${MAX_SAMPLES_PER_BATCH} samples, validated as a whole: one bad sample refuses the batch and nothing is recorded. ` +
        'counters: the increase since the previous reading of the same source and bucket becomes traffic (the first reading is a baseline; a lower reading is a restart).',
    ),
});

export const UsageBatchResult = z
  .object({
    accepted: z.number().int().describe('samples this request recorded'),
    duplicates: z.number().int().describe('samples already recorded (before, or earlier in the batch): nothing changed'),
    recorded: z.number().int().describe('usage events recorded (a first counter reading is a baseline and records none)'),
  })
  .meta({ id: 'UsageBatchResult' });
export type UsageBatchResult = z.infer<typeof UsageBatchResult>;
