import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.ts';
import { decideWithdrawal, withdrawalLedgerOf } from '../../src/domain/usage/sample-withdrawal.ts';
import { foldIntoLedger, ledgerFromEvents, revisionsToVerify } from '../../src/domain/usage/usage-ledger.ts';

const storage = (sampleKey: string, revision: bigint) => ({ type: 'StorageMeasured', streamRevision: revision, data: { accountId: 'a', bucketId: 'b', sampleKey, bytes: '10', at: '2026-06-01T03:00:00.000Z', contentDigest: 'x' } });
const withdrawal = (keys: string[], revision: bigint) => ({
  type: 'SamplesWithdrawn',
  streamRevision: revision,
  data: { accountId: 'a', period: '2026-06', samples: keys.map((sampleKey) => ({ kind: 'storage', sampleKey, bucketId: 'b', bytes: '10', at: '2026-06-01T03:00:00.000Z' })), reason: 'r', withdrawnAt: 'now' },
});
const command = (sampleKeys: string[]) => ({ type: 'WithdrawSamples' as const, data: { accountId: 'a', period: '2026-06', sampleKeys, reason: 'wrong', withdrawnAt: '2026-07-01T00:00:00.000Z' } });

describe('withdrawing samples', () => {
  it('withdraws each named sample once, skipping those already withdrawn; nothing when all were', () => {
    const ledger = withdrawalLedgerOf([storage('k1', 0n), storage('k2', 1n), withdrawal(['k1'], 2n)]);
    const [event] = decideWithdrawal(command(['k1', 'k2', 'k2']), ledger, 's');
    expect(event!.data.samples.map((s) => s.sampleKey)).toEqual(['k2']);
    expect(decideWithdrawal(command(['k1']), ledger, 's')).toEqual([]);
  });

  it('refuses the whole request when a key is not a sample of the stream, naming each', () => {
    const ledger = withdrawalLedgerOf([storage('k1', 0n)]);
    expect(() => decideWithdrawal(command(['k1', 'k9']), ledger, 'usage-a:2026-06')).toThrow(ValidationError);
    try {
      decideWithdrawal(command(['k8', 'k1', 'k9']), ledger, 'usage-a:2026-06');
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['sampleKeys[0]', 'sampleKeys[2]']);
    }
  });

  it("the ingestion's ledger steps over a withdrawal: it moves the revision and records no key", () => {
    const ledger = ledgerFromEvents([storage('k1', 0n)]);
    foldIntoLedger(ledger, [withdrawal(['k1'], 1n), storage('k2', 2n)]);
    expect(ledger.revision).toBe(2n);
    expect(revisionsToVerify(ledger, ['k1', 'k2'])).toEqual([0, 2]);
  });
});
