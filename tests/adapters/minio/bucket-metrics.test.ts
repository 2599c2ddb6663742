import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBucketMetrics } from '../../../src/adapters/minio/bucket-metrics.ts';
import { parseExactWholeNumber } from '../../../src/adapters/minio/exact-integer.ts';
import { parsePrometheusText } from '../../../src/adapters/minio/prometheus-text.ts';
import { requestClassOf } from '../../../src/adapters/minio/s3-request-classes.ts';

const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../../fixtures/minio', name), 'utf8');

describe('MinIO bucket metrics (Prometheus text)', () => {
  it('reads two buckets, summing both nodes and classing each API', () => {
    const readings = parseBucketMetrics(fixture('bucket-metrics.prom'));
    expect(readings).toEqual([
      {
        bucket: 'acme-data',
        storedBytes: 56_046_668_864n,
        // node1 1,073,741,824 + node2 524,288
        receivedBytes: 1_074_266_112n,
        // node1 2,147,483,648 + node2 34,359,738,368
        sentBytes: 36_507_222_016n,
        // putobject 1,200,000 + 830, copyobject 12, listobjectsv2 3,456, newmultipartupload 4,
        // putobjectpart 40, completemultipartupload 4
        requestsA: 1_204_346n,
        // getobject 2,500,000 + 987,654, headobject 5,000, getbucketlocation 2; deletes are free,
        // in-flight, 4xx and ttfb series are not requests counted here
        requestsB: 3_492_656n,
      },
      { bucket: 'acme-logs', storedBytes: 0n, receivedBytes: 0n, sentBytes: 0n, requestsA: 2n, requestsB: 2n },
    ]);
    // acme-new has request counters but no usage figure yet: left out, not reported as empty
  });

  it('reads the lower counters after a node restart as they are (the caller detects the reset)', () => {
    const [before] = parseBucketMetrics(fixture('bucket-metrics.prom'));
    const [after] = parseBucketMetrics(fixture('bucket-metrics-after-restart.prom'));
    expect(after).toEqual({
      bucket: 'acme-data',
      storedBytes: 56_046_673_000n,
      receivedBytes: 1_052_672n, // 4,096 + 1,048,576
      sentBytes: 34_359_746_560n, // 8,192 + 34,359,738,368
      requestsA: 903n, // putobject 3 + 900
      requestsB: 1_000_011n, // getobject 10 + 1,000,001
    });
    expect(after!.sentBytes < before!.sentBytes).toBe(true);
    expect(after!.requestsA < before!.requestsA).toBe(true);
  });

  it('refuses a byte count that is not a whole number, naming the series', () => {
    const text = 'minio_bucket_usage_total_bytes{bucket="b1",server="n:9000"} 1.5\n';
    expect(() => parseBucketMetrics(text)).toThrow('minio_bucket_usage_total_bytes{bucket="b1",server="n:9000"}: "1.5" is not a whole number');
    expect(() => parseBucketMetrics('minio_bucket_traffic_sent_bytes{bucket="b1"} NaN\n')).toThrow(/not a non-negative decimal number/);
    expect(() => parseBucketMetrics('minio_bucket_traffic_sent_bytes{bucket="b1"} +Inf\n')).toThrow(/not a non-negative decimal number/);
    expect(() => parseBucketMetrics('minio_bucket_traffic_sent_bytes{bucket="b1"} -4\n')).toThrow(/not a non-negative decimal number/);
  });

  it('refuses two different usage figures for one bucket', () => {
    const text = 'minio_bucket_usage_total_bytes{bucket="b1",server="a"} 10\nminio_bucket_usage_total_bytes{bucket="b1",server="b"} 11\n';
    expect(() => parseBucketMetrics(text)).toThrow(/reported twice for bucket b1: 10 and 11/);
  });
});

describe('exact whole numbers from Prometheus values', () => {
  it.each([
    ['0', 0n],
    ['42', 42n],
    ['1.2e+06', 1_200_000n],
    ['5.6046668864e+10', 56_046_668_864n],
    ['1e+21', 1_000_000_000_000_000_000_000n],
    // past 2^53, where a JS number would have said 9007199254740992
    ['9.007199254740993e+15', 9_007_199_254_740_993n],
    ['1.2345678901234567e+20', 123_456_789_012_345_670_000n],
    ['1.000e+03', 1000n],
    ['2500.0', 2500n],
    ['1E3', 1000n],
  ])('%s is %s', (text, value) => {
    expect(parseExactWholeNumber(text)).toBe(value);
  });

  it.each(['1.5', '0.1', '1.2345e+02', '1e-3', '', 'abc', '0x10'])('%s is refused', (text) => {
    expect(() => parseExactWholeNumber(text)).toThrow(RangeError);
  });
});

describe('Prometheus text lines', () => {
  it('unescapes label values and ignores timestamps and comments', () => {
    const samples = parsePrometheusText('# HELP x y\n\nm_total{a="q\\"uote",b="back\\\\slash",c="line\\nbreak"} 7 1700000000000\nm2 3\n');
    expect(samples).toEqual([
      { name: 'm_total', labels: { a: 'q"uote', b: 'back\\slash', c: 'line\nbreak' }, value: '7' },
      { name: 'm2', labels: {}, value: '3' },
    ]);
  });

  it('names the line it cannot read', () => {
    expect(() => parsePrometheusText('ok 1\nbad{a="x} 2\n')).toThrow(/line 2: unterminated value of label a/);
  });
});

describe('request classes', () => {
  it.each([
    ['putobject', 'A'],
    ['postpolicybucket', 'A'],
    ['copyobject', 'A'],
    ['copyobjectpart', 'A'],
    ['listobjectsv1', 'A'],
    ['listobjectsv2', 'A'],
    ['listobjectversions', 'A'],
    ['listbuckets', 'A'],
    ['newmultipartupload', 'A'],
    ['putobjectpart', 'A'],
    ['completemultipartupload', 'A'],
    ['putbucketlifecycle', 'A'],
    ['getobject', 'B'],
    ['headobject', 'B'],
    ['headbucket', 'B'],
    ['getbucketlocation', 'B'],
    ['listennotification', 'B'],
    ['deleteobject', 'free'],
    ['deletemultipleobjects', 'free'],
    ['abortmultipartupload', 'free'],
    ['PutObject', 'A'],
  ] as const)('%s is class %s', (api, cls) => {
    expect(requestClassOf(api)).toBe(cls);
  });
});
