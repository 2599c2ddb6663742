import { ValidationError } from '../errors.ts';
import type { SamplesWithdrawn, WithdrawnSample } from './usage-events.ts';

/**
 * Withdrawing samples sent by mistake (`POST /usage/corrections`): each named key must be a
 * sample of the period's usage stream; keys already withdrawn are left as they are, so a retry
 * records nothing. Pure: the stream's samples come in folded (`withdrawalLedgerOf`).
 */
export type WithdrawSamples = {
  type: 'WithdrawSamples';
  data: { accountId: string; period: string; sampleKeys: readonly string[]; reason: string; withdrawnAt: string };
};

export interface WithdrawalLedger {
  /** every sample of the stream, by key */
  samples: ReadonlyMap<string, WithdrawnSample>;
  withdrawn: ReadonlySet<string>;
}

/** A period's usage stream, folded for withdrawals: one pass, so a long stream costs one read. */
export function withdrawalLedgerOf(events: readonly { type: string; data: unknown }[]): WithdrawalLedger {
  const samples = new Map<string, WithdrawnSample>();
  const withdrawn = new Set<string>();
  for (const event of events) {
    if (event.type === 'StorageMeasured') {
      const { sampleKey, bucketId, bytes, at } = event.data as Extract<WithdrawnSample, { kind: 'storage' }>;
      samples.set(sampleKey, { kind: 'storage', sampleKey, bucketId, bytes, at });
    } else if (event.type === 'TrafficMeasured') {
      const { sampleKey, bucketId, windowStart, windowEnd, egressBytes, ingressBytes, requestsA, requestsB } = event.data as Extract<WithdrawnSample, { kind: 'traffic' }>;
      samples.set(sampleKey, { kind: 'traffic', sampleKey, bucketId, windowStart, windowEnd, egressBytes, ingressBytes, requestsA, requestsB });
    } else if (event.type === 'SamplesWithdrawn') {
      for (const sample of (event.data as SamplesWithdrawn['data']).samples) withdrawn.add(sample.sampleKey);
    }
  }
  return { samples, withdrawn };
}

/** The keys the events withdrew: what rating and the read models leave out. */
export function withdrawnKeysOf(events: readonly { type: string; data: unknown }[]): ReadonlySet<string> {
  const keys = new Set<string>();
  for (const event of events) if (event.type === 'SamplesWithdrawn') for (const sample of (event.data as SamplesWithdrawn['data']).samples) keys.add(sample.sampleKey);
  return keys;
}

/**
 * Unknown keys refuse the whole request, each named (`sampleKeys[2]`), and nothing is recorded.
 * Counter readings are not samples of the period: the traffic derived from them is, under the
 * reading's key.
 */
export function decideWithdrawal(command: WithdrawSamples, ledger: WithdrawalLedger, stream: string): SamplesWithdrawn[] {
  const { data } = command;
  const unknown = data.sampleKeys.flatMap((key, index) => (ledger.samples.has(key) ? [] : [{ path: `sampleKeys[${index}]`, message: `${JSON.stringify(key)} is not a sample of ${stream}` }]));
  if (unknown.length > 0) throw new ValidationError(unknown, 'unknown_sample_keys', `${unknown.length} of the sample keys are not samples of ${stream}`);
  const keys = [...new Set(data.sampleKeys)].filter((key) => !ledger.withdrawn.has(key));
  if (keys.length === 0) return [];
  return [{ type: 'SamplesWithdrawn', data: { accountId: data.accountId, period: data.period, samples: keys.map((key) => ledger.samples.get(key)!), reason: data.reason, withdrawnAt: data.withdrawnAt } }];
}
