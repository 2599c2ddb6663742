import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/domain/errors.ts';
import { SampleKeyIndex, sampleKeyHash } from '../../src/domain/usage/sample-key-index.ts';
import {
  counterLedgerFromEvents,
  decideCounterReadings,
  decideSamples,
  emptyCounterLedger,
  ledgerFromEvents,
  readRanges,
  recordedDigests,
  recordedReadings,
  recordInLedger,
  revisionsToVerify,
  SampleConflictError,
} from '../../src/domain/usage/usage-ledger.ts';

describe('sample key index', () => {
  it('finds every key at its revision, also when keys share a hash', () => {
    const index = new SampleKeyIndex();
    // three keys forced onto one hash, and one slot's neighbour
    index.add(7, 0);
    index.add(7, 1);
    index.add(8, 2);
    index.add(7, 3);
    expect(index.revisionsOf(7)).toEqual([0, 1, 3]);
    expect(index.revisionsOf(8)).toEqual([2]);
    expect(index.revisionsOf(9)).toEqual([]);
    expect(index.size).toBe(4);
  });

  it('property: a key added is always found at its revision, through any growth; a miss is exact', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 300 }), fc.string({ minLength: 1, maxLength: 12 }), (keys, probe) => {
        const index = new SampleKeyIndex();
        keys.forEach((key, revision) => index.add(sampleKeyHash(key), revision));
        keys.forEach((key, revision) => expect(index.revisionsOf(sampleKeyHash(key))).toContain(revision));
        const found = index.revisionsOf(sampleKeyHash(probe));
        // every revision returned belongs to a key with the probe's hash
        for (const revision of found) expect(sampleKeyHash(keys[revision]!)).toBe(sampleKeyHash(probe));
        if (!keys.includes(probe)) expect(found.every((r) => keys[r] !== probe)).toBe(true);
      }),
    );
  });

  it('refuses a revision it cannot hold', () => {
    expect(() => new SampleKeyIndex().add(1, 2 ** 32)).toThrow(RangeError);
  });

  it('FNV-1a 32: the published test vectors', () => {
    expect(sampleKeyHash('') >>> 0).toBe(0x811c9dc5);
    expect(sampleKeyHash('a') >>> 0).toBe(0xe40c292c);
    expect(sampleKeyHash('foobar') >>> 0).toBe(0xbf9cf968);
  });
});

describe('usage ledger', () => {
  const c = (index: number, sampleKey: string, contentDigest: string) => ({ index, sampleKey, contentDigest });
  const recorded = (sampleKey: string, contentDigest: string, streamRevision: bigint) => ({ data: { sampleKey, contentDigest }, streamRevision });

  it('accepts new keys, finds duplicates and conflicts against what the stream holds and inside the batch', () => {
    const decision = decideSamples(
      new Map([
        ['a', 'da'],
        ['b', 'db'],
      ]),
      [c(0, 'a', 'da'), c(1, 'b', 'XX'), c(2, 'n', 'dn'), c(3, 'n', 'dn'), c(4, 'n', 'other')],
    );
    expect(decision.accept).toEqual([c(2, 'n', 'dn')]);
    expect(decision.duplicates).toEqual([c(0, 'a', 'da'), c(3, 'n', 'dn')]);
    expect(decision.conflicts).toEqual([
      { index: 1, sampleKey: 'b' },
      { index: 4, sampleKey: 'n', clashesWith: 2 },
    ]);
    expect(decideSamples(new Map(), [c(0, 'a', 'da')]).accept).toHaveLength(1);
  });

  it('knows where each key was recorded: the revisions to read back, and only those', () => {
    const ledger = ledgerFromEvents([recorded('a', 'da', 0n), recorded('b', 'db', 1n), recorded('c', 'dc', 2n)]);
    expect(ledger.revision).toBe(2n);
    expect(revisionsToVerify(ledger, ['c', 'new', 'a'])).toEqual([0, 2]);
    expect(revisionsToVerify(ledger, ['new'])).toEqual([]);
    recordInLedger(ledger, [c(0, 'n1', 'x'), c(1, 'n2', 'y')], 4n);
    expect(ledger.revision).toBe(4n);
    expect(revisionsToVerify(ledger, ['n2', 'n1'])).toEqual([3, 4]);
    // what was read back decides; keys not asked for are ignored
    expect(recordedDigests([recorded('a', 'da', 0n), recorded('b', 'db', 1n)], new Set(['a']))).toEqual(new Map([['a', 'da']]));
  });

  it('reads back revisions in runs: neighbours share a read, far ones do not', () => {
    expect(readRanges([])).toEqual([]);
    expect(readRanges([3, 4, 5, 9], 4)).toEqual([{ from: 3, count: 7 }]);
    expect(readRanges([3, 4, 5, 100], 4)).toEqual([
      { from: 3, count: 3 },
      { from: 100, count: 1 },
    ]);
  });

  it('names the conflicting items in a 409', () => {
    const error = new SampleConflictError([{ index: 3, sampleKey: 'k' }]);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.code).toBe('sample_conflict');
    expect(error.message).toContain('samples[3] (sampleKey "k")');
  });
});

describe('counter readings', () => {
  const reading = (at: string, sent: string, received = '0', a = '0', b = '0') => ({ at, sentBytes: sent, receivedBytes: received, requestsA: a, requestsB: b });
  const cand = (index: number, key: string, r: ReturnType<typeof reading>) => ({ index, sampleKey: key, contentDigest: `d-${key}`, reading: r });
  const data = (key: string, r: ReturnType<typeof reading>) => ({ accountId: 'a', bucketId: 'b', source: 'm', sampleKey: key, contentDigest: `d-${key}`, ...r });
  const p = (i: number) => `samples[${i}]`;

  it('takes readings in time order: baseline, increase, restart', () => {
    // sent in another order than measured
    const decision = decideCounterReadings(
      emptyCounterLedger(),
      new Map(),
      [
        cand(0, 'r2', reading('2026-06-01T02:00:00.000Z', '300', '50', '7', '1')),
        cand(1, 'r0', reading('2026-06-01T00:00:00.000Z', '1000', '500', '10', '10')),
        cand(2, 'r1', reading('2026-06-01T01:00:00.000Z', '1600', '700', '15', '12')),
      ],
      p,
    );
    expect(decision.issues).toEqual([]);
    expect(decision.accept.map((a) => [a.candidate.sampleKey, a.window])).toEqual([
      ['r0', null],
      ['r1', { windowStart: '2026-06-01T00:00:00.000Z', windowEnd: '2026-06-01T01:00:00.000Z', egressBytes: '600', ingressBytes: '200', requestsA: '5', requestsB: '2', restarted: false }],
      // 300 < 1600: a restart; the usage is the new reading itself
      ['r2', { windowStart: '2026-06-01T01:00:00.000Z', windowEnd: '2026-06-01T02:00:00.000Z', egressBytes: '300', ingressBytes: '50', requestsA: '7', requestsB: '1', restarted: true }],
    ]);
  });

  it('re-derives a recorded reading’s window from the readings read back, and refuses a new reading not later than the last', () => {
    const events = [
      { data: data('r0', reading('2026-06-01T00:00:00.000Z', '10')), streamRevision: 0n },
      { data: data('r1', reading('2026-06-01T01:00:00.000Z', '25')), streamRevision: 1n },
    ];
    const ledger = counterLedgerFromEvents(events);
    expect(ledger.lastRecorded).toEqual({ sampleKey: 'r1', contentDigest: 'd-r1', window: expect.objectContaining({ egressBytes: '15' }) });
    const candidates = [cand(0, 'r1', reading('2026-06-01T01:00:00.000Z', '25')), cand(1, 'late', reading('2026-06-01T00:30:00.000Z', '20'))];
    expect(revisionsToVerify(ledger, candidates.map((x) => x.sampleKey))).toEqual([1]);
    const found = recordedReadings(events, new Set(['r1', 'late']));
    const decision = decideCounterReadings(ledger, found, candidates, p);
    expect(decision.accept).toEqual([]);
    expect(decision.duplicates.map((d) => d.window?.egressBytes)).toEqual(['15']);
    expect(decision.issues).toEqual([{ path: 'samples[1].at', message: 'must be later than the last reading of this source and bucket (2026-06-01T01:00:00.000Z)' }]);
  });

  it('will not guess a window without the reading before', () => {
    const r1 = { data: data('r1', reading('2026-06-01T01:00:00.000Z', '25')), streamRevision: 1n };
    expect(() => recordedReadings([r1], new Set(['r1']))).toThrow(RangeError);
  });
});
