import { accessKeyDecider } from '../domain/access-key/access-key-decider.ts';
import { accessKeyExpiryDecider, accessKeyExpiryStream, noticeWindowEnd } from '../domain/access-key/access-key-expiry.ts';
import { accessKeyStream } from '../domain/access-key/access-key-streams.ts';
import type { EventStore } from '../ports/event-store.ts';
import { handleCommand, loadAggregate, type CommandContext } from './command-handler.ts';

export interface AccessKeyExpiryDeps {
  eventStore: EventStore;
  /** the ids of the active keys expiring in (from, until], soonest first, from the access-keys read model */
  activeKeysExpiringBetween(from: string, until: string): Promise<string[]>;
}

export interface AccessKeyExpirySummary {
  asOf: string;
  candidates: number;
  noticed: { accountId: string; keyId: string; name: string; expiresAt: string }[];
  failed: { keyId: string; error: string }[];
}

/** Every event this job records carries this actor. */
export const ACCESS_KEY_EXPIRY_ACTOR = 'system:access-key-expiry';

/**
 * One pass at `now` (scheduled by the service): the active keys the read model says expire
 * within the notice period are each checked against their own stream (a key revoked a
 * moment ago needs no notice) and noticed once, in `accesskeyexpiry-<keyId>`. Running again
 * records nothing for a key already noticed.
 */
export async function noticeExpiringAccessKeys(deps: AccessKeyExpiryDeps, now: Date, context: CommandContext): Promise<AccessKeyExpirySummary> {
  const at = now.toISOString();
  const ctx: CommandContext = { ...context, actor: ACCESS_KEY_EXPIRY_ACTOR, occurredAt: at };
  const until = noticeWindowEnd(at);
  const candidates = await deps.activeKeysExpiringBetween(at, until);

  const summary: AccessKeyExpirySummary = { asOf: at, candidates: candidates.length, noticed: [], failed: [] };
  for (const candidate of candidates) {
    try {
      const { state: key } = await loadAggregate(deps.eventStore, accessKeyDecider, accessKeyStream(candidate));
      if (key.status === 'none') continue;
      const { events } = await handleCommand(
        deps.eventStore,
        accessKeyExpiryDecider,
        accessKeyExpiryStream(key.keyId),
        { type: 'NoticeAccessKeyExpiring', data: { accountId: key.accountId, keyId: key.keyId, name: key.name, expiresAt: key.expiresAt, keyStatus: key.status, noticedAt: at } },
        ctx,
      );
      for (const event of events) summary.noticed.push({ accountId: event.data.accountId, keyId: event.data.keyId, name: event.data.name, expiresAt: event.data.expiresAt });
    } catch (error) {
      summary.failed.push({ keyId: candidate, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return summary;
}
