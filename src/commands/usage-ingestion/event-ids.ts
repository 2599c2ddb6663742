import { hash } from 'node:crypto';
import { parse as parseUuid, v5 } from 'uuid';
import { canonicalSampleContent, type UsageSample } from '../../domain/usage/usage-samples.ts';

/**
 * Usage events and counter readings are identified by UUID v5 of their sample key, so the
 * PostgreSQL store's unique event ids are a second guard against recording a sample twice,
 * whichever process or retry writes it.
 */
export const USAGE_SAMPLE_NAMESPACE = '6f1c8a52-6d0e-4b7a-9c41-5e2d7b9a0c13';
export const COUNTER_READING_NAMESPACE = '8b4e2d71-0a9c-4f35-b6d8-1c7e9f3a5b20';

// Parsed once: uuid parses a namespace given as text on every call.
const usageNamespace = parseUuid(USAGE_SAMPLE_NAMESPACE);
const counterNamespace = parseUuid(COUNTER_READING_NAMESPACE);

/** RFC 9562 UUID version 5 (SHA-1 of namespace and name). */
export const uuidV5 = (name: string, namespace: string): string => v5(name, namespace);

// The key as UTF-8 bytes: given text, uuid encodes it through encodeURIComponent and unescape.
export const usageEventId = (sampleKey: string): string => v5(Buffer.from(sampleKey, 'utf8'), usageNamespace);
export const counterReadingId = (sampleKey: string): string => v5(Buffer.from(sampleKey, 'utf8'), counterNamespace);

/** SHA-256 (hex) of the sample's canonical content: a re-send is compared by it. */
export function sampleDigest(sample: UsageSample): string {
  // One-shot: a Hash object per sample was garbage a thousand times a batch.
  return hash('sha256', canonicalSampleContent(sample), 'hex');
}
