import { describe, expect, it } from 'vitest';
import { MINIO_NODE_NAME_MAX_LENGTH, minioNodeName } from '../../src/commands/minio-node-names.ts';
import type { FieldIssue } from '../../src/domain/errors.ts';
import { checkSampleKey, checkSource } from '../../src/domain/usage/usage-samples.ts';

describe('a MinIO node name in counter sources and sample keys', () => {
  it.each([
    ['node1:9000', 'node1_9000'],
    ['minio-2.storage.internal:9000', 'minio-2.storage.internal_9000'],
    ['[::1]:9000', '___1__9000'],
    ['10.0.0.7:9000', '10.0.0.7_9000'],
  ])('%s is %s', (server, name) => {
    expect(minioNodeName(server)).toBe(name);
  });

  it('a label too long for a sample key keeps its first 75 characters and a digest of the whole label', () => {
    const host = `${'a'.repeat(80)}.example.internal`;
    const one = minioNodeName(`${host}:9000`);
    const two = minioNodeName(`${host}:9001`);
    expect(one).toHaveLength(MINIO_NODE_NAME_MAX_LENGTH);
    expect(one.slice(0, 76)).toBe(`${'a'.repeat(75)}-`);
    expect(one).toMatch(/-[0-9a-f]{12}$/);
    // same label, same name (it names a stream); labels alike in their first 75 characters differ
    expect(minioNodeName(`${host}:9000`)).toBe(one);
    expect(two).not.toBe(one);
  });

  it('is accepted by ingestion as a source and, with the longest bucket name, in a sample key', () => {
    const issues: FieldIssue[] = [];
    for (const server of ['node1:9000', '[::1]:9000', `${'é'.repeat(120)}:9000`]) {
      const name = minioNodeName(server);
      expect(checkSource(`minio-${name}`, 'source', issues)).toBe(true);
      expect(checkSampleKey(`minio-metrics:counters:${'b'.repeat(63)}:${name}:2026-06-10T12:00:00.000Z`, 'sampleKey', issues)).toBe(true);
    }
    expect(issues).toEqual([]);
  });
});
