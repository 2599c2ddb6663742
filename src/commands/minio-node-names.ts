import { createHash } from 'node:crypto';

/**
 * A MinIO node's `server` label (host:port) as it is written in a counter source
 * (`minio-<name>`) and in a sample key. A source allows letters, digits, dots, hyphens and
 * underscores only (src/domain/usage/usage-samples.ts), so every other character becomes `_`:
 * `node1:9000` is `node1_9000`. The name must stay the same from one run to the next, for it
 * names the stream that holds the node's last reading.
 *
 * At most 88 characters, so that a counter sample key (`minio-metrics:counters:` + a bucket of
 * up to 63 + `:` + the name + `:` + the minute) stays within 200; a longer label keeps its first
 * 75 characters and a digest of the whole label.
 */
export const MINIO_NODE_NAME_MAX_LENGTH = 88;

export function minioNodeName(server: string): string {
  const name = server.replace(/[^A-Za-z0-9._-]/g, '_');
  if (name.length <= MINIO_NODE_NAME_MAX_LENGTH) return name;
  const digest = createHash('sha256').update(server, 'utf8').digest('hex').slice(0, 12);
  return `${name.slice(0, MINIO_NODE_NAME_MAX_LENGTH - digest.length - 1)}-${digest}`;
}
