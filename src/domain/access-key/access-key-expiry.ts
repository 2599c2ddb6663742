import { assertNever, type Decider, type DomainEvent } from '../decider.ts';
import { eventUnion } from '../shared/event-union.ts';

/**
 * A week's notice before an access key expires, recorded once per key in its own stream
 * (`accesskeyexpiry-<keyId>`): the key's stream and its read model stay as they were.
 */
export const EXPIRY_NOTICE_DAYS = 7;
const NOTICE_MS = EXPIRY_NOTICE_DAYS * 86_400_000;

/** The last expiry instant that gets a notice at `now`. */
export const noticeWindowEnd = (now: string) => new Date(Date.parse(now) + NOTICE_MS).toISOString();

export type AccessKeyExpiring = DomainEvent<
  'AccessKeyExpiring',
  { accountId: string; keyId: string; name: string; expiresAt: string; noticedAt: string }
>;
export const accessKeyExpiryEvents = eventUnion<AccessKeyExpiring>({ AccessKeyExpiring: true });
export const ACCESS_KEY_EXPIRY_EVENT_TYPES = accessKeyExpiryEvents.types;

export const accessKeyExpiryStream = (keyId: string) => `accesskeyexpiry-${keyId}`;

/** Not yet expired at `now`, and expiring within the notice period (its last instant included). */
export function isExpiringSoon(expiresAt: string | null, now: string): boolean {
  if (expiresAt === null) return false;
  const left = Date.parse(expiresAt) - Date.parse(now);
  return left > 0 && left <= NOTICE_MS;
}

/** The key as its own stream has it now: a revoked key needs no notice. */
export type NoticeAccessKeyExpiring = {
  type: 'NoticeAccessKeyExpiring';
  data: { accountId: string; keyId: string; name: string; expiresAt: string | null; keyStatus: 'active' | 'revoked'; noticedAt: string };
};

export interface AccessKeyExpiryState {
  noticedAt: string | null;
}

export const accessKeyExpiryDecider: Decider<NoticeAccessKeyExpiring, AccessKeyExpiring, AccessKeyExpiryState> = {
  initialState: () => ({ noticedAt: null }),

  decide({ data }, state) {
    if (state.noticedAt !== null) return [];
    if (data.keyStatus !== 'active' || !isExpiringSoon(data.expiresAt, data.noticedAt)) return [];
    const { accountId, keyId, name, noticedAt } = data;
    return [{ type: 'AccessKeyExpiring', data: { accountId, keyId, name, expiresAt: data.expiresAt!, noticedAt } }];
  },

  evolve(state, event) {
    switch (event.type) {
      case 'AccessKeyExpiring':
        return { noticedAt: event.data.noticedAt };
      default:
        return assertNever(event.type);
    }
  },
};
