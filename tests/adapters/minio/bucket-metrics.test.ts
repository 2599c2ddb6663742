import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBucketMetrics } from '../../../src/adapters/minio/bucket-metrics.ts';
import { parseExactWholeNumber } from '../../../src/adapters/minio/exact-integer.ts';
import { parsePrometheusText } from '../../../src/adapters/minio/prometheus-text.ts';
import { requestClassOf } from '../../../src/adapters/minio/s3-request-classes.ts';

const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../../fixtures/minio', name), 'utf8');

describe('MinIO bucket metrics (Prometheus text)', () => {
  it('reads two buckets, each node\'s counters apart, classing each API', () => {
    const readings = parseBucketMetrics(fixture('bucket-metrics.prom'));
    expect(readings).toEqual([
      {
        bucket: 'acme-data',
        // reported once, by node1 (the node that answered)
        storedBytes: 56_046_668_864n,
        counters: [
          {
            server: 'node1:9000',
            sentBytes: 2_147_483_648n,
            receivedBytes: 1_073_741_824n,
            // putobject 1,200,000 + listobjectsv2 3,456 + copyobject 12
            requestsA: 1_203_468n,
            // getobject 2,500,000 + headobject 5,000 + getbucketlocation 2; deleteobject 77 is free,
            // the in-flight, 4xx and ttfb series are not requests counted here
            requestsB: 2_505_002n,
          },
          {
            server: 'node2:9000',
            sentBytes: 34_359_738_368n,
            receivedBytes: 524_288n,
            // putobject 830 + putobjectpart 40 + newmultipartupload 4 + completemultipartupload 4
            requestsA: 878n,
            // getobject 987,654; deletemultipleobjects 3 is free
            requestsB: 987_654n,
          },
        ],
      },
      {
        bucket: 'acme-logs',
        storedBytes: 0n,
        counters: [
          // listobjectsv2 1 (A), headbucket 2 (B); no traffic series: 0
          { server: 'node1:9000', sentBytes: 0n, receivedBytes: 0n, requestsA: 1n, requestsB: 2n },
          // putobject 1
          { server: 'node2:9000', sentBytes: 0n, receivedBytes: 0n, requestsA: 1n, requestsB: 0n },
        ],
      },
    ]);
    // acme-new has request counters but no usage figure yet: left out, not reported as empty
  });

  it('after node1 restarted, node1\'s counters read lower and node2\'s go on (the caller detects the reset per node)', () => {
    const [before] = parseBucketMetrics(fixture('bucket-metrics.prom'));
    const [after, logs] = parseBucketMetrics(fixture('bucket-metrics-after-restart.prom'));
    expect(after).toEqual({
      bucket: 'acme-data',
      storedBytes: 56_046_673_000n,
      counters: [
        // putobject 3, getobject 10
        { server: 'node1:9000', sentBytes: 8_192n, receivedBytes: 4_096n, requestsA: 3n, requestsB: 10n },
        // putobject 900, getobject 1,000,001
        { server: 'node2:9000', sentBytes: 34_359_738_368n, receivedBytes: 1_048_576n, requestsA: 900n, requestsB: 1_000_001n },
      ],
    });
    const [node1Before, node2Before] = before!.counters;
    const [node1After, node2After] = after!.counters;
    expect(node1After!.sentBytes < node1Before!.sentBytes).toBe(true);
    // node2 did not restart: none of its counters went down
    for (const c of ['sentBytes', 'receivedBytes', 'requestsA', 'requestsB'] as const) expect(node2After![c] >= node2Before![c]).toBe(true);
    // a bucket with a usage figure and no counter from any node: stored bytes, no counters
    expect(logs).toEqual({ bucket: 'acme-logs', storedBytes: 0n, counters: [] });
  });

  it('refuses a byte count that is not a whole number, naming the series', () => {
    const text = 'minio_bucket_usage_total_bytes{bucket="b1",server="n:9000"} 1.5\n';
    expect(() => parseBucketMetrics(text)).toThrow('minio_bucket_usage_total_bytes{bucket="b1",server="n:9000"}: "1.5" is not a whole number');
    expect(() => parseBucketMetrics('minio_bucket_traffic_sent_bytes{bucket="b1",server="n:9000"} NaN\n')).toThrow(/not a non-negative decimal number/);
    expect(() => parseBucketMetrics('minio_bucket_traffic_sent_bytes{bucket="b1",server="n:9000"} +Inf\n')).toThrow(/not a non-negative decimal number/);
    expect(() => parseBucketMetrics('minio_bucket_traffic_sent_bytes{bucket="b1",server="n:9000"} -4\n')).toThrow(/not a non-negative decimal number/);
  });

  it('takes one usage figure reported by several nodes once, never their sum (the highest if they differ)', () => {
    const same = 'minio_bucket_usage_total_bytes{bucket="b1",server="a"} 10\nminio_bucket_usage_total_bytes{bucket="b1",server="b"} 10\n';
    expect(parseBucketMetrics(same)).toEqual([{ bucket: 'b1', storedBytes: 10n, counters: [] }]);
    const behind = 'minio_bucket_usage_total_bytes{bucket="b1",server="a"} 11\nminio_bucket_usage_total_bytes{bucket="b1",server="b"} 10\n';
    expect(parseBucketMetrics(behind)).toEqual([{ bucket: 'b1', storedBytes: 11n, counters: [] }]);
  });

  it('refuses a counter without the node that counted it, and a counter series given twice', () => {
    const usage = 'minio_bucket_usage_total_bytes{bucket="b1",server="a"} 10\n';
    expect(() => parseBucketMetrics(`${usage}minio_bucket_traffic_sent_bytes{bucket="b1"} 5\n`)).toThrow('minio_bucket_traffic_sent_bytes{bucket="b1"} has no server label');
    const twice = `${usage}minio_bucket_requests_total{api="getobject",bucket="b1",server="a"} 5\nminio_bucket_requests_total{api="getobject",bucket="b1",server="a"} 5\n`;
    expect(() => parseBucketMetrics(twice)).toThrow('minio_bucket_requests_total{api="getobject",bucket="b1",server="a"} reported twice');
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
