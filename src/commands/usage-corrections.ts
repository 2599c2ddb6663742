import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError, type FieldIssue } from '../domain/errors.ts';
import { checkPeriod } from '../domain/rating/billing-period.ts';
import { fitsText } from '../domain/shared/field-rule.ts';
import { REASON_TEXT } from '../domain/shared/reason-text.ts';
import { decideWithdrawal, withdrawalLedgerOf } from '../domain/usage/sample-withdrawal.ts';
import { usageStream, type WithdrawnSample } from '../domain/usage/usage-events.ts';
import { checkSampleKey, MAX_SAMPLES_PER_BATCH } from '../domain/usage/usage-samples.ts';
import { ConcurrencyError, type EventStore } from '../ports/event-store.ts';
import { metadataOf, type CommandContext } from './command-handler.ts';

export interface UsageCorrectionDeps {
  eventStore: EventStore;
  /** whether the account exists (the accounts read model) */
  accountExists(accountId: string): Promise<boolean>;
}

export interface UsageCorrectionInput {
  accountId: string;
  period: string;
  sampleKeys: string[];
  reason: string;
}

export interface SampleWithdrawalView {
  accountId: string;
  period: string;
  usageStream: string;
  /** withdrawn by this request */
  withdrawn: WithdrawnSample[];
  /** named, but withdrawn before: left as they were */
  alreadyWithdrawn: string[];
  reason: string;
}

const ATTEMPTS = 5;

/**
 * Withdraws samples sent by mistake from a period's usage stream, as one `SamplesWithdrawn`
 * appended to it (the samples stay where they were recorded). A key that is not a sample of
 * that stream refuses the request, naming it, and nothing is recorded. The stream is read whole
 * (a correction is rare; a usage stream is one period's) and appended at its revision: a batch
 * of usage landing in between costs one more read, never a lost sample.
 */
export async function withdrawSamples(deps: UsageCorrectionDeps, input: UsageCorrectionInput, context: CommandContext): Promise<{ created: boolean; withdrawal: SampleWithdrawalView }> {
  const issues: FieldIssue[] = [];
  checkPeriod(input.period, 'period', issues);
  if (!Array.isArray(input.sampleKeys) || input.sampleKeys.length < 1 || input.sampleKeys.length > MAX_SAMPLES_PER_BATCH) {
    issues.push({ path: 'sampleKeys', message: `must list 1 to ${MAX_SAMPLES_PER_BATCH} sample keys` });
  } else {
    input.sampleKeys.forEach((key, index) => checkSampleKey(key, `sampleKeys[${index}]`, issues));
  }
  if (typeof input.reason !== 'string' || !fitsText(input.reason.trim(), REASON_TEXT)) issues.push({ path: 'reason', message: `must be ${REASON_TEXT.minLength} to ${REASON_TEXT.maxLength} characters` });
  if (issues.length > 0) throw new ValidationError(issues);
  if (!(await deps.accountExists(input.accountId))) throw new NotFoundError('account_not_found', `account ${input.accountId} does not exist`);

  const stream = usageStream(input.accountId, input.period);
  const command = { type: 'WithdrawSamples' as const, data: { accountId: input.accountId, period: input.period, sampleKeys: input.sampleKeys, reason: input.reason.trim(), withdrawnAt: context.occurredAt } };
  for (let attempt = 1; ; attempt++) {
    const recorded = await deps.eventStore.readStream(stream);
    const ledger = withdrawalLedgerOf(recorded);
    const events = decideWithdrawal(command, ledger, stream);
    const withdrawn = events.flatMap((event) => event.data.samples);
    const view = {
      accountId: input.accountId,
      period: input.period,
      usageStream: stream,
      withdrawn,
      alreadyWithdrawn: [...new Set(input.sampleKeys)].filter((key) => ledger.withdrawn.has(key)),
      reason: command.data.reason,
    };
    if (events.length === 0) {
      // withdrawn before: the stream's last event is at or past that withdrawal (read just now)
      context.appended?.note(recorded.at(-1)?.position ?? null);
      return { created: false, withdrawal: view };
    }
    const last = recorded[recorded.length - 1]!;
    try {
      const metadata = metadataOf(context);
      const appended = await deps.eventStore.append(stream, events.map((event) => ({ eventId: randomUUID(), type: event.type, data: event.data, metadata })), { expectedRevision: last.streamRevision });
      context.appended?.note(appended.position);
      return { created: true, withdrawal: view };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= ATTEMPTS) throw error;
    }
  }
}
